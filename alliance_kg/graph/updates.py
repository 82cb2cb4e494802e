"""Running a user's SPARQL Update (``apply_update``), and which graphs it may change, told from
its text before it runs (``update_scope``).

``akg update`` keeps the union default graph and the corpus-level stage's records in step with
the store. Both cost time in proportion to the whole store when any graph may have changed,
and nearly nothing when only a few named graphs may have: the graphs an update writes are named
in its text (``DROP GRAPH <g>``, ``INSERT DATA { GRAPH <g> { ... } }``, a template's
``GRAPH <g>``), unless a template names them by a variable (``GRAPH ?g``: then the store is
asked which graphs its ``WHERE`` binds them to, ``update_lookup.py``, and for several operations
the answer is checked as the update runs, ``update_checks.py``) or an operation takes every graph
(``DROP ALL``, ``CLEAR NAMED``). The answer may name graphs
the update leaves unchanged, never leave out one it changes: any form this module does not
know, and any text it cannot parse, gives no answer (every graph may change).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pyoxigraph as ox

from alliance_kg.errors import QueryError, StoreError
from alliance_kg.graph.store import REFRESH_UNION, graph_node, link_operation, writes_union
from alliance_kg.graph.update_checks import CHECK, Several, Unchecked, checked_request, several_of
from alliance_kg.graph.update_data import data_scope
from alliance_kg.graph.update_lookup import ABSOLUTE, Lookup, looked_up, lookup_of, unescaped
from alliance_kg.ontology import PREFIXES

#: Longer updates are not looked into: rdflib's parser takes about a second per 10,000
#: characters, while the work the answer saves is bounded by the store, so a long update is
#: treated as one that may change any graph, unless it is of data alone (``update_data.py``).
MAX_CHARS = 10_000

_T = TypeVar("_T")


@dataclass(frozen=True)
class Scope:
    """What an update may change: these named graphs, and the default graph if ``default``.
    ``request``: the text to run in its place, which checks the graphs told as it runs
    (``update_checks.py``); None for the update itself."""

    graphs: frozenset[str]
    default: bool
    request: str | None = None


def update_scope(update: str, store: Any | None = None) -> Scope | None:
    """The graphs ``update`` may change (with the project prefixes declared, as
    ``apply_update`` runs it), or None when that cannot be told from its text. With ``store``,
    an update whose templates name graphs by variables is told by asking ``store`` which graphs
    its ``WHERE`` binds them to now: it writes those alone. (Of several operations, a later one
    may bind others once an earlier one ran: the answer's ``request`` checks that as it runs.)"""
    data = data_scope(update)
    if data is not None:
        return Scope(*data)
    if len(update) > MAX_CHARS:
        return None
    unparsed: tuple[Scope | None, Lookup | Several | None] = (None, None)
    scope, lookup = _in_thread(lambda: _parsed_scope(update), unparsed)
    if scope is not None or lookup is None or store is None:
        return scope
    if isinstance(lookup, Lookup):
        graphs = looked_up(store, lookup)
        return None if graphs is None else Scope(graphs, False)
    return _asked(update, lookup, store)


def _asked(update: str, several: Several, store: Any) -> Scope | None:
    """The scope of an update of several operations: the graphs named in its text and those
    each lookup finds now, with the request that checks them as it runs."""
    told: set[str] = set()
    for operation in several.operations:
        found = _operation_scope(operation)
        told |= found.graphs if found is not None else set()
    for _, lookup in several.lookups:
        graphs = looked_up(store, lookup)
        if graphs is None:
            return None
        told |= graphs
    request = _in_thread(
        lambda: checked_request(update, several, frozenset(told), _declared()), None
    )
    return None if request is None else Scope(frozenset(told), False, request)


def _in_thread(work: Callable[[], _T], failed: _T) -> _T:
    """What ``work`` (an rdflib parse) gives, run in a thread of its own: pyparsing keeps frames
    of a parse alive (in its cache and in cycles of exceptions), and through them their
    callers' frames, with the open store their locals hold, until the garbage collector runs;
    a new thread's frames have no caller."""
    found: list[_T] = []
    worker = threading.Thread(target=lambda: found.append(work()))
    # rdflib keeps a prefixed name's escapes (``id:a\/b``) in the IRI it makes, and warns of
    # each such IRI: the names are unescaped (``update_lookup.unescaped``), and the warnings
    # are not the user's concern (Oxigraph reads the names as written).
    terms = logging.getLogger("rdflib.term")
    level = terms.level
    terms.setLevel(logging.ERROR)
    try:
        worker.start()
        worker.join()
    finally:
        terms.setLevel(level)
    return found[0] if found else failed  # ``failed``: what a parse that raised gives


def _declared() -> str:
    """The project prefixes, declared as ``apply_update`` declares them to Oxigraph."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def _parsed_scope(update: str) -> tuple[Scope | None, Lookup | Several | None]:
    """``update_scope`` of an update short enough to parse, from its text alone; or else the
    lookup of the graphs of an update of one operation naming them by variables
    (``update_lookup.py``), or the lookups of those of several (``update_checks.py``)."""
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    declared = _declared()
    try:
        operations = translateUpdate(parseUpdate(declared + update)).algebra
    except Exception:  # noqa: BLE001 - any parser failure means "cannot tell", never an error
        return None, None
    graphs: set[str] = set()
    default = False
    by_variables: list[int] = []
    for k, operation in enumerate(operations):
        found = _operation_scope(operation)
        if found is None:
            by_variables.append(k)
            continue
        graphs |= found.graphs
        default = default or found.default
    if not by_variables:
        return Scope(frozenset(graphs), default), None
    if len(operations) == 1:
        return None, lookup_of(operations[0], update, declared)
    # An update that writes the default graph is brought in step with every graph anyway.
    return None, None if default else several_of(update, operations, by_variables, declared)


#: Why an update that writes the default graph is refused (``refuse_default_writes``).
DEFAULT_WRITE = (
    "the update writes the default graph (a triple outside any GRAPH, or DEFAULT), which akg "
    "keeps as the union of the named graphs, so the change would be undone; write into named "
    "graphs instead (GRAPH <iri> { ... } for one graph, GRAPH ?g { ... } for each graph a "
    "pattern matches); nothing was written"
)


def refuse_default_writes(update: str) -> None:
    """Raise ``QueryError`` (``DEFAULT_WRITE``) for an update whose text writes the default
    graph: whatever it writes there is undone when the union is brought in step after it, and
    the user meant a change. An update of data alone is read by Oxigraph (``update_data.py``);
    another one too long to parse (``MAX_CHARS``), or one rdflib cannot read, is not refused
    here."""
    data = data_scope(update)
    if data is not None:
        writes = data[1]
    else:
        writes = len(update) <= MAX_CHARS and _in_thread(lambda: _writes_default(update), False)
    if writes:
        raise QueryError(DEFAULT_WRITE)


def _writes_default(update: str) -> bool:
    """Whether an operation of the update writes the default graph."""
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        operations = translateUpdate(parseUpdate(_declared() + update)).algebra
    except Exception:  # noqa: BLE001 - what rdflib cannot read is Oxigraph's to judge
        return False
    return any(map(_operation_writes_default, operations))


def _operation_writes_default(op: Any) -> bool:
    """Whether one operation of rdflib's algebra writes the default graph: a triple of its
    data or templates outside any ``GRAPH`` (under ``WITH`` they go into its graph), or
    ``DEFAULT`` as what it drops, clears, or copies, adds or moves into (a move empties its
    source too)."""
    name = op.name
    if name in ("Drop", "Clear"):
        return bool(op.graphiri == "DEFAULT")
    if name in ("Add", "Copy"):
        return bool(op.graph[1] == "DEFAULT")
    if name == "Move":
        return "DEFAULT" in op.graph
    if name in ("InsertData", "DeleteData", "DeleteWhere"):
        return bool(op.triples)
    if name == "Modify":
        templates = [t for t in (op.delete, op.insert) if t is not None]
        return op.withClause is None and any(t.triples for t in templates)
    return False


def _operation_scope(op: Any) -> Scope | None:
    """The graphs one operation of rdflib's algebra may change (None: cannot tell)."""
    name = op.name
    if name in ("Drop", "Clear", "Create"):
        return _targets([op.graphiri])
    if name in ("Add", "Copy"):
        return _targets([op.graph[1]])
    if name == "Move":
        return _targets(op.graph)
    if name in ("InsertData", "DeleteData", "DeleteWhere"):
        return _template(op)
    if name == "Modify":
        parts = [_template(t) for t in (op.delete, op.insert) if t is not None]
        if any(part is None for part in parts):
            return None
        graphs = frozenset().union(*(p.graphs for p in parts if p is not None))
        default = any(p.default for p in parts if p is not None)
        if op.withClause is not None:
            # WITH names the graph a template's triples outside GRAPH go into.
            with_graph = _targets([op.withClause])
            if with_graph is None:
                return None
            graphs |= with_graph.graphs
        return Scope(graphs, default)
    return None  # LOAD (refused before it runs anyway) and any form not known here


def _template(op: Any) -> Scope | None:
    """The graphs of a template or data block: its ``GRAPH`` names, and the default graph if
    it holds triples outside any."""
    quads = op.quads or {}
    found = _targets(list(quads))
    if found is None:
        return None
    return Scope(found.graphs, found.default or bool(op.triples))


def _targets(names: Iterable[Any]) -> Scope | None:
    """Graphs named by IRIs or by ``DEFAULT``; None for ``ALL``, ``NAMED``, a variable or an
    IRI that is not absolute."""
    from rdflib import URIRef

    graphs: set[str] = set()
    default = False
    for name in names:
        if isinstance(name, URIRef):
            iri = unescaped(str(name))
            if iri is None or not ABSOLUTE.match(iri):
                return None
            graphs.add(iri)
        elif isinstance(name, str) and name == "DEFAULT":
            default = True
        else:
            return None
    return Scope(frozenset(graphs), default)


def apply_update(
    store: Any,
    update: str,
    before: Mapping[str, Collection[str]] | None = None,
    checked: str | None = None,
) -> None:
    """Run a SPARQL Update and bring the union default graph in step, in one transaction. The
    project prefixes need no declaration.

    ``before``: the N-Triples lines, none holding a blank node, of every named graph the update
    may change (``update_scope``), as they are before it; given only when the default graph is
    the union of the named graphs before the update and the update writes no triple into it.
    The union is then kept in step for these graphs alone, after the update (which reads the
    whole union, as a query does): those lines' triples that no named graph holds any more
    leave the default graph, and the graphs' triples go in. Otherwise an arbitrary update may
    have touched any graph: the embedded store's default graph is compared with the named
    graphs triple by triple through the indexes (time in proportion to the store, memory only
    for what differs), a server's is rebuilt.

    ``checked``: the update with its checks (``Scope.request``), run in its place; should a check
    find a graph not told, or the checks make a request Oxigraph cannot parse, ``Unchecked`` is
    raised (nothing written).

    Invalid SPARQL, and an update that would fetch something (``LOAD``, ``SERVICE``), raise
    ``QueryError`` (nothing written); a failing update ``StoreError``.
    """
    from alliance_kg.graph.sparql import check_update

    # LOAD and SERVICE would make Oxigraph fetch from the network: refused before it runs.
    check_update(update)
    request = checked or update
    if writes_union(store):
        if before is not None:
            after = _stepped_union(before)
        else:
            after = _SYNC_UNION if isinstance(store, ox.Store) else REFRESH_UNION
        if after:
            # On a line of its own: an update ending with a comment would swallow the separator.
            request = request.rstrip().rstrip(";") + "\n;\n" + after
    try:
        store.update(request, prefixes=PREFIXES)
    except SyntaxError as exc:
        if checked is not None and _alone_error(update) is None:
            raise Unchecked(str(exc)) from exc  # the user's update parses: the checks did not
        raise QueryError(_syntax_error(update, exc)) from exc
    except (OSError, RuntimeError) as exc:
        if checked is not None and f"<{CHECK}>" in str(exc):
            raise Unchecked(str(exc)) from exc
        raise StoreError(f"the update failed: {exc}; nothing was written") from exc


def _stepped_union(before: Mapping[str, Collection[str]]) -> str:
    """The operations that bring the union in step after an update that changed only the named
    graphs of ``before`` (their lines before it): empty for none."""
    nodes = [graph_node(name) for name in sorted(before)]
    if not nodes:
        return ""
    rows = sorted({line.removesuffix(" .") for lines in before.values() for line in lines})
    link = link_operation(nodes)
    if not rows:
        return link
    values = " ".join(f"({row})" for row in rows)
    gone = (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?p ?o) {{ {values} }} "
        "FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
    )
    return f"{gone} ;\n{link}"


