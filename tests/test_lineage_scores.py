"""The candidate pairs of the lineages and their scores (``graph.links.lineages``): exactly the
pairs the guidelines' blocking defines, held best first."""

from __future__ import annotations

from array import array
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_kg.graph.links.lineages import (
    TELLING,
    WINDOW,
    Scores,
    lineage_groups,
    score,
    scored_pairs,
)
from alliance_kg.graph.links.read import Corpus, Doc, Item, read_corpus
from alliance_kg.graph.links.weights import vectors

SERIES = Path(__file__).parent / "data" / "series"


def _reference(corpus: Corpus, vecs: list[dict[str, float]], least: float) -> set[tuple]:
    """The candidates as the module's docstring defines them, written the plain way: one list
    per parties and word (or concern) in date order, each member paired with the WINDOW members
    before it; then every pair scored with ``score``."""
    items, docs = corpus.items, corpus.docs

    def when(i: int) -> tuple[str, str, int]:
        doc = docs[items[i].doc]
        return doc.given_date or doc.date or "", doc.key, items[i].offset

    lists: dict[tuple[frozenset[str], str], list[int]] = defaultdict(list)
    for i in sorted(range(len(items)), key=when):
        if items[i].parties:
            vec = vecs[i]
            telling = sorted(vec, key=lambda t: (-vec[t], t))[:TELLING]
            for key in [*telling, *(f"concern:{c}" for c in items[i].concerns)]:
                lists[(items[i].parties, key)].append(i)
    pairs = set()
    for members in lists.values():
        for k, j in enumerate(members):
            for i in members[max(0, k - WINDOW) : k]:
                if items[i].doc != items[j].doc:
                    pairs.add((min(i, j), max(i, j)))
    found = set()
    for i, j in pairs:
        s = score(vecs[i], vecs[j])
        if ("Opposition" in items[i].types) != ("Opposition" in items[j].types):
            s *= 0.7
        if s >= least:
            found.add(((i, j), s))
    return found


@pytest.fixture(scope="module")
def series_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    from clirunner import akg

    store = tmp_path_factory.mktemp("series") / "store"
    assert akg(store, "build", str(SERIES)).exit_code == 0
    return read_corpus(ox.Store.read_only(str(store)))


@pytest.mark.parametrize("least", [0.0, 0.2, 0.3])
def test_the_scored_pairs_are_the_blocked_candidates_that_reach_the_score(
    series_corpus: Corpus, least: float
) -> None:
    vecs = vectors(series_corpus)
    scores = scored_pairs(series_corpus, vecs, least)
    expected = _reference(series_corpus, vecs, least)
    assert len(expected) > 40
    assert set(scores.items()) == expected
    assert len(scores) == len(expected)


def test_scores_come_best_first_ties_by_the_first_then_the_second_commitment() -> None:
    scores = Scores.of({(3, 9): 0.5, (1, 2): 0.25, (0, 7): 0.5, (0, 4): 0.5, (2, 5): 1.0})
    assert list(scores.items()) == [
        ((2, 5), 1.0),
        ((0, 4), 0.5),
        ((0, 7), 0.5),
        ((3, 9), 0.5),
        ((1, 2), 0.25),
    ]
    assert [scores.best(x) for x in (1.1, 1.0, 0.5, 0.3, 0.25, 0.0)] == [0, 1, 4, 4, 5, 5]
    assert len(Scores.of({})) == 0 and Scores.of({}).best(0.2) == 0


def test_scores_that_differ_in_the_last_bit_keep_their_order() -> None:
    low = 0.30000000000000004
    scores = Scores.of({(0, 1): 0.3, (2, 3): low})
    assert list(scores.items()) == [((2, 3), low), ((0, 1), 0.3)]


def test_a_negative_score_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        Scores(array("q", [0]), array("q", [1]), array("d", [-0.5]))


