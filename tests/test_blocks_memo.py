"""Blocks' results kept between builds (``links.blocks``, ``links.state``): a block whose
commitments and word vectors are unchanged takes its kept result, any other is linked again,
and the links graph is the same, byte for byte, with or without what was kept."""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Collection, Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from clirunner import akg
from series_steps import built_before_2021, exported

from alliance_kg.graph.links import blocks as blocks_module
from alliance_kg.graph.links import corpus_links, weights
from alliance_kg.graph.links.block_codec import (
    BlockResult,
    Growth,
    Pairs,
    decoded,
    decoded_growth,
    encoded,
)
from alliance_kg.graph.links.blocks import Linked, link_blocks
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

    def keep_blocks(self, keys: Collection[str], new: Iterable[tuple[str, bytes]]) -> None:
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
    weak = Pairs(array("q", [1]), array("q", [2]), array("d", [0.21]))
    growth = Growth(weak, {"regiment": [0, 3], "concern:https://example.org/é": [2], "x": []})
    body = encoded(result, growth)
    assert decoded(body) == result and decoded_growth(body) == growth
    empty: BlockResult = (array("q"), array("q"), array("d"), array("q"), [])
    nothing = Growth(Pairs(array("q"), array("q"), array("d")), {})
    assert decoded(encoded(empty, nothing)) == empty
    assert decoded_growth(encoded(empty, nothing)) == nothing
    for broken in [b"", body[:20], body[:-8], body + b"\0" * 8, b"\4" + body[1:]]:
        assert decoded(broken) is None and decoded_growth(broken) is None
    # A result kept in a layout before (mark 2: without what linking on needs) is not taken.
    assert decoded(b"\2" + body[1:]) is None
    # Words that are not the walk's: no growth (the block is linked again).
    words = body.rindex(b'["')
    assert decoded_growth(body[:words] + b"{" + body[words + 1 :]) is None


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
    assert memo.found == 2 and all(decoded(v) is not None for v in memo.kept.values())


#: Phrases that vary the statements' words, so that some pairs score under the kept score.
PHRASES = [
    "with partners across the pacific",
    "under a new bilateral framework",
    "ahead of the next exercise season",
    "to deter coercion at sea",
    "through shared maritime awareness",
    "with rotational forces",
]


def _varied(docs: dict[str, Doc], dates: dict[str, str | None], n: int) -> list[Item]:
    """Statements of the documents ``dates`` names, added to ``docs``, with varied words."""
    items: list[Item] = []
    for doc, date in dates.items():
        docs[doc] = Doc(doc, f"{doc}.txt", date=date)
        n += 1
        for k, words in enumerate(WORDS):
            parties = frozenset({"x", "y"} if k % 2 == 0 else {"x", "z"})
            said = f"{words} {PHRASES[n * (k + 1) % 6]} {PHRASES[(n + k) % 5]}"
            items.append(Item(f"{doc}#{k}", doc, said, k * 60, parties=parties))
    return items


def _later(dates: list[str | None]) -> tuple[Corpus, Corpus, set[str]]:
    """Statements of 2001 to 2007, and they with statements of these dates whose documents come
    first in the corpus's order (so the earlier commitments' indexes move), and those."""
    earlier: dict[str, Doc] = {}
    items = _varied(earlier, {f"doc/{year}": f"{year}-05-01" for year in range(2001, 2008)}, 0)
    docs: dict[str, Doc] = {}
    added = _varied(docs, {f"doc/0{n}": date for n, date in enumerate(dates)}, 7)
    return Corpus(earlier, items, {}), Corpus(docs | earlier, [*added, *items], {}), set(docs)


@pytest.mark.parametrize(
    ("dates", "tried", "linked_on"),
    [
        (["2008-05-01"], 2, 2),
        (["2008-05-01", "2009-05-01"], 2, 2),
        # Earlier words counted on the day of the last: their vectors, so their blocks, change.
        (["2007-05-01"], 0, 0),
        (["2000-05-01"], 0, 0),
        ([None], 2, 0),  # undated: weighed last, but walked first
    ],
)
def test_a_block_that_gains_later_commitments_is_linked_on_from_where_it_stopped(
    monkeypatch: pytest.MonkeyPatch, dates: list[str | None], tried: int, linked_on: int
) -> None:
    monkeypatch.setattr(weights, "WEIGHED_FROM", 8)
    before, after, fresh = _later(dates)
    vecs = vectors(after)
    assert (vecs[-len(before.items) :] == vectors(before)) == (tried > 0)
    memo, whole = Memo(), Memo()
    link_blocks(before, vectors(before), 0.2, 0.2, jobs=1, keep=0.3, memo=memo)
    grown: list[object] = []
    on = blocks_module._grown_block

    def spied(*args: Any) -> Any:
        found = on(*args)
        grown.append(found)
        return found

    monkeypatch.setattr(blocks_module, "_grown_block", spied)
    found = link_blocks(after, vecs, 0.2, 0.2, jobs=1, keep=0.3, memo=memo, fresh=fresh)
    assert found == link_blocks(after, vecs, 0.2, 0.2, jobs=1, keep=0.3, memo=whole)
    assert _keyless(found) == link_blocks(after, vecs, 0.2, 0.2, jobs=1, keep=0.3)
    assert len(grown) == tried and sum(g is not None for g in grown) == linked_on
    # What is kept to link on again is what a walk over the whole block keeps.
    assert memo.kept == whole.kept


@pytest.mark.parametrize("shift", [100, -1])
@pytest.mark.parametrize("part", ["walk", "weak"])
def test_a_kept_result_that_does_not_fit_the_earlier_commitments_is_linked_again(
    monkeypatch: pytest.MonkeyPatch, shift: int, part: str
) -> None:
    monkeypatch.setattr(weights, "WEIGHED_FROM", 8)
    before, after, fresh = _later(["2008-05-01"])
    memo = Memo()
    link_blocks(before, vectors(before), 0.2, 0.2, jobs=1, keep=0.3, memo=memo)
    # Each kept result given indexes of commitments the block does not have.
    for key, body in memo.kept.items():
        result, growth = decoded(body), decoded_growth(body)
        assert result is not None and growth is not None and growth.weak.first
        weak, walk = growth
        # Past the last commitment (every index moved on), or before the first (one index).
        moved = [x + shift for x in weak.first] if shift > 0 else [shift, *weak.first[1:]]
        if part == "walk":
            walk = {
                word: [x + shift for x in found] if shift > 0 else [shift, *found[1:]]
                for word, found in walk.items()
            }
        else:
            weak = weak._replace(first=array("q", moved))
        memo.kept[key] = encoded(result, Growth(weak, walk))
    grown: list[object] = []
    on = blocks_module._grown_block
    monkeypatch.setattr(blocks_module, "_grown_block", lambda *a: grown.append(on(*a)))
    vecs = vectors(after)
    found = link_blocks(after, vecs, 0.2, 0.2, jobs=1, keep=0.3, memo=memo, fresh=fresh)
    assert _keyless(found) == link_blocks(after, vecs, 0.2, 0.2, jobs=1, keep=0.3)
    assert grown == [None, None]


def _keyless(linked: Linked) -> Linked:
    """The blocks as linked without a memo (which gives them no key)."""
    return Linked([block.with_key("") for block in linked.blocks])


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
        assert _keyless(found) == _keyless(expected)
        assert found.groups == expected.groups and found.blocks != expected.blocks
        assert memo.found == 0 and not set(memo.kept) & set(kept)
    finally:
        monkeypatch.undo()
        blocks.link_code.cache_clear()
