"""The data of the ``akg render`` page (``graph/render.py``): vis-network nodes and edges with
their styles and options, the side panel's details, the edges drawn when commitments are
hidden, canvas labels, and a precomputed layout for large graphs (``graph/layout.py``), because
the browser's physics would take tens of seconds on them. Everything is sorted, so the same
nodes always give the same data.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from alliance_kg.graph.page_timeline import (
    TimelineFacts,
    commitment_dates,
    commitment_types,
    natural_key,
    node_label,
    timeline_data,
)
from alliance_kg.graph.render_select import (
    AKG_NS,
    EDGE_PROPERTIES,
    NODE_CLASSES,
    NodeInfo,
    linked,
)
from alliance_kg.ontology import COMMITMENT_TYPES

if TYPE_CHECKING:
    from alliance_kg.graph.network import Measures

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

#: Colours of communities when the page shows the network's measures, the largest first.
COMMUNITY_COLORS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip

#: Edge captions on the canvas, by property.
EDGE_LABELS: dict[str, str] = {prop: caption for prop, (caption, _, _) in EDGE_PROPERTIES.items()}

# Fixed so that the layout, and so the page, is the same on every render.
LAYOUT_SEED = 20230111
#: From this many nodes the page gets a precomputed layout and no physics.
FIXED_LAYOUT_FROM = 500
CANVAS_LABEL_MAX = 40
SHORT_MAX = 90


def page_data(
    nodes: dict[str, NodeInfo],
    *,
    title: str,
    timeline: TimelineFacts | None = None,
    measures: Mapping[str, Measures] | None = None,
) -> dict[str, Any]:
    """The JSON the page's script reads: vis nodes and edges, options, legend, filters, details,
    and the timeline view (``graph/page_timeline.py``, with the lineages and meetings read from
    the store in ``timeline``). With ``measures`` (``graph/network.py``), the entities they
    cover are sized by betweenness, coloured by community and show both in their details.

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
        if measures is not None and iri in measures:
            extra.update(_measured_style(measures[iri], measures))
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
        "details": {iri: _details(nodes[iri], nodes, measures) for iri in order},
        "fixed": fixed,
        "options": _vis_options(fixed),
        "timeline": timeline_data(nodes, timeline or TimelineFacts()),
        "measured": measures is not None,
    }


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
    satellites = {iri: linked(n) for iri, n in nodes.items() if n.cls == "Commitment"}
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


def _measured_style(found: Measures, every: Mapping[str, Measures]) -> dict[str, Any]:
    """Size by betweenness (relative to the most between node) and colour by community."""
    most = max(m.betweenness for m in every.values()) or 1.0
    color = COMMUNITY_COLORS[(found.community - 1) % len(COMMUNITY_COLORS)]
    return {
        "size": 10 + round(30 * found.betweenness / most),
        "color": {"background": color, "border": _darker(color)},
    }


def _details(
    node: NodeInfo, nodes: dict[str, NodeInfo], measures: Mapping[str, Measures] | None = None
) -> dict[str, Any]:
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
    for prop, (_, out_heading, _) in EDGE_PROPERTIES.items():
        add(out_heading, _refs(node.out.get(prop, ()), nodes))
    for prop, (_, _, in_heading) in EDGE_PROPERTIES.items():
        add(in_heading, _refs(node.into.get(prop, ()), nodes))
    add("File", sorted(v["file"]))
    add("Mentioned in", _refs(v["mentionedIn"], nodes))
    found = measures.get(node.iri) if measures is not None else None
    if found is not None:
        add("Betweenness", [f"{found.betweenness:.3f}"])
        add("Degree centrality", [f"{found.degree:.3f}"])
        add("Community", [str(found.community)])

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
