"""akg serve's server processes: replaced after a timeout, never orphaned, stopped by Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from serve_process import start_akg_serve
from test_processes import alive, descendants

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MEETINGS = "SELECT (COUNT(*) AS ?n) WHERE { ?m a <https://w3id.org/alliance-kg/ontology#Meeting> }"


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if alive(pid)}


def _wait_gone(pids: set[int], seconds: float = 10) -> set[int]:
    deadline = time.monotonic() + seconds
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _alive(pids)


def _start(store: Path, *options: str) -> tuple[subprocess.Popen[str], str]:
    process, match = start_akg_serve(store, *options)
    return process, match.group()


def _ask(endpoint: str, query: str) -> tuple[int, str]:
    url = f"{endpoint}?{urllib.parse.urlencode({'query': query})}"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def server(corpus_store: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process, endpoint = _start(corpus_store, "--workers", "2", "--timeout", "1")
    try:
        yield process, endpoint
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_no_worker_outlives_the_server(
    server: tuple[subprocess.Popen[str], str], how: signal.Signals
) -> None:
    process, endpoint = server
    # Both workers busy with queries, so each has opened the store.
    with ThreadPoolExecutor(2) as pool:
        assert [s for s, _ in pool.map(lambda q: _ask(endpoint, q), [MEETINGS] * 2)] == [200] * 2
    workers = descendants(process.pid)
    assert len(workers) >= 2
    os.kill(process.pid, how)
    process.wait(timeout=10)
    assert _wait_gone(workers) == set()


def test_ctrl_c_stops_a_server_started_with_it_ignored(corpus_store: Path) -> None:
    """A shell starts a background job with SIGINT ignored; the server still stops on it."""
    ignore = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        process, endpoint = _start(corpus_store, "--workers", "1")
    finally:
        signal.signal(signal.SIGINT, ignore)
    try:
        assert _ask(endpoint, MEETINGS)[0] == 200
        workers = descendants(process.pid)
        os.kill(process.pid, signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert _wait_gone(workers) == set()
    finally:
        if process.poll() is None:
            process.kill()


def test_a_query_past_its_time_gets_a_new_worker(
    server: tuple[subprocess.Popen[str], str],
) -> None:
    _, endpoint = server
    before = time.monotonic()
    for _ in range(3):  # more timeouts than workers: each killed worker was replaced
        assert _ask(endpoint, RUNAWAY) == (
            400,
            "the query was stopped after 1 s (--timeout 1); the store is unchanged\n",
        )
    assert time.monotonic() - before < 10
    status, text = _ask(endpoint, MEETINGS)
    assert status == 200 and '"value":"3"' in text.replace(" ", "")
