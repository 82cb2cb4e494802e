"""A block's result as kept beside an on-disk store (``blocks.BlockMemo``): machine integers
and floats as ``array`` writes them, and the walk's words as JSON text; nothing a reader
executes.

Besides what the stage uses (``BlockResult``), a result keeps what linking the block again
after later commitments needs (``Growth``): the pairs scoring at least the least score but
under the kept one, and where the walk for candidates stopped (``lineages.walk_pairs``). Only
the block a build adds to reads that part.
"""

from __future__ import annotations

import json
from array import array
from typing import NamedTuple, TypeAlias

#: Machine integers and floats: arrays, or views of a kept result's bytes (``decoded``).
Ints: TypeAlias = "array[int] | memoryview[int]"
Floats: TypeAlias = "array[float] | memoryview[float]"
#: A block's pairs (three arrays, under the block's own indexes, sorted by first then second),
#: the pairs' indexes sorted by second then first, and its groups.
BlockResult: TypeAlias = "tuple[Ints, Ints, Floats, Ints, list[list[int]]]"


class Pairs(NamedTuple):
    """Scored pairs (``first[k]``, ``second[k]``), first < second, with their scores, sorted by
    first then second: a commitment's pairs are found by bisection (``Block.by_second`` for
    those it is second in)."""

    first: Ints
    second: Ints
    values: Floats


class Growth(NamedTuple):
    """What linking a block again after later commitments needs, under the block's indexes:
    the pairs under the kept score (in any order), and the last commitments (oldest first) that
    hold each word or concern where the walk stopped."""

    weak: Pairs
    walk: dict[str, list[int]]


#: The first number of a kept result: read back on a machine of another byte order, or kept by
#: an akg whose results had another layout (1: pairs by score, without ``by_second``; 2:
#: without ``Growth``), it is not this, and the result is linked again.
_MARK = 3
#: The head's numbers: the mark, then the length of each part.
_HEAD = 8


def encoded(result: BlockResult, growth: Growth) -> bytes:
    """A block's result as kept: the head (the mark and the parts' lengths), then the pairs'
    arrays, their order by second, the groups' sizes and members, the weak pairs' arrays, the
    walk's sizes and members, and its words (padded to 8 bytes)."""
    a, b, s, by_second, groups = result
    sizes = array("q", map(len, groups))
    members = array("q", (x for group in groups for x in group))
    words = sorted(growth.walk)
    counts = array("q", (len(growth.walk[w]) for w in words))
    recent = array("q", (x for w in words for x in growth.walk[w]))
    text = json.dumps(words, separators=(",", ":")).encode()
    weak = growth.weak
    head = array("q", [_MARK, len(a), len(sizes), len(members), len(weak.first), len(words)])
    head.extend([len(recent), len(text)])
    parts = (head, a, b, s, by_second, sizes, members, *weak, counts, recent)
    return b"".join(x.tobytes() for x in parts) + text + b"\0" * (-len(text) % 8)


def decoded(body: bytes) -> BlockResult | None:
    """The result ``encoded`` wrote, or None for a body that is not one."""
    found = _parsed(body)
    if found is None:
        return None
    groups: list[list[int]] = []
    at = 0
    for size in found.sizes:
        groups.append(list(found.members[at : at + size]))
        at += size
    return found.first, found.second, found.values, found.by_second, groups


def decoded_growth(body: bytes) -> Growth | None:
    """The ``Growth`` that ``encoded`` wrote, or None for a body that is not a result."""
    found = _parsed(body)
    if found is None:
        return None
    try:
        words = json.loads(found.words)
    except ValueError:
        return None
    if not isinstance(words, list) or len(words) != len(found.counts):
        return None
    walk: dict[str, list[int]] = {}
    at = 0
    for word, n in zip(words, found.counts, strict=True):
        walk[str(word)] = list(found.recent[at : at + n])
        at += n
    if at != len(found.recent) or min(found.recent, default=0) < 0:
        return None
    return Growth(Pairs(found.weak_first, found.weak_second, found.weak_values), walk)


class _Body(NamedTuple):
    """The parts of a kept result, in the order ``encoded`` writes them."""

    first: memoryview[int]
    second: memoryview[int]
    values: memoryview[float]
    by_second: memoryview[int]
    sizes: memoryview[int]
    members: memoryview[int]
    weak_first: memoryview[int]
    weak_second: memoryview[int]
    weak_values: memoryview[float]
    counts: memoryview[int]
    recent: memoryview[int]
    words: bytes


def _parsed(body: bytes) -> _Body | None:
    """The parts of a body ``encoded`` wrote, or None for one it did not."""
    if len(body) < 8 * _HEAD or len(body) % 8:
        return None
    head = array("q")
    head.frombytes(body[: 8 * _HEAD])
    if head[0] != _MARK or min(head) < 0:
        return None
    _, pairs, count, total, weak, words, recent, text = head
    lengths = [pairs] * 4 + [count, total] + [weak] * 3 + [words, recent]
    at = 8 * _HEAD
    if len(body) != at + 8 * sum(lengths) + text + (-text % 8):
        return None
    parts: list[memoryview[int] | memoryview[float]] = []
    # Views of the body, not copies: each new page a copy writes costs a fault, and the
    # kept results are some 80 MB at 10,000 statements (0.18 of a statement's 1.7 s added).
    view = memoryview(body)
    for kind, n in zip("qqdqqqqqdqq", lengths, strict=True):
        part = view[at : at + 8 * n]
        parts.append(part.cast("d") if kind == "d" else part.cast("q"))
        at += 8 * n
    return _Body._make([*parts, body[at : at + text]])
