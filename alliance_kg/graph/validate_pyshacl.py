"""The pySHACL engine of ``akg validate``, the reference: the whole graph read out of the store
into rdflib and checked there."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from alliance_kg.errors import AkgError
from alliance_kg.graph.validate import (
    CHECKED,
    Validation,
    Violation,
    at_fault,
    compact,
    label_of,
    path_text,
    quiet_literals,
    value_text,
)
from alliance_kg.ontology import AKG, ENTITY_TYPES, shapes_path

if TYPE_CHECKING:
    from pathlib import Path

    import rdflib

    from alliance_kg.graph.sparql import SparqlStore


def validate_graph(data: rdflib.Graph, shapes_file: Path | None = None) -> Validation:
    """Check an rdflib graph (the union of named graphs) against the shapes (those of
    ``shapes_file``, else the graph's contract) with pySHACL."""
    import rdflib
    from pyshacl import validate

    shapes = rdflib.Graph().parse(shapes_file or shapes_path(), format="turtle")
    counts = _counts(data)
    # No inference (the contract is about what is written), the data graph checked in place
    # (not copied), SHACL-SPARQL constraints on.
    try:
        with quiet_literals():
            _conforms, report, _text = validate(
                data, shacl_graph=shapes, inference="none", advanced=True, inplace=True
            )
    except Exception as exc:
        # pySHACL fails on some values it meets, as a TypeError comparing an ill-formed date
        # with a date (sh:lessThanOrEquals): reported, never a traceback.
        raise AkgError(
            f"pySHACL could not check the graph ({type(exc).__name__}: {exc}); the queries "
            "of `akg validate --engine sparql` can, unless the shapes use what they leave "
            "to pySHACL"
        ) from exc
    assert isinstance(report, rdflib.Graph)
    violations = sorted(_violations(report, data))
    return Validation(len(data), counts, violations)


def whole_graph(store: SparqlStore) -> rdflib.Graph:
    """The triples to check (the store's default graph, which is the de-duplicated union of
    its named graphs), read out of the store into an rdflib graph."""
    import pyoxigraph as ox
    import rdflib

    result = store.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    text = result.serialize(format=ox.RdfFormat.N_TRIPLES)
    assert text is not None
    with quiet_literals():
        return rdflib.Graph().parse(data=text, format="nt")


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
        focus, value = at_fault(report.value(result, sh.focusNode), report.value(result, sh.value))
        path = report.value(result, sh.resultPath)
        label = label_of(
            [(0, str(t)) for t in data.objects(focus, RDFS.label)]
            + [(1, str(t)) for t in data.objects(focus, SKOS.prefLabel)]
        )
        yield Violation(
            str(report.value(result, sh.resultMessage) or ""),
            path_text(report, path),
            compact(focus),
            str(label),
            value_text(value),
        )
