"""The links graph's triples about each meeting, a part of their own (``parts.py``).

A meeting's part holds every triple whose subject is the meeting (its label, date, place,
people, the meeting before it in its series), one of the documents that report it, one of
their commitments that nobody makes (in no block: the meeting they were stated at, and the
meeting date of their deadlines) or a conflict about it. Its key is the digest of all of that
is worked out from (the meeting as resolved, its label, the one before it, its documents and
those commitments, its conflicts) and the code that writes it: a build that adds a statement
changes the parts of a few meetings, and the others are neither written out nor compared
again (``write.write_links``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import cache

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS

from alliance_kg.graph.links import parts
from alliance_kg.graph.links.blocks import code_digest
from alliance_kg.graph.links.kept_items import docs_of, parties_of
from alliance_kg.graph.links.meetings import Conflict, Meeting
from alliance_kg.graph.links.parts import Part, meeting_slot
from alliance_kg.graph.links.read import Corpus, Item
from alliance_kg.graph.store import RdfTriple
from alliance_kg.ontology import AKG, ID


def meeting_parts(
    corpus: Corpus,
    meetings: Mapping[str, Meeting],
    doc_meeting: Mapping[str, str],
    conflicts: Sequence[Conflict],
    kept: Mapping[str, int] | None = None,
) -> list[Part]:
    """One part for each meeting, in the order of ``meetings``. With ``kept`` (the keys of
    the parts the last write of the links graph left), each part has its key, and those kept
    come without their triples; without, no part has a key."""
    before: dict[str, list[str]] = defaultdict(list)
    for later, earlier in previous_meetings(dict(meetings)):
        before[later].append(earlier)
    reports: dict[str, list[str]] = defaultdict(list)
    for doc, key in sorted(doc_meeting.items()):
        reports[key].append(doc)
    nobodys: dict[str, list[Item]] = defaultdict(list)
    docs = docs_of(corpus)
    for i, parties in enumerate(parties_of(corpus)):
        if not parties and docs[i] in doc_meeting:
            nobodys[docs[i]].append(corpus.items[i])
    about: dict[str, list[Conflict]] = defaultdict(list)
    for conflict in conflicts:
        about[conflict.meeting].append(conflict)
    out: list[Part] = []
    for key, meeting in meetings.items():
        docs, found = reports[key], about[key]
        items = [item for doc in docs for item in nobodys[doc]]
        part = ""
        if kept is not None:
            part = _key(corpus, meeting, before[key], docs, items, found)
            if part in kept:
                out.append(Part(part, None, 0, meeting_slot(key)))
                continue
        triples = meeting_triples(corpus, meeting)
        triples += [(ID[key], AKG.previousMeeting, ID[earlier]) for earlier in before[key]]
        triples += [(URIRef(doc), AKG.reports, ID[key]) for doc in docs]
        for item in items:
            triples.append((URIRef(item.iri), AKG.atMeeting, ID[key]))
            if meeting.date:
                date = Literal(meeting.date, datatype=XSD.date)
                triples += [(URIRef(dl), AKG.meetingDate, date) for dl, _, _ in item.deadlines]
        for conflict in found:
            triples += conflict_triples(corpus, conflict, meetings)[1]
        out.append(Part(part, triples, 0, meeting_slot(key)))
    return out


def previous_meetings(meetings: dict[str, Meeting]) -> list[tuple[str, str]]:
    """Pairs (meeting key, key of the previous meeting): for each dated meeting of a series
    mechanism, the meetings of that series on the latest earlier date (one, as keys hold the
    series and the day). What ``akg:previousMeeting`` says, so that queries need not compare
    every pair of meetings of a series."""
    by_series: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for meeting in meetings.values():
        if meeting.series and meeting.date:
            by_series[meeting.series][meeting.date].append(meeting.key)
    out: list[tuple[str, str]] = []
    for days in by_series.values():
        ordered = sorted(days)
        for before, day in zip(ordered, ordered[1:], strict=False):
            out += [(later, earlier) for later in days[day] for earlier in days[before]]
    return sorted(out)


def _key(
    corpus: Corpus,
    meeting: Meeting,
    before: list[str],
    docs: list[str],
    items: list[Item],
    conflicts: list[Conflict],
) -> str:
    """The digest of all a meeting's part depends on."""
    lines = [_code(), repr(meeting), meeting_label(corpus, meeting), repr(before), repr(docs)]
    lines += [f"{item.iri}\t{item.deadlines}" for item in items]
    for conflict in conflicts:
        doc = corpus.docs[conflict.doc]
        lines.append(f"{conflict!r}\t{doc.file}\t{doc.key}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


@cache
def _code() -> str:
    """The digest of the code that writes a meeting's part (this module, and a block's)."""
    return f"{code_digest((__file__,))} {parts.writer_code()}"


def meeting_label(corpus: Corpus, meeting: Meeting) -> str:
    """ "Security Consultative Committee, 2023-01-11", or "... (undated)"."""
    if meeting.series:
        entity = corpus.entities.get(meeting.series)
        name = entity.label if entity else meeting.series.rsplit("/", 1)[-1]
    else:
        labels = [corpus.entities[s].label for s in meeting.states if s in corpus.entities]
        name = " - ".join(labels) or "Meeting"
    return f"{name}, {meeting.date}" if meeting.date else f"{name} (undated)"


def meeting_triples(corpus: Corpus, meeting: Meeting) -> list[RdfTriple]:
    """The meeting's own triples: its class, label, series, dates, place and people."""
    node = ID[meeting.key]
    out: list[RdfTriple] = [
        (node, RDF.type, AKG.Meeting),
        (node, RDFS.label, Literal(meeting_label(corpus, meeting))),
    ]
    if meeting.series:
        out.append((node, AKG.series, URIRef(meeting.series)))
    if meeting.date:
        out.append((node, DCTERMS.date, Literal(meeting.date, datatype=XSD.date)))
    if meeting.start:
        out.append((node, AKG.startDate, Literal(meeting.start, datatype=XSD.date)))
    if meeting.place:
        out.append((node, AKG.heldIn, URIRef(meeting.place)))
    for person in meeting.participants:
        out.append((node, AKG.participant, URIRef(person)))
    return out


def conflict_triples(
    corpus: Corpus, conflict: Conflict, meetings: Mapping[str, Meeting]
) -> tuple[URIRef, list[RdfTriple]]:
    """The conflict's node and triples."""
    doc = corpus.docs[conflict.doc]
    node = ID[f"conflict/{doc.key}/{conflict.field}"]
    label = f"{doc.file}: {conflict.field} {conflict.stated} (resolved: {conflict.resolved})"
    return node, [
        (node, RDF.type, AKG.Conflict),
        (node, RDFS.label, Literal(label)),
        (node, AKG.conflictIn, URIRef(doc.iri)),
        (node, AKG.field, Literal(conflict.field)),
        (node, AKG.statedValue, Literal(conflict.stated)),
        (node, AKG.resolvedValue, Literal(conflict.resolved)),
        (node, AKG.aboutMeeting, ID[meetings[conflict.meeting].key]),
        (node, AKG.restatedCount, Literal(conflict.restated)),
        (node, AKG.evidence, Literal(conflict.evidence)),
    ]
