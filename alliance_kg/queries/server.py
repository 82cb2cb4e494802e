"""``akg serve``: a read-only SPARQL 1.1 Protocol endpoint over the store, and the graph page.

- ``GET /sparql?query=...`` and ``POST /sparql`` (form ``query=...`` or a body of type
  ``application/sparql-query``) answer with the results format the ``Accept`` header asks for:
  SPARQL JSON (the default), XML, CSV or TSV; CONSTRUCT and DESCRIBE answer Turtle.
- Every query goes through the same checks and bounds as ``akg query`` (no update, no SERVICE,
  no FROM other graphs; a time and a row limit), so a client cannot change the store or make
  the server call out. Updates get ``403``; refused or failing queries ``400`` with the reason
  as plain text.
- ``GET /`` serves the interactive page of the whole graph (``akg render``).

The standard library's threading HTTP server is enough for a local endpoint; queries on a
local store run in a small pool of worker processes that keep the store open (see
``queries/pool.py``), queries to a remote store in the request's thread (the HTTP timeout bounds
them).
"""

from __future__ import annotations

import signal
import sys
import threading
import urllib.parse
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from alliance_kg.errors import AkgError, QueryError
from alliance_kg.queries import RESULT_FORMATS
from alliance_kg.queries.bounded import Bounds, query_location, run_in_child
from alliance_kg.queries.pool import DEFAULT_WORKERS, QueryPool

#: Media types a client may ask for, with the result format name that produces each.
MEDIA_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_MEDIA_TYPE = "text/turtle"
MAX_BODY = 1_000_000
#: Seconds a connection may stay silent (before or between requests) before it is closed.
IDLE_TIMEOUT = 60.0


