"""The JSON-LD export: compacted with the shipped context, named graphs kept, read back by
pyoxigraph and rdflib as the same dataset as the N-Quads export."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox
import rdflib
from clirunner import akg

from alliance_kg.ontology import AKG, ID, PREFIXES


def test_the_shipped_context_holds_the_project_prefixes() -> None:
    text = files("alliance_kg.ontology").joinpath("context.jsonld").read_text(encoding="utf-8")
    context = json.loads(text)["@context"]
    assert context == PREFIXES
    assert (context["akg"], context["id"]) == (str(AKG), str(ID))


def test_jsonld_export_is_the_same_dataset_compacted(corpus_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.jsonld"
    assert akg(corpus_store, "export", "-o", str(out)).exit_code == 0
    data = out.read_bytes()
    nquads = akg(corpus_store, "export", "-f", "nquads").stdout_bytes
    expected = set(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    assert set(ox.parse(data, format=ox.RdfFormat.JSON_LD)) == expected
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format="json-ld")
    assert len(list(dataset.quads((None, None, None, None)))) == len(expected)
    document = json.loads(data)
    assert document["@context"] == PREFIXES
    graphs = [g["@id"] for g in document["@graph"]]
    assert graphs == sorted(graphs)
    assert "id:document/000_45bebea0770f1da9" in graphs
    assert "id:graph/links" in graphs
    first = document["@graph"][0]["@graph"][0]
    assert first["@id"].startswith("id:") and first["@type"].startswith("akg:")
    assert max(len(line) for line in data.splitlines()) < 2000  # not one long line
    again = akg(corpus_store, "export", "-f", "jsonld").stdout_bytes
    assert again == data


def test_jsonld_of_literals_and_types(tmp_path: Path) -> None:
    store = tmp_path / "store"
    small = Path(__file__).parent / "data" / "cli" / "ausmin-2031.md"
    assert akg(store, "build", str(small)).exit_code == 0
    update = """INSERT DATA { GRAPH <urn:x:g> {
        <urn:x:a> a <urn:x:T>, <urn:x:U> ; rdfs:label "plain", "tagged"@fr ;
          dct:date "2031-01-02"^^xsd:date ; rdf:type "not a class" .
        _:b <urn:x:p> <urn:x:a> } }"""
    assert akg(store, "update", update).exit_code == 0
    data = akg(store, "export", "-f", "jsonld").stdout_bytes
    graph = next(g for g in json.loads(data)["@graph"] if g["@id"] == "urn:x:g")["@graph"]
    node = next(n for n in graph if n["@id"] == "urn:x:a")
    assert node["@type"] == ["urn:x:T", "urn:x:U"]
    assert node["rdfs:label"] == ["plain", {"@value": "tagged", "@language": "fr"}]
    assert node["dct:date"] == {"@value": "2031-01-02", "@type": "xsd:date"}
    assert node["rdf:type"] == "not a class"
    nquads = akg(store, "export", "-f", "nquads").stdout_bytes
    parsed = ox.parse(data, format=ox.RdfFormat.JSON_LD)
    # Blank node labels may differ between the two parses: compare the number of statements.
    assert len(set(parsed)) == len(set(ox.parse(nquads, format=ox.RdfFormat.N_QUADS)))
