"""A query whose process died while another process wrote the store runs again on a fresh
opening (``queries.child.run_beside_writers``); with no other writer, its error is given at once.
Real processes throughout: a holder of the store's write lock, and query children that fail."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from functools import partial
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_concurrency import held

from alliance_kg.errors import QueryMemoryError
from alliance_kg.graph.store import open_store
from alliance_kg.graph.storefiles import lock_taken
from alliance_kg.queries.child import run_beside_writers

OUT_OF_MEMORY = (
    "the query needed more than 300 MB of memory (--max-memory 300); narrow it, or raise "
    "--max-memory"
)


def dies_first(runs: Path, deaths: int) -> str:
    """A query's work that needs more memory than any bound in its first ``deaths`` runs, then
    answers; each run leaves a line in ``runs``."""
    with runs.open("a") as out:
        out.write("run\n")
    if len(runs.read_text().splitlines()) <= deaths:
        bytearray(1 << 44)  # MemoryError, which the child reports as its bound
    return "answered"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    ox.Store(str(folder)).flush()
    return folder


def test_a_query_that_died_beside_a_writer_runs_again(store: Path, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    with held(store):
        answer = run_beside_writers(store, partial(dies_first, runs, 1), 30, 300)
    assert (answer, runs.read_text()) == ("answered", "run\n" * 2)


def test_it_runs_three_times_at_most(store: Path, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    with held(store), pytest.raises(QueryMemoryError) as error:
        run_beside_writers(store, partial(dies_first, runs, 5), 30, 300)
    assert (str(error.value), runs.read_text()) == (OUT_OF_MEMORY, "run\n" * 3)


def test_with_no_other_writer_the_error_comes_at_once(store: Path, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    with pytest.raises(QueryMemoryError) as error:
        run_beside_writers(store, partial(dies_first, runs, 1), 30, 300)
    assert (str(error.value), runs.read_text()) == (OUT_OF_MEMORY, "run\n")


def test_this_process_writing_is_no_other_writer(store: Path, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    writing = open_store(store)  # held by this process: never probed, never run again
    try:
        with pytest.raises(QueryMemoryError):
            run_beside_writers(store, partial(dies_first, runs, 1), 30, 300)
    finally:
        del writing
    assert runs.read_text() == "run\n"


#: Takes and lets go of the store's lock as a writer opening the store does, over and over for a
#: second; prints how many times it found the lock taken.
TAKER = textwrap.dedent(
    """
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR)
    print("ready", flush=True)
    refused, end = 0, time.monotonic() + 1
    while time.monotonic() < end:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            refused += 1
        else:
            fcntl.lockf(fd, fcntl.LOCK_UN)
    print(refused)
    """
)


def test_looking_at_the_lock_never_takes_it(store: Path) -> None:
    # A probe that took the lock, even for an instant, would make a writer's opening fail.
    taker = subprocess.Popen(
        [sys.executable, "-c", TAKER, str(store / "LOCK")], stdout=subprocess.PIPE, text=True
    )
    assert taker.stdout is not None and taker.stdout.readline() == "ready\n"
    looks = 0
    while taker.poll() is None:
        lock_taken(store / "LOCK")
        looks += 1
    assert (taker.stdout.read(), looks > 1000) == ("0\n", True)
    with held(store):
        assert lock_taken(store / "LOCK")
    assert not lock_taken(store / "LOCK")
