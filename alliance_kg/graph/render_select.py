"""Which part of the graph the ``akg render`` page draws (``graph/render.py``).

The drawn resources, their literal values and their edges are read with SPARQL over the union
of the named graphs (``read_nodes``), then cut down to a meeting, an entity's neighbourhood or
the nodes a CONSTRUCT query's result names (``Selection``, ``select``). The graph layer never
runs a user's query: the caller runs it (``queries.bounded.construct_triples``) and passes the
triples in, so imports go one way only (graph, then queries).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyoxigraph

from alliance_kg.errors import AkgError
from alliance_kg.graph.page_timeline import add_commitment_facts
from alliance_kg.ontology import AKG, ENTITY_TYPES, PREFIXES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

AKG_NS = str(AKG)
SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]
DCT = PREFIXES["dct"]

#: The classes drawn, in legend order: the entity types, then meetings, documents, commitments.
NODE_CLASSES: tuple[str, ...] = (*ENTITY_TYPES, "Meeting", "Document", "Commitment")

#: The properties drawn as edges, in the order their rows appear in the side panel, with the
#: edge's caption on the canvas (the ontology's label of the property) and the heading of the
#: row on the subject's side and on the object's side.
EDGE_PROPERTIES: dict[str, tuple[str, str, str]] = {
    "madeBy": ("made by", "Made by", "Commitments made"),
    "concerns": ("concerns", "Concerns", "Commitments concerning it"),
    "atMeeting": ("at meeting", "Meeting", "Commitments"),
    "statedIn": ("stated in", "Stated in", "Commitments stated"),
    "reports": ("reports", "Reports", "Reported by"),
    "series": ("series", "Series", "Meetings"),
    "heldIn": ("held in", "Held in", "Meetings held here"),
    "participant": ("participant", "Participants", "Took part in"),
    "represents": ("represents", "Represents", "Represented by"),
}

#: Literal-valued properties the side panel shows, keyed by their full IRI.
VALUE_PROPERTIES: dict[str, str] = {
    SKOS + "prefLabel": "prefLabel",
    SKOS + "altLabel": "altLabel",
    RDFS + "label": "label",
    DCT + "title": "title",
    DCT + "publisher": "publisher",
    DCT + "source": "source",
    DCT + "date": "date",
    AKG_NS + "startDate": "startDate",
    AKG_NS + "quote": "quote",
    AKG_NS + "deadline": "deadline",
    AKG_NS + "startOffset": "startOffset",
    AKG_NS + "endOffset": "endOffset",
    AKG_NS + "office": "office",
    AKG_NS + "demonym": "demonym",
    AKG_NS + "sourceFile": "sourceFile",
    AKG_NS + "commitmentType": "commitmentType",
    AKG_NS + "mentionedIn": "mentionedIn",
    SKOS + "exactMatch": "exactMatch",
}


@dataclass
class NodeInfo:
    """What the page needs to know about one drawn resource: its class, its literal values
    (keyed by the short names of ``VALUE_PROPERTIES``) and its edges out and in, by property."""

    iri: str
    cls: str
    values: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    out: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    into: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def first(self, *keys: str) -> str | None:
        """The smallest value of the first of ``keys`` that has any, so the choice is stable."""
        for key in keys:
            if self.values.get(key):
                return min(self.values[key])
        return None


@dataclass(frozen=True)
class Selection:
    """What part of the graph to draw; all ``None`` draws everything.

    ``meeting``: a date (YYYY-MM-DD): the meetings held that day, their commitments and what
    those link. ``entity`` with ``depth``: the nodes at most ``depth`` edges from the node with
    that name. ``construct``: the text of a SPARQL CONSTRUCT query whose result is drawn
    (``origin`` names it in errors). The graph layer never runs the query: the caller runs it
    (``queries.bounded.construct_triples``) and passes its triples as ``constructed`` to
    ``render_html`` or ``write_html``. Choosing more than one part is an error at once, so it
    is reported before the query runs.
    """

    meeting: str | None = None
    entity: str | None = None
    depth: int = 1
    construct: str | None = None
    origin: str = "query"

    def __post_init__(self) -> None:
        chosen = [self.meeting, self.entity, self.construct]
        if sum(c is not None for c in chosen) > 1:
            raise AkgError("choose one of a meeting, an entity or a query to draw")

    @property
    def whole(self) -> bool:
        """Whether it chooses no part: the whole graph is drawn."""
        return self.meeting is None and self.entity is None and self.construct is None


def count_nodes(store: SparqlStore) -> int:
    """How many resources ``read_nodes`` would read: those of the drawn classes."""
    class_values = " ".join(f"akg:{name}" for name in NODE_CLASSES)
    rows = _select(
        store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ VALUES ?c {{ {class_values} }} ?s a ?c }}"
    )
    return int(_text(rows[0][0])) if rows and rows[0][0] is not None else 0


def read_nodes(store: SparqlStore) -> dict[str, NodeInfo]:
    """Read the drawn resources, their literal values and their edges from the store."""
    class_values = " ".join(f"akg:{name}" for name in NODE_CLASSES)
    value_props = " ".join(f"<{p}>" for p in VALUE_PROPERTIES)
    edge_props = " ".join(f"akg:{p}" for p in EDGE_PROPERTIES)
    nodes: dict[str, NodeInfo] = {}
    rank = {name: i for i, name in enumerate(NODE_CLASSES)}
    for s, c in _select(
        store, f"SELECT DISTINCT ?s ?c {{ VALUES ?c {{ {class_values} }} ?s a ?c }}"
    ):
        iri, cls = _text(s), _text(c).removeprefix(AKG_NS)
        # A resource typed with two drawn classes takes the one earlier in the legend.
        if iri not in nodes or rank[cls] < rank[nodes[iri].cls]:
            nodes[iri] = NodeInfo(iri, cls)

    for s, p, o in _select(
        store, f"SELECT DISTINCT ?s ?p ?o {{ VALUES ?p {{ {value_props} }} ?s ?p ?o }}"
    ):
        node = nodes.get(_text(s))
        if node is not None:
            node.values[VALUE_PROPERTIES[_text(p)]].add(_text(o))

    for s, p, o in _select(
        store, f"SELECT DISTINCT ?s ?p ?o {{ VALUES ?p {{ {edge_props} }} ?s ?p ?o }}"
    ):
        subject, obj, prop = _text(s), _text(o), _text(p).removeprefix(AKG_NS)
        if subject in nodes and obj in nodes:
            nodes[subject].out[prop].add(obj)
            nodes[obj].into[prop].add(subject)
    add_commitment_facts(store, nodes)
    return nodes


def select(
    nodes: dict[str, NodeInfo],
    selection: Selection,
    constructed: Iterable[pyoxigraph.Triple] | None = None,
) -> dict[str, NodeInfo]:
    """The part of ``nodes`` that ``selection`` asks for (all of them when it asks for none);
    ``constructed`` is the result of ``selection.construct``, which the caller ran."""
    if selection.meeting is not None:
        return restrict(nodes, _meeting_part(nodes, selection.meeting))
    if selection.entity is not None:
        return restrict(nodes, _neighbourhood(nodes, selection.entity, selection.depth))
    if selection.construct is not None:
        if constructed is None:
            raise ValueError("a query selection needs the query's triples (constructed=...)")
        keep, edges = constructed_part(nodes, constructed, selection.origin)
        return restrict(nodes, keep, edges)
    return nodes


def restrict(
    nodes: dict[str, NodeInfo], keep: set[str], edges: set[tuple[str, str, str]] | None = None
) -> dict[str, NodeInfo]:
    """Copies of the kept nodes with the edges among them (only ``edges``, when given)."""
    out: dict[str, NodeInfo] = {}
    for iri in sorted(keep & nodes.keys()):
        node = nodes[iri]
        copy = NodeInfo(iri, node.cls)
        copy.values.update({k: set(v) for k, v in node.values.items()})
        out[iri] = copy
    for iri, copy in out.items():
        for prop, targets in nodes[iri].out.items():
            for target in targets:
                if target in out and (edges is None or (iri, prop, target) in edges):
                    copy.out[prop].add(target)
                    out[target].into[prop].add(iri)
    return out


def check_date(date: str) -> None:
    """Refuse a ``--meeting`` that is not a day."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise AkgError(f"--meeting takes a date as YYYY-MM-DD, not {date!r}")


