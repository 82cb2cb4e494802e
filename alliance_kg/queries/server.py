"""``akg serve``: a read-only SPARQL 1.1 Protocol endpoint over the store, and the graph page.

- ``GET /sparql?query=...`` and ``POST /sparql`` (form ``query=...`` or a body of type
  ``application/sparql-query``) answer with the results format the ``Accept`` header asks for:
  SPARQL JSON (the default), XML, CSV or TSV; CONSTRUCT and DESCRIBE answer Turtle.
- Every query goes through the same checks and bounds as ``akg query`` (no update, no SERVICE,
  no FROM other graphs; a time and a row limit), so a client cannot change the store or make
  the server call out. Updates get ``403``; refused or failing queries ``400`` with the reason
  as plain text.
- ``GET /`` serves the interactive page of the whole graph (``akg render``).

The standard library's HTTP server (``queries/listener.py``), speaking HTTP/1.1 so that
clients keep their connection, with a strict request reader (``queries/request.py``). A local
store is served by server processes that answer queries in the request's thread and are
retired when a query runs past its time (``queries/prefork.py``, ``queries/inline.py``); a
remote store by this process, in the request's thread (the HTTP timeout bounds its queries).
"""

from __future__ import annotations

import signal
import sys
import threading
import urllib.parse
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from alliance_kg.errors import AkgError, FormatError, QueryError, terminal_safe
from alliance_kg.queries import GRAPH_FORMATS, Dataset
from alliance_kg.queries.bounded import Bounds, Given, QueryOutput, query_given
from alliance_kg.queries.child import run_in_child
from alliance_kg.queries.listener import Server
from alliance_kg.queries.protocol import (
    CORS_HEADERS,
    FORMAT_TYPES,
    host_refusal,
    length_refusal,
    negotiate,
    service_description,
)
from alliance_kg.queries.query_page import query_page
from alliance_kg.queries.request import StrictRequest
from alliance_kg.queries.wire import answer_head, date_header, target

