"""Scoring and grouping the commitments block by block, over worker processes.

Two commitments are compared only when the same parties make them (``lineages``), so the
commitments of one set of parties (a block) are scored and grouped without looking at any
other: the stage of a large store hands its blocks to a pool of processes. A block is linked as
a corpus of its own, its commitments in the order the whole corpus has them, so its candidates,
scores and groups are exactly those the whole corpus gives it (its pairs' order, by score then
by index, is the same); the results are put back under the whole corpus's indexes.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from array import array
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import NamedTuple

from alliance_kg.graph.links.lineages import Scores, lineage_groups, scored_pairs
from alliance_kg.graph.links.read import Corpus
from alliance_kg.loaders.parallel import main_importable

#: A corpus of fewer commitments is linked in this process: starting workers and sending them
#: the blocks costs about a second.
PARALLEL_FROM = 20_000


class Pairs(NamedTuple):
    """Scored pairs (``first[k]``, ``second[k]``), first < second, with their scores, in no
    particular order (sorting them is the work of ``Scores``, which the grouping needs and
    the meetings do not)."""

    first: array[int]
    second: array[int]
    values: array[float]


def scores_and_groups(
    corpus: Corpus,
    vecs: list[dict[str, float]],
    least: float,
    threshold: float,
    jobs: int | None = None,
    keep: float | None = None,
) -> tuple[Pairs, list[list[int]]]:
    """The pairs of ``lineages.scored_pairs(corpus, vecs, least)`` that score at least ``keep``
    (default ``least``), and ``lineages.lineage_groups`` of them all at ``threshold``, the
    blocks linked over ``jobs`` processes (default: the machine's cores when the corpus has
    ``PARALLEL_FROM`` commitments or more, else this process alone)."""
    keep = least if keep is None else keep
    if jobs is None:
        jobs = (os.cpu_count() or 1) if len(corpus.items) >= PARALLEL_FROM else 1
    blocks: dict[frozenset[str], list[int]] = defaultdict(list)
    for i, item in enumerate(corpus.items):
        if item.parties:  # a commitment nobody makes is compared with none
            blocks[item.parties].append(i)
    members = sorted(blocks.values(), key=lambda b: b[0])
    workers = min(jobs, len(members))
    if workers > 1 and main_importable():
        try:
            return _over_processes(corpus, vecs, members, least, threshold, keep, workers)
        except (BrokenProcessPool, OSError):
            pass  # a worker that died or could not start: the same work, done here
    scores = scored_pairs(corpus, vecs, least)
    return _kept(scores, keep), lineage_groups(corpus, scores, threshold)


def _kept(scores: Scores, keep: float) -> Pairs:
    """The pairs scoring at least ``keep`` (the first ones: ``Scores`` holds them best first)."""
    n = scores.best(keep)
    return Pairs(scores.first[:n], scores.second[:n], scores.values[:n])


def _over_processes(
    corpus: Corpus,
    vecs: list[dict[str, float]],
    members: list[list[int]],
    least: float,
    threshold: float,
    keep: float,
    workers: int,
) -> tuple[Pairs, list[list[int]]]:
    """``scores_and_groups`` of the blocks (``members``, sorted) over ``workers`` processes."""
    parts = [_part(corpus, vecs, block) for block in members]
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )
    # The pool's threads unpickle the results, and a garbage collection they trigger would drop
    # the caller's unreachable pyoxigraph objects (query results) on the wrong thread, which
    # pyoxigraph reports as an error: collect them here first (as ``loaders.parallel`` does).
    gc.collect()
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        # The largest blocks first, so that no worker is left with one at the end.
        order = sorted(range(len(parts)), key=lambda k: -len(members[k]))
        futures = {k: pool.submit(_link_block, parts[k], least, threshold, keep) for k in order}
        results = [futures[k].result() for k in range(len(parts))]
    first, second, values = array("q"), array("q"), array("d")
    groups: list[list[int]] = []
    for block, (a, b, s, found) in zip(members, results, strict=True):
        first.extend(block[i] for i in a)
        second.extend(block[j] for j in b)
        values.extend(s)
        groups += [[block[i] for i in group] for group in found]
    return Pairs(first, second, values), sorted(groups, key=lambda g: g[0])


def _part(
    corpus: Corpus, vecs: list[dict[str, float]], block: list[int]
) -> tuple[Corpus, list[dict[str, float]]]:
    """The block as a corpus of its own (its documents, no entities) and its vectors."""
    items = [corpus.items[i] for i in block]
    docs = {item.doc: corpus.docs[item.doc] for item in items}
    return Corpus(docs, items, {}), [vecs[i] for i in block]


def _link_block(
    part: tuple[Corpus, list[dict[str, float]]], least: float, threshold: float, keep: float
) -> tuple[array[int], array[int], array[float], list[list[int]]]:
    """A block's scored pairs that score at least ``keep`` (three arrays, under its own
    indexes) and its groups."""
    corpus, vecs = part
    scores = scored_pairs(corpus, vecs, least)
    kept = _kept(scores, keep)
    return kept.first, kept.second, kept.values, lineage_groups(corpus, scores, threshold)
