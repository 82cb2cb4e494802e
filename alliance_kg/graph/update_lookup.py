"""Which graphs an update of one operation writes when its templates name them by variables
(``GRAPH ?g``): its ``WHERE`` asked of the store as a ``SELECT`` of those variables (over the
dataset ``WITH`` or ``USING`` make it read), before the update runs and under the same lock, so
that ``akg update`` brings those graphs alone in step.

The ``WHERE`` is taken from the user's text as written, not written back from rdflib's reading
of it (which may rewrite a typed literal and has no syntax for some of its forms): the text's
top-level groups are found by SPARQL's tokens, and the group taken is checked by having rdflib
read it again and compare it with the update's own pattern. Anything not so found or checked
gives no answer, and the update is then treated as one that may change any graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from alliance_kg.graph.sparql import SKIPPED, tree_has

#: The start of an absolute IRI: its scheme.
ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Lookup:
    """A query of the graphs an operation's templates name by variables (``variables``), and
    the graphs they name by IRI."""

    query: str
    variables: tuple[str, ...]
    named: frozenset[str]
    group: str  # the ``WHERE`` group as the user wrote it
    at: int  # where the operation's first keyword is in the text it was found in
    # The dataset its WHERE reads under WITH or USING (None: the store's own): the graphs
    # merged into its default graph, and those GRAPH may name.
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


def looked_up(store: Any, lookup: Lookup) -> frozenset[str] | None:
    """The graphs the lookup finds, with those named; None if one is not an IRI. A variable a
    solution leaves unbound writes no graph (the template's quads are skipped)."""
    graphs = set(lookup.named)
    dataset: dict[str, Any] = {}
    if lookup.default_graphs is not None:
        dataset["default_graph"] = [ox.NamedNode(g) for g in lookup.default_graphs]
    if lookup.named_graphs is not None:
        dataset["named_graphs"] = [ox.NamedNode(g) for g in lookup.named_graphs]
    try:
        for solution in store.query(lookup.query, **dataset):
            for name in lookup.variables:
                graph = solution[name]
                if graph is not None and not isinstance(graph, ox.NamedNode):
                    return None  # a blank node's graph cannot be named in the union's step
                graphs.update([graph.value] if graph is not None else [])
    except (SyntaxError, OSError, RuntimeError):
        return None  # cannot tell: every graph may change
    return frozenset(graphs)


def lookup_of(op: Any, update: str, declared: str) -> Lookup | None:
    """The lookup of the graphs an update of one operation writes by variables: a ``DELETE
    WHERE``, or a ``DELETE``/``INSERT``, its templates writing nothing outside a ``GRAPH``
    unless ``WITH`` names the graph they go into. Its ``WHERE`` is asked as the user wrote it
    (``_where``), over the dataset ``WITH`` or ``USING`` make it read, so any pattern reads as
    the update reads it. None when the update is of another form, its ``WHERE`` holds a
    ``SERVICE``, or a graph it names is not a variable or an absolute IRI."""
    variables: set[str] = set()
    named: set[str] = set()
    with_graph: str | None = None
    dataset: _Dataset = _STORES
    if op.name == "DeleteWhere":
        templates = [op]
    elif op.name == "Modify":
        templates = [t for t in (op.delete, op.insert) if t is not None]
        if op.withClause is not None:
            with_graph = _graph_term(op.withClause)
            if with_graph is None or with_graph.startswith("?"):
                return None
            if any(t.triples for t in templates):
                named.add(with_graph)  # where the templates' triples outside GRAPH go
        read = _dataset(op, with_graph)
        if read is None:
            return None
        dataset = read
    else:
        return None
    # A SERVICE would make the store fetch while asked (the update itself is refused unrun).
    outside = with_graph is None and any(t.triples for t in templates)
    if outside or tree_has(op.get("where"), "ServiceGraphPattern"):
        return None
    for graph in (g for t in templates for g in t.quads or {}):
        name = _graph_term(graph)
        if name is None:
            return None
        if name.startswith("?"):
            variables.add(name[1:])
        else:
            named.add(name)
    where = _where(op, update, declared)
    if not variables or where is None:
        return None
    prologue, group = where
    selected = " ".join(f"?{v}" for v in sorted(variables))
    query = f"{declared}{prologue}SELECT DISTINCT {selected} WHERE {group}"
    found = tuple(sorted(variables)), frozenset(named), group, len(prologue)
    return Lookup(query, *found, *dataset)


#: The graphs merged into a ``WHERE``'s default graph, and those ``GRAPH`` may name there
#: (None: the store's own).
_Dataset = tuple[tuple[str, ...] | None, tuple[str, ...] | None]
#: The dataset of an update without ``WITH`` or ``USING``.
_STORES: _Dataset = (None, None)


def _dataset(op: Any, with_graph: str | None) -> _Dataset | None:
    """The graphs an operation's ``WHERE`` reads as its default graph and may name in
    ``GRAPH`` (None: the store's own). ``USING`` and ``USING NAMED`` make the whole dataset
    (one without the other leaves that part empty); else ``WITH`` makes the default graph.
    None when a graph is not an absolute IRI."""
    # Not ``op.get``: rdflib's ``CompValue.get`` gives the key itself for a missing one.
    usings = op["using"] if "using" in op else []  # noqa: SIM401
    if not usings:
        return ((with_graph,), None) if with_graph is not None else _STORES
    default: list[str] = []
    named: list[str] = []
    for clause in usings:
        into = named if "named" in clause else default
        iri = _graph_term(clause["named"] if "named" in clause else clause["default"])
        if iri is None or iri.startswith("?"):
            return None
        into.append(iri)
    return tuple(default), tuple(named)


def _graph_term(value: Any) -> str | None:
    """A template's graph: ``?name`` for a variable, the IRI it names, or None."""
    from rdflib import URIRef, Variable

    if isinstance(value, Variable):
        return f"?{value}"
    if isinstance(value, URIRef):
        iri = unescaped(str(value))
        return iri if iri is not None and ABSOLUTE.match(iri) else None
    return None


#: SPARQL's tokens as far as finding an operation's groups needs: strings, IRIs and comments
#: (``sparql.SKIPPED``), whitespace, words (keywords and prefixed names), braces, and any other
#: character.
TOKEN = re.compile(
    rf"(?P<skipped>{SKIPPED})|(?P<space>\s+)|(?P<word>[^\W\d][\w.-]*(?::(?:[\w.:%-]|\\.)*)?)"
    r"|(?P<open>\{)|(?P<close>\})|(?P<other>.)",
    re.S,
)


def _where(op: Any, update: str, declared: str) -> tuple[str, str] | None:
    """The prologue of an update of one operation and the text of its ``WHERE`` group (a
    ``DELETE WHERE``'s pattern), checked by parsing that group again: None when they cannot
    be found so (a codepoint escape, which may spell a brace; a group rdflib reads with blank
    nodes, whose labels differ at each parse)."""
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    if "\\u" in update.lower():
        return None  # a codepoint escape may spell a brace or a keyword the tokens do not see
    start, begins, last = 0, -1, ""
    groups: list[tuple[int, int, str]] = []  # each top-level group and the token before it
    try:
        for token, depth in depths(update):
            kind = token.lastgroup
            if depth:
                continue
            if kind == "open":
                start = token.start()
            elif kind == "close":
                groups.append((start, token.end(), last))
            elif not blank(token):
                last = token.group().upper()
                if begins < 0 and kind == "word" and last in ("WITH", "DELETE", "INSERT"):
                    begins = token.start()
    except Unreadable:
        return None
    if not groups or begins < 0:
        return None
    start, end, before = groups[-1]
    tail = "".join(t.group() for t in TOKEN.finditer(update, end) if not blank(t))
    if before != "WHERE" or tail not in ("", ";"):
        return None
    prologue, group = update[:begins], update[start:end]
    again = "DELETE WHERE " if op.name == "DeleteWhere" else "INSERT { } WHERE "
    try:
        (found,) = translateUpdate(parseUpdate(declared + prologue + again + group)).algebra
    except Exception:  # noqa: BLE001 - not the group rdflib read: cannot tell
        return None
    if op.name == "DeleteWhere":
        same = (found.quads, found.triples) == (op.quads, op.triples)
    else:
        same = found.where == op.where
    return (prologue, group) if same else None


class Unreadable(ValueError):
    """Text whose braces do not pair (``depths``)."""


def depths(text: str) -> Iterator[tuple[re.Match[str], int]]:
    """Each token of the text and the depth of the braces around it (a brace's is that of the
    group it opens or closes). Raises ``Unreadable`` when the braces do not pair."""
    depth = 0
    for token in TOKEN.finditer(text):
        kind = token.lastgroup
        if kind == "close":
            depth -= 1
            if depth < 0:
                raise Unreadable("a closing brace with none open")
        yield token, depth
        if kind == "open":
            depth += 1
    if depth:
        raise Unreadable("a brace left open")


def blank(token: re.Match[str]) -> bool:
    """Whitespace or a comment."""
    return token.lastgroup == "space" or token.group().startswith("#")


#: A prefixed name's escaped character (SPARQL's ``PN_LOCAL_ESC``), which rdflib leaves escaped.
_LOCAL_ESCAPE = re.compile(r"\\([-_~.!$&'()*+,;=/?#@%])")


def unescaped(iri: str) -> str | None:
    """The IRI a prefixed name with escapes stands for; None when a backslash is left (no IRI
    holds one)."""
    plain = _LOCAL_ESCAPE.sub(r"\1", iri)
    return None if "\\" in plain else plain
