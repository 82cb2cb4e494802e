"""Servers that bound what ``akg serve`` can reach, for ``bench_serve.py --floors``.

Each is akg serve's HTTP server (``queries/listener.py`` and the standard library's handler)
without its checks, negotiation or bounds, answering ``GET /sparql?query=...`` in SPARQL JSON:

- ``inline``: runs the query in the request's thread on the store (no process hop: what the
  endpoint could do if a running query could be stopped in a thread, which pyoxigraph cannot);
- ``hop``: hands the request to a worker process that answers a fixed ``ASK {}`` result (the
  cost of the hop alone; only for ``ASK {}``);
- ``hop-query``: hands the query to a worker process that runs it on the store (the hop and
  the query, without the rest of akg serve).

Run: ``python benchmarks/serve_floors.py KIND PORT STORE``.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler
from typing import Any

ASK_ANSWER = b'{"head":{},"boolean":true}'


def answer(store: Any, query: str) -> bytes:
    from alliance_kg.queries.bounded import run_on_store

    return run_on_store(store, query, "json", None, 10_000).text.encode()


def worker(connection: Any, store_path: str | None) -> None:
    store = None
    if store_path is not None:
        from alliance_kg.graph.store import open_location

        store = open_location(store_path, read_only=True)
    while True:
        query = connection.recv_bytes().decode()
        connection.send_bytes(ASK_ANSWER if store is None else answer(store, query))


def main() -> None:
    from alliance_kg.graph.store import open_location
    from alliance_kg.queries.listener import Server

    kind, port, store_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    store = open_location(store_path, read_only=True) if kind == "inline" else None
    pipe: Any = None
    if kind != "inline":
        context = multiprocessing.get_context("forkserver")
        pipe, theirs = context.Pipe()
        path = store_path if kind == "hop-query" else None
        context.Process(target=worker, args=(theirs, path), daemon=True).start()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = 64 * 1024
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["query"][0]
            if store is not None:
                data = answer(store, query)
            else:
                with lock:  # one worker
                    pipe.send_bytes(query.encode())
                    data = pipe.recv_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = Server(("127.0.0.1", port), Handler)
    print("listening", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
