"""``# sorted lists:``: GROUP_CONCAT lists in code-point order whatever plan the store chose, so
that the cookbook queries may start from what their narrowing finds (a ``VALUES`` block) and
still give the same bytes as the query text run by itself."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_kg.errors import QueryError
from alliance_kg.queries.bounded import run_on_store
from alliance_kg.queries.cookbook import cookbook, parse_query_file
from alliance_kg.queries.lists import unit_separated

LISTED = (
    "# Names.\n# sorted lists: names\n"
    'SELECT ?s (GROUP_CONCAT(DISTINCT ?o; separator=", ") AS ?names) (COUNT(?o) AS ?n)\n'
    "WHERE { ?s <http://e/p> ?o } GROUP BY ?s\n"
)


def _store() -> ox.Store:
    store = ox.Store()
    for value in ["C", "B, Z", "A", "Korea, Republic of", "Japan"]:
        subject, predicate = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
        store.add(ox.Quad(subject, predicate, ox.Literal(value)))
    return store


def test_a_sorted_list_holds_whole_values_in_code_point_order() -> None:
    store = _store()
    entry = parse_query_file("x", LISTED)
    assert entry.lists == ("names",)
    # Oxigraph lists the values in the order it meets them, which is not sorted here.
    raw = run_on_store(store, entry.text, "csv", None, 10).text
    assert raw.splitlines()[1] == 'http://e/s,"Japan, Korea, Republic of, A, B, Z, C",5'
    text, lists = unit_separated(entry.text, entry.lists)
    assert lists == {"names": ", "}
    assert run_on_store(store, text, "csv", None, 10, lists=lists).text.splitlines() == [
        "s,names,n",
        # A value holding the separator stays whole ("B, Z" sorts before "C").
        'http://e/s,"A, B, Z, C, Japan, Korea, Republic of",5',
    ]
    # The other formats see the same sorted list.
    data = json.loads(run_on_store(store, text, "json", None, 10, lists=lists).text)
    assert data["results"]["bindings"][0]["names"]["value"] == (
        "A, B, Z, C, Japan, Korea, Republic of"
    )


def test_sorted_lists_must_name_a_group_concat_column() -> None:
    with pytest.raises(QueryError) as raised:
        parse_query_file("x", LISTED.replace("sorted lists: names", "sorted lists: names n"))
    assert str(raised.value) == (
        "x.rq: '# sorted lists:' names a column with no "
        'GROUP_CONCAT(...; separator="...") AS ?n to sort'
    )


def _run(store: ox.Store, name: str, given: dict[str, str], *, narrow: bool) -> str:
    entry = cookbook()[name]
    text, lists = unit_separated(entry.text, entry.lists)
    narrowing = entry.narrowing if narrow else ()
    bound = entry.bind(given)
    return run_on_store(store, text, "csv", bound, 10_000, (), narrowing, lists=lists).text


#: Words of lineages of the bundled corpus, and some that match many or none.
WORDS = ["Article V", "Okinawa", "Guam", "missile", "the", "exercises", "nothing like this"]


def test_lineage_gives_the_same_bytes_narrowed_or_not(corpus_store: Path) -> None:
    """Narrowed, the lineages the words match are bound by a VALUES block, from which Oxigraph
    meets the rows in another order than the text run by itself: the bytes are the same."""
    store = ox.Store.read_only(str(corpus_store))
    many = 0
    for words in WORDS:
        narrowed = _run(store, "lineage", {"words": words}, narrow=True)
        assert narrowed == _run(store, "lineage", {"words": words}, narrow=False), words
        many += narrowed.count("Japan, United States")
    assert many > 10


def test_timeline_gives_the_same_bytes_narrowed_or_not(corpus_store: Path) -> None:
    """The same for the entities' commitments, for every entity the commitments concern."""
    store = ox.Store.read_only(str(corpus_store))
    result = store.query(
        "PREFIX akg: <https://w3id.org/alliance-kg/ontology#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT DISTINCT ?name WHERE { ?c akg:concerns ?e . ?e skos:prefLabel ?name }"
    )
    assert isinstance(result, ox.QuerySolutions)
    names = sorted({row["name"].value for row in result})
    assert len(names) > 20
    rows = 0
    for name in names:
        given = {"entity": name, "as_of": "2026-11-26"}
        narrowed = _run(store, "timeline", given, narrow=True)
        assert narrowed == _run(store, "timeline", given, narrow=False), name
        rows += len(narrowed.splitlines()) - 1
    assert rows > 100
