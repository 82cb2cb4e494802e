"""akg serve's HTTP request reader (``queries/request.py``): what it takes it reads as the
standard library's reader does; what it does not handle it refuses with 400 (431 past the
limits), also on a running server."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from serve_process import akg_serve_socket

from alliance_kg.queries.request import StrictRequest

TAKEN = [
    b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\nAccept: text/csv\r\n\r\n",
    b"GET / HTTP/1.1\r\nhost:localhost:8890\r\nACCEPT:   */*  \r\nX-Empty:\r\n\r\n",
    b"POST /sparql HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\nContent-Type: a/b; q=1\r\n\r\n",
    b"GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    b"GET /x HTTP/1.1\r\nConnection: close\r\nUser-Agent: caf\xe9\r\n\r\n",
    b"GET //elsewhere/x HTTP/1.1\nHost: a\nAccept: a\nAccept: b\n\n",
    b"POST /sparql HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"GET /x HTTP/1.1\r\nHost: a\r\n",  # the connection ended before the empty line
]

REFUSED = [
    (
        b"GET /x HTTP/1.1\r\nHost: a\r\nX-Long: a\r\n  folded\r\n\r\n",
        400,
        "a folded header line is not accepted",
    ),
    (b"GET /x HTTP/1.1\r\nHost: a\r\nno colon here\r\n\r\n", 400, "not a header line"),
    (b"GET /x HTTP/1.1\r\nHost : a\r\n\r\n", 400, "not a header line: 'Host : a'"),
    (
        b"POST /sparql HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n",
        400,
        "Content-Length is given more than once",
    ),
    (b"GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "Host is given more than once"),
    (
        b"POST /sparql HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        400,
        "transfer coding 'gzip, chunked' not handled",
    ),
    (b"GET /x  HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bad request line"),
    (b"GET /x\r\n\r\n", 400, "bad request line"),
    (b"GET /x HTTP/1.x\r\n\r\n", 400, "bad request line"),
    (b"GET /x HTTP/2.0\r\n\r\n", 505, "HTTP/2.x"),
    (
        b"GET /x HTTP/1.1\r\n" + b"X-A: " + b"a" * 70000 + b"\r\n\r\n",
        431,
        "a header line is over 65536 bytes",
    ),
    (b"GET /x HTTP/1.1\r\n" + b"X-A: a\r\n" * 101 + b"\r\n", 431, "more than 100 header lines"),
]


def read(handler_class: type[BaseHTTPRequestHandler], request: bytes) -> Any:
    """A handler of ``handler_class`` that has read ``request`` (not answered yet)."""

    class Reading(handler_class):  # type: ignore[valid-type,misc]
        def log_message(self, *args: object) -> None:
            pass

    handler = Reading.__new__(Reading)
    handler.rfile = io.BytesIO(request)
    handler.wfile = io.BytesIO()
    handler.client_address = ("127.0.0.1", 1)
    handler.request_version = "HTTP/1.1"
    handler.protocol_version = "HTTP/1.1"
    handler.raw_requestline = handler.rfile.readline(65537)
    handler.taken = handler.parse_request()
    return handler


@pytest.mark.parametrize("request_bytes", TAKEN)
def test_a_request_taken_is_read_as_the_standard_library_reads_it(request_bytes: bytes) -> None:
    ours, theirs = read(StrictRequest, request_bytes), read(BaseHTTPRequestHandler, request_bytes)
    assert ours.taken and theirs.taken
    assert (ours.command, ours.path, ours.request_version, ours.close_connection) == (
        theirs.command,
        theirs.path,
        theirs.request_version,
        theirs.close_connection,
    )
    names = {name.lower() for name in theirs.headers}
    assert set(ours.headers) == names
    for name in names:
        # The standard library keeps a value's trailing blanks, which HTTP does not count.
        assert ours.headers.get(name.upper()) == theirs.headers.get(name).rstrip(" \t")
        assert ours.headers[name.title()] == ours.headers.get(name)
    assert ours.rfile.tell() == theirs.rfile.tell()  # the body, if any, is left unread
    assert ours.wfile.getvalue() == b""


@pytest.mark.parametrize(("request_bytes", "status", "reason"), REFUSED)
def test_what_the_reader_does_not_handle_is_refused(
    request_bytes: bytes, status: int, reason: str
) -> None:
    ours = read(StrictRequest, request_bytes)
    assert not ours.taken
    answer = ours.wfile.getvalue()
    assert answer.startswith(f"HTTP/1.1 {status} ".encode())
    assert b"\r\nConnection: close\r\n" in answer
    assert f"explanation: {status} - {reason}".encode() in answer
    assert ours.close_connection


@pytest.fixture(scope="module")
def server(corpus_store: Path) -> Iterator[tuple[str, int]]:
    with akg_serve_socket(corpus_store, "--timeout", "5", "--workers", "1") as address:
        yield address


def test_a_server_refuses_a_smuggling_attempt(server: tuple[str, int]) -> None:
    # Two lengths: a proxy taking the other one would see a second request in the body.
    body = b"query=ASK+%7B%7D"
    request = (
        b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
        b"application/x-www-form-urlencoded\r\nContent-Length: 16\r\nContent-Length: 4\r\n\r\n"
        + body
    )
    with socket.create_connection(server, timeout=10) as client:
        client.sendall(request)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    head, _, text = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"Content-Length is given more than once" in text
