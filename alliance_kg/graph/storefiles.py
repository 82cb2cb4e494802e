"""The store's files under writers in other processes and crashes: flushing what was written
(so that no reader replays a long write-ahead log) and opening read-only while a writer deletes
the files it replaced."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.errors import StoreError

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore


#: Seconds to wait before each new attempt at a read-only open that lost a race with a writer:
#: at most about 2 s in all. Measured against a writer flushing every 5 writes (far more often
#: than a build), about 6 in 10 opens lose the race, so one try in five was not enough.
_REOPEN_WAITS = (0.02,) * 5 + (0.05,) * 5 + (0.1,) * 5 + (0.2,) * 5


def open_read_only(folder: Path) -> ox.Store:
    """``Store.read_only``, tried again when a writer deleted a file it was opening.

    A writer in another process flushes and compacts as it goes, deleting log and table files;
    a reader that listed a file a moment before fails to open it ("No such file or directory").
    The next attempt reads the new list of files."""
    for wait in (*_REOPEN_WAITS, None):
        try:
            return ox.Store.read_only(str(folder))
        except (OSError, RuntimeError) as exc:
            if wait is None or not vanished(exc):
                raise
        time.sleep(wait)
    raise AssertionError("unreachable")


def vanished(error: BaseException) -> bool:
    """Whether a store error is a file deleted or rewritten under a reader by a writer (worth a
    retry): a table or log file gone, or a MANIFEST read while the writer was replacing it
    (RocksDB then says it "may be corrupted"; a store really damaged fails every retry)."""
    message = str(error)
    return "No such file or directory" in message or (
        "MANIFEST" in message and "may be corrupted" in message
    )


def flush(store: SparqlStore, what: str) -> None:
    """Flush an on-disk store's new writes from memory to its files (``what`` was written)."""
    if isinstance(store, ox.Store):
        try:
            # RocksDB keeps writes in memory tables (and its write-ahead log) until they are
            # flushed, which it does late: without this, memory grew by ~0.6 MB a document
            # (800 MB at 1,000), and a read-only open right after the build replayed the
            # whole log (34 s at 1,000 documents). A flush takes well under a second.
            store.flush()
        except OSError as exc:
            raise StoreError(
                f"the {what} was written, but the store could not be flushed to disk: {exc}"
            ) from exc