#: The embedded store's default graph made the union of its named graphs by removing and
#: adding only what differs: each triple is looked up in the other side's index, so nothing
#: the size of the store is held in memory (a rebuild, ``REFRESH_UNION``, held the whole
#: union in one transaction: 5.3 GB at 3.5 million quads).
_SYNC_UNION = (
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } ;\n"
    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }"
)


def check_parses(update: str) -> None:
    """Raise ``QueryError`` for an update that ``apply_update`` would refuse unrun: one that
    would fetch something, or, up to ``MAX_CHARS`` (a check costs a run on an empty store in
    memory), one Oxigraph cannot parse. So a caller can check before it drops what it keeps."""
    from alliance_kg.graph.sparql import check_update

    check_update(update)
    if len(update) <= MAX_CHARS:
        message = _alone_error(update)
        if message is not None:
            raise QueryError(message)


def _syntax_error(update: str, exc: SyntaxError) -> str:
    """The parser's message about the user's update itself (the request holds more text)."""
    from alliance_kg.graph.sparql import syntax_message

    return _alone_error(update) or syntax_message(update, _within(update, str(exc)))


def _alone_error(update: str) -> str | None:
    """The parser's message about the update alone, parsed by running it on an empty store in
    memory; None when it parses."""
    from alliance_kg.graph.sparql import syntax_message

    try:
        ox.Store().update(update, prefixes=PREFIXES)
    except SyntaxError as alone:
        return syntax_message(update, str(alone))
    except (OSError, RuntimeError):
        pass  # parsed; whatever failed in the run is the store's to say
    return None


def _within(update: str, raw: str) -> str:
    """A parser error of the request, with a position past the user's update (in the text
    appended to it) moved to the update's end, where it ended too early."""
    match = re.match(r"error at (\d+):(\d+):", raw)
    lines = update.rstrip().splitlines() or [""]
    if match is None or int(match[1]) <= len(lines):
        return raw
    return f"error at {len(lines)}:{len(lines[-1]) + 1}:{raw[match.end() :]}"
