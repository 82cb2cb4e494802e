"""Check the store against the graph's contract: the SHACL shapes of
``alliance_kg/ontology/shapes.ttl`` (docs/graph-shape.md in shapes), run by pySHACL over the
union of the named graphs (the store's default graph).

pySHACL works on an rdflib graph in memory, so the triples checked are read out of the store
whole; its time and memory follow their number (README, "Limits and guarantees").
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from alliance_kg.graph.totals import count_of
from alliance_kg.ontology import AKG, ENTITY_TYPES, PREFIXES, shapes_path

if TYPE_CHECKING:
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
    store: SparqlStore, *, max_triples: int | None = None, triples: int | None = None
) -> Validation:
    """Check the union of the store's named graphs against the shapes; every violation is
    returned, none raised. A store of more than ``max_triples`` triples is not checked (the
    result says ``skipped``); ``triples``: their number as kept beside the store
    (``totals.py``), else it is counted."""
    if max_triples is not None:
        if triples is None:
            triples = count_of(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        if triples > max_triples:
            return Validation(triples, {}, skipped=True)
    return validate_graph(_read(store))


def validate_graph(data: rdflib.Graph) -> Validation:
    """Check an rdflib graph (the union of named graphs) against the shapes."""
    import rdflib
    from pyshacl import validate

    shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
    counts = _counts(data)
    # No inference (the contract is about what is written), the data graph checked in place
    # (not copied), SHACL-SPARQL constraints on.
    with _quiet_literals():
        _conforms, report, _text = validate(
            data, shacl_graph=shapes, inference="none", advanced=True, inplace=True
        )
    assert isinstance(report, rdflib.Graph)
    violations = sorted(_violations(report, data))
    return Validation(len(data), counts, violations)


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


def _read(store: SparqlStore) -> rdflib.Graph:
    """The triples to check (the store's default graph, which is the de-duplicated union of
    its named graphs), read out of the store into an rdflib graph."""
    import pyoxigraph as ox
    import rdflib

    result = store.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    text = result.serialize(format=ox.RdfFormat.N_TRIPLES)
    assert text is not None
    with _quiet_literals():
        return rdflib.Graph().parse(data=text, format="nt")


@contextmanager
def _quiet_literals() -> Iterator[None]:
    """rdflib logs a warning with a traceback for each ill-typed literal it reads (a date
    "2023-13-45"); the report names them, so the log is held back."""
    logger = logging.getLogger("rdflib.term")
    before = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = before


def _counts(data: rdflib.Graph) -> dict[str, int]:
    from rdflib import RDF

    counts = {}
    for kind, _, cls in CHECKED:
        classes = ENTITY_TYPES if cls == "Entity" else (cls,)
        counts[kind] = len({s for c in classes for s in data.subjects(RDF.type, AKG[c])})
    return counts


def _violations(report: rdflib.Graph, data: rdflib.Graph) -> Iterable[Violation]:
    from rdflib import RDF, RDFS, SKOS, Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    for result in report.subjects(RDF.type, sh.ValidationResult):
        focus = report.value(result, sh.focusNode)
        value = report.value(result, sh.value)
        path = report.value(result, sh.resultPath)
        if str(focus).startswith(str(AKG)) and value is not None:
            # A whole-graph rule (its focus node is a class): the value is the node at fault.
            focus, value = value, None
        if value == focus:
            value = None  # a rule about the node as a whole
        label = data.value(focus, RDFS.label) or data.value(focus, SKOS.prefLabel) or ""
        yield Violation(
            str(report.value(result, sh.resultMessage) or ""),
            _path_text(report, path),
            _compact(focus),
            str(label),
            "" if value is None else _term_text(value),
        )


def _path_text(report: rdflib.Graph, path: Any) -> str:
    """A result path as text: "akg:madeBy", or "^akg:reports" for an inverse path."""
    from rdflib import BNode, Namespace

    if path is None:
        return ""
    if isinstance(path, BNode):
        inverse = report.value(path, Namespace("http://www.w3.org/ns/shacl#").inversePath)
        return f"^{_compact(inverse)}" if inverse is not None else "(a path)"
    return _compact(path)


def _compact(term: Any) -> str:
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
        return f"{text}^^{_compact(term.datatype)}" if term.datatype is not None else text
    return _compact(term)


# C1 control characters, which json.dumps leaves as they are (C0 ones it escapes).
_C1 = re.compile("[\x7f-\x9f]")


def _quoted(text: str) -> str:
    """Text from a document in double quotes, every control character escaped, so that it
    cannot act on the terminal it is printed to."""
    return _C1.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(text, ensure_ascii=False))
