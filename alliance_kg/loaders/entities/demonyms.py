"""Demonyms ("Japanese", "Philippine"): the one place that resolves them to their States.

Two readings: as an entity mention (any demonym before a word, "Japanese forces") and as a
State that speaks ("the Japanese side", "Australian officials"), which can be a commitment's
party. The words around them come from lexicon/entities.toml.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import compress, count
from operator import attrgetter

from alliance_kg.loaders import lexicon
from alliance_kg.loaders.entities.base import Candidate, Taken, token_columns, tokens
from alliance_kg.loaders.gazetteer import demonyms, load_gazetteer
from alliance_kg.loaders.lexicon.guard import finditer_at
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


@lru_cache(maxsize=1)
def _names() -> re.Pattern[str]:
    return re.compile(_alternation())


# The last text searched for demonyms and where they begin in it (see demonym_starts).
_last: tuple[str, list[int]] | None = None


def demonym_starts(text: str) -> list[int]:
    """The offsets of ``text`` where a demonym begins and its last character is one of a
    token (base.tokens): where the mention and the side patterns, both opening with
    ``_alternation()``, and a pair alliance's demonym (rules.pair_alliances) can match, since
    each reads a demonym followed by a space or a hyphen.

    The patterns are tried only there (guard.finditer_at), and the text is scanned for the
    names once, not once per pattern: the starts of the text last scanned are kept, since
    they are tried on the same text object one after the other."""
    global _last
    last = _last  # read once: another thread may replace it (each pair stays whole)
    if last is None or last[0] is not text:
        by_first = _by_first_token()
        found: list[int] = []
        if by_first is not None:
            # Looked for at the tokens (base.token_columns, made once per text) that are a
            # demonym's first token, not by the regex engine at every capital letter.
            words, starts, _ = token_columns(text)
            for k in compress(count(), map(by_first.__contains__, words)):
                at = starts[k]
                if (at == 0 or text[at - 1] != "_") and any(
                    text.startswith(name, at) and _ends_a_token(text, at + len(name))
                    for name in by_first[words[k]]
                ):
                    found.append(at)
        else:
            m = _names().search(text)
            while m is not None:
                if _ends_a_token(text, m.end()):
                    found.append(m.start())
                m = _names().search(text, m.start() + 1)
        last = _last = (text, found)
    return last[1]


def _ends_a_token(text: str, end: int) -> bool:
    return end >= len(text) or not text[end].isalnum()


@lru_cache(maxsize=1)
def _by_first_token() -> dict[str, tuple[str, ...]] | None:
    """The demonyms by their first token (base.tokens); None if one does not begin and end
    with a letter or digit.

    Such a demonym begins at a token of the text (no word character before it) and, where a
    space or a hyphen follows it, that token is its first token: the whole name, or the letters
    or digits before the first character that is neither."""
    by_first: dict[str, list[str]] = {}
    for name in demonyms():
        if not (name[:1].isalnum() and name[-1:].isalnum()):
            return None
        by_first.setdefault(tokens(name)[0][0], []).append(name)
    return {first: tuple(names) for first, names in by_first.items()}


@lexicon.derived
def _not_demonym_use() -> frozenset[str]:
    return frozenset(lexicon.words("entities", "not_demonym_use"))


def demonym_mentions(text: str, chosen: list[Candidate]) -> list[Candidate]:
    """ "Japanese forces", "the Japanese side": an adjective naming a State's people or assets."""
    out: list[Candidate] = []
    taken = Taken(len(text), ((c.start, c.end) for c in chosen))
    for m in finditer_at(_mention_pattern(), text, demonym_starts(text)):
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
    for m in finditer_at(_side_pattern(), text, demonym_starts(text)):
        if taken.covers(m.start()):
            continue
        key = demonyms()[m.group(1)]
        found.append(Mention(m.start(1), m.end(1), m.group(1), key))
        if key not in entities:
            entities[key] = load_gazetteer()[key]
    return sorted(found, key=attrgetter("start"))
