"""The links graph written by what changed of each subject's triples (``links.write``): the
digests kept beside the store are those of the graph in the store after every build, and
whatever may have changed the graph otherwise makes the next write compare the whole graph."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
from clirunner import akg
from series_steps import split_series

from alliance_kg.graph.links import LINKS_GRAPH, LinksState
from alliance_kg.graph.links.write import _digest

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
