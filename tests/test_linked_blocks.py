"""A block as linked (``graph/links/linked.py``): its result given, or read from where it is kept
when first asked for, its groups counted as kept until then."""

from __future__ import annotations

from array import array

import pytest

from alliance_kg.errors import StoreError
from alliance_kg.graph.links.block_codec import BlockResult, Growth, Pairs, encoded
from alliance_kg.graph.links.blocks import _read_kept
from alliance_kg.graph.links.linked import Block, Linked

#: Three commitments (the corpus's 4, 7, 9): pairs (0, 1) and (1, 2), one group of all three.
RESULT: BlockResult = (
    array("q", [0, 1]),
    array("q", [1, 2]),
    array("d", [0.9, 0.5]),
    array("q", [0, 1]),
    [[0, 1, 2]],
)
MEMBERS = [4, 7, 9]


class Reads:
    """A result read from where it is kept, counting the reads."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> BlockResult:
        self.count += 1
        return RESULT


def test_a_block_not_read_counts_its_groups_as_kept_and_reads_once_when_asked() -> None:
    reads = Reads()
    block = Block("k", MEMBERS, None, reads, count=5)
    assert (block.count, block.read, reads.count) == (5, False, 0)
    assert block.without_pairs() is block  # not read: stays so
    assert block.groups == [[4, 7, 9]]
    assert block.pairs == Pairs(*RESULT[:3])
    assert list(block.by_second) == [0, 1]
    assert (block.count, block.read, reads.count) == (1, True, 1)  # what was read counts


def test_a_block_without_its_pairs_keeps_its_groups() -> None:
    block = Block("k", MEMBERS, RESULT)
    bare = block.without_pairs()
    assert bare.groups == [[4, 7, 9]] and bare.count == 1
    assert len(bare.pairs.first) == len(bare.by_second) == 0
    assert bare.key == "k" and bare.members == MEMBERS


def test_blocks_are_equal_by_their_contents_whether_read_or_given() -> None:
    given = Block("k", MEMBERS, RESULT)
    assert Block("k", MEMBERS, None, Reads(), count=1) == given
    assert given.with_key("") == Block("", MEMBERS, RESULT)
    assert given.with_key("") != given
    assert Linked([given]) == Linked([Block("k", MEMBERS, None, Reads(), count=1)])
    groups, blocks = Linked([given])
    assert (groups, blocks) == ([[4, 7, 9]], [given])
    assert Linked([Block("k", MEMBERS, None, Reads(), count=5), given]).count == 6


def test_a_block_needs_its_result_or_where_to_read_it_and_its_count() -> None:
    with pytest.raises(ValueError, match="needs its result"):
        Block("k", MEMBERS, None, Reads())
    with pytest.raises(ValueError, match="needs its result"):
        Block("k", MEMBERS, None, None, count=1)


class Memo:
    def __init__(self, kept: dict[str, bytes]) -> None:
        self.kept = kept

    def blocks(self, keys: object) -> dict[str, bytes]:
        return {k: v for k, v in self.kept.items() if k in keys}  # type: ignore[operator]

    def keep_blocks(self, keys: object, new: object) -> None:
        raise AssertionError("not written")


def test_a_kept_result_is_read_and_one_missing_or_unreadable_is_an_error() -> None:
    body = encoded(RESULT, Growth(Pairs(array("q"), array("q"), array("d")), {}))
    found = _read_kept(Memo({"k": body}), "k")
    assert Block("k", MEMBERS, found) == Block("k", MEMBERS, RESULT)
    for memo in (Memo({}), Memo({"k": b"not a result"})):
        with pytest.raises(StoreError, match="keep no result for the block k; delete"):
            _read_kept(memo, "k")