def no_meeting(date: str, held: Iterable[str]) -> AkgError:
    """The error for a day no meeting was held on (``held``: the meetings' dates)."""
    known = ", ".join(sorted(set(held))) or "none"
    return AkgError(f"no meeting on {date} in the graph (meeting dates: {known})")


def check_depth(depth: int) -> None:
    """Refuse a negative ``--depth``."""
    if depth < 0:
        raise AkgError(f"--depth must be 0 or more, not {depth}")


def no_node(label: str) -> AkgError:
    """The error for a name no drawn node has."""
    return AkgError(f"no node is named {label!r} (try akg query to look names up)")


def _meeting_part(nodes: dict[str, NodeInfo], date: str) -> set[str]:
    check_date(date)
    meetings = {
        iri
        for iri, n in nodes.items()
        if n.cls == "Meeting"
        and (
            date in n.values["date"]
            or (n.first("startDate") or "9999") <= date <= (n.first("date") or "")
        )
    }
    if not meetings:
        raise no_meeting(
            date, (d for n in nodes.values() if n.cls == "Meeting" for d in n.values["date"])
        )
    keep = set(meetings)
    for meeting in meetings:
        keep |= linked(nodes[meeting])
        for commitment in nodes[meeting].into.get("atMeeting", ()):
            keep |= {commitment} | linked(nodes[commitment])
    return keep


