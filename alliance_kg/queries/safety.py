"""Keep ``akg query`` (and ``akg serve``) read-only: what a query may not do, checked on its parse.

The query text is parsed with rdflib's SPARQL 1.1 grammar before the store sees it, and the
parse tree is searched: an Update (including ``LOAD``), a ``SERVICE`` pattern (a request to
another server) and a ``FROM`` / ``FROM NAMED`` naming anything but a graph of this store are
refused. Oxigraph would run a SERVICE call as soon as it evaluates the query, so the check
must come first.

rdflib's parser is slow (tens of milliseconds for a cookbook query, most of an endpoint
request), and only SERVICE and FROM need its parse tree: a text in which neither word nor a
codepoint escape (backslash u, which could spell one) appears outside whole-line comments is
only checked to be a query, not an update, by Oxigraph's own parser. Anything else, and any
text Oxigraph refuses, gets the full check, so the messages are the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import lru_cache
from typing import Any

from alliance_kg.errors import QueryError
from alliance_kg.graph.sparql import tree_has
from alliance_kg.ontology import PREFIXES

#: Text that may hold SERVICE or FROM, so the query needs rdflib's parse tree, looked for in
#: the lower-cased text (a case-insensitive regular expression takes ten times as long). Found
#: in a string, an IRI or a prefixed name it only costs the slower check.
_NEEDS_TREE = ("service", "from", "\\u")
#: A line whose first character other than a space or a tab is ``#`` is a comment to the
#: first carriage return or line feed, unless a string holding a line break spans it: only a
#: long string can (an IRI or a short string cannot hold a line break), or a backslash makes
#: the ``#`` part of a name. Comments that follow something on their line are not skipped:
#: telling them apart needs the whole grammar (``<`` opens an IRI or compares).
_LINE_COMMENT = re.compile(r"^[ \t]*#[^\r\n]*", re.MULTILINE)
_NO_LINE_COMMENTS = ('"""', "'''", "\\")
_UPDATE_HINT = "akg query only reads the graph; use akg update to change it"


def check_read_only(
    text: str,
    graphs: Callable[[], Collection[str]],
    syntax_check: Callable[[str], None],
) -> None:
    """Raise ``QueryError`` unless ``text`` is a query that only reads this store.

    ``graphs()`` gives the store's named graphs (FROM may name those); it is only called for a
    query with a FROM clause. ``syntax_check`` is called
    when rdflib cannot parse the text, to report the store's own syntax error; it is only
    called on text with no ``SERVICE`` keyword, since it may evaluate the query.
    """
    if not parse_tree_needed(text):
        try:
            syntax_check(text)
        except QueryError:
            pass  # an update or bad syntax: the full check below says which
        else:
            return
    clauses = _dataset_clauses(text) if len(text) <= _CACHED_LENGTH else _parse(text)
    if clauses is None:
        _refuse_unparsed(text, syntax_check)
        return
    known = set(graphs()) if clauses else set()
    for kind, iri in clauses:
        if iri not in known:
            raise QueryError(
                f"{kind} <{iri}> is not a graph of this store: akg query only reads the "
                "store's own document graphs"
            )


#: Queries up to this many characters have their parse remembered (``_dataset_clauses``).
_CACHED_LENGTH = 20_000


def _parse(text: str) -> tuple[tuple[str, str], ...] | None:
    """The FROM and FROM NAMED clauses of the query ``text`` as (keyword, IRI), or None when
    rdflib cannot parse it as a query; ``QueryError`` for a SERVICE pattern or an unknown
    prefix. Depends on the text alone (which graphs the store has is checked apart)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except ParseException:
        return None
    prologue, query = tree[0], tree[1]
    if tree_has(query, "ServiceGraphPattern"):
        raise QueryError(
            "SERVICE is not allowed: akg query does not send requests to other servers"
        )
    prefixes = {**PREFIXES, **_declared(prologue)}
    # CompValue.get's second argument is not a default, so test for the key.
    clauses = query["datasetClause"] if "datasetClause" in query else []  # noqa: SIM401
    return tuple(
        (
            "FROM NAMED" if "named" in clause else "FROM",
            _iri(clause["named"] if "named" in clause else clause["default"], prefixes),
        )
        for clause in clauses
    )


# rdflib's parse takes tens of milliseconds, and an endpoint's clients send the same texts
# again and again: the parse's outcome is remembered for the last texts seen (a refusal is
# not, and is worked out again each time).
_dataset_clauses = lru_cache(maxsize=256)(_parse)


def _refuse_unparsed(text: str, syntax_check: Callable[[str], None]) -> None:
    """Raise ``QueryError`` for a text rdflib cannot parse as a query: an update, a query
    that cannot be checked (it mentions SERVICE), or the store's own syntax error."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        update = parseUpdate(text)
    except ParseException:
        pass
    else:
        names = sorted({op.name for op in update["request"] or []})
        raise QueryError(f"this is a SPARQL Update ({', '.join(names)}): {_UPDATE_HINT}")
    if re.search(r"\bSERVICE\b", text, re.IGNORECASE):
        try:
            parseQuery(text)
        except ParseException as query_error:
            raise QueryError(
                f"cannot check this query (line {query_error.lineno}, column "
                f"{query_error.col}: {query_error.msg}); it is not run"
            ) from query_error
    # The store's parser gives the message users see everywhere else.
    syntax_check(text)


def parse_tree_needed(text: str) -> bool:
    """Whether ``text`` may hold SERVICE or FROM (or an escape that could spell them) outside
    its whole-line comments. A query without is refused only for being an update, which
    Oxigraph's query parser refuses too."""
    # Lower case maps every ASCII letter to its own lower case, so no spelling of the
    # keywords escapes: Oxigraph, which runs the query, reads keywords in ASCII only.
    lowered = text.lower()
    if not any(word in lowered for word in _NEEDS_TREE):
        return False
    if any(mark in text for mark in _NO_LINE_COMMENTS):
        return True
    uncommented = _LINE_COMMENT.sub("", lowered)
    return any(word in uncommented for word in _NEEDS_TREE)


def _declared(prologue: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for decl in prologue or []:
        if getattr(decl, "name", None) == "PrefixDecl":
            out[str(decl.get("prefix") or "")] = str(decl.get("iri"))
    return out


def _iri(term: Any, prefixes: dict[str, str]) -> str:
    if getattr(term, "name", None) == "pname":
        prefix = str(term.get("prefix") or "")
        if prefix not in prefixes:
            raise QueryError(f"unknown prefix '{prefix}:' in FROM")
        return prefixes[prefix] + str(term.get("localname") or "")
    return str(term)
