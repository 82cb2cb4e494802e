"""Time ``akg export`` on a large store against pyoxigraph's own ``Store.dump``: statements/s and
peak memory.

Run: ``.venv/bin/python benchmarks/bench_export.py [--documents 2000] [--formats turtle nquads]
[--before OLD_EXPORT.py]``. The store is the bundled corpus's five documents, extracted once and
copied under new names (``bench_links.shifted``) into an on-disk store, each copy in its named
graph, with the union default graph an ``akg build`` keeps (2,000 documents give 0.95 million quads
in named graphs and 0.53 million in the union), stamped as an akg writer stamps a store
(``graph.stamp``). Each export then runs in a process of its own, so that its peak resident
memory is its own (``os.wait4``): ``akg`` is ``graph.export.export_to_file`` given the store's
folder (its stamp lets the triple formats read the default graph); ``named`` (``--named``) the
same without the folder, reading the named graphs as for a store another program wrote; ``dump``
is ``Store.dump`` of the whole dataset (N-Quads, TriG) or of the union default graph (triple
formats), which writes the same statements in Oxigraph's index order with no sorting; ``before``
is another version of ``graph/export.py`` (``git show REV:alliance_kg/graph/export.py >
OLD.py``), for a before/after comparison; the script says whether ``akg``, ``named`` and
``before`` wrote the same bytes. ``--union-check``
also times what reading the union default graph instead of the named graphs would first have to
pay: asking Oxigraph whether the default graph is exactly the union of the named graphs.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import inspect
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_links import shifted  # noqa: E402

from alliance_kg.graph.build import document_iri, extraction_graph  # noqa: E402
from alliance_kg.graph.export import EXPORT_FORMATS  # noqa: E402
from alliance_kg.graph.load import extract_paths  # noqa: E402
from alliance_kg.graph.stamp import stamp_union  # noqa: E402
from alliance_kg.graph.store import quads_of  # noqa: E402
from alliance_kg.loaders.readers import sample_corpus_dir  # noqa: E402

# Triples of the default graph that no named graph holds, or the other way round.
UNION_CHECK = (
    "ASK { { ?s ?p ?o MINUS { GRAPH ?g { ?s ?p ?o } } } "
    "UNION { GRAPH ?g { ?s ?p ?o } MINUS { ?s ?p ?o } } }"
)


def build(path: Path, documents: int) -> None:
    """An on-disk store of ``documents`` copies of the sample corpus and their union."""
    base = extract_paths([sample_corpus_dir()])
    store = ox.Store(str(path))
    for n in range(documents):
        extraction = shifted(base[n % len(base)], n // len(base))
        quads = list(
            quads_of(str(document_iri(extraction.document.key)), extraction_graph(extraction))
        )
        store.bulk_extend(quads)
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    store.flush()
    store.optimize()
    del store
    # Its one writer kept the default graph the union, as every akg writer does.
    stamp_union(path)


def child(mode: str, fmt: str, store_path: str, out: str, before: str | None) -> None:
    """One export in this process (the parent measures it)."""
    store = ox.Store.read_only(store_path)
    spec = EXPORT_FORMATS[fmt]
    if mode == "check":
        assert not bool(store.query(UNION_CHECK))
    elif mode == "dump":
        graph = None if spec.named_graphs else ox.DefaultGraph()
        store.dump(out, spec.rdf_format, from_graph=graph)
    elif mode == "before":
        assert before
        loaded = importlib.util.spec_from_file_location("before_export", before)
        assert loaded and loaded.loader
        module = importlib.util.module_from_spec(loaded)
        sys.modules["before_export"] = module
        loaded.loader.exec_module(module)
        # A version that takes the store's folder reads its stamp, as ``akg`` does.
        folder = "folder" in inspect.signature(module.export_to_file).parameters
        module.export_to_file(store, fmt, out, *([store_path] if folder else []))
    else:
        from alliance_kg.graph.export import export_to_file

        export_to_file(store, fmt, out, None if mode == "named" else store_path)


def measure(
    mode: str, fmt: str, store: Path, out: Path, before: str | None
) -> tuple[float, float, float]:
    """Seconds, CPU seconds (user and system: less swayed by other work on the machine) and
    peak resident MB of one export in a child process."""
    args = [sys.executable, __file__, "--child", mode, fmt, str(store), str(out)]
    if before:
        args += ["--before", before]
    start = time.perf_counter()
    process = subprocess.Popen(args)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{mode} {fmt} failed ({process.returncode})")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--formats", nargs="*", default=["turtle", "nquads"])
    parser.add_argument("--before", help="another graph/export.py to time as well")
    parser.add_argument("--rounds", type=int, default=2, help="best of this many runs")
    parser.add_argument("--store", type=Path, help="reuse (or make) the store in this folder")
    parser.add_argument("--union-check", action="store_true", help="time the union check too")
    parser.add_argument("--named", action="store_true", help="time the export without stamp too")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.before)
        return
    with tempfile.TemporaryDirectory() as tmp:
        store_path = args.store or Path(tmp) / "store"
        if not (store_path / "CURRENT").exists():
            start = time.perf_counter()
            build(store_path, args.documents)
            print(f"built {store_path} in {time.perf_counter() - start:.1f} s", flush=True)
        store = ox.Store.read_only(str(store_path))
        quads = sum(1 for q in store if not isinstance(q.graph_name, ox.DefaultGraph))
        triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        del store
        print(f"{quads} quads in named graphs, {triples} distinct triples")
        modes = ["akg", "dump"] + (["before"] if args.before else [])
        if args.named:
            modes.append("named")
        if args.union_check:
            modes.append("check")
        # A first dump reads the store into the page cache, which the first measured export
        # would otherwise pay alone.
        measure("dump", "nquads", store_path, Path(tmp) / "warm.nq", None)
        (Path(tmp) / "warm.nq").unlink()
        head = f"{'format':8} {'export':7} {'seconds':>8} {'CPU s':>6} {'statements/s':>13}"
        print(f"{head} {'peak MB':>8}")
        for fmt in args.formats:
            count = quads if EXPORT_FORMATS[fmt].named_graphs else triples
            # Store.dump of a dataset writes the default graph as well: its statements count.
            count_dump = quads + triples if EXPORT_FORMATS[fmt].named_graphs else triples
            best: dict[str, tuple[float, float]] = {}  # the fastest run: seconds, peak MB
            cpus: dict[str, float] = {}  # the least CPU time of the runs
            digests: dict[str, set[str]] = {}  # md5 of each mode's exports
            for _ in range(args.rounds):  # interleaved, best of: the machine's load varies
                for mode in modes:
                    out = Path(tmp) / f"{mode}.{EXPORT_FORMATS[fmt].extension}"
                    seconds, cpu, peak = measure(mode, fmt, store_path, out, args.before)
                    if out.exists():
                        digest = hashlib.md5(out.read_bytes()).hexdigest()
                        digests.setdefault(mode, set()).add(digest)
                    out.unlink(missing_ok=True)
                    if mode not in best or seconds < best[mode][0]:
                        best[mode] = (seconds, peak)
                    cpus[mode] = min(cpu, cpus.get(mode, cpu))
            for mode, (seconds, peak) in best.items():
                cpu = cpus[mode]
                rate = (count_dump if mode == "dump" else count) / seconds
                line = f"{fmt:8} {mode:7} {seconds:8.2f} {cpu:6.2f} {rate:13,.0f} {peak:8.0f}"
                print(line, flush=True)
            # akg's exports, with the stamp or without, and the other version's: the same bytes.
            # (Store.dump writes Oxigraph's index order, not these.)
            kept = {mode: digests[mode] for mode in ("akg", "named", "before") if mode in digests}
            same = len(set().union(*kept.values())) == 1
            print(f"{fmt:8} same bytes ({', '.join(kept)}): {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
