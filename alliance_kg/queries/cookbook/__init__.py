"""The SPARQL cookbook: ready questions as ``.rq`` files in this folder, run with ``akg query -n``.

Each file starts with comment lines: the first is a one-line description, later ones may add
detail, and ``# param: NAME KIND [= DEFAULT | optional] - HELP`` declares a parameter. KIND is
``text`` (a string), ``entity`` (the name of an entity: a name that matches none is an error
listing the closest names), ``date`` (YYYY-MM-DD), ``year`` (YYYY) or ``commitment-type`` (one
of the six types). A parameter is bound to the query variable of its name as an RDF term, by a
``VALUES`` block (``queries.run_query``): a value is never pasted into the query as raw text
(a plain string is also written, as one escaped literal, into the filters of the WHERE group,
where Oxigraph can test it first: ``graph.sparql.inline_strings``).

``# narrow: NAME`` followed by lines ``#| ...`` holds a SELECT query run first when parameter
NAME is given (``bounded.Narrowing``): its rows are bound in the query proper, which then starts
from them, e.g. the entities a name matches, found before the query joins every commitment
with them. It must find every value the query could use; the query keeps its own test, so the
file run by itself gives the same rows, only slower on a large store. ``# narrow: NAME values``
binds the rows with a ``VALUES`` block, from which Oxigraph starts, instead of a filter (in the
query proper and in the narrowing queries after it): for queries whose rows and their order do
not depend on the order solutions are met in (an ``ORDER BY`` that orders every row, lists
sorted as below). Lines of the query proper from ``# unless narrowed: NAME`` to ``# end unless
narrowed`` are left out when the narrowing of NAME runs, and lines from ``# when narrowed:
NAME`` to ``# end when narrowed`` kept only then (``queries.narrow_blocks``): a test that every
value the narrowing binds passes, which the store would only test again row by row, or two
forms of the query that give the same rows, one joining whole properties by hashing (for the
whole store) and one looking up the values the narrowing found. Lines from ``# only as written:
NAME`` to ``# end only as written`` are left out but when NAME is given and its narrowing does
not run: a test of NAME that the narrowing makes when NAME is given and every row passes when it
is not, for a client that runs the file as written.

``# sorted lists: NAME ...`` names ``GROUP_CONCAT`` columns whose values are sorted (by code
point) before the rows are formatted (``queries.lists``, wherever akg runs the text): SPARQL
leaves a list's order open, and Oxigraph's follows its plan, which a ``VALUES`` narrowing
changes.

``# needs links version: N`` says the query reads what version N of the corpus-level stage
added to the links graph: a store an older stage wrote is refused with an error saying to run
``akg update`` (``queries.version``), rather than answered with no rows.

The queries keep to SPARQL that Virtuoso 7.2 also evaluates as written (README, "Queries that
run on Virtuoso too"): strings are sorted by ``STR(?x)``, an optional parameter is tested with
``BOUND``, and no ``IF`` or ``COALESCE`` is put around an aggregate. A sort key is written
``CONCAT("~", STR(?x))``: the same order (one character before every string), which Oxigraph
sorts faster than ``STR(?x)`` of a stored string, a string it makes being compared in memory
(README, "Sort keys made by the query").
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox

from alliance_kg.errors import QueryError
from alliance_kg.ontology import COMMITMENT_TYPES, PREFIXES
from alliance_kg.queries import Substitutions
from alliance_kg.queries.bounded import (
    Bounds,
    Narrowing,
    QueryOutput,
    query_location,
)
from alliance_kg.queries.lists import DECLARED, unit_separated
from alliance_kg.queries.narrow_blocks import block_params
from alliance_kg.queries.version import NEEDS

_PARAM = re.compile(
    r"#\s*param:\s*(?P<name>[A-Za-z_]\w*)\s+(?P<kind>text|entity|date|year|commitment-type)"
    r"(?:\s*=\s*(?P<default>\S+)|\s+(?P<optional>optional))?\s+-\s+(?P<help>.+)"
)
_XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Param:
    """A declared parameter: required unless it has a default or is optional."""

    name: str
    kind: str
    help: str
    default: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class CookbookQuery:
    """One named query: its text, description and parameters."""

    name: str
    description: str
    text: str
    params: tuple[Param, ...]
    narrowing: tuple[Narrowing, ...] = ()
    #: ``GROUP_CONCAT`` columns whose values are sorted (``# sorted lists:``).
    lists: tuple[str, ...] = ()

    def bind(self, given: dict[str, str]) -> Substitutions:
        """The substitutions for ``given`` parameter values (defaults filled in)."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            allowed = ", ".join(declared) or "none"
            raise QueryError(
                f"query {self.name!r} has no parameter {unknown[0]!r} (parameters: {allowed})"
            )
        out: Substitutions = {}
        for param in self.params:
            value = given.get(param.name, param.default)
            if value is None:
                if param.optional:
                    continue
                raise QueryError(
                    f"query {self.name!r} needs --param {param.name}=... ({param.help})"
                )
            out[ox.Variable(param.name)] = _term(self.name, param, value)
        return out

    def entity_names(self, given: dict[str, str]) -> list[str]:
        """The values given for parameters of kind ``entity`` (to check with the store)."""
        return [given[p.name] for p in self.params if p.kind == "entity" and p.name in given]


