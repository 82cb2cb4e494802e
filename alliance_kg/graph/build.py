"""Turn one document's extraction into the triples of its named graph (docs/graph-shape.md)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from alliance_kg.loaders.entities import name_form
from alliance_kg.loaders.meetings import VIRTUAL_PLACE
from alliance_kg.loaders.model import Entity, Extraction, MeetingInfo
from alliance_kg.ontology import AKG, ID

GEO = "http://www.opengis.net/ont/geosparql#"
WIKIDATA = "http://www.wikidata.org/entity/"


def slug(text: str) -> str:
    """A lower-case ASCII slug for IRIs: "Washington, D.C." -> "washington-d-c"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def document_iri(doc_key: str) -> URIRef:
    """The IRI of a document, which also names its graph."""
    return ID[f"document/{doc_key}"]


def entity_iri(key: str) -> URIRef:
    """The IRI of an entity from its key ("state/japan")."""
    return ID[key]


def meeting_iri(meeting: MeetingInfo, doc_key: str) -> URIRef:
    """One IRI per meeting: series and date, so two reports of one meeting share it."""
    series = meeting.series.split("/", 1)[1] if meeting.series else None
    if series is None:
        series = "-".join(k.split("/", 1)[1] for k in meeting.states) or "meeting"
    if meeting.date:
        return ID[f"meeting/{series}/{meeting.date}"]
    # Without a date nothing ties the meeting to other reports of it.
    return ID[f"meeting/{series}/undated-{doc_key}"]


def meeting_label(meeting: MeetingInfo, entities: dict[str, Entity]) -> str:
    """A readable label such as "Security Consultative Committee, 2023-01-11"."""
    if meeting.series and meeting.series in entities:
        name = entities[meeting.series].label
    else:
        name = " - ".join(entities[k].label for k in meeting.states if k in entities) or "Meeting"
    return f"{name}, {meeting.date}" if meeting.date else f"{name} (undated)"


def extraction_graph(extraction: Extraction) -> Graph:
    """All triples one document supports, for its named graph."""
    g = Graph()
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

    meeting_node = None
    meeting = extraction.meeting
    if meeting is not None:
        meeting_node = meeting_iri(meeting, doc.key)
        g.add((meeting_node, RDF.type, AKG.Meeting))
        g.add((meeting_node, RDFS.label, Literal(meeting_label(meeting, entities))))
        g.add((d, AKG.reports, meeting_node))
        if meeting.series:
            g.add((meeting_node, AKG.series, entity_iri(meeting.series)))
            _add_entity(g, entities[meeting.series], set(), d)
        if meeting.date:
            g.add((meeting_node, DCTERMS.date, Literal(meeting.date, datatype=XSD.date)))
        if meeting.start_date:
            g.add((meeting_node, AKG.startDate, Literal(meeting.start_date, datatype=XSD.date)))
        if meeting.place == VIRTUAL_PLACE:
            place = entity_iri(VIRTUAL_PLACE)
            g.add((place, RDF.type, AKG.Place))
            g.add((place, SKOS.prefLabel, Literal("virtual")))
            g.add((place, RDFS.label, Literal("virtual")))
            g.add((place, SKOS.altLabel, Literal("online")))
            g.add((meeting_node, AKG.heldIn, place))
        elif meeting.place:
            g.add((meeting_node, AKG.heldIn, entity_iri(meeting.place)))
        for person in meeting.participants:
            g.add((meeting_node, AKG.participant, entity_iri(person)))

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
        if meeting_node is not None:
            g.add((node, AKG.atMeeting, meeting_node))
        g.add((node, AKG.quote, Literal(s.text)))
        g.add((node, AKG.startOffset, Literal(s.start)))
        g.add((node, AKG.endOffset, Literal(s.end)))
        if c.deadline:
            g.add((node, AKG.deadline, _date(c.deadline)))
    return g


_MEDIA_TYPES = {"text": "text/plain", "html": "text/html", "pdf": "application/pdf"}


def _date(value: str) -> Literal:
    if re.fullmatch(r"\d{4}", value):
        return Literal(value, datatype=XSD.gYear)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return Literal(value, datatype=XSD.date)
    return Literal(value)


def _add_entity(g: Graph, entity: Entity, forms: set[str], doc: URIRef) -> None:
    node = entity_iri(entity.key)
    g.add((node, RDF.type, AKG[entity.type]))
    g.add((node, SKOS.prefLabel, Literal(entity.label)))
    g.add((node, RDFS.label, Literal(entity.label)))
    for alias in sorted(set(entity.aliases) | forms):
        if alias and alias != entity.label:
            g.add((node, SKOS.altLabel, Literal(alias)))
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
