"""Who makes a commitment: the parties named in the subject before its verb.

A name heads the subject unless a preposition puts it in a phrase ("support for Ukraine"); a
person speaks for the State they represent; "the Ministers" and the meeting's series stand for
the States of the meeting.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter, itemgetter

from alliance_kg.loaders.lexicon import derived, words
from alliance_kg.loaders.lexicon.guard import first_chars_guard, guarded
from alliance_kg.loaders.model import Entity, Mention

__all__ = ["Context", "find_parties", "starting_in"]


def _alternatives(entries: list[str]) -> str:
    return "|".join(entries)


@derived
def _collective() -> re.Pattern[str]:
    """Collective subjects that stand for the States of the meeting."""
    entries = words("commitments", "collective_subjects")
    # Behind the guard of its first letters (only faster: lexicon/guard.py).
    return guarded(r"\b(?:" + _alternatives(entries) + r")\b", re.IGNORECASE)


# Compiled once (not looked up in the re module's cache at each call).
_AND_BEFORE = re.compile(r"\band\s+(?:also\s+)?$")
_HE_SHE = re.compile(r"\s*(?:He|She)\b")


@derived
def _preposition_before() -> re.Pattern[str]:
    """A preposition (and a determiner) just before a name: the name is not the subject."""
    guard = first_chars_guard(words("commitments", "prepositions"))
    prepositions = _alternatives(words("commitments", "prepositions"))
    determiners = _alternatives(words("commitments", "determiners"))
    return re.compile(rf"\b{guard}(?:{prepositions})\s+(?:(?:{determiners})\s+)?$", re.IGNORECASE)


@derived
def _earlier_verb() -> re.Pattern[str]:
    """A verb that ends the subject before the predicate ("officials also discussed X and
    reaffirmed"): any -ed form, or an irregular past."""
    irregular = _alternatives(words("commitments", "past_tense_irregular"))
    return re.compile(rf"\s(?:also\s+)?(?:[a-z]{{3,}}ed|{irregular})\b")


@derived
def _group_of() -> re.Pattern[str]:
    guard = first_chars_guard(words("commitments", "group_nouns"))
    groups = _alternatives(words("commitments", "group_nouns"))
    return re.compile(rf"\b{guard}(?:{groups})\s+of\s+(?:the\s+)?$", re.IGNORECASE)


@derived
def _leading_clause() -> re.Pattern[str]:
    openers = _alternatives(words("commitments", "clause_openers"))
    return re.compile(rf"(?:[A-Z][a-z]+ing|{openers})\b")  # used with match(): anchored


@dataclass(frozen=True)
class Context:
    """What commitment extraction needs to know about the document."""

    entities: dict[str, Entity]
    # Both lists of mentions are in text order (by start).
    mentions: list[Mention]
    state_mentions: list[Mention]  # States named or referred to by demonym
    meeting_states: list[str]
    meeting_series: str | None

    @cached_property
    def people(self) -> list[tuple[int, str | None]]:
        """(start, State represented) of each mention of a person, in text order."""
        return [
            (m.start, self.entities[m.entity].represents)
            for m in self.mentions
            if self.entities[m.entity].type == "Person"
        ]


def find_parties(text: str, start: int, verb_at: int, context: Context) -> list[str]:
    """The States making the commitment, from the subject before the verb."""
    zone_start = _subject_start(text, start, verb_at)
    earlier = _earlier_verb().search(text, zone_start, verb_at)
    if earlier and _AND_BEFORE.search(text[earlier.end() : verb_at]):
        verb_at = earlier.start()
    parties: list[str] = []

    def add(keys: Iterable[str]) -> None:
        for key in keys:
            if key not in parties:
                parties.append(key)

    for m in starting_in(context.state_mentions, zone_start, verb_at):
        if _heads_subject(text, zone_start, m.start):
            add([m.entity])
    for m in starting_in(context.mentions, zone_start, verb_at):
        if not _heads_subject(text, zone_start, m.start):
            continue
        entity = context.entities[m.entity]
        if entity.type == "Person" and entity.represents:
            add([entity.represents])
        elif m.entity == context.meeting_series:
            add(context.meeting_states)
    zone = text[zone_start:verb_at]
    if not parties and _HE_SHE.match(zone) and len(zone) < 60:
        # "He stated that he intends to ...": the person the text named last speaks.
        person = _last_person(zone_start, context)
        if person is not None:
            add([person])
    for phrase in _collective().finditer(zone):
        if _heads_subject(text, zone_start, zone_start + phrase.start()):
            add(context.meeting_states)
    return sorted(parties, key=lambda k: context.entities[k].label if k in context.entities else k)


def starting_in(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    """The mentions that start in ``[start, end)``: in text order (as ``Context`` holds them)
    they are one slice, found by bisection, not by a scan of the document for each sentence."""
    at = attrgetter("start")
    return mentions[bisect_left(mentions, start, key=at) : bisect_left(mentions, end, key=at)]


def _last_person(before: int, context: Context) -> str | None:
    """The State of the last person named before an offset, if the text gives one."""
    people = context.people
    i = bisect_left(people, before, key=itemgetter(0))
    return people[i - 1][1] if i else None


_ACCORDING_TO = re.compile(r"according to [^,]{1,80},\s*", re.IGNORECASE)


def _subject_start(text: str, start: int, verb_at: int) -> int:
    """Skip leading adverbial clauses ("To this end, ", "Recognizing ..., ") of the subject."""
    zone = text[start:verb_at]
    attribution = _ACCORDING_TO.match(zone)
    if attribution:
        return start + attribution.end()
    pos = 0
    # match(zone, pos), not match(zone[pos:]): a copy of the zone per clause would make a long
    # subject cost its length times its number of clauses.
    while _leading_clause().match(zone, pos) or (pos and _ING.match(zone, pos)):
        comma = zone.find(", ", pos)
        if comma < 0:
            break
        pos = comma + 2
    return start + pos


_ING = re.compile(r"[a-z]+ing\b")
# The patterns below end at the name; the words they look for lie in this many characters
# before it. A bounded window keeps the cost per name from growing with a long subject.
_BEFORE_WINDOW = 200


def _heads_subject(text: str, zone_start: int, at: int) -> bool:
    """False for a name inside a prepositional phrase ("support for Ukraine")."""
    lo = max(zone_start, at - _BEFORE_WINDOW)
    if _group_of().search(text, lo, at):
        return True
    return not _preposition_before().search(text, lo, at)
