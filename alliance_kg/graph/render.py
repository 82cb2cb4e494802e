"""Render the graph as one self-contained, offline HTML page (``akg render``).

The graph is read with SPARQL over the union of the named graphs (docs/graph-shape.md),
optionally cut down to a meeting, an entity's neighbourhood or what a CONSTRUCT query returns
(``Selection``), turned into pyvis nodes and edges, and written into the project's own template
with vis-network's JavaScript and CSS inlined from the copy pyvis ships. Graphs of more than
``FIXED_LAYOUT_FROM`` nodes carry a layout computed here (``graph/layout.py``), because the
browser's physics would take tens of seconds on them. The page loads nothing from the network:
a Content-Security-Policy allows only the page's own inline scripts (by hash) and data: images.
Graph text travels as JSON in a ``<script type="application/json">`` block, put into the DOM
with ``textContent`` by ``templates/network.js`` and ``timeline.js`` (``page_timeline.py``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph

from alliance_kg.errors import AkgError
from alliance_kg.graph.files import write_atomic
from alliance_kg.graph.page_timeline import (
    TimelineFacts,
    add_commitment_facts,
    commitment_dates,
    commitment_types,
    natural_key,
    node_label,
    read_timeline,
    timeline_data,
)
from alliance_kg.ontology import AKG, COMMITMENT_TYPES, ENTITY_TYPES, PREFIXES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

AKG_NS = str(AKG)
SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]
DCT = PREFIXES["dct"]

#: The classes drawn, in legend order: the entity types, then meetings, documents, commitments.
NODE_CLASSES: tuple[str, ...] = (*ENTITY_TYPES, "Meeting", "Document", "Commitment")

#: Colour and vis-network shape of each class (shapes with the label below the symbol).
CLASS_STYLES: dict[str, tuple[str, str]] = {
    "Person": ("#e15759", "triangle"),
    "State": ("#4e79a7", "dot"),
    "Organization": ("#76b7b2", "hexagon"),
    "Unit": ("#b07aa1", "triangleDown"),
    "Capability": ("#edc948", "dot"),
    "Place": ("#59a14f", "diamond"),
    "Agreement": ("#9c755f", "square"),
    "Mechanism": ("#ff9da7", "hexagon"),
    "Meeting": ("#f28e2b", "star"),
    "Document": ("#79706e", "square"),
    "Commitment": ("#a0cbe8", "dot"),
}

#: The properties drawn as edges, in the order their rows appear in the side panel, with the
#: heading of the row on the subject's side and on the object's side.
EDGE_PROPERTIES: dict[str, tuple[str, str]] = {
    "madeBy": ("Made by", "Commitments made"),
    "concerns": ("Concerns", "Commitments concerning it"),
    "atMeeting": ("Meeting", "Commitments"),
    "statedIn": ("Stated in", "Commitments stated"),
    "reports": ("Reports", "Reported by"),
    "series": ("Series", "Meetings"),
    "heldIn": ("Held in", "Meetings held here"),
    "participant": ("Participants", "Took part in"),
    "represents": ("Represents", "Represented by"),
}

#: Edge captions on the canvas: the ontology's labels of the properties.
EDGE_LABELS: dict[str, str] = {
    "madeBy": "made by",
    "concerns": "concerns",
    "atMeeting": "at meeting",
    "statedIn": "stated in",
    "reports": "reports",
    "series": "series",
    "heldIn": "held in",
    "participant": "participant",
    "represents": "represents",
}

# Literal-valued properties the side panel shows, keyed by their full IRI.
_VALUE_PROPERTIES: dict[str, str] = {
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

# Fixed so that the layout, and so the page, is the same on every render.
LAYOUT_SEED = 20230111
#: From this many nodes the page gets a precomputed layout and no physics.
FIXED_LAYOUT_FROM = 500
#: From this many nodes ``akg render`` suggests drawing a part of the graph.
WARN_FROM = 3000
CANVAS_LABEL_MAX = 40
SHORT_MAX = 90

VIS_PACKAGE = "pyvis"
VIS_JS = "lib/vis-9.1.2/vis-network.min.js"
VIS_CSS = "lib/vis-9.1.2/vis-network.css"

_MARKER = re.compile(r"@@([A-Z_]+)@@")


@dataclass
class NodeInfo:
    """What the page needs to know about one drawn resource: its class, its literal values
    (keyed by the short names of ``_VALUE_PROPERTIES``) and its edges out and in, by property."""

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


@dataclass(frozen=True)
class Rendered:
    """A page and what it shows."""

    html: str
    nodes: int
    edges: int
    fixed_layout: bool


def render_html(
    store: SparqlStore,
    *,
    title: str = "alliance-kg",
    selection: Selection | None = None,
    constructed: Iterable[pyoxigraph.Triple] | None = None,
) -> Rendered:
    """Return one self-contained HTML page showing the graph in ``store`` (or a part of it).
    ``constructed``: the result of ``selection.construct``, run by the caller.

    The same store always gives the same string: nodes and edges are sorted, the browser's
    layout seed is fixed and a precomputed layout uses no random numbers.
    """
    nodes = select(read_nodes(store), selection or Selection(), constructed)
    payload = page_data(nodes, title=title, timeline=read_timeline(store))
    return Rendered(
        fill_template(payload, title=title),
        len(payload["nodes"]),
        len(payload["edges"]),
        payload["fixed"],
    )


def write_html(
    store: SparqlStore,
    path: str | Path,
    *,
    title: str = "alliance-kg",
    selection: Selection | None = None,
    constructed: Iterable[pyoxigraph.Triple] | None = None,
) -> Rendered:
    """Render the page and write it to ``path`` atomically (``files.write_atomic``), creating
    missing folders."""
    rendered = render_html(store, title=title, selection=selection, constructed=constructed)
    write_atomic(path, rendered.html.encode("utf-8"), what="the page", make_folder=True)
    return rendered


def read_nodes(store: SparqlStore) -> dict[str, NodeInfo]:
    """Read the drawn resources, their literal values and their edges from the store."""
    class_values = " ".join(f"akg:{name}" for name in NODE_CLASSES)
    value_props = " ".join(f"<{p}>" for p in _VALUE_PROPERTIES)
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
            node.values[_VALUE_PROPERTIES[_text(p)]].add(_text(o))

    for s, p, o in _select(
        store, f"SELECT DISTINCT ?s ?p ?o {{ VALUES ?p {{ {edge_props} }} ?s ?p ?o }}"
    ):
        subject, obj, prop = _text(s), _text(o), _text(p).removeprefix(AKG_NS)
        if subject in nodes and obj in nodes:
            nodes[subject].out[prop].add(obj)
            nodes[obj].into[prop].add(subject)
    add_commitment_facts(store, nodes)
    return nodes


def page_data(
    nodes: dict[str, NodeInfo], *, title: str, timeline: TimelineFacts | None = None
) -> dict[str, Any]:
    """The JSON the page's script reads: vis nodes and edges, options, legend, filters, details,
    and the timeline view (``graph/page_timeline.py``, with the lineages and meetings read from
    the store in ``timeline``).

    Besides the drawn edges, ``derived`` holds one edge per party and concerned entity of the
    commitments, shown when the page hides commitment nodes.
    """
    from pyvis.edge import Edge
    from pyvis.node import Node

    degree = {
        iri: sum(len(v) for v in n.out.values()) + sum(len(v) for v in n.into.values())
        for iri, n in nodes.items()
    }
    order = sorted(nodes)
    fixed = len(order) >= FIXED_LAYOUT_FROM
    positions = _fixed_positions(nodes) if fixed else {}
    vis_nodes: list[dict[str, Any]] = []
    for iri in order:
        node = nodes[iri]
        extra: dict[str, Any] = {"cls": node.cls, "group": node.cls, "size": _size(degree[iri])}
        date = _node_date(node, nodes)
        if date is not None:
            extra["date"] = date
        if node.cls == "Commitment":
            extra["types"] = commitment_types(node)
        if iri in positions:
            extra["x"], extra["y"] = positions[iri]
        label = _canvas_label(node)
        vis_nodes.append(Node(iri, CLASS_STYLES[node.cls][1], label, **extra).options)
    vis_edges: list[dict[str, Any]] = []
    for iri in order:
        for prop in EDGE_PROPERTIES:
            for target in sorted(nodes[iri].out.get(prop, ()), key=natural_key):
                edge = Edge(
                    iri, target, id=f"e{len(vis_edges)}", label=EDGE_LABELS[prop], prop=prop
                )
                vis_edges.append(edge.options)

    counts: dict[str, int] = defaultdict(int)
    for node in nodes.values():
        counts[node.cls] += 1
    classes = [
        {"name": c, "color": CLASS_STYLES[c][0], "shape": CLASS_STYLES[c][1], "count": counts[c]}
        for c in NODE_CLASSES
        if counts[c]
    ]
    present = {t for n in vis_nodes for t in n.get("types", ())}
    dates = sorted({n["date"] for n in vis_nodes if "date" in n})
    return {
        "title": title,
        "classes": classes,
        "types": [t for t in COMMITMENT_TYPES if t in present],
        "dates": [dates[0], dates[-1]] if dates else [],
        "nodes": vis_nodes,
        "edges": vis_edges,
        "derived": _derived_edges(nodes, order),
        "details": {iri: _details(nodes[iri], nodes) for iri in order},
        "fixed": fixed,
        "options": _vis_options(fixed),
        "timeline": timeline_data(nodes, timeline or TimelineFacts()),
    }


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
        keep, edges = _constructed(nodes, constructed, selection.origin)
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


def _meeting_part(nodes: dict[str, NodeInfo], date: str) -> set[str]:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise AkgError(f"--meeting takes a date as YYYY-MM-DD, not {date!r}")
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
        held = sorted({d for n in nodes.values() if n.cls == "Meeting" for d in n.values["date"]})
        known = ", ".join(held) if held else "none"
        raise AkgError(f"no meeting on {date} in the graph (meeting dates: {known})")
    keep = set(meetings)
    for meeting in meetings:
        keep |= _linked(nodes[meeting])
        for commitment in nodes[meeting].into.get("atMeeting", ()):
            keep |= {commitment} | _linked(nodes[commitment])
    return keep


def _neighbourhood(nodes: dict[str, NodeInfo], label: str, depth: int) -> set[str]:
    if depth < 0:
        raise AkgError(f"--depth must be 0 or more, not {depth}")
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
        raise AkgError(f"no node is named {label!r} (try akg query to look names up)")
    keep = set(start)
    frontier = set(start)
    for _ in range(depth):
        frontier = {t for iri in frontier for t in _linked(nodes[iri])} - keep
        keep |= frontier
    return keep


def _linked(node: NodeInfo) -> set[str]:
    return {t for targets in (*node.out.values(), *node.into.values()) for t in targets}


def _constructed(
    nodes: dict[str, NodeInfo], triples: Iterable[pyoxigraph.Triple], origin: str
) -> tuple[set[str], set[tuple[str, str, str]]]:
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


def _fixed_positions(nodes: dict[str, NodeInfo]) -> dict[str, tuple[int, int]]:
    from alliance_kg.graph.layout import fixed_layout

    skeleton = [iri for iri, n in nodes.items() if n.cls != "Commitment"]
    edges = [
        (iri, target)
        for iri in skeleton
        for targets in nodes[iri].out.values()
        for target in targets
        if nodes[target].cls != "Commitment"
    ]
    satellites = {iri: _linked(n) for iri, n in nodes.items() if n.cls == "Commitment"}
    return fixed_layout(skeleton, edges, satellites)


def _derived_edges(nodes: dict[str, NodeInfo], order: list[str]) -> list[dict[str, Any]]:
    """Party -> concerned entity, one edge per pair, with the commitments behind it."""
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for iri in order:
        node = nodes[iri]
        if node.cls != "Commitment":
            continue
        for party in node.out.get("madeBy", ()):
            for target in node.out.get("concerns", ()):
                pairs[party, target].append(iri)
    edges = []
    for n, ((party, target), commitments) in enumerate(sorted(pairs.items())):
        types = sorted({t for c in commitments for t in commitment_types(nodes[c])})
        edges.append(
            {
                "id": f"d{n}",
                "from": party,
                "to": target,
                "label": "/".join(types),
                "commitments": sorted(commitments, key=natural_key),
                "dashes": True,
            }
        )
    return edges


def _node_date(node: NodeInfo, nodes: dict[str, NodeInfo]) -> str | None:
    """The date the page filters a node by: a commitment's meeting or document date, a
    meeting's or a document's own; entities have none and are never hidden by date."""
    if node.cls == "Commitment":
        dates = commitment_dates(node, nodes)
        return dates[0] if dates else None
    if node.cls in ("Meeting", "Document"):
        return node.first("date")
    return None


def fill_template(payload: dict[str, Any], *, title: str) -> str:
    """Put the data, vis-network and the page's script into the HTML template."""
    vis_js = _script_safe(_strip_source_map(_package_text(VIS_PACKAGE, VIS_JS)))
    vis_css = re.sub(r"</(style)", r"<\\/\1", _package_text(VIS_PACKAGE, VIS_CSS), flags=re.I)
    app_js = _script_safe(_package_text("alliance_kg.graph", "templates/network.js"))
    timeline_js = _script_safe(_package_text("alliance_kg.graph", "templates/timeline.js"))
    template = _package_text("alliance_kg.graph", "templates/network.html")
    hashes = " ".join(f"'sha256-{_sha256_b64(s)}'" for s in (vis_js, app_js, timeline_js))
    parts = {
        "TITLE": html.escape(title),
        "CSP": (
            f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
            "img-src data:; base-uri 'none'; form-action 'none'"
        ),
        "VIS_CSS": vis_css,
        "VIS_JS": vis_js,
        "APP_JS": app_js,
        "TIMELINE_JS": timeline_js,
        "DATA": json_for_script(payload),
    }
    # One pass over the template only, so a marker inside the data is never expanded.
    return _MARKER.sub(lambda m: parts[m.group(1)], template)


