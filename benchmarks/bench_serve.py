"""Requests per second of ``akg serve`` against ``oxigraph serve`` on the same data.

Run: ``.venv/bin/python benchmarks/bench_serve.py [--requests 200] [--clients 1] [--workers 2]
[--akg PATH]``. The script builds the bundled sample corpus into a temporary store, loads the same
data into an ``oxigraph serve`` (through ``akg --store http://... build``), starts ``akg serve`` on
the store and sends each server ``--requests`` GET requests of ``ASK {}`` and of the cookbook's
meetings query, from ``--clients`` threads, a new connection per request (as the standard library's
HTTP/1.0 server needs), best of ``--rounds`` interleaved runs. ``--akg`` picks the ``akg`` to
measure (another checkout's, for a before/after comparison). It prints requests/s per server and
query and the ratio of ``akg serve`` to ``oxigraph serve``.
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
QUERIES = {
    "ASK {}": "ASK {}",
    "meetings.rq": (ROOT / "alliance_kg/queries/cookbook/meetings.rq").read_text(),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_listening(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port}")


def get(endpoint: str, query: str) -> bytes:
    url = f"{endpoint}?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()  # type: ignore[no-any-return]


def rate(endpoint: str, query: str, requests: int, clients: int) -> float:
    get(endpoint, query)  # warm up (caches, a first connection)
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for body in pool.map(lambda _: get(endpoint, query), range(requests)):
            assert body, "empty answer"
    return requests / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many runs")
    parser.add_argument("--workers", type=int, default=2, help="akg serve --workers")
    parser.add_argument("--akg", type=Path, default=BIN / "akg", help="the akg to measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        subprocess.run([str(BIN / "akg"), "--store", str(store), "build"], check=True)
        ox_port = free_port()
        oxigraph = subprocess.Popen(
            [str(BIN / "oxigraph"), "serve", "--location", f"{tmp}/ox", "--bind",
             f"127.0.0.1:{ox_port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        serve_args = ["--store", str(store), "serve", "--port", "0"]
        if args.workers and args.akg == BIN / "akg":
            serve_args += ["--workers", str(args.workers)]
        akg = subprocess.Popen(
            [str(args.akg), *serve_args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True,
        )  # fmt: skip
        try:
            wait_listening(ox_port)
            remote = f"http://127.0.0.1:{ox_port}"
            subprocess.run([str(BIN / "akg"), "--store", remote, "build"], check=True)
            assert akg.stdout is not None
            match = re.search(r"http://[\d.]+:\d+/sparql", akg.stdout.readline())
            assert match, "akg serve did not start"
            endpoints = {"akg serve": match.group(), "oxigraph serve": f"{remote}/query"}
            for name, query in QUERIES.items():
                for url in endpoints.values():
                    assert get(url, query), url
                # Interleaved rounds, best of each: the machine's other load hits both alike.
                rounds = [
                    {s: rate(u, query, args.requests, args.clients) for s, u in endpoints.items()}
                    for _ in range(args.rounds)
                ]
                rates = {server: max(r[server] for r in rounds) for server in endpoints}
                ratio = rates["akg serve"] / rates["oxigraph serve"]
                print(
                    f"{name:12} {args.requests} requests, {args.clients} client(s): "
                    + ", ".join(f"{s} {r:.0f}/s" for s, r in rates.items())
                    + f"; akg/oxigraph {ratio:.2f}",
                    flush=True,
                )
        finally:
            for process in (akg, oxigraph):
                process.terminate()
                process.wait(timeout=10)


if __name__ == "__main__":
    main()
