"""The on-disk store: opening errors, locking across processes, atomic graph replacement, stats."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, BNode, Literal, URIRef, Variable
from rdflib.namespace import SKOS

from alliance_kg.errors import StoreError
from alliance_kg.graph.stats import format_stats, graph_stats
from alliance_kg.graph.store import (
    from_oxigraph,
    graph_names,
    open_store,
    refresh_union,
    remove_graphs,
    replace_graphs,
    to_oxigraph,
)
from alliance_kg.ontology import AKG, ID

D1 = ID["document/d1"]
D2 = ID["document/d2"]
JAPAN = ID["state/japan"]
US = ID["state/united-states"]
# Not rdflib's XSD namespace object: pytest's collection probes it and rdflib warns.
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
JAPAN_OX = ox.NamedNode(str(JAPAN))
D1_OX = ox.NamedNode(str(D1))


def doc_triples(doc: URIRef, label: str) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
    return [
        (doc, RDF.type, AKG.Document),
        (doc, RDFS.label, Literal(label)),
        (JAPAN, RDF.type, AKG.State),
        (JAPAN, SKOS.prefLabel, Literal("Japan")),
        (JAPAN, AKG.mentionedIn, doc),
    ]


def all_quads(store: ox.Store) -> set[ox.Quad]:
    """Every quad, the default graph's copy of the union included."""
    return set(store.quads_for_pattern(None, None, None, None))


def named_quads(store: ox.Store) -> set[ox.Quad]:
    """The quads the documents state: those in named graphs."""
    return {q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}


def default_triples(store: ox.Store) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def assert_default_is_union(store: ox.Store) -> None:
    """The default graph holds exactly the de-duplicated union of the named graphs."""
    assert default_triples(store) == {q.triple for q in named_quads(store)}


@pytest.fixture
def store(tmp_path: Path) -> ox.Store:
    s = open_store(tmp_path / "store")
    replace_graphs(s, {str(D1): doc_triples(D1, "one"), str(D2): doc_triples(D2, "two")})
    return s


# Opening


def test_open_creates_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "akg-store"
    s = open_store(path)
    replace_graphs(s, {str(D1): doc_triples(D1, "one")})
    del s
    reopened = open_store(path)
    assert len(named_quads(reopened)) == 5
    assert_default_is_union(reopened)
    # 5 quads in the document's graph and their 5 triples in the default graph.
    assert len(reopened) == 10
    del reopened
    reader = open_store(path, read_only=True)
    assert len(named_quads(reader)) == 5
    assert_default_is_union(reader)
    assert len(reader) == 10


def test_open_read_only_missing_store(tmp_path: Path) -> None:
    path = tmp_path / "nothing"
    with pytest.raises(StoreError) as err:
        open_store(path, read_only=True)
    assert str(err.value) == f"no store at {path}; run `akg build` first"
    assert not path.exists()


def test_open_without_create_refuses_new_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"^no store at .*nothing; run `akg build` first$"):
        open_store(tmp_path / "nothing", create=False)


def test_open_folder_that_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError) as err:
        open_store(tmp_path)
    assert str(err.value) == f"{tmp_path} exists but is not an alliance-kg store (no CURRENT file)"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_open_file_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(StoreError, match=r"is a file, not a store folder$"):
        open_store(path)


def test_open_twice_in_one_process(tmp_path: Path) -> None:
    path = tmp_path / "s"
    first = open_store(path)
    with pytest.raises(StoreError, match=r"^store .* is already open in this process$"):
        open_store(path)
    assert len(first) == 0


