"""The store's counts kept beside it (``graph.totals``): every akg write leaves them equal to a
fresh count, or forgotten, and they are used only while akg alone wrote the store."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg
from series_steps import SERIES, split_series

from alliance_kg.graph import totals as totals_module
from alliance_kg.graph.links.state import STATE_FILE, LinksState
from alliance_kg.graph.stamp import union_stamped
from alliance_kg.graph.totals import Totals, count_totals, held, read_totals
from alliance_kg.ontology import AKG

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
AKG_COMMITMENT, AKG_STATE = ox.NamedNode(str(AKG.Commitment)), ox.NamedNode(str(AKG.State))


def _counted(store: Path) -> Totals:
    return count_totals(ox.Store.read_only(str(store)))


def _kept(store: Path) -> Totals | None:
    return read_totals(LinksState(store).totals())


def _off(totals: Totals) -> Totals:
    """The totals made wrong on purpose."""
    wrong = read_totals(totals.text())
    assert wrong is not None
    wrong.triples += 7
    wrong.quads += 11
    wrong.classes[str(AKG.Commitment)] += 3
    wrong.kinds[str(AKG.Pledge)] += 5
    wrong.entities += 2
    return wrong


def _built(tmp_path: Path) -> Path:
    """A store of the series, built in one process."""
    store = tmp_path / "store"
    assert akg(store, "build", "--jobs", "1", str(SERIES)).exit_code == 0
    return store


def _printed(output: str) -> tuple[int, int]:
    """The Triples and Quads lines of a printed stats table."""
    rows = dict(line.split() for line in output.splitlines() if line.startswith(("Tri", "Qua")))
    return int(rows["Triples"]), int(rows["Quads"])


def test_held_counts_the_union_and_each_graph_by_lookups() -> None:
    store = ox.Store()
    a, b = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b")
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    one, two = ox.Literal("one"), ox.Literal("two")
    for graph in (a, b, ox.DefaultGraph()):
        store.add(ox.Quad(s, p, one, graph))
    store.add(ox.Quad(s, p, two, b))
    line_one, line_two = f"{s} {p} {one} .", f"{s} {p} {two} ."
    # "one" is in the union and in a; "two" is in b only (not in the union, not in a).
    assert held(store, {str(a.value): [line_one, line_two]}) == Totals(1, 1, 1)
    assert held(store, {str(b.value): [line_one, line_two]}) == Totals(1, 2, 1)
    assert held(store, {"http://example.org/c": [line_one]}) == Totals(1, 0, 0)
    # The same triple written two ways is one triple.
    typed = f'{s} {p} "one"^^<http://www.w3.org/2001/XMLSchema#string> .'
    assert held(store, {str(a.value): [line_one, typed]}) == Totals(1, 1, 1)
    # A node's classes, commitment types and entity classes, as the union holds them, when a
    # line gives it a type or a commitment type.
    kind = ox.NamedNode(str(AKG.commitmentType))
    for triple in ((s, RDF_TYPE, AKG_COMMITMENT), (s, RDF_TYPE, AKG_STATE)):
        store.add(ox.Quad(*triple, ox.DefaultGraph()))
    store.add(ox.Quad(s, kind, ox.NamedNode(str(AKG.Pledge)), ox.DefaultGraph()))
    found = held(store, {str(a.value): [f"{s} {kind} <{AKG.Pledge}> ."]})
    assert found.classes == {str(AKG.Commitment): 1, str(AKG.State): 1}
    assert (found.kinds, found.entities, found.triples) == ({str(AKG.Pledge): 1}, 1, 1)
    # A line about a node that gives it neither: its classes are not counted.
    assert held(store, {str(a.value): [line_one]}).classes == {}


def test_each_build_and_update_leaves_the_totals_counted_or_forgotten(tmp_path: Path) -> None:
    first, later = split_series(tmp_path, lambda k, _: k % 3 == 2)
    store = tmp_path / "store"
    assert akg(store, "build", "--jobs", "1", str(first)).exit_code == 0
    assert _kept(store) == _counted(store)
    # A build of a few statements moves the kept totals by what it changed: kept totals made
    # wrong on purpose stay wrong by the same amount (nothing is counted afresh).
    right = _counted(store)
    LinksState(store).keep_totals(_off(right).text())
    assert akg(store, "build", "--jobs", "1", str(later)).exit_code == 0
    after = _counted(store)
    assert after.triples > right.triples and after.quads > right.quads
    assert after.classes[str(AKG.Document)] > right.classes[str(AKG.Document)]
    assert after.kinds != right.kinds and after.graphs > right.graphs
    assert _kept(store) == _off(after)
    LinksState(store).keep_totals(after.text())
    # A statement replaced by a shorter text, then built again unchanged.
    changed = tmp_path / "changed"
    changed.mkdir()
    text = sorted(later.glob("*.txt"))[0]
    lines = text.read_text(encoding="utf-8").splitlines()
    (changed / text.name).write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8")
    shutil.copy(text.with_suffix(".meta.json"), changed)
    for folder in (changed, changed):
        result = akg(store, "build", "--jobs", "1", str(folder))
        assert result.exit_code == 0, result.output
        assert _kept(store) == _counted(store)
        assert _printed(result.output) == (_counted(store).triples, _counted(store).quads)
    # An update whose graphs the store tells (a DELETE WHERE naming them by a variable) moves
    # them; one whose graphs cannot be told (a second operation under WITH, which the checks
    # of several operations cannot read as it does) forgets them; `akg stats` counts, and the
    # next build keeps them again.
    quote = "?c <https://w3id.org/alliance-kg/ontology#quote> ?q"
    update = f"DELETE WHERE {{ GRAPH ?g {{ {quote} }} }}"
    assert akg(store, "update", update).exit_code == 0
    assert _kept(store) == _counted(store)
    update = (
        f"INSERT DATA {{ }} ; WITH <http://example.org/none> DELETE {{ GRAPH ?g {{ {quote} }} }} "
    )
    update += f"WHERE {{ GRAPH ?g {{ {quote} }} }}"
    assert akg(store, "update", update).exit_code == 0
    assert _kept(store) is None
    assert _printed(akg(store, "stats").output) == (_counted(store).triples, _counted(store).quads)
    assert akg(store, "build", "--jobs", "1", str(SERIES)).exit_code == 0
    assert _kept(store) == _counted(store)


def test_a_write_too_large_to_measure_is_counted_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, later = split_series(tmp_path, lambda k, _: k >= 4)
    store = tmp_path / "store"
    assert akg(store, "build", "--jobs", "1", str(first)).exit_code == 0
    LinksState(store).keep_totals(_off(_counted(store)).text())
    monkeypatch.setattr(totals_module, "TALLIED_TRIPLES", 10)
    assert akg(store, "build", "--jobs", "1", str(later)).exit_code == 0
    assert _kept(store) == _counted(store)


def test_totals_are_not_used_once_another_program_wrote_the_store(tmp_path: Path) -> None:
    store = _built(tmp_path)
    kept = _kept(store)
    assert kept is not None and union_stamped(store)
    other = ox.Store(str(store))
    graph = ox.NamedNode("http://example.org/elsewhere")
    other.add(ox.Quad(graph, graph, ox.Literal("written by another program"), graph))
    del other
    assert not union_stamped(store) and _kept(store) == kept
    result = akg(store, "stats")
    assert result.exit_code == 0
    counted = _counted(store)
    assert _printed(result.output) == (kept.triples, kept.quads + 1)
    assert _printed(result.output) == (counted.triples, counted.quads)
    assert counted.graphs == kept.graphs + 1


def test_kept_text_that_is_not_totals_is_taken_as_none(tmp_path: Path) -> None:
    store = _built(tmp_path)
    counted = _counted(store)
    for text in ("2574566 3637459", "{}", '{"triples": "x"}', "[1, 2]"):
        LinksState(store).keep_totals(text)
        assert read_totals(text) is None
        assert _printed(akg(store, "stats").output) == (counted.triples, counted.quads)
    assert akg(store, "build", "--jobs", "1", str(SERIES)).exit_code == 0
    assert _kept(store) == _counted(store)


def test_the_void_description_reads_the_kept_counts(tmp_path: Path) -> None:
    from alliance_kg.queries.server import _void

    store = _built(tmp_path)
    counted = _counted(store)
    triples = "void:triples {} ;"
    served = _void(store, "http://localhost/sparql")
    assert triples.format(counted.triples) in akg(store, "stats", "--format", "void").output
    assert triples.format(counted.triples) in served
    # Kept counts made wrong on purpose show that both read them rather than count again.
    LinksState(store).keep_totals(_off(counted).text())
    assert triples.format(counted.triples + 7) in akg(store, "stats", "--format", "void").output
    assert triples.format(counted.triples + 7) in _void(store, "http://localhost/sparql")


def test_a_state_file_of_another_version_is_read_without_being_written(tmp_path: Path) -> None:
    store = _built(tmp_path)
    counted = _counted(store)
    LinksState(store).keep_totals(_off(counted).text())
    path = store / STATE_FILE
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE meta SET value = 'another' WHERE key = 'version'")
    before = path.read_bytes()
    assert LinksState(store).totals() is None
    assert _printed(akg(store, "stats").output) == (counted.triples, counted.quads)
    assert path.read_bytes() == before


ID = "https://w3id.org/alliance-kg/id/"
NEWS, SHEET = f"{ID}document/ausmin-2019-news", f"{ID}document/ausmin-2018-fact-sheet"
SHARED = f'<{ID}state/australia> skos:prefLabel "Australia"'
#: Updates that name the graphs they change: new nodes of counted classes and a commitment type,
#: a triple other graphs hold too leaving one graph (it stays in the union) and going into a new
#: one (it was in the union) with a class its node has in other graphs, a triple no other graph
#: holds leaving and another going into a new graph, a graph moved, an empty graph made, a
#: document's graph dropped (its commitments and their types leave the union).
NAMED_UPDATES = [
    f"INSERT DATA {{ GRAPH <{NEWS}> {{ <{ID}x> a akg:Commitment ; "
    f"akg:commitmentType akg:Pledge . <{ID}y> a akg:State }} }}",
    f"DELETE DATA {{ GRAPH <{NEWS}> {{ {SHARED} }} }}",
    f"INSERT DATA {{ GRAPH <{ID}document/other> {{ {SHARED} . "
    f"<{ID}state/australia> a akg:State }} }}",
    f"DELETE {{ GRAPH <{SHEET}> {{ <{SHEET}> akg:sourceFile ?f }} }} "
    f"INSERT {{ GRAPH <{ID}document/copy> {{ {SHARED} . <{ID}x> akg:p ?f }} }} "
    f"WHERE {{ GRAPH <{SHEET}> {{ <{SHEET}> akg:sourceFile ?f }} }}",
    f"MOVE <{SHEET}> TO <{ID}document/moved>",
    f"CREATE GRAPH <{ID}document/empty>",
    f"DROP GRAPH <{NEWS}>",
]


def _updated_quads(output: str) -> int:
    """The quads an update's output says the store holds in named graphs."""
    found = [line for line in output.splitlines() if line.startswith("Updated: ")]
    return int(found[0].split(" holds ", 1)[1].split()[0])


