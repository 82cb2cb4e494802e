"""A fixed layout for graphs too large to lay out in the browser.

vis-network's physics needs tens of seconds for a few thousand nodes, so large pages carry node
positions computed here and switch the physics off. The layout is deterministic (no random
numbers: the same graph gives the same page) and needs no numerical library:

1. The *skeleton* (every node but commitments: actors, places, agreements, meetings,
   documents) is laid out by a force-directed pass (Fruchterman-Reingold) in which two skeleton
   nodes attract each other for every edge or commitment that joins them, and repulsion is
   only computed between nodes in neighbouring cells of a grid, so one pass is linear in the
   size of the graph rather than quadratic.
2. Each commitment is put near the middle of the nodes it links (its parties, what it
   concerns, its meeting and document), on a small spiral so that commitments with the same
   neighbours do not cover each other.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping

Point = tuple[int, int]

#: Distance the layout aims at between joined nodes, in vis-network's canvas units.
SPACING = 120.0
ITERATIONS = 60
#: The most nodes of a neighbourhood of grid cells whose repulsion each node feels exactly.
CROWD = 64


def fixed_layout(
    nodes: Iterable[str],
    edges: Iterable[tuple[str, str]],
    satellites: Mapping[str, Iterable[str]],
) -> dict[str, Point]:
    """Positions for ``nodes`` joined by ``edges``, and for each satellite near its anchors.

    ``satellites`` maps a node placed afterwards (a commitment) to the nodes it links; those
    links also pull its anchors together in the first pass.
    """
    order = sorted(set(nodes))
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for a, b in edges:
        if a != b:
            weights[min(a, b), max(a, b)] += 1.0
    anchors = {s: sorted(set(links)) for s, links in satellites.items()}
    for links in anchors.values():
        # A commitment joins what it links: each of them to the first, so the cost stays linear.
        for other in links[1:]:
            weights[min(links[0], other), max(links[0], other)] += 0.5
    pos = _force_directed(order, weights)
    return {**pos, **_place_satellites(anchors, pos)}


def _force_directed(order: list[str], weights: Mapping[tuple[str, str], float]) -> dict[str, Point]:
    n = len(order)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(order)}
    pairs = [
        (index[a], index[b], w)
        for (a, b), w in sorted(weights.items())
        if a in index and b in index
    ]
    # Start on a golden-angle spiral: spread out, and the same every time.
    radius = SPACING * math.sqrt(n)
    xs = [radius * math.sqrt((i + 0.5) / n) * math.cos(i * 2.399963) for i in range(n)]
    ys = [radius * math.sqrt((i + 0.5) / n) * math.sin(i * 2.399963) for i in range(n)]
    k = SPACING
    temperature = radius / 4
    for step in range(ITERATIONS):
        dx = [0.0] * n
        dy = [0.0] * n
        _repel(xs, ys, dx, dy, k)
        for i, j, w in pairs:
            ex, ey = xs[i] - xs[j], ys[i] - ys[j]
            dist = math.hypot(ex, ey) or 0.01
            pull = w * dist * dist / k
            fx, fy = ex / dist * pull, ey / dist * pull
            dx[i] -= fx
            dy[i] -= fy
            dx[j] += fx
            dy[j] += fy
        for i in range(n):
            # A weak pull to the centre keeps unconnected parts from drifting away.
            dx[i] -= xs[i] * 0.01
            dy[i] -= ys[i] * 0.01
            length = math.hypot(dx[i], dy[i])
            if length > 0:
                move = min(length, temperature)
                xs[i] += dx[i] / length * move
                ys[i] += dy[i] / length * move
        temperature = max(k / 10, temperature * (1 - (step + 1) / (ITERATIONS + 1)))
    return {node: (round(xs[i]), round(ys[i])) for node, i in index.items()}


def _repel(xs: list[float], ys: list[float], dx: list[float], dy: list[float], k: float) -> int:
    """Repulsion k^2 / d between nodes of the same or neighbouring grid cells of side 2k; in a
    crowd, from a sample of it (``_repel_crowd``). Returns how many pairs it weighed (its work,
    which grows with the nodes, not with their square)."""
    weighed = 0
    cell = 2 * k
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in range(len(xs)):
        grid[int(math.floor(xs[i] / cell)), int(math.floor(ys[i] / cell))].append(i)
    for (cx, cy), members in grid.items():
        near = [
            j for ox in (-1, 0, 1) for oy in (-1, 0, 1) for j in grid.get((cx + ox, cy + oy), ())
        ]
        if len(near) > CROWD:
            weighed += _repel_crowd(members, near, xs, ys, dx, dy, k)
            continue
        own = set(members)
        for i in members:
            for j in near:
                if j <= i and j in own:
                    continue
                weighed += 1
                ex, ey = xs[i] - xs[j], ys[i] - ys[j]
                d2 = ex * ex + ey * ey
                if d2 < 1e-6:
                    ex, ey, d2 = 0.1 * ((i - j) % 3 - 1) + 0.05, 0.1, 0.0125
                if d2 > cell * cell:
                    continue
                force = k * k / d2
                if j in own:
                    dx[i] += ex * force
                    dy[i] += ey * force
                    dx[j] -= ex * force
                    dy[j] -= ey * force
                else:
                    dx[i] += ex * force
    return weighed


def _repel_crowd(
    members: list[int],
    near: list[int],
    xs: list[float],
    ys: list[float],
    dx: list[float],
    dy: list[float],
    k: float,
) -> int:
    """The repulsion of ``_repel`` on each of ``members`` from an evenly spaced sample of at most
    ``CROWD`` of the ``near`` nodes (each member its own, by its index), scaled up to all of
    them: the pull of thousands of documents to the few States they name gathers them in a few
    cells, where exact repulsion between every two of them took nearly all of a large page's
    time (its square grows with the page: 22.5 of 31 s at 14,477 nodes, some 500 s at 142,962)."""
    cell2 = 4 * k * k
    step = -(-len(near) // CROWD)
    weighed = 0
    for i in members:
        sample = near[i % step :: step]
        scale = len(near) / len(sample)
        weighed += len(sample)
        for j in sample:
            if j == i:
                continue
            ex, ey = xs[i] - xs[j], ys[i] - ys[j]
            d2 = ex * ex + ey * ey
            if d2 < 1e-6:
                ex, ey, d2 = 0.1 * ((i - j) % 3 - 1) + 0.05, 0.1, 0.0125
            if d2 > cell2:
                continue
            force = k * k / d2 * scale
            dx[i] += ex * force
            dy[i] += ey * force
    return weighed


def _place_satellites(
    anchors: Mapping[str, list[str]], pos: Mapping[str, Point]
) -> dict[str, Point]:
    placed: dict[str, Point] = {}
    crowd: dict[Point, int] = defaultdict(int)
    for satellite in sorted(anchors):
        points = [pos[a] for a in anchors[satellite] if a in pos]
        if points:
            cx = sum(p[0] for p in points) / len(points)
            cy = sum(p[1] for p in points) / len(points)
        else:
            cx, cy = 0.0, 0.0
        centre = (round(cx / 10), round(cy / 10))
        rank = crowd[centre]
        crowd[centre] += 1
        # Satellites sharing a centre go round it on a spiral, 25 units apart.
        angle = rank * 2.399963
        radius = 25.0 * math.sqrt(rank + 1)
        placed[satellite] = (
            round(cx + radius * math.cos(angle)),
            round(cy + radius * math.sin(angle)),
        )
    return placed
