"""Reading only the part of the graph a page draws (``akg render --meeting``, ``--entity``,
``--query``).

``render_select.read_nodes`` reads every drawn resource of the store with its values and edges,
and ``select`` then cuts them down: at 10,000 statements that read was 31 of the 38 s of
``akg render --entity Okinawa`` (README, "Drawing a part of a large store"). Here the part is
found first, from the named entity or meeting outward, with queries that name the resources
they start from, and only the drawn part's values and edges are read, with the labels of what
its commitments concern (their gists name them) and the timeline facts of its commitments. What
comes out is what ``select(read_nodes(store), ...)`` and ``read_timeline(store)`` give for the
same selection; ``tests/test_render_part.py`` compares the pages.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pyoxigraph

from alliance_kg.graph.page_timeline import TimelineFacts, gist, read_timeline, values_blocks
from alliance_kg.graph.render_select import (
    AKG_NS,
    EDGE_PROPERTIES,
    NODE_CLASSES,
    VALUE_PROPERTIES,
    NodeInfo,
    Selection,
    check_date,
    check_depth,
    constructed_part,
    no_meeting,
    no_node,
    restrict,
)
from alliance_kg.ontology import PREFIXES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

_EDGE_IRIS = {AKG_NS + p for p in EDGE_PROPERTIES}
_LABELS = ("prefLabel", "altLabel", "label", "title")
_RANK = {name: i for i, name in enumerate(NODE_CLASSES)}


def read_part(
    store: SparqlStore,
    selection: Selection,
    constructed: Iterable[pyoxigraph.Triple] | None = None,
) -> tuple[dict[str, NodeInfo], TimelineFacts] | None:
    """The drawn nodes of ``selection`` (a meeting, an entity's neighbourhood or a query's
    result) and their timeline facts; None when it selects nothing (the whole graph is drawn)
    or a blank node (which no query can name) is met on the way."""
    if selection.whole:
        return None
    classes = _Classes(store)
    try:
        edges: set[tuple[str, str, str]] | None = None
        if selection.meeting is not None:
            keep = _meeting_part(store, classes, selection.meeting)
        elif selection.entity is not None:
            keep = _neighbourhood(store, classes, selection.entity, selection.depth)
        else:
            if constructed is None:
                raise ValueError("a query selection needs the query's triples (constructed=...)")
            triples = list(constructed)
            drawn = classes.drawn(term for t in triples for term in (t.subject, t.object))
            keep, edges = constructed_part(drawn, triples, selection.origin)
        nodes = {iri: NodeInfo(iri, classes[iri]) for iri in keep}
        _add_triples(store, classes, nodes)
    except _Unnamed:
        return None
    commitments = sorted(iri for iri in keep if classes[iri] == "Commitment")
    # What the kept commitments concern is named in their gists, drawn or not.
    named = {
        t: NodeInfo(t, classes[t]) for c in commitments for t in nodes[c].out.get("concerns", ())
    }
    for iri in keep:
        named.pop(iri, None)
    _add_triples(store, classes, named)
    nodes.update(named)
    for c, f in _pairs(store, "?s a akg:Commitment ; akg:statedIn/akg:sourceFile ?o", nodes):
        nodes[c.value].values["file"].add(f.value)
    for c in commitments:
        nodes[c].values["gist"] = {gist(nodes[c], nodes)}
    return restrict(nodes, keep, edges), read_timeline(store, commitments)


class _Unnamed(Exception):
    """A blank node was met: no query can name it, so the part is cut from the whole graph."""


class _Classes:
    """The drawn class of each resource met (of two, the one earlier in the legend, as
    ``read_nodes`` takes it), looked up as they are met: only the part's resources and their
    neighbours are, not the store's 143,000 (0.8 s at 10,000 statements)."""

    def __init__(self, store: SparqlStore) -> None:
        self._store = store
        self._known: dict[str, str] = {}  # "" for a resource that is not drawn

    def __getitem__(self, iri: str) -> str:
        return self._known[iri]

    def drawn(self, terms: Iterable[Any]) -> set[str]:
        """Those of ``terms`` that are drawn resources, by IRI. A literal counts by its text,
        as ``read_nodes`` compares it (a literal spelling a drawn resource's IRI); a blank node
        raises ``_Unnamed``."""
        iris: set[str] = set()
        for term in terms:
            if isinstance(term, pyoxigraph.BlankNode):
                raise _Unnamed
            if isinstance(term, pyoxigraph.NamedNode) or _is_iri(term.value):
                iris.add(term.value)
        missing = iris - self._known.keys()
        self._known.update(dict.fromkeys(missing, ""))
        for s, c in _pairs(self._store, "?s a ?o", missing):
            cls = c.value.removeprefix(AKG_NS) if isinstance(c, pyoxigraph.NamedNode) else ""
            known = self._known[s.value]
            if (
                c.value.startswith(AKG_NS)
                and cls in _RANK
                and (not known or _RANK[cls] < _RANK[known])
            ):
                self._known[s.value] = cls
        return {iri for iri in iris if self._known[iri]}


