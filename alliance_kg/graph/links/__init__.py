"""The corpus-level stage: what holds across documents, in the derived graph ``id:graph/links``.

It runs with every ``akg build`` (once the last batch of documents is written, in a
transaction of its own, or in parts when the links graph gains many triples:
``write.write_links``) and after every ``akg update``, over every document in the store
(documents of earlier builds included); it reads them through the store interface (an on-disk
store keeps records of what was read, ``state.py``, so only graphs written since are read
again, and keeps the results of its blocks, ``blocks.py``) and replaces the links graph as a
whole, writing only what changed. Each document's own
graph keeps what that document says (``akg:statedDate``, ``akg:statedPlace``, ...); the links
graph says which meeting it reports (``akg:reports``, ``akg:atMeeting``), which commitments
restate which (``akg:restates``, ``akg:inLineage``), how deadlines were restated or moved
(``akg:restatedAs``, ``akg:statusSetBy``, ``akg:meetingDate``), where sources disagree
(``akg:Conflict``) and which named entities are instances of generic ones (``skos:broader``).
The same documents always give the same triples.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from alliance_kg.graph.links.blocks import BlockMemo, Pairs, scores_and_groups
from alliance_kg.graph.links.deadlines import deadline_triples
from alliance_kg.graph.links.entities import broader_links
from alliance_kg.graph.links.lineages import (
    THRESHOLD,
    WINDOW,
    Link,
    score,
)
from alliance_kg.graph.links.meetings import (
    Conflict,
    Meeting,
    previous_meetings,
    resolve_meetings,
)
from alliance_kg.graph.links.read import (
    LINKS_GRAPH,
    LINKS_VERSION,
    Corpus,
    Item,
    corpus_of,
    read_corpus,
)
from alliance_kg.graph.links.state import LinksState, corpus_source
from alliance_kg.graph.links.summary import summary_triples
from alliance_kg.graph.links.weights import vectors
from alliance_kg.graph.links.write import write_links
from alliance_kg.graph.store import RdfTriple
from alliance_kg.ontology import AKG, ID

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore


@dataclass(frozen=True)
class ConflictNote:
    """A conflict as the build reports it."""

    iri: str
    file: str
    field: str
    stated: str
    resolved: str
    meeting: str  # the meeting's label


@dataclass(frozen=True)
class LinksResult:
    """What the stage found."""

    meetings: int
    lineages: int
    restates: int
    conflicts: list[ConflictNote]
    new_conflicts: list[ConflictNote]


def link_corpus(
    store: SparqlStore, state: LinksState | None = None, jobs: int | None = None
) -> LinksResult:
    """Compute what holds across the store's documents and replace the links graph with it.
    ``state``: the records kept beside an on-disk store (``links.state``), so that only graphs
    without one are read from the store; the result is the same either way. ``jobs``: the
    processes the blocks are linked over (``corpus_links``)."""
    triples, result = plan_links(store, state=state, jobs=jobs)
    write_links(store, triples, state)
    return result


def plan_links(
    store: SparqlStore,
    new: SparqlStore | None = None,
    state: LinksState | None = None,
    jobs: int | None = None,
) -> tuple[list[RdfTriple], LinksResult]:
    """The links graph for the store's documents, with those of ``new`` (documents about to
    be written) in place of any of the same name; nothing is written (but ``state`` may keep
    records of the store's graphs). ``new_conflicts`` are the conflicts the store's links
    graph does not hold yet."""
    before = _conflict_iris(store)
    triples, result = corpus_links(_read(store, new, state), jobs=jobs, memo=state)
    fresh = [c for c in result.conflicts if c.iri not in before]
    return triples, LinksResult(
        result.meetings, result.lineages, result.restates, result.conflicts, fresh
    )


def _read(store: SparqlStore, new: SparqlStore | None, state: LinksState | None) -> Corpus:
    """The corpus of ``plan_links``."""
    if state is None:
        return read_corpus(store, new)
    return corpus_of(corpus_source(store, state, new))


#: The score at which a commitment counts as restated in another document, as evidence of
#: which meeting a document reports.
EVIDENCE = 0.3


def corpus_links(
    corpus: Corpus,
    threshold: float = THRESHOLD,
    jobs: int | None = None,
    memo: BlockMemo | None = None,
) -> tuple[list[RdfTriple], LinksResult]:
    """The triples of the links graph for ``corpus`` and what they say, in numbers.
    ``threshold`` is the score lineage links need (``lineages.THRESHOLD``); ``jobs``, the
    processes its blocks are linked over, ``memo`` where their results are kept
    (``blocks.scores_and_groups``; the same triples whatever the number, with or without)."""
    vecs = vectors(corpus)
    evidence, groups = scores_and_groups(
        corpus, vecs, min(threshold, EVIDENCE), threshold, jobs, keep=EVIDENCE, memo=memo
    )
    meetings, doc_meeting, conflicts = resolve_meetings(corpus, Restated(corpus, evidence))
    del evidence  # the largest structure of the stage, not needed for the triples
    out: list[RdfTriple] = []
    for meeting in meetings.values():
        out += _meeting_triples(corpus, meeting)
    for later, earlier in previous_meetings(meetings):
        out.append((ID[later], AKG.previousMeeting, ID[earlier]))
    for doc, key in sorted(doc_meeting.items()):
        out.append((URIRef(doc), AKG.reports, ID[key]))
    # One term per commitment and per meeting, shared by the triples that name it (a large
    # store has some 100,000 commitments, each named in up to four triples).
    iris = [URIRef(item.iri) for item in corpus.items]
    nodes = {key: ID[key] for key in set(doc_meeting.values())}
    at_meeting, meeting_date = AKG.atMeeting, AKG.meetingDate
    dates = {
        key: Literal(meetings[key].date, datatype=XSD.date) for key in nodes if meetings[key].date
    }
    for i, item in enumerate(corpus.items):
        if item.doc in doc_meeting:
            key = doc_meeting[item.doc]
            out.append((iris[i], at_meeting, nodes[key]))
            if key in dates:
                # What a deadline's status is judged by (``deadlines.py``).
                out += [(URIRef(dl), meeting_date, dates[key]) for dl, _, _ in item.deadlines]
    restates = _lineage_triples(corpus, vecs, groups, meetings, doc_meeting, iris, out)
    notes = []
    for conflict in conflicts:
        iri, triples = _conflict_triples(corpus, conflict, meetings)
        out += triples
        notes.append(
            ConflictNote(
                str(iri),
                corpus.docs[conflict.doc].file,
                conflict.field,
                conflict.stated,
                conflict.resolved,
                meeting_label(corpus, meetings[conflict.meeting]),
            )  # fmt: skip
        )
    for narrow, broad in broader_links(corpus):
        out.append((URIRef(narrow), SKOS.broader, URIRef(broad)))
    out += summary_triples(corpus)
    out.append((LINKS_GRAPH, AKG.linksVersion, Literal(LINKS_VERSION)))
    return out, LinksResult(len(meetings), len(groups), restates, notes, [])


class Restated(Mapping[str, dict[str, set[int]]]):
    """For a document, the commitments of it (indexes) that restate those of each other
    document: one side of each of the ``pairs`` (those scoring at least ``EVIDENCE``). Worked
    out for a document when asked (the meetings ask for a few), from the pairs each document
    has a part in."""

    def __init__(self, corpus: Corpus, pairs: Pairs) -> None:
        self._corpus = corpus
        self._first, self._second = pairs.first, pairs.second
        self._pairs: dict[str, array[int]] = {}
        docs = [item.doc for item in corpus.items]
        for k, (i, j) in enumerate(zip(pairs.first, pairs.second, strict=True)):
            for doc in (docs[i], docs[j]):
                found = self._pairs.get(doc)
                if found is None:
                    found = self._pairs[doc] = array("q")
                found.append(k)

    def __getitem__(self, doc: str) -> dict[str, set[int]]:
        items, first, second = self._corpus.items, self._first, self._second
        out: dict[str, set[int]] = defaultdict(set)
        for k in self._pairs[doc]:
            for mine, theirs in ((first[k], second[k]), (second[k], first[k])):
                if items[mine].doc == doc:
                    out[items[theirs].doc].add(mine)
        return dict(out)

    def __iter__(self) -> Iterator[str]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)


def meeting_label(corpus: Corpus, meeting: Meeting) -> str:
    """ "Security Consultative Committee, 2023-01-11", or "... (undated)"."""
    if meeting.series:
        entity = corpus.entities.get(meeting.series)
        name = entity.label if entity else meeting.series.rsplit("/", 1)[-1]
    else:
        labels = [corpus.entities[s].label for s in meeting.states if s in corpus.entities]
        name = " - ".join(labels) or "Meeting"
    return f"{name}, {meeting.date}" if meeting.date else f"{name} (undated)"


def _meeting_triples(corpus: Corpus, meeting: Meeting) -> list[RdfTriple]:
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


def _order(
    corpus: Corpus, meetings: dict[str, Meeting], doc_meeting: dict[str, str], item: Item
) -> tuple[str, str, str, int]:
    meeting = meetings.get(doc_meeting.get(item.doc, ""))
    date = meeting.date if meeting and meeting.date else _UNDATED
    return date, meeting.key if meeting else "", corpus.docs[item.doc].key, item.offset


def _lineage_triples(
    corpus: Corpus,
    vecs: list[dict[str, float]],
    groups: list[list[int]],
    meetings: dict[str, Meeting],
    doc_meeting: dict[str, str],
    iris: list[URIRef],
    out: list[RdfTriple],
) -> int:
    """Add each lineage, its members, their restates links and the restated deadlines;
    return how many restates links (``iris``: the commitments' terms)."""
    count = 0
    in_lineage, restates = AKG.inLineage, AKG.restates
    for group in groups:
        order = {i: _order(corpus, meetings, doc_meeting, corpus.items[i]) for i in group}
        members = sorted(group, key=order.__getitem__)
        first = corpus.items[members[0]]
        node = ID["lineage/" + first.iri.split("/commitment/", 1)[-1]]
        dates = sorted({order[i][0] for i in members} - {_UNDATED})
        stated_at = {doc_meeting.get(corpus.items[i].doc) for i in members} - {None}
        label = gist(corpus, first)
        out += [
            (node, RDF.type, AKG.Lineage),
            (node, RDFS.label, Literal(label)),
            (node, AKG.meetingCount, Literal(len(stated_at))),
            (
                node,
                AKG.lineageText,
                Literal(lineage_text(label, (corpus.items[i].quote for i in members))),
            ),
        ]
        if dates:
            out.append((node, AKG.firstStated, Literal(dates[0], datatype=XSD.date)))
            out.append((node, AKG.lastStated, Literal(dates[-1], datatype=XSD.date)))
        for k, i in enumerate(members):
            item = corpus.items[i]
            out.append((iris[i], in_lineage, node))
            # What it restates: the most similar of the last few statements before it.
            earlier = [
                j for j in members[max(0, k - WINDOW) : k]
                if order[j][:3] < order[i][:3] and corpus.items[j].doc != item.doc
            ]  # fmt: skip
            if earlier:
                best = max(earlier, key=lambda j: (score(vecs[i], vecs[j]), -j))
                out.append((iris[i], restates, iris[best]))
                count += 1
        out += _restated_deadlines(corpus, members, order)
    return count


_UNDATED = "9999"


def lineage_text(label: str, quotes: Iterable[str]) -> str:
    """The label, then each distinct sentence, sorted, one per line (``akg:lineageText``): the
    ``lineage`` query tests its words against this one text per lineage, where testing every
    statement made a row per matching statement for each statement of the lineage (quadratic
    in its size). Extraction writes no line break into a sentence or a label, so words without
    one match the text where they match the label or a sentence."""
    return "\n".join([label, *sorted(set(quotes))])


def _restated_deadlines(
    corpus: Corpus, members: list[int], order: dict[int, tuple[str, str, str, int]]
) -> list[RdfTriple]:
    """The lineage's deadlines by the dates of the meetings that stated them, restated."""
    by_date: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for i in members:
        if order[i][0] != _UNDATED:
            by_date[order[i][0]] += corpus.items[i].deadlines
    return deadline_triples(by_date)


def gist(corpus: Corpus, item: Item) -> str:
    """What a commitment is, in a few words: its first type and what it concerns."""
    kind = min(item.types) if item.types else None
    concerns = [corpus.entities[c].label for c in item.concerns if c in corpus.entities]
    return gist_text(kind, concerns, item.quote)


def gist_text(kind: str | None, concerns: Iterable[str], quote: str) -> str:
    """ "Type: concern, concern" (three at most), or the type and the quote's first words when
    it concerns nothing; the lineages' labels and the page's commitment labels alike."""
    labels = sorted(concerns)
    if labels:
        about = ", ".join(labels[:3]) + (", ..." if len(labels) > 3 else "")
    else:
        words = quote.split()
        about = " ".join(words[:10]) + (" ..." if len(words) > 10 else "")
    kind = kind or "Commitment"
    return f"{kind}: {about}" if about else kind


def _conflict_triples(
    corpus: Corpus, conflict: Conflict, meetings: dict[str, Meeting]
) -> tuple[URIRef, list[RdfTriple]]:
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


def _conflict_iris(store: SparqlStore) -> set[str]:
    import pyoxigraph as ox

    result = store.query(f"SELECT ?c WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?c a <{AKG.Conflict}> }} }}")
    assert isinstance(result, ox.QuerySolutions)
    return {s["c"].value for s in result if s["c"] is not None}


__all__ = [
    "LINKS_GRAPH",
    "LINKS_VERSION",
    "ConflictNote",
    "LinksState",
    "Link",
    "LinksResult",
    "corpus_links",
    "gist_text",
    "link_corpus",
    "plan_links",
]