def negotiate(accept: str | None) -> str:
    """The result format for an ``Accept`` header: the best-weighted type offered, else JSON."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((accept or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        weight = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    weight = float(param[2:])
                except ValueError:
                    weight = 0.0
        fmt = MEDIA_TYPES.get(media)
        if fmt is not None and weight > 0:
            candidate = (-weight, position, fmt)
            if best is None or candidate < best:
                best = candidate
    return best[2] if best else "json"


@dataclass(frozen=True)
class Access:
    """Who may talk to the server: the ``Host`` names it answers to besides IP addresses,
    ``localhost`` and the name it listens on (``hosts``), and how many seconds a connection may
    stay silent (``idle_timeout``)."""

    hosts: tuple[str, ...] = ()
    idle_timeout: float = IDLE_TIMEOUT


def make_server(
    location: str | Path,
    host: str,
    port: int,
    bounds: Bounds,
    pool: QueryPool | None = None,
    access: Access = Access(),
) -> ThreadingHTTPServer:
    """An HTTP server (not yet serving) for the store at ``location``; its queries go to
    ``pool`` when given, else each to a process of its own (``bounded.query_location``)."""

    class Handler(_Handler):
        store_location = location
        query_bounds = bounds
        query_pool = pool
        host_names = frozenset(name.lower() for name in (*access.hosts, host))
        timeout = access.idle_timeout

    try:
        return _Server((host, port), Handler)
    except OSError as exc:
        raise AkgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


class _Server(ThreadingHTTPServer):
    def server_bind(self) -> None:
        # The base class looks its own address up by name (a DNS request, refused offline);
        # the name is only used in CGI variables, which this server has none of.
        import socketserver

        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])


def serve(
    location: str | Path,
    host: str,
    port: int,
    bounds: Bounds,
    workers: int = DEFAULT_WORKERS,
    access: Access = Access(),
) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM), printing the endpoint's address first;
    the query workers are stopped on the way out."""
    from alliance_kg.graph.sparql import is_remote

    if access.idle_timeout <= 0:
        raise AkgError("the idle timeout (--timeout) must be more than 0")
    pool = None if is_remote(location) else QueryPool(location, workers, bounds)
    try:
        server = make_server(location, host, port, bounds, pool, access)
    except AkgError:
        if pool is not None:
            pool.close()
        raise
    address = f"{server.server_address[0]!s}:{server.server_address[1]}"
    previous = _stop_on_sigterm()
    print(
        f"SPARQL endpoint http://{address}/sparql (read-only), "
        f"graph page http://{address}/ ; Ctrl-C stops",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if pool is not None:
            pool.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _stop_on_sigterm() -> Any:
    """Make SIGTERM stop the server as Ctrl-C does, so that the workers are stopped too (the
    default action would end this process at once and leave them running their query)."""
    if threading.current_thread() is not threading.main_thread():
        return None  # only the main thread may set handlers; its owner handles signals

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


class _Handler(BaseHTTPRequestHandler):
    store_location: str | Path
    query_bounds: Bounds
    query_pool: QueryPool | None = None
    host_names: frozenset[str] = frozenset()
    server_version = "alliance-kg"
    # One send for the headers and the body (written unbuffered they are two, and the second
    # waits for the first's acknowledgement); no Nagle delay on small answers.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def parse_request(self) -> bool:
        # Every request, whatever its method, is first checked for its Host.
        if not super().parse_request():
            return False
        refusal = self._host_refusal()
        if refusal is not None:
            self.close_connection = True
            self._reply(421, "text/plain", refusal)
            return False
        return True

    def _host_refusal(self) -> str | None:
        """Why the ``Host`` header is refused, or None. A web page whose name an attacker
        points at 127.0.0.1 (DNS rebinding) sends its own name: only IP addresses, localhost
        names, the name listened on and ``--allow-host`` names are answered."""
        host = self.headers.get("Host")
        if host is None:
            return None  # HTTP/1.0 without Host: no browser sends such a request
        name = _host_name(host)
        if name is None:
            return f"the Host header {host!r} is not a host name\n"
        if _is_address(name) or name == "localhost" or name.endswith(".localhost"):
            return None
        if name in self.host_names:
            return None
        return (
            f"this server does not answer to the name {name!r}; start akg serve with "
            f"--allow-host {name} to accept it\n"
        )

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/":
            self._page()
        elif url.path == "/sparql":
            params = urllib.parse.parse_qs(url.query)
            self._query(params.get("query", [None])[0], params)
        else:
            self._reply(404, "text/plain", f"no such page: {url.path}; try /sparql or /\n")

    def do_POST(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            self._reply(404, "text/plain", f"no such endpoint: {url.path}; POST to /sparql\n")
            return
        length = self._body_length()
        if length is None:
            # The body was not read: the connection cannot carry another request.
            self.close_connection = True
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/sparql-update":
            self._reply(403, "text/plain", "this endpoint is read-only: updates are refused\n")
            return
        if kind == "application/sparql-query":
            self._query(body, {})
            return
        params = urllib.parse.parse_qs(body)
        if "update" in params:
            self._reply(403, "text/plain", "this endpoint is read-only: updates are refused\n")
            return
        self._query(params.get("query", [None])[0], params)

    def _body_length(self) -> int | None:
        """The length of the request's body from its Content-Length, or None after replying
        with the error: a body must have a length (411), a number of at most ``MAX_BODY``
        bytes (400, 413), so that no more than that is ever read."""
        text = self.headers.get("Content-Length")
        if text is None:
            self._reply(411, "text/plain", "a POST needs a Content-Length header\n")
            return None
        if not text.strip().isdigit():
            self._reply(400, "text/plain", f"Content-Length {text!r} is not a number of bytes\n")
            return None
        length = int(text)
        if length > MAX_BODY:
            self._reply(413, "text/plain", f"the request is larger than {MAX_BODY} bytes\n")
            return None
        return length

    def _query(self, text: str | None, params: dict[str, list[str]]) -> None:
        if not text:
            self._reply(400, "text/plain", "no query: send one as the query parameter\n")
            return
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            self._reply(
                400, "text/plain", "default-graph-uri and named-graph-uri are not supported\n"
            )
            return
        fmt = negotiate(self.headers.get("Accept"))
        try:
            if self.query_pool is not None:
                output = self.query_pool.query(text, fmt)
            else:
                output = query_location(self.store_location, text, fmt, bounds=self.query_bounds)
        except QueryError as exc:
            self._reply(400, "text/plain", f"{exc}\n")
            return
        except AkgError as exc:
            self._reply(500, "text/plain", f"{exc}\n")
            return
        if output.kind == "graph":
            self._reply(200, GRAPH_MEDIA_TYPE, output.text)
        else:
            self._reply(200, RESULT_FORMATS[fmt], output.text)

    def _page(self) -> None:
        location = self.store_location
        try:
            page = run_in_child(partial(_render, location), self.query_bounds.timeout * 4)
        except AkgError as exc:
            self._reply(500, "text/plain", f"{exc}\n")
            return
        self._reply(200, "text/html", page)

    def _reply(self, status: int, media_type: str, text: str) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{media_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def _host_name(host: str) -> str | None:
    """The name of a ``Host`` header without its port, lower case; None if it is malformed."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[1:end] if end > 0 else None
    name, _, port = host.partition(":")
    if not name or (port and not port.isdigit()):
        return None
    return name.rstrip(".")


def _is_address(name: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _render(location: str | Path) -> str:
    from alliance_kg.graph.render import render_html
    from alliance_kg.graph.store import open_location

    return render_html(open_location(location, read_only=True), title="alliance-kg").html
