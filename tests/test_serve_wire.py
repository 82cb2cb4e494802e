"""What akg serve works out once and reuses (``queries/wire.py``, ``queries/prepared.py``) and
the request head taken from the read buffer in one piece (``queries/request.py``) give exactly
what the standard library's way and ``bounded.run_on_store`` give, on a running server too."""

from __future__ import annotations

import email.utils
import io
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from serve_process import akg_serve_socket
from test_serve_request import REFUSED, TAKEN, read

from alliance_kg.errors import AkgError
from alliance_kg.ontology import ID_IRI, PREFIXES
from alliance_kg.queries.bounded import run_on_store
from alliance_kg.queries.prepared import Prepared
from alliance_kg.queries.request import StrictRequest
from alliance_kg.queries.wire import answer_head, date_header, target

ROOT = Path(__file__).resolve().parent.parent


class Answering(StrictRequest):
    """A handler that reads one request from a buffered reader and answers a GET with 200."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET  # noqa: N815


def answered(request: bytes, chunk: int | None = None) -> Answering:
    """A handler that has read (and answered) ``request`` through ``handle_one_request``,
    from a reader whose buffer takes ``chunk`` bytes at a time (all of it when None)."""
    handler = Answering.__new__(Answering)
    raw = io.BytesIO(request)
    handler.rfile = io.BufferedReader(raw, buffer_size=chunk or max(1, len(request)))
    handler.wfile = io.BytesIO()
    handler.client_address = ("127.0.0.1", 1)
    handler.request_version = "HTTP/1.1"
    handler.protocol_version = "HTTP/1.1"
    handler.close_connection = True
    handler.handle_one_request()
    return handler


@pytest.mark.parametrize("request_bytes", TAKEN[:-1])  # the last one has no end of its head
@pytest.mark.parametrize("chunk", [None, 7])
def test_a_head_taken_in_one_piece_is_read_as_line_by_line(
    request_bytes: bytes, chunk: int | None
) -> None:
    ours, lines = answered(request_bytes, chunk), read(StrictRequest, request_bytes)
    assert (chunk is None) == (ours._head is not None)  # in one piece only when all is there
    assert (ours.command, ours.path, ours.request_version) == (
        lines.command,
        lines.path,
        lines.request_version,
    )
    assert dict(ours.headers) == dict(lines.headers)
    assert ours.rfile.tell() == lines.rfile.tell()  # the body, if any, is left unread
    assert ours.wfile.getvalue().startswith(b"HTTP/1.1 200 OK\r\n")
    # Nothing is left in the buffer after a GET of the whole buffer: the next read is the socket's.
    assert ours.drained == (chunk is None and ours.command == "GET")


@pytest.mark.parametrize(("request_bytes", "status", "reason"), REFUSED)
def test_a_head_refused_in_one_piece_is_refused_as_line_by_line(
    request_bytes: bytes, status: int, reason: str
) -> None:
    ours = answered(request_bytes, 65536 if len(request_bytes) > 60000 else None)
    answer = ours.wfile.getvalue()
    assert answer.startswith(f"HTTP/1.1 {status} ".encode())
    assert f"explanation: {status} - {reason}".encode() in answer
    assert ours.close_connection


def test_pipelined_requests_leave_the_buffer_holding_the_next() -> None:
    first = b"GET /a HTTP/1.1\r\nHost: a\r\n\r\n"
    handler = answered(first + b"GET /b HTTP/1.1\r\nHost: a\r\n\r\n")
    assert (handler.path, handler.drained) == ("/a", False)
    handler.handle_one_request()
    assert (handler.path, handler.drained) == ("/b", True)


class Writing(BaseHTTPRequestHandler):
    """The standard library's way of writing an answer's head, into a buffer."""

    server_version = "alliance-kg"
    protocol_version = "HTTP/1.1"

    def __init__(self) -> None:
        self.wfile = io.BytesIO()
        self.request_version = "HTTP/1.1"
        self.requestline = "GET / HTTP/1.1"
        self.close_connection = False

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("status", [200, 400, 403, 404, 406, 411, 413, 421, 500])
@pytest.mark.parametrize(("close", "cors"), [(False, False), (True, False), (False, True)])
def test_an_answers_head_is_what_the_standard_library_writes(
    status: int, close: bool, cors: bool
) -> None:
    from alliance_kg.queries.protocol import CORS_HEADERS

    for _ in range(3):  # both made within one second
        theirs = Writing()
        theirs.send_response(status)
        theirs.send_header("Content-Type", "text/csv; charset=utf-8")
        theirs.send_header("Content-Length", "1234")
        if close:
            theirs.send_header("Connection", "close")
        for name, value in CORS_HEADERS.items() if cors else ():
            theirs.send_header(name, value)
        theirs.end_headers()
        ours = answer_head(status, theirs.version_string(), "text/csv", 1234, close, cors)
        if ours == theirs.wfile.getvalue():
            return
    assert ours == theirs.wfile.getvalue()


def test_the_date_is_now() -> None:
    for _ in range(3):
        before = email.utils.formatdate(int(time.time()), usegmt=True)
        date = date_header()
        if before == email.utils.formatdate(int(time.time()), usegmt=True):
            assert date == before
            return
    raise AssertionError("the clock moved between every look")


HOSTILE = [
    "/sparql?query=ASK+%7B%7D",
    "/sparql?query=ASK%20{}&query=second",
    "/sparql?query=%ff%fe&x=%zz&y=%4&z=%%41",
    "/sparql?a=1;b=2&&c&=d&e=&f==g",
    "/sparql?query=caf%C3%A9+%E2%80%AE&default-graph-uri=http%3A%2F%2Fx%2Fg%3Fa%3Db",
    "/sparql?query=%2B+%2b%25+",
    "/sparql?%71uery=ASK+{}",
    "/cookbook/meetings%2Frq?name=Japan&name=&x",
    "/sparql#frag?query=x",
    "/sparql?query=a#b",
    "//x/sparql?query=a",
    "/sparql?" + "q=" + "a%41" * 6000,  # past the length remembered
]


@pytest.mark.parametrize("path", HOSTILE)
def test_a_targets_reading_is_urllibs(path: str) -> None:
    url = urllib.parse.urlsplit(path)
    expected = (url, urllib.parse.parse_qs(url.query))
    assert target(path) == expected
    assert target(path) == expected  # remembered, the same
    other = path.replace("a", "b", 1)
    assert target(other)[1] == urllib.parse.parse_qs(urllib.parse.urlsplit(other).query)


def outcome(run: Any) -> tuple[str, str]:
    try:
        output = run()
    except AkgError as exc:
        return type(exc).__name__, str(exc)
    return output.kind, output.text


MEETINGS = (ROOT / "alliance_kg/queries/cookbook/meetings.rq").read_text(encoding="utf-8")
TIMELINE = (ROOT / "alliance_kg/queries/cookbook/timeline.rq").read_text(encoding="utf-8")
NOW = "SELECT ?t WHERE { BIND(NOW() AS ?t) }"
TEXTS = [
    ("ASK {}", "json"),
    ("ASK {}", "xml"),
    ("ASK { FILTER(false) }", "json"),
    ("ASK { FILTER(false) }", "csv"),
    ("ASK {}", "tsv"),
    ("ASK {}", "turtle"),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "csv"),
    ("SELECT * WHERE { ?s ?p ?o }", "json"),  # past the row limit
    ("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } ORDER BY ?s LIMIT 3", "nt"),
    ("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } ORDER BY ?s LIMIT 3", "json"),
    ("INSERT DATA { <http://a/b> <http://a/c> <http://a/d> }", "json"),
    ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", "json"),
    ("SELECT * FROM <http://nowhere/g> WHERE { ?s ?p ?o }", "json"),
    ("SELECT ?s WHERE { ?s ?p }", "json"),
    ("# sorted lists: nope\nSELECT * WHERE { ?s ?p ?o } LIMIT 1", "json"),
    ("# needs links version: 99\n# sorted lists: nope\nASK {}", "json"),
    ("# needs links version: 99\nASK {}", "json"),
    (MEETINGS, "csv"),
    (TIMELINE, "csv"),
    (NOW, "csv"),
]


@pytest.mark.parametrize(("text", "fmt"), TEXTS)
def test_a_prepared_query_answers_as_run_on_store(corpus_store: Path, text: str, fmt: str) -> None:
    store = ox.Store.read_only(str(corpus_store))
    prepared = Prepared()
    for _ in range(2):  # worked out, then remembered
        theirs = outcome(lambda: run_on_store(store, text, fmt, None, 100))
        ours = outcome(lambda: prepared.run(store, text, fmt, 100, None))
        if text == NOW:  # the time of each run: the same form, another value
            assert ours[0] == theirs[0] and ours[1].split("\n")[0] == theirs[1].split("\n")[0]
            time.sleep(0.01)
            assert ours[1] != outcome(lambda: prepared.run(store, text, fmt, 100, None))[1]
        else:
            assert ours == theirs


def test_an_asks_answer_is_its_own(corpus_store: Path) -> None:
    store = ox.Store.read_only(str(corpus_store))
    prepared = Prepared()
    for _ in range(2):
        for text, value in (("ASK {}", "true"), ("ASK { FILTER(false) }", "false")):
            for fmt, answer in (
                ("json", f'{{"head":{{}},"boolean":{value}}}\n'),
                ("csv", f"{value}\n"),
            ):
                assert prepared.run(store, text, fmt, 10, None).text == answer


def test_the_links_version_is_asked_of_each_opening_of_the_store() -> None:
    recent, older = ox.Store(), ox.Store()
    recent.add(
        ox.Quad(
            ox.NamedNode(f"{ID_IRI}graph/links"),
            ox.NamedNode(f"{PREFIXES['akg']}linksVersion"),
            ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        )
    )
    text = "# needs links version: 2\nASK {}"
    prepared = Prepared()
    for _ in range(2):
        assert prepared.run(recent, text, "csv", 10, None).text == "true\n"
        assert outcome(lambda: prepared.run(older, text, "csv", 10, None)) == outcome(
            lambda: run_on_store(older, text, "csv", None, 10)
        )
        assert outcome(lambda: prepared.run(older, text, "csv", 10, None))[0] == "QueryError"


@pytest.fixture(scope="module")
def server(corpus_store: Path) -> Iterator[tuple[str, int]]:
    with akg_serve_socket(corpus_store, "--timeout", "5", "--workers", "1") as address:
        yield address


def test_two_gets_sent_at_once_are_both_answered(server: tuple[str, int]) -> None:
    # The second request is read into the buffer with the first: it must not wait for the
    # socket to be readable again.
    ask = urllib.parse.urlencode({"query": "ASK {}"})
    request = f"GET /sparql?{ask} HTTP/1.1\r\nHost: localhost\r\nAccept: text/csv\r\n\r\n"
    with socket.create_connection(server, timeout=3) as client:
        client.sendall(request.encode() * 2)
        answers = b""
        while answers.count(b"true\n") < 2:
            chunk = client.recv(65536)
            assert chunk, answers
            answers += chunk
    assert answers.count(b"HTTP/1.1 200 OK\r\n") == 2


def test_a_header_block_is_read_anew_when_it_differs_and_refused_each_time() -> None:
    from alliance_kg.queries.request import Refused, header_lines

    first = header_lines("Host: a\r\nAccept: text/csv\r\n")
    assert dict(first) == {"host": "a", "accept": "text/csv"}
    assert dict(header_lines("Host: a\r\nAccept: text/tsv\r\n")) == {
        "host": "a",
        "accept": "text/tsv",
    }
    assert header_lines("Host: a\r\nAccept: text/csv\r\n") == first
    for _ in range(2):
        with pytest.raises(Refused, match="Host is given more than once"):
            header_lines("Host: a\r\nHost: b\r\n")


def test_the_watch_of_a_server_process_sees_every_kind_of_write(tmp_path: Path) -> None:
    from alliance_kg.graph.storefiles import StoreWatch

    (tmp_path / "000004.log").write_bytes(b"a")
    (tmp_path / "MANIFEST-000005").write_bytes(b"m")
    seen = StoreWatch(tmp_path)
    assert not seen.changed()
    with (tmp_path / "000004.log").open("ab") as log:
        log.write(b"b")  # appended: the same folder, a longer log
    assert seen.changed()
    assert not seen.changed()
    (tmp_path / "000009.log").write_bytes(b"")
    assert seen.changed()
    with (tmp_path / "000009.log").open("ab") as log:
        log.write(b"c")  # a log first seen at the last look
    assert seen.changed()
    for number in range(70):  # more names than are kept joined
        (tmp_path / f"{100 + number:06}.log").write_bytes(b"")
    assert seen.changed()
    with (tmp_path / "000169.log").open("ab") as log:
        log.write(b"d")
    assert seen.changed()
    assert not seen.changed()


def test_the_server_processes_run_this_akg_whatever_the_folder(
    corpus_store: Path, tmp_path: Path
) -> None:
    # A folder holding another alliance_kg (a checkout of another version, here a broken one).
    (tmp_path / "alliance_kg").mkdir()
    (tmp_path / "alliance_kg" / "__init__.py").write_text("raise SystemExit(7)\n")
    akg = Path(sys.executable).parent / "akg"
    process = subprocess.Popen(
        [str(akg), "--store", str(corpus_store.resolve()), "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("SPARQL endpoint http://"), line
        port = int(line.split("http://")[1].split("/")[0].rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            client.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert client.recv(65536).startswith(b"HTTP/1.1 200 OK\r\n")
    finally:
        process.terminate()
        process.wait(timeout=10)
