"""A query of ``akg serve`` run as ``bounded.run_on_store`` runs it, with what its text alone
decides worked out once per text: clients of an endpoint (a dashboard, a script in a loop) send
the same few texts again and again.

What is remembered depends on the text and nothing else: the links version its heading needs
(``version.needed_version``), the text run and its sorted lists (``lists``), whether the
read-only check needs rdflib's parse tree (``safety.parse_tree_needed``), and the formatted
answer of an ASK query by its value and format. What depends on the store is asked on every
request: the links version of the store (remembered only per opening of the store, which a
reader sees unchanged until it is opened again), the query itself and its rows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from alliance_kg.errors import QueryError
from alliance_kg.queries import Dataset
from alliance_kg.queries.bounded import QueryOutput, format_limited, run_read_only
from alliance_kg.queries.lists import declared, unit_separated
from alliance_kg.queries.safety import parse_tree_needed
from alliance_kg.queries.version import check_links_version, needed_version

#: Texts up to this many characters have their form remembered (``form``).
CACHED_LENGTH = 20_000


@dataclass(frozen=True)
class Form:
    """What a query's text decides before it runs: the links version it needs, the text run
    (its declared lists separated by ``lists.UNIT``) and each list's separator, whether its
    read-only check needs the parse tree, or the error its declared lists give."""

    needed: int
    text: str
    lists: dict[str, str]
    tree: bool
    error: str | None = None


def form(text: str) -> Form:
    """The ``Form`` of ``text``, remembered for the last texts seen (up to
    ``CACHED_LENGTH`` characters each). Shared between requests: never changed."""
    return _read_form(text) if len(text) > CACHED_LENGTH else _remembered_form(text)


def _read_form(text: str) -> Form:
    needed = needed_version(text)
    try:
        run, lists = unit_separated(text, declared(text))
    except QueryError as exc:
        # Said after the links version is checked, as ``run_on_store`` says it.
        return Form(needed, text, {}, True, str(exc))
    return Form(needed, run, lists, parse_tree_needed(run))


# Bounded: 256 texts of at most CACHED_LENGTH characters (and their run texts).
_remembered_form = lru_cache(maxsize=256)(_read_form)


class Prepared:
    """Runs queries on the stores a server process opens in turn (``run``), remembering
    per opening which links versions it was found to have."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._store: Any = None
        self._versions: set[int] = set()
        self._booleans: dict[tuple[bool, str], str] = {}

    def run(
        self, store: Any, text: str, fmt: str, limit: int, dataset: Dataset | None
    ) -> QueryOutput:
        """``bounded.run_on_store(store, text, fmt, None, limit, dataset=dataset)``: the same
        checks in the same order, the same answer or error."""
        shape = form(text)
        if shape.needed > 0:
            with self._lock:
                if store is not self._store:
                    self._store, self._versions = store, set()
                known = shape.needed in self._versions
            if not known:
                check_links_version(store, shape.needed)
                with self._lock:
                    if store is self._store:  # only once found recent enough, in this opening
                        self._versions.add(shape.needed)
        if shape.error is not None:
            raise QueryError(shape.error)
        result = run_read_only(store, shape.text, dataset=dataset, tree=shape.tree)
        if isinstance(result, ox.QueryBoolean):
            return QueryOutput(self._boolean(result, fmt), "boolean")
        kind = "graph" if isinstance(result, ox.QueryTriples) else "solutions"
        return QueryOutput(format_limited(result, fmt, limit, shape.lists), kind)

    def _boolean(self, result: ox.QueryBoolean, fmt: str) -> str:
        # An ASK answer's text is its value's in the format asked (two values, a few formats).
        key = (bool(result), fmt)
        text = self._booleans.get(key)
        if text is None:
            text = self._booleans[key] = format_limited(result, fmt, 0)
        return text
