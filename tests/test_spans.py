"""Taken (loaders/spans.py) answers as a scan of every span taken would, whatever the order of
its questions and additions (its arrays for empty spans are made only when first needed)."""

from __future__ import annotations

import random

from alliance_kg.loaders.spans import Taken


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    if start < end:
        return any((start < b and a < end) if a < b else start < a < end for a, b in spans)
    return any(a < start < b for a, b in spans)


def test_taken_agrees_with_a_scan_of_its_spans() -> None:
    rng = random.Random(11)
    asked_empty = 0
    for _ in range(3000):
        size = rng.randint(1, 30)
        spans: list[tuple[int, int]] = []
        taken = Taken(size)
        for _ in range(25):
            a = rng.randint(0, size)
            b = rng.randint(a, min(size, a + 6)) if rng.random() < 0.8 else a
            if rng.random() < 0.3:
                taken.add(a, b)
                spans.append((a, b))
                continue
            assert taken.overlaps(a, b) == _overlaps(spans, a, b), (spans, a, b)
            asked_empty += a == b
            if a < size:
                assert taken.covers(a) == any(s <= a < e for s, e in spans), (spans, a)
    assert asked_empty > 1000  # the empty-span answers were exercised, before and after adds


def test_taken_from_spans_given_at_once() -> None:
    taken = Taken(20, [(2, 5), (9, 9), (12, 15)])
    assert [taken.overlaps(a, b) for a, b in [(0, 2), (0, 3), (5, 9), (5, 10), (9, 9)]] == [
        False,
        True,
        False,
        True,
        False,
    ]
    assert [taken.overlaps(p, p) for p in (2, 3, 4, 5, 13)] == [False, True, True, False, True]
    assert [taken.covers(p) for p in (1, 2, 4, 5, 9, 12)] == [False, True, True, False, False, True]
