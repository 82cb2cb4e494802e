"""Time the corpus-level stage (graph/links) on synthetic corpora of 100, 1,000 and 10,000
documents, and the bundled corpus's build with and without it.

Run: ``.venv/bin/python benchmarks/bench_links.py [N ...]`` (default 100 1000 10000). The
documents are the five sample statements, extracted once, copied under new names with every
stated meeting date moved by three years per copy (so each copy is three new meetings of the
series and its commitments restate the copies before it). Their graphs are written straight
into an in-memory pyoxigraph store with ``Store.extend``; then the stage's three steps are
timed apart: reading the documents with SPARQL (``read_corpus``), computing meetings,
conflicts and lineages (``corpus_links``), and writing the links graph (``replace_graphs``,
which also rebuilds the union default graph, a cost of the store that issue 11 is about).
Peak memory is the process's maximum resident size after each size (it only grows).
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alliance_kg.graph.build import document_iri, extraction_graph  # noqa: E402
from alliance_kg.graph.links import LINKS_GRAPH, corpus_links  # noqa: E402
from alliance_kg.graph.links.read import read_corpus  # noqa: E402
from alliance_kg.graph.load import extract_paths  # noqa: E402
from alliance_kg.graph.store import quads_of, replace_graphs  # noqa: E402
from alliance_kg.loaders.model import Extraction  # noqa: E402
from alliance_kg.loaders.readers import sample_corpus_dir  # noqa: E402


def shifted(extraction: Extraction, copy: int) -> Extraction:
    """The extraction under a new document key, its meeting dates moved by 3 years a copy."""
    doc = dataclasses.replace(extraction.document, key=f"{extraction.document.key}-c{copy}")
    meeting = extraction.meeting
    if meeting is not None:

        def move(day: str | None) -> str | None:
            return f"{int(day[:4]) + 3 * copy:04d}{day[4:]}" if day else None

        meeting = dataclasses.replace(
            meeting, date=move(meeting.date), start_date=move(meeting.start_date)
        )
    return dataclasses.replace(extraction, document=doc, meeting=meeting)


def synthetic_store(base: list[Extraction], documents: int) -> ox.Store:
    """An in-memory store holding ``documents`` copies' graphs (no union default graph)."""
    store = ox.Store()
    for n in range(documents):
        extraction = shifted(base[n % len(base)], n // len(base))
        name = str(document_iri(extraction.document.key))
        store.extend(quads_of(name, extraction_graph(extraction)))
    return store


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 10000])
    args = parser.parse_args()
    base = extract_paths([sample_corpus_dir()])
    print(f"{'documents':>9} {'commitments':>11} {'read s':>7} {'link s':>7} {'write s':>8} "
          f"{'meetings':>8} {'lineages':>8} {'peak MB':>8}")  # fmt: skip
    for documents in args.sizes:
        store = synthetic_store(base, documents)
        t0 = time.perf_counter()
        corpus = read_corpus(store)
        t1 = time.perf_counter()
        triples, result = corpus_links(corpus)
        t2 = time.perf_counter()
        replace_graphs(store, {str(LINKS_GRAPH): triples})
        t3 = time.perf_counter()
        print(
            f"{documents:>9} {len(corpus.items):>11} {t1 - t0:>7.2f} {t2 - t1:>7.2f} "
            f"{t3 - t2:>8.2f} {result.meetings:>8} {result.lineages:>8} {peak_mb():>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
