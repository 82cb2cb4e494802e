"""akg serve keeps a connection open between requests (HTTP/1.1), against raw sockets: every
request on it is answered, a query past its time is still stopped, and a request whose body the
server does not read ends the connection instead of being taken for the next request."""

from __future__ import annotations

import socket
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_process import akg_serve_socket

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MEETINGS = "SELECT (COUNT(*) AS ?n) WHERE { ?m a <https://w3id.org/alliance-kg/ontology#Meeting> }"


@pytest.fixture(scope="module")
def server(corpus_store: Path) -> Iterator[tuple[str, int]]:
    with akg_serve_socket(corpus_store, "--timeout", "1", "--workers", "1") as address:
        yield address


def get(query: str, extra: str = "") -> bytes:
    path = "/sparql?" + urllib.parse.urlencode({"query": query})
    return f"GET {path} HTTP/1.1\r\nHost: localhost\r\n{extra}\r\n".encode()


def read_answer(reader: object) -> tuple[int, dict[str, str], str]:
    """One answer from the connection's reader: status, headers (lower-case names), body as
    long as its Content-Length says."""
    assert hasattr(reader, "readline") and hasattr(reader, "read")
    status_line = reader.readline().decode()
    assert status_line.startswith("HTTP/1.1 "), status_line
    headers: dict[str, str] = {}
    while (line := reader.readline().decode()) not in ("\r\n", ""):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = reader.read(int(headers["content-length"])).decode()
    return int(status_line.split()[1]), headers, body


def test_requests_on_one_connection_are_all_answered(server: tuple[str, int]) -> None:
    with socket.create_connection(server, timeout=10) as client:
        reader = client.makefile("rb")
        client.sendall(get("ASK {}"))
        assert read_answer(reader)[::2] == (200, '{"head":{},"boolean":true}\n')
        client.sendall(get(MEETINGS, "Accept: text/csv\r\n"))
        status, headers, body = read_answer(reader)
        assert (status, headers["content-type"], body) == (
            200,
            "text/csv; charset=utf-8",
            "n\r\n3\r\n",
        )
        assert "connection" not in headers
        # Two requests sent at once (pipelined) are answered in order on the same connection.
        form = urllib.parse.urlencode({"query": "ASK { ?s ?p 1234567 }"}).encode()
        client.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
            b"application/x-www-form-urlencoded\r\nContent-Length: "
            + str(len(form)).encode()
            + b"\r\n\r\n"
            + form
            + get("ASK {}", "Connection: close\r\n")
        )
        assert read_answer(reader)[::2] == (200, '{"head":{},"boolean":false}\n')
        status, headers, body = read_answer(reader)
        assert (status, headers["connection"], body) == (
            200,
            "close",
            '{"head":{},"boolean":true}\n',
        )
        assert reader.read() == b""  # closed, as the last request asked


def test_a_query_past_its_time_is_stopped_on_a_kept_connection(server: tuple[str, int]) -> None:
    with socket.create_connection(server, timeout=10) as client:
        reader = client.makefile("rb")
        started = time.monotonic()
        for _ in range(2):  # the one worker is killed and replaced each time
            client.sendall(get(RUNAWAY))
            assert read_answer(reader)[::2] == (
                400,
                "the query was stopped after 1 s (--timeout 1); the store is unchanged\n",
            )
        assert time.monotonic() - started < 8
        # The connection still carries requests, answered by the new worker.
        client.sendall(get(MEETINGS, "Accept: text/csv\r\n"))
        assert read_answer(reader)[::2] == (200, "n\r\n3\r\n")


@pytest.mark.parametrize(
    ("start", "answer"),
    [
        ("GET /sparql?query=ASK%7B%3Fs%3Fp%201234567%7D", (200, '{"head":{},"boolean":false}\n')),
        ("POST /elsewhere", (404, "no such endpoint: /elsewhere; POST to /sparql\n")),
    ],
)
def test_a_body_the_server_does_not_read_ends_the_connection(
    server: tuple[str, int], start: str, answer: tuple[int, str]
) -> None:
    # A body the server does not read (a GET's, a POST's to no endpoint): were the connection
    # kept, it would be read as a second request (one a proxy in front never saw). The request
    # is answered, and the connection closed with the body unread.
    hidden = get("ASK {}")
    request = (
        f"{start} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {len(hidden)}\r\n\r\n".encode()
        + hidden
    )
    with socket.create_connection(server, timeout=10) as client:
        reader = client.makefile("rb")
        client.sendall(request)
        status, headers, body = read_answer(reader)
        assert (status, headers["connection"], body) == (answer[0], "close", answer[1])
        assert reader.read() == b""


def test_a_refused_post_closes_its_connection_and_says_so(server: tuple[str, int]) -> None:
    # The body of a refused POST is not read, so the connection cannot carry another request;
    # a client that asked to be told before sending the body ("100-continue") is not invited to.
    with socket.create_connection(server, timeout=10) as client:
        reader = client.makefile("rb")
        client.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query"
            b"\r\nExpect: 100-continue\r\nContent-Length: 2000000\r\n\r\n"
        )
        status, headers, body = read_answer(reader)
        assert (status, headers["connection"], body) == (
            413,
            "close",
            "the request is larger than 1000000 bytes\n",
        )
        assert reader.read() == b""


def test_a_post_that_waits_for_100_continue_gets_it(server: tuple[str, int]) -> None:
    # curl asks before sending a large body: the interim answer must reach it at once (held
    # back, the client and the server would each wait for the other).
    body = b"ASK { ?s ?p 1234567 }"
    with socket.create_connection(server, timeout=10) as client:
        reader = client.makefile("rb")
        client.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query"
            b"\r\nExpect: 100-continue\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        assert reader.readline() == b"HTTP/1.1 100 Continue\r\n"
        while reader.readline() not in (b"\r\n", b""):
            pass
        client.sendall(body)
        assert read_answer(reader)[::2] == (200, '{"head":{},"boolean":false}\n')
