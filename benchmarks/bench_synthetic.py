"""``akg build`` of the synthetic corpus (``synthetic.py``) at several sizes: wall time, peak
memory of the build process, documents per second, and the time (wall and CPU, the build's and
its workers') to add one more statement to the store just built (``akg build FILE`` with akg's
own choice of processes).

Run: ``.venv/bin/python benchmarks/bench_synthetic.py [N ...]`` (default 100 1000). Each build
is a fresh ``akg`` process on a new store, as a user runs it.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate  # noqa: E402

AKG = Path(sys.executable).parent / "akg"


def timed_build(store: Path, paths: list[Path], jobs: int | None) -> tuple[float, float, float]:
    """Seconds, peak resident MB and CPU seconds (user and system) of one ``akg build`` process
    (and its workers). CPU time varies less than wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    args = [str(AKG), "--store", str(store), "build", *map(str, paths)]
    if jobs is not None:
        args[4:4] = ["--jobs", str(jobs)]
    t = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    seconds = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    # ru_maxrss of children is the largest child so far: report it only when it grew.
    return seconds, max(usage.ru_maxrss, before) / 1024, usage.ru_utime + usage.ru_stime - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--jobs", type=int, help="akg build --jobs (default: akg's own)")
    args = parser.parse_args()
    print(f"{'documents':>9} {'build s':>8} {'docs/s':>7} {'s/doc ms':>8} {'peak MB':>8} "
          f"{'add 1 s':>8} {'add 1 CPU s':>11}")  # fmt: skip
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus"
            files = generate(corpus, n + 1)
            store = Path(tmp) / "store"
            seconds, peak, _ = timed_build(store, files[:n], args.jobs)
            # As a user adds a statement: akg picks the processes (none for one file's
            # extraction; the stage's blocks over the cores in a store of 20,000 commitments).
            added, _, cpu = timed_build(store, files[n:], None)
            print(f"{n:>9} {seconds:>8.1f} {n / seconds:>7.1f} {1000 * seconds / n:>8.1f} "
                  f"{peak:>8.0f} {added:>8.2f} {cpu:>11.2f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
