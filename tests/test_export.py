"""Exports: byte-identical for the same content, re-parse to the same graph, written atomically."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from alliance_kg.cli.outputs import EXPORT_FORMAT_NAMES
from alliance_kg.errors import AkgError
from alliance_kg.graph.export import EXPORT_FORMATS, export_graph, export_to_file, write_export
from alliance_kg.graph.formats import ALL_FORMATS
from alliance_kg.graph.store import open_store, replace_graphs
from alliance_kg.ontology import AKG, ID, ONTOLOGY_GRAPH, PREFIXES, load_ontology

D1, D2 = ID["document/d1"], ID["document/d2"]
JAPAN = ID["state/japan"]
C1 = ID["commitment/d1/0-10"]
XSD_GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")

DOC1: list[tuple[Node, Node, Node]] = [
    (D1, RDF.type, AKG.Document),
    (JAPAN, RDF.type, AKG.State),
    (JAPAN, SKOS.prefLabel, Literal("Japan")),
    (C1, RDF.type, AKG.Commitment),
    (C1, AKG.madeBy, JAPAN),
    (C1, AKG.quote, Literal('Japan "pledged"\nto act')),
    (C1, AKG.deadline, Literal("2025", datatype=XSD_GYEAR)),
]
DOC2: list[tuple[Node, Node, Node]] = [
    (D2, RDF.type, AKG.Document),
    (JAPAN, RDF.type, AKG.State),
    (JAPAN, RDFS.label, Literal("日本", lang="ja")),
]


def _graphs(reverse: bool) -> dict[str, list[tuple[Node, Node, Node]]]:
    graphs: dict[str, list[tuple[Node, Node, Node]]] = {
        str(ONTOLOGY_GRAPH): list(load_ontology()),
        str(D1): list(DOC1),
        str(D2): list(DOC2),
    }
    if reverse:
        return {name: triples[::-1] for name, triples in reversed(graphs.items())}
    return graphs


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[ox.Store, ox.Store]:
    first = open_store(tmp_path_factory.mktemp("a") / "store")
    replace_graphs(first, _graphs(reverse=False))
    second = open_store(tmp_path_factory.mktemp("b") / "store")
    # Another insertion order, one graph per transaction, and a graph replaced on the way.
    for name, triples in _graphs(reverse=True).items():
        replace_graphs(second, {name: [(D1, RDFS.label, Literal("stale"))]})
        replace_graphs(second, {name: triples})
    return first, second


def _expected_quads(store: ox.Store) -> set[ox.Quad]:
    """The quads the documents state; the default graph is only a copy of their union."""
    return {q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}


def _default_triples(store: ox.Store) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_export_is_deterministic(stores: tuple[ox.Store, ox.Store], fmt: str) -> None:
    first, second = stores
    # The same content, default graph included, whatever the order of the writes.
    assert set(first) == set(second)
    data = export_graph(first, fmt)
    assert data == export_graph(second, fmt)
    assert data == export_graph(first, fmt)


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_export_reparses_to_the_same_graph(stores: tuple[ox.Store, ox.Store], fmt: str) -> None:
    store = stores[0]
    spec = EXPORT_FORMATS[fmt]
    parsed = list(ox.parse(export_graph(store, fmt), format=spec.rdf_format))
    quads = _expected_quads(store)
    if spec.named_graphs:
        assert set(parsed) == quads
        assert len(parsed) == len(quads)
    else:
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        assert _default_triples(store) == triples
        assert {ox.Triple(q.subject, q.predicate, q.object) for q in parsed} == triples
        assert {q.graph_name for q in parsed} == {ox.DefaultGraph()}
        # Japan's type is in both document graphs but written once.
        assert len(parsed) == len(triples) == len(quads) - 1


def test_turtle_output(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    replace_graphs(store, {str(D1): DOC1, str(D2): DOC2})
    text = export_graph(store, "turtle").decode()
    prefixes = [line for line in text.splitlines() if line.startswith("@prefix ")]
    assert prefixes == sorted(prefixes)
    # Only the prefixes used; IRIs whose local part holds "/" are written in full, not with
    # "\/" escapes (issue 13).
    assert prefixes == [
        "@prefix akg: <https://w3id.org/alliance-kg/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
    ]
    ids = "https://w3id.org/alliance-kg/id/"
    assert text.split("xsd: <http://www.w3.org/2001/XMLSchema#> .\n", 1)[1] == (
        f"<{ids}commitment/d1/0-10> a akg:Commitment ;\n"
        '\takg:deadline "2025"^^xsd:gYear ;\n'
        f"\takg:madeBy <{ids}state/japan> ;\n"
        '\takg:quote "Japan \\"pledged\\"\\nto act" .\n'
        f"<{ids}document/d1> a akg:Document .\n"
        f"<{ids}document/d2> a akg:Document .\n"
        f"<{ids}state/japan> a akg:State ;\n"
        '\trdfs:label "日本"@ja ;\n'
        '\tskos:prefLabel "Japan" .\n'
    )
    assert "\\/" not in text


def test_nquads_are_sorted_by_graph(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    replace_graphs(store, {str(D2): DOC2, str(D1): DOC1})
    lines = export_graph(store, "nquads").decode().splitlines()
    assert len(lines) == 10
    graphs = [line.rsplit(" ", 2)[1] for line in lines]
    assert graphs == [f"<{D1}>"] * 7 + [f"<{D2}>"] * 3
    assert lines[7] == f"<{D2}> <{RDF.type}> <{AKG.Document}> <{D2}> ."


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_default_graph_is_not_exported(tmp_path: Path, fmt: str) -> None:
    store = open_store(tmp_path / "s")
    replace_graphs(store, {str(D1): DOC1, str(D2): DOC2})
    before = export_graph(store, fmt)
    # A triple only in the default graph belongs to no document: exports leave it out.
    label = ox.NamedNode(str(RDFS.label))
    store.add(ox.Quad(ox.NamedNode(str(D1)), label, ox.Literal("x"), ox.DefaultGraph()))
    assert export_graph(store, fmt) == before


def test_export_to_file_is_atomic_and_overwrites(
    stores: tuple[ox.Store, ox.Store], tmp_path: Path
) -> None:
    target = tmp_path / "graph.trig"
    target.write_text("old content")
    export_to_file(stores[0], "trig", target)
    assert target.read_bytes() == export_graph(stores[0], "trig")
    assert [p.name for p in tmp_path.iterdir()] == ["graph.trig"]


def test_export_to_missing_folder(stores: tuple[ox.Store, ox.Store], tmp_path: Path) -> None:
    target = tmp_path / "no" / "graph.ttl"
    with pytest.raises(AkgError) as err:
        export_to_file(stores[0], "turtle", target)
    assert str(err.value) == f"{target}: cannot write: folder {target.parent} does not exist"


def test_unknown_export_format(stores: tuple[ox.Store, ox.Store]) -> None:
    with pytest.raises(AkgError, match="unknown export format 'n3'; use one of turtle, nt, "):
        export_graph(stores[0], "n3")


def test_registry_matches_cli_choices() -> None:
    assert ALL_FORMATS == EXPORT_FORMAT_NAMES
    assert ALL_FORMATS[: len(EXPORT_FORMATS)] == tuple(EXPORT_FORMATS)
    assert {f.extension for f in EXPORT_FORMATS.values()} == {
        "ttl",
        "nt",
        "nq",
        "trig",
        "jsonld",
        "rdf",
    }


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_export_sorted_on_disk_is_the_same(
    stores: tuple[ox.Store, ox.Store], fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Runs of a few lines spill to temporary files and are merged (repeats across runs too).
    expected = export_graph(stores[0], fmt)
    monkeypatch.setattr("alliance_kg.graph.export.RUN_BYTES", 300)
    assert export_graph(stores[0], fmt) == expected
    assert export_graph(stores[1], fmt) == expected


def test_export_streams_to_a_binary_stream(stores: tuple[ox.Store, ox.Store]) -> None:
    import io

    out = io.BytesIO()
    write_export(stores[0], "turtle", out)
    assert out.getvalue() == export_graph(stores[0], "turtle")
    assert out.getvalue().startswith(b"@prefix akg: ")


def test_failed_export_leaves_the_old_file(
    stores: tuple[ox.Store, ox.Store], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "graph.nt"
    target.write_text("old content")

    def broken(*args: object) -> None:
        raise AkgError("broken")

    monkeypatch.setattr("alliance_kg.graph.export._to_nquads", broken)
    with pytest.raises(AkgError, match="broken"):
        export_to_file(stores[0], "nquads", target)
    assert target.read_text() == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nt"]


def test_used_prefixes_only_for_plain_local_names() -> None:
    from alliance_kg.graph.turtle_style import UsedPrefixes

    rdf, skos, ids = (PREFIXES[name] for name in ("rdf", "skos", "id"))
    used = UsedPrefixes({"rdf": rdf, "skos": skos, "id": ids, "owl": PREFIXES["owl"]})
    # Written in full: a "/" in the local part, one ending in ".", one starting with "-";
    # rdf:type (written "a" as a predicate) as predicate and as object.
    used.scan(
        f"<{ids}state/japan> <{rdf}type> <{skos}Concept.> .\n"
        f"<{ids}-x> <http://example.org/p> <{rdf}type> .\n".encode()
    )
    assert used.found() == {}
    used.scan(f"<{ids}japan> <{skos}pref.Label> <{rdf}typeOf> .\n".encode())
    assert used.found() == {"rdf": rdf, "skos": skos, "id": ids}
