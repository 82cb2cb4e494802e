"""Scoring and grouping the commitments block by block, over worker processes, and kept.

Two commitments are compared only when the same parties make them (``lineages``), so the
commitments of one set of parties (a block) are scored and grouped without looking at any
other: the stage of a large store hands its blocks to a pool of processes. A block is linked as
a corpus of its own, its commitments in the order the whole corpus has them, so its candidates,
scores and groups are exactly those the whole corpus gives it (its pairs' order, by score then
by index, is the same); the results are put back under the whole corpus's indexes.

A block's result is kept beside an on-disk store (``BlockMemo``) under the digest of all it
depends on (``_key``): a build in which a block's commitments and their word vectors are the
same as before (a statement dated after every other changes no earlier vector,
``weights.vectors``) takes the kept result instead of linking the block again. A result is
never stale: anything that would change it changes its digest.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import operator
import os
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from pathlib import Path
from typing import NamedTuple, Protocol, TypeAlias

from alliance_kg.graph.links import lineages
from alliance_kg.graph.links.lineages import Scores, lineage_groups, scored_pairs
from alliance_kg.graph.links.read import Corpus
from alliance_kg.loaders.parallel import main_importable

#: Fewer commitments to link are linked in this process: starting workers and sending them the
#: blocks costs about a second.
PARALLEL_FROM = 20_000

#: A block's pairs (three arrays, under the block's own indexes, sorted by first then second),
#: the pairs' indexes sorted by second then first, and its groups.
BlockResult: TypeAlias = "tuple[array[int], array[int], array[float], array[int], list[list[int]]]"


class Pairs(NamedTuple):
    """Scored pairs (``first[k]``, ``second[k]``), first < second, with their scores, sorted by
    first then second: a commitment's pairs are found by bisection (``Block.by_second`` for
    those it is second in)."""

    first: array[int]
    second: array[int]
    values: array[float]


class BlockMemo(Protocol):
    """Where blocks' results are kept between builds, by the digest of what decides them
    (``state.LinksState``)."""

    def blocks(self, keys: Collection[str]) -> dict[str, bytes]:
        """The results kept under those of ``keys`` that have one."""
        ...

    def keep_blocks(self, keys: Collection[str], new: Mapping[str, bytes]) -> None:
        """Keep the results of ``keys`` (``new``: those not kept yet), and no others."""
        ...


class Block(NamedTuple):
    """One block as linked: the digest its result is kept under (empty without a memo), its
    commitments (the corpus's indexes, in order) and its groups (of the corpus's indexes); its
    pairs under its own indexes (``members[k]`` is the corpus's), and their indexes sorted by
    second then first."""

    key: str
    members: list[int]
    groups: list[list[int]]
    pairs: Pairs
    by_second: array[int]


class Linked(NamedTuple):
    """What ``link_blocks`` gives: every group (ordered by first member), and the blocks."""

    groups: list[list[int]]
    blocks: list[Block]


def corpus_pairs(blocks: Sequence[Block]) -> Pairs:
    """The blocks' pairs under the corpus's indexes, block after block (a step per pair)."""
    first, second, values = array("q"), array("q"), array("d")
    for block in blocks:
        first.extend(map(block.members.__getitem__, block.pairs.first))
        second.extend(map(block.members.__getitem__, block.pairs.second))
        values.extend(block.pairs.values)
    return Pairs(first, second, values)


def link_blocks(
    corpus: Corpus,
    vecs: Sequence[dict[str, float]],
    least: float,
    threshold: float,
    jobs: int | None = None,
    keep: float | None = None,
    memo: BlockMemo | None = None,
    known: Mapping[frozenset[str], str] | None = None,
) -> Linked:
    """The pairs of ``lineages.scored_pairs(corpus, vecs, least)`` that score at least ``keep``
    (default ``least``), and ``lineages.lineage_groups`` of them all at ``threshold``: the
    blocks kept in ``memo`` taken from it, the others linked over ``jobs`` processes (default:
    the machine's cores when they hold ``PARALLEL_FROM`` commitments or more, else this process
    alone) and kept in it. ``known``: the digests (``_key``) of blocks known to be the same as
    when they were last worked out, by parties (``grown.py``), taken as they are."""
    keep = least if keep is None else keep
    blocks: dict[frozenset[str], list[int]] = defaultdict(list)
    for i, item in enumerate(corpus.items):
        if item.parties:  # a commitment nobody makes is compared with none
            blocks[item.parties].append(i)
    members = sorted(blocks.values(), key=lambda b: b[0])
    results: list[BlockResult | None] = [None] * len(members)
    keys: list[str] = []
    if memo is not None:
        known = known or {}
        keys = [
            known.get(corpus.items[block[0]].parties)
            or _key(corpus, vecs, block, least, threshold, keep)
            for block in members
        ]
        found = memo.blocks(keys)
        results = [_decoded(found[k]) if k in found else None for k in keys]
    todo = [k for k, result in enumerate(results) if result is None]
    size = sum(len(members[k]) for k in todo)
    if jobs is None:
        jobs = (os.cpu_count() or 1) if size >= PARALLEL_FROM else 1
    parts = [_part(corpus, vecs, members[k]) for k in todo]
    done = _link_blocks(parts, least, threshold, keep, jobs)
    for k, result in zip(todo, done, strict=True):
        results[k] = result
    if memo is not None:
        memo.keep_blocks(keys, {keys[k]: _encoded(r) for k, r in zip(todo, done, strict=True)})
    linked: list[Block] = []
    for k, (block, kept) in enumerate(zip(members, results, strict=True)):
        assert kept is not None
        a, b, s, by_second, block_groups = kept
        groups = [list(map(block.__getitem__, group)) for group in block_groups]
        linked.append(Block(keys[k] if keys else "", block, groups, Pairs(a, b, s), by_second))
    every = sorted((g for block in linked for g in block.groups), key=lambda g: g[0])
    return Linked(every, linked)


def _link_blocks(
    parts: list[tuple[Corpus, list[dict[str, float]]]],
    least: float,
    threshold: float,
    keep: float,
    jobs: int,
) -> list[BlockResult]:
    """``_link_block`` of each part, over ``jobs`` processes where there are several."""
    workers = min(jobs, len(parts))
    if workers > 1 and main_importable():
        try:
            return _over_processes(parts, least, threshold, keep, workers)
        except (BrokenProcessPool, OSError):
            pass  # a worker that died or could not start: the same work, done here
    return [_link_block(part, least, threshold, keep) for part in parts]


def _over_processes(
    parts: list[tuple[Corpus, list[dict[str, float]]]],
    least: float,
    threshold: float,
    keep: float,
    workers: int,
) -> list[BlockResult]:
    """``_link_block`` of each part over ``workers`` processes."""
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )
    # The pool's threads unpickle the results, and a garbage collection they trigger would drop
    # the caller's unreachable pyoxigraph objects (query results) on the wrong thread, which
    # pyoxigraph reports as an error: collect them here first (as ``loaders.parallel`` does).
    gc.collect()
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        # The largest blocks first, so that no worker is left with one at the end.
        order = sorted(range(len(parts)), key=lambda k: -len(parts[k][0].items))
        futures = {k: pool.submit(_link_block, parts[k], least, threshold, keep) for k in order}
        return [futures[k].result() for k in range(len(parts))]


def _part(
    corpus: Corpus, vecs: Sequence[dict[str, float]], block: list[int]
) -> tuple[Corpus, list[dict[str, float]]]:
    """The block as a corpus of its own (its documents, no entities) and its vectors."""
    items = [corpus.items[i] for i in block]
    docs = {item.doc: corpus.docs[item.doc] for item in items}
    return Corpus(docs, items, {}), [vecs[i] for i in block]


def _link_block(
    part: tuple[Corpus, list[dict[str, float]]], least: float, threshold: float, keep: float
) -> BlockResult:
    """A block's scored pairs that score at least ``keep`` (three arrays, under its own
    indexes) and its groups."""
    corpus, vecs = part
    scores = scored_pairs(corpus, vecs, least)
    size = len(corpus.items)
    a, b, s = _kept(scores, keep, size)
    return a, b, s, _sorted(b, a, size), lineage_groups(corpus, scores, threshold)


def _kept(scores: Scores, keep: float, size: int) -> Pairs:
    """The pairs scoring at least ``keep`` (the first ones: ``Scores`` holds them best first),
    sorted by first then second (``size``: more than any index)."""
    n = scores.best(keep)
    first, second, values = scores.first, scores.second, scores.values
    order = _sorted(first[:n], second[:n], size)
    return Pairs(
        array("q", map(first.__getitem__, order)),
        array("q", map(second.__getitem__, order)),
        array("d", map(values.__getitem__, order)),
    )


def _sorted(major: array[int], minor: array[int], size: int) -> array[int]:
    """The indexes of pairs (``major[k]``, ``minor[k]``), each under ``size``, sorted by major
    then minor (their keys made and compared in C: no Python step per pair)."""
    keys = list(map(operator.add, map(size.__mul__, major), minor))
    return array("q", sorted(range(len(keys)), key=keys.__getitem__))


def _key(
    corpus: Corpus, vecs: Sequence[dict[str, float]], block: list[int], *numbers: float
) -> str:
    """The digest of all a block's result depends on: the code that links it, the numbers it is
    linked with, its parties, and for each commitment, in order, its document, the document's
    dates, its place in the document, concerns, stance and word vector (its words in their
    order, which is the order of a score's additions, and the bytes of their weights)."""
    docs, items = corpus.docs, corpus.items
    head = [link_code(), repr(numbers), repr(sorted(items[block[0]].parties))]
    texts: list[str] = []
    weights: list[float] = []  # an array made once: extending one per vector costs 5 times more
    for i in block:
        item, vec = items[i], vecs[i]
        doc = docs[item.doc]
        texts.append(
            f"{item.doc}\t{doc.given_date}\t{doc.date}\t{item.offset}\t{sorted(item.concerns)}"
            f"\t{'Opposition' in item.types}\t{_WORDS.join(vec)}"
        )
        weights.extend(vec.values())
    digest = hashlib.sha256("\n".join(head + texts).encode())
    digest.update(array("d", weights).tobytes())
    return digest.hexdigest()


#: Between the words of a vector in a digest (no word holds it).
_WORDS = "\x1f"


@cache
def link_code() -> str:
    """The digest of the code that links a block: these two modules (``code_digest``)."""
    return code_digest((lineages.__file__, __file__))


@cache
def code_digest(files: tuple[str | None, ...]) -> str:
    """The digest of these modules' files. Where they cannot be read (a package run from an
    archive), a digest of this process alone: nothing kept by another process is then taken,
    which costs time, never a wrong result."""
    digest = hashlib.sha256()
    try:
        for module in files:
            digest.update(Path(str(module)).read_bytes())
    except OSError:
        digest.update(os.urandom(16))
    return digest.hexdigest()


#: The first number of a kept result: read back on a machine of another byte order, or kept by
#: an akg whose results had another layout (1: pairs by score, without ``by_second``), it is
#: not this, and the result is linked again.
_MARK = 2


def _encoded(result: BlockResult) -> bytes:
    """A block's result as kept: counts, then the pairs' arrays, their order by second, the
    groups' sizes and members (machine integers and floats, as ``array`` writes them; nothing a
    reader executes)."""
    a, b, s, by_second, groups = result
    sizes = array("q", map(len, groups))
    members = array("q", (x for group in groups for x in group))
    head = array("q", [_MARK, len(a), len(sizes), len(members)])
    return b"".join(x.tobytes() for x in (head, a, b, s, by_second, sizes, members))


def _decoded(body: bytes) -> BlockResult | None:
    """The result ``_encoded`` wrote, or None for a body that is not one."""
    if len(body) < 32 or len(body) % 8:
        return None
    head = array("q")
    head.frombytes(body[:32])
    if head[0] != _MARK or min(head) < 0:
        return None
    _, pairs, count, total = head
    if len(body) != 8 * (4 + 4 * pairs + count + total):
        return None

    def read(kind: str, start: int, n: int) -> array[int]:
        values = array(kind)
        values.frombytes(body[start : start + 8 * n])
        return values

    a = read("q", 32, pairs)
    b = read("q", 32 + 8 * pairs, pairs)
    s: array[float] = array("d")
    s.frombytes(body[32 + 16 * pairs : 32 + 24 * pairs])
    by_second = read("q", 32 + 24 * pairs, pairs)
    sizes = read("q", 32 + 32 * pairs, count)
    members = read("q", 32 + 32 * pairs + 8 * count, total)
    groups: list[list[int]] = []
    at = 0
    for size in sizes:
        groups.append(list(members[at : at + size]))
        at += size
    return a, b, s, by_second, groups


class Restated(Mapping[str, dict[str, set[int]]]):
    """For a document, the commitments of it (indexes) that restate those of each other
    document: one side of each of the blocks' pairs (those scoring at least ``EVIDENCE``).
    Worked out for a document when asked (the meetings ask for some), each of its commitments'
    pairs found by bisection in its block's (``blocks.Block``), without a step per pair of the
    corpus (some two million at 10,000 statements)."""

    def __init__(self, corpus: Corpus, blocks: Sequence[Block]) -> None:
        self._corpus = corpus
        items = corpus.items
        self._blocks = {items[block.members[0]].parties: block for block in blocks}
        self._mine: dict[str, list[int]] = {}  # each document's commitments in some block
        for i, item in enumerate(items):
            if item.parties:
                self._mine.setdefault(item.doc, []).append(i)

    def __getitem__(self, doc: str) -> dict[str, set[int]]:
        items = self._corpus.items
        out: dict[str, set[int]] = defaultdict(set)
        for mine in self._mine[doc]:
            block = self._blocks[items[mine].parties]
            members, (first, second, _), order = block.members, block.pairs, block.by_second
            i = bisect_left(members, mine)  # its index in the block
            lo = bisect_left(first, i)
            for k in range(lo, bisect_right(first, i, lo)):
                out[items[members[second[k]]].doc].add(mine)
            at = bisect_left(order, i, key=second.__getitem__)
            for k in order[at : bisect_right(order, i, at, key=second.__getitem__)]:
                out[items[members[first[k]]].doc].add(mine)
        return dict(out)

    def __iter__(self) -> Iterator[str]:
        return iter(self._mine)

    def __len__(self) -> int:
        return len(self._mine)
