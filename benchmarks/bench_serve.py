"""Requests per second of ``akg serve`` against ``oxigraph serve`` on the same data.

Run: ``.venv/bin/python benchmarks/bench_serve.py [--requests 200] [--clients 1] [--workers 2]
[--akg PATH ...] [--floors]``. The script builds the bundled sample corpus into a temporary store,
loads the same data into an ``oxigraph serve`` (through ``akg --store http://... build``), starts
``akg serve`` on the store and sends each server ``--requests`` GET requests of ``ASK {}`` and of
the cookbook's meetings query, from ``--clients`` threads, in ``--rounds`` interleaved runs. Every
server gets the same client (``http.client``), twice: a new connection per request (``Connection:
close``), and one kept-alive connection per client thread (a server that closes the connection
anyway costs the client a reconnection, as it would a browser). ``--akg`` picks the ``akg`` to
measure, several times for a before/after comparison (another checkout's ``.venv/bin/akg``). It
prints, per server, query and connection mode, the median requests/s, each ``akg serve``'s median
ratio to ``oxigraph serve`` and the CPU time per request of each server's processes (the server and
its workers), which the machine's other load changes less than the rates. ``--floors`` adds the
servers of ``serve_floors.py``: what akg's HTTP server gives with the query in its own thread, with
a hop to a worker process and nothing else, and with the hop and the query.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import median
from typing import Any

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


HEADERS = {"Accept": "application/sparql-results+json"}
_local = threading.local()


def get(endpoint: str, query: str, keep_alive: bool = False) -> bytes:
    """One GET of ``query``; with ``keep_alive`` on this thread's open connection to the server
    (opened again when the server closed it), else on a new one closed after the answer."""
    url = urllib.parse.urlsplit(endpoint)
    path = f"{url.path}?{urllib.parse.urlencode({'query': query})}"
    if keep_alive:
        connections = _local.__dict__.setdefault("connections", {})
        if url.netloc not in connections:
            connections[url.netloc] = http.client.HTTPConnection(url.netloc, timeout=60)
        connection = connections[url.netloc]
        connection.request("GET", path, headers=HEADERS)
    else:
        connection = http.client.HTTPConnection(url.netloc, timeout=60)
        connection.request("GET", path, headers={**HEADERS, "Connection": "close"})
    response = connection.getresponse()
    body = response.read()
    if not keep_alive:
        connection.close()
    assert response.status == 200, (endpoint, response.status, body)
    return body


def same_answer(body: bytes) -> object:
    """What must agree between servers in a SPARQL JSON answer: the boolean, or the rows (as
    sets, and each list of ", " as a set: akg sorts the lists a query declares, ``# sorted
    lists:``, which a plain server gives in the order its plan met them)."""
    data = json.loads(body)
    if "boolean" in data:
        return data["boolean"]
    return frozenset(
        frozenset((k, frozenset(v["value"].split(", "))) for k, v in row.items())
        for row in data["results"]["bindings"]
    )


def rate(endpoint: str, query: str, requests: int, clients: int, keep_alive: bool) -> float:
    with ThreadPoolExecutor(clients) as pool:
        # Warm up (caches, each thread's connection), then time.
        list(pool.map(lambda _: get(endpoint, query, keep_alive), range(clients)))
        start = time.perf_counter()
        for body in pool.map(lambda _: get(endpoint, query, keep_alive), range(requests)):
            assert body, "empty answer"
        return requests / (time.perf_counter() - start)


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by process ``pid`` and its live descendants (read from /proc):
    a server with its query workers."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended while we looked
            parents[int(entry.name)] = int(fields[1])
            times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {pid}, {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        tree |= frontier
    return sum(times.get(p, 0.0) for p in tree)


def measure(
    endpoints: dict[str, tuple[str, int]], query: str, keep_alive: bool, args: argparse.Namespace
) -> str:
    """Interleaved rounds of ``args.requests`` requests to each server: the median requests/s,
    the median of each round's ratio to Oxigraph (neighbours in time share the machine's load)
    and the median CPU time per request of the server's processes."""
    rounds: list[dict[str, tuple[float, float]]] = []
    for _ in range(args.rounds):
        measured = {}
        for server, (url, pid) in endpoints.items():
            before = tree_cpu(pid)
            per_second = rate(url, query, args.requests, args.clients, keep_alive)
            cpu = (tree_cpu(pid) - before) / (args.requests + args.clients)
            measured[server] = (per_second, cpu)
        rounds.append(measured)
    parts = []
    for server in endpoints:
        per_second = median(r[server][0] for r in rounds)
        cpu = median(r[server][1] for r in rounds)
        ratio = median(r[server][0] / r["oxigraph serve"][0] for r in rounds)
        shown = "" if server == "oxigraph serve" else f" ({ratio:.2f} of Oxigraph)"
        parts.append(f"{server} {per_second:.0f}/s{shown}, {cpu * 1000:.2f} ms CPU")
    mode = "kept-alive connection" if keep_alive else "connection per request"
    return f"{args.requests} requests, {args.clients} client(s), {mode}: " + "; ".join(parts)


