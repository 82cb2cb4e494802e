"""From a document's text to its extraction: sentences, entities, the meeting, commitments."""

from __future__ import annotations

import re
from functools import lru_cache

from alliance_kg.loaders.commitments import Context, extract_commitments
from alliance_kg.loaders.entities import recognize
from alliance_kg.loaders.gazetteer import demonyms, load_gazetteer, slugify
from alliance_kg.loaders.meetings import VIRTUAL_PLACE, extract_meeting
from alliance_kg.loaders.model import Entity, Extraction, MeetingInfo, Mention, SourceDocument
from alliance_kg.loaders.sentences import (
    blank_spans,
    furniture_spans,
    paragraphs,
    segment,
)


def extract(doc: SourceDocument) -> Extraction:
    """Extract entities, the reported meeting and the commitments of one document."""
    sentences, lines = segment(doc.text)
    text = blank_spans(doc.text, furniture_spans(lines))
    entities, mentions = recognize(text)
    state_mentions = _state_mentions(text, entities, mentions)
    paras = [(p.start, p.end) for p in paragraphs(doc.text, lines)]
    meeting = extract_meeting(doc, text, sentences, paras, mentions, entities, state_mentions)
    if doc.meeting_date or doc.meeting_place:
        meeting = _given_meeting(doc, meeting, entities)
    for key in meeting.states if meeting else []:
        if key not in entities:
            entities[key] = load_gazetteer()[key]
    context = Context(
        entities=entities,
        mentions=mentions,
        state_mentions=state_mentions,
        meeting_states=meeting.states if meeting else [],
        meeting_series=meeting.series if meeting else None,
    )
    commitments = extract_commitments(text, sentences, context)
    return Extraction(doc, entities, mentions, commitments, meeting)


def _given_meeting(
    doc: SourceDocument, meeting: MeetingInfo | None, entities: dict[str, Entity]
) -> MeetingInfo:
    """The meeting with the date and place the user gave in the document's metadata."""
    meeting = meeting or MeetingInfo(series=None, date=None)
    meeting.given_date = doc.meeting_date
    if doc.meeting_place:
        name = " ".join(doc.meeting_place.split())
        if name.lower() in ("virtual", "online"):
            meeting.given_place = VIRTUAL_PLACE
        else:
            known, found = recognize(name)
            places = [m.entity for m in found if known[m.entity].type == "Place"]
            if places:
                meeting.given_place = places[0]
                entities.setdefault(places[0], known[places[0]])
            else:
                key = f"place/{slugify(name)}"
                entities.setdefault(key, Entity(key, "Place", name))
                meeting.given_place = key
    return meeting


def _state_mentions(
    text: str, entities: dict[str, Entity], mentions: list[Mention]
) -> list[Mention]:
    """States named outright plus those referred to by demonym ("the Japanese side")."""
    found = [m for m in mentions if entities[m.entity].type == "State"]
    taken = [(m.start, m.end) for m in mentions]
    pattern, by_form = _demonym_pattern()
    for m in pattern.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        key = by_form[m.group(1)]
        found.append(Mention(m.start(1), m.end(1), m.group(1), key))
        if key not in entities:
            entities[key] = load_gazetteer()[key]
    return sorted(found, key=lambda m: m.start)


@lru_cache(maxsize=1)
def _demonym_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    by_form = demonyms()
    forms = sorted(by_form, key=len, reverse=True)
    # A demonym names its State when it qualifies the people or the side that speaks for it.
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(f) for f in forms) + r")(?=\s+(?:and\s+\w+\s+)?"
        r"(?:side|government|officials?|ministers?|leaders?|delegation|counterparts?|"
        r"partners?|diplomatic|defense|defence|forces|military|foreign|prime|president))"
    )
    return pattern, by_form
