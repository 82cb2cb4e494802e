"""How a SPARQL server is asked for results and how its answers are read (for ``remote``).

Each query asks for the formats of its own form (a table or a boolean, or a graph), and the
answer is parsed into the same pyoxigraph objects the embedded store returns, whatever
Content-Type came back.
"""

from __future__ import annotations

import re
import urllib.error

import pyoxigraph as ox

from alliance_kg.errors import QueryError

# Results as JSON for SELECT/ASK, N-Triples for CONSTRUCT/DESCRIBE, each asked for its own form
# (Virtuoso answers a CONSTRUCT as a table when a results format comes first); the rest is a
# fallback for servers that do not offer those (parsed by whatever Content-Type comes back).
QUERY_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.5"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.5"
# The query form: the first of these words once IRIs and comments are taken out of the text
# (the prologue before it holds only PREFIX and BASE declarations).
_IRI_OR_COMMENT = re.compile(r"<[^<>\s]*>|#[^\n]*")
_FORM_WORD = re.compile(r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b")
_MAX_MESSAGE = 1000
# Virtuoso 7.2 answers ASK with a one-row table of this variable (1 for true) instead of a
# boolean; read as what it stands for.
_ASK_VARIABLE = ox.Variable("__ASK_RETVAL")
_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def parse_result(
    body: bytes, media_type: str, url: str
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """The answer ``body`` of the server at ``url`` as results, read by its ``media_type``;
    ``QueryError`` when it cannot be read or is no kind of query result."""
    results_format = ox.QueryResultsFormat.from_media_type(media_type)
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    try:
        if results_format is not None:
            return ox.parse_query_results(body, results_format)
        if rdf_format is not None:
            # Callers check for a genuine QueryTriples, which only a store query makes: run
            # the identity CONSTRUCT over an in-memory store holding the server's triples.
            graph = ox.Store()
            graph.extend(ox.parse(body, rdf_format))
            triples = graph.query("CONSTRUCT WHERE { ?s ?p ?o }")
            assert isinstance(triples, ox.QueryTriples)
            return triples
    except SyntaxError as exc:
        # Not the query's syntax: run_query would report it as such.
        raise QueryError(
            f"the SPARQL server at {url} sent results that cannot be read: {exc}"
        ) from exc
    raise QueryError(f"the SPARQL server at {url} answered with {media_type}, not query results")


def accept(query: str) -> str:
    """The Accept header for ``query``: graph formats for CONSTRUCT and DESCRIBE."""
    form = _FORM_WORD.search(_IRI_OR_COMMENT.sub(" ", query))
    if form is not None and form[1].upper() in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_ACCEPT
    return QUERY_ACCEPT


def ask_answer(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """The result, with a table standing for an ASK answer (Virtuoso 7.2) made a boolean."""
    if not isinstance(result, ox.QuerySolutions) or result.variables != [_ASK_VARIABLE]:
        return result
    rows = list(result)
    answer = bool(rows) and rows[0][_ASK_VARIABLE] not in (None, ox.Literal("0", datatype=_INT))
    text = b'{"head": {}, "boolean": ' + (b"true" if answer else b"false") + b"}"
    boolean = ox.parse_query_results(text, ox.QueryResultsFormat.JSON)
    assert isinstance(boolean, ox.QueryBoolean)
    return boolean


def message(error: urllib.error.HTTPError) -> str:
    """The server's explanation of an HTTP error, trimmed to a readable length."""
    try:
        text = error.read().decode("utf-8", errors="replace")
    except OSError:
        text = ""
    if error.headers.get_content_type() == "text/html":
        text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"[ \t]*\n\s*", "\n", text).strip()
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1] + "…"
    return text or f"HTTP {error.code} {error.reason}"
