"""Builds killed part way, for the tests of what a kill leaves in the store."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def killed_builds(
    build: str,
    folder: Path,
    args: list[str],
    seeds: int,
    span: tuple[float, float],
    after: str | None = None,
) -> Iterator[Path]:
    """Run the Python source ``build`` (arguments: a store's folder, then ``args``) to the end
    once, then ``seeds`` times more, each killed after a random share of that run's time within
    ``span``. Yields the folder of the finished run first, then that of each killed run that got
    as far as making a store (``CURRENT`` written). With ``after`` (a file's name), once more,
    killed as soon as that file is in the store's folder, yielded if the kill fell while the
    build ran: a random share of a run's time may fall on either side of any one step when
    the machine is busy."""
    reference = folder / "reference"
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", build, str(reference), *args], check=True)
    duration = time.monotonic() - started
    yield reference
    for seed in range(seeds):
        store = folder / f"store-{seed}"
        process = subprocess.Popen([sys.executable, "-c", build, str(store), *args])
        time.sleep(random.Random(seed).uniform(*span) * duration)
        process.kill()
        process.wait()
        if (store / "CURRENT").exists():  # else killed before the first batch: no store
            yield store
    if after is not None:
        store = folder / "store-after"
        process = subprocess.Popen([sys.executable, "-c", build, str(store), *args])
        while process.poll() is None and not (store / after).exists():
            time.sleep(0.005)
        process.kill()
        if process.wait() < 0:  # killed, not ended on its own before the kill
            yield store
