"""``# sorted lists:``: GROUP_CONCAT lists in code-point order whatever plan the store chose, so
that the cookbook queries may start from what their narrowing finds (a ``VALUES`` block) and
still give the same bytes as the query text run by itself."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg

from alliance_kg.errors import QueryError
from alliance_kg.queries.bounded import run_on_store
from alliance_kg.queries.cookbook import cookbook, parse_query_file

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
    unsorted = LISTED.replace("# sorted lists: names\n", "")
    raw = run_on_store(store, unsorted, "csv", None, 10).text
    assert raw.splitlines()[1] == 'http://e/s,"Japan, Korea, Republic of, A, B, Z, C",5'
    assert run_on_store(store, LISTED, "csv", None, 10).text.splitlines() == [
        "s,names,n",
        # A value holding the separator stays whole ("B, Z" sorts before "C").
        'http://e/s,"A, B, Z, C, Japan, Korea, Republic of",5',
    ]
    # The other formats see the same sorted list.
    data = json.loads(run_on_store(store, LISTED, "json", None, 10).text)
    assert data["results"]["bindings"][0]["names"]["value"] == (
        "A, B, Z, C, Japan, Korea, Republic of"
    )
    # Only the comment lines heading the query count.
    late = unsorted.replace("GROUP BY ?s", "# sorted lists: names\nGROUP BY ?s")
    assert run_on_store(store, late, "csv", None, 10).text == raw


def test_akg_query_sorts_the_lists_of_a_query_file(tmp_path: Path, corpus_store: Path) -> None:
    """``akg query -f`` sorts the lists its file names, as ``-n`` does for the cookbook."""
    text = (
        'SELECT ?c (GROUP_CONCAT(DISTINCT STR(?t); separator=" + ") AS ?types) WHERE {\n'
        "  ?c akg:commitmentType/skos:prefLabel ?t }\n"
        "GROUP BY ?c HAVING (COUNT(DISTINCT ?t) > 1) ORDER BY ?c\n"
    )
    runs = []
    for head in ("", "# sorted lists: types\n"):
        query = tmp_path / "q.rq"
        query.write_text(head + text, encoding="utf-8")
        result = akg(corpus_store, "query", "-f", str(query), "--format", "csv")
        assert result.exit_code == 0, result.output
        runs.append([row.rsplit(",", 1) for row in result.output.splitlines()[1:]])
    unsorted, ordered = runs
    assert [c for c, _ in unsorted] == [c for c, _ in ordered]
    assert len(ordered) > 20
    assert all(t == " + ".join(sorted(t.split(" + "))) for _, t in ordered)
    # Oxigraph's own order is not sorted here (e.g. "Reaffirmation + Opposition").
    assert any(t != " + ".join(sorted(t.split(" + "))) for _, t in unsorted)


def test_sorted_lists_must_name_a_group_concat_column() -> None:
    with pytest.raises(QueryError) as raised:
        parse_query_file("x", LISTED.replace("sorted lists: names", "sorted lists: names n"))
    assert str(raised.value) == (
        "x.rq: '# sorted lists:' names a column with no "
        'GROUP_CONCAT(...; separator="...") AS ?n to sort'
    )


def _run(store: ox.Store, name: str, given: dict[str, str], *, narrow: bool) -> str:
    entry = cookbook()[name]
    narrowing = entry.narrowing if narrow else ()
    return run_on_store(store, entry.text, "csv", entry.bind(given), 10_000, (), narrowing).text


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


def test_lists_of_values_with_tabs_quotes_and_newlines_are_sorted_whole() -> None:
    # The rows pass through the TSV results format, where such characters are escaped: each
    # row stays one line, and its other cells stay as they were.
    store = ox.Store()
    subject, predicate = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
    values = ['z "quoted"', "tab\there", "new\nline", "back\\slash", "émigré"]
    for value in values:
        store.add(ox.Quad(subject, predicate, ox.Literal(value)))
    text = LISTED.replace('separator=", "', 'separator="|"')
    data = json.loads(run_on_store(store, text, "json", None, 10).text)
    row = data["results"]["bindings"][0]
    assert row["names"]["value"] == "|".join(sorted(values))
    assert row["n"] == {
        "type": "literal",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
        "value": "5",
    }
    tagged = ox.Store()
    for value in ["b", "a"]:
        tagged.add(ox.Quad(subject, predicate, ox.Literal(value, language="en")))
    found = json.loads(run_on_store(tagged, LISTED, "json", None, 10).text)
    assert found["results"]["bindings"][0]["names"] == {
        "type": "literal",
        "xml:lang": "en",
        "value": "a, b",
    }


@pytest.mark.parametrize("rows", [0, 1, 999, 1000, 1001, 5000])
def test_a_result_of_the_limit_is_given_and_one_row_more_is_refused(rows: int) -> None:
    store = ox.Store()
    predicate = ox.NamedNode("http://e/p")
    for k in range(rows):
        store.add(ox.Quad(ox.NamedNode(f"http://e/s{k}"), predicate, ox.Literal(f"v\n{k}")))
    text = "SELECT ?s ?o WHERE { ?s <http://e/p> ?o } ORDER BY ?s"
    if rows > 1000:
        with pytest.raises(QueryError, match="more than 1000 rows"):
            run_on_store(store, text, "csv", None, 1000)
        return
    found = run_on_store(store, text, "tsv", None, 1000).text.splitlines()
    assert found[0] == "?s\t?o" and len(found) == rows + 1
    order = sorted(range(rows), key=lambda k: f"http://e/s{k}")
    assert found[1:] == [f'<http://e/s{k}>\t"v\\n{k}"' for k in order]


@pytest.mark.parametrize("seed", range(20))
def test_lists_sorted_as_text_are_those_oxigraph_reads(seed: int) -> None:
    """A cell sorted as text (no escape in it) gives the bytes of the same cell read and
    written by Oxigraph: random lists of plain values, of values Oxigraph writes escaped,
    tagged, single and empty."""
    import io
    import random

    from alliance_kg.queries.lists import _PLAIN, UNIT, _sorted_rows, sorted_tsv

    rng = random.Random(seed)
    alphabet = ["a", "B", "z", " ", ",", "é", "ü", "日", '"', "\\", "\t", "\n", "\x01", "\x7f"]
    store = ox.Store()
    predicate, marked = ox.NamedNode("http://e/p"), ox.NamedNode("http://e/q")
    for s in range(30):
        subject = ox.NamedNode(f"http://e/s{s:02d}")
        store.add(ox.Quad(subject, marked, ox.Literal("m")))
        language = rng.choice([None, None, "en"])
        chars = alphabet[:8] if rng.random() < 0.7 else alphabet
        for _ in range(rng.randint(0, 4)):
            value = "".join(rng.choice(chars) for _ in range(rng.randint(1, 6)))
            literal = ox.Literal(value, language=language) if language else ox.Literal(value)
            store.add(ox.Quad(subject, predicate, literal))
    found = store.query(
        f'SELECT ?s (GROUP_CONCAT(?o; separator="{UNIT}") AS ?names) '
        f'(GROUP_CONCAT(STR(?o); separator="{UNIT}") AS ?texts) '
        "WHERE { ?s <http://e/q> ?m OPTIONAL { ?s <http://e/p> ?o } } GROUP BY ?s ORDER BY ?s"
    )
    assert isinstance(found, ox.QuerySolutions)
    out = io.BytesIO()
    found.serialize(out, ox.QueryResultsFormat.TSV)
    data = out.getvalue()
    lines = data.decode("utf-8").split("\n")
    cells = [line.split("\t")[1] for line in lines[1:-1]]
    assert any(_PLAIN.fullmatch(c) for c in cells) and not all(_PLAIN.fullmatch(c) for c in cells)
    lists = {"names": ", ", "texts": "|"}
    columns = [(1, "names"), (2, "texts")]
    assert sorted_tsv(data, lists) == _sorted_rows(lines, range(1, len(lines) - 1), columns, lists)


def test_a_list_with_escapes_is_sorted_by_its_values_not_its_escapes() -> None:
    """A tab sorts before a comma, but its escape (a backslash) after: the values decide."""
    from alliance_kg.queries.lists import sorted_tsv

    data = b'?names\n"a,b\x1fa\\tb"\n"b\x1fa"@en\n'
    assert sorted_tsv(data, {"names": "; "}) == b'?names\n"a\\tb; a,b"\n"a; b"@en\n'


def test_a_list_whose_separator_is_written_escaped_is_sorted_too() -> None:
    """A tab as the separator: every row is read by Oxigraph, and each list holds it."""
    store = _store()
    text = LISTED.replace('separator=", "', 'separator="\t"')
    data = json.loads(run_on_store(store, text, "json", None, 10).text)
    assert data["results"]["bindings"][0]["names"]["value"] == (
        "A\tB, Z\tC\tJapan\tKorea, Republic of"
    )
