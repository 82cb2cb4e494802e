"""Lineages: commitments of different documents that state one and the same commitment.

Two commitments are candidates only when they are made by the same parties (the guidelines'
first condition) and share a concern or a content word: blocking by parties, then by words
and concerns, so the stage never compares all pairs. A word held by many commitments pairs
each commitment only with its ``WINDOW`` nearest predecessors in that word's list (sorted
neighbourhood), which keeps the cost linear in the number of commitments. A candidate pair
scores the cosine of the two sentences' TF-IDF vectors of content words (``weights.py``),
lowered by ``STANCE`` when one opposes and the other does not (the guidelines' "same
position"). Groups are then formed best pair first with average linkage (``find_links``);
they are the lineages. (Adding the concerns' overlap to the score, word pairs, and sentence
embeddings were measured and did not do better: README, "Across meetings".)
"""

from __future__ import annotations

from array import array
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from alliance_kg.graph.links.read import Corpus

#: The score a link needs; chosen on the development set (README, "Across meetings", has the
#: precision and recall at other thresholds).
THRESHOLD = 0.2
#: What a pair's score is multiplied by when one commitment opposes and the other does not
#: (chosen on the development set; 0.5 to 0.8 give the same links there).
STANCE = 0.7
#: What the average score must exceed the threshold by for a group to take a second sentence
#: of a document it holds (chosen on both sets; README, "Across meetings").
SAME_DOCUMENT = 1.1
#: How many earlier commitments sharing a word each commitment is compared with.
WINDOW = 10
#: How many of a commitment's words (its highest-weighted) are used to find candidates.
TELLING = 12


@dataclass(frozen=True, slots=True)
class Link:
    """Two commitments of different documents found to state the same commitment."""

    a: int  # indexes into the corpus's items
    b: int
    score: float


class Scores:
    """Scored pairs (i, j), i < j, of commitments, best first (ties: by i, then by j), held in
    three arrays: a pair costs 24 bytes, where a dict of tuples costs some ten times as much."""

    __slots__ = ("first", "second", "values")

    def __init__(self, first: array[int], second: array[int], values: array[float]) -> None:
        """The pairs (``first[k]``, ``second[k]``) with scores ``values[k]`` (not negative),
        in any order."""
        if values and min(values) < 0:
            raise ValueError("scores must not be negative")
        # Sorted on one integer per pair: the score's bits (for floats that are not negative,
        # ordered as the floats are), inverted so the best comes first, then i, then j.
        bits = array("Q", values.tobytes())
        packed = [
            ((_TOP - b) << 64) | (i << 32) | j for b, i, j in zip(bits, first, second, strict=True)
        ]
        del bits
        packed.sort()
        self.first = array("q", (k >> 32 & _LOW for k in packed))
        self.second = array("q", (k & _LOW for k in packed))
        self.values = array("d", array("Q", (_TOP - (k >> 64) for k in packed)).tobytes())

    @classmethod
    def of(cls, scores: Mapping[tuple[int, int], float]) -> Scores:
        """The pairs of a mapping ``{(i, j): score}``, i < j."""
        pairs = list(scores.items())
        return cls(
            array("q", (i for (i, _), _ in pairs)),
            array("q", (j for (_, j), _ in pairs)),
            array("d", (s for _, s in pairs)),
        )

    def __len__(self) -> int:
        return len(self.values)

    def best(self, least: float) -> int:
        """How many pairs (the first ones) score at least ``least``."""
        values = self.values
        lo, hi = 0, len(values)
        while lo < hi:
            mid = (lo + hi) // 2
            if values[mid] >= least:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def items(self) -> Iterator[tuple[tuple[int, int], float]]:
        """((i, j), score), best first."""
        for i, j, s in zip(self.first, self.second, self.values, strict=True):
            yield (i, j), s


_TOP = (1 << 64) - 1
_LOW = (1 << 32) - 1


def score(va: dict[str, float], vb: dict[str, float]) -> float:
    """The cosine of two word vectors."""
    if len(va) > len(vb):
        va, vb = vb, va
    # A plain loop adds in the same order as sum() would (same floats), with less overhead;
    # this runs once per candidate pair.
    get = vb.get
    total = 0.0
    for t, w in va.items():
        total += w * get(t, 0.0)
    return total


