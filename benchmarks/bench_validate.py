"""What ``akg validate`` costs beside ``akg build``, on the bundled corpus and the synthetic
corpus (``synthetic.py``) at several sizes, with each engine in the same run (the shapes as
queries in the store, and pySHACL over a copy in rdflib): wall and CPU seconds and peak memory
of the check, each an ``akg`` process of its own, and the store's triples.

Run: ``.venv/bin/python benchmarks/bench_validate.py [N ...]`` (default 100 1000; 0 stands for
the bundled corpus); ``--pyshacl-up-to N``: run pySHACL only on corpora of at most N documents
(default 1000: it took 588 s and 4.3 GB at 10,000). A build checks the store it leaves itself
up to ``BUILD_VALIDATES`` triples, so the build column includes that check for the small
stores only.
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

# ``akg ARGS`` in a process that prints its own peak resident size last on standard error
# (RUSAGE_CHILDREN would give the largest child so far: the build's, not the check's).
_RUN = """
import resource, sys
from alliance_kg.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def timed(args: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak resident MB and output of one ``akg`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *args], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = int(done.stderr.strip().splitlines()[-1]) / 1024
    return wall, cpu, peak, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--pyshacl-up-to", type=int, default=1000)
    args = parser.parse_args()
    print(f"{'documents':>9} {'triples':>8} {'build s':>8} {'(cpu)':>6} {'engine':>8} "
          f"{'validate s':>10} {'(cpu)':>6} {'peak MB':>8}")  # fmt: skip
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            store = str(Path(tmp) / "store")
            paths = [] if n == 0 else [str(p) for p in generate(Path(tmp) / "corpus", n)]
            build_wall, build_cpu, _, _ = timed(["--store", store, "build", "--jobs", "1", *paths])
            engines = ["sparql", "pyshacl"] if n <= args.pyshacl_up_to else ["sparql"]
            for engine in engines:
                wall, cpu, peak, out = timed(["--store", store, "validate", "--engine", engine])
                triples = out.split(" triples", 1)[0].rsplit(" ", 1)[-1]
                line = f"{n or 5:>9} {triples:>8} {build_wall:>8.1f} {build_cpu:>6.1f} {engine:>8}"
                print(f"{line} {wall:>10.1f} {cpu:>6.1f} {peak:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
