"""The VoID description of the store: ``akg stats --format void`` and ``/.well-known/void``."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import rdflib
from clirunner import akg
from serve_process import akg_serve

import alliance_kg

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DATASET = rdflib.URIRef("https://w3id.org/alliance-kg/id/dataset")
AKG = rdflib.Namespace("https://w3id.org/alliance-kg/ontology#")


def _check(text: str, stats: dict[str, object]) -> rdflib.Graph:
    graph = rdflib.Graph().parse(data=text, format="turtle")
    assert (DATASET, rdflib.RDF.type, VOID.Dataset) in graph
    assert graph.value(DATASET, VOID.triples).toPython() == stats["triples"]
    assert graph.value(DATASET, VOID.documents).toPython() == stats["documents"] == 5
    assert graph.value(DATASET, VOID.entities).toPython() == stats["entities"]
    partitions = {
        graph.value(p, VOID["class"]): graph.value(p, VOID.entities).toPython()
        for p in graph.objects(DATASET, VOID.classPartition)
    }
    assert partitions[AKG.Commitment] == stats["commitments"]
    assert partitions[AKG.Meeting] == 3
    assert partitions[AKG.State] == stats["entities_by_type"]["State"]  # type: ignore[index]
    return graph


def test_stats_as_void(corpus_store: Path) -> None:
    stats = alliance_kg.open(corpus_store).stats()
    result = akg(corpus_store, "stats", "--format", "void")
    assert result.exit_code == 0
    _check(result.output, dict(stats))


def test_void_is_served_at_the_well_known_address(corpus_store: Path) -> None:
    stats = alliance_kg.open(corpus_store).stats()
    with akg_serve(corpus_store) as endpoint:
        url = endpoint.removesuffix("sparql") + ".well-known/void"
        with urllib.request.urlopen(url, timeout=60) as response:
            assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
            graph = _check(response.read().decode(), dict(stats))
    assert graph.value(DATASET, VOID.sparqlEndpoint) == rdflib.URIRef(endpoint)
