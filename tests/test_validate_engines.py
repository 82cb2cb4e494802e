"""``akg validate``'s two engines give the same result: the shapes run as queries in the
store (``graph/shapes_sparql.py``) and pySHACL over a copy in rdflib, on graphs broken at
random (seeded), on the graph's contract and on shapes using every part of SHACL that is
translated; shapes using any other part are checked by pySHACL."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from samples import CONTRACT_TRIG

from alliance_kg.graph.load import load_paths
from alliance_kg.graph.shapes_sparql import DataFacts, compile_shapes
from alliance_kg.graph.store import refresh_union
from alliance_kg.graph.validate import Validation, Violation, validate_store
from alliance_kg.loaders.readers import sample_corpus_dir
from alliance_kg.ontology import ONTOLOGY_GRAPH, PREFIXES, load_ontology, shapes_path

XSD = "http://www.w3.org/2001/XMLSchema#"
#: A data graph with no subclasses and no ill-formed literal.
NO_FACTS = DataFacts(lambda _: (), lambda _datatype, _path: ())
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _typed(text: str, datatype: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))


#: Values a broken graph may take: of each kind the shapes test, well-formed and not.
LITERALS = [
    ox.Literal("x"),
    ox.Literal(""),
    ox.Literal("x", language="en"),
    ox.Literal("by"),
    ox.Literal("by", language="en"),
    ox.Literal("date"),
    ox.Literal("2023-01-11"),
    ox.Literal("07e949e265a6892e85727f2caa20ed6472c941421d5ebacda74d2448d010ca21"),
    ox.Literal("07E949E265A6892E85727F2CAA20ED6472C941421D5EBACDA74D2448D010CA21"),
    _typed("5", "integer"),
    _typed("-3", "integer"),
    _typed("0", "integer"),
    _typed("200", "integer"),
    _typed("abc", "integer"),
    _typed("1.5", "decimal"),
    _typed("2023-01-11", "date"),
    _typed("2023-01-10", "date"),
    _typed("2023-13-45", "date"),
    _typed("2025", "gYear"),
    _typed("20x5", "gYear"),
    _typed("2023-01-10T00:00:00", "dateTime"),
]


def _store(trig: str | None) -> ox.Store:
    """A store as a build leaves it: ``trig`` (else the bundled corpus built) and the
    ontology, with the union default graph."""
    store = ox.Store()
    if trig is None:
        load_paths(store, [sample_corpus_dir()])
        return store
    store.load(trig.encode(), format=ox.RdfFormat.TRIG)
    ontology = load_ontology().serialize(format="nt").encode()
    store.load(ontology, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    refresh_union(store)
    return store


def _break(store: ox.Store, rng: random.Random, steps: int) -> None:
    """Remove, add, replace and retype a few triples of the store's named graphs (not the
    ontology's), then write the union again."""
    quads = sorted(
        (
            q
            for q in store.quads_for_pattern(None, None, None)
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value != ONTOLOGY_GRAPH
        ),
        key=str,
    )
    nodes = sorted(
        {t for q in quads for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}, key=str
    )
    predicates = sorted({q.predicate for q in quads}, key=str)
    classes = sorted({q.object for q in quads if q.predicate == RDF_TYPE}, key=str)
    for _ in range(steps):
        quad = rng.choice(quads)
        value = rng.choice([*nodes, *LITERALS])
        step = rng.choice(["remove", "add", "replace", "type", "other"])
        if step in ("remove", "replace"):
            store.remove(quad)
        if step in ("add", "replace"):
            store.add(ox.Quad(quad.subject, quad.predicate, value, quad.graph_name))
        elif step == "type":
            store.add(ox.Quad(rng.choice(nodes), RDF_TYPE, rng.choice(classes), quad.graph_name))
        elif step == "other":
            node, predicate = rng.choice(nodes), rng.choice(predicates)
            store.add(ox.Quad(node, predicate, value, quad.graph_name))
    refresh_union(store)


