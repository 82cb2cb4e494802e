"""Check the store against the graph's contract: the SHACL shapes of
``alliance_kg/ontology/shapes.ttl`` (docs/graph-shape.md in shapes), over the union of the
named graphs (the store's default graph).

Two engines: by default each constraint is a SPARQL query that the store runs itself
(``shapes_sparql.py``), and only the violations and their labels are read back; pySHACL, the
reference, works on an rdflib graph in memory, so the whole store is read out into one, and
its time and memory follow the store's size (README, "Limits and guarantees"). Shapes beyond
what ``shapes_sparql.py`` translates go to pySHACL.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from alliance_kg.errors import AkgError
from alliance_kg.graph.totals import count_triples
from alliance_kg.ontology import AKG, PREFIXES, shapes_path

if TYPE_CHECKING:
    from pathlib import Path

    import rdflib

    from alliance_kg.graph.sparql import SparqlStore

#: The kinds of node counted in the summary, by class, in the order they are named.
CHECKED = (
    ("document", "documents", "Document"),
    ("commitment", "commitments", "Commitment"),
    ("entity", "entities", "Entity"),
    ("meeting", "meetings", "Meeting"),
    ("lineage", "lineages", "Lineage"),
    ("conflict", "conflicts", "Conflict"),
)
#: The ways ``validate_store`` checks a store: queries in the store, or pySHACL in rdflib.
ENGINES = ("sparql", "pyshacl")


@dataclass(frozen=True, order=True)
class Violation:
    """One node that breaks one rule of the contract."""

    message: str  # the rule, as the shapes file words it
    path: str  # the property at fault (compact, "akg:madeBy"), or "" for a whole-node rule
    node: str  # the node at fault (compact, "id:commitment/...")
    label: str  # its label, or ""
    value: str  # the offending value (N-Triples-like text), or ""


@dataclass(frozen=True)
class Validation:
    """What a check found: the triples checked, the nodes of each kind, the violations."""

    triples: int
    counts: dict[str, int]
    violations: list[Violation] = field(default_factory=list)
    skipped: bool = False  # not checked: more triples than the caller would check

    @property
    def conforms(self) -> bool:
        """Whether the graph keeps every rule of the contract (no violation found; also true
        of a check that was skipped)."""
        return not self.violations

    def report(self) -> str:
        """The report ``akg validate`` prints (``format_validation``)."""
        return format_validation(self)

    def summary(self) -> str:
        """The line ``akg build`` prints (``validation_summary``)."""
        return validation_summary(self)


def validate_store(
    store: SparqlStore,
    *,
    max_triples: int | None = None,
    triples: int | None = None,
    engine: str = "sparql",
    shapes: Path | None = None,
) -> Validation:
    """Check the union of the store's named graphs against the shapes; every violation is
    returned, none raised. A store of more than ``max_triples`` triples is not checked (the
    result says ``skipped``); ``triples``: their number as kept beside the store
    (``totals.py``), else it is counted. ``engine``: ``"sparql"`` runs each constraint as a
    query in the store (``shapes_sparql.py``; pySHACL when the shapes use what it does not
    translate), ``"pyshacl"`` copies the graph into rdflib and runs pySHACL over it.
    ``shapes``: a Turtle file of shapes to check instead of the graph's contract."""
    if engine not in ENGINES:
        raise AkgError(f"unknown validation engine {engine!r}; use one of {', '.join(ENGINES)}")
    if max_triples is not None:
        if triples is None:
            triples = count_triples(store)
        if triples > max_triples:
            return Validation(triples, {}, skipped=True)
    if engine == "sparql":
        from alliance_kg.graph.validate_sparql import validate_in_store

        done = validate_in_store(store, shapes or shapes_path(), triples)
        if done is not None:
            return done
    from alliance_kg.graph.validate_pyshacl import validate_graph, whole_graph

    return validate_graph(whole_graph(store), shapes)


