"""Read-only queries with bounds: a time limit that really stops the work, and a row limit.

A query on the local store runs in a child process that opens the store read-only; when the
time limit passes the child is killed, which stops Oxigraph mid-evaluation (a thread could not
be stopped) and cannot harm the store, which the child never opened for writing. Results are
read one row at a time, so a runaway result (a cartesian product) hits the row limit early.
Queries to a remote SPARQL server are bounded by the HTTP timeout instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from alliance_kg.errors import QueryError
from alliance_kg.queries import (
    GRAPH_FORMATS,
    Dataset,
    QueryResult,
    Substitutions,
    format_results,
    run_query,
)
from alliance_kg.queries.child import run_beside_writers
from alliance_kg.queries.narrow_blocks import for_narrowings
from alliance_kg.queries.safety import check_read_only, parse_tree_needed

_T = TypeVar("_T")

DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000
DEFAULT_MEMORY = 2048


@dataclass(frozen=True)
class QueryOutput:
    """A formatted result and its kind: ``solutions`` (SELECT), ``boolean`` (ASK) or
    ``graph`` (CONSTRUCT and DESCRIBE, always Turtle)."""

    text: str
    kind: str


@dataclass(frozen=True)
class Narrowing:
    """A query run first when the parameter ``param`` is given (with every parameter bound):
    its rows bind its variables in the query proper, which then starts from them. It must
    find every value the query proper could use (the query keeps its own test), so the rows
    are the same, found without a scan the store's indexes cannot avoid (a name compared in
    lower case, words in a text)."""

    param: str
    text: str
    #: Bind the rows with a ``VALUES`` block (``graph.sparql.start_from``) rather than a filter.
    values: bool = False


@dataclass(frozen=True)
class Given:
    """A cookbook query's parameters as bound (``CookbookQuery.bind``) and its narrowing steps:
    what a query is run with besides its text when it is asked for by name."""

    substitutions: Substitutions
    narrowing: tuple[Narrowing, ...] = ()


@dataclass(frozen=True)
class Bounds:
    """How long a query may run (seconds), how many rows (or triples) it may return, and how
    much memory (megabytes) its process may use."""

    timeout: float = DEFAULT_TIMEOUT
    limit: int = DEFAULT_LIMIT
    memory: int = DEFAULT_MEMORY


def query_location(
    location: str | Path,
    text: str,
    fmt: str,
    *,
    substitutions: Substitutions | None = None,
    bounds: Bounds = Bounds(),
    names: tuple[str, ...] = (),
    dataset: Dataset | None = None,
    narrowing: tuple[Narrowing, ...] = (),
) -> QueryOutput:
    """Check that ``text`` only reads, run it on the store at ``location`` within ``bounds``
    and return the formatted result. Raises ``QueryError`` naming the bound that was hit.
    ``names`` are entity names the query is given: each must name an entity of the store;
    ``narrowing`` queries run first (see ``Narrowing``)."""
    if bounds.timeout <= 0 or bounds.limit <= 0 or bounds.memory <= 0:
        raise QueryError("--timeout, --limit and --max-memory must be more than 0")
    from alliance_kg.graph.sparql import is_remote

    if is_remote(location):
        # A server bounds the time itself (the HTTP timeout); no child process is needed.
        return _bounded_run(location, text, fmt, substitutions, bounds, names, dataset, narrowing)
    work = partial(
        _bounded_run, location, text, fmt, substitutions, bounds, names, dataset, narrowing
    )
    return run_beside_writers(Path(location), work, bounds.timeout, bounds.memory)


def run_read_only(
    store: Any,
    text: str,
    *,
    substitutions: Substitutions | None = None,
    dataset: Dataset | None = None,
    tree: bool | None = None,
) -> QueryResult:
    """``run_query`` after ``check_read_only``: the one way user SPARQL reaches a store.
    ``tree`` is ``parse_tree_needed(text)`` when the caller knows it already."""
    from alliance_kg.graph.store import graph_names

    if tree is None:
        tree = parse_tree_needed(text)
    if isinstance(store, ox.Store) and not tree:
        # Nothing but an update could be refused, and Oxigraph parses the text as a query: run
        # it at once rather than parse it twice (a third of a cookbook query's time).
        try:
            return run_query(store, text, substitutions=substitutions, dataset=dataset)
        except QueryError:
            pass  # an update, bad syntax or a failure: the full check says which, or the run
    check_read_only(text, partial(graph_names, store), _syntax_only)
    return run_query(store, text, substitutions=substitutions, dataset=dataset)


def construct_triples(store: Any, text: str, origin: str) -> list[ox.Triple]:
    """Run the CONSTRUCT query ``text`` under the read-only rules of ``akg query`` (no SERVICE
    calls, no FROM other graphs) and return its triples, for ``akg render --query``: the graph
    layer draws what it is given and never runs user queries itself. Errors name ``origin``."""
    try:
        result = run_read_only(store, text)
    except QueryError as exc:
        raise QueryError(f"{origin}: {exc}") from exc
    if not isinstance(result, ox.QueryTriples):
        raise QueryError(
            f"{origin}: --query needs a CONSTRUCT query (it selects the triples to draw)"
        )
    return list(result)


def query_given(
    location: str | Path,
    text: str,
    fmt: str,
    given: Given | None,
    *,
    bounds: Bounds,
    dataset: Dataset | None = None,
) -> QueryOutput:
    """``query_location`` of ``text`` with a cookbook query's ``given`` parameters and
    narrowing, or of the text alone (``None``)."""
    if given is None:
        return query_location(location, text, fmt, bounds=bounds, dataset=dataset)
    return query_location(
        location, text, fmt, substitutions=given.substitutions, bounds=bounds, dataset=dataset,
        narrowing=given.narrowing,
    )  # fmt: skip


def _bounded_run(
    location: str | Path,
    text: str,
    fmt: str,
    substitutions: Substitutions | None,
    bounds: Bounds,
    names: tuple[str, ...] = (),
    dataset: Dataset | None = None,
    narrowing: tuple[Narrowing, ...] = (),
) -> QueryOutput:
    from alliance_kg.graph.store import open_location
    from alliance_kg.graph.storefiles import vanished

    for attempt in range(_ATTEMPTS):
        store = open_location(location, read_only=True, timeout=bounds.timeout)
        try:
            return run_on_store(
                store, text, fmt, substitutions, bounds.limit, names, narrowing, dataset=dataset
            )
        except QueryError as exc:
            # A writer compacted away a file this reader had not opened yet: a fresh opening
            # sees the files that replaced it.
            if attempt == _ATTEMPTS - 1 or not vanished(exc):
                raise
    raise AssertionError("unreachable")


#: Runs of a query whose store files vanished under it (a writer compacting) before giving up.
_ATTEMPTS = 3


def run_on_store(
    store: Any,
    text: str,
    fmt: str,
    substitutions: Substitutions | None,
    limit: int,
    names: tuple[str, ...] = (),
    narrowing: tuple[Narrowing, ...] = (),
    *,
    dataset: Dataset | None = None,
) -> QueryOutput:
    """Check and run ``text`` on an open ``store`` (over ``dataset`` if given) and format at
    most ``limit`` rows, the lists its heading ``# sorted lists:`` names sorted
    (``queries.lists``): the work of one bounded query once its process holds the store
    (``akg query``'s child, a worker of ``akg serve``)."""
    from alliance_kg.queries.lists import declared, unit_separated
    from alliance_kg.queries.names import check_names
    from alliance_kg.queries.version import check_links_version, needed_version

    check_names(store, list(names))
    check_links_version(store, needed_version(text))
    text, lists = unit_separated(text, declared(text))
    text = narrowed(store, text, substitutions or {}, narrowing)
    result = run_read_only(store, text, substitutions=substitutions, dataset=dataset)
    kind = (
        "boolean"
        if isinstance(result, ox.QueryBoolean)
        else "graph"
        if isinstance(result, ox.QueryTriples)
        else "solutions"
    )
    return QueryOutput(format_limited(result, fmt, limit, lists), kind)


def given_text(store: Any, text: str, given: Given) -> str:
    """``text`` as ``run_on_store`` runs it with ``given``: narrowed, then its parameters bound."""
    from alliance_kg.graph.sparql import bind_values

    text = narrowed(store, text, given.substitutions, given.narrowing)
    return bind_values(text, given.substitutions) if given.substitutions else text


def narrowed(
    store: Any, text: str, substitutions: Substitutions, narrowing: tuple[Narrowing, ...]
) -> str:
    """``text`` restricted to the values that each ``narrowing`` query whose parameter is given
    finds (``graph.sparql.restrict``; a variable some row leaves unbound is not restricted),
    with the blocks of the narrowings that ran and of those that did not as
    ``narrow_blocks.for_narrowings`` leaves them.
    Each narrowing query is itself restricted by what the ones before it found, so that a
    chain of them can start from a few values (a name's entities, then their commitments).
    A step with ``values`` binds what it finds with a ``VALUES`` block instead
    (``graph.sparql.start_from``), in the narrowing queries after it and in ``text``."""
    from alliance_kg.graph.sparql import restrict, start_from

    found: dict[ox.Variable, list[Any]] = {}
    starts: dict[ox.Variable, list[Any]] = {}
    ran = {step.param for step in narrowing if ox.Variable(step.param) in substitutions}
    text = for_narrowings(text, ran, {variable.value for variable in substitutions})
    for step in narrowing:
        if step.param not in ran:
            continue
        query = restrict(step.text, found) if found else step.text
        query = start_from(query, starts) if starts else query
        result = run_read_only(store, query, substitutions=substitutions)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError(f"a narrowing query must be a SELECT query: {step.text!r}")
        variables = list(result.variables)
        try:
            rows = [[row[v] for v in variables] for row in result]
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"the query failed: {exc}") from exc
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in variables]
        allowed = {
            v: [t for t in dict.fromkeys(column) if t is not None]
            for v, column in zip(variables, columns, strict=True)
            if None not in column
        }
        (starts if step.values else found).update(allowed)
    text = restrict(text, found) if found else text
    return start_from(text, starts) if starts else text


