"""Matching predicted items to gold ones and counting hits, false alarms and misses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from alliance_kg.evaluate.gold import GoldEntity
from alliance_kg.evaluate.scores import Score
from alliance_kg.evaluate.text import normalize


def max_matching(
    candidates: Sequence[Sequence[int]], order: Iterable[int] | None = None
) -> dict[int, int]:
    """A maximum one-to-one matching; ``candidates[i]`` lists, best first, what i may match.

    Augmenting paths (Kuhn): items taken earlier in ``order`` keep their preferred partner
    unless giving it up lets one more item be matched. Returns {item: partner}.
    """
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in candidates[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(candidates)) if order is None else order:
        augment(i, set())
    return {i: j for j, i in owner.items()}


@dataclass
class GoldNames:
    """Resolves names used in one gold file to the names of its entities."""

    entities: tuple[GoldEntity, ...]
    by_name: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for i, entity in enumerate(self.entities):
            for name in sorted(entity.names()):
                self.by_name.setdefault(name, []).append(i)

    def names_of(self, label: str) -> frozenset[str]:
        """The label with the aliases of the gold entity it names (if any)."""
        names = {normalize(label)}
        # The entity whose canonical label it is wins over one that merely has it as alias.
        hits = self.by_name.get(normalize(label), [])
        exact = [i for i in hits if normalize(self.entities[i].label) == normalize(label)]
        for i in (exact or hits)[:1]:
            names |= self.entities[i].names()
        return frozenset(names)

    def canonical(self, labels: frozenset[str], preferred: Sequence[str]) -> str | None:
        """The gold label naming a predicted node, trying the ``preferred`` labels first."""
        for label in preferred:
            if labels & self.names_of(label):
                return label
        for entity in self.entities:
            if labels & entity.names():
                return entity.label
        return None


def compare_sets(
    predicted: Iterable[tuple[str, frozenset[str]]],
    gold: Sequence[str],
    names: GoldNames,
) -> tuple[Score, list[str], list[str]]:
    """Compare predicted nodes (display name, normalised labels) with gold canonical labels.

    Each predicted node becomes the gold label it names (or its own display name); the two
    sides are then compared as sets. Returns the score, the missed and the false labels.
    """
    gold_keys = {normalize(g): g for g in gold}
    pred_keys: dict[str, str] = {}
    for display, labels in predicted:
        canonical = names.canonical(labels, gold) or display
        pred_keys.setdefault(normalize(canonical), canonical)
    hits = gold_keys.keys() & pred_keys.keys()
    missed = sorted(gold_keys[k] for k in gold_keys.keys() - hits)
    false = sorted(pred_keys[k] for k in pred_keys.keys() - hits)
    return Score(len(hits), len(false), len(missed)), missed, false


def compare_values(
    predicted: Iterable[str], gold: Iterable[str]
) -> tuple[Score, list[str], list[str]]:
    """Compare predicted with gold values as sets; returns the score, the missed and the false."""
    pred = set(predicted)
    gold_set = set(gold)
    missed = sorted(gold_set - pred)
    false = sorted(pred - gold_set)
    return Score(len(pred & gold_set), len(false), len(missed)), missed, false
