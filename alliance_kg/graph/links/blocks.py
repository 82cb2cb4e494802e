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
from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache, partial
from itertools import chain
from pathlib import Path
from typing import Protocol

from alliance_kg.graph.links import lineages
from alliance_kg.graph.links.block_codec import (
    BlockResult,
    Growth,
    Ints,
    Pairs,
    decoded,
    decoded_growth,
    encoded,
)
from alliance_kg.graph.links.kept_items import docs_of, parties_of
from alliance_kg.graph.links.lineages import (
    WINDOW,
    Recent,
    Scores,
    lineage_groups,
    walk_key,
    walk_pairs,
)
from alliance_kg.graph.links.linked import Block, Linked
from alliance_kg.graph.links.read import Corpus
from alliance_kg.graph.links.state import records_fault
from alliance_kg.loaders.parallel import main_importable

#: Fewer commitments to link are linked in this process: starting workers and sending them the
#: blocks costs about a second.
PARALLEL_FROM = 20_000


class BlockMemo(Protocol):
    """Where blocks' results are kept between builds, by the digest of what decides them
    (``state.LinksState``)."""

    def blocks(self, keys: Collection[str]) -> dict[str, bytes]:
        """The results kept under those of ``keys`` that have one."""
        ...

    def keep_blocks(self, keys: Collection[str], new: Iterable[tuple[str, bytes]]) -> None:
        """Keep the results of ``keys`` (``new``: those not kept yet, each key and result), and
        no others."""
        ...


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
    fresh: Collection[str] = (),
    counts: Mapping[str, int] | None = None,
) -> Linked:
    """The pairs of ``lineages.scored_pairs(corpus, vecs, least)`` that score at least ``keep``
    (default ``least``), and ``lineages.lineage_groups`` of them all at ``threshold``: the
    blocks kept in ``memo`` taken from it, the others linked over ``jobs`` processes (default:
    the machine's cores when they hold ``PARALLEL_FROM`` commitments or more, else this process
    alone) and kept in it. ``known``: the digests (``_key``) of blocks known to be the same as
    when they were last worked out, by parties (``grown.py``), taken as they are. ``fresh``: the
    documents written since the blocks were kept; a block whose other commitments were kept as
    a block is linked on from where it stopped (``_grown_block``). ``counts``: the groups of
    kept blocks, by digest; a block ``known`` with its count is read from ``memo`` only when
    its result is first asked for (``linked.Block``)."""
    keep = least if keep is None else keep
    blocks: dict[frozenset[str], list[int]] = defaultdict(list)
    parties = parties_of(corpus)
    for i, party_set in enumerate(parties):
        if party_set:  # a commitment nobody makes is compared with none
            blocks[party_set].append(i)
    members = sorted(blocks.values(), key=lambda b: b[0])
    results: list[BlockResult | None] = [None] * len(members)
    keys: list[str] = []
    made: dict[int, tuple[BlockResult, Growth]] = {}
    later: set[int] = set()  # the blocks read when first asked for
    if memo is not None:
        known, counts = known or {}, counts or {}
        numbers = (least, threshold, keep)
        keys = [
            known.get(parties[block[0]]) or _key(corpus, vecs, block, *numbers) for block in members
        ]
        later = {k for k, block in enumerate(members) if known.get(parties[block[0]]) in counts}
        earlier = _earlier(corpus, vecs, members, known, fresh, numbers) if fresh else {}
        wanted = [key for k, key in enumerate(keys) if k not in later]
        found = memo.blocks([*wanted, *(key for _, key in earlier.values())])
        results = [decoded(found[key]) if key in found else None for key in keys]
        for k in later:
            results[k] = _NOT_READ
        for k, (old, key) in earlier.items():
            if results[k] is None and key in found:
                grown = _grown_block(corpus, vecs, members[k], old, found[key], numbers)
                if grown is not None:
                    made[k] = grown
                    results[k] = grown[0]
    todo = [k for k, result in enumerate(results) if result is None]
    size = sum(len(members[k]) for k in todo)
    if jobs is None:
        jobs = (os.cpu_count() or 1) if size >= PARALLEL_FROM else 1
    parts = [_part(corpus, vecs, members[k]) for k in todo]
    done = _link_blocks(parts, least, threshold, keep, jobs)
    for k, result in zip(todo, done, strict=True):
        made[k] = result
        results[k] = result[0]
    if memo is not None:
        # Encoded one at a time as they are written (some 80 MB at 10,000 statements).
        memo.keep_blocks(keys, ((keys[k], encoded(*result)) for k, result in made.items()))
    del made
    linked: list[Block] = []
    for k, (block, kept) in enumerate(zip(members, results, strict=True)):
        assert kept is not None
        key = keys[k] if keys else ""
        if k in later:
            assert memo is not None and counts is not None
            linked.append(Block(key, block, None, partial(_read_kept, memo, key), counts[key]))
        else:
            linked.append(Block(key, block, kept))
    return Linked(linked)


