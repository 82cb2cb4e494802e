"""The ontology's Turtle file and the Python namespace that mirrors it agree."""

from rdflib import OWL, RDF, RDFS, URIRef
from rdflib.namespace import SKOS

from alliance_kg.ontology import AKG, COMMITMENT_TYPES, ENTITY_TYPES, load_ontology

NS = str(AKG)


def _defined_terms() -> set[str]:
    graph = load_ontology()
    return {
        str(s)[len(NS) :]
        for s in graph.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(NS)
    }


def test_namespace_mirrors_turtle() -> None:
    declared = set(AKG.__annotations__)
    assert declared == _defined_terms()


def test_required_classes_and_hierarchy() -> None:
    graph = load_ontology()
    for name in (*ENTITY_TYPES, "Actor", "Meeting", "Document", "Commitment"):
        assert (AKG[name], RDF.type, OWL.Class) in graph, name
    for name in ("Person", "State", "Organization"):
        assert (AKG[name], RDFS.subClassOf, AKG.Actor) in graph
    assert (AKG.Document, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Entity")) in graph


def test_commitment_types_form_a_skos_scheme() -> None:
    graph = load_ontology()
    in_scheme = {str(c)[len(NS) :] for c in graph.subjects(SKOS.inScheme, AKG.CommitmentTypes)}
    assert in_scheme == set(COMMITMENT_TYPES)
    for name in COMMITMENT_TYPES:
        assert (AKG[name], RDF.type, SKOS.Concept) in graph
        assert graph.value(AKG[name], SKOS.prefLabel) is not None


def test_every_property_has_a_label_and_a_kind() -> None:
    graph = load_ontology()
    properties = set(graph.subjects(RDF.type, OWL.ObjectProperty)) | set(
        graph.subjects(RDF.type, OWL.DatatypeProperty)
    )
    assert len(properties) == 55  # 25 object and 30 datatype properties
    for prop in properties:
        assert graph.value(prop, RDFS.label) is not None, prop


def test_unknown_term_is_refused() -> None:
    import pytest

    with pytest.raises(AttributeError):
        _ = AKG.notATerm