def _term(query: str, param: Param, value: str) -> ox.NamedNode | ox.Literal:
    where = f"query {query!r}, parameter {param.name}"
    if param.kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) or not _real_day(value):
            raise QueryError(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
        return ox.Literal(value, datatype=ox.NamedNode(_XSD + "date"))
    if param.kind == "year":
        if not re.fullmatch(r"\d{4}", value):
            raise QueryError(f"{where}: {value!r} is not a year (YYYY)")
        return ox.Literal(value, datatype=ox.NamedNode(_XSD + "gYear"))
    if param.kind == "commitment-type":
        match = [t for t in COMMITMENT_TYPES if t.lower() == value.lower()]
        if not match:
            raise QueryError(f"{where}: {value!r} is not one of {', '.join(COMMITMENT_TYPES)}")
        return ox.NamedNode(PREFIXES["akg"] + match[0])
    return ox.Literal(value)


def _real_day(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_query_file(name: str, text: str) -> CookbookQuery:
    """Read the description and parameters from the comment lines heading ``text``."""
    notes: list[str] = []
    params: list[Param] = []
    narrowing: list[tuple[str, bool, list[str]]] = []
    lists: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _PARAM.fullmatch(line.strip())
        narrow = re.fullmatch(r"#\s*narrow:\s*(\w+)(\s+values)?\s*", line)
        sort = DECLARED.fullmatch(line.rstrip())
        if NEEDS.fullmatch(line.rstrip()):
            continue  # checked when the query runs (``queries.version``)
        if sort:
            lists.extend(sort[1].split())
        elif narrow:
            narrowing.append((narrow[1], bool(narrow[2]), []))
        elif line.startswith("#|"):
            if not narrowing:
                raise QueryError(f"{name}.rq: a '#|' line must follow '# narrow: PARAM'")
            narrowing[-1][2].append(line[2:])
        elif match:
            params.append(
                Param(
                    match["name"],
                    match["kind"],
                    match["help"].strip(),
                    match["default"],
                    bool(match["optional"]),
                )
            )
        elif line.startswith("# param"):
            raise QueryError(f"{name}.rq: cannot read the parameter line {line!r}")
        elif line.strip("# "):
            notes.append(line.lstrip("#").strip())
    if not notes:
        raise QueryError(f"{name}.rq: the first line must be a comment describing the query")
    declared = {p.name for p in params}
    for param, _, lines in narrowing:
        if param not in declared or not "".join(lines).strip():
            raise QueryError(f"{name}.rq: '# narrow: {param}' needs a parameter and a query")
    try:
        blocks = block_params(text)
    except QueryError as exc:
        raise QueryError(f"{name}.rq: {exc}") from exc
    stepped = {param for param, _, _ in narrowing}
    unknown = [(kind, param) for kind, param in blocks if param not in stepped]
    if unknown:
        kind, param = unknown[0]
        raise QueryError(f"{name}.rq: '# {kind}: {param}' has no '# narrow:' step")
    steps = tuple(Narrowing(param, "\n".join(lines), values) for param, values, lines in narrowing)
    try:
        unit_separated(text, tuple(lists))
    except QueryError as exc:
        raise QueryError(f"{name}.rq: '# sorted lists:' names a column with {exc}") from exc
    return CookbookQuery(name, " ".join(notes), text, tuple(params), steps, tuple(lists))


@lru_cache(maxsize=1)
def cookbook() -> dict[str, CookbookQuery]:
    """Every cookbook query by name (the file name without ``.rq``), sorted by name."""
    folder = files(__name__)
    entries = sorted(
        (entry.name[: -len(".rq")], entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".rq")
    )
    return {name: parse_query_file(name, text) for name, text in entries}


def get_query(name: str) -> CookbookQuery:
    """The cookbook query ``name``, or a ``QueryError`` listing the names there are."""
    found = cookbook().get(name)
    if found is None:
        raise QueryError(f"no cookbook query {name!r}; akg queries lists them")
    return found


def run_named(
    location: str | Path, name: str, given: dict[str, str], fmt: str, bounds: Bounds | None = None
) -> QueryOutput:
    """Run the cookbook query ``name`` with the ``given`` parameter values on the store at
    ``location`` (see ``query_location``); entity names are checked against the store."""
    entry = get_query(name)
    return query_location(
        location,
        entry.text,
        fmt,
        substitutions=entry.bind(given),
        bounds=bounds or Bounds(),
        names=tuple(entry.entity_names(given)),
        narrowing=entry.narrowing,
    )


def describe(queries: dict[str, CookbookQuery]) -> str:
    """The listing ``akg queries`` prints: each name, its description and its parameters."""
    lines: list[str] = []
    for entry in queries.values():
        lines.append(entry.name)
        lines.append(f"    {entry.description}")
        for p in entry.params:
            extra = f", default {p.default}" if p.default else ", optional" if p.optional else ""
            lines.append(f"    --param {p.name}=...  ({p.kind}{extra}) {p.help}")
    lines.append("")
    lines.append("Run one with: akg query -n NAME [--param KEY=VALUE ...]")
    return "\n".join(lines) + "\n"
