"""The store a server process of ``akg serve`` answers from (``queries/inline.py``): held open
read-only and opened again when a write is seen; while another process holds it for writing,
each query runs in a process of its own instead.

Beside a writer, a query of Oxigraph (0.5.13) on a read-only opening may loop on a table file
the writer's compaction deleted, allocating until its memory bound ends the process
(``queries/child.py``). In the server's own process that would end every request it is
answering and hand its connections on; in a process of its own it ends only that query, which
is then run again on a fresh opening, as ``akg query`` runs it. Such a query costs a process and
an opening of the store (tens of milliseconds), paid only while a build or an update runs.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from alliance_kg.errors import AkgError, QueryError
from alliance_kg.queries import Dataset
from alliance_kg.queries.bounded import Bounds, Given, QueryOutput, given_text, query_given
from alliance_kg.queries.lifetime import out_of_memory
from alliance_kg.queries.prepared import Prepared


class Runner:
    """The store held open read-only, opened again when a write is seen (``StoreWatch``)."""

    def __init__(self, location: str | Path, bounds: Bounds) -> None:
        from alliance_kg.graph.store import open_location
        from alliance_kg.graph.storefiles import StoreWatch

        self._location = location
        self._lock_file = str(Path(location) / "LOCK")
        self._bounds = bounds
        self._lock = threading.Lock()
        self._watch = StoreWatch(location)
        self._prepared = Prepared()
        self._store: Any = None
        self._failure: AkgError | None = None
        try:
            self._store = open_location(location, read_only=True, timeout=bounds.timeout)
        except AkgError as exc:
            self._failure = exc  # said in answer to every query, as a process per query would

    def query(
        self, text: str, fmt: str, dataset: Dataset | None, given: Given | None = None
    ) -> QueryOutput:
        """Check and run ``text`` within the row limit (the time limit is the watchdog's);
        ``given``: a cookbook query's parameters and narrowing (``bounded.given_text``)."""
        from alliance_kg.graph.storefiles import vanished

        store = self._current()
        try:
            try:
                return self._run(store, text, fmt, dataset, given)
            except QueryError as exc:
                if not vanished(exc):
                    raise
                # A writer compacted away a file of the old opening: answer from a new one.
                store = self._reopen(store)
                return self._run(store, text, fmt, dataset, given)
        except AkgError:
            raise
        except MemoryError as exc:
            raise out_of_memory(self._bounds.memory) from exc
        except Exception as exc:  # noqa: BLE001 - every failure is the client's 400, not a crash
            raise QueryError(f"the query failed: {exc}") from exc

    def beside_writer(self) -> bool:
        """Whether another process holds the store for writing now (a look at its lock; a
        server process never opens the store for writing itself)."""
        from alliance_kg.graph.storefiles import lock_taken

        return lock_taken(self._lock_file)

    def query_apart(
        self, text: str, fmt: str, dataset: Dataset | None, given: Given | None = None
    ) -> QueryOutput:
        """``query`` in a process of its own, within the time and memory bounds, run again if
        that process died while a writer held the store (``bounded.query_given``)."""
        return query_given(self._location, text, fmt, given, bounds=self._bounds, dataset=dataset)

    def _run(
        self, store: Any, text: str, fmt: str, dataset: Dataset | None, given: Given | None
    ) -> QueryOutput:
        if given is not None:
            text = given_text(store, text, given)
        return self._prepared.run(store, text, fmt, self._bounds.limit, dataset)

    def _current(self) -> Any:
        from alliance_kg.graph.store import open_location

        with self._lock:
            if self._watch.changed():
                # A build or update wrote the store since it was opened: a read-only handle
                # keeps seeing the old state, so answer from a fresh one.
                try:
                    self._store, self._failure = open_location(self._location, read_only=True), None
                except AkgError as exc:
                    self._store, self._failure = None, exc
            if self._failure is not None:
                raise self._failure
            return self._store

    def _reopen(self, seen: Any) -> Any:
        from alliance_kg.graph.store import open_location

        with self._lock:
            if self._store is seen:
                self._store = open_location(self._location, read_only=True)
            return self._store