def test_an_update_of_named_graphs_moves_the_kept_totals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alliance_kg.graph import updating

    counted: list[str] = []
    count = updating.count_of

    def spied(store: ox.Store, sparql: str) -> int:
        counted.append(sparql)
        return count(store, sparql)

    monkeypatch.setattr(updating, "count_of", spied)
    store = _built(tmp_path)
    for update in NAMED_UPDATES:
        before = _counted(store)
        # Kept totals made wrong on purpose stay wrong by the same amount: they were moved by
        # what the update changed, not counted afresh.
        LinksState(store).keep_totals(_off(before).text())
        result = akg(store, "update", update)
        assert result.exit_code == 0, result.output
        after = _counted(store)
        assert _kept(store) == _off(after), update
        assert _updated_quads(result.output) == after.quads + 11  # as kept, moved
        LinksState(store).keep_totals(after.text())
    assert counted == []  # no quad counted
    assert _kept(store) == _counted(store)


def test_an_update_too_large_to_measure_forgets_the_totals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _built(tmp_path)
    monkeypatch.setattr(totals_module, "TALLIED_TRIPLES", 10)
    result = akg(store, "update", NAMED_UPDATES[0])
    assert result.exit_code == 0, result.output
    assert _kept(store) is None
    # The quads it prints are counted.
    assert _updated_quads(result.output) == _counted(store).quads
