"""Meetings resolved across documents, and the conflicts between what documents state.

Rules, in order (the README's "Across meetings" says the same for users):

1. A document's meeting date is the user's ``meeting_date`` if given, else the date its text
   states. Documents of one series (the series mechanism they name, else the States that met)
   whose dates fall on the same day, or whose stated day ranges overlap, report one meeting.
2. A document whose text states no date joins the meeting of its series whose documents its
   commitments restate most (at least ``MIN_RESTATED`` of them, and more than any other
   meeting), provided the people it names as taking part do not contradict that meeting's.
   Otherwise it is a meeting of its own, undated.
3. A dated document that no other document backs (no other report of its series that day)
   joins another meeting of its series on strong evidence, and the disagreement is recorded
   as a conflict. Strong evidence is all of: its commitments restate that meeting's at least
   ``MIN_RESTATED`` times and more than any other meeting's; its stated date keeps that
   meeting's day and month (only the year differs, by one: the commonest slip); the place and
   the people it names do not contradict that meeting's; that meeting is not itself a lone
   report joining another (of two lone reports that are each other's slip, neither date
   outvotes the other: both stay). A user-given date is never overruled.
4. A resolved meeting takes the date its documents agree on, the place most of them state (the
   user's ``meeting_place`` wins), and the people they name; a person whose State and office
   another person holds in most reports is a participants conflict. A document that merely
   leaves a field out is no conflict.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from alliance_kg.graph.links.read import Corpus, Doc

#: Restated commitments an undated document needs to join a meeting.
MIN_RESTATED = 2
#: Restated commitments a dated document needs to be joined to a meeting of another date.
MIN_RESTATED_DATED = 3


@dataclass
class Meeting:
    """A resolved meeting: its IRI key, series, dates, place, people and documents."""

    key: str  # "meeting/<series-slug>/<date or undated-doc>"
    series: str | None  # IRI of the series mechanism
    states: tuple[str, ...]  # IRIs of the States that met (the series when no mechanism)
    date: str | None
    start: str | None = None
    place: str | None = None
    participants: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Conflict:
    """A document's statement of its meeting that disagrees with the resolved meeting."""

    doc: str
    field: str  # "date", "place" or "participants"
    stated: str  # readable values
    resolved: str
    meeting: str  # Meeting.key
    restated: int  # the document's commitments that restate the meeting's
    evidence: str


def series_of(doc: Doc) -> tuple[str, ...] | None:
    """What identifies a document's meeting series: its mechanism, else the States that met."""
    if doc.series:
        return (doc.series,)
    if len(doc.parties) >= 2:
        return tuple(sorted(doc.parties))
    return None


def reports_meeting(doc: Doc) -> bool:
    """Whether the document reports a meeting: it has a series, names people, or gives a date."""
    return series_of(doc) is not None or bool(doc.participants or doc.date or doc.given_date)


