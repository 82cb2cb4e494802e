"""The links graph written by what changed of each subject's triples (``links.write``): the
digests kept beside the store are those of the graph in the store after every build, and
whatever may have changed the graph otherwise makes the next write compare the whole graph."""

from __future__ import annotations

import gc
import shutil
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg
from series_steps import split_series

from alliance_kg.graph.links import LINKS_GRAPH, LinksState, write
from alliance_kg.graph.links.state import STATE_FILE
from alliance_kg.graph.links.write import _digest
from alliance_kg.ontology import ID, PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"

SERIES = Path(__file__).parent / "data" / "series"
BOGUS = "<https://example.org/bogus> <https://example.org/p> <https://example.org/o> ."


def _build(store: Path, *folders: Path) -> None:
    result = akg(store, "build", "--jobs", "1", *map(str, folders))
    assert result.exit_code == 0, result.output


def _halves(tmp_path: Path) -> tuple[Path, Path]:
    return split_series(tmp_path, lambda k, _: k % 2 == 1)


def _links_lines(store: Path) -> list[str]:
    opened = ox.Store.read_only(str(store))
    quads = opened.quads_for_pattern(None, None, None, ox.NamedNode(str(LINKS_GRAPH)))
    return [f"{q.subject} {q.predicate} {q.object} ." for q in quads]


def _digests(lines: list[str]) -> dict[str, bytes]:
    by_subject: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        by_subject[line.split(" ", 1)[0]].append(line)
    return {subject: _digest(found) for subject, found in by_subject.items()}


def test_the_kept_digests_are_the_graphs_after_each_build(tmp_path: Path) -> None:
    first, later = _halves(tmp_path)
    store, whole = tmp_path / "store", tmp_path / "whole"
    _build(store, first)
    assert LinksState(store).links() == _digests(_links_lines(store))
    _build(store, later)
    lines = _links_lines(store)
    assert LinksState(store).links() == _digests(lines)
    _build(whole, first, later)
    assert sorted(lines) == sorted(_links_lines(whole))


def _add_bogus(store: Path) -> None:
    result = akg(store, "update", f"INSERT DATA {{ GRAPH <{LINKS_GRAPH}> {{ {BOGUS} }} }}")
    assert result.exit_code == 0, result.output


def test_an_update_of_the_links_graph_makes_the_next_write_compare_it_whole(
    tmp_path: Path,
) -> None:
    # The stage after the update no longer trusts the kept digests, so it reads the whole
    # graph and removes the triple no document gives; trusting them, it would keep it.
    first, _ = _halves(tmp_path)
    store = tmp_path / "store"
    _build(store, first)
    _add_bogus(store)
    assert BOGUS not in _links_lines(store)
    assert LinksState(store).links() == _digests(_links_lines(store))


def test_a_write_left_unfinished_makes_the_next_one_compare_the_graph_whole(
    tmp_path: Path,
) -> None:
    first, later = _halves(tmp_path)
    store = tmp_path / "store"
    _build(store, first)
    state = LinksState(store)
    state.forget_links()  # as a write stopped between its two steps leaves it
    assert state.links() is None
    writer = ox.Store(str(store))
    terms = [ox.NamedNode(f"https://example.org/{x}") for x in ("bogus", "p", "o")]
    writer.add(ox.Quad(*terms, ox.NamedNode(str(LINKS_GRAPH))))
    del writer
    assert BOGUS in _links_lines(store)
    _build(store, later)
    assert BOGUS not in _links_lines(store)
    assert state.links() == _digests(_links_lines(store))


def test_an_update_of_document_graphs_keeps_the_digests_and_writes_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only akg wrote the store and the update names no links graph: the digests hold, so the
    # stage after it compares only the subjects that changed, as a build's does, and the graph
    # is that of a build of the documents left.
    gone = "ausmin-2017-news"
    first, later = split_series(tmp_path, lambda _, text: text.stem == gone)
    store, rest = tmp_path / "store", tmp_path / "rest"
    _build(store, first, later)
    whole: list[str] = []
    monkeypatch.setattr(write, "write_graph_lines", lambda *_: whole.append("whole"))
    dropped = akg(store, "update", f"DROP GRAPH <https://w3id.org/alliance-kg/id/document/{gone}>")
    assert dropped.exit_code == 0, dropped.output
    assert whole == []
    monkeypatch.undo()
    _build(rest, first)
    assert sorted(_links_lines(store)) == sorted(_links_lines(rest))
    assert LinksState(store).links() == _digests(_links_lines(store))


def test_an_update_after_another_programs_write_reads_every_graph_again(tmp_path: Path) -> None:
    # Another program changes a stated date: the records kept beside the store no longer say
    # what the store holds, and `akg update 'INSERT DATA {}'` (which names no graph) must bring
    # the stage in step, as it does with no records kept at all.
    store, fresh = tmp_path / "store", tmp_path / "fresh"
    _build(store, SERIES)
    doc, date = f"<{ID}document/ausmin-2017-joint-statement>", f"<{PREFIXES['akg']}statedDate>"
    writer = ox.Store(str(store))
    writer.update(
        f"DELETE {{ GRAPH {doc} {{ {doc} {date} ?d }} }} "
        f'INSERT {{ GRAPH {doc} {{ {doc} {date} "2017-06-09"^^<{XSD}date> }} }} '
        f"WHERE {{ GRAPH {doc} {{ {doc} {date} ?d }} }}"
    )
    writer.flush()
    del writer
    gc.collect()
    shutil.copytree(store, fresh)
    (fresh / STATE_FILE).unlink()
    for folder in (store, fresh):
        assert akg(folder, "update", "INSERT DATA {}").exit_code == 0
    lines = sorted(_links_lines(store))
    assert any('"2017-06-09"' in line for line in lines)
    assert lines == sorted(_links_lines(fresh))
