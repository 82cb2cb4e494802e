"""``akg serve`` while another process holds the store for writing (``queries/runner.py``): each
query runs in a process of its own, so a query that dies (its memory bound, or Oxigraph looping
on a table file a writer's compaction deleted) ends only itself, not the server process with
its other requests and connections. Real processes: the server, a holder of the write lock."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from serve_process import akg_serve_socket
from test_concurrency import held
from test_processes import DOUBLING, OUT_OF_MEMORY
from test_serve_keepalive import get, read_answer

ASK = (200, '{"head":{},"boolean":true}\n')


@pytest.fixture
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    ox.Store(str(folder)).flush()  # made, and closed again
    return folder


def test_a_query_that_dies_beside_a_writer_leaves_its_connection_served(store: Path) -> None:
    with (
        akg_serve_socket(store, "--max-memory", "300", "--workers", "1") as address,
        socket.create_connection(address, timeout=60) as client,
        held(store),
    ):
        reader = client.makefile("rb")
        client.sendall(get("ASK {}"))
        assert read_answer(reader)[::2] == ASK
        # Run in a process of its own (three times: a writer holds the store), which its
        # memory bound ends: the server process answers and keeps the connection open.
        client.sendall(get(DOUBLING))
        status, headers, body = read_answer(reader)
        assert (status, headers.get("connection"), body) == (400, None, f"{OUT_OF_MEMORY}\n")
        client.sendall(get("ASK {}"))
        assert read_answer(reader)[::2] == ASK


def test_with_the_writer_gone_queries_are_answered_in_the_server_process(store: Path) -> None:
    with (
        akg_serve_socket(store, "--max-memory", "300", "--workers", "1") as address,
        socket.create_connection(address, timeout=60) as client,
    ):
        reader = client.makefile("rb")
        with held(store):
            client.sendall(get("ASK {}"))
            assert read_answer(reader)[::2] == ASK
        time.sleep(0.2)  # the holder has let the lock go
        # The server process runs it, and Oxigraph's abort ends that process: its parent
        # answers for it and closes the connection.
        client.sendall(get(DOUBLING))
        status, headers, body = read_answer(reader)
        assert (status, headers["connection"], body) == (400, "close", f"{OUT_OF_MEMORY}\n")
