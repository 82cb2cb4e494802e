"""A real HTTP server that asks for HTTP Basic credentials and passes what it lets through on to
another server (for the tests of logging in to a SPARQL server)."""

from __future__ import annotations

import base64
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_PASSED_HEADERS = ("Accept", "Content-Type")


@contextmanager
def basic_auth_proxy(upstream: str, user: str, password: str) -> Iterator[str]:
    """Yield the base URL of a proxy to ``upstream`` that answers 401 to every request without
    ``user`` and ``password`` as HTTP Basic credentials."""
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._forward(None)

        def do_POST(self) -> None:
            self._forward(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _forward(self, body: bytes | None) -> None:
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="akg-test"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            headers = {h: self.headers[h] for h in _PASSED_HEADERS if self.headers.get(h)}
            request = urllib.request.Request(upstream + self.path, data=body, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    status, kind, data = (
                        response.status,
                        response.headers["Content-Type"],
                        response.read(),
                    )
            except urllib.error.HTTPError as exc:
                status, kind, data = exc.code, exc.headers["Content-Type"], exc.read()
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