def start_akg(akg: Path, store: Path, workers: int) -> tuple[subprocess.Popen[str], str]:
    """``akg serve`` of the ``akg`` at ``akg`` on ``store``, and its endpoint's URL."""
    # Started in the store's folder: the server processes come from a forkserver, which
    # Python starts with ``-c`` and so imports ``alliance_kg`` from the current folder first
    # (its ``sys_path`` argument is not applied in Python 3.11). Started in a checkout, every
    # ``akg`` measured would run that checkout's server code.
    process = subprocess.Popen(
        [os.path.abspath(akg), "--store", str(store), "serve", "--port", "0", "--workers",
         str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=store.parent,
    )  # fmt: skip
    assert process.stdout is not None
    match = re.search(r"http://[\d.]+:\d+/sparql", process.stdout.readline())
    assert match, f"{akg} serve did not start"
    return process, match.group()


def start_floor(kind: str, port: int, store: Path) -> subprocess.Popen[str]:
    """A server of ``serve_floors.py`` of ``kind`` on ``port``, once it listens."""
    script = ROOT / "benchmarks/serve_floors.py"
    process = subprocess.Popen(
        [sys.executable, str(script), kind, str(port), str(store)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stdout is not None and process.stdout.readline().strip() == "listening"
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5, help="the median of this many runs")
    parser.add_argument("--workers", type=int, default=2, help="akg serve --workers")
    parser.add_argument(
        "--floors", action="store_true", help="also the servers of serve_floors.py (bounds)"
    )
    parser.add_argument(
        "--akg", type=Path, action="append", help="an akg to measure (repeatable; default ours)"
    )
    args = parser.parse_args()
    akgs: list[Path] = args.akg or [BIN / "akg"]
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        subprocess.run([str(BIN / "akg"), "--store", str(store), "build"], check=True)
        ox_port = free_port()
        processes: list[subprocess.Popen[Any]] = [
            subprocess.Popen(
                [str(BIN / "oxigraph"), "serve", "--location", f"{tmp}/ox", "--bind",
                 f"127.0.0.1:{ox_port}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        ]  # fmt: skip
        try:
            wait_listening(ox_port)
            remote = f"http://127.0.0.1:{ox_port}"
            subprocess.run([str(BIN / "akg"), "--store", remote, "build"], check=True)
            endpoints = {"oxigraph serve": (f"{remote}/query", processes[0].pid)}
            for number, akg in enumerate(akgs):
                process, url = start_akg(akg, store, args.workers)
                processes.append(process)
                endpoints[f"akg serve #{number + 1}"] = (url, process.pid)
                print(f"akg serve #{number + 1}: {akg}", flush=True)
            if args.floors:
                for kind in ("inline", "hop", "hop-query"):
                    port = free_port()
                    processes.append(start_floor(kind, port, store))
                    endpoints[f"floor {kind}"] = (
                        f"http://127.0.0.1:{port}/sparql",
                        processes[-1].pid,
                    )
            every = endpoints
            for name, query in QUERIES.items():
                # "floor hop" answers ASK {} only.
                endpoints = {k: v for k, v in every.items() if name == "ASK {}" or k != "floor hop"}
                # The same answer from every server (rows as sets: their order may differ).
                answers = {
                    server: same_answer(get(url, query)) for server, (url, _) in endpoints.items()
                }
                assert len(set(answers.values())) == 1, answers
                for keep_alive in (False, True):
                    print(f"{name:12} {measure(endpoints, query, keep_alive, args)}", flush=True)
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=10)


if __name__ == "__main__":
    main()