def _neighbourhood(nodes: dict[str, NodeInfo], label: str, depth: int) -> set[str]:
    check_depth(depth)
    wanted = label.strip().casefold()
    start = sorted(
        iri
        for iri, n in nodes.items()
        if n.cls != "Commitment"
        and any(
            v.casefold() == wanted
            for k in ("prefLabel", "altLabel", "label", "title")
            for v in n.values[k]
        )
    )
    if not start:
        raise no_node(label)
    keep = set(start)
    frontier = set(start)
    for _ in range(depth):
        frontier = {t for iri in frontier for t in linked(nodes[iri])} - keep
        keep |= frontier
    return keep


def linked(node: NodeInfo) -> set[str]:
    """The nodes one edge from ``node``, either way."""
    return {t for targets in (*node.out.values(), *node.into.values()) for t in targets}


def constructed_part(
    nodes: Collection[str], triples: Iterable[pyoxigraph.Triple], origin: str
) -> tuple[set[str], set[tuple[str, str, str]]]:
    """The drawn resources (of ``nodes``) that a CONSTRUCT query's triples name, and their
    edges among them."""
    keep: set[str] = set()
    edges: set[tuple[str, str, str]] = set()
    for triple in triples:
        s, p, o = (str(getattr(t, "value", t)) for t in triple)
        keep |= {x for x in (s, o) if x in nodes}
        if p.startswith(AKG_NS) and p.removeprefix(AKG_NS) in EDGE_PROPERTIES:
            edges.add((s, p.removeprefix(AKG_NS), o))
    if not keep:
        raise AkgError(f"{origin}: the query's result names no node of the graph; nothing to draw")
    return keep, edges


def _select(store: SparqlStore, query: str) -> list[tuple[Any, ...]]:
    prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    solutions = store.query(prologue + query)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    return [tuple(solution) for solution in solutions]


def _text(term: Any) -> str:
    return str(term.value)