def test_second_process_is_locked_out_but_can_read(tmp_path: Path) -> None:
    path = tmp_path / "akg-store"
    writer = open_store(path)
    # Not flushed on purpose: the reader must see what the writer committed.
    replace_graphs(writer, {str(D1): doc_triples(D1, "one")})
    script = textwrap.dedent(
        f"""
        from pyoxigraph import DefaultGraph
        from alliance_kg.errors import StoreError
        from alliance_kg.graph.store import open_store
        try:
            open_store({str(path)!r})
        except StoreError as exc:
            print("write:", exc)
        reader = open_store({str(path)!r}, read_only=True)
        default = len(list(reader.quads_for_pattern(None, None, None, DefaultGraph())))
        print("read:", len(reader) - default, default)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    write_line, read_line = done.stdout.splitlines()
    assert write_line.startswith(f"write: store {path} is in use by another process (")
    assert "LOCK: Resource temporarily unavailable" in write_line
    assert write_line.endswith("); wait for it to finish or use another --store")
    # The reader sees the committed named graph and its copy in the default graph.
    assert read_line == "read: 5 5"
    # The writer still works after the reader went away.
    replace_graphs(writer, {str(D2): doc_triples(D2, "two")})
    assert len(named_quads(writer)) == 10
    assert_default_is_union(writer)


# Replacing graphs


def test_replace_writes_named_graphs(store: ox.Store) -> None:
    assert graph_names(store) == [str(D1), str(D2)]
    assert len(named_quads(store)) == 10
    # Japan's type and label are in both graphs but once in the default graph: 8 triples.
    assert len(default_triples(store)) == 8
    assert_default_is_union(store)
    assert len(store) == 18
    in_d1 = {q.object for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(D1)))}
    assert ox.Literal("one") in in_d1
    assert ox.Literal("two") not in in_d1


def test_reload_replaces_without_duplicates(store: ox.Store) -> None:
    before = all_quads(store)
    replace_graphs(store, {str(D1): doc_triples(D1, "one")})
    replace_graphs(store, {str(D1): doc_triples(D1, "one") * 2})
    assert all_quads(store) == before
    assert len(named_quads(store)) == 10
    assert len(default_triples(store)) == 8
    assert_default_is_union(store)


def test_replace_drops_old_triples_and_keeps_other_graphs(store: ox.Store) -> None:
    replace_graphs(store, {str(D1): [(D1, RDFS.label, Literal("new"))]})
    g1 = ox.NamedNode(str(D1))
    assert list(store.quads_for_pattern(None, None, None, g1)) == [
        ox.Quad(ox.NamedNode(str(D1)), ox.NamedNode(str(RDFS.label)), ox.Literal("new"), g1)
    ]
    assert len(named_quads(store)) == 6
    # D1's old triples are gone from the default graph too, except those D2 also states.
    assert default_triples(store) == {q.triple for q in named_quads(store)}
    assert len(default_triples(store)) == 6
    assert ox.Triple(
        ox.NamedNode(str(D1)), ox.NamedNode(str(RDFS.label)), ox.Literal("one")
    ) not in (default_triples(store))


def test_replace_with_no_triples_removes_graph(store: ox.Store) -> None:
    replace_graphs(store, {str(D2): []})
    assert graph_names(store) == [str(D1)]
    assert len(named_quads(store)) == 5
    assert len(default_triples(store)) == 5
    assert_default_is_union(store)


def test_failed_replace_leaves_store_unchanged(store: ox.Store) -> None:
    before = all_quads(store)
    default_before = default_triples(store)
    new_d1 = [(D1, RDFS.label, Literal("changed"))]
    # The bad triple comes last, in the last graph, after good replacements of existing graphs.
    bad = [*doc_triples(ID["document/d3"], "three"), (US, RDFS.label, URIRef("not an iri"))]
    with pytest.raises(StoreError) as err:
        replace_graphs(store, {str(D1): new_d1, str(D2): [], str(ID["document/d3"]): bad})
    message = str(err.value)
    assert message.startswith(f"graph <{ID['document/d3']}>: cannot store triple (")
    assert "'not an iri'" in message
    assert message.endswith("; nothing was written")
    assert all_quads(store) == before
    assert default_triples(store) == default_before
    assert_default_is_union(store)
    assert graph_names(store) == [str(D1), str(D2)]


def test_new_graphs_write_what_an_update_writes(tmp_path: Path) -> None:
    """Graphs new to the embedded store take the Store.extend path; a graph that exists takes
    the update. Both leave the same quads, the union included."""
    d3 = ID["document/d3"]
    direct = open_store(tmp_path / "direct")
    replace_graphs(direct, {str(D1): doc_triples(D1, "one"), str(D2): doc_triples(D2, "two")})
    by_update = open_store(tmp_path / "update")
    # An existing graph among the written ones sends the whole call through the update.
    replace_graphs(by_update, {str(D1): []})
    by_update.update(f"INSERT DATA {{ GRAPH <{D1}> {{ <{US}> <{RDFS.label}> 'x' }} }}")
    replace_graphs(by_update, {str(D1): doc_triples(D1, "one"), str(D2): doc_triples(D2, "two")})
    assert all_quads(direct) == all_quads(by_update)
    assert_default_is_union(direct)
    before = all_quads(direct)
    bad = [*doc_triples(d3, "three"), (US, RDFS.label, URIRef("not an iri"))]
    with pytest.raises(StoreError, match=r"^graph <.*document/d3>: cannot store triple \("):
        replace_graphs(direct, {str(ID["document/d4"]): doc_triples(D1, "four"), str(d3): bad})
    assert all_quads(direct) == before


def test_a_new_graph_given_as_a_generator_with_a_blank_node_is_written_whole(
    tmp_path: Path,
) -> None:
    """The generator is read once: every triple, the blank node's too, is written."""
    store = open_store(tmp_path / "store")
    triples = [*doc_triples(D1, "one"), (D1, RDFS.seeAlso, BNode("g"))]
    replace_graphs(store, {str(D1): (t for t in triples)})
    assert len(named_quads(store)) == len(triples)
    assert_default_is_union(store)


def test_failed_replace_with_bad_graph_name_leaves_store_unchanged(store: ox.Store) -> None:
    before = all_quads(store)
    with pytest.raises(StoreError, match=r"^graph name 'no iri' is not a valid IRI"):
        replace_graphs(store, {str(D1): [], "no iri": doc_triples(D1, "x")})
    assert all_quads(store) == before
    assert_default_is_union(store)


def test_literal_subject_is_refused(store: ox.Store) -> None:
    before = all_quads(store)
    with pytest.raises(StoreError, match="a literal subject or a predicate that is not an IRI"):
        replace_graphs(store, {str(D1): [(Literal("x"), RDFS.label, Literal("y"))]})
    assert all_quads(store) == before
    assert_default_is_union(store)


def test_update_request_is_one_transaction(store: ox.Store) -> None:
    """replace_graphs relies on this: a failing later operation undoes the earlier ones."""
    before = all_quads(store)
    with pytest.raises(RuntimeError, match="already exists"):
        store.update(
            f"DROP SILENT GRAPH <{D1}> ; INSERT DATA {{ GRAPH <{D2}> {{ <{US}> <{RDFS.label}> "
            f'"x" }} }} ; CREATE GRAPH <{D2}>'
        )
    assert all_quads(store) == before


def test_write_to_read_only_store_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "store"
    writer = open_store(path)
    replace_graphs(writer, {str(D1): doc_triples(D1, "one"), str(D2): doc_triples(D2, "two")})
    # Close the writer first: RocksDB compaction in a live writer may delete files that a
    # read-only handle opened meanwhile still lists (that race is not what this test is about).
    del writer
    gc.collect()
    reader = open_store(path, read_only=True)
    with pytest.raises(StoreError, match=r"^cannot write to the store: .*; nothing was written$"):
        replace_graphs(reader, {str(D1): []})
    assert len(named_quads(reader)) == 10
    assert len(default_triples(reader)) == 8
    assert_default_is_union(reader)


def test_blank_nodes_are_one_node_across_graphs_of_one_call(tmp_path: Path) -> None:
    s = open_store(tmp_path / "s")
    b = BNode("geo1")
    replace_graphs(
        s, {str(D1): [(JAPAN, AKG.concerns, b)], str(D2): [(b, RDFS.label, Literal("g"))]}
    )
    assert len(named_quads(s)) == 2
    assert_default_is_union(s)
    # The join runs over the default graph: the copy keeps the blank node one node.
    answer = s.query(f'ASK {{ ?x <{AKG.concerns}> ?b . ?b <{RDFS.label}> "g" }}')
    assert bool(answer)
    assert all(
        isinstance(q.object, ox.BlankNode) for q in s.quads_for_pattern(JAPAN_OX, None, None)
    )


def test_blank_nodes_of_two_calls_are_two_nodes_though_their_ids_are_the_same(
    tmp_path: Path,
) -> None:
    """Each write gives its blank nodes fresh ids, new graphs of a build as well."""
    s = open_store(tmp_path / "s")
    replace_graphs(s, {str(D1): [(JAPAN, AKG.concerns, BNode("geo1"))]})
    replace_graphs(s, {str(D2): [(US, AKG.concerns, BNode("geo1"))]})
    nodes = {q.object for q in s.quads_for_pattern(None, ox.NamedNode(str(AKG.concerns)), None)}
    assert len(nodes) == 2
    assert all(isinstance(node, ox.BlankNode) for node in nodes)
    assert_default_is_union(s)


def test_awkward_literals_round_trip(tmp_path: Path) -> None:
    # The triples travel as SPARQL text: escapes must survive, including a literal "\\u0041".
    values = ["back\\u0041slash", "tab\there", "nul\x00", "😀", 'q """ e', "cr\r\nlf", "end\\"]
    s = open_store(tmp_path / "s")
    subject = URIRef("http://example.org/s")
    replace_graphs(
        s,
        {
            str(D1): [
                (subject, URIRef(f"http://example.org/p{i}"), Literal(v))
                for i, v in enumerate(values)
            ]
        },
    )
    assert_default_is_union(s)
    stored = {q.predicate.value: q.object for q in s.quads_for_pattern(None, None, None, D1_OX)}
    assert [stored[f"http://example.org/p{i}"] for i in range(len(values))] == [
        ox.Literal(v) for v in values
    ]


def test_remove_graphs_and_graph_names(store: ox.Store) -> None:
    remove_graphs(store, [str(D1), str(ID["document/never-loaded"])])
    assert graph_names(store) == [str(D2)]
    assert {q.graph_name for q in named_quads(store)} == {ox.NamedNode(str(D2))}
    assert len(named_quads(store)) == 5
    # Japan's shared triples stay in the default graph: D2 still states them.
    assert len(default_triples(store)) == 5
    assert_default_is_union(store)
    before = all_quads(store)
    remove_graphs(store, [])
    assert all_quads(store) == before
    remove_graphs(store, [str(D2)])
    assert graph_names(store) == []
    assert len(store) == 0


def test_refresh_union_rebuilds_default_graph(tmp_path: Path) -> None:
    s = open_store(tmp_path / "s")
    label = ox.NamedNode(str(RDFS.label))
    japan = ox.Literal("Japan")
    shared = ox.Triple(JAPAN_OX, label, japan)
    # Quads added directly, bypassing replace_graphs, and a stale default-graph triple.
    s.add(ox.Quad(JAPAN_OX, label, japan, D1_OX))
    s.add(ox.Quad(JAPAN_OX, label, japan, ox.NamedNode(str(D2))))
    s.add(ox.Quad(D1_OX, label, ox.Literal("one"), D1_OX))
    s.add(ox.Quad(D1_OX, label, ox.Literal("stale"), ox.DefaultGraph()))
    refresh_union(s)
    assert default_triples(s) == {shared, ox.Triple(D1_OX, label, ox.Literal("one"))}
    assert len(named_quads(s)) == 3
    assert len(s) == 5
    refresh_union(s)
    assert len(s) == 5


# Term conversion


@pytest.mark.parametrize(
    ("rdflib_term", "ox_term"),
    [
        (URIRef("http://example.org/a"), ox.NamedNode("http://example.org/a")),
        (BNode("b1"), ox.BlankNode("b1")),
        (Literal("plain"), ox.Literal("plain")),
        (Literal("日本", lang="ja"), ox.Literal("日本", language="ja")),
        (
            Literal("7", datatype=XSD_INTEGER),
            ox.Literal("7", datatype=ox.NamedNode(str(XSD_INTEGER))),
        ),
        (
            Literal("2023-01-11", datatype=XSD_DATE),
            ox.Literal("2023-01-11", datatype=ox.NamedNode(str(XSD_DATE))),
        ),
    ],
)
def test_term_conversion_round_trip(rdflib_term: object, ox_term: object) -> None:
    assert to_oxigraph(rdflib_term) == ox_term  # type: ignore[arg-type]
    assert from_oxigraph(ox_term) == rdflib_term  # type: ignore[arg-type]


def test_term_conversion_refuses_what_cannot_be_stored() -> None:
    with pytest.raises(TypeError, match="not an RDF term"):
        to_oxigraph(Variable("x"))
    with pytest.raises(ValueError):
        to_oxigraph(URIRef("has space"))
    explicit = ox.Literal("s", datatype=ox.NamedNode(str(XSD_STRING)))
    assert from_oxigraph(explicit) == Literal("s")


# Stats


def test_stats_counts_small_graph(tmp_path: Path) -> None:
    s = open_store(tmp_path / "s")
    c1, c2 = ID["commitment/d1/0-10"], ID["commitment/d2/5-9"]
    meeting = ID["meeting/scc/2023-01-11"]
    shared = [(JAPAN, RDF.type, AKG.State), (JAPAN, RDFS.label, Literal("Japan"))]
    d1 = [
        (D1, RDF.type, AKG.Document),
        (meeting, RDF.type, AKG.Meeting),
        *shared,
        (US, RDF.type, AKG.State),
        (ID["person/blinken"], RDF.type, AKG.Person),
        (c1, RDF.type, AKG.Commitment),
        (c1, AKG.commitmentType, AKG.Reaffirmation),
        (c1, AKG.commitmentType, AKG.Opposition),
    ]
    d2 = [
        (D2, RDF.type, AKG.Document),
        (meeting, RDF.type, AKG.Meeting),
        *shared,
        (ID["place/guam"], RDF.type, AKG.Place),
        (c2, RDF.type, AKG.Commitment),
        (c2, AKG.commitmentType, AKG.Reaffirmation),
    ]
    replace_graphs(s, {str(D1): d1, str(D2): d2})
    stats = graph_stats(s)
    assert stats == {
        "documents": 2,
        "meetings": 1,
        "conflicts": 0,
        "lineages": 0,
        "commitments": 2,
        "entities": 4,
        "entities_by_type": {
            "Person": 1,
            "State": 2,
            "Organization": 0,
            "Unit": 0,
            "Capability": 0,
            "Place": 1,
            "Agreement": 0,
            "Mechanism": 0,
        },
        "commitments_by_type": {
            "Reaffirmation": 2,
            "Pledge": 0,
            "Endorsement": 0,
            "Opposition": 1,
            "Announcement": 0,
            "Request": 0,
        },
        "named_graphs": 2,
        "triples": 13,  # the meeting's and Japan's 3 triples are in both graphs
        "quads": 16,
    }
    assert format_stats(stats) == textwrap.dedent(
        """\
        Documents         2
        Meetings          1
          Conflicts       0
        Lineages          0
        Commitments       2
          Reaffirmation   2
          Pledge          0
          Endorsement     0
          Opposition      1
          Announcement    0
          Request         0
        Entities          4
          Person          1
          State           2
          Organization    0
          Unit            0
          Capability      0
          Place           1
          Agreement       0
          Mechanism       0
        Named graphs      2
        Triples          13
        Quads            16"""
    )


def test_stats_of_empty_store(tmp_path: Path) -> None:
    stats = graph_stats(open_store(tmp_path / "s"))
    assert stats["triples"] == stats["quads"] == stats["named_graphs"] == stats["entities"] == 0
    assert set(stats["entities_by_type"].values()) == {0}
