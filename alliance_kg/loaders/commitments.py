"""Commitment sentences: who takes which position, about what, by when.

Follows the annotation guidelines: a sentence is a commitment when a party (a State, its
ministers, "the Ministers", "both sides", "the Alliance", ...) is reported as taking a position
or an intention, carried by a verb of one of the six types. A list item that completes a
lead-in ("agreed to: - Enhance ...") takes the lead-in's parties and, lacking a verb of its own,
its type.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace

from alliance_kg.loaders.deadlines import deadlines
from alliance_kg.loaders.entities.base import token_columns, token_norms
from alliance_kg.loaders.lexicon import derived, table, words
from alliance_kg.loaders.lexicon.guard import (
    Literals,
    finditer_near,
    first_chars_guard,
    lowered,
    occurs_in,
)
from alliance_kg.loaders.lexicon.token_index import TokenIndex
from alliance_kg.loaders.model import Commitment, Mention, Sentence
from alliance_kg.loaders.parties import Context, find_parties, starting_in

# --------------------------------------------------------------------------- lexicon
# The words live in lexicon/commitments.toml; these functions compile them.


def _alternatives(entries: list[str]) -> str:
    return "|".join(entries)


def _typed_patterns(name: str, start: str, end: str) -> list[_Typed]:
    """One pattern per commitment type of the lexicon table ``name``, in its order. ``start``
    ends by opening the entries' group, "(?:": their guard goes just before it (see guard)."""
    out = []
    for kind, entries in table("commitments", name).items():
        guarded = start.removesuffix("(?:") + first_chars_guard(entries) + "(?:"
        pattern = re.compile(guarded + _alternatives(entries) + end, re.IGNORECASE)
        # (A Unicode word boundary before every entry: the guard is zero-width.)
        out.append((pattern, kind, Literals(entries, bounded=start.startswith(r"\b"))))
    return out


# A pattern, the commitment type it gives, and the words a text needs for it to match there.
_Typed = tuple[re.Pattern[str], str, Literals]


@derived
def _predicate_res() -> list[_Typed]:
    """One pattern per commitment type, in the lexicon's order of priority."""
    return _typed_patterns("predicates", r"\b(?:", ")")


@derived
def _complements() -> list[_Typed]:
    """Words inside the rest of the sentence that add a type to a commitment already found."""
    return _typed_patterns("complements", "(?:", ")")


@derived
def _view_that() -> re.Pattern[str]:
    """A view reported with "that" takes its type from what it says: "highlighted that the PRC
    employs coercion" opposes; "concurred that ... is a threat" pledges a stance against it."""
    views = table("commitments", "views")
    return re.compile(
        rf"(?P<report>{_alternatives(views['report'])})|(?P<agree>{_alternatives(views['agree'])})",
        re.IGNORECASE,
    )


@derived
def _hostile() -> re.Pattern[str]:
    return re.compile(
        r"\b(?:" + _alternatives(words("commitments", "hostile")) + r")\b", re.IGNORECASE
    )


@derived
def _item_verbs() -> list[_Typed]:
    """Gerunds and bare verbs that carry a type in list items ("Reaffirming their support")."""
    return _typed_patterns("item_verbs", r"\b(?:", r")\b")


@derived
def _function_words() -> frozenset[str]:
    """Words after a name that show it is used as a noun, not as a modifier."""
    return frozenset(words("commitments", "function_words"))


_ITEM_LABEL = re.compile(r"^[^:.;]{2,80}:\s+")
_ACCORDING = re.compile("according to ", re.IGNORECASE)


@derived
def _attribution() -> re.Pattern[str]:
    """Who reports a sentence: "According to X," before it, "..., X said." after a quote."""
    verbs = _alternatives(words("commitments", "attribution_verbs"))
    return re.compile(
        rf"(?:^according to [^,]{{1,80}},\s*)|(?:[”\"],?\s+[^“”\".]{{0,80}}\b(?:{verbs})\.?$)",
        re.IGNORECASE,
    )


class _Words:
    """Where the words of the predicate and complement patterns occur in one document (see
    guard.Literals): a sentence that holds none of a pattern's words is not searched with it."""

    def __init__(self, text: str) -> None:
        low = lowered(text)
        predicates, complements = _predicate_res(), _complements()  # their pieces registered
        # The tokens the entity recognition cut this text into (kept: base.token_columns).
        index = TokenIndex(token_columns(text)[1], token_norms(text))
        self.predicates = [literals.positions(low, index) for _, _, literals in predicates]
        self.complements = [literals.positions(low, index) for _, _, literals in complements]