#: A result to be read when first asked for (``linked.Block``).
_NOT_READ: BlockResult = (array("q"), array("q"), array("d"), array("q"), [])


def _read_kept(memo: BlockMemo, key: str) -> BlockResult:
    """The result kept under ``key`` (a block taken as known to be kept)."""
    found = decoded(memo.blocks([key]).get(key, b""))
    if found is None:
        raise records_fault(f"keep no result for the block {key}")
    return found


def _earlier(
    corpus: Corpus,
    vecs: Sequence[dict[str, float]],
    members: list[list[int]],
    known: Mapping[frozenset[str], str],
    fresh: Collection[str],
    numbers: tuple[float, float, float],
) -> dict[int, tuple[list[int], str]]:
    """For each block not ``known`` that holds commitments of ``fresh`` documents and others:
    the others, and the digest their result would be kept under as a block of their own."""
    parties, docs = parties_of(corpus), docs_of(corpus)
    out: dict[int, tuple[list[int], str]] = {}
    for k, block in enumerate(members):
        if parties[block[0]] in known:
            continue
        old = [i for i in block if docs[i] not in fresh]
        if old and len(old) < len(block):
            out[k] = (old, _key(corpus, vecs, old, *numbers))
    return out


def _grown_block(
    corpus: Corpus,
    vecs: Sequence[dict[str, float]],
    block: list[int],
    old: list[int],
    body: bytes,
    numbers: tuple[float, float, float],
) -> tuple[BlockResult, Growth] | None:
    """The result of ``block`` from the kept result (``body``) of its commitments ``old`` as a
    block of their own, when each of the others comes after all of those in the walk for
    candidates (``lineages.walk_key``): the walk goes on from where it stopped, so the pairs are
    those kept and those of the new commitments, the same as a walk over the whole block (under
    the block's indexes, which keep the old ones' order). None when they do not come after, or
    the body is not a result."""
    least, threshold, keep = numbers
    prior, growth = decoded(body), decoded_growth(body)
    part, part_vecs = _part(corpus, vecs, block)
    when = walk_key(part)
    local = {i: k for k, i in enumerate(block)}
    remap = [local[i] for i in old]
    new = sorted(set(range(len(block))) - set(remap), key=when)
    if prior is None or growth is None or max(map(when, remap)) >= when(new[0]):
        return None
    parties = part.items[0].parties
    if min(chain(prior[0], prior[1], growth.weak.first, growth.weak.second), default=0) < 0:
        return None  # not a result: linked again
    try:
        recent: Recent = {
            (parties, word): deque(map(remap.__getitem__, found), maxlen=WINDOW)
            for word, found in growth.walk.items()
        }
        first = array("q", map(remap.__getitem__, chain(prior[0], growth.weak.first)))
        second = array("q", map(remap.__getitem__, chain(prior[1], growth.weak.second)))
    except IndexError:
        return None  # not a result of these commitments: linked again
    values = array("d")  # the kept views' values, copied to add the new pairs to
    for kept in (prior[2], growth.weak.values):
        values.frombytes(memoryview(kept).cast("B"))
    a, b, s = walk_pairs(part, part_vecs, least, new, recent)
    scores = Scores(first + a, second + b, values + s)
    return _result(part, scores, recent, threshold, keep)


def _link_blocks(
    parts: list[tuple[Corpus, list[dict[str, float]]]],
    least: float,
    threshold: float,
    keep: float,
    jobs: int,
) -> list[tuple[BlockResult, Growth]]:
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
) -> list[tuple[BlockResult, Growth]]:
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
) -> tuple[BlockResult, Growth]:
    """A block's scored pairs that score at least ``keep`` (three arrays, under its own
    indexes) and its groups, with what linking it on needs."""
    corpus, vecs = part
    recent: Recent = {}
    order = sorted(range(len(corpus.items)), key=walk_key(corpus))
    scores = Scores(*walk_pairs(corpus, vecs, least, order, recent))
    return _result(corpus, scores, recent, threshold, keep)


def _result(
    corpus: Corpus, scores: Scores, recent: Recent, threshold: float, keep: float
) -> tuple[BlockResult, Growth]:
    """The block's result from its scored pairs, and what linking it on needs: the pairs under
    ``keep`` and where the walk stopped (``recent``)."""
    size = len(corpus.items)
    a, b, s = _kept(scores, keep, size)
    n = scores.best(keep)
    weak = Pairs(scores.first[n:], scores.second[n:], scores.values[n:])
    walk = {word: list(found) for (_, word), found in recent.items()}
    groups = lineage_groups(corpus, scores, threshold)
    return (a, b, s, _sorted(b, a, size), groups), Growth(weak, walk)


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


def _sorted(major: Ints, minor: Ints, size: int) -> array[int]:
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
