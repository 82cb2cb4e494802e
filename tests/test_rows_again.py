"""The rows a bounded query keeps are read again (``bounded._solutions``, through the W3C TSV
results format) and formatted exactly as the store's own result is, in every format: each term
comes back as it was."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from alliance_kg.queries import RESULT_FORMATS, format_results
from alliance_kg.queries.bounded import format_limited

P = ox.NamedNode("http://example.org/p")
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Values a cell must keep: separators of the TSV format, escapes, characters beyond ASCII and
#: the ways a literal is typed.
OBJECTS: list[ox.NamedNode | ox.BlankNode | ox.Literal] = [
    ox.Literal("tab\there, newline\nthere, return\rhere"),
    ox.Literal('quotes " and \\ backslash, ?var and <angle>'),
    ox.Literal(""),
    ox.Literal("  spaces   kept  "),
    ox.Literal("沖縄 and 尖閣諸島, wide characters"),
    ox.Literal("emoji \U0001f600 and no-break\u00a0space"),
    ox.Literal("Okinawa", language="en-US"),
    ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("4.20", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("2024", datatype=ox.NamedNode(XSD + "gYear")),
    ox.Literal("odd", datatype=ox.NamedNode("http://example.org/type")),
    ox.NamedNode("http://example.org/Ōkinawa?q=1#frag"),
    ox.BlankNode("b0"),
]


def _store() -> ox.Store:
    store = ox.Store()
    for k, value in enumerate(OBJECTS):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{k:02d}"), P, value))
    return store


@pytest.mark.parametrize("fmt", RESULT_FORMATS)
@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s ?o ?unbound WHERE { ?s <http://example.org/p> ?o "
        "OPTIONAL { ?s <http://example.org/q> ?unbound } } ORDER BY ?s",
        "SELECT ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?s",
        "SELECT ?s WHERE { ?s <http://example.org/nothing> ?o }",
        "SELECT * WHERE { }",
        # Triple terms, one inside another.
        "SELECT ?t ?u WHERE { BIND(TRIPLE(<http://example.org/s>, <http://example.org/p>, "
        '"x"@en) AS ?t) BIND(TRIPLE(<http://example.org/s>, <http://example.org/p>, ?t) AS ?u) }',
    ],
)
def test_kept_rows_format_as_the_store_does(fmt: str, query: str) -> None:
    store = _store()
    direct = format_results(store.query(query), fmt)
    assert format_limited(store.query(query), fmt, 1_000) == direct
    if "ORDER BY" in query and fmt in ("table", "csv", "tsv"):
        assert "沖縄" in direct and "Okinawa" in direct  # the values are there


def test_a_table_cell_is_one_line_with_its_whitespace_collapsed() -> None:
    table = format_limited(
        _store().query("SELECT ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?s"),
        "table",
        1_000,
    )
    lines = [line.rstrip() for line in table.splitlines()]
    assert "tab here, newline there, return here" in lines
    assert " spaces kept" in lines  # runs of spaces are one space; the cell's end is padding
    assert "emoji \U0001f600 and no-break space" in lines
    assert "沖縄 and 尖閣諸島, wide characters" in lines
    assert len(lines) == 2 + len(OBJECTS) + 1  # the header, its rule, the rows, "N rows"
