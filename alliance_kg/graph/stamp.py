"""A stamp beside an on-disk store saying that its default graph is the union of its named graphs.

Every write of akg keeps the store's default graph the de-duplicated union of the named graphs
(``store.replace_graphs``), so a triple format can be exported from the default graph alone,
half the quads, instead of merging every named graph. That holds only while nothing but akg
writes the store: a triple written into the default graph by another program is no document's
and must stay out of an export. The stamp tells the two cases apart for nearly nothing.

RocksDB starts a new MANIFEST file (named in the store's ``CURRENT`` file) each time a process
opens the store for writing, whatever it then writes; a read-only open leaves it alone. The
stamp (the file ``STAMP_FILE`` in the store's folder) names the MANIFEST of an akg writer,
which wrote it straight after opening the store (``open_writer``), and only when the store was
new or its stamp named the MANIFEST of the open before: a chain in which every process that
opened the store for writing was an akg writer, each of whose transactions keeps the union.
Any other writer (pyoxigraph, ``oxigraph load`` or ``serve``, an akg library user's own
``KnowledgeGraph.store()``) starts a new MANIFEST that no stamp names, and then so does every
akg writer after it: exports read the named graphs again until ``akg update``, which rebuilds
the union in its transaction, stamps the store anew (``stamp_union``). A kill at any point
leaves either the stamp of a writer whose transactions each kept the union, or an old stamp that
names an earlier MANIFEST. Checking the stamp is two small reads and a ``stat``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_kg.errors import StoreError
from alliance_kg.graph.files import write_atomic
from alliance_kg.graph.sparql import is_remote
from alliance_kg.graph.store import open_location

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

#: The stamp's file in the store's folder.
STAMP_FILE = "akg-union.stamp"


def store_generation(folder: str | Path) -> str | None:
    """The store's current MANIFEST as ``IDENTITY NAME INODE``, or None if there is no store.
    RocksDB gives each store it creates a unique id (the ``IDENTITY`` file), which tells apart
    a store made anew in the same folder, whose MANIFEST names start again from the same."""
    path = Path(folder)
    try:
        identity = (path / "IDENTITY").read_text(encoding="ascii").strip()
        name = (path / "CURRENT").read_text(encoding="ascii").strip()
        inode = os.stat(path / name).st_ino
    except (OSError, UnicodeDecodeError):
        return None
    return f"{identity} {name} {inode}"


def union_stamped(folder: str | Path) -> bool:
    """Whether the stamp names the store's current MANIFEST: every process that opened the store
    for writing was an akg writer, so its default graph is the union of its named graphs. Call
    it after opening the store to read (what a later writer does then is not in that view)."""
    try:
        stamp = (Path(folder) / STAMP_FILE).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return False
    generation = store_generation(folder)
    return generation is not None and stamp == generation


def stamp_union(folder: str | Path) -> None:
    """Stamp the store as it is now opened for writing: its default graph is the union, and its
    writer writes only through the functions that keep it so (``store.py``)."""
    generation = store_generation(folder)
    if generation is not None:
        write_atomic(Path(folder) / STAMP_FILE, generation.encode("ascii"), what="the stamp")


def open_writer(location: str | Path) -> SparqlStore:
    """Open the store at ``location`` for akg's writes (``store.open_location``): an on-disk
    store is stamped when it was new or stamped before this open."""
    if is_remote(location):
        return open_location(location)
    folder = Path(location)
    trusted = not (folder / "CURRENT").exists() or union_stamped(folder)
    store = open_location(folder)
    if trusted:
        stamp_union(folder)
    return store


@contextlib.contextmanager
def held_for_writing(
    location: str | Path,
) -> Iterator[tuple[Callable[[], SparqlStore], Callable[[], None]]]:
    """The store at ``location`` opened for writing at once, so that its lock is taken before
    the slow work of a build (a second build is refused at its start, not after extracting).
    Yields two functions for ``write_extractions``: one hands the store out, the other checks
    before each write that an on-disk store is still the folder that was opened.

    A store this call created is removed again (and its folder, if the call made it) when the
    block fails before the store was handed out: a build that fails before writing leaves no
    store. A store deleted or replaced meanwhile (checked before each write and when the block
    ends) is a ``StoreError``, never success: the writes went to files no longer there.
    """
    if is_remote(location):
        remote = open_location(location)
        yield (lambda: remote), (lambda: None)
        return
    folder = Path(location)
    made_folder, new_store = not folder.exists(), not (folder / "CURRENT").exists()
    held = [open_writer(location)]
    opened = _identity(folder)

    def check() -> None:
        if _identity(folder) != opened:
            raise StoreError(
                f"store {folder} was deleted or replaced while the build was writing it; what "
                "was written is lost: run the build again"
            )

    try:
        yield held.pop, check
    except BaseException:
        if held:
            held.clear()  # the store closes, its lock let go, before its files go
            if made_folder:
                shutil.rmtree(folder, ignore_errors=True)
            elif new_store:  # an empty folder given: emptied again
                for entry in folder.iterdir():
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        raise
    check()


def _identity(folder: Path) -> tuple[int, int] | None:
    """The device and inode of the store's folder and of its CURRENT file (None if gone)."""
    try:
        return os.stat(folder).st_ino, os.stat(folder / "CURRENT").st_ino
    except OSError:
        return None


__all__ = [
    "STAMP_FILE",
    "held_for_writing",
    "open_writer",
    "stamp_union",
    "store_generation",
    "union_stamped",
]
