"""SPARQL over the store: the union default graph, prefixes, result formats, errors."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import SKOS

from alliance_kg.cli import RESULT_FORMAT_NAMES
from alliance_kg.errors import QueryError
from alliance_kg.graph.store import open_store, refresh_union, replace_graphs
from alliance_kg.ontology import AKG, ID
from alliance_kg.queries import (
    QUERY_FORMATS,
    RESULT_FORMATS,
    compact_iri,
    format_results,
    load_query_file,
    run_query,
)

D1, D2 = ID["document/d1"], ID["document/d2"]
JAPAN, US = ID["state/japan"], ID["state/united-states"]
C1 = ID["commitment/d1/0-10"]
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"
COOKBOOK = Path(__file__).parent.parent / "alliance_kg" / "queries" / "cookbook"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    s = open_store(tmp_path_factory.mktemp("q") / "store")
    japan = [(JAPAN, RDF.type, AKG.State), (JAPAN, SKOS.prefLabel, Literal("Japan"))]
    replace_graphs(
        s,
        {
            str(D1): [
                *japan,
                (C1, RDF.type, AKG.Commitment),
                (C1, AKG.madeBy, JAPAN),
                (C1, AKG.quote, Literal('Japan, with "the U.S.",\nreaffirmed')),
                (C1, AKG.startOffset, Literal("12", datatype=XSD_INTEGER)),
            ],
            str(D2): [
                *japan,
                (US, RDF.type, AKG.State),
                (US, SKOS.prefLabel, Literal("United States")),
                (US, RDFS.label, Literal("アメリカ", lang="ja")),
            ],
        },
    )
    return s


STATES = (
    "SELECT DISTINCT ?state ?name WHERE { ?state a akg:State ; skos:prefLabel ?name } "
    "ORDER BY ?name"
)
QUOTE = "SELECT ?c ?quote ?at ?none WHERE { ?c akg:quote ?quote ; akg:startOffset ?at }"


def test_union_default_graph_and_graph_keyword(store: ox.Store) -> None:
    # Japan's type is stated in both graphs. The default graph is their de-duplicated union
    # (an RDF merge), so a plain pattern matches the triple once, without DISTINCT.
    result = run_query(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{JAPAN}> a akg:State }}")
    assert format_results(result, "csv") == "n\r\n1\r\n"
    result = run_query(store, "SELECT ?s WHERE { ?s a akg:State } ORDER BY ?s")
    assert format_results(result, "csv") == f"s\r\n{JAPAN}\r\n{US}\r\n"
    # GRAPH ?g still reaches each document's graph: the shared triple once per graph.
    query = f"SELECT ?g WHERE {{ GRAPH ?g {{ <{JAPAN}> a akg:State }} }} ORDER BY ?g"
    assert format_results(run_query(store, query), "csv") == f"g\r\n{D1}\r\n{D2}\r\n"
    result = run_query(store, "SELECT ?g WHERE { GRAPH ?g { ?s a akg:State } } ORDER BY ?g ?s")
    assert format_results(result, "csv") == f"g\r\n{D1}\r\n{D2}\r\n{D2}\r\n"
    # The default graph itself is not one of the graphs GRAPH ?g ranges over.
    result = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert format_results(result, "csv") == "n\r\n11\r\n"
    result = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert format_results(result, "csv") == "n\r\n9\r\n"


def test_quads_added_directly_are_seen_after_refresh_union(tmp_path: Path) -> None:
    s = open_store(tmp_path / "s")
    japan, state = ox.NamedNode(str(JAPAN)), ox.NamedNode(str(AKG.State))
    rdf_type = ox.NamedNode(str(RDF.type))
    for doc in (D1, D2):
        s.add(ox.Quad(japan, rdf_type, state, ox.NamedNode(str(doc))))
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{JAPAN}> a akg:State }}"
    assert format_results(run_query(s, count), "csv") == "n\r\n0\r\n"
    refresh_union(s)
    assert format_results(run_query(s, count), "csv") == "n\r\n1\r\n"


def test_query_prefixes_win_over_built_in_ones(store: ox.Store) -> None:
    query = "PREFIX akg: <http://example.org/> ASK { ?s a akg:State }"
    assert format_results(run_query(store, query), "table") == "false\n"
    assert format_results(run_query(store, "ASK { ?s a akg:State }"), "table") == "true\n"


def test_table(store: ox.Store) -> None:
    assert format_results(run_query(store, STATES), "table") == (
        "state                   name\n"
        "----------------------  -------------\n"
        "id:state/japan          Japan\n"
        "id:state/united-states  United States\n"
        "2 rows\n"
    )
    assert format_results(run_query(store, QUOTE), "table") == (
        "c                      quote                               at  none\n"
        "---------------------  ----------------------------------  --  ----\n"
        'id:commitment/d1/0-10  Japan, with "the U.S.", reaffirmed  12\n'
        "1 row\n"
    )


def test_table_language_tags_and_empty_result(store: ox.Store) -> None:
    query = "SELECT ?label WHERE { ?s rdfs:label ?label }"
    assert format_results(run_query(store, query), "table") == (
        "label\n-----------\nアメリカ@ja\n1 row\n"
    )
    empty = run_query(store, "SELECT ?x ?y WHERE { ?x a akg:Meeting }")
    assert format_results(empty, "table") == "x  y\n-  -\n0 rows\n"


def test_csv_and_tsv(store: ox.Store) -> None:
    assert format_results(run_query(store, QUOTE), "csv") == (
        f'c,quote,at,none\r\n{C1},"Japan, with ""the U.S."",\nreaffirmed",12,\r\n'
    )
    assert format_results(run_query(store, QUOTE), "tsv") == (
        f'?c\t?quote\t?at\t?none\n<{C1}>\t"Japan, with \\"the U.S.\\",\\nreaffirmed"\t12\t\n'
    )


def test_json(store: ox.Store) -> None:
    data = json.loads(format_results(run_query(store, QUOTE), "json"))
    assert data == {
        "head": {"vars": ["c", "quote", "at", "none"]},
        "results": {
            "bindings": [
                {
                    "c": {"type": "uri", "value": str(C1)},
                    "quote": {"type": "literal", "value": 'Japan, with "the U.S.",\nreaffirmed'},
                    "at": {"type": "literal", "value": "12", "datatype": str(XSD_INTEGER)},
                }
            ]
        },
    }
    label = run_query(store, "SELECT ?l WHERE { ?s rdfs:label ?l }")
    assert json.loads(format_results(label, "json"))["results"]["bindings"] == [
        {"l": {"type": "literal", "value": "アメリカ", "xml:lang": "ja"}}
    ]


def test_xml(store: ox.Store) -> None:
    root = ET.fromstring(format_results(run_query(store, QUOTE), "xml"))
    assert root.tag == f"{SPARQL_RESULTS}sparql"
    head = [v.attrib["name"] for v in root.iter(f"{SPARQL_RESULTS}variable")]
    assert head == ["c", "quote", "at", "none"]
    results = list(root.iter(f"{SPARQL_RESULTS}result"))
    assert len(results) == 1
    bindings = {b.attrib["name"]: b[0] for b in results[0]}
    assert set(bindings) == {"c", "quote", "at"}
    assert (bindings["c"].tag, bindings["c"].text) == (f"{SPARQL_RESULTS}uri", str(C1))
    assert bindings["quote"].text == 'Japan, with "the U.S.",\nreaffirmed'
    assert bindings["at"].attrib == {"datatype": str(XSD_INTEGER)}
    assert bindings["at"].text == "12"


def test_ask_in_every_format(store: ox.Store) -> None:
    ask = "ASK { ?s a akg:Commitment }"
    for fmt in ("table", "csv", "tsv"):
        assert format_results(run_query(store, ask), fmt) == "true\n"
    assert json.loads(format_results(run_query(store, ask), "json")) == {
        "head": {},
        "boolean": True,
    }
    root = ET.fromstring(format_results(run_query(store, "ASK { ?s a akg:Meeting }"), "xml"))
    assert root.find(f"{SPARQL_RESULTS}boolean") is not None
    assert root.findtext(f"{SPARQL_RESULTS}boolean") == "false"


def test_construct_is_turtle_whatever_the_format(store: ox.Store) -> None:
    query = "CONSTRUCT { ?s a akg:State ; rdfs:label ?n } WHERE { ?s skos:prefLabel ?n }"
    outputs = {fmt: format_results(run_query(store, query), fmt) for fmt in RESULT_FORMATS}
    ids = "https://w3id.org/alliance-kg/id/"
    assert outputs["table"] == (
        "@prefix akg: <https://w3id.org/alliance-kg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<{ids}state/japan> a akg:State ;\n\trdfs:label "Japan" .\n'
        f'<{ids}state/united-states> a akg:State ;\n\trdfs:label "United States" .\n'
    )  # only the prefixes used, no "\\/" escapes
    assert set(outputs.values()) == {outputs["table"]}
    triples = set(ox.parse(outputs["table"].encode(), format=ox.RdfFormat.TURTLE))
    assert len(triples) == 4


def test_invalid_sparql_reports_position() -> None:
    s = ox.Store()
    with pytest.raises(QueryError) as err:
        run_query(s, "SELECT ?s WHERE { ?s ?p ?o ")
    assert str(err.value).splitlines() == [
        'line 1, column 28: expected one of ",", ".", ";", "{", "{|", "}", "~"',
        "  SELECT ?s WHERE { ?s ?p ?o ",
        "                             ^",
    ]


def test_unknown_prefix_position_is_in_the_users_text() -> None:
    query = "SELECT * WHERE {\n  ?s a akg:Commitment ;\n     ex:party ?p .\n}"
    with pytest.raises(QueryError) as err:
        run_query(ox.Store(), query)
    assert str(err.value).splitlines() == [
        "line 3, column 6: unknown prefix 'ex:' (declare it with PREFIX; built in: "
        "akg, dct, geo, id, owl, prov, rdf, rdfs, skos, time, xsd)",
        "       ex:party ?p .",
        "       ^",
    ]


def test_update_is_not_a_query(store: ox.Store) -> None:
    before = set(store)
    with pytest.raises(QueryError, match=r"^line 1, column \d+: "):
        run_query(store, "DROP ALL")
    assert set(store) == before
    # 11 quads in the document graphs and their 9 distinct triples in the default graph.
    assert sum(1 for q in store if not isinstance(q.graph_name, ox.DefaultGraph)) == 11
    assert len(store) == 20


def test_evaluation_error_is_a_query_error(store: ox.Store) -> None:
    # Port 1 is refused by pyoxigraph itself: no network traffic.
    result = run_query(store, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match=r"^the query failed: The port 1 is not allowed"):
        format_results(result, "table")


def test_unknown_result_format(store: ox.Store) -> None:
    with pytest.raises(QueryError, match="unknown result format 'html'; use one of table, csv"):
        format_results(run_query(store, STATES), "html")


def test_registry_matches_cli_choices() -> None:
    assert QUERY_FORMATS == RESULT_FORMAT_NAMES


def test_compact_iri() -> None:
    assert compact_iri(str(JAPAN)) == "id:state/japan"
    assert compact_iri(str(AKG.madeBy)) == "akg:madeBy"
    assert compact_iri("http://example.org/x") == "<http://example.org/x>"
    assert compact_iri(str(ID) + "a b") == f"<{ID}a b>"


def test_load_query_file(tmp_path: Path) -> None:
    good = tmp_path / "q.rq"
    good.write_bytes('\ufeffASK { ?s ?p "é" }\n'.encode())
    assert load_query_file(good) == 'ASK { ?s ?p "é" }\n'
    latin = tmp_path / "latin.rq"
    latin.write_bytes(b'ASK { ?s ?p "\xe9" }')
    with pytest.raises(QueryError) as err:
        load_query_file(latin)
    assert str(err.value) == f"{latin}: not UTF-8 text (byte 0xe9 at offset 13)"
    with pytest.raises(QueryError, match=r"missing\.rq: no such query file$"):
        load_query_file(tmp_path / "missing.rq")
    with pytest.raises(QueryError, match=r": is a folder, not a query file$"):
        load_query_file(tmp_path)
    (tmp_path / "empty.rq").write_text("  \n")
    with pytest.raises(QueryError, match=r"empty\.rq: the query file is empty$"):
        load_query_file(tmp_path / "empty.rq")


@pytest.mark.parametrize("name", sorted(p.name for p in COOKBOOK.glob("*.rq")))
def test_cookbook_queries_run(store: ox.Store, name: str) -> None:
    text = load_query_file(COOKBOOK / name)
    last = format_results(run_query(store, text), "table").splitlines()[-1]
    assert re.fullmatch(r"\d+ rows?", last), last
