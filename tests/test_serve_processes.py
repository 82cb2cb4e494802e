"""akg serve's server processes (``queries/prefork.py``, ``queries/inline.py``), against raw
sockets: a query answered in the process that read it does not wait behind another one, a
process retired for a query past its time leaves its kept connections to its replacement, a
process that dies mid-query (out of memory) still has its request answered, and a store
written while it serves is seen."""

from __future__ import annotations

import shutil
import socket
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from clirunner import akg
from serve_process import akg_serve_socket
from test_processes import DOUBLING, OUT_OF_MEMORY
from test_serve_keepalive import MEETINGS, RUNAWAY, get, read_answer

ASK = (200, '{"head":{},"boolean":true}\n')


def stopped(seconds: int) -> tuple[int, str]:
    return (
        400,
        f"the query was stopped after {seconds} s (--timeout {seconds}); the store is unchanged\n",
    )


@pytest.fixture(scope="module")
def one_process(corpus_store: Path) -> Iterator[tuple[str, int]]:
    with akg_serve_socket(corpus_store, "--timeout", "2", "--workers", "1") as address:
        yield address


def test_a_query_does_not_wait_behind_a_running_one(one_process: tuple[str, int]) -> None:
    # One process: the runaway query runs in one of its threads, the next in another.
    with (
        socket.create_connection(one_process, timeout=10) as slow,
        socket.create_connection(one_process, timeout=10) as quick,
    ):
        slow_reader, quick_reader = slow.makefile("rb"), quick.makefile("rb")
        started = time.monotonic()
        slow.sendall(get(RUNAWAY))
        time.sleep(0.2)
        quick.sendall(get("ASK {}"))
        assert read_answer(quick_reader)[::2] == ASK
        # Answered while the runaway query still runs (it is answered at 2 s).
        slow.setblocking(False)
        with pytest.raises(BlockingIOError):
            slow.recv(1)
        slow.settimeout(10)
        assert time.monotonic() - started < 2
        assert read_answer(slow_reader)[::2] == stopped(2)


def test_kept_connections_outlive_the_process_that_retires(one_process: tuple[str, int]) -> None:
    with (
        socket.create_connection(one_process, timeout=15) as waiting,
        socket.create_connection(one_process, timeout=15) as runaway,
    ):
        waiting_reader, runaway_reader = waiting.makefile("rb"), runaway.makefile("rb")
        # The process serving both is retired for the runaway query (the other connection
        # used meanwhile: a connection silent for --timeout is closed) ...
        runaway.sendall(get(RUNAWAY))
        time.sleep(0.5)
        waiting.sendall(get("ASK {}"))
        assert read_answer(waiting_reader)[::2] == ASK
        assert read_answer(runaway_reader)[::2] == stopped(2)
        # ... and both connections are served on by its replacement.
        waiting.sendall(get(MEETINGS, "Accept: text/csv\r\n"))
        assert read_answer(waiting_reader)[::2] == (200, "n\r\n3\r\n")
        runaway.sendall(get("ASK {}"))
        assert read_answer(runaway_reader)[::2] == ASK


def test_a_request_begun_while_the_process_retires_is_answered(
    one_process: tuple[str, int],
) -> None:
    # The first bytes of a request reach the process before it is told to retire, the rest
    # after: the bytes it read are not lost with it. It answers the request before it ends.
    with (
        socket.create_connection(one_process, timeout=15) as client,
        socket.create_connection(one_process, timeout=15) as runaway,
    ):
        reader, runaway_reader = client.makefile("rb"), runaway.makefile("rb")
        client.sendall(get("ASK {}"))
        assert read_answer(reader)[::2] == ASK  # the connection is the process's, kept alive
        request = get("ASK {}")
        runaway.sendall(get(RUNAWAY))
        time.sleep(1.5)
        client.sendall(request[:20])
        assert read_answer(runaway_reader)[::2] == stopped(2)
        # Time enough for a retired process with nothing to do to end (it looks every 50 ms),
        # not for the connection to count as idle (--timeout 2).
        time.sleep(0.4)
        client.sendall(request[20:])
        assert read_answer(reader)[::2] == ASK
        # Served on by the replacement afterwards.
        client.sendall(get(MEETINGS, "Accept: text/csv\r\n"))
        assert read_answer(reader)[::2] == (200, "n\r\n3\r\n")


def test_a_request_read_behind_a_runaway_query_closes_the_connection(
    one_process: tuple[str, int],
) -> None:
    # Sent at once, the second request is read with the first by the process that is retired:
    # it cannot be handed on, so the connection is closed after the timeout's answer (a client
    # sends it again on a new connection) instead of being left unanswered.
    with socket.create_connection(one_process, timeout=15) as client:
        reader = client.makefile("rb")
        client.sendall(get(RUNAWAY) + get("ASK {}"))
        status, headers, body = read_answer(reader)
        assert ((status, body), headers["connection"]) == (stopped(2), "close")
        assert reader.read() == b""


def test_a_process_that_dies_mid_query_has_the_request_answered(corpus_store: Path) -> None:
    # Oxigraph aborts the process that runs out of memory: the parent answers for it.
    with (
        akg_serve_socket(corpus_store, "--max-memory", "300", "--workers", "1") as address,
        socket.create_connection(address, timeout=60) as client,
    ):
        reader = client.makefile("rb")
        client.sendall(get("ASK {}"))
        assert read_answer(reader)[::2] == ASK
        client.sendall(get(DOUBLING))
        status, headers, body = read_answer(reader)
        assert (status, headers["connection"], body) == (400, "close", f"{OUT_OF_MEMORY}\n")
        assert reader.read() == b""
        with socket.create_connection(address, timeout=60) as again:
            again.sendall(get("ASK {}"))
            assert read_answer(again.makefile("rb"))[::2] == ASK


def test_a_build_made_while_serving_is_seen(tmp_path: Path) -> None:
    store = tmp_path / "store"
    one = Path(__file__).parent / "data" / "cli" / "ausmin-2031.md"
    assert akg(store, "build", str(one)).exit_code == 0
    count = urllib.parse.quote("SELECT (COUNT(?d) AS ?n) WHERE { ?d a akg:Document }")
    request = f"GET /sparql?query={count} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n"
    with (
        akg_serve_socket(store, "--workers", "2", "--allow-host", "x") as address,
        socket.create_connection(address, timeout=30) as kept,
    ):
        reader = kept.makefile("rb")
        kept.sendall(request.encode())
        assert read_answer(reader)[::2] == (200, "n\r\n1\r\n")
        # Another writer adds the sample corpus while the processes hold the store open.
        assert akg(store, "build").exit_code == 0
        for _ in range(3):
            kept.sendall(request.encode())
            assert read_answer(reader)[::2] == (200, "n\r\n6\r\n")
            with socket.create_connection(address, timeout=30) as fresh:
                fresh.sendall(request.encode())
                assert read_answer(fresh.makefile("rb"))[::2] == (200, "n\r\n6\r\n")
    shutil.rmtree(store)
