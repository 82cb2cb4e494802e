"""The commitments' word vectors, which the lineages' scores compare (``lineages.py``).

A commitment's words are the content words of its sentence (``wording.toml``: stop words and
synonyms), the names of its parties left out; each is weighed by TF-IDF, the counts taken over
the commitments dated up to the commitment's own date (``vectors``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from itertools import groupby
from operator import mul

from alliance_kg.graph.links.read import Corpus
from alliance_kg.graph.links.wording import content_words

#: The fewest commitments whose counts weigh words (``vectors``): counts over the first few
#: statements alone weigh a word by chance (counted from the first statement on, lineage pairs
#: F1 fell from 0.706 to 0.609 on the bundled corpus); 2,000 leaves both development sets as
#: counts over the whole store weighed them (README, "The corpus-level stage on a grown store").
WEIGHED_FROM = 2000
#: Where undated commitments come in the order of dates.
_UNDATED = "9999"


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
    least = WEIGHED_FROM if floor is None else floor
    tokens = commitment_words(corpus)
    docs, items = corpus.docs, corpus.items

    def day(i: int) -> str:
        doc = docs[items[i].doc]
        return doc.given_date or doc.date or _UNDATED

    out: list[dict[str, float]] = [{} for _ in tokens]
    df: Counter[str] = Counter()
    seen = 0
    pending: list[int] = []
    for _, same_day in groupby(sorted(range(len(tokens)), key=day), key=day):
        for i in same_day:
            df.update(set(tokens[i]))
            pending.append(i)
            seen += 1
        if seen >= least or seen == len(tokens):
            # Each word's weight worked out once for the commitments weighed together, then
            # looked up: the same numbers as a logarithm for each of their words.
            idf = _idf(df, seen)
            weight = {t: idf(t) for t in set().union(*(tokens[i] for i in pending))}
            for i in pending:
                out[i] = unit_vector(tokens[i], weight.__getitem__)
            pending = []
    return out


def commitment_words(corpus: Corpus) -> list[list[str]]:
    """Each commitment's content words, the names of its parties left out. Commitments of the
    same sentence and parties share one list (never changed)."""
    party_words: dict[frozenset[str], set[str]] = {}
    # Reports restate sentences word for word: each distinct sentence is split once.
    said: dict[str, list[str]] = {}
    kept: dict[tuple[str, frozenset[str]], list[str]] = {}
    tokens: list[list[str]] = []
    for item in corpus.items:
        known = kept.get((item.quote, item.parties))
        if known is not None:
            tokens.append(known)
            continue
        words = party_words.get(item.parties)
        if words is None:
            words = set()
            for party in item.parties:
                entity = corpus.entities.get(party)
                if entity is not None:
                    for name in (entity.label, *entity.names):
                        words.update(content_words(name))
            party_words[item.parties] = words
        found = said.get(item.quote)
        if found is None:
            found = said[item.quote] = content_words(item.quote)
        known = kept[item.quote, item.parties] = [t for t in found if t not in words]
        tokens.append(known)
    return tokens


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
