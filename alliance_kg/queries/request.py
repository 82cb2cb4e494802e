"""A strict reader of HTTP/1.1 requests for ``akg serve``'s handler, instead of the standard
library's, which reads the header lines into the ``email`` package's parser: about a third of
the server's own time on a small query.

It reads what HTTP/1.1 clients send (RFC 9112) and refuses with 400 what it does not handle,
rather than guess at it as a lenient reader would (a proxy in front could guess otherwise,
which is how requests are smuggled past it): a folded header line (obs-fold), a line that is
no ``name: value``, a repeated ``Content-Length``, ``Host`` or ``Transfer-Encoding``, a transfer
coding other than ``chunked`` or ``identity``, a request line other than ``METHOD target
HTTP/1.x``. Other repeated headers keep their first value, as the standard library's reading.
Limits are the standard library's: 65,536 bytes a line, 100 header lines (431 beyond).
"""

from __future__ import annotations

import re
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any

MAX_LINE = 65536
MAX_HEADERS = 100
#: A header name: an RFC 9110 token.
_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(r"HTTP/(\d)\.(\d)")
#: The versions clients send, read as ``_VERSION`` reads them.
_VERSIONS = {v: _VERSION.fullmatch(v) for v in ("HTTP/1.1", "HTTP/1.0")}
#: Headers a request may hold once only: two values leave its body or its target unclear.
_SINGLE = frozenset({"content-length", "host", "transfer-encoding"})
_CODINGS = frozenset({"chunked", "identity"})


class Headers(dict[str, str]):
    """A request's headers, by lower-cased name; ``get`` and ``[]`` take any case, ``lower``
    a name in lower case (the dictionary's own ``get``, without lowering the name)."""

    lower = dict.get

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())