def format_validation(result: Validation) -> str:
    """The report: each rule broken with its nodes, grouped, then the summary line."""
    groups: dict[tuple[str, str], list[Violation]] = defaultdict(list)
    for v in result.violations:
        groups[(v.message, v.path)].append(v)
    lines = []
    for (message, path), found in sorted(groups.items()):
        lines.append(f"{message} [{path}]:" if path else f"{message}:")
        for v in found:
            label = f" {_quoted(v.label)}" if v.label else ""
            value = f" value {v.value}" if v.value else ""
            lines.append(f"  {v.node}{label}{value}")
    lines.append(validation_summary(result))
    return "\n".join(lines)


def validation_summary(result: Validation) -> str:
    """One line: "Valid: ..." with what was checked, "Invalid: N violation(s) ...", or
    "Not validated: ..." for a check that was skipped."""
    if result.skipped:
        return (
            f"Not validated after the build: {result.triples} triples is more than "
            "a build checks; run `akg validate`."
        )
    checked = ", ".join(
        f"{n} {kind if n == 1 else plural}"
        for (kind, plural, _), n in zip(CHECKED, result.counts.values(), strict=True)
    )
    if result.conforms:
        return f"Valid: {result.triples} triples keep the graph's contract ({checked})."
    nodes = len({v.node for v in result.violations})
    return (
        f"Invalid: {len(result.violations)} violation(s) of the graph's contract at {nodes} "
        f"node(s), in {result.triples} triples ({checked})."
    )


def at_fault(focus: Any, value: Any) -> tuple[Any, Any]:
    """The node at fault and the offending value of one result. A whole-graph rule's focus
    node is a class of the ontology and its value the node at fault; a rule about a node as a
    whole gives the node itself as the value, which is not repeated."""
    if str(focus).startswith(str(AKG)) and value is not None:
        return value, None
    return focus, None if value == focus else value


def label_of(labels: list[tuple[int, str]]) -> str:
    """The label shown for a node, from its ``rdfs:label`` (rank 0) and ``skos:prefLabel``
    (rank 1) values: the least non-empty ``rdfs:label``, else the least non-empty
    ``skos:prefLabel``, else "" (a node with several has always the same one shown)."""
    return min(((rank if text else 2, text) for rank, text in labels), default=(2, ""))[1]


def value_text(value: Any) -> str:
    """An offending value as the report prints it ("" for none): ``akg:Pledge``, ``-5``,
    ``"2023-13-45"^^xsd:date``."""
    return "" if value is None else _term_text(value)


@contextmanager
def quiet_literals() -> Iterator[None]:
    """rdflib logs a warning with a traceback for each ill-typed literal it reads (a date
    "2023-13-45"); the report names them, so the log is held back."""
    logger = logging.getLogger("rdflib.term")
    before = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = before


def path_text(report: rdflib.Graph, path: Any) -> str:
    """A result path as text: "akg:madeBy", or "^akg:reports" for an inverse path."""
    from rdflib import BNode, Namespace

    if path is None:
        return ""
    if isinstance(path, BNode):
        inverse = report.value(path, Namespace("http://www.w3.org/ns/shacl#").inversePath)
        return f"^{compact(inverse)}" if inverse is not None else "(a path)"
    return compact(path)


def compact(term: Any) -> str:
    """An IRI in its prefixed form where a prefix of the project fits, else in <...>."""
    text = str(term)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return f"<{text}>"


def _term_text(term: Any) -> str:
    from rdflib import XSD, BNode, Literal

    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        if term.datatype == XSD.integer and re.fullmatch(r"-?[0-9]+", str(term)):
            return str(term)
        text = _quoted(str(term))
        return f"{text}^^{compact(term.datatype)}" if term.datatype is not None else text
    return compact(term)


# C1 control characters, which json.dumps leaves as they are (C0 ones it escapes).
_C1 = re.compile("[\x7f-\x9f]")


def _quoted(text: str) -> str:
    """Text from a document in double quotes, every control character escaped, so that it
    cannot act on the terminal it is printed to."""
    return _C1.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(text, ensure_ascii=False))