def _both(store: ox.Store, shapes: Path | None = None) -> tuple[Validation, Validation]:
    """Both engines' results, the difference documented (``shapes_sparql.py``) taken out:
    values that SPARQL cannot compare (a date and a number) break ``sh:lessThan`` there, where
    pySHACL may order them."""
    by_queries = validate_store(store, engine="sparql", shapes=shapes)
    by_pyshacl = validate_store(store, engine="pyshacl", shapes=shapes)
    compared = _compared(shapes or shapes_path())
    extra = Counter(by_queries.violations) - Counter(by_pyshacl.violations)
    kept = Counter(by_queries.violations)
    kept.subtract({v: n for v, n in extra.items() if _apart(store, v, compared)})
    return replace(by_queries, violations=sorted(kept.elements())), by_pyshacl


def _compared(shapes: Path) -> dict[str, list[str]]:
    """For each property shape comparing its values, by its message (one a shape here), the
    SPARQL patterns binding ``?other`` to what each value is compared with, each with its
    operator: ``<`` for a value that must be less, and so on."""
    graph = rdflib.Graph().parse(shapes, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    found: dict[str, list[str]] = {}
    for key, op in ((sh.lessThan, "<"), (sh.lessThanOrEquals, "<=")):
        for shape, other in graph.subject_objects(key):
            found.setdefault(str(graph.value(shape, sh.message)), []).append(
                f"?node <{other}> ?other BIND(?value {op} ?other AS ?holds)"
            )
    ranges = ((sh.minInclusive, ">="), (sh.maxInclusive, "<="))
    ranges += ((sh.minExclusive, ">"), (sh.maxExclusive, "<"))
    for key, op in ranges:
        for shape, bound in graph.subject_objects(key):
            found.setdefault(str(graph.value(shape, sh.message)), []).append(
                f"BIND({bound.n3()} AS ?other) BIND(?value {op} ?other AS ?holds)"
            )
    return found


def _apart(store: ox.Store, v: Violation, compared: dict[str, list[str]]) -> bool:
    """Whether the violation is of a value that SPARQL cannot compare with what it is
    compared with (a value of another datatype, an ill-formed literal, an IRI): the
    specification reports it, where pySHACL may order the two (by their datatypes' names, an
    IRI as a string)."""
    for pattern in compared.get(v.message, []):
        ask = (
            f"ASK {{ BIND({_sparql(v.node)} AS ?node) BIND({_sparql(v.value)} AS ?value) "
            f"{pattern} FILTER(!BOUND(?holds)) }}"
        )
        if store.query(ask):
            return True
    return False


def _sparql(text: str) -> str:
    """A node or value as the report writes it (``id:...``, ``<...>``, ``"..."^^xsd:date``,
    a bare integer) in SPARQL syntax."""
    if text.startswith('"') and "^^" in text:
        lexical, datatype = text.rsplit("^^", 1)
        return f"{lexical}^^{_sparql(datatype)}"
    if text.startswith(('"', "<")) or re.fullmatch(r"-?[0-9]+", text):
        return text
    prefix, local = text.split(":", 1)
    return f"<{PREFIXES[prefix]}{local}>"


@pytest.mark.parametrize("seed", range(40))
def test_the_contract_graph_broken_at_random(seed: int) -> None:
    rng = random.Random(seed)
    store = _store(CONTRACT_TRIG)
    _break(store, rng, rng.randint(1, 6))
    by_queries, by_pyshacl = _both(store)
    assert by_queries == by_pyshacl


@pytest.mark.parametrize("seed", range(6))
def test_the_bundled_corpus_broken_at_random(seed: int) -> None:
    rng = random.Random(1000 + seed)
    store = _store(None)
    _break(store, rng, rng.randint(3, 12))
    by_queries, by_pyshacl = _both(store)
    assert by_queries == by_pyshacl
    assert not by_queries.conforms


def test_a_commitment_away_from_its_documents_meeting_among_many() -> None:
    """The rule relating a commitment's meeting to its document's was written with the
    commitment's variables outside the UNION that tests them: a query engine that keeps to
    the specification (Oxigraph) then saw them unbound, and found nothing as soon as another
    commitment was at that meeting."""
    store = _store(None)
    at = ox.NamedNode("https://w3id.org/alliance-kg/ontology#atMeeting")
    quad = min(
        (q for q in store.quads_for_pattern(None, at, None) if q.graph_name != ox.DefaultGraph()),
        key=str,
    )
    store.remove(quad)
    refresh_union(store)
    for result in _both(store):
        assert [(v.message, v.node) for v in result.violations] == [
            (
                "a commitment is at the meeting its document reports, and only there",
                "id:" + quad.subject.value.removeprefix("https://w3id.org/alliance-kg/id/"),
            )
        ]


# Shapes using each part of SHACL that is translated, over a small graph of people.
SHAPES = """\
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:Person a sh:NodeShape ;
    sh:targetClass ex:Person ;
    sh:property [
        sh:path ex:name ; sh:minCount 1 ; sh:maxCount 2 ; sh:datatype xsd:string ;
        sh:minLength 1 ; sh:maxLength 3 ; sh:message "a name of 1 to 3 letters" ;
    ] , [
        sh:path ex:code ; sh:pattern "^[a-f0-9]+$" ; sh:flags "i" ; sh:nodeKind sh:Literal ;
        sh:message "a code in hex" ;
    ] , [
        sh:path ex:age ; sh:maxCount 1 ; sh:minExclusive -1 ; sh:maxInclusive 150 ;
        sh:datatype xsd:integer ; sh:message "an age" ;
    ] , [
        sh:path ex:score ; sh:minInclusive 0 ; sh:maxExclusive 10 ; sh:message "a score" ;
    ] , [
        sh:path ex:born ; sh:lessThan ex:died ; sh:lessThanOrEquals ex:seen ;
        sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYear ] ) ;
        sh:message "born before dying" ;
    ] , [
        sh:path ex:knows ; sh:class ex:Agent ; sh:nodeKind sh:BlankNodeOrIRI ;
        sh:message "knows agents" ;
    ] , [
        sh:path [ sh:inversePath ex:knows ] ; sh:maxCount 2 ; sh:message "known by two at most" ;
    ] , [
        sh:path ex:title ; sh:in ( "Dr" "Mr"@en ex:Sir 3 ) ; sh:nodeKind sh:IRIOrLiteral ;
        sh:message "a title of the list" ;
    ] ;
    sh:or (
        [ sh:path ex:name ; sh:minCount 1 ]
        [ sh:path [ sh:inversePath ex:knows ] ; sh:minCount 1 ]
        [ sh:nodeKind sh:IRI ; sh:class ex:Robot ]
    ) ;
    sh:message "named, known or a robot" .

ex:Named a sh:NodeShape ;
    sh:targetSubjectsOf ex:name ;
    sh:targetObjectsOf ex:knows ;
    sh:nodeKind sh:IRI ;
    sh:class ex:Agent ;
    sh:message "a named or known node is an agent" .

ex:Codes a sh:NodeShape ;
    sh:targetObjectsOf ex:code ;
    sh:datatype xsd:string ;
    sh:maxLength 4 ;
    sh:message "a code is a short string" .
"""

PEOPLE = """\
@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:graph {
    ex:Person rdfs:subClassOf ex:Agent .
    ex:Student rdfs:subClassOf ex:Person .
    ex:Robot rdfs:subClassOf ex:Agent .
    ex:ann a ex:Person ; rdfs:label "Ann" ; ex:name "Ann" ; ex:code "a1f" ; ex:age 40 ;
        ex:score 5 ; ex:born "1980-01-01"^^xsd:date ; ex:died "2070-01-01"^^xsd:date ;
        ex:seen "1980-01-01"^^xsd:date ; ex:knows ex:bob ; ex:title "Dr" .
    ex:bob a ex:Student ; ex:name "Bob" ; ex:knows ex:ann , ex:r2 ; ex:title ex:Sir .
    ex:r2 a ex:Robot ; rdfs:label "R2" .
}
"""


def _shapes_file(tmp_path: Path) -> Path:
    path = tmp_path / "shapes.ttl"
    path.write_text(SHAPES, encoding="utf-8")
    return path


def test_every_part_translated_is_used_by_the_test_shapes(tmp_path: Path) -> None:
    shapes = rdflib.Graph().parse(_shapes_file(tmp_path), format="turtle")
    checks = compile_shapes(shapes, NO_FACTS)
    assert checks is not None and len(checks) == 25
    used = {str(p).removeprefix("http://www.w3.org/ns/shacl#") for p in shapes.predicates()}
    assert used >= {
        "targetClass", "targetSubjectsOf", "targetObjectsOf", "minCount", "maxCount",
        "datatype", "minLength", "maxLength", "pattern", "flags", "nodeKind", "minExclusive",
        "maxInclusive", "minInclusive", "maxExclusive", "lessThan", "lessThanOrEquals", "or",
        "class", "in", "inversePath", "message",
    }  # fmt: skip


def test_the_test_shapes_hold_of_the_people(tmp_path: Path) -> None:
    by_queries, by_pyshacl = _both(_store_of(PEOPLE), _shapes_file(tmp_path))
    assert by_queries == by_pyshacl
    assert by_queries.conforms


@pytest.mark.parametrize("seed", range(40))
def test_the_test_shapes_on_people_broken_at_random(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    store = _store_of(PEOPLE)
    _break(store, rng, rng.randint(1, 5))
    by_queries, by_pyshacl = _both(store, _shapes_file(tmp_path))
    assert by_queries == by_pyshacl


def _store_of(trig: str) -> ox.Store:
    store = ox.Store()
    store.load(trig.encode(), format=ox.RdfFormat.TRIG)
    refresh_union(store)
    return store


@pytest.mark.parametrize(
    "extra",
    [
        "ex:Extra a sh:NodeShape ; sh:targetClass ex:Person ; sh:node ex:Named .",
        "ex:Extra a sh:NodeShape ; sh:targetClass ex:Person ; sh:not [ sh:class ex:Robot ] ;"
        ' sh:message "m" .',
        "ex:Extra a sh:NodeShape ; sh:targetClass ex:Person ;"
        " sh:property [ sh:path ex:name ; sh:minCount 1 ] .",
        "ex:Extra a sh:NodeShape ; sh:targetClass ex:Person ; sh:severity sh:Warning ;"
        ' sh:class ex:Agent ; sh:message "m" .',
        "ex:Extra a sh:NodeShape ; sh:targetClass ex:Person ;"
        ' sh:property [ sh:path ( ex:knows ex:name ) ; sh:minCount 1 ; sh:message "m" ] .',
        "ex:Extra a sh:NodeShape ; sh:targetClass ex:Person ;"
        ' sh:sparql [ sh:select "SELECT $this WHERE { }" ; sh:message "m" ] .',
        'ex:Extra a sh:NodeShape ; sh:class ex:Agent ; sh:message "m" .',
        'ex:Robot a rdfs:Class , sh:NodeShape ; sh:class ex:Person ; sh:message "m" .',
        'ex:Loose sh:property [ sh:path ex:name ; sh:maxCount 1 ; sh:message "m" ] .',
    ],
    ids=[
        *("node", "not", "no message", "severity", "sequence path", "sparql per node"),
        *("no target", "a class's own shape", "a shape not typed, without a target"),
    ],
)
def test_shapes_beyond_the_translation_are_checked_by_pyshacl(tmp_path: Path, extra: str) -> None:
    path = tmp_path / "shapes.ttl"
    path.write_text(SHAPES + extra + "\n", encoding="utf-8")
    assert compile_shapes(rdflib.Graph().parse(path, format="turtle"), NO_FACTS) is None
    store = _store_of(PEOPLE)
    _break(store, random.Random(7), 4)
    by_queries, by_pyshacl = _both(store, path)
    assert by_queries == by_pyshacl


def test_the_contract_is_translated_whole() -> None:
    shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
    checks = compile_shapes(shapes, NO_FACTS)
    assert checks is not None
    # One check for each count, value test, comparison, sh:or and SPARQL constraint.
    assert len(checks) == 100
