"""Render the graph as one self-contained, offline HTML page (``akg render``).

The page is made in three steps, each in its own module: ``render_select`` reads the drawn
resources with SPARQL over the union of the named graphs (docs/graph-shape.md) and cuts them
down to a meeting, an entity's neighbourhood or what a CONSTRUCT query returned
(``Selection``), where ``render_part`` reads such a part alone; ``render_payload`` turns them
into vis-network nodes, edges and options, with a precomputed layout for large graphs
(``layout.py``) and the timeline view's data (``page_timeline.py``); ``render_template`` writes
that data into the project's template with vis-network inlined. The page loads nothing from the
network. This module puts the steps together and keeps the names the rest of the project
imports from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph

from alliance_kg.errors import AkgError
from alliance_kg.graph.files import write_atomic
from alliance_kg.graph.network import measures as network_measures
from alliance_kg.graph.network import read_network
from alliance_kg.graph.page_timeline import read_timeline
from alliance_kg.graph.render_part import read_part
from alliance_kg.graph.render_payload import page_data
from alliance_kg.graph.render_select import (
    NodeInfo,
    Selection,
    count_nodes,
    read_nodes,
    restrict,
    select,
)
from alliance_kg.graph.render_template import fill_template, json_for_script

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

#: From this many nodes ``akg render`` suggests drawing a part of the graph.
WARN_FROM = 3000
#: The most nodes ``akg render`` draws unless told otherwise: a page of many more is too large
#: for a browser to show (142,962 nodes, the whole of 10,000 statements: 451 MB of HTML).
MAX_NODES = 20_000


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
    measures: bool = False,
    max_nodes: int | None = None,
) -> Rendered:
    """Return one self-contained HTML page showing the graph in ``store`` (or a part of it).
    ``constructed``: the result of ``selection.construct``, run by the caller. ``measures``:
    size entities by betweenness and colour them by community, measured in the entity network
    with the States that met set aside (``graph/network.py``, as ``akg analyze`` does). A page
    of more than ``max_nodes`` nodes is an error, found before the page is made.

    The same store always gives the same string: nodes and edges are sorted, the browser's
    layout seed is fixed and a precomputed layout uses no random numbers.
    """
    chosen = selection or Selection()
    if chosen.whole and max_nodes is not None:
        # Counted first: reading a large store whole took minutes before a page was refused.
        _check_nodes(count_nodes(store), max_nodes)
    # A part is read alone (``render_part``); the whole graph, or a store whose drawn
    # resources include a blank node, is read whole and cut down.
    part = read_part(store, chosen, constructed)
    if part is None:
        nodes = select(read_nodes(store), chosen, constructed)
        part = nodes, read_timeline(store)
    if max_nodes is not None and not chosen.whole:
        _check_nodes(len(part[0]), max_nodes)  # a part, once read
    found = None
    if measures:
        found = network_measures(read_network(store, set_aside_parties=True))
    payload = page_data(part[0], title=title, timeline=part[1], measures=found)
    return Rendered(
        fill_template(payload, title=title),
        len(payload["nodes"]),
        len(payload["edges"]),
        payload["fixed"],
    )


def _check_nodes(nodes: int, max_nodes: int) -> None:
    if nodes > max_nodes:
        raise AkgError(
            f"the page would draw {nodes} nodes (--max-nodes {max_nodes}); draw a part with "
            "--meeting DATE, --entity LABEL --depth N or --query FILE.rq, or raise --max-nodes"
        )


def write_html(
    store: SparqlStore,
    path: str | Path,
    *,
    title: str = "alliance-kg",
    selection: Selection | None = None,
    constructed: Iterable[pyoxigraph.Triple] | None = None,
    measures: bool = False,
    max_nodes: int | None = None,
) -> Rendered:
    """Render the page and write it to ``path`` atomically (``files.write_atomic``), creating
    missing folders."""
    rendered = render_html(
        store, title=title, selection=selection, constructed=constructed, measures=measures,
        max_nodes=max_nodes,
    )  # fmt: skip
    write_atomic(path, rendered.html.encode("utf-8"), what="the page", make_folder=True)
    return rendered


__all__ = [
    "MAX_NODES",
    "WARN_FROM",
    "NodeInfo",
    "Rendered",
    "Selection",
    "fill_template",
    "json_for_script",
    "page_data",
    "read_nodes",
    "render_html",
    "restrict",
    "select",
    "write_html",
]
