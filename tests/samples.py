"""Sample data shared by the render tests: a small hand-built store in the shapes of
docs/graph-shape.md (``sample_store``, ``sample_quads``, ``document_triples``) and the names
and counts the tests check it by.

A plain module, imported by tests/test_render.py and tests/browser/test_render_browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
from pyoxigraph import Literal, NamedNode, Quad

from alliance_kg.graph.store import refresh_union
from alliance_kg.ontology import ONTOLOGY_GRAPH, load_ontology

ID = "https://w3id.org/alliance-kg/id/"
AKG = "https://w3id.org/alliance-kg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"

DOC = ID + "document/doc-a"
OTHER_DOC_GRAPH = ID + "document/doc-b"
JAPAN = ID + "state/japan"
US = ID + "state/united-states"
BLINKEN = ID + "person/antony-blinken"
WASHINGTON = ID + "place/washington-d-c"
MEETING = ID + "meeting/security-consultative-committee/2023-01-11"
C1 = ID + "commitment/doc-a/100-180"
C2 = ID + "commitment/doc-a/200-330"

C1_QUOTE = "The United States reaffirmed its unwavering commitment to the defense of Japan."
#: A quote that would run script if any page code put it into the DOM as HTML.
XSS_QUOTE = (
    'Japan said "</script><script>alert(1)</script>" and '
    '<img src=x onerror="window.pwned=1"> then <script>window.pwned=2</script> & more.'
)

#: Drawn nodes and edges of the store below.
NODE_COUNT = 8
EDGE_COUNTS = {
    "reports": 1,
    "heldIn": 1,
    "participant": 1,
    "represents": 1,
    "madeBy": 2,
    "concerns": 2,
    "atMeeting": 2,
    "statedIn": 2,
}


def _iri(value: str) -> NamedNode:
    return NamedNode(value)


def _lit(value: str | int, datatype: str | None = None) -> Literal:
    if isinstance(value, int):
        return Literal(str(value), datatype=NamedNode(XSD + "integer"))
    if datatype is not None:
        return Literal(value, datatype=NamedNode(XSD + datatype))
    return Literal(value)


def document_triples(xss_quote: str = XSS_QUOTE) -> Iterator[tuple[str, str, object]]:
    """The triples of document doc-a; an object is an IRI (str), an integer or a Literal."""
    t = RDF_TYPE

    def entity(iri: str, cls: str, label: str, *alts: str) -> Iterator[tuple[str, str, object]]:
        yield iri, t, AKG + cls
        yield iri, SKOS + "prefLabel", _lit(label)
        yield iri, RDFS + "label", _lit(label)
        for alt in alts:
            yield iri, SKOS + "altLabel", _lit(alt)
        yield iri, AKG + "mentionedIn", DOC

    yield DOC, t, AKG + "Document"
    yield DOC, DCT + "title", _lit("Joint Statement of the Security Consultative Committee")
    yield DOC, RDFS + "label", _lit("Joint Statement of the Security Consultative Committee")
    yield DOC, DCT + "publisher", _lit("U.S. Department of State")
    yield DOC, DCT + "source", "https://www.state.gov/joint-statement-2023"
    yield DOC, DCT + "date", _lit("2023-01-11", "date")
    yield DOC, AKG + "sourceFile", _lit("doc-a.txt")
    yield DOC, AKG + "reports", MEETING
    yield from entity(JAPAN, "State", "Japan", "Japanese government")
    yield from entity(US, "State", "United States", "U.S.", "US")
    yield from entity(BLINKEN, "Person", "Antony Blinken", "Blinken")
    yield BLINKEN, AKG + "office", _lit("Secretary of State")
    yield BLINKEN, AKG + "represents", US
    yield from entity(WASHINGTON, "Place", "Washington, D.C.")
    yield MEETING, t, AKG + "Meeting"
    yield MEETING, RDFS + "label", _lit("Security Consultative Committee, 2023-01-11")
    yield MEETING, DCT + "date", _lit("2023-01-11", "date")
    yield MEETING, AKG + "heldIn", WASHINGTON
    yield MEETING, AKG + "participant", BLINKEN
    for node, quote, start, end, kind, party, concern in (
        (C1, C1_QUOTE, 100, 180, "Reaffirmation", US, JAPAN),
        (C2, xss_quote, 200, 330, "Opposition", JAPAN, US),
    ):
        yield node, t, AKG + "Commitment"
        yield node, RDFS + "label", _lit(f"{kind} by party")
        yield node, AKG + "commitmentType", AKG + kind
        yield node, AKG + "madeBy", party
        yield node, AKG + "concerns", concern
        yield node, AKG + "statedIn", DOC
        yield node, AKG + "atMeeting", MEETING
        yield node, AKG + "quote", _lit(quote)
        yield node, AKG + "startOffset", start
        yield node, AKG + "endOffset", end


def _term(value: object) -> NamedNode | Literal:
    if isinstance(value, Literal):
        return value
    if isinstance(value, int):
        return _lit(value)
    assert isinstance(value, str)
    return NamedNode(value)


def sample_quads(xss_quote: str = XSS_QUOTE) -> list[Quad]:
    """Quads of the sample: doc-a's graph, plus a second document graph that repeats some of
    the same triples (as when two documents name the same entity)."""
    quads = [Quad(_iri(s), _iri(p), _term(o), _iri(DOC)) for s, p, o in document_triples(xss_quote)]
    graph_b = _iri(OTHER_DOC_GRAPH)
    quads += [
        Quad(_iri(JAPAN), _iri(RDF_TYPE), _iri(AKG + "State"), graph_b),
        Quad(_iri(JAPAN), _iri(SKOS + "prefLabel"), _lit("Japan"), graph_b),
        Quad(_iri(C1), _iri(AKG + "madeBy"), _iri(US), graph_b),
    ]
    return quads


def sample_store(xss_quote: str = XSS_QUOTE, *, reverse: bool = False) -> pyoxigraph.Store:
    """An in-memory store with the ontology graph and the sample quads (optionally inserted
    in reverse order, which must not change the rendered page)."""
    store = pyoxigraph.Store()
    ontology = load_ontology().serialize(format="nt").encode("utf-8")
    store.load(ontology, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=NamedNode(ONTOLOGY_GRAPH))
    quads = sample_quads(xss_quote)
    for quad in reversed(quads) if reverse else quads:
        store.add(quad)
    refresh_union(store)
    return store


#: A small graph that keeps the contract of alliance_kg/ontology/shapes.ttl: a document with
#: its entities and a commitment with a deadline, and the links graph with its meeting, a
#: lineage and a conflict. The `akg validate` tests break it one rule at a time.
CONTRACT_TRIG = """\
@prefix akg: <https://w3id.org/alliance-kg/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix id: <https://w3id.org/alliance-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:document\\/doc-a {
    id:document\\/doc-a a akg:Document ;
        rdfs:label "Joint Statement" ;
        dct:date "2023-01-11"^^xsd:date ;
        akg:sourceFile "doc-a.txt" ;
        akg:sha256 "07e949e265a6892e85727f2caa20ed6472c941421d5ebacda74d2448d010ca21" ;
        akg:statedSeries id:mechanism\\/scc ;
        akg:statedDate "2023-01-11"^^xsd:date ;
        akg:givenPlace id:place\\/tokyo .
    id:state\\/japan a akg:State ;
        skos:prefLabel "Japan" ; rdfs:label "Japan" ;
        akg:mentionedIn id:document\\/doc-a .
    id:mechanism\\/scc a akg:Mechanism ;
        skos:prefLabel "Security Consultative Committee" ;
        rdfs:label "Security Consultative Committee" ;
        akg:mentionedIn id:document\\/doc-a .
    id:place\\/tokyo a akg:Place ;
        skos:prefLabel "Tokyo" ; rdfs:label "Tokyo" .
    id:commitment\\/doc-a\\/100-160 a akg:Commitment ;
        rdfs:label "Pledge by Japan" ;
        akg:commitmentType akg:Pledge ;
        akg:madeBy id:state\\/japan ;
        akg:statedIn id:document\\/doc-a ;
        akg:quote "Japan will build a new command by 2025." ;
        akg:startOffset 100 ;
        akg:endOffset 160 ;
        akg:deadline "2025"^^xsd:gYear ;
        akg:hasDeadline id:commitment\\/doc-a\\/100-160\\/deadline\\/130 .
    id:commitment\\/doc-a\\/100-160\\/deadline\\/130 a akg:Deadline ;
        akg:deadlineDate "2025"^^xsd:gYear ;
        akg:deadlineKind "by" ;
        akg:clause "build a new command by 2025" .
}

