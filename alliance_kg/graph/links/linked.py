"""The blocks of commitments as linked (``blocks.link_blocks``): each one's digest and members,
and its result (pairs, their order by second, groups) read from where it is kept when first
asked for.

A stage after one more statement links one block again, of some thirty; the others' results
(81 MB at 10,000 statements) are needed only where the meetings ask which commitments restate
others (``restated.py``) and where a block's part of the links graph is worked out again
(``parts.block_triples``). Until then such a block counts its groups as kept.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from alliance_kg.graph.links.block_codec import BlockResult, Ints, Pairs

_EMPTY: Ints = array("q")


class Block:
    """One block as linked: the digest its result is kept under (empty without a memo), its
    commitments (the corpus's indexes, in order) and its groups (of the corpus's indexes); its
    pairs under its own indexes (``members[k]`` is the corpus's), and their indexes sorted by
    second then first. Its result is ``result``, or what ``read`` gives when first asked for
    (``count``: its groups, as kept)."""

    __slots__ = ("_count", "_groups", "_read", "_result", "key", "members")

    def __init__(
        self,
        key: str,
        members: list[int],
        result: BlockResult | None = None,
        read: Callable[[], BlockResult] | None = None,
        count: int | None = None,
    ) -> None:
        if result is None and (read is None or count is None):
            raise ValueError("a block needs its result, or where to read it and its count")
        self.key, self.members = key, members
        self._result, self._read, self._count = result, read, count
        self._groups: list[list[int]] | None = None

    def _found(self) -> BlockResult:
        if self._result is None:
            assert self._read is not None
            self._result = self._read()
        return self._result

    @property
    def read(self) -> bool:
        """Whether its result was given or read."""
        return self._result is not None

    @property
    def groups(self) -> list[list[int]]:
        """Its groups, of the corpus's indexes."""
        if self._groups is None:
            at = self.members.__getitem__
            self._groups = [list(map(at, group)) for group in self._found()[4]]
        return self._groups

    @property
    def pairs(self) -> Pairs:
        """Its pairs, under its own indexes, sorted by first then second."""
        first, second, values, _, _ = self._found()
        return Pairs(first, second, values)

    @property
    def by_second(self) -> Ints:
        """The indexes of its pairs sorted by second then first."""
        return self._found()[3]

    @property
    def count(self) -> int:
        """How many groups it has."""
        if self._result is None and self._count is not None:
            return self._count
        return len(self._found()[4])

    def without_pairs(self) -> Block:
        """The block without its pairs (the largest structure of the stage, which the triples
        do not need); one not read yet stays so."""
        if self._result is None:
            return self
        bare = Block(self.key, self.members, (_EMPTY, _EMPTY, array("d"), _EMPTY, self._result[4]))
        bare._groups = self._groups
        return bare

    def with_key(self, key: str) -> Block:
        """The same block under another digest (read now)."""
        return Block(key, self.members, self._found())

    def _fields(self) -> tuple[Any, ...]:
        return self.key, self.members, self.groups, self.pairs, self.by_second

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Block) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Block(key={self.key!r}, members={len(self.members)}, read={self.read})"


class Linked:
    """What ``link_blocks`` gives: the blocks; every group (ordered by first member) and how
    many, worked out when asked for."""

    __slots__ = ("blocks",)

    def __init__(self, blocks: Iterable[Block]) -> None:
        self.blocks = list(blocks)

    @property
    def groups(self) -> list[list[int]]:
        """Every group, ordered by its first member (every block read)."""
        return sorted((g for block in self.blocks for g in block.groups), key=lambda g: g[0])

    @property
    def count(self) -> int:
        """How many groups (the blocks not read counting theirs as kept)."""
        return sum(block.count for block in self.blocks)

    def __iter__(self) -> Iterator[Any]:
        """Every group and the blocks, as a pair unpacks (every block read)."""
        return iter((self.groups, self.blocks))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Linked) and self.blocks == other.blocks

    __hash__ = None  # type: ignore[assignment]
