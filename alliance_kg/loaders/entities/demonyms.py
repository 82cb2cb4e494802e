"""Demonyms ("Japanese", "Philippine"): the one place that resolves them to their States.

Two readings: as an entity mention (any demonym before a word, "Japanese forces") and as a
State that speaks ("the Japanese side", "Australian officials"), which can be a commitment's
party. The words around them come from lexicon/entities.toml.
"""

from __future__ import annotations

import re
from functools import lru_cache

from alliance_kg.loaders import lexicon
from alliance_kg.loaders.entities.base import Candidate, Taken
from alliance_kg.loaders.gazetteer import demonyms, load_gazetteer
from alliance_kg.loaders.model import Entity, Mention


@lru_cache(maxsize=1)
def _alternation() -> str:
    """All demonyms of the vocabulary, longest first, as one regex group, each at the start of
    a word: the same matches as ``\\b(names)``.

    Each name checks the word boundary before it by a lookbehind after it, so that the pattern
    opens with the names' first letters and the regex engine skips in C to where one can
    begin, instead of trying every name at every position of the text."""
    names = sorted(demonyms(), key=len, reverse=True)
    if not all(n and (n[0].isalnum() or n[0] == "_") for n in names):
        return r"\b(" + "|".join(re.escape(n) for n in names) + r")"
    return "(" + "|".join(rf"{re.escape(n)}(?<!\w(?s:.{{{len(n)}}}))" for n in names) + ")"


@lru_cache(maxsize=1)
def _mention_pattern() -> re.Pattern[str]:
    return re.compile(_alternation() + r"(?= (\w+))")


@lexicon.derived
def _not_demonym_use() -> frozenset[str]:
    return frozenset(lexicon.words("entities", "not_demonym_use"))


def demonym_mentions(text: str, chosen: list[Candidate]) -> list[Candidate]:
    """ "Japanese forces", "the Japanese side": an adjective naming a State's people or assets."""
    out: list[Candidate] = []
    taken = Taken(len(text), ((c.start, c.end) for c in chosen))
    for m in _mention_pattern().finditer(text):
        if m.group(2) in _not_demonym_use() or taken.overlaps(m.start(), m.end()):
            continue
        out.append(Candidate(m.start(1), m.end(1), demonyms()[m.group(1)], 2, alias=False))
    return out


@lexicon.derived
def _side_pattern() -> re.Pattern[str]:
    """A demonym names its State when it qualifies the people or the side that speaks for it."""
    sides = "|".join(lexicon.words("entities", "demonym_sides"))
    return re.compile(_alternation() + rf"(?=\s+(?:and\s+\w+\s+)?(?:{sides}))")


def state_mentions(
    text: str, entities: dict[str, Entity], mentions: list[Mention]
) -> list[Mention]:
    """States named outright plus those referred to by demonym ("the Japanese side").

    A State only referred to by demonym is added to ``entities``.
    """
    found = [m for m in mentions if entities[m.entity].type == "State"]
    taken = Taken(len(text), ((m.start, m.end) for m in mentions))
    for m in _side_pattern().finditer(text):
        if taken.covers(m.start()):
            continue
        key = demonyms()[m.group(1)]
        found.append(Mention(m.start(1), m.end(1), m.group(1), key))
        if key not in entities:
            entities[key] = load_gazetteer()[key]
    return sorted(found, key=lambda m: m.start)
