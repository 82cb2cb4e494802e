"""``akg render`` at scale: a page of more than ``--max-nodes`` nodes is refused before it is
made, and the fixed layout of a large page does work in proportion to its nodes."""

from __future__ import annotations

import inspect
import math
from pathlib import Path

import pyoxigraph
import pytest
from clirunner import akg

from alliance_kg.api import KnowledgeGraph
from alliance_kg.cli.outputs import render
from alliance_kg.graph import layout
from alliance_kg.graph.render import MAX_NODES
from alliance_kg.graph.render_select import count_nodes, read_nodes

REFUSED = (
    "Error: the page would draw {nodes} nodes (--max-nodes {most}); draw a part with --meeting "
    "DATE, --entity LABEL --depth N or --query FILE.rq, or raise --max-nodes"
)


def test_count_nodes_counts_what_a_page_of_the_whole_graph_reads(corpus_store: Path) -> None:
    store = pyoxigraph.Store.read_only(str(corpus_store))
    nodes = len(read_nodes(store))
    assert count_nodes(store) == nodes > 100
    assert count_nodes(pyoxigraph.Store()) == 0


def test_a_page_of_more_nodes_than_allowed_is_refused_and_not_written(
    corpus_store: Path, tmp_path: Path
) -> None:
    page = tmp_path / "g.html"
    nodes = count_nodes(pyoxigraph.Store.read_only(str(corpus_store)))
    refused = akg(corpus_store, "render", "-o", str(page), "--max-nodes", str(nodes - 1))
    assert (refused.exit_code, refused.output.strip()) == (
        1,
        REFUSED.format(nodes=nodes, most=nodes - 1),
    )
    assert not page.exists()
    drawn = akg(corpus_store, "render", "-o", str(page), "--max-nodes", str(nodes))
    assert drawn.exit_code == 0 and f"({nodes} nodes, " in drawn.output
    # A part is counted once read: Okinawa's neighbourhood is a few nodes.
    part = akg(corpus_store, "render", "-o", str(page), "--entity", "Okinawa", "--max-nodes", "2")
    assert part.exit_code == 1 and part.output.startswith("Error: the page would draw ")
    assert akg(corpus_store, "render", "-o", str(page), "--entity", "Okinawa").exit_code == 0
    zero = akg(corpus_store, "render", "-o", str(page), "--max-nodes", "0")
    assert zero.exit_code == 2 and "--max-nodes" in zero.output


def test_the_bound_is_the_same_in_the_command_the_library_and_the_graph_layer() -> None:
    option = next(p for p in render.params if p.name == "max_nodes")
    parameter = inspect.signature(KnowledgeGraph.render).parameters["max_nodes"]
    assert option.default == parameter.default == MAX_NODES == 20_000


#: The middle of a grid cell of ``_repel`` (cells of twice the spacing, from 0).
MIDDLE = layout.SPACING


def _crowd(n: int) -> tuple[list[float], list[float]]:
    """``n`` nodes on a spiral within one grid cell of ``_repel``: as the documents of a large
    store end up around the few States they name."""
    xs = [MIDDLE + 30 * math.sqrt((i + 0.5) / n) * math.cos(i * 2.399963) for i in range(n)]
    ys = [MIDDLE + 30 * math.sqrt((i + 0.5) / n) * math.sin(i * 2.399963) for i in range(n)]
    return xs, ys


@pytest.mark.parametrize("n", [500, 2_000])
def test_repulsion_in_a_crowd_weighs_a_bounded_sample_of_it(n: int) -> None:
    xs, ys = _crowd(n)
    dx, dy = [0.0] * n, [0.0] * n
    weighed = layout._repel(xs, ys, dx, dy, layout.SPACING)
    # Each node weighs at most CROWD others (every pair of the crowd: n * (n - 1) / 2).
    assert n * layout.CROWD // 2 <= weighed <= n * layout.CROWD
    # Pushed apart: each node away from the crowd's middle, the outer ones the most.
    outward = sum(
        (x - MIDDLE) * fx + (y - MIDDLE) * fy > 0
        for x, y, fx, fy in zip(xs, ys, dx, dy, strict=True)
    )
    assert outward > 0.9 * n
    assert math.hypot(dx[-1], dy[-1]) > math.hypot(dx[n // 10], dy[n // 10])


def test_a_neighbourhood_of_few_nodes_is_weighed_exactly() -> None:
    n = layout.CROWD
    xs, ys = _crowd(n)
    dx, dy = [0.0] * n, [0.0] * n
    assert layout._repel(xs, ys, dx, dy, layout.SPACING) == n * (n - 1) // 2
    # Every pair pushed both ways alike: the forces sum to nothing.
    assert abs(sum(dx)) < 1e-6 * max(map(abs, dx)) and abs(sum(dy)) < 1e-6 * max(map(abs, dy))


def test_a_large_fixed_layout_does_work_in_proportion_to_its_nodes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Documents that all name the same few States: their pull gathers them in a few cells.
    Every pair in those cells weighed, a graph four times as large cost some sixteen times the
    work; now about four."""
    work: list[int] = []
    repel = layout._repel

    def counted(*args: object) -> int:
        found = repel(*args)  # type: ignore[arg-type]
        work[-1] += found
        return found

    monkeypatch.setattr(layout, "_repel", counted)
    monkeypatch.setattr(layout, "ITERATIONS", 20)
    placed = []
    for documents in (300, 1_200):
        work.append(0)
        states = [f"state/{s}" for s in range(3)]
        docs = [f"doc/{d:05d}" for d in range(documents)]
        edges = [(doc, states[d % 3]) for d, doc in enumerate(docs)]
        satellites = {f"c/{d}": [doc, states[0], states[1]] for d, doc in enumerate(docs)}
        placed.append(layout.fixed_layout([*states, *docs], edges, satellites))
        assert len(placed[-1]) == 3 + 2 * documents
        assert placed[-1] == layout.fixed_layout([*states, *docs], edges, satellites)
    assert work[1] <= 5 * work[0], work
