"""``akg update`` on a store of the synthetic corpus (``synthetic.py``) at several sizes, beside
the same update run by pyoxigraph alone on a copy of the same store.

akg does more than pyoxigraph here: it keeps the union default graph, the corpus-level stage's
records and the links graph in step with the update. Where it can tell the graphs an update
writes (named in its text, or asked of the store for operations naming them by variables:
README, "Any `WHERE` of an update by variables, asked as written" and "Several operations by
variables, checked as they run"), that costs the graphs written; otherwise (several
operations, one of them under ``WITH`` or ``USING``) it costs the store.
Each case runs on a fresh copy of one build, stamped as akg's own write and synced, so that no
case pays for another's writes or for the copy's.

Run: ``.venv/bin/python benchmarks/bench_update.py [N ...]`` (default 100 1000).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_synthetic import timed_build  # noqa: E402
from synthetic import generate  # noqa: E402

from alliance_kg.graph.stamp import stamp_union  # noqa: E402
from alliance_kg.ontology import PREFIXES  # noqa: E402

AKG = Path(sys.executable).parent / "akg"
#: Runs a command and prints its own peak resident memory (KB): a fresh parent, so that the
#: peak is the command's, not the build's before it.
PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
    "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def cases(doc: str) -> list[tuple[str, str]]:
    """The updates timed, each about one document's graph ``doc``."""
    place = "?d akg:statedPlace ?p"
    delete = f"DELETE WHERE {{ GRAPH ?g {{ <{doc}> akg:statedPlace ?p }} }}"
    moved = "INSERT { GRAPH ?g { ?d akg:statedPlace <http://example.org/nowhere> } }"
    return [
        (
            "INSERT DATA into a named graph",
            f'INSERT DATA {{ GRAPH <{doc}> {{ <{doc}> akg:p "x" }} }}',
        ),
        ("DELETE WHERE, graph by variable", delete),
        (
            "DELETE/INSERT with a FILTER",
            f"DELETE {{ GRAPH ?g {{ {place} }} }} {moved} "
            f"WHERE {{ GRAPH ?g {{ {place} }} FILTER (?d = <{doc}>) }}",
        ),
        (
            "two operations by variables",
            f"{delete} ;\nINSERT {{ GRAPH ?g {{ <{doc}> akg:statedPlace "
            f"<http://example.org/nowhere> }} }} WHERE {{ GRAPH ?g {{ <{doc}> a akg:Document }} }}",
        ),
        ("INSERT DATA of 150 notes", _notes(doc, 150)),
        (
            "WITH and GRAPH ?g",
            f"WITH <{doc}> DELETE {{ GRAPH ?g {{ {place} }} }} "
            f"WHERE {{ GRAPH ?g {{ {place} }} FILTER (?d = <{doc}>) }}",
        ),
        (
            "WITH as a second op (all graphs)",
            f"INSERT DATA {{ }} ;\nWITH <{doc}> DELETE {{ GRAPH ?g {{ {place} }} }} "
            f"WHERE {{ GRAPH ?g {{ {place} }} FILTER (?d = <{doc}>) }}",
        ),
    ]


def _notes(doc: str, count: int) -> str:
    """An update of data alone longer than rdflib is asked to read (``updates.MAX_CHARS``)."""
    notes = [
        f'<{doc}> <http://example.org/note> "note {k}: checked by hand" .' for k in range(count)
    ]
    return "INSERT DATA { GRAPH <http://example.org/my-notes> {\n" + "\n".join(notes) + "\n} }"


def fresh_copy(built: Path, copy: Path) -> Path:
    """A copy of the built store, stamped as akg's own (a copy's files are new) and synced."""
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(built, copy)
    stamp_union(copy)
    os.sync()
    return copy


def timed_akg(store: Path, update: str) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one ``akg update`` process."""
    t = time.perf_counter()
    found = subprocess.run(
        [sys.executable, "-c", PEAK, str(AKG), "--store", str(store), "update", update],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - t, int(found.stdout.split()[-1]) / 1024


def timed_pyoxigraph(store: Path, update: str) -> float:
    """Seconds of the same update run by pyoxigraph alone (opened, run, flushed)."""
    t = time.perf_counter()
    opened = ox.Store(str(store))
    opened.update(update, prefixes=PREFIXES)
    opened.flush()
    del opened
    return time.perf_counter() - t


def first_document(store: Path) -> str:
    """The IRI of the store's first document graph that states a place."""
    opened = ox.Store.read_only(str(store))
    query = "SELECT ?g WHERE { GRAPH ?g { ?g akg:statedPlace ?p } } ORDER BY ?g LIMIT 1"
    result = opened.query(query, prefixes=PREFIXES)
    assert isinstance(result, ox.QuerySolutions)
    (row,) = list(result)
    return str(row["g"].value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000])
    args = parser.parse_args()
    print(f"{'documents':>9}  {'update':<32} {'akg s':>7} {'peak MB':>8} {'pyoxigraph s':>12} "
          f"{'ratio':>6}")  # fmt: skip
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            built = Path(tmp) / "store"
            timed_build(built, generate(Path(tmp) / "corpus", n), None)
            doc = first_document(built)
            for label, update in cases(doc):
                seconds, peak = timed_akg(fresh_copy(built, Path(tmp) / "copy"), update)
                raw = timed_pyoxigraph(fresh_copy(built, Path(tmp) / "copy"), update)
                print(f"{n:>9}  {label:<32} {seconds:>7.2f} {peak:>8.0f} {raw:>12.3f} "
                      f"{seconds / raw:>5.0f}x", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
