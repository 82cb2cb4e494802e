"""akg serve against raw sockets: a body is read only up to its stated, bounded length, a request
naming a foreign host is refused (DNS rebinding), and a silent connection is closed."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_process import akg_serve_socket

QUERY = b"query=ASK+%7B%7D"  # query=ASK {}


@pytest.fixture(scope="module")
def server(corpus_store: Path) -> Iterator[tuple[str, int]]:
    with akg_serve_socket(
        corpus_store, "--timeout", "2", "--allow-host", "akg.example", "--workers", "1"
    ) as address:
        yield address


def exchange(server: tuple[str, int], request: bytes, *, half_close: bool = False) -> bytes:
    """Send ``request`` on a new connection and read the answer until the server closes it (or
    5 s pass: a server still waiting for more gives a timeout error)."""
    with socket.create_connection(server, timeout=5) as client:
        client.sendall(request)
        if half_close:
            client.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
        return answer


def post(host: str, headers: str, body: bytes = b"") -> bytes:
    return (
        f"POST /sparql HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\n{headers}\r\n"
    ).encode() + body


def status(answer: bytes) -> tuple[int, str]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode()


def test_a_negative_length_is_refused_without_reading_the_body(server: tuple[str, int]) -> None:
    # No body follows and the connection stays open: a server reading "all of it" would wait.
    answer = exchange(server, post("localhost", "Content-Length: -1\r\n"))
    assert status(answer) == (400, "Content-Length '-1' is not a number of bytes\n")


def test_a_length_that_is_no_number_is_refused(server: tuple[str, int]) -> None:
    answer = exchange(server, post("localhost", "Content-Length: abc\r\n"))
    assert status(answer) == (400, "Content-Length 'abc' is not a number of bytes\n")


def test_a_post_without_a_length_is_refused(server: tuple[str, int]) -> None:
    answer = exchange(server, post("localhost", "Transfer-Encoding: chunked\r\n"))
    assert status(answer) == (411, "a POST needs a Content-Length header\n")


def test_a_body_over_the_cap_is_refused_unread(server: tuple[str, int]) -> None:
    answer = exchange(server, post("localhost", "Content-Length: 2000000\r\n"))
    assert status(answer) == (413, "the request is larger than 1000000 bytes\n")


def test_a_body_shorter_than_its_length_is_not_waited_for_forever(
    server: tuple[str, int],
) -> None:
    # The client stops sending after half its body: the server gives up after the idle timeout.
    started = time.monotonic()
    with socket.create_connection(server, timeout=10) as client:
        client.sendall(post("localhost", "Content-Length: 1000\r\n", b"x" * 500))
        assert client.recv(65536) == b""
    assert time.monotonic() - started < 9


@pytest.mark.parametrize(
    "host",
    ["localhost", "localhost:{port}", "127.0.0.1:{port}", "[::1]", "akg.example", "AKG.example:80"],
)
def test_local_names_and_allowed_hosts_are_answered(server: tuple[str, int], host: str) -> None:
    request = post(
        host.replace("{port}", str(server[1])),
        f"Content-Length: {len(QUERY)}\r\nConnection: close\r\n",
        QUERY,
    )
    code, body = status(exchange(server, request))
    assert code == 200
    assert '"boolean"' in body


@pytest.mark.parametrize("method", ["GET /sparql?query=ASK%7B%7D", "GET /", "POST /sparql"])
def test_a_foreign_host_is_refused(server: tuple[str, int], method: str) -> None:
    request = f"{method} HTTP/1.1\r\nHost: rebind.attacker.example:{server[1]}\r\n".encode()
    answer = exchange(server, request + f"Content-Length: {len(QUERY)}\r\n\r\n".encode())
    assert status(answer) == (
        421,
        "this server does not answer to the name 'rebind.attacker.example'; start akg serve "
        "with --allow-host rebind.attacker.example to accept it\n",
    )


def test_a_silent_connection_is_closed(server: tuple[str, int]) -> None:
    started = time.monotonic()
    with socket.create_connection(server, timeout=10) as client:
        assert client.recv(1) == b""  # closed by the server, after its 2 s
        client.close()
    with socket.create_connection(server, timeout=10) as client:
        client.sendall(b"GET /sparql?query=ASK")  # a request line that never ends
        assert client.recv(1) == b""
    assert time.monotonic() - started < 9