def json_for_script(value: Any) -> str:
    """JSON that cannot end the ``<script>`` element holding it, nor start markup in it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _details(node: NodeInfo, nodes: dict[str, NodeInfo]) -> dict[str, Any]:
    """The side panel of one node: heading, class, optional quote and rows of values."""
    rows: list[list[Any]] = []

    def add(heading: str, values: Iterable[Any]) -> None:
        items = list(values)
        if items:
            rows.append([heading, items])

    v = node.values
    if node.cls == "Commitment":
        add("Types", sorted(t.removeprefix(AKG_NS) for t in v["commitmentType"]))
        add("Date", commitment_dates(node, nodes))
        add("Deadline", sorted(v["deadline"]))
    elif node.cls == "Meeting":
        add("Date", sorted(v["date"]))
        add("Start date", sorted(v["startDate"]))
    elif node.cls == "Document":
        add("Title", sorted(v["title"]))
        add("Publisher", sorted(v["publisher"]))
        add("Date", sorted(v["date"]))
        add("Source", sorted(v["source"]))
        add("File", sorted(v["sourceFile"]))
    else:
        label = node_label(node)
        add("Also called", sorted((v["altLabel"] | v["prefLabel"] | v["label"]) - {label}))
        add("Office", sorted(v["office"]))
        add("Demonym", sorted(v["demonym"]))
        add("Same as", sorted(v["exactMatch"]))
    for prop, (out_heading, _) in EDGE_PROPERTIES.items():
        add(out_heading, _refs(node.out.get(prop, ()), nodes))
    for prop, (_, in_heading) in EDGE_PROPERTIES.items():
        add(in_heading, _refs(node.into.get(prop, ()), nodes))
    add("File", sorted(v["file"]))
    add("Mentioned in", _refs(v["mentionedIn"], nodes))

    quote = node.first("quote")
    details: dict[str, Any] = {"label": node_label(node), "cls": node.cls, "rows": rows}
    details["short"] = _shorten(quote, SHORT_MAX) if quote else details["label"]
    if quote is not None:
        details["quote"] = quote
    if v["gist"]:
        details["gist"] = min(v["gist"])
    if node.cls == "Commitment" and v["startOffset"] and v["endOffset"]:
        details["span"] = f"characters {min(v['startOffset'])}-{min(v['endOffset'])}"
    return details


def _refs(iris: Iterable[str], nodes: dict[str, NodeInfo]) -> list[dict[str, str]]:
    """Links to other drawn nodes, in id order (for commitments: document, then position)."""
    return [{"ref": iri} for iri in sorted(iris, key=natural_key) if iri in nodes]


def _canvas_label(node: NodeInfo) -> str:
    # A commitment is named by its gist (its label repeats the parties the edges show); a
    # meeting's label is its series and date, shown whole.
    if node.cls == "Meeting":
        return node_label(node)
    text = node.first("gist") if node.cls == "Commitment" else node_label(node)
    return _shorten(text or "/".join(commitment_types(node)) or "Commitment", CANVAS_LABEL_MAX)


def _size(degree: int) -> int:
    return 10 + round(6 * math.log2(1 + degree))


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _vis_options(fixed: bool = False) -> dict[str, Any]:
    """vis-network options; ``fixed`` pages have positions already and no physics."""
    groups = {
        cls: {
            "shape": shape,
            "color": {
                "background": color,
                "border": _darker(color),
                "highlight": {"background": color, "border": "#1b1f23"},
                "hover": {"background": color, "border": "#1b1f23"},
            },
        }
        for cls, (color, shape) in CLASS_STYLES.items()
    }
    options: dict[str, Any] = {
        "autoResize": True,
        "groups": groups,
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": not fixed},
        "physics": {
            "enabled": not fixed,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -70,
                "centralGravity": 0.01,
                "springLength": 110,
                "springConstant": 0.08,
                "avoidOverlap": 0.3,
            },
            "minVelocity": 1,
            "stabilization": {
                "enabled": not fixed,
                "iterations": 500,
                "updateInterval": 25,
                "fit": True,
            },
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "keyboard": False},
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 13, "face": "system-ui, sans-serif", "color": "#1b1f23"},
        },
        "edges": {
            "width": 1,
            "color": {"color": "#a7b1bc", "highlight": "#34495e", "hover": "#34495e"},
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "font": {
                "size": 9,
                "color": "#5b6670",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
                "align": "middle",
            },
            "smooth": {"enabled": True, "type": "continuous", "roundness": 0.3},
        },
    }
    if fixed:
        # Thousands of nodes: straight edges, no edge captions, and edges left out while the
        # view is dragged or zoomed keep the page responsive.
        options["edges"]["smooth"] = False
        options["edges"]["font"]["size"] = 0
        options["interaction"].update({"hideEdgesOnDrag": True, "hideEdgesOnZoom": True})
        options["nodes"]["scaling"] = {"label": {"drawThreshold": 9}}
    return options


def _darker(color: str) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 0.7) for c in (r, g, b)))


def _select(store: SparqlStore, query: str) -> list[tuple[Any, ...]]:
    prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    solutions = store.query(prologue + query)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    return [tuple(solution) for solution in solutions]


def _text(term: Any) -> str:
    return str(term.value)


def _package_text(package: str, name: str) -> str:
    try:
        return files(package).joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise AkgError(
            f"cannot read {name} from the installed {package} package ({exc}); "
            "reinstall alliance-kg with its dependencies"
        ) from exc


def _strip_source_map(js: str) -> str:
    # The .map file is not shipped, and a page that works offline should not ask for it.
    return re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "\n", js)


def _script_safe(js: str) -> str:
    # "</script" inside an inline script would end it; "<\/script" means the same in JS.
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


def _sha256_b64(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