def extract_commitments(text: str, sentences: list[Sentence], context: Context) -> list[Commitment]:
    """Return the commitments among the sentences, in document order."""
    words = _Words(text)
    out: list[Commitment] = []
    lead_in_parties: dict[int, list[str]] = {}
    lead_in_types: dict[int, list[str]] = {}
    for sentence in sentences:
        commitment = _commitment(text, sentence, context, words)
        if commitment is not None and not context.meeting_states and len(commitment.parties) > 1:
            # No meeting says who met: "the two allies", "they" stand for the States the
            # text last named as making a commitment together.
            context = replace(context, meeting_states=commitment.parties)
        if sentence.text.endswith(":"):
            parties = (
                commitment.parties if commitment else _subject_parties(text, sentence, context)
            )
            lead_in_parties[sentence.start] = parties
            lead_in_types[sentence.start] = commitment.types if commitment else []
        if (
            commitment is None
            and sentence.lead_in is not None
            and not _own_subject(text, sentence, words)
        ):
            parties = lead_in_parties.get(sentence.lead_in.start, [])
            if parties:
                types = (
                    _item_types(sentence.text)
                    or lead_in_types.get(sentence.lead_in.start)
                    or ["Pledge"]
                )
                concerns = _concerns(text, sentence, context, parties, subject_end=sentence.start)
                commitment = Commitment(
                    sentence, types, parties, concerns, deadlines(text, sentence)
                )
        if commitment is not None:
            out.append(commitment)
    return out


def _commitment(
    text: str, sentence: Sentence, context: Context, words: _Words
) -> Commitment | None:
    body_start = sentence.start + _label_length(sentence.text)
    matches = _predicates(text, body_start, sentence.end, words)
    if not matches:
        return None
    verb_at = body_start + matches[0][0]
    parties = find_parties(text, body_start, verb_at, context)
    if not parties:
        return None
    types: list[str] = []
    for _, kind in matches:
        if kind not in types:
            types.append(kind)
    after = text[verb_at : sentence.end]
    types = _view_types(after, types, first=matches[0][1])
    for (pattern, kind, literals), where in zip(_complements(), words.complements, strict=True):
        if kind in types or not occurs_in(where, verb_at, sentence.end):
            continue
        # Searched for near its words only (the first match found, as pattern.search finds).
        near = literals.near(where, verb_at, sentence.end)
        if next(finditer_near(pattern, after, near, literals.lead), None) is not None:
            types.append(kind)
    concerns = _concerns(text, sentence, context, parties, subject_end=verb_at)
    return Commitment(sentence, types, parties, concerns, deadlines(text, sentence))


def _view_types(after: str, types: list[str], first: str) -> list[str]:
    """Types of a commitment whose first verb reports a view "that" something hostile is so."""
    m = _view_that().match(after)
    clause = after[m.end() :] if m else ""
    if m is None or not re.match(r"\s+that\b", clause) or not _hostile().search(clause):
        return types
    if m.group("report") and types.count(first) == 1 and first != "Opposition":
        # The reporting verb's own type ("highlighted" -> Announcement) gives way.
        types = [t for t in types if t != first]
    return ["Opposition", *[t for t in types if t != "Opposition"]]


def _own_subject(text: str, sentence: Sentence, words: _Words) -> bool:
    """True when a list item is a clause of its own ("X: The emphasis on Y underscores Z")."""
    body_start = sentence.start + _label_length(sentence.text)
    matches = _predicates(text, body_start, sentence.end, words)
    return bool(matches) and bool(text[body_start : body_start + matches[0][0]].strip())


def _predicates(text: str, start: int, end: int, words: _Words) -> list[tuple[int, str]]:
    """Positions (from ``start``) and types of the predicate verbs in ``text[start:end]``,
    skipping ones inside relative clauses."""
    # Each pattern is searched for near its words only (Literals.near).
    typed = [
        (pattern, kind, literals.near(where, start, end), literals.lead)
        for (pattern, kind, literals), where in zip(_predicate_res(), words.predicates, strict=True)
        if occurs_in(where, start, end)
    ]
    if not typed:  # a sentence holding no predicate's words needs nothing below
        return []
    body = text[start:end]
    found: list[tuple[int, int, str]] = []
    taken = bytearray(len(body) + 1)  # offsets inside a verb found: one lookup, not a scan
    clauses: _Clauses | None = None  # found at the first verb that needs them
    for pattern, kind, near, lead in typed:
        for m in finditer_near(pattern, body, near, lead):
            if taken[m.start()]:
                continue
            if _RELATIVE_BEFORE.search(body[max(0, m.start() - 7) : m.start()]):
                continue
            clauses = clauses or _Clauses(body)
            if clauses.open_at(m.start()):
                continue
            found.append((m.start(), m.end(), kind))
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    found.sort()
    return [(a, kind) for a, _, kind in found]


