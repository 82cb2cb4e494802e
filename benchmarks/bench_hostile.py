"""Builds of oversized and adversarial documents: time and peak memory of a fresh ``akg build``
process each (never run by ``make test``; ``tests/test_scaling.py`` counts the work instead).

Documents: a place name repeated (160, 320, 640 KB), a mix of the texts that once made
extraction quadratic (``tests/test_scaling.py``'s units, 640 KB), and a 20 MB file of one line,
which the default size limit refuses.

    python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_scaling import UNITS  # noqa: E402

KB = 1024


def repeated(unit: str, size: int) -> str:
    return "Japan and the United States met in Tokyo.\n\n" + unit * (size // len(unit)) + "\n"


def mixed(size: int) -> str:
    each = size // len(UNITS)
    return "".join(u * (each // len(u)) + "\n\n" for u in UNITS)


def build(folder: Path, name: str, text: str) -> tuple[float, int, str]:
    """Seconds, peak MB of a fresh ``akg build`` of one document, and its last line."""
    doc = folder / f"{name}.txt"
    doc.write_text(text, encoding="utf-8")
    store = folder / "store"
    shutil.rmtree(store, ignore_errors=True)
    akg = [sys.executable, "-m", "alliance_kg.cli", "--store", str(store), "build", str(doc)]
    start = time.perf_counter()
    done = subprocess.run(akg, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    # ru_maxrss of the children: the largest process so far, so sizes go from small to large.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    lines = (done.stdout + done.stderr).strip().splitlines()
    first = next((line for line in lines if line.startswith(("Loaded", "Error"))), "")
    return seconds, peak, first[:90]


def main() -> None:
    cases = [(f"okinawa-{kb}k", repeated("Okinawa ", kb * KB)) for kb in (160, 320, 640)]
    cases.append(("mixed-640k", mixed(640 * KB)))
    cases.append(("line-20m", "Japan will defend Okinawa and " * (20 * KB * KB // 30)))
    print("| document | characters | seconds | peak MB | result |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in cases:
            seconds, peak, first = build(Path(tmp), name, text)
            print(f"| {name} | {len(text):,} | {seconds:.1f} | {peak} | {first} |", flush=True)


if __name__ == "__main__":
    main()
