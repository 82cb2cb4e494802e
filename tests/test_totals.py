"""The store's triples and quads kept beside it (``graph.totals``): every akg write leaves them
equal to a fresh count, or forgotten, and they are used only while akg alone wrote the store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg
from series_steps import SERIES, split_series

from alliance_kg.graph import totals as totals_module
from alliance_kg.graph.links.state import LinksState
from alliance_kg.graph.stamp import union_stamped
from alliance_kg.graph.totals import Totals, count_totals, held


def _counted(store: Path) -> Totals:
    return count_totals(ox.Store.read_only(str(store)))


def _kept(store: Path) -> tuple[int, int] | None:
    return LinksState(store).totals()


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
    assert held(store, {str(a.value): [line_one, line_two]}) == Totals(1, 1)
    assert held(store, {str(b.value): [line_one, line_two]}) == Totals(1, 2)
    # The same triple written two ways is one triple.
    assert held(
        store,
        {str(a.value): [line_one, f'{s} {p} "one"^^<http://www.w3.org/2001/XMLSchema#string> .']},
    ) == Totals(1, 1)


def test_each_build_and_update_leaves_the_totals_counted_or_forgotten(tmp_path: Path) -> None:
    first, later = split_series(tmp_path, lambda k, _: k % 3 == 2)
    store = tmp_path / "store"
    assert akg(store, "build", "--jobs", "1", str(first)).exit_code == 0
    assert _kept(store) == _counted(store)
    # A build of a few statements moves the kept totals by what it changed: kept totals made
    # wrong on purpose stay wrong by the same amount (nothing is counted afresh).
    right = _counted(store)
    LinksState(store).keep_totals(right.triples + 7, right.quads + 11)
    assert akg(store, "build", "--jobs", "1", str(later)).exit_code == 0
    after = _counted(store)
    assert after.triples > right.triples and after.quads > right.quads
    assert _kept(store) == (after.triples + 7, after.quads + 11)
    LinksState(store).keep_totals(*after)
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
        assert _printed(result.output) == tuple(_counted(store))
    # An update forgets them; `akg stats` counts, and the next build keeps them again.
    update = "DELETE WHERE { GRAPH ?g { ?c <https://w3id.org/alliance-kg/ontology#quote> ?q } }"
    assert akg(store, "update", update).exit_code == 0
    assert _kept(store) is None
    assert _printed(akg(store, "stats").output) == tuple(_counted(store))
    assert akg(store, "build", "--jobs", "1", str(SERIES)).exit_code == 0
    assert _kept(store) == _counted(store)


def test_a_write_too_large_to_measure_is_counted_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, later = split_series(tmp_path, lambda k, _: k >= 4)
    store = tmp_path / "store"
    assert akg(store, "build", "--jobs", "1", str(first)).exit_code == 0
    right = _counted(store)
    LinksState(store).keep_totals(right.triples + 7, right.quads + 11)
    monkeypatch.setattr(totals_module, "TALLIED_TRIPLES", 10)
    assert akg(store, "build", "--jobs", "1", str(later)).exit_code == 0
    assert _kept(store) == _counted(store)


def test_totals_are_not_used_once_another_program_wrote_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert akg(store, "build", "--jobs", "1", str(SERIES)).exit_code == 0
    kept = _kept(store)
    assert kept is not None and union_stamped(store)
    other = ox.Store(str(store))
    graph = ox.NamedNode("http://example.org/elsewhere")
    other.add(ox.Quad(graph, graph, ox.Literal("written by another program"), graph))
    del other
    assert not union_stamped(store) and _kept(store) == kept
    result = akg(store, "stats")
    assert result.exit_code == 0
    assert _printed(result.output) == (kept[0], kept[1] + 1) == tuple(_counted(store))
