"""From a document's text to its extraction: sentences, entities, the meeting, commitments."""

from __future__ import annotations

from alliance_kg.loaders.collector import collector_paused
from alliance_kg.loaders.commitments import Context, extract_commitments
from alliance_kg.loaders.entities import recognize
from alliance_kg.loaders.entities.demonyms import state_mentions as demonym_states
from alliance_kg.loaders.gazetteer import load_gazetteer, slugify
from alliance_kg.loaders.meetings import VIRTUAL_PLACE, extract_meeting
from alliance_kg.loaders.model import Entity, Extraction, MeetingInfo, SourceDocument
from alliance_kg.loaders.sentences import (
    blank_spans,
    classify_lines,
    furniture_spans,
    paragraphs,
    sentences_of,
)


def extract(doc: SourceDocument) -> Extraction:
    """Extract entities, the reported meeting and the commitments of one document."""
    # An extraction's tokens, candidates and matches: about a tenth of its time went to the
    # cyclic collector walking the vocabulary and the lexicon.
    with collector_paused():
        return _extract(doc)


def _extract(doc: SourceDocument) -> Extraction:
    # segment()'s steps, with the paragraphs found once for the sentences and the meeting.
    lines = classify_lines(doc.text)
    found = paragraphs(doc.text, lines)
    sentences = sentences_of(doc.text, found)
    text = blank_spans(doc.text, furniture_spans(lines))
    entities, mentions = recognize(text)
    state_mentions = demonym_states(text, entities, mentions)
    paras = [(p.start, p.end) for p in found]
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