class Refused(Exception):
    """A request this reader does not take: its status and the reason said to the client."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def read_headers(rfile: Any) -> Headers:
    """The header lines of a request from ``rfile`` (after its request line), up to and with
    the empty line; ``Refused`` for what this reader does not take."""
    headers = Headers()
    for _ in range(MAX_HEADERS + 1):
        raw = rfile.readline(MAX_LINE + 1)
        if len(raw) > MAX_LINE:
            too_large = HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
            raise Refused(too_large, f"a header line is over {MAX_LINE} bytes")
        if raw in (b"\r\n", b"\n", b""):
            return headers
        _take(headers, raw.decode("iso-8859-1").rstrip("\r\n"))
    raise Refused(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "more than 100 header lines")


def header_lines(block: str) -> Headers:
    """``read_headers`` of a request's header lines as one text (each line ending with a line
    feed, the empty line left out, at most ``MAX_HEADERS``): the same reading, the same
    refusals. Remembered for the last blocks seen: a client sends the same headers with every
    request. Shared between requests: never changed."""
    return _read_lines(block) if len(block) > CACHED_BLOCK else _remembered_lines(block)


def _read_lines(block: str) -> Headers:
    headers = Headers()
    for line in block.split("\n")[:-1]:
        _take(headers, line.rstrip("\r"))
    return headers


#: Header blocks up to this many characters are remembered (``header_lines``).
CACHED_BLOCK = 4096
# Bounded: 256 blocks of at most CACHED_BLOCK characters. A refusal is not remembered.
_remembered_lines = lru_cache(maxsize=256)(_read_lines)


def _take(headers: Headers, line: str) -> None:
    # One header line, its line break removed, into ``headers``.
    if line[:1] in (" ", "\t"):
        raise Refused(HTTPStatus.BAD_REQUEST, "a folded header line is not accepted")
    name, colon, value = line.partition(":")
    if not colon or _NAME.fullmatch(name) is None:
        raise Refused(HTTPStatus.BAD_REQUEST, f"not a header line: {line[:100]!r}")
    key = name.lower()
    value = value.strip(" \t")
    if key in headers:
        if key in _SINGLE:
            raise Refused(HTTPStatus.BAD_REQUEST, f"{name} is given more than once")
        return
    if key == "transfer-encoding" and value.lower() not in _CODINGS:
        raise Refused(HTTPStatus.BAD_REQUEST, f"transfer coding {value[:100]!r} not handled")
    headers[key] = value


def buffered_head(rfile: Any) -> tuple[str, str, bool] | None:
    """The request line and the header lines of the next request (``header_lines``' block),
    taken from ``rfile`` when the read-ahead buffer holds all of the request's head, else None
    with nothing taken (``read_headers`` reads it line by line). ``peek`` gives the buffer, or
    one read of the socket when it is empty: a request of a few hundred bytes comes in one
    piece, and splitting it at once costs a fraction of a read per line. With them, whether
    the buffer is left empty."""
    try:
        buffer = rfile.peek()
    except (AttributeError, ValueError):
        return None  # not a buffered reader, or closed: the line by line reading says what
    if buffer[:1] in (b"\r", b"\n"):
        return None  # no request line: the line by line reading ends the connection
    # The head ends at the first empty line, "\r\n" or "\n" after a line feed.
    end = buffer.find(b"\n\r\n")
    bare = buffer.find(b"\n\n", 0, None if end < 0 else end + 1)
    if bare >= 0:
        end, size = bare, bare + 2
    elif end >= 0:
        size = end + 3
    else:
        return None
    head = buffer[: end + 1].decode("iso-8859-1")
    line, _, block = head.partition("\n")
    if block.count("\n") > MAX_HEADERS:
        return None  # refused line by line, after the lines the standard reading takes
    rfile.read(size)
    return line, block, size == len(buffer)


class StrictRequest(BaseHTTPRequestHandler):
    """``BaseHTTPRequestHandler`` reading its requests with ``read_headers`` (or
    ``header_lines``, when the whole head of a request is in the read-ahead buffer)."""

    raw_requestline: bytes
    #: The request's headers (``headers`` as their own type).
    fields: Headers
    #: The header lines of the request being read, taken already (``buffered_head``); None:
    #: read them from ``rfile``.
    _head: str | None = None
    #: Whether the request last answered left nothing in ``rfile``'s read-ahead buffer: its
    #: head was taken in one piece with all the buffer held, and it has no body that was read
    #: (a GET or HEAD). Nothing of a next request is then read until the socket is read again.
    drained = False

    def handle_one_request(self) -> None:
        # The base class's, with the head taken from the buffer in one piece when it is there.
        self._head, self.drained = None, False
        try:
            taken = buffered_head(self.rfile)
        except TimeoutError as exc:
            self.log_error("Request timed out: %r", exc)
            self.close_connection = True
            return
        if taken is None:
            super().handle_one_request()
            return
        line, self._head, emptied = taken
        self.raw_requestline = line.encode("iso-8859-1") + b"\n"
        try:
            if not self.parse_request():
                return  # answered already
            method = getattr(self, "do_" + self.command, None)
            if method is None:
                self.send_error(
                    HTTPStatus.NOT_IMPLEMENTED, f"Unsupported method ({self.command!r})"
                )
                return
            method()
            self.wfile.flush()
            self.drained = emptied and self.command in ("GET", "HEAD")
        except TimeoutError as exc:
            self.log_error("Request timed out: %r", exc)
            self.close_connection = True

    def parse_request(self) -> bool:
        self.command = None  # type: ignore[assignment]  # until the request line is read
        # HTTP/0.9 is not spoken: a request line refused is answered with a status line.
        self.request_version = "HTTP/1.1"
        self.close_connection = True
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        if not self.requestline:
            return False  # an empty line where a request was awaited: the connection ends
        words = self.requestline.split(" ")
        version = _VERSIONS.get(words[-1]) or _VERSION.fullmatch(words[-1])
        if len(words) != 3 or version is None or not words[0] or not words[1]:
            line = self.requestline[:200]
            self.send_error(HTTPStatus.BAD_REQUEST, explain=f"bad request line {line!r}")
            return False
        if version[1] != "1":
            self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, explain=f"HTTP/{version[1]}.x")
            return False
        self.command, self.path, self.request_version = words
        self.close_connection = version[2] == "0"
        if self.path.startswith("//"):
            # As the standard library: "//host/..." read by a client as another host's URL.
            self.path = "/" + self.path.lstrip("/")
        try:
            headers = read_headers(self.rfile) if self._head is None else header_lines(self._head)
        except Refused as refused:
            self.send_error(refused.status, explain=refused.reason)
            return False
        self.headers = headers  # type: ignore[assignment]  # what the handler asks of it
        self.fields = headers
        connection = headers.lower("connection", "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        if headers.lower("expect", "").lower() == "100-continue" and version[2] != "0":
            return self.handle_expect_100()
        return True
