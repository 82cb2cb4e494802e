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
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any

MAX_LINE = 65536
MAX_HEADERS = 100
#: A header name: an RFC 9110 token.
_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(r"HTTP/(\d)\.(\d)")
#: Headers a request may hold once only: two values leave its body or its target unclear.
_SINGLE = frozenset({"content-length", "host", "transfer-encoding"})
_CODINGS = frozenset({"chunked", "identity"})


class Headers(dict[str, str]):
    """A request's headers, by lower-cased name; ``get`` and ``[]`` take any case."""

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
        line = raw.decode("iso-8859-1").rstrip("\r\n")
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
            continue
        if key == "transfer-encoding" and value.lower() not in _CODINGS:
            raise Refused(HTTPStatus.BAD_REQUEST, f"transfer coding {value[:100]!r} not handled")
        headers[key] = value
    raise Refused(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "more than 100 header lines")


class StrictRequest(BaseHTTPRequestHandler):
    """``BaseHTTPRequestHandler`` reading its requests with ``read_headers``."""

    raw_requestline: bytes

    def parse_request(self) -> bool:
        self.command = None  # type: ignore[assignment]  # until the request line is read
        # HTTP/0.9 is not spoken: a request line refused is answered with a status line.
        self.request_version = "HTTP/1.1"
        self.close_connection = True
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        if not self.requestline:
            return False  # an empty line where a request was awaited: the connection ends
        words = self.requestline.split(" ")
        version = _VERSION.fullmatch(words[-1])
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
            headers = read_headers(self.rfile)
        except Refused as refused:
            self.send_error(refused.status, explain=refused.reason)
            return False
        self.headers = headers  # type: ignore[assignment]  # what the handler asks of it
        connection = headers.get("Connection", "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        if headers.get("Expect", "").lower() == "100-continue" and version[2] != "0":
            return self.handle_expect_100()
        return True