def _is_iri(text: str) -> bool:
    try:
        pyoxigraph.NamedNode(text)
    except ValueError:
        return False
    return True


def _meeting_part(store: SparqlStore, classes: _Classes, date: str) -> set[str]:
    """``render_select``'s meeting part: the day's meetings, what they link, their commitments
    and what those link."""
    check_date(date)
    query = (
        "SELECT ?s ?p ?o WHERE { ?s a akg:Meeting . VALUES ?p { dct:date akg:startDate } ?s ?p ?o }"
    )
    rows = list(_solutions(store, query))
    drawn = classes.drawn(s for s, _, _ in rows)
    days: dict[str, dict[str, list[str]]] = {}
    for s, p, o in rows:
        if s.value in drawn and classes[s.value] == "Meeting":
            found = days.setdefault(s.value, {"date": [], "startDate": []})
            found[VALUE_PROPERTIES[p.value]].append(o.value)
    meetings = {
        iri
        for iri, d in days.items()
        if date in d["date"] or min(d["startDate"] or ["9999"]) <= date <= min(d["date"] or [""])
    }
    if not meetings:
        raise no_meeting(date, {d for found in days.values() for d in found["date"]})
    held = classes.drawn(c for c, _ in _pairs(store, "?s akg:atMeeting ?o", meetings, False))
    return meetings | held | _linked(store, classes, meetings | held)


def _neighbourhood(store: SparqlStore, classes: _Classes, label: str, depth: int) -> set[str]:
    """``render_select``'s neighbourhood: the nodes at most ``depth`` edges from the one named
    ``label``."""
    check_depth(depth)
    wanted = label.strip().casefold()
    props = " ".join(f"<{iri}>" for iri, name in VALUE_PROPERTIES.items() if name in _LABELS)
    query = f"SELECT ?s ?o WHERE {{ VALUES ?p {{ {props} }} ?s ?p ?o }}"
    named = classes.drawn(s for s, o in _solutions(store, query) if o.value.casefold() == wanted)
    start = {iri for iri in named if classes[iri] != "Commitment"}
    if not start:
        raise no_node(label)
    keep, frontier = set(start), set(start)
    for _ in range(depth):
        frontier = _linked(store, classes, frontier) - keep
        keep |= frontier
    return keep


def _linked(store: SparqlStore, classes: _Classes, iris: Collection[str]) -> set[str]:
    """The drawn resources one edge from any of ``iris``, either way."""
    out = [o for _, p, o in _triples(store, iris) if p.value in _EDGE_IRIS]
    into = [s for s, p, _ in _triples(store, iris, "?o") if p.value in _EDGE_IRIS]
    return classes.drawn(out + into)


def _add_triples(store: SparqlStore, classes: _Classes, nodes: dict[str, NodeInfo]) -> None:
    """The nodes' literal values (``VALUE_PROPERTIES``) and edges out to drawn resources."""
    found = list(_triples(store, nodes))
    drawn = classes.drawn(o for _, p, o in found if p.value in _EDGE_IRIS)
    for s, p, o in found:
        node, prop = nodes[s.value], p.value
        if prop in VALUE_PROPERTIES:
            node.values[VALUE_PROPERTIES[prop]].add(o.value)
        if prop in _EDGE_IRIS and o.value in drawn:
            node.out[prop.removeprefix(AKG_NS)].add(o.value)


def _triples(
    store: SparqlStore, iris: Collection[str], name: str = "?s"
) -> Iterator[tuple[Any, ...]]:
    """Every triple whose subject (or, with ``name`` ``?o``, object) is one of ``iris``. The
    predicates are tested here: with a VALUES block of them as well, Oxigraph 0.5 read every
    triple of those predicates for each block of resources (13 s a block at 10,000 statements)."""
    query = "SELECT DISTINCT ?s ?p ?o WHERE { VALUES_X ?s ?p ?o }"
    return _chunked(store, query, iris, name)


def _pairs(
    store: SparqlStore, pattern: str, iris: Collection[str], subject: bool = True
) -> Iterator[tuple[Any, ...]]:
    """(?s, ?o) of ``pattern`` where ?s (or, not ``subject``, ?o) is one of ``iris``."""
    query = f"SELECT DISTINCT ?s ?o WHERE {{ VALUES_X {pattern} }}"
    return _chunked(store, query, iris, "?s" if subject else "?o")


def _chunked(
    store: SparqlStore, query: str, iris: Collection[str], name: str = "?s"
) -> Iterator[tuple[Any, ...]]:
    """The solutions of ``query`` with its ``VALUES_X`` mark made a VALUES block of ``iris`` for
    ``name``, some at a time (``page_timeline.values_blocks``)."""
    for block in values_blocks(name, iris):
        yield from _solutions(store, query.replace("VALUES_X", block))


def _solutions(store: SparqlStore, query: str) -> Iterator[tuple[Any, ...]]:
    result = store.query(query, prefixes=PREFIXES)
    assert isinstance(result, pyoxigraph.QuerySolutions)
    for solution in result:
        yield tuple(solution)
