"""The commitments' word vectors, which the lineages' scores compare (``lineages.py``).

A commitment's words are the content words of its sentence (``wording.toml``: stop words and
synonyms), the names of its parties left out; each is weighed by TF-IDF, the counts taken over
the commitments dated up to the commitment's own date (``vectors``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter, mul

from alliance_kg.graph.links.read import Corpus
from alliance_kg.graph.links.wording import content_words

#: The fewest commitments whose counts weigh words (``vectors``): counts over the first few
#: statements alone weigh a word by chance (counted from the first statement on, lineage pairs
#: F1 fell from 0.706 to 0.609 on the bundled corpus); 2,000 leaves both development sets as
#: counts over the whole store weighed them (README, "The corpus-level stage on a grown store").
WEIGHED_FROM = 2000
#: Where undated commitments come in the order of dates.
UNDATED = "9999"


@dataclass
class Counts:
    """How many of the commitments weighed so far hold each word, and how many they are."""

    df: Counter[str] = field(default_factory=Counter)
    seen: int = 0


def vectors(corpus: Corpus, floor: int | None = None) -> list[dict[str, float]]:
    """Each commitment's unit-length TF-IDF vector of content words (party names left out).

    A word is weighed by its count over the commitments dated up to the commitment's own date
    (its document's: the meeting date the user gives, else the date its text states; undated
    ones come after every date), as on-line
    event detection counts over the stream seen so far, but over at least the first
    ``WEIGHED_FROM`` commitments by date: a statement dated after every other then changes no
    earlier commitment's vector, so adding today's statement leaves the lineages of the past as
    they were, where counts over the whole store changed every weight (README, "The
    corpus-level stage on a grown store"). A store of fewer commitments is weighed over all of
    them, as before. ``floor``: another least number than ``WEIGHED_FROM`` (the benchmarks
    compare weightings so)."""
    return weighed_corpus(corpus, floor)[0]


def weighed_corpus(
    corpus: Corpus, floor: int | None = None
) -> tuple[list[dict[str, float]], Counts]:
    """``vectors``, and the counts of all the commitments."""
    least = WEIGHED_FROM if floor is None else floor
    tokens = commitment_words(corpus)
    out: list[dict[str, float]] = [{} for _ in tokens]
    counts = Counts()
    days = by_day(corpus, range(len(tokens)))
    for i, vec in weighed([[(i, tokens[i]) for i in group] for group in days], counts, least):
        out[i] = vec
    return out, counts


def by_day(corpus: Corpus, indexes: Iterable[int]) -> list[list[int]]:
    """The commitments of ``indexes`` by day, in the order of days, each day's in the order of
    their indexes: the day of a commitment's document (the meeting date the user gives, else
    the date its text states), undated ones after every date."""
    docs, items = corpus.docs, corpus.items
    days = {d: doc.given_date or doc.date or UNDATED for d, doc in docs.items()}
    keyed = sorted((days[items[i].doc], i) for i in indexes)
    return [[i for _, i in group] for _, group in groupby(keyed, key=itemgetter(0))]


def weighed(
    days: Sequence[Sequence[tuple[int, list[str]]]], counts: Counts, least: int
) -> Iterator[tuple[int, dict[str, float]]]:
    """The vectors of the commitments given day by day (index and words, the days in order),
    after those of earlier days, which ``counts`` counts, were weighed: ``counts`` is moved on
    by these. Commitments are weighed together until ``least`` are counted, then day by day
    (``vectors``)."""
    df, seen = counts.df, counts.seen
    pending: list[tuple[int, list[str]]] = []
    for k, same_day in enumerate(days):
        for i, words in same_day:
            df.update(set(words))
            pending.append((i, words))
            seen += 1
        if seen >= least or k == len(days) - 1:
            # Each word's weight worked out once for the commitments weighed together, then
            # looked up: the same numbers as a logarithm for each of their words.
            idf = _idf(df, seen)
            weight = {t: idf(t) for t in set().union(*(words for _, words in pending))}
            for i, words in pending:
                yield i, unit_vector(words, weight.__getitem__)
            pending = []
    counts.seen = seen


def commitment_words(corpus: Corpus, indexes: Iterable[int] | None = None) -> list[list[str]]:
    """Each commitment's content words (of those of ``indexes``, default all, in that order),
    the names of its parties left out. Commitments of the same sentence and parties share one
    list (never changed)."""
    party_words: dict[frozenset[str], set[str]] = {}
    # Reports restate sentences word for word: each distinct sentence is split once.
    said: dict[str, list[str]] = {}
    kept: dict[tuple[str, frozenset[str]], list[str]] = {}
    tokens: list[list[str]] = []
    items = corpus.items
    for item in items if indexes is None else map(items.__getitem__, indexes):
        known = kept.get((item.quote, item.parties))
        if known is not None:
            tokens.append(known)
            continue
        words = party_words.get(item.parties)
        if words is None:
            words = party_words[item.parties] = names_words(corpus, item.parties)
        found = said.get(item.quote)
        if found is None:
            found = said[item.quote] = content_words(item.quote)
        known = kept[item.quote, item.parties] = [t for t in found if t not in words]
        tokens.append(known)
    return tokens


def names_words(corpus: Corpus, parties: Iterable[str]) -> set[str]:
    """The content words of the parties' labels and other names."""
    words: set[str] = set()
    for party in parties:
        entity = corpus.entities.get(party)
        if entity is not None:
            for name in (entity.label, *entity.names):
                words.update(content_words(name))
    return words


def unit_vector(words: list[str], idf: Callable[[str], float]) -> dict[str, float]:
    """The words' unit-length vector: each weighed by its sublinear count times ``idf``."""
    if len(set(words)) == len(words):
        # Each word once (most sentences): its weight is its idf, 1 + log(1) being 1 exactly.
        weights = {t: idf(t) for t in words}
    else:
        weights = {t: (1 + math.log(k)) * idf(t) for t, k in Counter(words).items()}
    values = list(weights.values())
    # The same additions in the same order as a sum over the squares: the same bits.
    norm = math.sqrt(sum(map(mul, values, values))) or 1.0
    return {t: w / norm for t, w in weights.items()}


def _idf(df: Counter[str], n: int) -> Callable[[str], float]:
    """A word's inverse document frequency among ``n`` commitments (``df``: their counts)."""
    return lambda t: math.log((n + 1) / (df[t] + 0.5))
