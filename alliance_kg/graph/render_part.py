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

from alliance_kg.graph.page_timeline import TimelineFacts, gist, read_timeline
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

#: How many resources one query names in its VALUES block.
CHUNK = 500
_EDGE_IRIS = {AKG_NS + p for p in EDGE_PROPERTIES}
_LABELS = ("prefLabel", "altLabel", "label", "title")


def read_part(
    store: SparqlStore,
    selection: Selection,
    constructed: Iterable[pyoxigraph.Triple] | None = None,
) -> tuple[dict[str, NodeInfo], TimelineFacts] | None:
    """The drawn nodes of ``selection`` (a meeting, an entity's neighbourhood or a query's
    result) and their timeline facts; None when it selects nothing (the whole graph is drawn)
    or the store holds a drawn resource that is a blank node (which no query can name)."""
    chosen = (selection.meeting, selection.entity, selection.construct)
    classes = _classes(store) if any(c is not None for c in chosen) else None
    if classes is None:
        return None
    edges: set[tuple[str, str, str]] | None = None
    if selection.meeting is not None:
        keep = _meeting_part(store, classes, selection.meeting)
    elif selection.entity is not None:
        keep = _neighbourhood(store, classes, selection.entity, selection.depth)
    elif selection.construct is not None:
        if constructed is None:
            raise ValueError("a query selection needs the query's triples (constructed=...)")
        keep, edges = constructed_part(classes, constructed, selection.origin)
    nodes = {iri: NodeInfo(iri, classes[iri]) for iri in keep}
    _add_triples(store, classes, nodes)
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
        nodes[c].values["file"].add(f)
    for c in commitments:
        nodes[c].values["gist"] = {gist(nodes[c], nodes)}
    return restrict(nodes, keep, edges), read_timeline(store, commitments)


def _classes(store: SparqlStore) -> dict[str, str] | None:
    """Each drawn resource's class (of two, the one earlier in the legend, as ``read_nodes``
    takes it); None when one of them is a blank node."""
    values = " ".join(f"akg:{name}" for name in NODE_CLASSES)
    rank = {name: i for i, name in enumerate(NODE_CLASSES)}
    found: dict[str, str] = {}
    for s, c in _solutions(store, f"SELECT DISTINCT ?s ?c {{ VALUES ?c {{ {values} }} ?s a ?c }}"):
        if not isinstance(s, pyoxigraph.NamedNode):
            return None
        iri, cls = s.value, c.value.removeprefix(AKG_NS)
        if iri not in found or rank[cls] < rank[found[iri]]:
            found[iri] = cls
    return found


def _meeting_part(store: SparqlStore, classes: dict[str, str], date: str) -> set[str]:
    """``render_select``'s meeting part: the day's meetings, what they link, their commitments
    and what those link."""
    check_date(date)
    days: dict[str, dict[str, list[str]]] = {}
    query = (
        "SELECT ?s ?p ?o WHERE { ?s a akg:Meeting . VALUES ?p { dct:date akg:startDate } ?s ?p ?o }"
    )
    for s, p, o in _solutions(store, query):
        if classes.get(s.value) == "Meeting":
            found = days.setdefault(s.value, {"date": [], "startDate": []})
            found[VALUE_PROPERTIES[p.value]].append(o.value)
    meetings = {
        iri
        for iri, d in days.items()
        if date in d["date"] or min(d["startDate"] or ["9999"]) <= date <= min(d["date"] or [""])
    }
    if not meetings:
        raise no_meeting(date, {d for found in days.values() for d in found["date"]})
    held = {c for c, _ in _pairs(store, "?s akg:atMeeting ?o", meetings, subject=False)}
    held &= classes.keys()
    return meetings | held | _linked(store, classes, meetings | held)


def _neighbourhood(store: SparqlStore, classes: dict[str, str], label: str, depth: int) -> set[str]:
    """``render_select``'s neighbourhood: the nodes at most ``depth`` edges from the one named
    ``label``."""
    check_depth(depth)
    wanted = label.strip().casefold()
    props = " ".join(f"<{iri}>" for iri, name in VALUE_PROPERTIES.items() if name in _LABELS)
    query = f"SELECT ?s ?o WHERE {{ VALUES ?p {{ {props} }} ?s ?p ?o }}"
    start = {
        s.value
        for s, o in _solutions(store, query)
        if classes.get(s.value, "Commitment") != "Commitment" and o.value.casefold() == wanted
    }
    if not start:
        raise no_node(label)
    keep, frontier = set(start), set(start)
    for _ in range(depth):
        frontier = _linked(store, classes, frontier) - keep
        keep |= frontier
    return keep


def _linked(store: SparqlStore, classes: dict[str, str], iris: Collection[str]) -> set[str]:
    """The drawn resources one edge from any of ``iris``, either way."""
    out = {o.value for _, p, o in _triples(store, iris) if p.value in _EDGE_IRIS}
    into = {s.value for s, p, _ in _triples(store, iris, "?o") if p.value in _EDGE_IRIS}
    return (out | into) & classes.keys()


def _add_triples(store: SparqlStore, classes: dict[str, str], nodes: dict[str, NodeInfo]) -> None:
    """The nodes' literal values (``VALUE_PROPERTIES``) and edges out to drawn resources."""
    for s, p, o in _triples(store, nodes):
        node, prop = nodes[s.value], p.value
        if prop in VALUE_PROPERTIES:
            node.values[VALUE_PROPERTIES[prop]].add(o.value)
        if prop in _EDGE_IRIS and o.value in classes:
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
) -> Iterator[tuple[str, str]]:
    """(?s, ?o) of ``pattern`` where ?s (or, not ``subject``, ?o) is one of ``iris``."""
    query = f"SELECT DISTINCT ?s ?o WHERE {{ VALUES_X {pattern} }}"
    for s, o in _chunked(store, query, iris, "?s" if subject else "?o"):
        yield s.value, o.value


def _chunked(
    store: SparqlStore, query: str, iris: Collection[str], name: str = "?s"
) -> Iterator[tuple[Any, ...]]:
    """The solutions of ``query`` with its ``VALUES_X`` mark made a VALUES block of ``iris`` for
    ``name``, some at a time."""
    given = sorted(iris)
    for start in range(0, len(given), CHUNK):
        values = " ".join(f"<{iri}>" for iri in given[start : start + CHUNK])
        block = f"VALUES {name} {{ {values} }}"
        yield from _solutions(store, query.replace("VALUES_X", block))


def _solutions(store: SparqlStore, query: str) -> Iterator[tuple[Any, ...]]:
    result = store.query(query, prefixes=PREFIXES)
    assert isinstance(result, pyoxigraph.QuerySolutions)
    for solution in result:
        yield tuple(solution)
