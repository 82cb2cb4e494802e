"""Turn one document's extraction into the triples of its named graph (docs/graph-shape.md)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from alliance_kg.graph.terms import RdfTriple, graph_lines
from alliance_kg.loaders.entities import name_form
from alliance_kg.loaders.meetings import VIRTUAL_PLACE
from alliance_kg.loaders.model import Entity, Extraction, MeetingInfo
from alliance_kg.ontology import AKG, ID

if TYPE_CHECKING:
    from alliance_kg.graph.links.read import Rows

GEO = "http://www.opengis.net/ont/geosparql#"
WIKIDATA = "http://www.wikidata.org/entity/"


def document_iri(doc_key: str) -> URIRef:
    """The IRI of a document, which also names its graph."""
    return ID[f"document/{doc_key}"]


def entity_iri(key: str) -> URIRef:
    """The IRI of an entity from its key ("state/japan")."""
    return ID[key]


class Triples:
    """The triples of one document's graph, each once, in the order they were added.

    A plain set of rdflib triples: the graph is only ever added to and then read whole, and
    an rdflib ``Graph`` would index every triple three ways for nothing."""

    def __init__(self) -> None:
        self._triples: dict[RdfTriple, None] = {}

    def add(self, triple: RdfTriple) -> None:
        """Add a triple (again: no change)."""
        self._triples[triple] = None

    def __iter__(self) -> Iterator[RdfTriple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def __contains__(self, triple: object) -> bool:
        return triple in self._triples


@dataclass(frozen=True, slots=True)
class DocumentGraph:
    """A document's named graph ready to write: its checked N-Triples lines
    (``terms.graph_lines``). Made where the document is extracted, so that a build's workers
    do this work, not the process that writes the store."""

    key: str
    name: str
    lines: list[str]
    commitments: int
    #: What the corpus-level stage reads of the graph (``links.read.graph_records``), when
    #: the build keeps it beside the store (``links.state``).
    records: Rows | None = None


def document_graph(extraction: Extraction) -> DocumentGraph:
    """The named graph of an extracted document, as lines ready to write."""
    key = extraction.document.key
    name = str(document_iri(key))
    lines = graph_lines(name, extraction_graph(extraction))
    return DocumentGraph(key, name, lines, len(extraction.commitments))


def extraction_graph(extraction: Extraction) -> Triples:
    """All triples one document supports, for its named graph."""
    g = Triples()
    doc = extraction.document
    d = document_iri(doc.key)
    entities = extraction.entities

    g.add((d, RDF.type, AKG.Document))
    g.add((d, AKG.sourceFile, Literal(doc.path.rsplit("/", 1)[-1])))
    g.add((d, AKG.sha256, Literal(hashlib.sha256(doc.text.encode()).hexdigest())))
    g.add((d, DCTERMS.format, Literal(_MEDIA_TYPES.get(doc.kind, "text/plain"))))
    label = doc.title or doc.key
    g.add((d, RDFS.label, Literal(label)))
    if doc.title:
        g.add((d, DCTERMS.title, Literal(doc.title)))
    if doc.publisher:
        g.add((d, DCTERMS.publisher, Literal(doc.publisher)))
    if doc.source_url:
        g.add((d, DCTERMS.source, URIRef(doc.source_url)))
    if doc.date:
        g.add((d, DCTERMS.date, _date(doc.date)))

    seen_forms: dict[str, set[str]] = {}
    for mention in extraction.mentions:
        form = name_form(mention.text, entities[mention.entity].type)
        seen_forms.setdefault(mention.entity, set()).add(form)
    for key in sorted(seen_forms):
        _add_entity(g, entities[key], seen_forms[key], d)

    meeting = extraction.meeting
    if meeting is not None:
        _add_stated_meeting(g, d, meeting, entities)

    for c in extraction.commitments:
        s = c.sentence
        node = ID[f"commitment/{doc.key}/{s.start}-{s.end}"]
        g.add((node, RDF.type, AKG.Commitment))
        parties = ", ".join(entities[p].label for p in c.parties if p in entities)
        g.add((node, RDFS.label, Literal(f"{'/'.join(c.types)} by {parties or 'unknown'}")))
        for kind in c.types:
            g.add((node, AKG.commitmentType, AKG[kind]))
        for party in c.parties:
            g.add((node, AKG.madeBy, entity_iri(party)))
        for concern in c.concerns:
            g.add((node, AKG.concerns, entity_iri(concern)))
        g.add((node, AKG.statedIn, d))
        g.add((node, AKG.quote, Literal(s.text)))
        g.add((node, AKG.startOffset, Literal(s.start)))
        g.add((node, AKG.endOffset, Literal(s.end)))
        for deadline in c.deadlines:
            g.add((node, AKG.deadline, _date(deadline.date)))
            dl = ID[f"commitment/{doc.key}/{s.start}-{s.end}/deadline/{deadline.start}"]
            g.add((node, AKG.hasDeadline, dl))
            g.add((dl, RDF.type, AKG.Deadline))
            g.add((dl, AKG.deadlineDate, _date(deadline.date)))
            g.add((dl, AKG.deadlineKind, Literal(deadline.kind)))
            g.add((dl, AKG.clause, Literal(deadline.clause)))
    return g


def _add_stated_meeting(
    g: Triples, d: URIRef, meeting: MeetingInfo, entities: dict[str, Entity]
) -> None:
    """What the document itself says of the meeting it reports; the corpus-level stage
    (``graph.links``) resolves the meeting from this and from the other documents."""
    if meeting.series:
        g.add((d, AKG.statedSeries, entity_iri(meeting.series)))
        _add_entity(g, entities[meeting.series], set(), d)
    if meeting.date:
        g.add((d, AKG.statedDate, Literal(meeting.date, datatype=XSD.date)))
    if meeting.start_date:
        g.add((d, AKG.statedStartDate, Literal(meeting.start_date, datatype=XSD.date)))
    for prop, place in ((AKG.statedPlace, meeting.place), (AKG.givenPlace, meeting.given_place)):
        if place == VIRTUAL_PLACE:
            _add_virtual_place(g)
        elif place and place in entities:
            # A place the user gave may be one the text never names: described, not mentioned.
            _add_entity(g, entities[place], set(), d, mentioned=False)
        if place:
            g.add((d, prop, entity_iri(place)))
    if meeting.given_date:
        g.add((d, AKG.givenDate, Literal(meeting.given_date, datatype=XSD.date)))
    for person in meeting.participants:
        g.add((d, AKG.statedParticipant, entity_iri(person)))
    for state in meeting.states:
        g.add((d, AKG.meetingParty, entity_iri(state)))


def _add_virtual_place(g: Triples) -> None:
    place = entity_iri(VIRTUAL_PLACE)
    g.add((place, RDF.type, AKG.Place))
    g.add((place, SKOS.prefLabel, Literal("virtual")))
    g.add((place, RDFS.label, Literal("virtual")))
    g.add((place, SKOS.altLabel, Literal("online")))


_MEDIA_TYPES = {"text": "text/plain", "html": "text/html", "pdf": "application/pdf"}


def _date(value: str) -> Literal:
    if re.fullmatch(r"\d{4}", value):
        return Literal(value, datatype=XSD.gYear)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return Literal(value, datatype=XSD.date)
    return Literal(value)


def _add_entity(
    g: Triples, entity: Entity, forms: set[str], doc: URIRef, *, mentioned: bool = True
) -> None:
    node = entity_iri(entity.key)
    g.add((node, RDF.type, AKG[entity.type]))
    g.add((node, SKOS.prefLabel, Literal(entity.label)))
    g.add((node, RDFS.label, Literal(entity.label)))
    for alias in sorted(set(entity.aliases) | forms):
        if alias and alias != entity.label:
            g.add((node, SKOS.altLabel, Literal(alias)))
    if mentioned:
        g.add((node, AKG.mentionedIn, doc))
    if entity.office:
        g.add((node, AKG.office, Literal(entity.office)))
    if entity.represents:
        g.add((node, AKG.represents, entity_iri(entity.represents)))
    for demonym in sorted(entity.demonyms):
        g.add((node, AKG.demonym, Literal(demonym)))
    if entity.wikidata:
        g.add((node, SKOS.exactMatch, URIRef(WIKIDATA + entity.wikidata)))
    if entity.wkt:
        geometry = ID[f"{entity.key}/geometry"]
        g.add((node, URIRef(GEO + "hasGeometry"), geometry))
        g.add((geometry, RDF.type, URIRef(GEO + "Geometry")))
        g.add(
            (
                geometry,
                URIRef(GEO + "asWKT"),
                Literal(entity.wkt, datatype=URIRef(GEO + "wktLiteral")),
            )
        )
