"""Time ``akg build``'s write path on synthetic corpora: a whole build of N documents into a
new on-disk store, then adding one document to that store.

Run: ``.venv/bin/python benchmarks/bench_build.py [N ...]`` (default 100 1000). The documents
are the five sample statements, extracted once, copied under new names with their meeting
dates moved three years a copy (``bench_links.shifted``); extraction itself is not timed,
only ``write_extractions`` (the document graphs, the union default graph, the corpus-level
links stage and the flush). Each size runs in a child process of its own, so its peak memory
(the child's maximum resident size, ``resource.getrusage``) is its own; "add 1" is
``write_extractions`` of one new copy into the store of N, split into the document's write
(``replace_graphs``, which keeps the union default graph) and the rest (mostly the links
stage, which reads every document of the store). "open ro" is the time a read-only open takes
in another process right after the build, while the writer still has the store open (a
write-ahead log not flushed would be replayed there).

``--code DIR`` runs the same measurements against the ``alliance_kg`` package in ``DIR``
(for example an unpacked older commit), to compare before and after; ``--no-links`` leaves
the corpus-level stage out, to see the cost of the writes alone.
"""

from __future__ import annotations

import argparse
import inspect
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alliance_kg.loaders.model import Extraction

ROOT = Path(__file__).resolve().parent.parent


def measure(documents: int, folder: Path, links: bool = True) -> dict[str, float]:
    """Build ``documents`` synthetic documents into a new store in ``folder`` and time it;
    without ``links`` the corpus-level stage is replaced by one that finds nothing."""
    import pyoxigraph as ox
    from bench_links import shifted

    import alliance_kg.graph.load as load
    from alliance_kg.graph.links import LinksResult

    if not links:
        load.link_corpus = lambda *_args, **_kwargs: LinksResult(0, 0, 0, [], [])

    from alliance_kg.graph.build import document_iri, extraction_graph
    from alliance_kg.graph.load import extract_paths, write_extractions
    from alliance_kg.graph.store import open_store, replace_graphs
    from alliance_kg.loaders.readers import sample_corpus_dir

    base = extract_paths([sample_corpus_dir()])
    copies: Iterable[Extraction] = (
        shifted(base[n % len(base)], n // len(base)) for n in range(documents)
    )
    if "batch_triples" not in inspect.signature(write_extractions).parameters:
        copies = list(copies)  # code before issue 11 takes a list (it calls len on it)
    store = open_store(folder / "store")
    t0 = time.perf_counter()
    write_extractions(store, copies)
    build = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    opener = f"import pyoxigraph; pyoxigraph.Store.read_only({str(folder / 'store')!r})"
    subprocess.run([sys.executable, "-c", opener], check=True)
    open_ro = time.perf_counter() - t0
    extra = shifted(base[0], documents // len(base) + 1)
    t0 = time.perf_counter()
    write_extractions(store, [extra])
    add_one = time.perf_counter() - t0
    # The document's own write again (replacing it with itself), without the links stage.
    graph = list(extraction_graph(extra))
    t0 = time.perf_counter()
    replace_graphs(store, {str(document_iri(extra.document.key)): graph})
    add_write = time.perf_counter() - t0
    quads = len(store)
    assert isinstance(store, ox.Store)
    return {
        "build": build,
        "peak_mb": peak,
        "open_ro": open_ro,
        "add_one": add_one,
        "add_write": add_write,
        "quads": quads,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--code", type=Path, default=ROOT, help="folder holding alliance_kg")
    parser.add_argument(
        "--no-links", action="store_true", help="skip the corpus-level stage (writes alone)"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        sys.path[:0] = [str(args.code), str(ROOT / "benchmarks")]
        import alliance_kg  # from --code, before bench_links puts this checkout on the path

        print(f"code: {Path(alliance_kg.__file__).parent}", file=sys.stderr)
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(measure(args.child, Path(folder), links=not args.no_links)))
        return
    print(
        f"{'documents':>9} {'quads':>10} {'build s':>8} {'peak MB':>8} {'open ro s':>9} "
        f"{'add 1 s':>8} {'(write s)':>9}"
    )
    for documents in args.sizes:
        command = [sys.executable, __file__, "--child", str(documents), "--code", str(args.code)]
        command += ["--no-links"] if args.no_links else []
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{documents:>9} {r['quads']:>10} {r['build']:>8.2f} {r['peak_mb']:>8.0f} "
            f"{r['open_ro']:>9.2f} {r['add_one']:>8.2f} {r['add_write']:>9.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