id:graph\\/links {
    id:meeting\\/scc\\/2023-01-11 a akg:Meeting ;
        rdfs:label "Security Consultative Committee, 2023-01-11" ;
        dct:date "2023-01-11"^^xsd:date ;
        akg:startDate "2023-01-10"^^xsd:date ;
        akg:series id:mechanism\\/scc ;
        akg:heldIn id:place\\/tokyo .
    id:document\\/doc-a akg:reports id:meeting\\/scc\\/2023-01-11 .
    id:commitment\\/doc-a\\/100-160 akg:atMeeting id:meeting\\/scc\\/2023-01-11 ;
        akg:inLineage id:lineage\\/doc-a\\/100-160 .
    id:lineage\\/doc-a\\/100-160 a akg:Lineage ;
        rdfs:label "Pledge: Japan will build a new command by 2025." ;
        akg:firstStated "2023-01-11"^^xsd:date ;
        akg:lastStated "2023-01-11"^^xsd:date ;
        akg:lineageText '''Pledge: Japan will build a new command by 2025.
Japan will build a new command by 2025.''' ;
        akg:meetingCount 1 .
    id:conflict\\/doc-a\\/place a akg:Conflict ;
        rdfs:label "doc-a.txt: place Osaka (resolved: Tokyo)" ;
        akg:conflictIn id:document\\/doc-a ;
        akg:aboutMeeting id:meeting\\/scc\\/2023-01-11 ;
        akg:field "place" ;
        akg:statedValue "Osaka" ;
        akg:resolvedValue "Tokyo" ;
        akg:restatedCount 0 ;
        akg:evidence "1 other report(s) of the meeting" .
}
"""


def contract_store(path: Path, trig: str = CONTRACT_TRIG) -> None:
    """Write an on-disk store at ``path`` holding ``trig`` and the ontology, with the union
    default graph as a build leaves it."""
    from alliance_kg.graph.store import open_store

    store = open_store(path)
    store.load(trig.encode(), format=pyoxigraph.RdfFormat.TRIG)
    ontology = load_ontology().serialize(format="nt").encode("utf-8")
    store.load(ontology, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=NamedNode(ONTOLOGY_GRAPH))
    refresh_union(store)
    store.flush()
    del store
