"""The meeting a statement reports: its series, date, place, participants and States."""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from operator import itemgetter
from typing import TypeVar

from alliance_kg.loaders.dates import DateMention, find_dates
from alliance_kg.loaders.gazetteer import demonyms, surface_forms
from alliance_kg.loaders.lexicon import derived, words
from alliance_kg.loaders.lexicon.guard import guarded
from alliance_kg.loaders.model import Entity, MeetingInfo, Mention, Sentence, SourceDocument


def _whole_words(name: str) -> re.Pattern[str]:
    # Behind the guard of its first letters (only faster: lexicon/guard.py).
    return guarded(r"\b(?:" + "|".join(words("meetings", name)) + r")\b", re.IGNORECASE)


@derived
def _meeting_cue() -> re.Pattern[str]:
    """Words of a sentence that reports a meeting."""
    return _whole_words("cues")


@derived
def _virtual() -> re.Pattern[str]:
    return _whole_words("virtual")


@derived
def _series_head() -> re.Pattern[str]:
    """Words in a mechanism's name that make it a series of meetings."""
    return re.compile("(?:" + "|".join(words("meetings", "series_heads")) + ")", re.IGNORECASE)


VIRTUAL_PLACE = "place/virtual"


def extract_meeting(
    doc: SourceDocument,
    text: str,
    sentences: list[Sentence],
    paragraphs: list[tuple[int, int]],
    mentions: list[Mention],
    entities: dict[str, Entity],
    state_mentions: list[Mention],
) -> MeetingInfo | None:
    """Find the meeting the document reports.

    ``text`` has page furniture blanked; ``state_mentions`` are the State mentions including
    demonyms ("Japanese officials"), used to tell which States met.
    """
    dates = find_dates(text)
    default_year = _default_year(doc, dates, text)
    series_spans = [(m.start, m.end) for m in mentions if _names_series(m, entities)]
    meeting_sentence, meeting_date = _meeting_sentence(sentences, dates, series_spans)
    if meeting_sentence is None:
        # A readout under a dated heading: "... met in Jakarta today".
        # (The heading may sit in a line read as furniture, so its date comes from the full text.)
        meeting_sentence, meeting_date = _dated_by_heading(text, sentences, find_dates(doc.text))
    if meeting_sentence is None and doc.date and len(doc.date) == 10:
        # A report dated by its metadata: "... said on Thursday" is the last Thursday till then.
        meeting_sentence, meeting_date = _dated_by_weekday(sentences, series_spans, doc.date)

    scope: tuple[int, int] | None = None
    if meeting_sentence is not None:
        scope = _paragraph_of(paragraphs, meeting_sentence.start, meeting_sentence.end)
    else:
        scope = _first_paragraph_with_person(paragraphs, mentions, entities)
    people = [m for m in mentions if entities[m.entity].type == "Person"]
    participants = _unique(
        m.entity
        for m in people
        if meeting_sentence and meeting_sentence.start <= m.start < meeting_sentence.end
    )
    if len(participants) < 2:
        # Lists of delegates often follow the sentence that reports the meeting.
        participants = _unique(m.entity for m in people if scope and scope[0] <= m.start < scope[1])
    if meeting_sentence is None and len(participants) < 2:
        # A report that never dates the meeting names who took part where it speaks of it:
        # "The consultations were led by ...", "Austin said the talks had endorsed ...".
        spoken = [(s.start, s.end) for s in sentences if _meeting_cue().search(s.text)]
        participants = _unique(
            [*participants, *(m.entity for m in people if _within(spoken, m.start))]
        )

    series = None
    place = None
    virtual = False
    states: list[str] = []
    if meeting_sentence is not None:
        inside = [m for m in mentions if meeting_sentence.start <= m.start < meeting_sentence.end]
        series = _series(inside, entities)
        place = _place(text, inside, entities)
        virtual = bool(_virtual().search(meeting_sentence.text))
        if virtual:
            place = VIRTUAL_PLACE
        states = _unique(
            m.entity
            for m in state_mentions
            if meeting_sentence.start <= m.start < meeting_sentence.end
        )
    if series is None:
        head_end = _head_end(text)  # once: with few line breaks it reads far into the text
        head = [m for m in mentions if m.start < head_end]
        series = _series(head, entities)
    members = _named_states(entities[series]) if series is not None else []
    if members:
        # A series named after its members ("Australia-United States Ministerial
        # Consultations") says who meets; a State the meeting sentence names is a topic.
        states = list(members)
    for person in participants:
        represented = entities[person].represents
        if represented and represented not in states:
            states.append(represented)
    if len(states) < 2:
        counts = Counter(m.entity for m in state_mentions)
        for key, _ in counts.most_common():
            if len(states) >= 2:
                break
            if key not in states:
                states.append(key)

    if meeting_date is None and series is None and not participants:
        return None
    return MeetingInfo(
        series=series,
        date=meeting_date.iso(default_year) if meeting_date else None,
        start_date=meeting_date.iso_start(default_year) if meeting_date else None,
        place=place,
        virtual=virtual,
        participants=participants,
        states=sorted(states),
    )


def _named_states(series: Entity) -> list[str]:
    """The States a series mechanism's name or aliases name ("Australia-United States
    Ministerial Consultations"), in order: the longest runs of its words that are a State's
    name or demonym."""
    forms = surface_forms()
    by_demonym = demonyms()
    for name in (series.label, *sorted(series.aliases)):
        words = [w for w in re.split(r"[\s/-]+", name) if w]
        found: list[str] = []
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + 4), i, -1):
                phrase = " ".join(words[i:j])
                keys = [k for k in forms.get(phrase, ()) if k.startswith("state/")]
                key = keys[0] if len(keys) == 1 else by_demonym.get(phrase)
                if key is not None:
                    if key not in found:
                        found.append(key)
                    i = j
                    break
            else:
                i += 1
        if len(found) >= 2:
            return found
    return []


