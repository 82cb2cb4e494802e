"""Lineage scores under word weightings that an added statement changes less than TF-IDF over
the whole store does.

Run: ``.venv/bin/python benchmarks/links_weights.py [--store STORE]`` (default: the lineage pairs
F1 of each weighting on the bundled corpus against ../shared/gold and on tests/data/series, as
``links_thresholds.py`` scores them at the stage's threshold; with ``--store``, also how many of
the lineage pairs of that store's commitments each weighting shares with TF-IDF's over the
whole store).

Until 2026-11-27 the stage weighed a commitment's words by TF-IDF over every commitment of the
store, so one more statement changed every weight, and adding a statement changed lineages all
over the store (README, "The corpus-level stage on a grown store"). The weightings here:

- ``tf-idf``: counts over the whole store (the stage's before).
- ``rounded S``: that, with the logarithms of the number of commitments and of each word's
  count rounded to steps of S, so that a weight changes only when a count crosses a step.
- ``up to date M``: TF-IDF over the commitments dated up to each commitment's date (at least the
  first M of them, by date): a statement dated after every other changes no earlier weight.
  The stage's is M = 2,000 (``weights.WEIGHED_FROM``).
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import links_thresholds  # noqa: E402

import alliance_kg.graph.links as links  # noqa: E402
from alliance_kg.graph.links import lineages, weights  # noqa: E402
from alliance_kg.graph.links.read import Corpus, read_corpus  # noqa: E402
from alliance_kg.graph.links.weights import commitment_words, unit_vector  # noqa: E402

Vectors = list[dict[str, float]]
Weighting = Callable[[Corpus], Vectors]


def rounded(step: float) -> Weighting:
    """TF-IDF with its logarithms rounded to multiples of ``step``."""

    def weigh(corpus: Corpus) -> Vectors:
        tokens = commitment_words(corpus)
        df = Counter(t for ts in tokens for t in set(ts))
        top = round(math.log(len(tokens) + 1) / step) * step
        return [
            unit_vector(ts, lambda t: max(0.0, top - round(math.log(df[t] + 0.5) / step) * step))
            for ts in tokens
        ]

    return weigh


def up_to_date(least: int | None) -> Weighting:
    """The stage's weighting (``weights.vectors``) with at least the first ``least`` commitments
    counted (``WEIGHED_FROM``); None counts every commitment of the store for each one."""

    def weigh(corpus: Corpus) -> Vectors:
        return weights.vectors(corpus, len(corpus.items) + 1 if least is None else least)

    return weigh


WEIGHTINGS: dict[str, Weighting] = {
    "tf-idf": up_to_date(None),
    "rounded 0.05": rounded(0.05),
    "rounded 0.1": rounded(0.1),
    "rounded 0.2": rounded(0.2),
    "up to date 0": up_to_date(0),
    "up to date 500": up_to_date(500),
    "up to date 2000 (the stage's)": up_to_date(2000),
}


def _with(weigh: Weighting) -> None:
    # The stage and the scoring script look ``vectors`` up in their own modules.
    for module in (links, links_thresholds):
        module.__dict__["vectors"] = weigh


def pairs(corpus: Corpus, vecs: Vectors) -> set[tuple[int, int]]:
    """The pairs of commitments of different documents in one lineage."""
    scores = lineages.scored_pairs(corpus, vecs, lineages.THRESHOLD)
    found = set()
    for group in lineages.lineage_groups(corpus, scores):
        for a, b in itertools.combinations(group, 2):
            if corpus.items[a].doc != corpus.items[b].doc:
                found.add((a, b))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a store whose lineages are compared")
    args = parser.parse_args()
    original = links.vectors
    for name, weigh in WEIGHTINGS.items():
        print(f"\n== {name}")
        _with(weigh)
        series = ROOT / "tests" / "data" / "series"
        gold = ROOT.parent / "shared" / "gold"
        for texts, gold_dir in [(links_thresholds.sample_corpus_dir(), gold), (series, series)]:
            links_thresholds.report(texts, gold_dir, [lineages.THRESHOLD])
    _with(original)
    if args.store:
        corpus = read_corpus(ox.Store.read_only(str(args.store)))
        base = pairs(corpus, WEIGHTINGS["tf-idf"](corpus))
        print(f"\n{args.store}: {len(corpus.items)} commitments, {len(base)} lineage pairs")
        for name, weigh in WEIGHTINGS.items():
            found = pairs(corpus, weigh(corpus))
            shared = len(found & base)
            print(f"{name:<16} {len(found):>8} pairs, {shared / max(len(found), 1):.3f} of them "
                  f"and {shared / max(len(base), 1):.3f} of tf-idf's shared")  # fmt: skip


if __name__ == "__main__":
    main()
