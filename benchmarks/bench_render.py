"""Time ``akg render`` and the page in headless Chromium on a synthetic graph of ~5,000 nodes.

Run: ``.venv/bin/python benchmarks/bench_render.py [TRIPLES] [--physics]`` (default 76500
triples, which bench_store.py's generator turns into about 4,950 nodes and 20,000 edges).
Prints the time to read the store and write the page, the page's size, and the time from
opening the page in Debian's chromium until it is interactive (layout done, ``akg.stabilized``).
``--physics`` also times the same graph laid out by vis-network's physics in the browser
(what pages below ``FIXED_LAYOUT_FROM`` nodes do), for the ratio.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_store import synthetic_graphs  # noqa: E402

from alliance_kg.graph import render, render_payload  # noqa: E402
from alliance_kg.graph.store import open_store, replace_graphs  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def time_page(path: Path) -> tuple[float, int, int]:
    """Seconds from navigation until the page says it is interactive; its node/edge counts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 860})
        start = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function(
            "() => window.akg && window.akg.stabilized === true", timeout=900_000
        )
        elapsed = time.perf_counter() - start
        counts = page.evaluate("[akg.nodes.length, akg.data.edges.length]")
        browser.close()
    return elapsed, counts[0], counts[1]


def main() -> None:
    """Build the synthetic store, render it, and time the page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("triples", nargs="?", type=int, default=76_500)
    parser.add_argument("--physics", action="store_true", help="also time the physics layout")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "store")
        replace_graphs(store, synthetic_graphs(args.triples))
        start = time.perf_counter()
        page = render.write_html(store, Path(folder) / "fixed.html", title="benchmark")
        written = time.perf_counter() - start
        size = (Path(folder) / "fixed.html").stat().st_size
        print(f"graph: {page.nodes} nodes, {page.edges} edges; fixed layout: {page.fixed_layout}")
        print(f"akg render (read, lay out, write): {written:7.2f} s, page {size / 1e6:.1f} MB")
        fixed, nodes, edges = time_page(Path(folder) / "fixed.html")
        print(f"chromium, open until interactive:  {fixed:7.2f} s ({nodes} nodes, {edges} edges)")
        if args.physics:
            render_payload.FIXED_LAYOUT_FROM = 10**9
            render.write_html(store, Path(folder) / "physics.html", title="benchmark")
            physics, _, _ = time_page(Path(folder) / "physics.html")
            print(f"chromium, physics layout instead:  {physics:7.2f} s ({physics / fixed:.0f}x)")


if __name__ == "__main__":
    main()