def resolve_meetings(
    corpus: Corpus, restated: Mapping[str, dict[str, set[int]]]
) -> tuple[dict[str, Meeting], dict[str, str], list[Conflict]]:
    """Resolve meetings. ``restated[doc][other_doc]`` holds the doc's commitments (indexes)
    linked to commitments of the other document. Returns the meetings by key, the meeting key
    of each document that reports one, and the conflicts."""
    groups: dict[tuple[tuple[str, ...], str], list[Doc]] = defaultdict(list)
    undated: list[Doc] = []
    for doc in sorted(corpus.docs.values(), key=lambda d: d.key):
        if not reports_meeting(doc):
            continue
        series = series_of(doc)
        series = series or ("",)
        day = doc.given_date or doc.date
        if day is None:
            undated.append(doc)
        else:
            groups[(series, _first_day(doc))].append(doc)
    groups = _merge_overlapping(groups)
    member: dict[str, tuple[tuple[str, ...], str]] = {}
    for gkey, docs in groups.items():
        for doc in docs:
            member[doc.iri] = gkey

    def counts(doc: Doc) -> Counter[tuple[tuple[str, ...], str]]:
        """Per meeting of the document's series, how many of its commitments it restates."""
        found: dict[tuple[tuple[str, ...], str], set[int]] = defaultdict(set)
        same: dict[tuple[tuple[str, ...], str], bool] = {}  # many documents of one meeting
        own = member.get(doc.iri)
        for other, which in restated.get(doc.iri, {}).items():
            gkey = member.get(other)
            if gkey is None or gkey == own:
                continue
            if gkey not in same:
                same[gkey] = _same_series(doc, groups[gkey])
            if same[gkey]:
                found[gkey] |= which
        return Counter({k: len(v) for k, v in found.items()})

    # Rule 2: undated reports join the agreeing meeting of their series they restate most.
    own: list[Doc] = []
    attended: dict[str, set[tuple[tuple[str, ...], str]]] = defaultdict(set)
    for key, docs in groups.items():
        for doc in docs:
            for person in doc.participants:
                attended[person].add(key)
    for doc in undated:
        agreeing = Counter(
            {k: n for k, n in counts(doc).items() if _agrees(corpus, doc, groups[k], False)}
        )
        target = _best(agreeing)
        if target is None:
            target = _attended(doc, groups, attended)
        if target is not None:
            groups[target[0]].append(doc)
            member[doc.iri] = target[0]
        else:
            own.append(doc)
    # Rule 3: a lone dated report that slipped its year joins the meeting it restates.
    conflicts_at: dict[str, tuple[tuple[str, ...], str, int]] = {}
    # Only the days of meetings a report can report with its year one off need its counts.
    days: dict[tuple[tuple[str, frozenset[str]], str], list[str]] = defaultdict(list)
    for key, docs in groups.items():
        for shared in _series_keys(docs):
            days[shared, key[1][5:]].append(key[1])
    for _, docs in sorted(groups.items()):
        if len(docs) != 1 or docs[0].given_date or not docs[0].date:
            continue
        doc, stated = docs[0], docs[0].date or ""
        near = (d for k in _series_keys([doc]) for d in days.get((k, stated[5:]), []))
        if not any(_slipped(stated, d) for d in near):
            continue
        # The meeting it restates most of all, not only of its day and month: in a long series
        # every later meeting restates something, and one of them may share the day by chance.
        target = _best(counts(doc), MIN_RESTATED_DATED)
        if (
            target is not None
            and _slipped(stated, target[0][1])
            and _agrees(corpus, doc, groups[target[0]])
        ):
            conflicts_at[doc.iri] = (*target[0], target[1])
    moving = {member[iri] for iri in conflicts_at}
    conflicts_at = {iri: c for iri, c in conflicts_at.items() if c[:2] not in moving}
    for iri, (series, day, _) in sorted(conflicts_at.items()):
        groups.pop(member[iri], None)
        groups[(series, day)].append(corpus.docs[iri])
        member[iri] = (series, day)

    meetings: dict[str, Meeting] = {}
    doc_meeting: dict[str, str] = {}
    conflicts: list[Conflict] = []
    for (series, day), docs in sorted(groups.items()):
        people, losers = _participants(corpus, docs)  # once for the meeting and its conflicts
        meeting = _meeting(corpus, series, day, sorted(docs, key=lambda d: d.key), people)
        meetings[meeting.key] = meeting
        for doc in docs:
            doc_meeting[doc.iri] = meeting.key
        conflicts += _conflicts(corpus, meeting, docs, conflicts_at, losers)
    for doc in own:
        people, _ = _participants(corpus, [doc])
        meeting = _meeting(corpus, series_of(doc) or ("",), None, [doc], people)
        meetings[meeting.key] = meeting
        doc_meeting[doc.iri] = meeting.key
    return meetings, doc_meeting, sorted(conflicts, key=lambda c: (c.doc, c.field, c.stated))


def _first_day(doc: Doc) -> str:
    return doc.given_date or doc.start or doc.date or ""


def _last_day(doc: Doc) -> str:
    return doc.given_date or doc.date or ""


