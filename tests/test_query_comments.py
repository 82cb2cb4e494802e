"""A query whose words FROM or SERVICE stand only in whole-line comments skips rdflib's parse
(``safety.parse_tree_needed``), and no comment-like text can hide a FROM or a SERVICE that a
parser reads."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_kg.graph.sparql import tree_has
from alliance_kg.queries.safety import parse_tree_needed

SERVICE = "SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } "


@pytest.mark.parametrize(
    ("text", "needed"),
    [
        ("# meetings from 2014 on\nSELECT * WHERE { ?s ?p ?o }", False),
        (" \t# no SERVICE here\r\nASK {}", False),
        ("ASK {}\n   # from\n", False),
        ("ASK {}", False),
        # A comment after something else on its line is not skipped.
        ("ASK {} # from", True),
        # A carriage return ends a comment, as a line feed does.
        ("# c\rSELECT * FROM <http://x/g> WHERE { }", True),
        # A line opening with # inside a long string is not a comment.
        (f'SELECT * WHERE {{ BIND("""x\n# """ AS ?a) {SERVICE}}}', True),
        (f"SELECT * WHERE {{ BIND('''x\n# ''' AS ?a) {SERVICE}}}", True),
        # Backslashes: escapes may spell anything.
        ('SELECT * WHERE { ?s ?p "a\\\\" }\n# from', True),
        ("# \\u0046ROM\nASK {}", True),
        ("SELECT * WHERE { ?s ?p ?o }\n#FROM\nservice", True),
    ],
)
def test_whole_line_comments_are_skipped_and_nothing_else(text: str, needed: bool) -> None:
    assert parse_tree_needed(text) is needed


#: What a query is made of, in three places: before SELECT, between SELECT and WHERE, and in
#: the WHERE group, which ends with a pattern every row of the store matches. A ``{v}`` is a
#: variable of its own, a ``{end}`` a line end, a ``{comment}`` a line opening with ``#`` (after
#: spaces or not) that holds pieces of the others. No part but SERVICE and FROM removes a row.
HEAD = ["PREFIX h: <http://x/#>", "{comment}"]
MIDDLE = ["FROM <http://x/g>", "FROM NAMED <http://x/g2>", "{comment}"]
BODY = [
    SERVICE,
    "{comment}",
    'BIND("""a{end}{comment}""" AS ?{v})',
    "BIND('''a{end}{comment}''' AS ?{v})",
    'BIND("""a{end}{comment}{end}""" AS ?{v})',
    'BIND("""a{end}{comment}""" AS ?{v}) ' + SERVICE,
    "BIND('''a{end}{comment}''' AS ?{v}) FILTER(?a<?b || true) " + SERVICE,
    'BIND("#from" AS ?{v})',
    "FILTER(?a<?b || true)",
    "OPTIONAL { h:a\\#b ?{v} ?o }",
    "OPTIONAL { h:x ?{v} ?o }",
]
PIECES = ["from ", SERVICE, "FROM <http://x/g> ", "\\", "<h#> ", '"', "'", "}"]
#: A space joins two parts into one line, so that a keyword may follow a ``#`` on its line.
ENDS = ["\n", "\r", "\r\n", " "]


@st.composite
def queries(draw: st.DrawFn) -> str:
    """Queries made of the parts above, with every kind of line end."""
    names = iter(range(10**6))

    def comment() -> str:
        indent = draw(st.sampled_from(["", " ", "\t"]))
        return indent + "#" + "".join(draw(st.lists(st.sampled_from(PIECES), max_size=3)))

    def part(template: str) -> str:
        # Each placeholder drawn as it is met, so that a part may hold several.
        out = template
        while "{" in out and any(k in out for k in ("{v}", "{end}", "{comment}")):
            out = out.replace("{v}", f"v{next(names)}", 1)
            out = out.replace("{end}", draw(st.sampled_from(ENDS[:3])), 1)
            out = out.replace("{comment}", comment(), 1)
        return out

    def parts(pool: list[str]) -> list[str]:
        return [part(t) for t in draw(st.lists(st.sampled_from(pool), max_size=4))]

    pieces = [
        "PREFIX h: <http://x/#>",
        *parts(HEAD),
        "SELECT *",
        *parts(MIDDLE),
        "WHERE {",
        *parts(BODY),
        "?s ?p ?o }",
    ]
    ends = draw(st.lists(st.sampled_from(ENDS), min_size=len(pieces), max_size=len(pieces)))
    return "".join(piece + end for piece, end in zip(pieces, ends, strict=True))


def _rdflib_reads(text: str) -> bool:
    """Whether rdflib's parse of ``text`` holds a SERVICE or a FROM (False if it has none)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except (ParseException, ValueError, TypeError):
        return False
    return tree_has(tree, "ServiceGraphPattern") or "datasetClause" in tree[1]


def _oxigraph_reads(text: str) -> bool:
    """Whether Oxigraph reads a SERVICE or a FROM in ``text``: run on a store whose one triple
    is in the graph given as the default, a FROM finds no row, and a SERVICE fails (Oxigraph
    refuses port 9 without connecting)."""
    store = ox.Store()
    other = ox.NamedNode("http://x/other")
    store.add(
        ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("o"), other)
    )
    try:
        result = store.query(text, default_graph=[other])
        return isinstance(result, ox.QuerySolutions) and not list(result)
    except SyntaxError:
        return False
    except (OSError, RuntimeError, ValueError):
        return True


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries())
def test_no_text_hides_from_or_service_from_the_check(text: str) -> None:
    if not parse_tree_needed(text):
        assert not _rdflib_reads(text)
        assert not _oxigraph_reads(text)


def test_a_query_commented_with_from_runs_and_service_after_a_return_does_not(
    corpus_store: Path,
) -> None:
    result = akg(
        corpus_store,
        "query",
        "# meetings from the corpus\nPREFIX akg: <https://w3id.org/alliance-kg/ontology#>\n"
        "SELECT (COUNT(?m) AS ?n) WHERE { ?m a akg:Meeting }",
        "--format",
        "csv",
    )
    assert (result.exit_code, result.output.split()) == (0, ["n", "3"])
    refused = akg(corpus_store, "query", f"# note\rSELECT * WHERE {{ {SERVICE}}}")
    assert refused.exit_code == 1
    assert refused.output.startswith("Error: ")