class _Clauses:
    """The relative clauses of a sentence (", which ..."), found once for all its verbs."""

    def __init__(self, body: str) -> None:
        self._ends = [m.end() for m in _RELATIVE.finditer(body)]
        # Only a sentence with a relative clause needs its commas (most have none); they are
        # found by the regex engine, not by a Python loop over every character.
        self._commas = [m.start() for m in _COMMA.finditer(body)] if self._ends else []

    def open_at(self, at: int) -> bool:
        """ "..., which Secretary Carter will convene": whether a clause is still open at ``at``
        (one opened before it and no comma since)."""
        i = bisect_right(self._ends, at)
        if not i:
            return False
        since = self._ends[i - 1]
        return bisect_left(self._commas, since) == bisect_left(self._commas, at)


_RELATIVE = re.compile(r",\s*(?:which|who|where|whom)\b")
_COMMA = re.compile(",")


# Compiled once (not looked up in the re module's cache at each call).
_RELATIVE_BEFORE = re.compile(r"\b(?:which|that|who)\s+$")
_NEXT_WORD = re.compile(r"[ \t]+([A-Za-z][\w-]*)")
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"[’']s\b")
_OBJECT_BEFORE = re.compile(r"\b(?:in|across|of|to|for|with|from|on|against)\s+(?:the\s+)?$")


def _label_length(sentence_text: str) -> int:
    m = _ITEM_LABEL.match(sentence_text)
    if m and not re.search(r"\b(?:said|stated|noted)\b", m.group()):
        return m.end()
    return 0


def _subject_parties(text: str, sentence: Sentence, context: Context) -> list[str]:
    """Parties of a sentence with no predicate of its own (a lead-in such as "discussed:")."""
    body_start = sentence.start + _label_length(sentence.text)
    verb = re.search(
        r"\b(?:discussed|addressed|exchanged|held|met|noted|stated|said|highlights|are|is|"
        r"have|has|were|was|agreed|resolved|decided|committed)\b",
        text[body_start : sentence.end],
    )
    if verb is None:
        return []
    return find_parties(text, body_start, body_start + verb.start(), context)


def _concerns(
    text: str, sentence: Sentence, context: Context, parties: list[str], subject_end: int
) -> list[str]:
    body = text[sentence.start : sentence.end]
    attribution = _attributed(body)
    cut = sentence.start + attribution.start() if attribution and attribution.start() > 0 else None
    concerns: list[str] = []
    for m in starting_in(context.mentions, sentence.start, sentence.end):
        if cut is not None and m.start >= cut:
            continue
        if (
            attribution
            and attribution.start() == 0
            and m.start < sentence.start + attribution.end()
        ):
            continue
        entity = context.entities[m.entity]
        if entity.type == "Person":
            continue
        if m.start < subject_end and (m.entity in parties or m.entity == context.meeting_series):
            continue
        if m.entity in parties and not _party_as_object(text, m):
            continue
        if entity.type == "Organization" and _modifier(text, m):
            continue
        if m.entity not in concerns:
            concerns.append(m.entity)
    return concerns


def _attributed(body: str) -> re.Match[str] | None:
    """``_attribution().search(body)``. Either form of attribution needs "according to"
    opening the sentence or a closing quote: the pattern, which the regex engine tries at
    every position, is searched only in a sentence that has one."""
    if '"' in body or "”" in body or _ACCORDING.match(body):
        return _attribution().search(body)
    return None


def _next_word(text: str, m: Mention) -> str:
    nxt = _NEXT_WORD.match(text[m.end : m.end + 40])
    return nxt.group(1) if nxt else ""


def _modifier(text: str, m: Mention) -> bool:
    """A name used to qualify a noun ("Alliance activities"), not named as a thing itself."""
    word = _next_word(text, m)
    if not word or word.lower() in _function_words() or not word[0].islower():
        return False
    return not _THE_BEFORE.search(text[max(0, m.start - 5) : m.start])


def _party_as_object(text: str, m: Mention) -> bool:
    """A party State is also a concern where it is the object: "the defense of Japan"."""
    before = text[max(0, m.start - 12) : m.start]
    after = text[m.end : m.end + 12]
    if _POSSESSIVE.match(after):  # possessive: "Japan's Southwest Islands"
        return False
    word = _next_word(text, m)
    if word and word.lower() not in _function_words():  # a modifier: "U.S. forces", "U.S. MQ-9"
        return False
    return bool(_OBJECT_BEFORE.search(before))


def _item_types(sentence_text: str) -> list[str]:
    types: list[str] = []
    for pattern, kind, _ in _item_verbs():
        if pattern.search(sentence_text) and kind not in types:
            types.append(kind)
    return types
