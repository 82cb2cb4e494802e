"""The processes akg starts go with it: a query's child (``--timeout``) and the endpoint's
workers die when the akg process is terminated or killed outright (Linux: /proc is read)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from clirunner import akg

AKG = Path(sys.executable).parent / "akg"
#: A query that would run for hours: a cartesian product of the store with itself, four times.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def _stat(pid: int) -> tuple[str, int] | None:
    """The state and parent of a live process, else None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid``."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None and stat[0] not in ("Z", "X"):
                parents[int(entry)] = stat[1]
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def kill_all(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
def test_a_query_child_dies_with_akg(corpus_store: Path, sig: signal.Signals) -> None:
    process = subprocess.Popen(
        [str(AKG), "--store", str(corpus_store), "query", "--timeout", "600", CARTESIAN],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    children: set[int] = set()
    try:
        assert wait_for(lambda: descendants(process.pid), 30), "no query child started"
        time.sleep(0.5)  # the child is into the query
        children = descendants(process.pid)
        process.send_signal(sig)
        process.wait(timeout=10)
        assert wait_for(lambda: not any(alive(pid) for pid in children), 5), (
            f"still running after akg got {sig.name}: {children}"
        )
    finally:
        process.kill()
        kill_all(children)
    if sig == signal.SIGTERM:
        assert process.returncode == 128 + signal.SIGTERM


def test_busy_endpoint_workers_die_with_the_server(corpus_store: Path) -> None:
    process = subprocess.Popen(
        [str(AKG), "--store", str(corpus_store), "serve", "--port", "0", "--timeout", "600"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    workers: set[int] = set()
    try:
        assert process.stdout is not None
        match = re.search(r"http://([\d.]+):(\d+)/sparql", process.stdout.readline())
        assert match
        # Keep a worker busy with the endless query (the request is left unanswered).
        client = socket.create_connection((match[1], int(match[2])))
        body = urllib.parse.urlencode({"query": CARTESIAN}).encode()
        client.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
            b"application/x-www-form-urlencoded\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        time.sleep(1)
        workers = descendants(process.pid)
        assert workers
        process.kill()
        process.wait(timeout=10)
        assert wait_for(lambda: not any(alive(pid) for pid in workers), 10), (
            f"still running after the server was killed: {workers}"
        )
        client.close()
    finally:
        process.kill()
        kill_all(workers)


#: A string doubled 19 times: half a gigabyte for its last value, about a gigabyte in all.
DOUBLING = (
    'SELECT (STRLEN(?x19) AS ?n) WHERE { BIND("'
    + "x" * 1000
    + '" AS ?x0) '
    + "".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1}) " for i in range(19))
    + "}"
)
OUT_OF_MEMORY = (
    "the query needed more than 300 MB of memory (--max-memory 300); narrow it, or raise "
    "--max-memory"
)


def test_a_query_past_its_memory_bound_is_stopped(corpus_store: Path) -> None:
    result = akg(corpus_store, "query", "--max-memory", "300", DOUBLING)
    assert (result.exit_code, result.output) == (1, f"Error: {OUT_OF_MEMORY}\n")
    small = akg(corpus_store, "query", "--max-memory", "300", "--format", "csv", "ASK {}")
    assert (small.exit_code, small.output) == (0, "true\n")


def test_a_query_past_its_memory_bound_says_only_its_error(corpus_store: Path) -> None:
    # Nothing of the query's process reaches the terminal: not Oxigraph's line on the failed
    # allocation, nor a traceback.
    run = subprocess.run(
        [str(AKG), "--store", str(corpus_store), "query", "--max-memory", "300", DOUBLING],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (run.returncode, run.stdout, run.stderr) == (1, "", f"Error: {OUT_OF_MEMORY}\n")


def test_an_endpoint_query_past_its_memory_bound_is_refused(corpus_store: Path) -> None:
    process = subprocess.Popen(
        [str(AKG), "--store", str(corpus_store), "serve", "--port", "0", "--max-memory", "300"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = re.search(r"http://[\d.]+:\d+/sparql", process.stdout.readline())
        assert url
        for query, expected in [(DOUBLING, 400), ("ASK {}", 200), (DOUBLING, 400)]:
            request = urllib.request.Request(
                url[0], data=urllib.parse.urlencode({"query": query}).encode()
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    assert (response.status, expected) == (200, 200)
            except urllib.error.HTTPError as error:
                assert (error.code, expected) == (400, 400)
                assert error.read().decode() == f"{OUT_OF_MEMORY}\n"
    finally:
        process.terminate()
        process.wait(timeout=10)
