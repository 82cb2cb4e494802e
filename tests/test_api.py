"""The library object behind the CLI (``alliance_kg.open``), on real stores."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import rdflib
from oxigraph_server import oxigraph_server

import alliance_kg
from alliance_kg.errors import InputError, QueryError
from alliance_kg.evaluate import format_report

MEETINGS = "SELECT ?date ?place WHERE { ?m a akg:Meeting ; dct:date ?date ; akg:heldIn ?p . ?p skos:prefLabel ?place } ORDER BY ?date"  # noqa: E501
EXPECTED_MEETINGS = [
    {"date": datetime.date(2022, 1, 7), "place": "virtual"},
    {"date": datetime.date(2023, 1, 11), "place": "Washington, D.C."},
    {"date": datetime.date(2024, 7, 28), "place": "Tokyo"},
]


@pytest.fixture(scope="module")
def kg(corpus_store: Path) -> alliance_kg.KnowledgeGraph:
    return alliance_kg.open(corpus_store)


def test_rows_are_dicts_of_python_values(kg: alliance_kg.KnowledgeGraph) -> None:
    rows = kg.query(MEETINGS)
    assert isinstance(rows, alliance_kg.Rows)
    assert rows.variables == ["date", "place"]
    assert rows == EXPECTED_MEETINGS


def test_parameters_bind_variables_with_their_types(kg: alliance_kg.KnowledgeGraph) -> None:
    count = "SELECT (COUNT(?c) AS ?n) WHERE { ?c akg:madeBy ?p . ?p skos:prefLabel ?name }"
    assert kg.query(count, name="Japan") == [{"n": 98}]
    assert kg.query(count, name="japan") == [{"n": 0}]  # a literal, compared exactly
    on_day = "ASK { ?m a akg:Meeting ; dct:date ?day }"
    assert kg.query(on_day, day=datetime.date(2023, 1, 11)) is True
    assert kg.query(on_day, day=datetime.date(2023, 1, 12)) is False
    japan = rdflib.URIRef("https://w3id.org/alliance-kg/id/state/japan")
    assert kg.query("SELECT ?l WHERE { ?s skos:prefLabel ?l }", s=japan) == [{"l": "Japan"}]
    # A value that looks like SPARQL stays one literal.
    assert kg.query(count, name='Japan" } #') == [{"n": 0}]


def test_construct_gives_an_rdflib_graph(kg: alliance_kg.KnowledgeGraph) -> None:
    graph = kg.query("CONSTRUCT WHERE { ?m a akg:Meeting ; dct:date ?day }")
    assert isinstance(graph, rdflib.Graph)
    assert len(graph) == 6


def test_cookbook_and_timeline(kg: alliance_kg.KnowledgeGraph) -> None:
    meetings = kg.cookbook("meetings")
    assert isinstance(meetings, alliance_kg.Rows)
    assert [(r["date"], r["documents"].count(",") + 1) for r in meetings] == [
        (datetime.date(2022, 1, 7), 1),
        (datetime.date(2023, 1, 11), 3),
        (datetime.date(2024, 7, 28), 1),
    ]
    rows = kg.timeline("Marine Littoral Regiment", as_of="2024-01-01")
    assert [(r["deadline"], r["status"]) for r in rows] == [("2025", "pending"), (None, "")]
    with pytest.raises(QueryError, match="no entity is named 'Korea'; the closest: North Korea"):
        kg.timeline("Korea")
    assert len(kg.timeline(as_of="2026-11-26", limit=106)) == 106
    with pytest.raises(QueryError, match="the query gives more than 105 rows"):
        kg.timeline(as_of="2026-11-26", limit=105)


def test_to_dataframe(kg: alliance_kg.KnowledgeGraph) -> None:
    frame = kg.query(MEETINGS).to_dataframe()
    assert list(frame.columns) == ["date", "place"]
    assert frame["place"].tolist() == ["virtual", "Washington, D.C.", "Tokyo"]


def test_queries_are_checked_and_bounded(kg: alliance_kg.KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="^line 1, column 26: expected one of LATERAL, SERVICE"):
        kg.query("SELECT ?x WHERE { ?x ?y }")
    with pytest.raises(QueryError, match="more than 3 rows"):
        kg.query("SELECT * WHERE { ?s ?p ?o }", limit=3)
    with pytest.raises(QueryError, match=r"^this is a SPARQL Update \(DeleteWhere\)"):
        kg.query("DELETE WHERE { ?s ?p ?o }")


def test_stats_export_render_evaluate(kg: alliance_kg.KnowledgeGraph, tmp_path: Path) -> None:
    stats = kg.stats()
    assert (stats["documents"], stats["meetings"], stats["conflicts"]) == (5, 3, 1)
    data = kg.export("nt")
    assert data.count(b"\n") == stats["triples"]
    assert kg.export("nt", tmp_path / "g.nt") == b""
    assert (tmp_path / "g.nt").read_bytes() == data
    page = kg.render(tmp_path / "g.html", title="T")
    assert page.nodes > 100 and (tmp_path / "g.html").stat().st_size > 10_000
    gold = Path(__file__).resolve().parent / "data" / "series"
    report = format_report(kg.evaluate(gold), "json")
    assert report.startswith("{")


def test_a_failed_build_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    kg = alliance_kg.open(tmp_path / "store")
    first = kg.build([Path(__file__).parent / "data" / "cli" / "ausmin-2031.md"])
    assert first.documents == 1
    before = kg.export("nquads")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    with pytest.raises(InputError, match="bad.pdf"):
        kg.build([bad])
    assert kg.export("nquads") == before


def test_a_remote_store_answers_the_same(corpus_store: Path, tmp_path: Path) -> None:
    local = alliance_kg.open(corpus_store)
    with oxigraph_server(tmp_path) as url:
        remote = alliance_kg.open(url)
        assert isinstance(remote.location, str)
        assert remote.build().documents == 5
        assert remote.query(MEETINGS) == local.query(MEETINGS) == EXPECTED_MEETINGS
        assert remote.stats() == local.stats()


def test_queries_after_a_build_in_the_same_process(tmp_path: Path) -> None:
    # The process has a store open (RocksDB threads running): bounded queries must not fork it
    # as it is (a forked child then crashed or hung now and then); they start from a clean one.
    kg = alliance_kg.open(tmp_path / "store")
    kg.build()
    held = kg.store(read_only=True)
    for _ in range(5):
        assert kg.query(MEETINGS) == EXPECTED_MEETINGS
    assert len(list(held.named_graphs())) == 7
    with pytest.raises(QueryError, match="was stopped after 0.5 s"):
        kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=0.5)
