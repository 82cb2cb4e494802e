"""Lineages: commitments of different documents that state one and the same commitment.

Two commitments are candidates only when they are made by the same parties (the guidelines'
first condition) and share a concern or a content word: blocking by parties, then by words
and concerns, so the stage never compares all pairs. A word held by many commitments pairs
each commitment only with its ``WINDOW`` nearest predecessors in that word's list (sorted
neighbourhood), which keeps the cost linear in the number of commitments. A candidate pair
scores the cosine of the two sentences' TF-IDF vectors of content words (``wording.toml``:
stop words and synonyms; the parties' own names left out), lowered by ``STANCE`` when one
opposes and the other does not (the guidelines' "same position"). Groups are then formed best pair
first with average linkage (``find_links``); they are the lineages. (Adding the concerns'
overlap to the score, word pairs, and sentence embeddings were measured and did not do
better: README, "Across meetings".)
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from alliance_kg.graph.links.read import Corpus, Item
from alliance_kg.graph.links.wording import content_words

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


@dataclass(frozen=True)
class Link:
    """Two commitments of different documents found to state the same commitment."""

    a: int  # indexes into the corpus's items
    b: int
    score: float


def vectors(corpus: Corpus) -> list[dict[str, float]]:
    """Each commitment's unit-length TF-IDF vector of content words (party names left out)."""
    party_words: dict[frozenset[str], set[str]] = {}
    tokens: list[list[str]] = []
    for item in corpus.items:
        words = party_words.get(item.parties)
        if words is None:
            words = set()
            for party in item.parties:
                entity = corpus.entities.get(party)
                if entity is not None:
                    for name in (entity.label, *entity.names):
                        words.update(content_words(name))
            party_words[item.parties] = words
        tokens.append([t for t in content_words(item.quote) if t not in words])
    df = Counter(t for ts in tokens for t in set(ts))
    n = len(tokens)
    out = []
    for ts in tokens:
        weights = {
            t: (1 + math.log(k)) * math.log((n + 1) / (df[t] + 0.5)) for t, k in Counter(ts).items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        out.append({t: w / norm for t, w in weights.items()})
    return out


def candidate_pairs(
    items: Sequence[Item], vecs: Sequence[dict[str, float]], order: Sequence[int]
) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of commitments of different documents with the same parties that
    share a concern or a content word. Each list of sharers is walked in ``order`` (the
    commitments by date), pairing each with its ``WINDOW`` nearest predecessors."""
    postings: dict[tuple[frozenset[str], str], list[int]] = defaultdict(list)
    for i in order:
        item = items[i]
        if not item.parties:
            continue
        # Its most telling words (highest weight) find its candidates; common ones add none.
        telling = sorted(vecs[i], key=lambda t: (-vecs[i][t], t))[:TELLING]
        for key in [*telling, *(f"concern:{c}" for c in item.concerns)]:
            postings[(item.parties, key)].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in postings.values():
        for k, j in enumerate(members):
            for i in members[max(0, k - WINDOW) : k]:
                if items[i].doc != items[j].doc:
                    pairs.add((i, j) if i < j else (j, i))
    return pairs


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


def scored_pairs(
    corpus: Corpus, vecs: Sequence[dict[str, float]], least: float
) -> dict[tuple[int, int], float]:
    """The candidate pairs (i, j), i < j, that score at least ``least``, with their scores
    (``vecs``: the commitments' ``vectors``)."""
    items = corpus.items
    docs = corpus.docs

    def when(i: int) -> tuple[str, str, int]:
        doc = docs[items[i].doc]
        return doc.given_date or doc.date or "", doc.key, items[i].offset

    order = sorted(range(len(items)), key=when)
    scores: dict[tuple[int, int], float] = {}
    for i, j in sorted(candidate_pairs(items, vecs, order)):
        s = score(vecs[i], vecs[j])
        if ("Opposition" in items[i].types) != ("Opposition" in items[j].types):
            # One opposes what the other does not: not the same position.
            s *= STANCE
        if s >= least:
            scores[(i, j)] = s
    return scores


def find_links(
    corpus: Corpus, scores: dict[tuple[int, int], float], threshold: float = THRESHOLD
) -> list[Link]:
    """Links between commitments of different documents that state one commitment, sorted.

    Scored pairs are taken best first; a pair joins the groups of its two commitments when
    the average score over every pair of commitments of different documents in the merged
    group (pairs never scored count 0) still reaches ``threshold``. Average linkage keeps one
    vague sentence from chaining unrelated groups together, which single links would do. The
    sums of scores between groups are kept up to date as groups merge, so a merge costs the
    size of the smaller group's neighbourhood, not of the two groups' product.
    """
    items = corpus.items
    strong = sorted(
        ((s, pair) for pair, s in scores.items() if s >= threshold), key=lambda x: (-x[0], x[1])
    )
    group_of: dict[int, int] = {}
    size: dict[int, int] = {}
    docs: dict[int, Counter[str]] = {}
    between: dict[int, dict[int, float]] = defaultdict(dict)
    for s, (i, j) in strong:
        for x in (i, j):
            if x not in group_of:
                group_of[x], size[x], docs[x] = x, 1, Counter([items[x].doc])
        between[i][j] = s
        between[j][i] = s

    def find(x: int) -> int:
        while group_of[x] != x:
            group_of[x] = group_of[group_of[x]]
            x = group_of[x]
        return x

    links = []
    for s, (i, j) in strong:
        gi, gj = find(i), find(j)
        if gi == gj:
            links.append(Link(i, j, s))
            continue
        total = between[gi].get(gj, 0.0)
        if total < threshold * SAME_DOCUMENT * size[gi] * size[gj]:
            # Pairs within one document do not count in the average. A second sentence of a
            # document the group already holds must bring a better average (``SAME_DOCUMENT``):
            # one report rarely states one commitment twice.
            small, big = sorted((docs[gi], docs[gj]), key=len)
            within = sum(n * big[d] for d, n in small.items())
            need = threshold * (SAME_DOCUMENT if within else 1.0)
            if total < need * (size[gi] * size[gj] - within):
                continue
        links.append(Link(i, j, s))
        keep, gone = (gi, gj) if (size[gi], -gi) >= (size[gj], -gj) else (gj, gi)
        group_of[gone] = keep
        size[keep] += size.pop(gone)
        docs[keep].update(docs.pop(gone))
        for other, total in between.pop(gone).items():
            if other == keep:
                continue
            between[keep][other] = between[keep].get(other, 0.0) + total
            between[other][keep] = between[keep][other]
            del between[other][gone]
        between[keep].pop(gone, None)
    return sorted(links, key=lambda link: (link.a, link.b))


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