def test_every_pair_of_a_small_block_is_a_candidate() -> None:
    # Fewer commitments than WINDOW sharing a word: every pair across documents is compared.
    parties = frozenset({"x", "y"})
    docs = {d: Doc(d, f"{d}.txt", date=f"200{k}-01-01") for k, d in enumerate("abcd")}
    items = [Item(f"{d}#0", d, "modernize the alliance command", 0, parties=parties) for d in docs]
    items.append(Item("d#1", "d", "modernize the alliance command", 5, parties=parties))
    corpus = Corpus(docs, items, {})
    found = {pair for pair, _ in scored_pairs(corpus, vectors(corpus), 0.0).items()}
    assert found == {(i, j) for i, j in combinations(range(5), 2) if items[i].doc != items[j].doc}


@pytest.mark.parametrize("jobs", [2, 3])
def test_blocks_linked_over_processes_give_the_same_links_graph(
    series_corpus: Corpus, jobs: int
) -> None:
    from alliance_kg.graph.links import corpus_links
    from alliance_kg.graph.links.blocks import corpus_pairs, link_blocks

    vecs = vectors(series_corpus)
    groups_alone, blocks_alone = link_blocks(series_corpus, vecs, 0.2, 0.2, jobs=1)
    groups_spread, blocks_spread = link_blocks(series_corpus, vecs, 0.2, 0.2, jobs=jobs)
    alone, spread = corpus_pairs(blocks_alone), corpus_pairs(blocks_spread)
    assert len({item.parties for item in series_corpus.items if item.parties}) > 1
    # Block by block, the pairs and groups the whole corpus gives at once.
    whole = scored_pairs(series_corpus, vecs, 0.2)
    assert sorted(zip(*alone, strict=True)) == sorted(
        zip(whole.first, whole.second, whole.values, strict=True)
    )
    assert groups_alone == lineage_groups(series_corpus, whole, 0.2)
    assert sorted(zip(*spread, strict=True)) == sorted(zip(*alone, strict=True))
    assert len(alone.first) > 50
    # Only the pairs scoring at least ``keep`` come back, whatever the number of processes.
    for n in (1, jobs):
        groups, blocks = link_blocks(series_corpus, vecs, 0.2, 0.2, jobs=n, keep=0.3)
        kept = corpus_pairs(blocks)
        every = sorted(zip(*alone, strict=True))
        assert sorted(zip(*kept, strict=True)) == [p for p in every if p[2] >= 0.3]
        assert 0 < len(kept.first) < len(alone.first) and groups == groups_alone
    assert groups_spread == groups_alone and len(groups_alone) > 10
    assert corpus_links(series_corpus, jobs=jobs) == corpus_links(series_corpus, jobs=1)


def _restated_by_definition(corpus: Corpus, first: list[int], second: list[int]) -> dict:
    """For each document, each other document, its commitments paired with that one's."""
    out: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for i, j in zip(first, second, strict=True):
        out[corpus.items[i].doc][corpus.items[j].doc].add(i)
        out[corpus.items[j].doc][corpus.items[i].doc].add(j)
    return {doc: dict(found) for doc, found in out.items()}


@pytest.mark.parametrize("shuffled", [False, True])
def test_the_meetings_evidence_is_each_pair_seen_from_both_sides(
    series_corpus: Corpus, shuffled: bool
) -> None:
    from alliance_kg.graph.links import Restated
    from alliance_kg.graph.links.blocks import corpus_pairs, link_blocks

    corpus = series_corpus
    if shuffled:  # a document's commitments not next to each other
        items = series_corpus.items[::2] + series_corpus.items[1::2]
        corpus = Corpus(series_corpus.docs, items, series_corpus.entities)
    _, blocks = link_blocks(corpus, vectors(corpus), 0.2, 0.2, jobs=1, keep=0.3)
    pairs = corpus_pairs(blocks)
    expected = _restated_by_definition(corpus, list(pairs.first), list(pairs.second))
    found = Restated(corpus, blocks)
    assert len(expected) > 5 and sum(len(v) for v in expected.values()) > 20
    assert {doc: found[doc] for doc in expected} == expected
    assert all(not found[doc] for doc in found if doc not in expected)
