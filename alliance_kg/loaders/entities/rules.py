"""Rules for names the vocabulary knows only in part: "East and South China Seas", "12th MLR",
"northern Australia", "the Japan-Australia alliance"."""

from __future__ import annotations

import re
from functools import lru_cache

from alliance_kg.loaders import lexicon
from alliance_kg.loaders.entities.base import Candidate, state_forms
from alliance_kg.loaders.entities.demonyms import demonym_starts
from alliance_kg.loaders.gazetteer import demonyms, load_gazetteer, slugify
from alliance_kg.loaders.lexicon.guard import finditer_at
from alliance_kg.loaders.model import Entity


@lexicon.derived
def _compass() -> re.Pattern[str]:
    """A compass adjective just before a name ("northern ")."""
    words = map(re.escape, lexicon.words("entities", "compass"))
    return re.compile(r"\b(?:" + "|".join(words) + r") $")


@lexicon.derived
def _compass_ends() -> frozenset[str]:
    """The last letters of the compass adjectives: a match of _compass ends with one of them
    and a space (then the end of the text, or a line break ending it)."""
    return frozenset(word[-1:] for word in lexicon.words("entities", "compass"))


# The patterns below check the word boundary before their first letter or digit by a
# lookbehind after it ("(?<!\w.)"): opening with a character class, they let the regex engine
# skip in C to the next capital or digit instead of trying every position. Same matches as
# with a leading "\b".
_COORDINATED = re.compile(
    r"([A-Z](?<!\w.)[a-z]+) and ([A-Z][a-z]+) ((?:[A-Z][a-z]+ )*[A-Z][a-z]+?)(e?s)\b"
)


def coordinated_candidates(text: str, forms: dict[str, str]) -> list[Candidate]:
    """ "East and South China Seas" names the East China Sea and the South China Sea."""
    out: list[Candidate] = []
    for m in _COORDINATED.finditer(text):
        first = f"{m.group(1)} {m.group(3)}"
        second = f"{m.group(2)} {m.group(3)}"
        if first in forms and second in forms:
            out.append(Candidate(m.start(1), m.end(1), forms[first], 0, alias=False))
            out.append(Candidate(m.start(2), m.end(), forms[second], 0))
    return out


_NUMBERED = re.compile(r"(\d(?<!\w.)\d{0,2}(?:st|nd|rd|th)) ([A-Z][A-Z0-9&\-]*[A-Z0-9])\b")
_CAPITALISED = re.compile(r"[A-Z](?<!\w.)[a-z]+(?=[- ])")


def numbered_candidates(text: str, forms: dict[str, str]) -> list[Candidate]:
    """ "12th MLR": a numbered formation of a kind the vocabulary knows by its acronym."""
    gaz = load_gazetteer()
    out: list[Candidate] = []
    for m in _NUMBERED.finditer(text):
        kind = gaz.get(forms.get(m.group(2), ""))
        if kind is None or kind.type != "Unit":
            continue
        label = f"{m.group(1)} {kind.label}"
        key = forms.get(label) or f"unit/{slugify(label)}"
        entity = gaz.get(key) or Entity(key, "Unit", label)
        out.append(Candidate(m.start(), m.end(), key, 0, entity=entity))
    return out


def compass_region(text: str, cand: Candidate) -> Candidate | None:
    """ "northern Australia": a region of a State or Place is a Place of its own."""
    gaz = load_gazetteer()
    entity = gaz.get(cand.key)
    if entity is None or entity.type not in ("State", "Place"):
        return None
    m = _compass_before(text, cand.start)
    if m is None:
        return None
    start = cand.start - (len(text[max(0, cand.start - 20) : cand.start]) - m.start())
    label = f"{text[start : cand.start]}{entity.label}"
    key = f"place/{slugify(label)}"
    known = gaz.get(key)
    return Candidate(start, cand.end, key, 0, entity=known or Entity(key, "Place", label))


def _compass_before(text: str, at: int) -> re.Match[str] | None:
    """``_compass().search`` of the 20 characters before ``at``, searched only where they end
    as a match must: a compass adjective's last letter, a space (and a final line break)."""
    before = text[max(0, at - 20) : at]
    word_end = (
        before[:-1] if before.endswith(" ") else before[:-2] if before.endswith(" \n") else ""
    )
    return _compass().search(before) if word_end[-1:] in _compass_ends() else None


def pair_alliances(text: str, cands: list[Candidate]) -> list[Candidate]:
    """ "Japan-Australia alliance", "U.S.-Philippine alliance": two States (or their
    demonyms) joined by a hyphen before "alliance"."""
    gaz = load_gazetteer()
    sides = [(c.start, c.end, c.key) for c in cands if c.key in gaz and gaz[c.key].type == "State"]
    # A capitalised word that is a demonym begins where a demonym does: it is tried only at
    # those offsets, found by the scan demonym_mentions and state_mentions share.
    for m in finditer_at(_CAPITALISED, text, demonym_starts(text)):
        key = demonyms().get(m.group())
        if key is not None:
            sides.append((m.start(), m.end(), key))
    sides.sort()
    out = []
    for (a_start, a_end, a), (b_start, b_end, b) in zip(sides, sides[1:], strict=False):
        if a != b and text[a_end:b_start] == "-" and re.match(r" [Aa]lliance\b", text[b_end:]):
            entity = alliance_entity([a, b])
            out.append(Candidate(a_start, b_end + 9, entity.key, 0, entity=entity))
    return out


def alliance_entity(states: list[str]) -> Entity:
    gaz = load_gazetteer()
    pair = frozenset(states)
    for entity in alliances():
        if entity[0] == pair:
            return gaz[entity[1]]
    labels = [gaz[k].label for k in sorted(states, key=lambda k: k != "state/united-states")]
    label = "-".join(labels) + " Alliance"
    return Entity(f"organization/{slugify(label)}", "Organization", label)


@lru_cache(maxsize=1)
def alliances() -> list[tuple[frozenset[str], str]]:
    """The vocabulary's bilateral alliances with the pair of States each joins."""
    out = []
    forms = state_forms()
    for key, entity in load_gazetteer().items():
        if entity.type == "Organization" and entity.label.endswith(" Alliance"):
            parts = re.split(r"-(?=[A-Z])", entity.label[: -len(" Alliance")])
            keys = frozenset(forms[p] for p in parts if p in forms)
            if len(parts) == 2 and len(keys) == 2:
                out.append((keys, key))
    return out