def _syntax_only(text: str) -> None:
    # An empty in-memory store: the parser reports the error; nothing is there to read.
    run_query(ox.Store(), text)


def format_limited(result: Any, fmt: str, limit: int, lists: dict[str, str] | None = None) -> str:
    """``format_results`` that refuses more than ``limit`` rows or triples, reading at most
    ``limit + 1`` of them (give or take a buffer of Oxigraph's writer); each column of
    ``lists`` sorted (``lists.sorted_list``)."""
    if isinstance(result, ox.QueryBoolean):
        return format_results(result, fmt)
    if isinstance(result, ox.QueryTriples):
        try:
            items = list(islice(result, limit + 1))
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"the query failed: {exc}") from exc
        if len(items) > limit:
            raise _too_many(limit, "triples")
        from alliance_kg.graph.export import serialize_sorted

        return serialize_sorted(items, GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE)).decode()
    # The rows are written by Oxigraph in the W3C TSV results format, whose cells are the terms
    # in N-Triples syntax, and read back as ``QuerySolutions`` for the usual formatting: no
    # Python step per term (0.4 of the 3.2 s of 48,000 rows of five columns, when each term
    # was written here).
    written = _Rows(limit)
    try:
        result.serialize(written, ox.QueryResultsFormat.TSV)
    except _TooMany:
        raise _too_many(limit, "rows") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryError(f"the query failed: {exc}") from exc
    data = b"".join(written.chunks)
    if lists:
        from alliance_kg.queries.lists import sorted_tsv

        data = sorted_tsv(data, lists)
    parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)
    assert isinstance(parsed, ox.QuerySolutions)
    return format_results(parsed, fmt)


class _TooMany(Exception):
    """Raised by ``_Rows`` to stop Oxigraph's writer."""


class _Rows:
    """Where Oxigraph writes TSV results: kept, until they pass ``limit`` rows."""

    def __init__(self, limit: int) -> None:
        self.chunks: list[bytes] = []
        self._lines = -1  # the first is the head
        self._limit = limit

    def write(self, chunk: bytes) -> int:
        data = bytes(chunk)
        self._lines += data.count(b"\n")  # one a row: a newline in a term is written escaped
        if self._lines > self._limit:
            raise _TooMany
        self.chunks.append(data)
        return len(data)

    def flush(self) -> None:
        pass


def _too_many(limit: int, what: str) -> QueryError:
    return QueryError(
        f"the query gives more than {limit} {what} (--limit {limit}); "
        "narrow it, add LIMIT, or raise --limit"
    )