#: Where a walk for candidates stopped: the last ``WINDOW`` commitments (indexes, oldest first)
#: that hold each word or concern (``concern:`` and its IRI), by parties.
Recent = dict[tuple[frozenset[str], str], deque[int]]


def walk_key(corpus: Corpus) -> Callable[[int], tuple[str, str, int]]:
    """The order commitments are walked in for candidates: by date (undated first), document
    and place in it."""
    items, docs = corpus.items, corpus.docs

    def when(i: int) -> tuple[str, str, int]:
        doc = docs[items[i].doc]
        return doc.given_date or doc.date or "", doc.key, items[i].offset

    return when


def scored_pairs(corpus: Corpus, vecs: Sequence[dict[str, float]], least: float) -> Scores:
    """The candidate pairs that score at least ``least``, with their scores (``vecs``: the
    commitments' ``vectors``).

    Candidates are pairs of commitments of different documents with the same parties that
    share a concern or one of their most telling words (``TELLING``, highest weight first):
    the commitments are walked by date (``walk_key``), and each is paired with the ``WINDOW``
    last ones before it that hold each of its words and concerns. Only those last ones are
    kept, so memory follows the number of words, not of pairs."""
    order = sorted(range(len(corpus.items)), key=walk_key(corpus))
    return Scores(*walk_pairs(corpus, vecs, least, order, {}))


def walk_pairs(
    corpus: Corpus,
    vecs: Sequence[dict[str, float]],
    least: float,
    order: Iterable[int],
    recent: Recent,
) -> tuple[array[int], array[int], array[float]]:
    """The pairs ``scored_pairs`` finds for the commitments of ``order`` (in the walk's order),
    each with those before it: ``recent``, where the walk stopped before them, which this
    moves on. A walk in two steps finds the pairs of one walk."""
    items = corpus.items
    opposes = ["Opposition" in item.types for item in items]
    doc = [item.doc for item in items]
    first, second, values = array("q"), array("q"), array("d")
    for j in order:
        item = items[j]
        if not item.parties:
            continue
        vec = vecs[j]
        telling = sorted(vec, key=lambda t: (-vec[t], t))[:TELLING]
        near: set[int] = set()
        for key in [*telling, *(f"concern:{c}" for c in item.concerns)]:
            last = recent.get((item.parties, key))
            if last is None:
                last = recent[(item.parties, key)] = deque(maxlen=WINDOW)
            near.update(last)
            last.append(j)
        for k in near:
            if doc[k] == doc[j]:
                continue
            a, b = (k, j) if k < j else (j, k)
            va, vb = vecs[a], vecs[b]
            if len(va) > len(vb):
                va, vb = vb, va
            # ``score`` inlined (the same additions in the same order): once per pair.
            get = vb.get
            s = 0.0
            for t, w in va.items():
                s += w * get(t, 0.0)
            if opposes[a] != opposes[b]:
                # One opposes what the other does not: not the same position.
                s *= STANCE
            if s >= least:
                first.append(a)
                second.append(b)
                values.append(s)
    return first, second, values


def find_links(
    corpus: Corpus,
    scores: Scores | Mapping[tuple[int, int], float],
    threshold: float = THRESHOLD,
) -> list[Link]:
    """Links between commitments of different documents that state one commitment, sorted.

    Scored pairs are taken best first; a pair joins the groups of its two commitments when
    the average score over every pair of commitments of different documents in the merged
    group (pairs never scored count 0) still reaches ``threshold``. Average linkage keeps one
    vague sentence from chaining unrelated groups together, which single links would do. The
    sums of scores between groups are kept up to date as groups merge, so a merge costs the
    neighbourhood of the group with fewer neighbours, not the two groups' product.
    """
    if not isinstance(scores, Scores):
        scores = Scores.of(scores)
    return sorted(_links(corpus, scores, threshold, True), key=lambda link: (link.a, link.b))