MAX_BODY = 1_000_000
#: Seconds a connection may stay silent (before or between requests) before it is closed.
IDLE_TIMEOUT = 60.0
#: Server processes of a local store (``akg serve --workers``).
DEFAULT_WORKERS = 2


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
    cors: bool = False,
    access: Access = Access(),
) -> Server:
    """An HTTP server (not yet serving) for the store at ``location``; each of its queries
    runs as ``bounded.query_location`` runs it (a server's own store bounds the time itself).
    ``cors``: let pages of any origin read the answers (``CORS_HEADERS``)."""

    class Handler(_Handler):
        store_location = location
        query_bounds = bounds
        host_names = frozenset(name.lower() for name in (*access.hosts, host))
        timeout = access.idle_timeout
        allow_cors = cors

    try:
        return Server((host, port), Handler)
    except OSError as exc:
        raise AkgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def serve(
    location: str | Path,
    host: str,
    port: int,
    bounds: Bounds,
    workers: int = DEFAULT_WORKERS,
    cors: bool = False,
    access: Access = Access(),
) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM), printing the endpoint's address first; a
    local store is served by ``workers`` server processes (``queries/prefork.py``), stopped on
    the way out, a remote one by this process (the HTTP timeout bounds its queries)."""
    from alliance_kg.graph.sparql import is_remote

    if access.idle_timeout <= 0:
        raise AkgError("the idle timeout (--timeout) must be more than 0")
    if bounds.timeout <= 0 or bounds.limit <= 0 or bounds.memory <= 0:
        raise QueryError("--timeout, --limit and --max-memory must be more than 0")
    server: Any
    if is_remote(location):
        server = make_server(location, host, port, bounds, cors, access)
    else:
        from alliance_kg.queries.inline import Settings
        from alliance_kg.queries.prefork import Prefork

        names = frozenset(name.lower() for name in (*access.hosts, host))
        settings = Settings(names, access.idle_timeout, cors)
        server = Prefork(location, (host, port), bounds, workers, settings)
        server.start()
    address = f"{server.server_address[0]!s}:{server.server_address[1]}"
    previous = _stop_on_signals()
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
        if isinstance(server, Server):
            server.server_close()
        else:
            server.close()
        for sig, handler in previous:
            signal.signal(sig, handler)


def _stop_on_signals() -> list[tuple[int, Any]]:
    """Make SIGTERM and SIGINT stop the server and its workers (SIGTERM's default would leave
    them running; a shell's background job gets SIGINT ignored); the handlers replaced."""
    if threading.current_thread() is not threading.main_thread():
        return []  # only the main thread may set handlers; its owner handles signals

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    return [(sig, signal.signal(sig, interrupt)) for sig in (signal.SIGTERM, signal.SIGINT)]


class _Handler(StrictRequest):
    store_location: str | Path
    query_bounds: Bounds
    host_names: frozenset[str] = frozenset()
    allow_cors = False
    server_version = "alliance-kg"
    # HTTP/1.1: a client's connection stays open for its next request (every answer states its
    # length), which saves a connection and a thread per request; see ``parse_request``.
    protocol_version = "HTTP/1.1"
    # One send for the headers and the body (written unbuffered they are two, and the second
    # waits for the first's acknowledgement); no Nagle delay on small answers.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        # The request line is the client's text: control characters shown, not obeyed (the base
        # class escapes them; this replacement must too). A printable line has none to show.
        line = f"{self.address_string()} {format % args}"
        sys.stderr.write((line if line.isprintable() else terminal_safe(line)) + "\n")

    def parse_request(self) -> bool:
        # Every request, whatever its method, is first checked for its Host.
        if not super().parse_request():
            return False
        refusal = self._host_refusal()
        if refusal is not None:
            self.close_connection = True
            self._reply(421, "text/plain", refusal)
            return False
        fields = self.fields
        if fields.lower("transfer-encoding") is not None or (
            self.command != "POST" and (fields.lower("content-length") or "0").strip() != "0"
        ):
            # A body this server does not read (a GET's), or one whose transfer coding voids its
            # Content-Length, would be read as the next request: answer this one, then close.
            self.close_connection = True
        return True

    def handle_expect_100(self) -> bool:
        # "100 Continue" only for a request that will be read: a refused one (foreign Host,
        # bad length) gets its final answer at once, and its body is never sent.
        refused = self._host_refusal() is not None or self._length_refusal() is not None
        if self.command == "POST" and not refused:
            super().handle_expect_100()
            self.wfile.flush()  # sent now, not held in the buffer until the final answer
        return True

    def _host_refusal(self) -> str | None:
        # HTTP/1.0 without Host is answered: no browser sends such a request.
        host = self.fields.lower("host")
        return None if host is None else host_refusal(host, self.host_names)

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        url, params = target(self.path)
        if url.path == "/":
            self._page()
        elif url.path == "/sparql":
            if "query" not in params and "update" not in params:
                # The protocol's service description: what this endpoint is and answers.
                endpoint = f"http://{self.headers.get('Host') or 'localhost'}/sparql"
                self._reply(200, "text/turtle", service_description(endpoint))
                return
            self._query(params.get("query", [None])[0], params)
        elif url.path == "/query":
            self._reply(200, "text/html", query_page())
        elif url.path.startswith("/cookbook/"):
            self._cookbook(urllib.parse.unquote(url.path.removeprefix("/cookbook/")), url.query)
        elif url.path == "/ontology":
            self._ontology()
        elif url.path == "/.well-known/void":
            endpoint = f"http://{self.headers.get('Host') or 'localhost'}/sparql"
            self._derived(partial(_void, self.store_location, endpoint), "text/turtle")
        else:
            self._reply(404, "text/plain", f"no such page: {url.path}; try /sparql, /query or /\n")

    def do_HEAD(self) -> None:  # noqa: N802 - _reply leaves the body out of an answer to HEAD
        self.do_GET()

    def do_OPTIONS(self) -> None:  # noqa: N802
        # A CORS preflight (answered with CORS_HEADERS when --cors is on) or a plain question.
        self.send_response(204)
        self.send_header("Allow", "GET, POST, HEAD, OPTIONS")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def end_headers(self) -> None:
        if self.allow_cors:
            for name, value in CORS_HEADERS.items():
                self.send_header(name, value)
        super().end_headers()

    def do_POST(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            self.close_connection = True  # its body is not read
            self._reply(404, "text/plain", f"no such endpoint: {url.path}; POST to /sparql\n")
            return
        length = self._body_length()
        if length is None:
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        # The dataset may be named in the URL whatever the body is (SPARQL 1.1 Protocol 2.1.3).
        in_url = urllib.parse.parse_qs(url.query)
        if kind == "application/sparql-update":
            self._reply(403, "text/plain", "this endpoint is read-only: updates are refused\n")
            return
        if kind == "application/sparql-query":
            self._query(body, in_url)
            return
        params = urllib.parse.parse_qs(body)
        if "update" in params:
            self._reply(403, "text/plain", "this endpoint is read-only: updates are refused\n")
            return
        for key in ("default-graph-uri", "named-graph-uri"):
            params[key] = in_url.get(key, []) + params.get(key, [])
        self._query(params.get("query", [None])[0], params)

    def _body_length(self) -> int | None:
        """The length of the request's body from its Content-Length, or None after replying
        with the error: a body must have a length (411), a number of at most ``MAX_BODY``
        bytes (400, 413), so that no more than that is ever read."""
        refusal = self._length_refusal()
        if refusal is not None:
            # The body is not read: the connection cannot carry another request.
            self.close_connection = True
            self._reply(*refusal)
            return None
        return int(self.headers["Content-Length"])

    def _length_refusal(self) -> tuple[int, str, str] | None:
        return length_refusal(self.headers.get("Content-Length"), MAX_BODY)

    def _query(
        self, text: str | None, params: dict[str, list[str]], given: Given | None = None
    ) -> None:
        if not text:
            self._reply(400, "text/plain", "no query: send one as the query parameter\n")
            return
        default = params.get("default-graph-uri") or None
        named = params.get("named-graph-uri") or None
        dataset = None
        if default or named:
            dataset = Dataset(tuple(default) if default else None, tuple(named) if named else None)
        choice = negotiate(self.fields.lower("accept"))
        fmt = choice.solutions or choice.graph
        if fmt is None:
            self._not_acceptable()
            return
        try:
            output = self._run(text, fmt, dataset, given)
            if output.kind == "graph" and fmt not in GRAPH_FORMATS:
                # Asked for rows first; the result is a graph: give the graph format asked.
                if choice.graph is None:
                    self._not_acceptable()
                    return
                fmt = choice.graph
                if fmt != "turtle":  # the rows format left graphs in Turtle
                    output = self._run(text, fmt, dataset, given)
        except FormatError:
            self._not_acceptable()  # rows or a boolean, for a client that takes graphs only
            return
        except QueryError as exc:
            self._reply(400, "text/plain", f"{exc}\n")
            return
        except AkgError as exc:
            self._reply(500, "text/plain", f"{exc}\n")
            return
        if output.kind != "graph" and fmt in GRAPH_FORMATS:
            self._not_acceptable()  # rows or a boolean, for a client that takes graphs only
            return
        turtle = output.kind == "graph" and fmt not in GRAPH_FORMATS  # the graph, as Turtle
        self._reply(200, "text/turtle" if turtle else FORMAT_TYPES[fmt], output.text)

    def _cookbook(self, name: str, query: str) -> None:
        # A cookbook query with its parameters from the URL, bound and narrowed as akg query -n
        # binds and narrows them.
        from alliance_kg.queries.cookbook import get_query

        params = urllib.parse.parse_qs(query)
        given = {k: v[0] for k, v in params.items() if not k.endswith("-graph-uri")}
        try:
            entry = get_query(name)
            substitutions = entry.bind(given)
        except QueryError as exc:
            self._reply(400, "text/plain", f"{exc}\n")
            return
        self._query(entry.text, params, Given(substitutions, entry.narrowing))

    def _run(
        self, text: str, fmt: str, dataset: Dataset | None, given: Given | None = None
    ) -> QueryOutput:
        return query_given(
            self.store_location, text, fmt, given, bounds=self.query_bounds, dataset=dataset
        )

    def _not_acceptable(self) -> None:
        offered = ", ".join(sorted(set(FORMAT_TYPES.values())))
        self._reply(406, "text/plain", f"cannot answer in the types accepted; offered: {offered}\n")

    def _ontology(self) -> None:
        from alliance_kg.ontology import ontology_path
        from alliance_kg.ontology.page import ontology_html

        if negotiate(self.headers.get("Accept")).graph == "turtle" and "html" not in (
            self.headers.get("Accept") or ""
        ):
            self._reply(200, "text/turtle", Path(ontology_path()).read_text(encoding="utf-8"))
        else:
            self._reply(200, "text/html", ontology_html())

    def _page(self) -> None:
        self._derived(partial(_render, self.store_location), "text/html")

    def _derived(self, make: Any, media_type: str) -> None:
        # Pages made from the whole store, in a process of their own (bounded in time).
        try:
            text = run_in_child(make, self.query_bounds.timeout * 4)
        except AkgError as exc:
            self._reply(500, "text/plain", f"{exc}\n")
            return
        self._reply(200, media_type, text)

    def _reply(self, status: int, media_type: str, text: str) -> None:
        # What send_response, send_header and end_headers would write, in one piece (wire.py).
        data, close, cors = text.encode("utf-8"), self.close_connection, self.allow_cors
        self.log_request(status)
        head = answer_head(status, self.version_string(), media_type, len(data), close, cors)
        self.flush_headers()  # none are held (an interim answer is sent at once): kept in order
        self.wfile.write(head if self.command == "HEAD" else head + data)

    def date_time_string(self, timestamp: float | None = None) -> str:
        return date_header() if timestamp is None else super().date_time_string(timestamp)


def _void(location: str | Path, endpoint: str) -> str:
    from alliance_kg.graph.store import open_location
    from alliance_kg.graph.void import void_turtle

    return void_turtle(open_location(location, read_only=True), endpoint, location)


def _render(location: str | Path) -> str:
    from alliance_kg.graph.render import render_html
    from alliance_kg.graph.store import open_location

    return render_html(open_location(location, read_only=True), title="alliance-kg").html
