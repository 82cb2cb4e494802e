"""Blocks' results kept between builds (``links.blocks``, ``links.state``): a block whose
commitments and word vectors are unchanged takes its kept result, any other is linked again,
and the links graph is the same, byte for byte, with or without what was kept."""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Collection, Mapping
from contextlib import closing
from pathlib import Path

import pytest
from clirunner import akg
from series_steps import built_before_2021, exported

from alliance_kg.graph.links import corpus_links, weights
from alliance_kg.graph.links.blocks import BlockResult, _decoded, _encoded, link_blocks
from alliance_kg.graph.links.read import Corpus, Doc, Item
from alliance_kg.graph.links.state import STATE_FILE
from alliance_kg.graph.links.weights import vectors

SERIES = Path(__file__).parent / "data" / "series"


class Memo:
    """Kept results in a dict, counting the blocks found."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}
        self.found = 0

    def blocks(self, keys: Collection[str]) -> dict[str, bytes]:
        found = {k: self.kept[k] for k in keys if k in self.kept}
        self.found += len(found)
        return found

    def keep_blocks(self, keys: Collection[str], new: Mapping[str, bytes]) -> None:
        self.kept = {k: v for k, v in self.kept.items() if k in set(keys)} | dict(new)


WORDS = [
    "station the littoral regiment in the southwest islands",
    "expand joint exercises near the southwest islands",
    "upgrade the alliance command and control framework",
    "deploy air defense units to the northern base",
]


def _corpus(years: range) -> Corpus:
    """Statements of two blocks of parties, one a year, each restating the last one's words."""
    docs: dict[str, Doc] = {}
    items: list[Item] = []
    for year in years:
        doc = f"doc/{year}"
        docs[doc] = Doc(doc, f"{year}.txt", date=f"{year}-05-01")
        for k, words in enumerate(WORDS):
            # The statement of 2008 adds to the first block only.
            parties = frozenset({"x", "y"} if k % 2 == 0 or year == 2008 else {"x", "z"})
            items.append(Item(f"{doc}#{k}", doc, f"{words} {year % 3}", k * 60, parties=parties))
    return Corpus(docs, items, {})


def test_a_kept_result_reads_back_as_written() -> None:
    result = (
        array("q", [0, 0, 2]),
        array("q", [3, 1, 3]),
        array("d", [0.5, 0.4, 0.25]),
        array("q", [1, 0, 2]),
        [[0, 1], [2, 3]],
    )
    assert _decoded(_encoded(result)) == result
    empty: BlockResult = (array("q"), array("q"), array("d"), array("q"), [])
    assert _decoded(_encoded(empty)) == empty
    body = _encoded(result)
    for broken in [b"", body[:20], body[:-8], body + b"\0" * 8, b"\3" + body[1:]]:
        assert _decoded(broken) is None
    # A result kept in the layout before (mark 1: no order by second) is not taken.
    assert _decoded(b"\1" + body[1:]) is None


def test_blocks_a_later_statement_leaves_are_taken_as_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weights, "WEIGHED_FROM", 8)
    before, after = _corpus(range(2001, 2008)), _corpus(range(2001, 2009))
    memo = Memo()
    assert corpus_links(before, memo=memo) == corpus_links(before)
    assert memo.found == 0 and len(memo.kept) == 2
    assert corpus_links(after, memo=memo) == corpus_links(after)
    # The block {x, z} is unchanged by the 2008 statement, the block {x, y} gains from it.
    assert memo.found == 1 and len(memo.kept) == 2
    assert corpus_links(after, memo=memo) == corpus_links(after)
    assert memo.found == 3


def test_a_kept_result_that_is_not_one_is_linked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(range(2001, 2008))
    vecs = vectors(corpus)
    memo = Memo()
    expected = link_blocks(corpus, vecs, 0.2, 0.2, jobs=1, keep=0.3, memo=memo)
    memo.kept = {k: v[:-8] for k, v in memo.kept.items()}
    assert link_blocks(corpus, vecs, 0.2, 0.2, jobs=1, keep=0.3, memo=memo) == expected
    assert memo.found == 2 and all(_decoded(v) is not None for v in memo.kept.values())


def _block_keys(store: Path) -> set[str]:
    with closing(sqlite3.connect(store / STATE_FILE)) as db:
        return {key for (key,) in db.execute("SELECT key FROM block")}


def test_a_store_built_in_two_builds_reuses_blocks_and_equals_one_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(weights, "WEIGHED_FROM", 10)
    store, first, later = built_before_2021(tmp_path)
    whole = tmp_path / "whole"
    kept = _block_keys(store)
    assert akg(store, "build", "--jobs", "1", str(later)).exit_code == 0
    now = _block_keys(store)
    # Of the three blocks, the 2021 statements change one and the undated ones (weighed after
    # every date) another; the third is taken as it was kept.
    assert len(kept) == len(now) == 3 and len(kept & now) == 1
    assert akg(whole, "build", "--jobs", "1", str(first), str(later)).exit_code == 0
    assert exported(store) == exported(whole)
    assert _block_keys(whole) == now


def test_without_the_code_to_digest_nothing_kept_by_another_process_is_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from alliance_kg.graph.links import blocks

    corpus = _corpus(range(2001, 2008))
    vecs = vectors(corpus)
    memo = Memo()
    expected = link_blocks(corpus, vecs, 0.2, 0.2, jobs=1, keep=0.3, memo=memo)
    kept = dict(memo.kept)
    # As a package run from an archive, whose modules have no file to read.
    monkeypatch.setattr(blocks.lineages, "__file__", None)
    blocks.link_code.cache_clear()
    try:
        found = link_blocks(corpus, vecs, 0.2, 0.2, jobs=1, keep=0.3, memo=memo)
        # The same pairs and groups, under other digests.
        assert [b[1:] for b in found.blocks] == [b[1:] for b in expected.blocks]
        assert found.groups == expected.groups and found.blocks != expected.blocks
        assert memo.found == 0 and not set(memo.kept) & set(kept)
    finally:
        monkeypatch.undo()
        blocks.link_code.cache_clear()
