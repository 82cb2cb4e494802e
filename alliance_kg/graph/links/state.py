"""What the corpus-level stage read of each graph, kept beside an on-disk store.

The stage needs a few facts of every document (``read.QUERIES``); reading them from every graph
of the store at every build costs time in proportion to the store. So the records of the graphs
are kept in a small SQLite file in the store's folder, and a build reads from the store only the
graphs that have no record: those it has just written, and any the file does not know.

The file can only be stale if a graph changes while its record stays, so every write of
document graphs first forgets their records (``forget``), in a committed transaction of its
own, before the store is touched; ``akg update``, which may change any graph, forgets them all.
A failure anywhere after that leaves graphs without records, which are read again: never a
record that disagrees with the store. The records of graphs that left the store are dropped. A
file written by another version of the queries (``read.QUERIES``) is emptied when opened.
Programs other than akg that write the store directly bypass this; deleting the file (or any
``akg update``) makes the next build read everything again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_kg.errors import StoreError
from alliance_kg.graph.links.read import LINKS_GRAPH, QUERIES, Rows, read_records
from alliance_kg.graph.store import graph_names

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

#: The file's name in the store's folder.
STATE_FILE = "akg-links-state.sqlite"
#: Changes whenever the queries do, so records read by other queries are never used.
VERSION = hashlib.sha256(json.dumps(QUERIES, sort_keys=True).encode()).hexdigest()[:16]


class LinksState:
    """The records (``read.read_records``) of the graphs of the store in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / STATE_FILE

    def forget(self, graphs: Iterable[str]) -> None:
        """Drop the records of these graphs (call before they are written)."""
        names = [(g,) for g in graphs]
        if names and self.path.exists():
            self._run(lambda db: db.executemany("DELETE FROM record WHERE graph = ?", names))

    def forget_all(self) -> None:
        """Drop every record (call before a write that may change any graph)."""
        if self.path.exists():
            self._run(lambda db: db.execute("DELETE FROM record"))

    def load(self, graphs: Iterable[str]) -> dict[str, Rows]:
        """The records of those of ``graphs`` that have one; records of other graphs (gone from
        the store) are dropped."""
        wanted = set(graphs)
        found: dict[str, Rows] = {}
        gone: list[tuple[str]] = []

        def read(db: sqlite3.Connection) -> None:
            for graph, body in db.execute("SELECT graph, body FROM record"):
                if graph in wanted:
                    found[graph] = {k: [tuple(r) for r in v] for k, v in json.loads(body).items()}
                else:
                    gone.append((graph,))
            db.executemany("DELETE FROM record WHERE graph = ?", gone)

        self._run(read)
        return found

    def save(self, records: Mapping[str, Rows]) -> None:
        """Keep the records of these graphs (read from the store as it now is)."""
        rows = [(g, json.dumps(r, separators=(",", ":"))) for g, r in sorted(records.items())]
        if rows:
            self._run(
                lambda db: db.executemany("INSERT OR REPLACE INTO record VALUES (?, ?)", rows)
            )

    def _run(self, work: Callable[[sqlite3.Connection], object]) -> None:
        try:
            with closing(sqlite3.connect(self.path)) as db, db:
                db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                db.execute("CREATE TABLE IF NOT EXISTS record (graph TEXT PRIMARY KEY, body TEXT)")
                row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
                if row is None or row[0] != VERSION:
                    db.execute("DELETE FROM record")
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (VERSION,))
                work(db)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot use the links stage's records: {exc}") from exc


def current_records(store: SparqlStore, state: LinksState | None) -> dict[str, Rows]:
    """The records of every graph of the store but the links graph: kept ones from ``state``,
    the others read from the store (and kept). Without a state, all are read."""
    if state is None:
        return read_records(store)
    graphs = [g for g in graph_names(store) if g != str(LINKS_GRAPH)]
    found = state.load(graphs)
    missing = [g for g in graphs if g not in found]
    if missing:
        # Most graphs missing (a first build): one pass over the store beats long VALUES lists.
        fresh = read_records(store, missing if 2 * len(missing) < len(graphs) else None)
        fresh = {g: fresh[g] for g in missing}
        state.save(fresh)
        found |= fresh
    return found
