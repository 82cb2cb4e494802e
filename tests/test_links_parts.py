"""The links graph in parts (``links.parts``, ``links.write``): each subject in one part, and a
block's part that the last write left, by its key, taken as it is without being worked out or
compared again, with the same graph as a build that takes nothing."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Collection, Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from clirunner import akg
from rdflib import RDFS, Literal, URIRef
from series_steps import SERIES, built_before_2021, exported

from alliance_kg.graph.links import LinksState, by_meeting, corpus_links, corpus_parts, parts
from alliance_kg.graph.links import weights as weights_module
from alliance_kg.graph.links.meetings import Meeting
from alliance_kg.graph.links.parts import REST, Part
from alliance_kg.graph.links.read import Corpus, read_corpus
from alliance_kg.graph.links.state import STATE_FILE
from alliance_kg.graph.links.write import _digest, write_links
from alliance_kg.ontology import AKG, ID


class Memo:
    """Blocks' results kept in a dict."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def blocks(self, keys: Collection[str]) -> dict[str, bytes]:
        return {k: self.kept[k] for k in keys if k in self.kept}

    def keep_blocks(self, keys: Collection[str], new: Iterable[tuple[str, bytes]]) -> None:
        self.kept = {k: v for k, v in self.kept.items() if k in set(keys)} | dict(new)


@pytest.fixture(scope="module")
def series_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("series") / "store"
    assert akg(store, "build", "--jobs", "1", str(SERIES)).exit_code == 0
    return store


@pytest.fixture(scope="module")
def series_corpus(series_store: Path) -> Corpus:
    return read_corpus(ox.Store.read_only(str(series_store)))


def _subjects(part: Part) -> set[str]:
    return {str(s) for s, _, _ in part.triples or ()}


def _copy(series_store: Path, tmp_path: Path) -> Path:
    store = tmp_path / "store"
    shutil.copytree(series_store, store)
    return store


def _write(store: Path, parts: list[Part], state: LinksState | None) -> bool:
    """``write_links`` on the store, opened for this write alone."""
    opened = ox.Store(str(store))
    try:
        return write_links(opened, parts, state)
    finally:
        del opened


def test_each_subject_is_in_one_part_and_the_parts_are_the_graph(series_corpus: Corpus) -> None:
    found, result = corpus_parts(series_corpus, memo=Memo())
    assert found[0].key == REST and len(found) > 3
    assert all(len(part.key) == 64 for part in found[1:])
    assert len({part.key for part in found}) == len(found)
    seen: set[str] = set()
    for part in found:
        subjects = _subjects(part)
        assert subjects and not subjects & seen
        seen |= subjects
    triples, whole = corpus_links(series_corpus)
    assert [t for part in found for t in part.triples or ()] == triples
    assert result == whole and result.restates == sum(p.restates for p in found) > 0


def test_parts_given_as_kept_come_without_their_triples(series_corpus: Corpus) -> None:
    memo = Memo()
    found, result = corpus_parts(series_corpus, memo=memo)
    kept = {part.key: part.restates for part in found[1:3]}
    again, same = corpus_parts(series_corpus, memo=memo, kept=kept)
    assert [p.key for p in again] == [p.key for p in found] and same == result
    assert [p[:3] for p in again if p.triples is None] == [(k, None, n) for k, n in kept.items()]
    assert [p for p in again if p.key not in kept] == [p for p in found if p.key not in kept]


def _part_keys(store: Path) -> set[str]:
    with closing(sqlite3.connect(store / STATE_FILE)) as db:
        return {key for (key,) in db.execute("SELECT key FROM part")}


def _meetings(store: Path) -> set[str]:
    opened = ox.Store.read_only(str(store))
    found = opened.query(f"SELECT ?m WHERE {{ GRAPH ?g {{ ?m a <{AKG.Meeting}> }} }}")
    assert isinstance(found, ox.QuerySolutions)
    return {row[0].value for row in found}


def test_a_later_statement_leaves_the_other_blocks_parts_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(weights_module, "WEIGHED_FROM", 10)
    store, first, later = built_before_2021(tmp_path)
    whole = tmp_path / "whole"
    before = _part_keys(store)
    meetings = _meetings(store)
    made: list[Any] = []
    block_triples = parts.block_triples

    def counted(*args: Any) -> Any:
        made.append(args[2].key)
        return block_triples(*args)

    monkeypatch.setattr("alliance_kg.graph.links.block_triples", counted)
    written: list[str] = []
    meeting_triples = by_meeting.meeting_triples

    def meeting(corpus: Corpus, found: Meeting) -> Any:
        written.append(found.key)
        return meeting_triples(corpus, found)

    monkeypatch.setattr(by_meeting, "meeting_triples", meeting)
    # Every subject is in a part: the write reads the kept digests of the subjects it worked
    # out and of the parts gone, not every subject's.
    read: list[int] = []
    monkeypatch.setattr(LinksState, "links_with_parts", lambda _: pytest.fail("read whole"))
    subjects_kept = LinksState.subjects_kept

    def kept_of(state: LinksState, subjects: Collection[str]) -> Any:
        read.append(len(subjects))
        return subjects_kept(state, subjects)

    monkeypatch.setattr(LinksState, "subjects_kept", kept_of)
    assert akg(store, "build", "--jobs", "1", str(later)).exit_code == 0
    every = LinksState(store).links()
    assert every and len(read) == 1 and 0 < read[0] < len(every)
    after = _part_keys(store)
    # One block's part is taken as the first build wrote it; the others are worked out. Each
    # meeting has a part (``by_meeting.py``): those of the earlier meetings are as written.
    added = _meetings(store) - meetings
    assert len(before) == 3 + len(meetings) and len(after) == 3 + len(meetings | added)
    assert len(before & after) == 1 + len(meetings) and added
    assert {str(ID[key]) for key in written} == added  # only the new meetings' parts made
    assert len(made) == 2 and not set(made) & before
    monkeypatch.undo()
    monkeypatch.setattr(weights_module, "WEIGHED_FROM", 10)
    assert akg(whole, "build", "--jobs", "1", str(first), str(later)).exit_code == 0
    assert exported(store) == exported(whole)
    assert _part_keys(whole) == after
    # The same digests, parts and part of each subject as a build that wrote the graph whole.
    assert LinksState(store).links_with_parts() == LinksState(whole).links_with_parts()
    assert LinksState(store).link_parts() == LinksState(whole).link_parts()
    assert LinksState(store).links_whole() and LinksState(whole).links_whole()


