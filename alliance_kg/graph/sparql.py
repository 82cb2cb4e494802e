"""SPARQL text and the store interface, shared by every layer above ``graph``.

``SparqlStore`` is what the library uses of a store: ``pyoxigraph.Store`` and
``remote.RemoteStore`` both fit it. ``is_remote`` tells a server URL from a folder,
``bind_values`` is the one way a parameter is bound into a query, and ``syntax_message`` turns
a parser error into "line L, column C: ..." with a caret.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol, TypeAlias, TypeGuard

import pyoxigraph as ox

from alliance_kg.errors import QueryError
from alliance_kg.ontology import PREFIXES

#: A term a variable can be bound to, as in ``pyoxigraph.Store.query(substitutions=...)``.
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class SparqlStore(Protocol):
    """What the library uses of a store; ``pyoxigraph.Store`` and ``RemoteStore`` both fit,
    so a function annotated with it accepts either."""

    def query(
        self,
        query: str,
        /,
        *,
        prefixes: dict[str, str] | None = ...,
        substitutions: dict[ox.Variable, Term] | None = ...,
        use_default_graph_as_union: bool = ...,
        default_graph: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = ...,
        named_graphs: list[ox.NamedNode | ox.BlankNode] | None = ...,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples: ...

    def update(self, update: str, /, *, prefixes: dict[str, str] | None = ...) -> None: ...

    def named_graphs(self, /) -> Iterator[ox.NamedNode | ox.BlankNode]: ...

    def quads_for_pattern(
        self,
        subject: ox.NamedNode | ox.BlankNode | ox.Triple | None,
        predicate: ox.NamedNode | None,
        object: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None,
        graph_name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None = ...,
        /,
    ) -> Iterator[ox.Quad]: ...


def is_remote(location: str | os.PathLike[str]) -> TypeGuard[str]:
    """Whether a ``--store`` location is a SPARQL server URL rather than a folder."""
    return isinstance(location, str) and location.lower().startswith(("http://", "https://"))


#: Strings (long and short), IRIs and comments: what a scan of a query skips whole.
SKIPPED = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*"
)
# What is skipped, the WHERE keyword and braces, in query order.
_SCANNED = re.compile(SKIPPED + r"|\bWHERE\b|[{}]", re.IGNORECASE)


def bind_values(query: str, substitutions: Mapping[ox.Variable, Term]) -> str:
    """The query with a ``VALUES`` block binding each variable, opening its WHERE group.

    Each term is written in its N-Triples form, so a value can never change the query, and the
    query's own patterns, filters and BINDs see the variable bound, whether or not the SELECT
    clause projects it. A plain string bound so is also written in place of its variable in
    the ``FILTER`` expressions of that same group (``inline_strings``).
    """
    at = _where_group(query)
    query = inline_strings(query, at, substitutions)
    return f"{query[:at]} {_values_clause(substitutions)}\n{query[at:]}"


# What the scan for a variable's uses meets: strings, IRIs and comments (skipped whole),
# variables, the FILTER and BOUND keywords, parentheses and braces.
_USES = re.compile(
    SKIPPED + r"|[?$](?P<var>[\w\u00b7\u0300-\u036f\u203f\u2040]+)"
    r"|(?<![\w:-])(?P<word>FILTER|BOUND)(?![\w:-])"
    r"|[(){}]",
    re.IGNORECASE,
)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def inline_strings(query: str, at: int, substitutions: Mapping[ox.Variable, Term]) -> str:
    """``query`` with each variable that ``substitutions`` binds to a plain string (no language
    tag) written as that string (N-Triples form, so escaped) inside the ``FILTER``
    expressions of the group opening at offset ``at``, where ``bind_values`` puts its block;
    not as the argument of ``BOUND``, nor in nested groups, sub-queries or ``EXISTS``
    patterns, which the block's binding need not reach.

    Why: Oxigraph joins a one-row ``VALUES`` block where its estimates put it, often last, so
    a filter on the parameter was tested only after every pattern under it had been looked up
    (``lineage``'s narrowing: 126,000 lookups for the 30 sentences holding the words); a
    constant lets it test the filter first. The rows are the same: the block still binds the
    variable, so every solution of the group holds that value, and the group's own filters see
    every solution of it.
    """
    strings = {
        v.value: str(t)
        for v, t in substitutions.items()
        if isinstance(t, ox.Literal) and not t.language and t.datatype.value == _XSD_STRING
    }
    if not strings:
        return query
    out: list[str] = []
    last = 0
    braces = 0  # depth of nested groups below the one at ``at``
    parens = 0  # depth inside the group's current FILTER; 0 outside every filter
    filter_next = bound_next = False  # the keyword is waiting for its "("
    bound_at = 0  # the depth of the BOUND(...) being read; 0 when none
    for match in _USES.finditer(query, at):
        token, var, word = match.group(), match["var"], (match["word"] or "").upper()
        if token == "{":
            braces += 1
            filter_next = False  # FILTER EXISTS {...}: patterns, not an expression
        elif token == "}":
            if braces == 0:
                break  # the end of the group
            braces -= 1
        elif braces > 0:
            continue
        elif word == "FILTER":
            filter_next = parens == 0
        elif word == "BOUND":
            bound_next = parens > 0 or filter_next
        elif token == "(":
            if parens > 0 or filter_next:
                parens += 1
                bound_at = parens if bound_next else bound_at
            filter_next = bound_next = False
        elif token == ")" and parens > 0:
            bound_at = 0 if bound_at == parens else bound_at
            parens -= 1
        elif var in strings and parens > 0 and bound_at == 0:
            out += [query[last : match.start()], strings[var]]
            last = match.end()
    return "".join(out) + query[last:]


def restrict(query: str, allowed: Mapping[ox.Variable, list[Term]]) -> str:
    """The query with a ``FILTER(?v IN (...))`` opening its WHERE group for each variable: the
    values it may take. Oxigraph starts from such a filter (a ``VALUES`` block can change the
    order in which it meets solutions, and so the order of ``GROUP_CONCAT`` lists)."""
    at = _where_group(query)
    filters = " ".join(
        f"FILTER({variable} IN ({', '.join(_value(variable, t) for t in terms)}))"
        for variable, terms in allowed.items()
    )
    return f"{query[:at]} {filters}\n{query[at:]}"


def start_from(query: str, allowed: Mapping[ox.Variable, list[Term]]) -> str:
    """The query with one ``VALUES`` block opening its WHERE group, holding every combination
    of the ``allowed`` values: Oxigraph starts from those values and looks the rest up in its
    indexes, where ``restrict`` tests each solution of the first pattern. One block, not one
    per variable: Oxigraph starts from the smallest block and joins a block sharing no variable
    with what it has where its estimates place it (after reading every commitment of a type,
    for one), so a narrowing that also selects a parameter's variable (``?type``) ties its
    block to the parameters' own (``bind_values``). It may meet solutions in another order:
    only for queries whose rows, and their order, do not depend on it (no ``GROUP_CONCAT`` but
    lists sorted afterwards, ``queries.lists``; an ``ORDER BY`` that orders every row)."""
    at = _where_group(query)
    rows: list[list[str]] = [[]]
    for variable, terms in allowed.items():
        values = [_value(variable, t) for t in terms]
        rows = [row + [value] for row in rows for value in values]
    names = " ".join(str(variable) for variable in allowed)
    body = " ".join(f"({' '.join(row)})" for row in rows)
    return f"{query[:at]} VALUES ({names}) {{ {body} }}\n{query[at:]}"


def _where_group(query: str) -> int:
    """The offset just after the ``{`` that opens the query's top-level WHERE group.

    Strings, IRIs and comments are skipped, so a brace or the word WHERE inside them does not
    count; without the WHERE keyword (``SELECT * { ... }``) the first top-level group is it.
    """
    construct = re.match(r"\s*CONSTRUCT\b", _body(query), re.IGNORECASE) is not None
    depth = 0
    after_where = False
    for match in _SCANNED.finditer(query):
        token = match.group()
        if token.upper() == "WHERE" and depth == 0:
            after_where = True
        elif token == "{":
            if depth == 0 and (after_where or not construct):
                return match.end()
            depth += 1
        elif token == "}":
            depth -= 1
    raise QueryError("cannot bind parameters: the query has no WHERE group")


def _body(query: str) -> str:
    """The query after its PREFIX and BASE declarations and comments."""
    return re.sub(r"^(?:\s+|#[^\n]*|(?:PREFIX|BASE)\s[^<]*<[^>]*>)*", "", query, flags=re.I)


def _values_clause(substitutions: Mapping[ox.Variable, Term]) -> str:
    names: list[str] = []
    values: list[str] = []
    for variable, term in substitutions.items():
        if not isinstance(variable, ox.Variable):
            raise TypeError(f"substitutions are keyed by pyoxigraph Variables, not {variable!r}")
        names.append(str(variable))
        values.append(_value(variable, term))
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }}"


def _value(variable: ox.Variable, term: Term) -> str:
    # VALUES only takes IRIs and literals (no blank nodes); their N-Triples form escapes
    # quotes, backslashes and newlines, so the value stays one term whatever it holds.
    if not isinstance(term, ox.NamedNode | ox.Literal):
        raise QueryError(f"cannot bind {variable} to {term!r}: only IRIs and literals")
    return str(term)


_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
# Character classes such as ['A' ..= 'Z' | '_'] in the parser's "expected" lists.
_CHAR_CLASS = re.compile(r"\[(?:'(?:\\.|[^'\\])*'|[^\]'])*\]")
_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|\w+')


def syntax_message(sparql: str, raw: str) -> str:
    """A parser error as "line L, column C: detail" with the line and a caret under it."""
    match = _POSITION.match(raw)
    if match is None:
        return f"invalid SPARQL: {raw}"
    line_no, col_no, detail = int(match[1]), int(match[2]), match[3]
    lines = sparql.splitlines() or [""]
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    if "Prefix not found" in detail:
        detail, col_no = _unknown_prefix(line, col_no)
    elif detail.startswith("expected one of "):
        expected = _CHAR_CLASS.sub("", detail[len("expected one of ") :])
        tokens = _TOKEN.findall(expected)
        detail = "expected one of " + ", ".join(tokens) if tokens else "unexpected character"
    caret = " " * (col_no - 1) + "^"
    return f"line {line_no}, column {col_no}: {detail}\n  {line}\n  {caret}"


def _unknown_prefix(line: str, column: int) -> tuple[str, int]:
    """The message and the column of the prefixed name (the parser stops after its end)."""
    names = [m for m in re.finditer(r"([A-Za-z][\w.-]*)?:", line) if m.start() < column]
    if not names:
        return "unknown prefix", column
    known = ", ".join(sorted(PREFIXES))
    message = f"unknown prefix '{names[-1][0]}' (declare it with PREFIX; built in: {known})"
    return message, names[-1].start() + 1


#: What is not SPARQL code: strings, IRIs, comments, and a backslash escape in a prefixed name
#: (``ex:a\'b``, whose quote starts no string), lexed as Oxigraph lexes them: what is left
#: holds every keyword of the text.
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*"
    r"|\\.",
    re.DOTALL,
)
_FETCH_WORD = re.compile(r"load|service", re.IGNORECASE)


def check_update(text: str) -> None:
    """Raise ``QueryError`` if the SPARQL Update ``text`` would make the store fetch something:
    a ``LOAD`` operation or a ``SERVICE`` pattern. Oxigraph would send these requests itself.

    Text whose code (outside strings, IRIs and comments) has neither word, and no codepoint
    escape (which could spell one), holds neither and is not parsed again: rdflib's parser
    takes seconds for a few hundred kilobytes of data. Anything else is parsed."""
    if "\\u" not in text.lower() and not _FETCH_WORD.search(_NOT_CODE.sub(" ", text)):
        return
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        tree = parseUpdate(text)
    except ParseException as exc:
        # Oxigraph's grammar is not rdflib's: what rdflib cannot read is not run unchecked.
        raise QueryError(
            f"cannot check this update (line {exc.lineno}, column {exc.col}: {exc.msg}); it "
            "mentions LOAD or SERVICE, which would fetch from the network, so it is not run"
        ) from exc
    names = {op.name for op in tree["request"] or []}
    if "Load" in names:
        raise QueryError(
            "LOAD is not allowed: akg fetches nothing from the network; "
            "load a local file with akg build"
        )
    if tree_has(tree["request"], "ServiceGraphPattern"):
        raise QueryError("SERVICE is not allowed: akg does not send requests to other servers")


def tree_has(node: Any, name: str) -> bool:
    """Whether rdflib's SPARQL parse tree ``node`` holds a part named ``name`` anywhere."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        return node.name == name or any(tree_has(v, name) for v in node.values())
    if isinstance(node, str | bytes):
        return False
    if isinstance(node, Iterable):
        return any(tree_has(v, name) for v in node)
    return False


__all__ = [
    "SparqlStore",
    "Term",
    "bind_values",
    "inline_strings",
    "check_update",
    "is_remote",
    "restrict",
    "syntax_message",
    "tree_has",
]
