"""Graphs written by their difference (``graph.difference``): a document extracted again changes
nothing, a replacement writes only what changed, and graphs that hold blank nodes are replaced
whole."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from alliance_kg.graph.difference import difference_request, graph_changes
from alliance_kg.graph.load import iter_document_graphs, write_extractions
from alliance_kg.graph.store import open_store, replace_graphs
from alliance_kg.loaders.readers import sample_corpus_dir

EX = "http://example.org/"


def test_documents_extracted_again_change_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    write_extractions(store, iter_document_graphs([sample_corpus_dir()]))
    graphs = {g.name: g.lines for g in iter_document_graphs([sample_corpus_dir()])}
    changes = graph_changes(store, graphs)
    # The store's terms written out are the lines extraction makes: nothing is lost or gained.
    assert changes is not None and len(changes) == 5
    assert all(change == ([], []) for change in changes.values())
    assert difference_request(changes, union=True) == ""


def line(value: int) -> str:
    """The N-Triples line of ``ex:s ex:p value``."""
    return f'<{EX}s> <{EX}p> "{value}"^^<http://www.w3.org/2001/XMLSchema#integer> .'


def test_a_replacement_writes_only_what_changed(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    a, b = f"{EX}a", f"{EX}b"
    s, p = URIRef(f"{EX}s"), URIRef(f"{EX}p")
    replace_graphs(store, {a: [(s, p, Literal(1)), (s, p, Literal(2))], b: [(s, p, Literal(2))]})
    changes = graph_changes(store, {a: [line(3), line(1)], b: []})
    assert changes == {
        ox.NamedNode(a): ([line(2)], [line(3)]),
        ox.NamedNode(b): ([line(2)], []),
    }
    replace_graphs(store, {a: [(s, p, Literal(3)), (s, p, Literal(1))], b: []})
    # The graph given nothing is gone; 2 left the default graph with the last graph holding it.
    assert list(store.named_graphs()) == [ox.NamedNode(a)]
    assert sorted(str(q) for q in store) == sorted(
        [f"{line(n)[:-2]} <{a}>" for n in (1, 3)] + [line(n)[:-2] for n in (1, 3)]
    )


def test_a_graph_that_holds_a_blank_node_has_no_difference(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    a = f"{EX}a"
    s, p = URIRef(f"{EX}s"), URIRef(f"{EX}p")
    replace_graphs(store, {a: [(s, p, BNode("x"))]})
    assert graph_changes(store, {a: []}) is None  # held: the graph is replaced whole
    assert graph_changes(store, {f"{EX}new": [f"<{EX}s> <{EX}p> _:y ."]}) is None  # given
    replace_graphs(store, {a: [(s, p, Literal("v"))]})
    assert sorted(str(q) for q in store) == [f'<{EX}s> <{EX}p> "v"', f'<{EX}s> <{EX}p> "v" <{a}>']