def test_a_part_given_as_kept_that_the_state_does_not_hold_writes_nothing(
    series_store: Path, tmp_path: Path
) -> None:
    store = _copy(series_store, tmp_path)
    before = exported(store)
    state = LinksState(store)
    kept = state.link_parts()
    assert kept
    key, restates = sorted(kept.items())[0]
    subject = state.slot_subjects([state.part_slots()[key]])[0]
    # A triple about a subject of a kept part, in another part: the parts are not what the
    # state holds.
    moved = (URIRef(subject.strip("<>")), RDFS.comment, Literal("moved"))
    assert not _write(store, [Part(REST, [], 0), Part("0" * 64, None, 0)], state)
    assert not _write(store, [Part("0" * 64, None, 0)], None)
    assert not _write(store, [Part(REST, [moved], 0), Part(key, None, restates)], state)
    assert exported(store) == before
    assert state.link_parts() == kept


def test_the_stage_pauses_the_garbage_collector_only_while_it_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    from alliance_kg.graph import links

    seen: list[bool] = []

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return corpus_parts(*args, **kwargs)

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("stopped")

    store = ox.Store()
    monkeypatch.setattr(links, "corpus_parts", recording)
    assert links.link_corpus(store).meetings == 0
    assert (seen, gc.isenabled()) == ([False], True)
    monkeypatch.setattr(links, "corpus_parts", failing)
    with pytest.raises(RuntimeError):
        links.link_corpus(store)
    assert gc.isenabled()


def _graph_lines(store: Path) -> list[str]:
    opened = ox.Store.read_only(str(store))
    found = opened.query(
        "SELECT ?s ?p ?o WHERE { GRAPH <https://w3id.org/alliance-kg/id/graph/links> { ?s ?p ?o } }"
    )
    assert isinstance(found, ox.QuerySolutions)
    return sorted(f"{s} {p} {o} ." for s, p, o in found)


@pytest.mark.parametrize("whole", [True, False])
def test_subjects_gone_from_the_rest_or_with_their_part_are_removed(
    series_store: Path, tmp_path: Path, whole: bool
) -> None:
    # With every subject in a part (``whole``) the write reads only the kept digests of the
    # parts it works out and of those gone; with a part that has no key, every kept digest.
    store = _copy(series_store, tmp_path)
    state = LinksState(store)
    said = {x: (URIRef(f"https://example.org/{x}"), RDFS.comment, Literal(x)) for x in "abcdef"}
    extra = [] if whole else [Part("", [said["f"]], 0)]
    first, second, third = "1" * 64, "2" * 64, "3" * 64
    rest = [said["a"]]
    steps = [
        # c in the block's part, b in the rest; then b goes from the rest; then the block's
        # part is worked out again without c (its key changes, its slot stays); then the
        # block is gone, and a meeting's part holds e.
        (
            [Part(REST, [*rest, said["b"]], 0, REST), Part(first, [said["c"]], 1, "block x")],
            "abc",
            {first: 1},
        ),
        ([Part(REST, rest, 0, REST), Part(first, None, 1, "block x")], "ac", {first: 1}),
        ([Part(REST, rest, 0, REST), Part(second, [said["d"]], 2, "block x")], "ad", {second: 2}),
        ([Part(REST, rest, 0, REST), Part(third, [said["e"]], 0, "meeting m")], "ae", {third: 0}),
    ]
    for found, subjects, kept in steps:
        assert _write(store, [*found, *extra], state)
        expected = [
            f"<https://example.org/{x}> <{RDFS.comment}> {Literal(x).n3()} ." for x in subjects
        ]
        if not whole:
            expected.append(f"<https://example.org/f> <{RDFS.comment}> {Literal('f').n3()} .")
        assert _graph_lines(store) == sorted(expected)
        lines = _graph_lines(store)
        assert state.links() == {line.split(" ", 1)[0]: _digest([line]) for line in lines}
        assert state.link_parts() == kept and state.links_whole() == whole


def test_a_part_taken_as_kept_whose_subjects_the_state_cannot_tell_writes_nothing(
    series_store: Path, tmp_path: Path
) -> None:
    store = _copy(series_store, tmp_path)
    state = LinksState(store)
    said = (URIRef("https://example.org/c"), RDFS.comment, Literal("c"))
    key = "1" * 64
    # A part with a key but no slot: its subjects are not kept by part.
    assert _write(store, [Part(REST, [], 0, REST), Part(key, [said], 1)], state)
    before = _graph_lines(store)
    assert not _write(store, [Part(REST, [], 0, REST), Part(key, None, 1)], state)
    assert _graph_lines(store) == before and state.link_parts() == {key: 1}