def _merge_overlapping(
    groups: dict[tuple[tuple[str, ...], str], list[Doc]],
) -> dict[tuple[tuple[str, ...], str], list[Doc]]:
    """Join groups of one series whose day ranges overlap ("January 6-7" and "January 7")."""
    by_series: dict[tuple[str, ...], list[list[Doc]]] = defaultdict(list)
    for (series, _), docs in sorted(groups.items()):
        by_series[series].append(docs)
    out: dict[tuple[tuple[str, ...], str], list[Doc]] = {}
    for series, lists in by_series.items():
        merged: list[list[Doc]] = []
        for docs in lists:  # sorted by first day
            first = min(_first_day(d) for d in docs)
            if merged and first <= max(_last_day(d) for d in merged[-1]):
                merged[-1] += docs
            else:
                merged.append(list(docs))
        for docs in merged:
            out[(series, _resolved_day(docs))] = docs
    return out


def _resolved_day(docs: list[Doc]) -> str:
    """The day most documents give (the user's date first); ties go to the later day."""
    if len(docs) == 1:
        return _last_day(docs[0])
    given = sorted(d.given_date for d in docs if d.given_date)
    if given:
        return given[-1]
    days = Counter(_last_day(d) for d in docs)
    return max(days, key=lambda day: (days[day], day))


def _attended(
    doc: Doc,
    groups: dict[tuple[tuple[str, ...], str], list[Doc]],
    attended: dict[str, set[tuple[tuple[str, ...], str]]],
) -> tuple[tuple[tuple[str, ...], str], int] | None:
    """The one dated meeting of the document's series that every person it names (two or
    more) attended, when its commitments are too few to tell. ``attended`` maps each person
    to the meetings whose reports name them."""
    if len(doc.participants) < 2:
        return None
    shared = set.intersection(*(attended.get(p, set()) for p in doc.participants))
    found = sorted(key for key in shared if key[1] and _same_series(doc, groups[key]))
    return (found[0], 0) if len(found) == 1 else None


def _same_series(doc: Doc, others: list[Doc]) -> bool:
    """Whether the document can report the meeting of ``others``: they name the same series
    mechanism, or, where one side names none, the same States met."""
    mechanisms = {d.series for d in others if d.series}
    if doc.series and mechanisms:
        return doc.series in mechanisms
    states = set().union(*(d.parties for d in others))
    return bool(doc.parties) and doc.parties == states


def _series_keys(docs: list[Doc]) -> set[tuple[str, frozenset[str]]]:
    """Keys a document shares with reports ``docs`` it can report with (``_same_series``)."""
    keys = {("m", frozenset([d.series])) for d in docs if d.series}
    return keys | {("p", frozenset(set().union(*(d.parties for d in docs))))}


def _slipped(stated: str, day: str) -> bool:
    """Whether a stated date is that day with its year one off (the commonest slip)."""
    return stated[5:] == day[5:] and abs(int(stated[:4]) - int(day[:4])) == 1


def _best(
    counts: Counter[tuple[tuple[str, ...], str]], least: int = MIN_RESTATED
) -> tuple[tuple[tuple[str, ...], str], int] | None:
    """The meeting restated most, if it reaches ``least`` and has no tie."""
    ranked = sorted(((n, k) for k, n in counts.items()), reverse=True)
    if not ranked or ranked[0][0] < least:
        return None
    if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
        return None
    return ranked[0][1], ranked[0][0]


def _agrees(corpus: Corpus, doc: Doc, others: list[Doc], check_place: bool = True) -> bool:
    """The document's place and people do not contradict the other reports'."""
    if check_place and doc.place:
        places = {d.place for d in others if d.place}
        if places and doc.place not in places:
            return False
    slots = _slots(corpus, others)
    for person in doc.participants:
        slot = _slot(corpus, person)
        if slot is not None and slot in slots and person not in slots[slot]:
            return False
    return True


def _slot(corpus: Corpus, person: str) -> tuple[str, str] | None:
    entity = corpus.entities.get(person)
    if entity is None or not entity.office or not entity.represents:
        return None
    return entity.represents, entity.office