def _default_year(doc: SourceDocument, dates: list[DateMention], text: str) -> int | None:
    """The year that completes "On 5 June": the document's date, a full date in the text, or a
    year its title gives ("Joint statement AUSMIN 2017")."""
    if doc.date and doc.date[:4].isdigit():
        return int(doc.date[:4])
    for d in dates:
        if d.year:
            return d.year
    titled_meta = re.search(r"\b(19[5-9]\d|20\d\d)\b", doc.title or "")
    if titled_meta:
        return int(titled_meta.group(1))
    titled = re.search(r"\b(19[5-9]\d|20\d\d)\b", text[: _head_end(text, lines=2)])
    return int(titled.group(1)) if titled else None


def _meeting_sentence(
    sentences: list[Sentence], dates: list[DateMention], series_spans: list[tuple[int, int]]
) -> tuple[Sentence | None, DateMention | None]:
    """The first sentence that speaks of a meeting (or names a meeting series) with a date."""
    dated = [(d.start, d) for d in dates]
    for sentence in sentences:
        names_series = bool(_starting_in(series_spans, sentence.start, sentence.end))
        if not (names_series or _meeting_cue().search(sentence.text)):
            continue
        inside = _starting_in(dated, sentence.start, sentence.end)
        if inside:
            return sentence, inside[0][1]
    return None, None


_TODAY = re.compile(r"\b(?:today|this morning|this afternoon|this evening)\b", re.IGNORECASE)


def _dated_by_heading(
    text: str, sentences: list[Sentence], dates: list[DateMention]
) -> tuple[Sentence | None, DateMention | None]:
    """A meeting sentence saying "today", dated by the first full date of the document's head."""
    head = [d for d in dates if d.year is not None and d.start < _head_end(text, lines=12)]
    if not head:
        return None, None
    for sentence in sentences:
        if _meeting_cue().search(sentence.text) and _TODAY.search(sentence.text):
            return sentence, head[0]
    return None, None


_WEEKDAY = re.compile(
    r"\b(?:on|last|this)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _dated_by_weekday(
    sentences: list[Sentence], series_spans: list[tuple[int, int]], published: str
) -> tuple[Sentence | None, DateMention | None]:
    """A meeting sentence saying "on Thursday", dated as the last such day up to the day the
    document was published (its metadata date)."""
    import datetime

    try:
        day = datetime.date.fromisoformat(published)
    except ValueError:
        return None, None
    for sentence in sentences:
        names_series = bool(_starting_in(series_spans, sentence.start, sentence.end))
        if not (names_series or _meeting_cue().search(sentence.text)):
            continue
        m = _WEEKDAY.search(sentence.text)
        if m is None:
            continue
        back = (day.weekday() - _WEEKDAYS.index(m.group(1))) % 7
        met = day - datetime.timedelta(days=back)
        at = sentence.start + m.start()
        return sentence, DateMention(at, at + len(m.group(0)), met.year, met.month, met.day)
    return None, None


T = TypeVar("T")


def _starting_in(items: list[tuple[int, T]], start: int, end: int) -> list[tuple[int, T]]:
    """The items (sorted by their first member, an offset) that start in ``[start, end)``, by
    bisection: a scan of them all for each sentence would grow with the square of the text."""
    key = itemgetter(0)
    return items[bisect_left(items, start, key=key) : bisect_left(items, end, key=key)]


def _within(spans: list[tuple[int, int]], at: int) -> bool:
    """Whether offset ``at`` falls in one of the sorted, disjoint ``spans``."""
    k = bisect_right(spans, (at, sys.maxsize)) - 1
    return k >= 0 and spans[k][0] <= at < spans[k][1]


def _paragraph_of(paragraphs: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    for a, b in paragraphs:
        if a <= start < b:
            return a, max(b, end)
    return start, end


def _first_paragraph_with_person(
    paragraphs: list[tuple[int, int]], mentions: list[Mention], entities: dict[str, Entity]
) -> tuple[int, int] | None:
    for a, b in paragraphs[:3]:
        if any(a <= m.start < b and entities[m.entity].type == "Person" for m in mentions):
            return a, b
    return None


def _names_series(m: Mention, entities: dict[str, Entity]) -> bool:
    """A mention of a meeting series: a Mechanism named as a committee, dialogue, 2+2, ..."""
    entity = entities[m.entity]
    return entity.type == "Mechanism" and bool(_series_head().search(entity.label + " " + m.text))


def _series(mentions: list[Mention], entities: dict[str, Entity]) -> str | None:
    return next((m.entity for m in mentions if _names_series(m, entities)), None)


def _place(text: str, mentions: list[Mention], entities: dict[str, Entity]) -> str | None:
    for m in mentions:
        if entities[m.entity].type != "Place":
            continue
        before = text[max(0, m.start - 8) : m.start].lower()
        if re.search(r"\b(?:in|at)\s+(?:the\s+)?$", before):
            return m.entity
    return None


def _head_end(text: str, lines: int = 6) -> int:
    """End of the document's head: its first few lines, where titles name the series."""
    pos = 0
    for _ in range(lines):
        nxt = text.find("\n", pos + 1)
        if nxt < 0:
            return len(text)
        pos = nxt
    return pos


def _unique(keys: Iterable[str]) -> list[str]:
    out: list[str] = []
    for key in keys:
        if key not in out:
            out.append(key)
    return out
