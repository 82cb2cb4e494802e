"""Queries of ``akg serve`` while another process writes the store: how many are answered, and
which errors the others get.

Run: ``.venv/bin/python benchmarks/bench_beside_writer.py [--seconds 60] [--timeout 30]
[--max-memory 2048] [--clients 2]``. The script makes an empty store in a temporary folder,
starts ``akg serve`` on it and a writer in another process that inserts a triple at a time and
flushes every five inserts (the writer of ``tests/test_concurrency.py``: new table files and
compactions far more often than a build makes them), and has ``--clients`` threads ask the
count of every graph's triples over and over for ``--seconds``. It prints how many answers came,
each error's text and how many times, the smallest and largest count seen (the writes went on)
and how many tracebacks the server wrote.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_concurrency import COUNT, WRITER  # noqa: E402 - the tests' own writer and query


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--seconds", type=float, default=60)
    options.add_argument("--timeout", default="30")
    options.add_argument("--max-memory", default="2048")
    options.add_argument("--clients", type=int, default=2)
    args = options.parse_args()
    import pyoxigraph as ox

    with tempfile.TemporaryDirectory() as folder:
        store, stop = Path(folder) / "store", Path(folder) / "stop"
        ox.Store(str(store)).flush()
        akg = Path(sys.executable).parent / "akg"
        server = subprocess.Popen(
            [str(akg), "--store", str(store), "serve", "--port", "0", "--timeout", args.timeout]
            + ["--max-memory", args.max_memory],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert server.stdout is not None
        found = re.search(r"http://[\d.]+:\d+/sparql", server.stdout.readline())
        assert found, "akg serve did not start"
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(store), str(stop)], stdout=subprocess.PIPE, text=True
        )
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
        outcomes: collections.Counter[str] = collections.Counter()
        counts: list[int] = []
        lock = threading.Lock()

        def ask() -> None:
            end = time.monotonic() + args.seconds
            body = urllib.parse.urlencode({"query": COUNT}).encode()
            while time.monotonic() < end:
                request = urllib.request.Request(found[0], body, {"Accept": "text/csv"})
                try:
                    with urllib.request.urlopen(request, timeout=600) as answer:
                        count, outcome = int(answer.read().decode().split()[1]), "answered"
                except urllib.error.HTTPError as error:
                    count, outcome = -1, error.read().decode().strip()
                with lock:
                    outcomes[outcome] += 1
                    if count >= 0:
                        counts.append(count)

        clients = [threading.Thread(target=ask) for _ in range(args.clients)]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        stop.touch()
        writer.wait(timeout=60)
        server.terminate()
        _, errors = server.communicate(timeout=30)
    seen = [min(counts), max(counts)] if counts else []
    print(json.dumps({"outcomes": outcomes, "counts seen": seen}, indent=1))
    print(f"tracebacks written by the server: {errors.count('Traceback')}")
    if "Traceback" in errors:
        print(errors)


if __name__ == "__main__":
    main()
