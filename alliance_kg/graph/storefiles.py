"""The store's files under writers in other processes and crashes: flushing what was written
(so that no reader replays a long write-ahead log), opening read-only while a writer deletes
the files it replaced, and telling a reader that the store was written since it opened it."""

from __future__ import annotations

import os
import struct
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.errors import StoreError

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore


# The store folders this process opened for writing. RocksDB's lock is a POSIX record lock,
# which a process drops when it closes any descriptor of the file: a folder this process may
# hold is never probed.
opened_for_writing: set[Path] = set()


def writer_active(folder: Path) -> bool:
    """Whether a process holds the store's write lock: this one, or another (``lock_taken``)."""
    return folder.resolve() in opened_for_writing or lock_taken(folder / "LOCK")


def lock_taken(lock: Path | str) -> bool:
    """Whether another process holds RocksDB's POSIX lock on the file ``lock``. Asked with
    ``F_GETLK``, which never takes the lock: a probe that took it, even for an instant, could
    make a writer opening the store then fail as if it were in use. Never ask it of a store
    this process holds: closing any descriptor of the file drops a POSIX lock."""
    import fcntl

    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        return False
    try:
        # struct flock on Linux: type, whence, start, length (0: to the end), pid, padding.
        asked = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, asked)
    except OSError:
        return False
    finally:
        os.close(fd)
    return struct.unpack("hhqqi4x", answer)[0] != fcntl.F_UNLCK


def written_elsewhere(folder: Path) -> bool:
    """Whether another process holds the store's write lock (never this one's own)."""
    return folder.resolve() not in opened_for_writing and writer_active(folder)


#: Seconds to wait before each new attempt at a read-only open that lost a race with a writer:
#: at most about 6 s in all (a query's own timeout still stops it first). Measured against a
#: writer flushing every 5 writes (far more often than a build), about 6 in 10 opens lose the
#: race, so one try in five was not enough; with 20 tries over about 2 s, a reader still lost
#: every one now and then (tests/test_concurrency.py failed in 3 of 8 runs on a busy machine, in
#: 1 of 6 at commit bb2911c).
_REOPEN_WAITS = (0.02,) * 5 + (0.05,) * 5 + (0.1,) * 5 + (0.2,) * 25


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


#: A look at the store's files: the folder's (inode, time), and (time, size) of each file
#: written in place, ``None`` for one that is gone.
_Look = tuple[tuple[int, int] | None, dict[str, tuple[int, int] | None]]


class StoreWatch:
    """Whether the on-disk store in ``folder`` was written since the last look. A reader
    holding the store open read-only keeps seeing the state it opened; asking this before each
    query tells it when to open the store again (``akg serve``'s workers).

    RocksDB changes a store's contents either by adding, removing or renaming a file (tables,
    a new log or MANIFEST, CURRENT), which changes the folder's own time, or by appending to its
    write-ahead logs (``*.log``) and its ``MANIFEST``, which changes their size. So a look is
    a few ``stat`` calls, not one per file (tables are many, and never written in place); the
    folder is listed again only when it changed."""

    def __init__(self, folder: str | Path) -> None:
        self._folder = str(folder)
        # Each file's path, joined once rather than at every look (a look is before every
        # query of a server process); forgotten past 64 names, those of files long gone.
        self._paths: dict[str, str] = {}
        self._seen = self._look()

    def changed(self) -> bool:
        """Whether the store was written since the last call (or since the watch began)."""
        folder, files = self._seen
        if self._folder_stamp() == folder and self._stamps(files) == files:
            return False
        self._seen = self._look()
        return True

    def _look(self) -> _Look:
        # The folder first: a file added after this is seen as a change at the next look.
        folder = self._folder_stamp()
        try:
            names = [n for n in os.listdir(self._folder) if _written_in_place(n)]
        except OSError:
            names = []
        return folder, self._stamps(names)

    def _folder_stamp(self) -> tuple[int, int] | None:
        try:
            status = os.stat(self._folder)
        except OSError:
            return None
        return status.st_ino, status.st_mtime_ns

    def _stamps(self, names: Iterable[str]) -> dict[str, tuple[int, int] | None]:
        stamps: dict[str, tuple[int, int] | None] = {}
        paths = self._paths
        for name in names:
            path = paths.get(name)
            if path is None:
                if len(paths) > 64:
                    paths.clear()
                path = paths[name] = os.path.join(self._folder, name)
            try:
                status = os.stat(path)
            except OSError:
                stamps[name] = None
            else:
                stamps[name] = (status.st_mtime_ns, status.st_size)
        return stamps


def _written_in_place(name: str) -> bool:
    return name.endswith(".log") or name.startswith("MANIFEST-")


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


#: A write of at least this many triples (a build, shards loaded) compacts the store at the
#: end: files the bulk loader added and RocksDB had not merged yet would otherwise slow every
#: query (a timeline at 10,000 documents 2 to 3 times), since each range of an index is read in
#: each of them.
COMPACT_TRIPLES = 1_000_000


def compact_after(store: SparqlStore, triples: int, what: str) -> None:
    """Compact an on-disk store's files (RocksDB's full compaction, ``Store.optimize``) after a
    write of ``triples`` triples, if that is ``COMPACT_TRIPLES`` or more."""
    if isinstance(store, ox.Store) and triples >= COMPACT_TRIPLES:
        try:
            store.optimize()
        except OSError as exc:
            raise StoreError(
                f"the {what} was written, but the store could not be compacted: {exc}"
            ) from exc
