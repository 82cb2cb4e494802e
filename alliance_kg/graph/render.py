"""Render the graph as one self-contained, offline HTML page (``akg render``).

The graph is read with SPARQL over the union of the named graphs (docs/graph-shape.md), laid
out as a pyvis network, and written into the project's own template with vis-network's
JavaScript and CSS inlined from the copy pyvis ships. The page loads nothing from the network:
a Content-Security-Policy allows only the page's own inline scripts (by hash) and data: images.
All graph text travels as JSON in a ``<script type="application/json">`` block and is put into
the DOM with ``textContent`` by ``templates/network.js``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import pyoxigraph

from alliance_kg.errors import AkgError
from alliance_kg.ontology import AKG, ENTITY_TYPES, PREFIXES

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


def render_html(store: pyoxigraph.Store, *, title: str = "alliance-kg") -> str:
    """Return one self-contained HTML page showing the graph in ``store`` as a network.

    The same store always gives the same string: nodes and edges are sorted and the layout
    seed is fixed.
    """
    nodes = read_nodes(store)
    payload = page_data(nodes, title=title)
    return fill_template(payload, title=title)


def write_html(store: pyoxigraph.Store, path: str | Path, *, title: str = "alliance-kg") -> None:
    """Render the page and write it to ``path`` atomically (a temporary file, then a rename)."""
    target = Path(path)
    page = render_html(store, title=title).encode("utf-8")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise AkgError(f"{target}: cannot write the page: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(page)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise AkgError(f"{target}: cannot write the page: {exc.strerror or exc}") from exc


def read_nodes(store: pyoxigraph.Store) -> dict[str, NodeInfo]:
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
    return nodes


def page_data(nodes: dict[str, NodeInfo], *, title: str) -> dict[str, Any]:
    """The JSON the page's script reads: vis nodes and edges, options, legend and details."""
    from pyvis.network import Network

    net = Network(directed=True)
    degree = {
        iri: sum(len(v) for v in n.out.values()) + sum(len(v) for v in n.into.values())
        for iri, n in nodes.items()
    }
    order = sorted(nodes)
    for iri in order:
        node = nodes[iri]
        net.add_node(
            iri,
            label=_shorten(_canvas_label(node), CANVAS_LABEL_MAX),
            shape=CLASS_STYLES[node.cls][1],
            group=node.cls,
            size=_size(degree[iri]),
            cls=node.cls,
        )
    for iri in order:
        for prop in EDGE_PROPERTIES:
            for target in sorted(nodes[iri].out.get(prop, ())):
                net.add_edge(
                    iri, target, id=f"e{len(net.edges)}", label=EDGE_LABELS[prop], prop=prop
                )

    counts: dict[str, int] = defaultdict(int)
    for node in nodes.values():
        counts[node.cls] += 1
    classes = [
        {"name": c, "color": CLASS_STYLES[c][0], "shape": CLASS_STYLES[c][1], "count": counts[c]}
        for c in NODE_CLASSES
        if counts[c]
    ]
    return {
        "title": title,
        "classes": classes,
        "nodes": net.nodes,
        "edges": net.edges,
        "details": {iri: _details(nodes[iri], nodes) for iri in order},
        "options": _vis_options(),
    }


def fill_template(payload: dict[str, Any], *, title: str) -> str:
    """Put the data, vis-network and the page's script into the HTML template."""
    vis_js = _script_safe(_strip_source_map(_package_text(VIS_PACKAGE, VIS_JS)))
    vis_css = re.sub(r"</(style)", r"<\\/\1", _package_text(VIS_PACKAGE, VIS_CSS), flags=re.I)
    app_js = _script_safe(_package_text("alliance_kg.graph", "templates/network.js"))
    template = _package_text("alliance_kg.graph", "templates/network.html")
    hashes = " ".join(f"'sha256-{_sha256_b64(s)}'" for s in (vis_js, app_js))
    parts = {
        "TITLE": html.escape(title),
        "CSP": (
            f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
            "img-src data:; base-uri 'none'; form-action 'none'"
        ),
        "VIS_CSS": vis_css,
        "VIS_JS": vis_js,
        "APP_JS": app_js,
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
        add("Date", _commitment_dates(node, nodes))
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
        label = _label(node)
        add("Also called", sorted((v["altLabel"] | v["prefLabel"] | v["label"]) - {label}))
        add("Office", sorted(v["office"]))
        add("Demonym", sorted(v["demonym"]))
        add("Same as", sorted(v["exactMatch"]))
    for prop, (out_heading, _) in EDGE_PROPERTIES.items():
        add(out_heading, _refs(node.out.get(prop, ()), nodes))
    for prop, (_, in_heading) in EDGE_PROPERTIES.items():
        add(in_heading, _refs(node.into.get(prop, ()), nodes))
    add("Mentioned in", _refs(v["mentionedIn"], nodes))

    quote = node.first("quote")
    details: dict[str, Any] = {"label": _label(node), "cls": node.cls, "rows": rows}
    details["short"] = _shorten(quote, SHORT_MAX) if quote else details["label"]
    if quote is not None:
        details["quote"] = quote
    if node.cls == "Commitment" and v["startOffset"] and v["endOffset"]:
        details["span"] = f"characters {min(v['startOffset'])}-{min(v['endOffset'])}"
    return details


def _refs(iris: Iterable[str], nodes: dict[str, NodeInfo]) -> list[dict[str, str]]:
    """Links to other drawn nodes, in id order (for commitments: document, then position)."""
    return [{"ref": iri} for iri in sorted(iris, key=_natural_key) if iri in nodes]


def _commitment_dates(node: NodeInfo, nodes: dict[str, NodeInfo]) -> list[str]:
    """The commitment's date: its meeting's, or failing that its document's."""
    for prop in ("atMeeting", "statedIn"):
        dates = sorted({d for m in node.out.get(prop, ()) for d in nodes[m].values["date"]})
        if dates:
            return dates
    return []


def _label(node: NodeInfo) -> str:
    label = node.first("prefLabel", "label", "title")
    return label if label is not None else node.iri.rsplit("/", 1)[-1]


def _canvas_label(node: NodeInfo) -> str:
    # Commitment labels repeat their parties, which the edges already show.
    if node.cls == "Commitment":
        types = sorted(t.removeprefix(AKG_NS) for t in node.values["commitmentType"])
        return "/".join(types) or "Commitment"
    return _label(node)


def _size(degree: int) -> int:
    return 10 + round(6 * math.log2(1 + degree))


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _natural_key(iri: str) -> list[Any]:
    # So that commitment/doc/99-120 sorts before commitment/doc/1000-1050.
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", iri)]


def _vis_options() -> dict[str, Any]:
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
    return {
        "autoResize": True,
        "groups": groups,
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": True},
        "physics": {
            "enabled": True,
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
                "enabled": True,
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


def _darker(color: str) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 0.7) for c in (r, g, b)))


def _select(store: pyoxigraph.Store, query: str) -> list[tuple[Any, ...]]:
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
