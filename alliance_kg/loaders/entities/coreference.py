"""The second pass: names that only the first pass makes resolvable. Acronyms defined in
parentheses, bare family names of people already named, "the Alliance" of the two States the
text is about, a bare "2+2", and a short name after its State-qualified full name."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache

from alliance_kg.loaders import lexicon
from alliance_kg.loaders.entities.base import Candidate, Taken
from alliance_kg.loaders.entities.rules import alliance_entity, alliances
from alliance_kg.loaders.gazetteer import family_names, load_gazetteer, slugify, surface_forms
from alliance_kg.loaders.lexicon.guard import finditer_at, guarded
from alliance_kg.loaders.model import Entity

_ACRONYM = r"[A-Z][A-Za-z0-9&\-]*[A-Z0-9](?:\s[A-Z]{2,})?"
_DEFINED_AFTER = re.compile(rf"\A\s?\((?:the )?[“\"]?({_ACRONYM})[”\"]?\)")
_DEFINED_BEFORE = re.compile(rf"\b({_ACRONYM})\s?\($")
_ALLIANCE = guarded(  # behind the guard of its first letters (only faster)
    r"\b(?:([Tt]he|[Oo]ur|[Tt]heir|[Tt]his|[Tt]hat|[Ii]ts)(?: [\w’']+)? )?([Aa]lliance)\b"
)


def acronym_mentions(
    text: str, chosen: list[Candidate], extra: dict[str, Entity]
) -> list[Candidate]:
    """Acronyms defined in parentheses, then every later bare use of them."""
    defined: dict[str, str] = {}
    out: list[Candidate] = []
    # Both patterns need a "(" just after or just before the name: most names have none, and
    # most texts hold few parentheses, found once (set lookups, not two slices per name).
    parens = _offsets(text, "(")
    for c in chosen if parens else ():
        after = (
            _DEFINED_AFTER.match(text[c.end : c.end + 40])
            if c.end in parens or c.end + 1 in parens
            else None
        )
        if after and after.group(1) not in ("The",):
            acr = after.group(1)
            defined.setdefault(acr, c.key)
        if not (c.start - 1 in parens or c.start - 2 in parens):
            continue
        before = _DEFINED_BEFORE.search(text[max(0, c.start - 20) : c.start])
        if before:
            defined.setdefault(before.group(1), c.key)
    if not defined:
        return out
    taken = Taken(len(text), ((c.start, c.end) for c in chosen))
    for acr, key in sorted(defined.items()):
        for m in acronym_uses(text, acr):
            if taken.overlaps(m.start(), m.end()):
                continue
            target = key
            if m.group(1):
                # "12th MLR": the numbered formation of the defined kind.
                base = extra.get(key) or load_gazetteer().get(key)
                if base is None:
                    continue
                label = f"{m.group(1)} {base.label}"
                target = surface_forms().get(label, (f"{base.type.lower()}/{slugify(label)}",))[0]
                if target not in load_gazetteer():
                    extra.setdefault(target, Entity(target, base.type, label))
            cand = Candidate(m.start(), m.end(), target, 0)
            out.append(cand)
            taken.add(cand.start, cand.end)
    return out


def _offsets(text: str, char: str) -> set[int]:
    """Every offset of ``char`` in ``text`` (found by ``str.find``, in C)."""
    found: set[int] = set()
    at = text.find(char)
    while at >= 0:
        found.add(at)
        at = text.find(char, at + 1)
    return found


def acronym_uses(text: str, acronym: str) -> Iterator[re.Match[str]]:
    """The matches in ``text`` of a bare use of ``acronym``, with the ordinal before it if any
    ("12th MLR"), as ``pattern.finditer(text)`` gives them.

    The pattern opens with a lookbehind, so that the regex engine would try it at every
    position of the text; it is tried only where the acronym occurs (found by ``str.find``)
    and where an ordinal and a space before that occurrence can begin (4 to 6 characters
    earlier; see guard.finditer_at)."""
    pattern = re.compile(
        rf"(?<![\w\-])(?:(\d{{1,3}}(?:st|nd|rd|th)) )?{re.escape(acronym)}(?![\w\-])"
    )
    starts: set[int] = set()
    at = text.find(acronym)
    while at >= 0 and acronym:
        starts.update(q for q in (at - 6, at - 5, at - 4, at) if q >= 0)
        at = text.find(acronym, at + 1)
    return finditer_at(pattern, text, starts)


def family_mentions(text: str, chosen: list[Candidate]) -> list[Candidate]:
    """Bare family names of the vocabulary people the text has already named."""
    gaz = load_gazetteer()
    people = {c.key for c in chosen if c.key in gaz and gaz[c.key].type == "Person"}
    out: list[Candidate] = []
    taken = Taken(len(text), ((c.start, c.end) for c in chosen))
    for family, key in family_names().items():
        if key not in people:
            continue
        for m in _family_pattern(family).finditer(text):
            if not taken.overlaps(m.start(), m.end()):
                out.append(Candidate(m.start(), m.end(), key, 0))
                taken.add(m.start(), m.end())
    return out


@lru_cache(maxsize=4096)
def _family_pattern(family: str) -> re.Pattern[str]:
    """``\\b(?:Family|FAMILY)\\b``. Where both forms begin with a word character, the "\\b"
    before them is checked by a lookbehind after them, so that the pattern opens with their
    letters and the regex engine skips to those in C: the same matches, found faster."""
    forms = (family, family.upper())
    if not all(f and (f[0].isalnum() or f[0] == "_") for f in forms):
        return re.compile(rf"\b(?:{re.escape(forms[0])}|{re.escape(forms[1])})\b")
    after = [rf"{re.escape(f)}(?<!\w(?s:.{{{len(f)}}}))" for f in forms]
    return re.compile(rf"(?:{after[0]}|{after[1]})\b")


def document_alliance(
    text: str, chosen: list[Candidate], gaz: dict[str, Entity]
) -> tuple[Entity, list[Candidate]] | None:
    """ "the Alliance": the alliance the text names, else that of the two States it names most."""
    counts: Counter[str] = Counter()
    for c in chosen:
        entity = gaz.get(c.key)
        if entity is not None and entity.type == "State":
            counts[c.key] += 1
        elif entity is not None and entity.represents:
            counts[entity.represents] += 1
    known = {key for _, key in alliances()}
    named: Counter[str] = Counter()
    pairs: dict[str, Entity] = {}
    for c in chosen:
        if c.key in known:
            named[c.key] += 1
        elif (
            c.entity is not None
            and c.key.startswith("organization/")
            and c.entity.label.endswith(" Alliance")
        ):
            named[c.key] += 1
            pairs[c.key] = c.entity
    if named:
        # "the ROK-US alliance ... the Alliance": the alliance the text last named outright.
        spans = sorted((c.start, c.key) for c in chosen if c.key in named)
        out = []
        for m in _bare_alliance_mentions(text, chosen, spans[0][1]):
            before = [key for start, key in spans if start < m.start]
            out.append(replace(m, key=before[-1]) if before else m)
        key = spans[0][1]
        return gaz.get(key) or pairs[key], out
    if len(counts) < 2:
        return None
    first: dict[str, int] = {}
    for c in chosen:
        entity = gaz.get(c.key)
        first.setdefault(entity.represents or c.key if entity else c.key, c.start)
    top = sorted(counts, key=lambda k: (-counts[k], first[k]))[:2]
    entity = alliance_entity(top)
    out = _bare_alliance_mentions(text, chosen, entity.key)
    return (entity, out) if out else None


def _bare_alliance_mentions(text: str, chosen: list[Candidate], key: str) -> list[Candidate]:
    taken: Taken | None = None  # made at the first use (a text may say "Alliance" nowhere)
    out = []
    for m in _alliance_matches(text):
        if m.group(1) or m.group(2) == "Alliance":
            taken = taken or Taken(len(text), ((c.start, c.end) for c in chosen))
            if not taken.overlaps(m.start(2), m.end(2)):
                out.append(Candidate(m.start(2), m.end(2), key, 0))
    return out


def _alliance_matches(text: str) -> Iterator[re.Match[str]]:
    """``_ALLIANCE.finditer(text)``, with each search started near the next "lliance" (found
    in C) instead of trying the pattern at every "t", "o", "i" and "a" of the text before it.

    A match holds at most two spaces, so one that covers the "[Aa]lliance" at ``q`` starts
    after the third space before ``q``. Every match from ``pos`` on ends in an "lliance" at
    or after the first one from ``pos``, so it covers that one or starts after it: none
    starts before that bound, and a search from it finds the same next match as finditer."""
    pos = 0
    while (at := text.find("lliance", pos + 1)) != -1:
        bound = at - 1
        for _ in range(3):  # the third space before the "[Aa]" (-1: fewer spaces)
            bound = text.rfind(" ", 0, bound)
            if bound < 0:
                break
        m = _ALLIANCE.search(text, max(pos, bound + 1))
        if m is None:
            return
        yield m
        pos = m.end()


def resolve_two_plus_two(
    text: str, chosen: list[Candidate], gaz: dict[str, Entity], extra: dict[str, Entity]
) -> list[Candidate]:
    """A bare "2+2" ("the Japan-Australia 2+2") is the ministerial mechanism the text names in
    full, the lexicon's ``two_plus_two_default`` (the SCC) only when it names none."""
    scc = lexicon.text("entities", "two_plus_two_default")
    bare = re.compile(
        r"(?:[\w.\-]+ )?[“\"]?2\+2[”\"]?(?: meetings?)?|"
        r"[“\"]?2\+2[”\"]?(?: (?:Ministerial|Dialogue|Meeting|meetings?))+"
    )

    def entity(c: Candidate) -> Entity | None:
        return gaz.get(c.key) or extra.get(c.key)

    def named_in_full(c: Candidate) -> bool:
        e = entity(c)
        return (
            e is not None
            and e.type == "Mechanism"
            and re.search(r"2\+2|Ministerial|Ministers", e.label) is not None
            and not bare.fullmatch(text[c.start : c.end])
        )

    others = [c.key for c in chosen if c.key != scc and named_in_full(c)]
    others.sort(key=lambda k: "2+2" not in (gaz.get(k) or extra[k]).label)
    if not others:
        return chosen
    out = []
    for c in chosen:
        e = entity(c)
        if (
            c.key != others[0]
            and (c.key == scc or (e is not None and e.type == "Mechanism" and c.key in extra))
            and bare.fullmatch(text[c.start : c.end])
        ):
            c = replace(c, key=others[0], entity=None)
        out.append(c)
    return out


def merge_qualified(chosen: list[Candidate], extra: dict[str, Entity]) -> list[Candidate]:
    """ "the Maritime Dialogue" after "the Philippines-U.S. Maritime Dialogue" is that dialogue.

    A discovered name takes the node of the one state-qualified name it is the rest of.
    """
    qualified: dict[str, set[str]] = {}
    for c in chosen:
        if c.bare is not None:
            qualified.setdefault(c.bare, set()).add(c.key)
    target = {bare: keys.pop() for bare, keys in qualified.items() if len(keys) == 1}
    merged = []
    for c in chosen:
        if c.key in target and c.key in extra and c.key != target[c.key]:
            c = replace(c, key=target[c.key], entity=None)
        merged.append(c)
    return merged
