"""Cookbook queries rewritten for speed (README, "Queries, sixth round" to "ninth round")
give the bytes of their former text: the same rows in the same order, and each
``GROUP_CONCAT`` list in the order the former plan met its values (``commitments-about``'s
parties come from a hash join, whose matches come out in another order than a lookup's)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from former import DEADLINES, MEETINGS, as_now

from alliance_kg.ontology import COMMITMENT_TYPES, PREFIXES
from alliance_kg.queries.bounded import Narrowing, run_on_store
from alliance_kg.queries.cookbook import get_query

SERIES = Path(__file__).parent / "data" / "series"

#: The former WHERE group of ``commitments-about``: every test in one group, so that Oxigraph
#: joined its OPTIONALs with every commitment of the store.
FORMER_ABOUT = """WHERE {
  ?e skos:prefLabel|skos:altLabel ?name .
  FILTER(LCASE(STR(?name)) = LCASE(STR(?entity)))
  ?c akg:concerns ?e ;
     akg:commitmentType/skos:prefLabel ?typeName ;
     akg:quote ?quote ;
     akg:statedIn/akg:sourceFile ?file .
  OPTIONAL { ?c akg:madeBy/skos:prefLabel ?party }
  OPTIONAL { ?c akg:atMeeting/<http://purl.org/dc/terms/date> ?date }
}
"""
#: The former WHERE group of ``source``: the type a pattern, from which Oxigraph started ahead
#: of a narrowing of more than 1,000 commitments.
FORMER_SOURCE = """WHERE {
  ?c a akg:Commitment ;
     akg:quote ?quote ;
     akg:startOffset ?start ;
     akg:endOffset ?end ;
     akg:statedIn ?doc .
  FILTER(COALESCE(CONTAINS(LCASE(?quote), LCASE(STR(?contains))), true))
  ?doc akg:sourceFile ?file .
  OPTIONAL { ?c akg:atMeeting/dct:date ?date }
  OPTIONAL { ?doc dct:title ?title }
  OPTIONAL { ?doc dct:source ?source }
}
"""
#: The former WHERE group of ``most-reaffirmed``: every test a pattern, so that Oxigraph looked
#: up each commitment's concerns and document and each concerned entity's name and class for
#: every commitment of the type.
FORMER_MOST_REAFFIRMED = """WHERE {
  ?type skos:prefLabel ?typeName .
  ?c akg:commitmentType ?type ; akg:concerns ?e ; akg:statedIn ?doc .
  ?e skos:prefLabel ?entity ; a ?cls .
  FILTER(STRSTARTS(STR(?cls), STR(akg:)) && ?cls != akg:Actor)
  BIND(STRAFTER(STR(?cls), "#") AS ?class)
}
"""
#: The former WHERE group of ``third-parties``: both tests a MINUS, which read every party of
#: every commitment of the store, and the meetings' labels joined after them (every label of the
#: store read).
FORMER_THIRD_PARTIES = """WHERE {
  VALUES (?cls ?class) { (akg:State "State") (akg:Organization "Organization") }
  ?c akg:concerns ?e ; akg:atMeeting ?m .
  ?e a ?cls ; skos:prefLabel ?entity .
  MINUS { ?c akg:madeBy ?e }
  MINUS { ?doc akg:reports ?m ; akg:meetingParty ?e }
  ?m rdfs:label ?meeting .
  OPTIONAL { ?m dct:date ?date }
}
"""
#: The former narrowing of ``lineage``: the words looked for in every label of the store.
FORMER_LINEAGE_NARROWING = """ SELECT DISTINCT ?l WHERE {
   { ?l rdfs:label ?text } UNION { ?any akg:quote ?text ; akg:inLineage ?l }
   FILTER(CONTAINS(LCASE(?text), LCASE(STR(?words))))
 }"""
#: The former test of ``lineage``'s words: each statement of the lineage tested, in an OPTIONAL
#: that made a row per matching statement for every statement of the lineage.
FORMER_LINEAGE_TEST = """  ?l a akg:Lineage ; rdfs:label ?lineage .
  OPTIONAL {
    ?any akg:inLineage ?l ; akg:quote ?anyQuote .
    FILTER(CONTAINS(LCASE(?anyQuote), LCASE(STR(?words))))
  }
  FILTER(CONTAINS(LCASE(?lineage), LCASE(STR(?words))) || BOUND(?any))
"""
NAMES = "SELECT DISTINCT ?n WHERE { ?c akg:concerns ?e . ?e skos:prefLabel|skos:altLabel ?n }"
WORDS = ["", "the", "Article V", "deterrence", "peace and stability", "no such words"]


def _both(store: ox.Store, name: str, former: str, value: str | None) -> tuple[str, str]:
    entry = get_query(name)
    given = {} if value is None else {entry.params[0].name: value}
    bound, names = entry.bind(given), tuple(entry.entity_names(given))
    now = run_on_store(store, entry.text, "csv", bound, 100_000, names, entry.narrowing).text
    then = run_on_store(store, former, "csv", bound, 100_000, names, entry.narrowing).text
    return now, then


def _former(name: str, group: str, until: str = "GROUP BY") -> str:
    """The cookbook text of ``name`` with its WHERE group, up to ``until``, replaced by the
    former ``group``."""
    text = get_query(name).text
    return text[: text.index("\nWHERE {") + 1] + group + text[text.index(until) :]


def test_commitments_about_gives_the_bytes_of_its_former_text(series_store: Path) -> None:
    former = _former("commitments-about", FORMER_ABOUT)
    store = ox.Store.read_only(str(series_store))
    found = store.query(NAMES, prefixes=PREFIXES)
    assert isinstance(found, ox.QuerySolutions)
    names = sorted(row["n"].value for row in found)
    assert len(names) > 20
    lists = 0
    for name in names:
        now, then = _both(store, "commitments-about", former, name)
        assert now == then, name
        lists += sum(", " in line for line in now.splitlines())
    assert lists > 20  # rows with lists of two parties or more: their order is compared


def test_source_gives_the_bytes_of_its_former_text(series_store: Path) -> None:
    former = _former("source", FORMER_SOURCE, "ORDER BY")
    store = ox.Store.read_only(str(series_store))
    rows = 0
    for words in WORDS:
        now, then = _both(store, "source", former, words or None)
        assert now == then, words
        rows += now.count("\n") - 1
    assert rows > 100


@pytest.mark.parametrize("which", ["corpus_store", "series_store"])
def test_most_reaffirmed_gives_the_bytes_of_its_former_text(
    which: str, request: pytest.FixtureRequest
) -> None:
    entry = get_query("most-reaffirmed")
    former = _former("most-reaffirmed", FORMER_MOST_REAFFIRMED)
    store = ox.Store.read_only(str(request.getfixturevalue(which)))
    rows = 0
    # Every type, and the text alone (no type bound: every type's rows); each also without its
    # LIMIT, so that every group's counts and place are compared, not only the first fifteen.
    for given in [*({"type": t} for t in COMMITMENT_TYPES), None]:
        bound = {} if given is None else entry.bind(given)
        for now_text, then_text in [
            (entry.text, former),
            (entry.text.replace("LIMIT 15", ""), former.replace("LIMIT 15", "")),
        ]:
            now = run_on_store(store, now_text, "csv", bound, 100_000).text
            then = run_on_store(store, then_text, "csv", bound, 100_000).text
            assert now == then, given
            rows += now.count("\n") - 1
    assert rows > 150


@pytest.mark.parametrize("which", ["corpus_store", "series_store"])
def test_third_parties_gives_the_bytes_of_its_former_text(
    which: str, request: pytest.FixtureRequest
) -> None:
    entry = get_query("third-parties")
    former = _former("third-parties", FORMER_THIRD_PARTIES)
    store = ox.Store.read_only(str(request.getfixturevalue(which)))
    now = run_on_store(store, entry.text, "csv", {}, 100_000).text
    assert now == run_on_store(store, former, "csv", {}, 100_000).text
    assert now.count("\n") - 1 > 20


#: A graph where each test of ``third-parties`` drops a row: B made the commitment about
#: itself, A is a party of the meeting, and the second meeting has no date.
THIRD_PARTIES_GRAPH = """
@prefix akg: <https://w3id.org/alliance-kg/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix x: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
x:m1 a akg:Meeting ; rdfs:label "Talks, 2020" ; dct:date "2020-01-02"^^xsd:date .
x:m2 a akg:Meeting ; rdfs:label "Talks" .
x:d1 akg:reports x:m1 ; akg:meetingParty x:a .
x:a a akg:State ; skos:prefLabel "A" .
x:b a akg:State ; skos:prefLabel "B" .
x:o a akg:Organization ; skos:prefLabel "O" .
x:c1 akg:atMeeting x:m1 ; akg:concerns x:a, x:b, x:o ; akg:madeBy x:b .
x:c2 akg:atMeeting x:m1 ; akg:concerns x:b, x:o ; akg:madeBy x:a .
x:c3 akg:atMeeting x:m2 ; akg:concerns x:a .
"""


def test_third_parties_drops_the_parties_and_the_makers_as_its_former_text_did() -> None:
    entry = get_query("third-parties")
    former = _former("third-parties", FORMER_THIRD_PARTIES)
    store = ox.Store()
    store.load(THIRD_PARTIES_GRAPH.encode(), ox.RdfFormat.TURTLE)
    now = run_on_store(store, entry.text, "csv", {}, 100).text
    assert now == run_on_store(store, former, "csv", {}, 100).text
    assert now.splitlines() == [
        "date,meeting,entity,class,commitments",
        ",Talks,A,State,1",
        '2020-01-02,"Talks, 2020",O,Organization,2',
        '2020-01-02,"Talks, 2020",B,State,1',
    ]


def test_most_reaffirmed_names_each_entity_by_its_own_class_not_akg_actor() -> None:
    """An entity typed with akg:Actor beside its own class (as data from elsewhere may be) is
    counted once, under its own class."""
    store = ox.Store()
    store.load(
        b"""@prefix akg: <https://w3id.org/alliance-kg/ontology#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix x: <https://example.org/> .
        akg:Reaffirmation skos:prefLabel "Reaffirmation" .
        x:a a akg:State, akg:Actor ; skos:prefLabel "A" .
        x:c1 akg:commitmentType akg:Reaffirmation ; akg:concerns x:a ; akg:statedIn x:d1 .
        x:c2 akg:commitmentType akg:Reaffirmation ; akg:concerns x:a ; akg:statedIn x:d2 .
        """,
        ox.RdfFormat.TURTLE,
    )
    entry = get_query("most-reaffirmed")
    rows = run_on_store(store, entry.text, "csv", entry.bind({}), 100).text.splitlines()
    assert rows == ["kind,entity,class,commitments,documents", "Reaffirmation,A,State,2,2"]


@pytest.mark.parametrize("which", ["corpus_store", "series_store"])
def test_lineage_gives_the_bytes_of_its_former_text(
    which: str, request: pytest.FixtureRequest
) -> None:
    """The words are now tested against each lineage's ``akg:lineageText``, in the narrowing and
    in the query, where they were tested against every label and statement: the same bytes, with
    the narrowing and without it, for words of labels and of sentences, words no sentence
    holds, and words that would span two lines of a lineage's text."""
    entry = get_query("lineage")
    (step,) = entry.narrowing
    former_narrowing = (Narrowing(step.param, FORMER_LINEAGE_NARROWING, step.values),)
    text = entry.text
    start = text.index("  ?l a akg:Lineage ; rdfs:label ?lineage ; akg:lineageText ?text .")
    end = text.index("  # The lineage's statements in a group")
    former = text[: text.index("  # The words are tested once")] + FORMER_LINEAGE_TEST + text[end:]
    assert former != text and start < end
    store = ox.Store.read_only(str(request.getfixturevalue(which)))
    found = store.query(
        "SELECT ?n ?t WHERE { ?l a akg:Lineage ; rdfs:label ?n ; akg:lineageText ?t }",
        prefixes=PREFIXES,
    )
    assert isinstance(found, ox.QuerySolutions)
    lineages = [(r["n"].value, r["t"].value) for r in found]
    # The last words of a sentence and the first of the next line: in the text, not in a line.
    spans = [t[max(0, t.index("\n", len(n) + 1) - 6) : t.index("\n", len(n) + 1) + 6]
             for n, t in lineages if t.count("\n") > 1]  # fmt: skip
    assert spans and all(span.count("\n") == 1 for span in spans)
    quotes = sorted(" ".join(t.splitlines()[-1].split()[2:5]) for _, t in lineages)
    labels = sorted(" ".join(n.split()[:2]) for n, _ in lineages)
    words = [*WORDS[1:], 'a "b" \\ }', *labels, *quotes, *spans]
    rows = 0
    for value in words:
        bound = entry.bind({"words": value})
        now = run_on_store(store, text, "csv", bound, 100_000, (), entry.narrowing).text
        then = run_on_store(store, former, "csv", bound, 100_000, (), former_narrowing).text
        assert now == then, value
        assert now == run_on_store(store, text, "csv", bound, 100_000).text, value
        rows += now.count("\n") - 1
    assert rows > 100


#: ``deadlines`` and ``meetings`` before "Queries, tenth round" (``NAME-lookups.rq``): their
#: lists were OPTIONALs of the main group, whose rows multiplied each other (and, for
#: ``deadlines``, the status points').
FORMER = Path(__file__).parent / "data" / "former"


@pytest.fixture(scope="module")
def synthetic_store(synthetic_built: Path) -> ox.Store:
    """``synthetic_built`` opened read-only."""
    return ox.Store.read_only(str(synthetic_built))


def test_lineage_text_holds_the_label_and_each_distinct_sentence_once(
    corpus_store: Path, synthetic_store: ox.Store
) -> None:
    repeated = 0
    for store in (ox.Store.read_only(str(corpus_store)), synthetic_store):
        found = store.query(
            """SELECT ?t ?n (GROUP_CONCAT(?q; separator="\\u0000") AS ?qs) WHERE {
                 ?l akg:lineageText ?t ; rdfs:label ?n . ?c akg:inLineage ?l ; akg:quote ?q
               } GROUP BY ?l ?t ?n""",
            prefixes=PREFIXES,
        )
        assert isinstance(found, ox.QuerySolutions)
        rows = list(found)
        assert len(rows) > 10
        for row in rows:
            quotes = row["qs"].value.split("\u0000")
            assert row["t"].value == "\n".join([row["n"].value, *sorted(set(quotes))])
            repeated += len(quotes) > len(set(quotes))
    assert repeated > 5  # lineages stating one sentence twice: it is held once


def _lists(csv_text: str, columns: slice) -> int:
    """The cells of ``columns`` that hold a list of two values or more."""
    return sum(", " in cell for row in csv.reader(io.StringIO(csv_text)) for cell in row[columns])


def test_deadlines_gives_the_bytes_of_its_former_text(synthetic_store: ox.Store) -> None:
    entry = get_query("deadlines")
    former = as_now((FORMER / "deadlines-lookups.rq").read_text(encoding="utf-8"), *DEADLINES)
    assert former != entry.text
    lists = 0
    for as_of in [*(f"{year}-06-30" for year in range(2001, 2020, 3)), "2030-01-01"]:
        bound = entry.bind({"as_of": as_of})
        now = run_on_store(synthetic_store, entry.text, "csv", bound, 100_000).text
        assert now == run_on_store(synthetic_store, former, "csv", bound, 100_000).text, as_of
        lists += _lists(now, slice(4, 6))
    assert lists > 100  # rows whose parties or concerns are lists: their order is compared


@pytest.mark.parametrize("which", ["corpus_store", "series_store", "synthetic_store"])
def test_meetings_gives_the_bytes_of_its_former_text(
    which: str, request: pytest.FixtureRequest
) -> None:
    store = request.getfixturevalue(which)
    store = store if isinstance(store, ox.Store) else ox.Store.read_only(str(store))
    text = get_query("meetings").text
    former = (FORMER / "meetings-lookups.rq").read_text(encoding="utf-8")
    former = as_now(former, *MEETINGS)
    assert former != text
    now = run_on_store(store, text, "csv", {}, 100_000).text
    assert now == run_on_store(store, former, "csv", {}, 100_000).text
    assert _lists(now, slice(3, 5)) > (40 if which == "synthetic_store" else 1)