def lineage_groups(corpus: Corpus, scores: Scores, threshold: float = THRESHOLD) -> list[list[int]]:
    """The lineages: ``components`` of ``find_links``, found without keeping every link (only
    those that join two groups decide the components)."""
    return components(len(corpus.items), _links(corpus, scores, threshold, False))


def _links(corpus: Corpus, scores: Scores, threshold: float, every: bool) -> list[Link]:
    """The links of ``find_links``, unsorted; without ``every``, only those that join two groups.

    One pass over the strong pairs, best first. A group is known by one of its commitments (its
    root); the commitments' groups, sizes and merges are lists indexed by commitment, and each
    root keeps the sums of the scores between its group and each group it has pairs with, and
    how many commitments of each document it holds. (Groups never merge across components of
    the graph of strong pairs, so linking each component alone gave the same links; splitting
    them first took a sixth of the time.)"""
    strong = scores.best(threshold)
    firsts, seconds, values = scores.first[:strong], scores.second[:strong], scores.values[:strong]
    items = corpus.items
    ids: dict[str, int] = {}
    doc = [ids.setdefault(item.doc, len(ids)) for item in items]
    group_of = list(range(len(items)))
    size = [1] * len(items)
    # Two groups that failed the test fail it again until one of them grows: most pairs
    # between two large groups are tried so. ``grown`` counts each group's merges.
    grown = [0] * len(items)
    between: dict[int, dict[int, float]] = {}
    docs: dict[int, dict[int, int]] = {}
    for i, j, s in zip(firsts, seconds, values, strict=True):
        sums = between.get(i)
        if sums is None:
            sums = between[i] = {}
            docs[i] = {doc[i]: 1}
        sums[j] = s
        sums = between.get(j)
        if sums is None:
            sums = between[j] = {}
            docs[j] = {doc[j]: 1}
        sums[i] = s

    def find(x: int) -> int:
        while group_of[x] != x:
            group_of[x] = group_of[group_of[x]]
            x = group_of[x]
        return x

    links = []
    failed: dict[tuple[int, int], tuple[int, int]] = {}
    for i, j, s in zip(firsts, seconds, values, strict=True):
        # ``find`` inlined for the common case of a root or a root's child (once per pair).
        gi = group_of[i]
        if group_of[gi] != gi:
            gi = find(i)
        gj = group_of[j]
        if group_of[gj] != gj:
            gj = find(j)
        if gi == gj:
            if every:
                links.append(Link(i, j, s))
            continue
        key, stamp = (
            ((gi, gj), (grown[gi], grown[gj])) if gi < gj else ((gj, gi), (grown[gj], grown[gi]))
        )
        if failed.get(key) == stamp:
            continue
        total = between[gi].get(gj, 0.0)
        product = size[gi] * size[gj]
        if total < threshold * SAME_DOCUMENT * product:
            # Pairs within one document do not count in the average. A second sentence of a
            # document the group already holds must bring a better average (``SAME_DOCUMENT``):
            # one report rarely states one commitment twice.
            small, big = docs[gi], docs[gj]
            if len(small) > len(big):
                small, big = big, small
            within = sum(n * big.get(d, 0) for d, n in small.items())
            need = threshold * (SAME_DOCUMENT if within else 1.0)
            if total < need * (product - within):
                failed[key] = stamp
                continue
        links.append(Link(i, j, s))
        # The group with more neighbours keeps its sums and takes the other's: which one is
        # kept changes no test (they depend on the groups' members only), only the work.
        keep, gone = (gi, gj) if (len(between[gi]), -gi) >= (len(between[gj]), -gj) else (gj, gi)
        grown[keep] += 1
        group_of[gone] = keep
        size[keep] += size[gone]
        held = docs[keep]
        for d, n in docs.pop(gone).items():
            held[d] = held.get(d, 0) + n
        kept = between[keep]
        for other, total in between.pop(gone).items():
            if other == keep:
                continue
            mine = kept[other] = kept.get(other, 0.0) + total
            theirs = between[other]
            theirs[keep] = mine
            del theirs[gone]
        kept.pop(gone, None)
    return links


def components(n: int, links: Sequence[Link]) -> list[list[int]]:
    """The groups of two or more commitments joined by links, each sorted, in order."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        ra, rb = find(link.a), find(link.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])
