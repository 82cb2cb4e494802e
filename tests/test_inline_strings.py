"""``bind_values`` writes a plain string parameter into the FILTER expressions of the group its
``VALUES`` block opens, where Oxigraph can test it before any pattern is looked up (README,
"Queries, ninth round"), and nowhere else: the rows are those of the block alone, whatever the
value holds."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from alliance_kg.graph.sparql import bind_values

WORDS = ox.Variable("words")
#: Every character that could end a string, a group or the query, or look like a variable.
HOSTILE = "a \"b\" \\ c\n} ?words 'd' # e"
HOSTILE_NT = '"a \\"b\\" \\\\ c\\n} ?words \'d\' # e"'


def test_a_string_is_written_into_the_filters_of_its_group_only() -> None:
    query = (
        "SELECT ?words WHERE { ?x ?p ?text .\n"
        " FILTER(CONTAINS(?text, ?words) && !BOUND(?words) && ?words_1 != $words)\n"
        " FILTER regex(?text, $words) FILTER BOUND(?words)\n"
        " FILTER EXISTS { ?a ?b ?words FILTER(?words) } BIND((?words) AS ?v)\n"
        ' FILTER(EXISTS { ?words ?b ?c } || ?words = "?words") # FILTER(?words)\n'
        " OPTIONAL { ?a ?b ?c FILTER(?words) } { SELECT ?a WHERE { FILTER(?words) } }\n"
        " ?x ex:filter ?y . BIND((?words) AS ?u) BIND(?words AS ?w) } ORDER BY ?words"
    )
    assert bind_values(query, {WORDS: ox.Literal(HOSTILE)}) == (
        f"SELECT ?words WHERE {{ VALUES (?words) {{ ({HOSTILE_NT}) }}\n"
        " ?x ?p ?text .\n"
        f" FILTER(CONTAINS(?text, {HOSTILE_NT}) && !BOUND(?words) && ?words_1 != {HOSTILE_NT})\n"
        f" FILTER regex(?text, {HOSTILE_NT}) FILTER BOUND(?words)\n"
        " FILTER EXISTS { ?a ?b ?words FILTER(?words) } BIND((?words) AS ?v)\n"
        f' FILTER(EXISTS {{ ?words ?b ?c }} || {HOSTILE_NT} = "?words") # FILTER(?words)\n'
        " OPTIONAL { ?a ?b ?c FILTER(?words) } { SELECT ?a WHERE { FILTER(?words) } }\n"
        " ?x ex:filter ?y . BIND((?words) AS ?u) BIND(?words AS ?w) } ORDER BY ?words"
    )


@pytest.mark.parametrize(
    "term",
    [
        ox.Literal("2020-01-02", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        ox.Literal("Okinawa", language="en"),
        ox.NamedNode("https://example.org/x"),
    ],
)
def test_other_terms_are_bound_by_the_block_alone(term: ox.NamedNode | ox.Literal) -> None:
    query = "SELECT * WHERE { ?x ?p ?v FILTER(?v = ?words) }"
    assert bind_values(query, {WORDS: term}) == (
        f"SELECT * WHERE {{ VALUES (?words) {{ ({term}) }}\n ?x ?p ?v FILTER(?v = ?words) }}"
    )


QUOTES = [HOSTILE, "x " + HOSTILE + " y", "a b", 'a "b"', "c\n}", "nothing here"]


@pytest.mark.parametrize("value", [HOSTILE, '"b"', "\\", "\n}", "?words", "'d' #", "zzz"])
def test_a_hostile_string_matches_as_one_string_as_the_block_alone_did(value: str) -> None:
    store = ox.Store()
    for n, quote in enumerate(QUOTES):
        store.add(ox.Quad(ox.NamedNode(f"urn:c{n}"), ox.NamedNode("urn:quote"), ox.Literal(quote)))
    query = (
        "SELECT ?c ?words WHERE { ?c <urn:quote> ?q\n"
        "  FILTER(CONTAINS(?q, ?words) || !BOUND(?words)) } ORDER BY ?c"
    )
    bound = bind_values(query, {WORDS: ox.Literal(value)})
    assert f"CONTAINS(?q, {ox.Literal(value)})" in bound
    result = store.query(bound)
    assert isinstance(result, ox.QuerySolutions)
    rows = [(row["c"].value, row["words"].value) for row in result]
    expected = [(f"urn:c{n}", value) for n, quote in enumerate(QUOTES) if value in quote]
    assert rows == expected
