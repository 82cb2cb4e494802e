"""The processes akg starts go with it: a query's child (``--timeout``) and the endpoint's
workers die when the akg process is terminated or killed outright (Linux: /proc is read)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

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
        import socket
        import urllib.parse

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
