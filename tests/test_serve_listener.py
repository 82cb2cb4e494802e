"""akg serve's HTTP server (``queries/listener.py``): threads that accept connections themselves
and are kept between connections. Every connection open at once is served (a thread is added
whenever none is left waiting), sequential connections do not start a thread each, and the
server stops and closes with no thread of its own left behind."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from alliance_kg.queries.bounded import Bounds
from alliance_kg.queries.listener import SPARE, Server
from alliance_kg.queries.server import make_server


def http_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "akg-http" and t.is_alive()}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Server, int]]:
    # The service description and the query page do not open the store.
    server = make_server(tmp_path / "store", "127.0.0.1", 0, Bounds())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, int(server.server_address[1])
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def service_description(connection: http.client.HTTPConnection) -> str:
    connection.request("GET", "/sparql")
    response = connection.getresponse()
    body = response.read().decode()
    assert response.status == 200
    return body


def test_connections_open_at_once_are_all_served(server: tuple[Server, int]) -> None:
    _, port = server
    # More connections than threads kept waiting, each kept open while the next is served.
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(9)]
    try:
        for connection in connections:
            assert "sd:Service" in service_description(connection)
        # And each is still served on its kept connection, in the reverse order.
        for connection in reversed(connections):
            assert "sd:Service" in service_description(connection)
    finally:
        for connection in connections:
            connection.close()
    assert len(connections) > SPARE


class Recorder(BaseHTTPRequestHandler):
    """Answers every GET, recording the thread that served it."""

    protocol_version = "HTTP/1.1"
    threads: list[threading.Thread] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.threads.append(threading.current_thread())
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_sequential_connections_reuse_the_threads() -> None:
    Recorder.threads = []
    server = Server(("127.0.0.1", 0), Recorder)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        for _ in range(30):
            connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1])
            connection.request("GET", "/", headers={"Connection": "close"})
            assert connection.getresponse().status == 204
            connection.close()
    finally:
        server.shutdown()
        server.server_close()
    # Thirty connections, one after another, served by the few threads kept waiting.
    assert len(Recorder.threads) == 30
    assert len(set(Recorder.threads)) <= SPARE + 1


def test_shutdown_and_close_leave_no_thread(tmp_path: Path) -> None:
    server = make_server(tmp_path / "store", "127.0.0.1", 0, Bounds())
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    service_description(connection)
    connection.close()
    assert http_threads()
    server.shutdown()
    serving.join(timeout=10)
    assert not serving.is_alive()
    # Closing wakes the threads waiting in accept; they end, and server_close returns.
    closing = threading.Thread(target=server.server_close, daemon=True)
    closing.start()
    closing.join(timeout=10)
    assert not closing.is_alive()
    assert not http_threads()