def _participants(corpus: Corpus, docs: list[Doc]) -> tuple[list[str], dict[str, str]]:
    """The meeting's participants, and each person outvoted in a seat (the same State and
    office) by another whom more reports name and no report names together with them."""
    if len(docs) == 1:
        return sorted(docs[0].participants), {}  # one report names each person once: no loser
    named_by: dict[str, set[str]] = defaultdict(set)
    for doc in docs:
        for person in doc.participants:
            named_by[person].add(doc.iri)
    seats: dict[tuple[str, str], list[str]] = defaultdict(list)
    for person in sorted(named_by):
        seat = _slot(corpus, person)
        if seat is not None:
            seats[seat].append(person)
    losers: dict[str, str] = {}
    for people in seats.values():
        if len(people) < 2:
            continue
        ranked = sorted(people, key=lambda p: (-len(named_by[p]), p))
        if len(named_by[ranked[0]]) == len(named_by[ranked[1]]):
            continue  # nobody holds the seat on more reports than the others
        winner = ranked[0]
        for person in ranked[1:]:
            if not named_by[person] & named_by[winner]:
                losers[person] = winner
    return sorted(p for p in named_by if p not in losers), losers


def _slots(corpus: Corpus, docs: Iterable[Doc]) -> dict[tuple[str, str], Counter[str]]:
    slots: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for doc in docs:
        for person in doc.participants:
            slot = _slot(corpus, person)
            if slot is not None:
                slots[slot][person] += 1
    return slots


def _meeting(
    corpus: Corpus, series: tuple[str, ...], day: str | None, docs: list[Doc], people: list[str]
) -> Meeting:
    mechanism = series[0] if len(series) == 1 and series[0] else None
    states = tuple(sorted({p for d in docs for p in d.parties})) if mechanism else series
    slug = (
        mechanism.rsplit("/", 1)[-1]
        if mechanism
        else "-".join(s.rsplit("/", 1)[-1] for s in states if s) or "meeting"
    )
    key = f"meeting/{slug}/{day}" if day else f"meeting/{slug}/undated-{docs[0].key}"
    given = sorted(d.given_place for d in docs if d.given_place)
    if given or len(docs) == 1:
        place = given[-1] if given else docs[0].place
    else:
        places = Counter(d.place for d in docs if d.place)
        place = max(places, key=lambda p: (places[p], p)) if places else None
    starts = sorted(d.start for d in docs if d.start and day and d.start <= day)
    return Meeting(
        key, mechanism, states, day, starts[0] if starts else None, place, sorted(people),
        [d.iri for d in docs],
    )  # fmt: skip


def _conflicts(
    corpus: Corpus,
    meeting: Meeting,
    docs: list[Doc],
    joined: dict[str, tuple[tuple[str, ...], str, int]],
    losers: dict[str, str],
) -> list[Conflict]:
    out = []
    places = Counter(d.place for d in docs if d.place)
    for doc in docs:
        restated = joined.get(doc.iri, (("",), "", 0))[2]
        why = (
            f"{restated} of its commitments restate those of this meeting; no other report "
            "gives its date"
            if doc.iri in joined
            else f"{len(meeting.docs) - 1} other report(s) of the meeting"
        )
        first, last = _first_day(doc), _last_day(doc)
        if meeting.date and last and not doc.given_date and not first <= meeting.date <= last:
            out.append(Conflict(doc.iri, "date", last, meeting.date, meeting.key, restated, why))
        stated, resolved = doc.place or "", meeting.place or ""
        if stated and resolved and places[stated] < places[resolved] and not doc.given_place:
            found = (_label(corpus, stated), _label(corpus, resolved))
            out.append(Conflict(doc.iri, "place", *found, meeting.key, restated, why))
        wrong = sorted(p for p in doc.participants if p in losers)
        if wrong:
            found = (_labels(corpus, wrong), _labels(corpus, sorted({losers[p] for p in wrong})))
            out.append(Conflict(doc.iri, "participants", *found, meeting.key, restated, why))
    return out


def _label(corpus: Corpus, iri: str) -> str:
    entity = corpus.entities.get(iri)
    return entity.label if entity else iri.rsplit("/", 1)[-1]


def _labels(corpus: Corpus, iris: list[str]) -> str:
    return ", ".join(_label(corpus, iri) for iri in iris)
