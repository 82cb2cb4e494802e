"""The commitments' word weights (``links.weights``): counted over the commitments dated up to
each one's date, over at least ``WEIGHED_FROM`` of them, so that a later statement changes no
earlier vector, while a store of fewer commitments is weighed over all of them."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_kg.graph.links import weights
from alliance_kg.graph.links.read import Corpus, read_corpus
from alliance_kg.graph.links.weights import commitment_words, unit_vector, vectors

SERIES = Path(__file__).parent / "data" / "series"


@pytest.fixture(scope="module")
def series_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    from clirunner import akg

    store = tmp_path_factory.mktemp("series") / "store"
    assert akg(store, "build", str(SERIES)).exit_code == 0
    return read_corpus(ox.Store.read_only(str(store)))


def _day(corpus: Corpus, doc: str) -> str:
    found = corpus.docs[doc]
    return found.given_date or found.date or "9999"


def _without(corpus: Corpus, docs: set[str]) -> Corpus:
    """The corpus without these documents and their commitments."""
    return Corpus(
        {k: d for k, d in corpus.docs.items() if k not in docs},
        [item for item in corpus.items if item.doc not in docs],
        corpus.entities,
    )


def _by_iri(corpus: Corpus) -> dict[str, dict[str, float]]:
    return {item.iri: v for item, v in zip(corpus.items, vectors(corpus), strict=True)}


def test_a_store_smaller_than_the_floor_is_weighed_over_every_commitment(
    series_corpus: Corpus,
) -> None:
    assert len(series_corpus.items) < weights.WEIGHED_FROM
    tokens = commitment_words(series_corpus)
    df = Counter(t for ts in tokens for t in set(ts))
    n = len(tokens)
    whole = [unit_vector(ts, lambda t: math.log((n + 1) / (df[t] + 0.5))) for ts in tokens]
    assert vectors(series_corpus) == whole  # the same floats


def test_a_later_statement_changes_no_earlier_vector(
    series_corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(weights, "WEIGHED_FROM", 20)
    days = sorted({_day(series_corpus, d) for d in series_corpus.docs} - {"9999"})
    assert len(days) >= 4
    later = {d for d in series_corpus.docs if _day(series_corpus, d) >= days[-1]}
    before, after = _by_iri(_without(series_corpus, later)), _by_iri(series_corpus)
    assert len(before) >= 20 and len(after) > len(before)
    assert all(after[iri] == v for iri, v in before.items())
    # Counted over the whole store, the later statement changes every earlier vector.
    monkeypatch.setattr(weights, "WEIGHED_FROM", len(series_corpus.items) + 1)
    before, after = _by_iri(_without(series_corpus, later)), _by_iri(series_corpus)
    assert all(after[iri] != v for iri, v in before.items() if v)


def test_a_statement_dated_in_the_past_changes_only_the_vectors_from_its_date_on(
    series_corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(weights, "WEIGHED_FROM", 10)
    days = sorted({_day(series_corpus, d) for d in series_corpus.docs} - {"9999"})
    middle = days[len(days) // 2]
    inserted = {d for d in series_corpus.docs if _day(series_corpus, d) == middle}
    rest = _without(series_corpus, inserted)
    earlier = [item.iri for item in rest.items if _day(rest, item.doc) < middle]
    later = [item.iri for item in rest.items if _day(rest, item.doc) > middle]
    assert len(earlier) >= 10 and later
    before, after = _by_iri(rest), _by_iri(series_corpus)
    assert all(after[iri] == before[iri] for iri in earlier)
    assert sum(after[iri] != before[iri] for iri in later) > len(later) // 2
