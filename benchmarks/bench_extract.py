"""Extraction throughput on one core: documents per second of ``extract()`` (reading excluded).

    python benchmarks/bench_extract.py                 # the bundled sample corpus, 40 rounds
    python benchmarks/bench_extract.py tests/data/unseen --rounds 20
    python benchmarks/bench_extract.py --profile       # cProfile, the top 25 by own time

The documents are read once; each round extracts all of them again, after one warm-up round
(which builds the lexicon's compiled patterns and the gazetteer, as the first document of a
real build does).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

from alliance_kg.loaders.extract import extract
from alliance_kg.loaders.readers import collect_paths, read_document, sample_corpus_dir


def main() -> None:
    """Parse the arguments, time (or profile) the rounds and print documents per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    docs = [read_document(p) for p in collect_paths(args.paths or [sample_corpus_dir()])]
    for doc in docs:  # warm-up
        extract(doc)

    def rounds() -> None:
        for _ in range(args.rounds):
            for doc in docs:
                extract(doc)

    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(rounds)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return
    # CPU time of this process: the figure per core, steadier than wall time on a busy machine.
    start = time.process_time()
    rounds()
    elapsed = time.process_time() - start
    n = len(docs) * args.rounds
    size = sum(len(d.text) for d in docs) / len(docs)
    print(
        f"{n} extractions of {len(docs)} documents (mean {size:,.0f} characters) "
        f"in {elapsed:.2f} s of CPU: {n / elapsed:.1f} docs/s per core"
    )


if __name__ == "__main__":
    main()
