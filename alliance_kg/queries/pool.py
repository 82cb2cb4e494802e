"""A pool of query processes for ``akg serve``: each holds the store open read-only and runs
the queries it is sent over a pipe, one at a time.

A process per query (``bounded.run_in_child``) costs a fork and a store opening for every
request, which made the endpoint some thirty times slower than ``oxigraph serve``; workers that
stay open pay that once. The bounds are those of ``akg query``: the row limit is applied in the
worker, and a query past the time limit gets its worker killed (the only way to stop Oxigraph
mid-evaluation) and a fresh one started in its place.

Workers come from the "forkserver" context: the server has opened the store itself, and a
plain fork would copy RocksDB's background threads' locks mid-use. They open the store
themselves, ignore Ctrl-C (the server stops them) and leave when the server's end of their pipe
closes, so they do not outlive a server that was killed outright.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import queue
import select
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliance_kg.errors import AkgError, QueryError
from alliance_kg.queries import Dataset
from alliance_kg.queries.bounded import Bounds, QueryOutput, run_on_store
from alliance_kg.queries.lifetime import (
    die_with,
    died_of_memory,
    limit_memory,
    out_of_memory,
    stopped_after,
)

DEFAULT_WORKERS = 2
#: Seconds a new worker may take to import and open the store.
STARTUP_TIMEOUT = 60.0
READY = "ready"


@dataclass(frozen=True)
class _Worker:
    process: Any
    connection: Any
    #: Waits for the worker's answer: made once (``Connection.poll`` builds a selector anew at
    #: each call, a fair part of the pool's own time on a trivial query).
    answer: Any


class QueryPool:
    """``size`` worker processes answering read-only queries on the store at ``location``
    within ``bounds``. Use as a context manager, or call ``close`` to stop the workers."""

    def __init__(self, location: str | Path, size: int, bounds: Bounds) -> None:
        if size < 1:
            raise QueryError("--workers must be at least 1")
        self._location = location
        self._bounds = bounds
        self._context: Any = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload([__name__])
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._live: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        starting = [self._start() for _ in range(size)]
        for worker in starting:
            if not _ready(worker):
                self.close()
                raise AkgError(f"a query worker did not start (exit {worker.process.exitcode})")
            self._idle.put(worker)

    def query(self, text: str, fmt: str, dataset: Dataset | None = None) -> QueryOutput:
        """Run ``text`` on a free worker (waiting for one if all are busy) and return its
        formatted result; ``QueryError`` when it is refused, fails or runs out of time."""
        timeout = self._bounds.timeout
        if timeout <= 0 or self._bounds.limit <= 0 or self._bounds.memory <= 0:
            # As akg query says.
            raise QueryError("--timeout, --limit and --max-memory must be more than 0")
        worker = self._idle.get()
        try:
            worker.connection.send((text, fmt, self._bounds.limit, dataset))
            if not worker.answer.poll(math.ceil(timeout * 1000)):
                self._replace(worker)
                raise stopped_after(timeout)
            kind, payload = worker.connection.recv()
        except (EOFError, OSError) as exc:
            # The worker died (killed from outside, out of memory): answer, and replace it.
            self._replace(worker)
            if died_of_memory(worker.process.exitcode):
                raise out_of_memory(self._bounds.memory) from exc
            raise QueryError(
                f"the query process ended without a result (exit {worker.process.exitcode})"
            ) from exc
        self._idle.put(worker)
        if kind == "ok":
            assert isinstance(payload, QueryOutput)
            return payload
        raise payload

    def close(self) -> None:
        """Stop every worker, busy or not; later queries wait forever, so close last."""
        with self._lock:
            self._closed = True
            workers = list(self._live)
            self._live.clear()
        for worker in workers:
            _stop(worker)

    def pids(self) -> list[int]:
        """The process ids of the live workers (for tests and diagnostics)."""
        with self._lock:
            return [w.process.pid for w in self._live]

    def __enter__(self) -> QueryPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> _Worker:
        mine, theirs = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main,
            args=(self._location, self._bounds, theirs, os.getpid()),
            daemon=True,
            name="akg-query-worker",
        )
        process.start()
        # Only the worker may hold its end: our copy open would hide the worker's death.
        theirs.close()
        answer = select.poll()
        answer.register(mine.fileno(), select.POLLIN)
        worker = _Worker(process, mine, answer)
        with self._lock:
            self._live.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._live.discard(worker)
            closed = self._closed
        _stop(worker)
        if not closed:
            # Started in the background: the request that timed out is answered at once.
            threading.Thread(target=self._add_worker, daemon=True).start()

    def _add_worker(self) -> None:
        while not self._closed:
            worker = self._start()
            if _ready(worker):
                self._idle.put(worker)
                return
            with self._lock:
                self._live.discard(worker)
            _stop(worker)
            time.sleep(1)  # a worker that cannot start now may next time (memory, files)


def _ready(worker: _Worker) -> bool:
    # A worker says it is ready once it has opened the store, so that the opening is not
    # counted in the time of the first query it is given.
    try:
        return bool(worker.connection.poll(STARTUP_TIMEOUT) and worker.connection.recv() == READY)
    except (EOFError, OSError):
        return False


def _stop(worker: _Worker) -> None:
    worker.process.kill()
    worker.process.join(timeout=5)
    worker.connection.close()


def _worker_main(location: str | Path, bounds: Bounds, connection: Any, owner: int) -> None:
    # Ctrl-C reaches the whole process group; the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from alliance_kg.graph.sparql import is_remote
    from alliance_kg.loaders.offline import forbid

    forbid()
    die_with(owner)  # even when busy with a query, a worker goes with its server
    limit_memory(bounds.memory)
    timeout = bounds.timeout
    from alliance_kg.graph.store import open_location
    from alliance_kg.graph.storefiles import StoreWatch, vanished

    store: Any = None
    failure: AkgError | None = None
    watch = None if is_remote(str(location)) else StoreWatch(location)
    try:
        store = open_location(location, read_only=True, timeout=timeout)
    except AkgError as exc:
        failure = exc  # said in answer to every query, as a process per query would
    connection.send(READY)
    while True:
        try:
            text, fmt, limit, dataset = connection.recv()
        except (EOFError, OSError):
            return  # the server is gone
        reply: tuple[str, Any]
        try:
            if watch is not None and watch.changed():
                # A build or update wrote the store since it was opened: a read-only handle
                # keeps seeing the old state, so answer from a fresh one, as a process per
                # query would.
                try:
                    store, failure = open_location(location, read_only=True), None
                except AkgError as exc:
                    store, failure = None, exc
            if failure is not None:
                raise failure
            try:
                reply = ("ok", run_on_store(store, text, fmt, None, limit, dataset=dataset))
            except QueryError as exc:
                if not vanished(exc):
                    raise
                # A writer compacted away a file of the old opening: answer from a new one.
                store = open_location(location, read_only=True)
                reply = ("ok", run_on_store(store, text, fmt, None, limit, dataset=dataset))
        except AkgError as exc:
            reply = ("error", exc)
        except Exception as exc:  # noqa: BLE001 - everything must reach the server as an error
            reply = ("error", QueryError(f"the query failed: {exc}"))
        connection.send(reply)


__all__ = ["DEFAULT_WORKERS", "QueryPool"]
