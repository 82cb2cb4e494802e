"""What the corpus-level stage read of each graph, and the results of its blocks, kept beside
an on-disk store.

The stage needs a few facts of every document (``read.QUERIES``); reading them from every graph
of the store at every build costs time in proportion to the store. So the records of the graphs
are kept in a small SQLite file in the store's folder, and a build reads from the store only the
graphs that have no record: those it has just written, and any the file does not know.

The file can only be stale if a graph changes while its record stays, so every write of
document graphs first forgets their records (``forget``), in a committed transaction of its
own, before the store is touched; ``akg update`` forgets those of the graphs its text names, or
all of them when it may change any graph (``graph.updates.update_scope``) or when another
program wrote the store since akg last did (``graph.stamp``). A failure anywhere after that
leaves graphs without records, which are read again: never a record that disagrees with the
store. The records of graphs that left the store are dropped. A file written by another
version of the queries (``read.QUERIES``) is emptied when opened. Programs other than akg that
write the store directly bypass this until the next ``akg update`` (or deleting the file), which
makes the stage read everything again.

The file also keeps the results of the stage's blocks (``blocks.py``) and the meetings of its
families of reports (``families.py``), each under the digest of all it depends on, so that no
write makes one stale; those of blocks and families the last build did not have are dropped.
And it keeps a digest of each subject's triples in the links graph, so that the next write of
that graph reads back from the store only the subjects whose digest changed
(``write.py``): they are marked as not kept (``forget_links``) in a committed transaction before
the graph is written and kept again once the write is committed, and forgotten by an ``akg
update`` that names the links graph, may change any graph or follows another program's write
(``updating.update_store``), after which the whole graph is compared again. With the
digests, and valid only with them, it keeps the key and restates links of each part of the
graph (``parts.py``) that the last write left, and the part of each subject, which the next
build takes as they are when their keys are the same (``state_links.py``).

Last, it keeps the store's counts (``graph.totals``), which only passes over the whole store
can count: every write forgets them first (``forget``,
``forget_all`` and ``forget_links`` do), and a write that knew them keeps them again, moved by
what it changed, once it is committed. And the stage's corpus and vectors (``state_corpus.py``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_kg.errors import StoreError
from alliance_kg.graph.links.read import (
    LINKS_GRAPH,
    MEETING_ONLY,
    OF_COMMITMENTS,
    OF_ENTITIES,
    QUERIES,
    Rows,
    RowSource,
    read_query,
)
from alliance_kg.graph.links.state_corpus import (
    KEPT_COLUMNS,
    KEPT_TABLE,
    KeptCorpus,
    select_in,
)
from alliance_kg.graph.links.state_links import LINKS_INDEX, LINKS_TABLES, WRITTEN, KeptLinks

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

#: The file's name in the store's folder.
STATE_FILE = "akg-links-state.sqlite"
#: The layout of the file's tables; with the queries, what a file must match to be used.
SCHEMA = 13
#: Changes whenever the queries or the tables do: a file of another version is emptied.
VERSION = hashlib.sha256(json.dumps([SCHEMA, QUERIES], sort_keys=True).encode()).hexdigest()[:16]


class LinksState(KeptCorpus, KeptLinks):
    """The records (``read.read_records``) of the graphs of the store in ``folder``: the rows of
    each query for each graph, and which graphs' records are complete ("known")."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / STATE_FILE

    def forget(self, graphs: Iterable[str]) -> None:
        """Drop the records of these graphs (call before they are written)."""
        names = [(g,) for g in graphs]
        if names and self.path.exists():
            self._run(lambda db: _delete(db, names))
            if (str(LINKS_GRAPH),) in names:
                self.forget_links()
            else:
                self.forget_totals()

    def forget_all(self) -> None:
        """Drop every record (call before a write that may change any graph)."""
        if self.path.exists():
            self._run(_delete_every)
            self.forget_links()  # and the totals

    def totals(self) -> str | None:
        """The store's totals (``graph.totals``, as text) as the last write that kept them left
        them, or None when a write since may have changed them. Read without writing (``akg
        stats`` and ``akg serve`` ask, on a store they only read): a file of another version,
        or one that cannot be read, has none."""
        if not self.path.exists():
            return None
        try:
            with closing(
                sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            ) as db:
                rows = dict(db.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", _KEYS))
        except sqlite3.Error:
            return None
        return rows.get("totals") if rows.get("version") == VERSION else None

    def keep_totals(self, text: str) -> None:
        """Keep the store's totals: call only once the write that gave them is committed."""
        self._run(lambda db: db.execute("INSERT OR REPLACE INTO meta VALUES ('totals', ?)", [text]))

    def forget_totals(self) -> None:
        """Say the kept totals, and the stage's result, may not be the store's (call before any
        write)."""
        if self.path.exists():
            self._run(lambda db: db.execute("DELETE FROM meta WHERE key IN ('totals', 'step')"))

    def step(self) -> str | None:
        """The corpus-level stage's result (text), kept by the last stage while no write since
        may have changed a graph; else None."""
        found: list[str] = []
        if self.path.exists():
            self._run(lambda db: found.extend(r for (r,) in db.execute(_STEP)))
        return found[0] if found else None

    def keep_step(self, text: str) -> None:
        """Keep the stage's result: call once the links graph it wrote is committed."""
        self._run(lambda db: db.execute("INSERT OR REPLACE INTO meta VALUES ('step', ?)", [text]))

    def known(self, graphs: Iterable[str]) -> set[str]:
        """Those of ``graphs`` whose records are complete; the records of any other graph (gone
        from the store) are dropped."""
        wanted = set(graphs)
        found: set[str] = set()

        def read(db: sqlite3.Connection) -> None:
            for (graph,) in db.execute("SELECT graph FROM known"):
                found.add(graph)
            _delete(db, [(g,) for g in sorted(found - wanted)])

        self._run(read)
        return found & wanted

    def unchanged(self, prints: Mapping[str, str]) -> set[str]:
        """The graphs of ``prints`` written from a file of that fingerprint, by a build that
        kept their records (none read back from the store, which has no fingerprint)."""
        found: set[str] = set()

        def read(db: sqlite3.Connection) -> None:
            for graph, kept in db.execute("SELECT graph, print FROM known"):
                if kept is not None and prints.get(graph) == kept:
                    found.add(graph)

        self._run(read)
        return found

    def read(self, store: SparqlStore, graphs: list[str], every: bool) -> None:
        """Read the records of ``graphs`` from the store and keep them, one query at a time (so
        that only one query's rows are held in memory); ``every``: they are all the store's."""
        names = [(g,) for g in graphs]
        self._run(lambda db: _delete(db, names))  # not ``forget``: the store is only read
        digests = {g: _Digest() for g in graphs}
        for query in QUERIES:
            rows = read_query(store, query, graphs, every)
            body = [(g, query, _body(r)) for g, r in rows.items()]
            for g, _, text in body:
                digests[g].update(query, rows[g], text)
            del rows
            self._run(partial(_insert, "INSERT INTO record VALUES (?, ?, ?)", body))
        known = [(g, digest.hexdigest()) for g, digest in digests.items()]
        self._run(partial(_insert, "INSERT INTO known (graph, digest) VALUES (?, ?)", known))

    def keep(self, records: Mapping[str, Rows], prints: Mapping[str, str] | None = None) -> None:
        """Keep the records of graphs just written, made by whoever wrote them
        (``read.graph_records``), with the fingerprints of the files they were made from
        (``prints``, by graph): call only once the write is committed, so that a failure
        between leaves graphs without a record (read again), never a record without its graph."""
        body = [
            (g, query, _body(record[query]))
            for g, record in records.items()
            for query in QUERIES
            if record.get(query)
        ]
        digests = {g: _Digest() for g in records}
        for g, query, text in body:
            digests[g].update(query, records[g][query], text)
        known = [(g,) for g in records]
        printed = [(g, (prints or {}).get(g), digests[g].hexdigest()) for g in records]

        def write(db: sqlite3.Connection) -> None:
            _delete(db, known)
            db.executemany("INSERT INTO record VALUES (?, ?, ?)", body)
            db.executemany("INSERT INTO known (graph, print, digest) VALUES (?, ?, ?)", printed)

        if known:
            self._run(write)

    def source(self, skip: Collection[str] = ()) -> RowSource:
        """The rows of the known graphs but ``skip``, as ``read.corpus_of`` takes them."""

        def rows(query: str) -> Iterator[tuple[str, list[tuple[str, ...]]]]:
            with closing(self._connect()) as db:
                try:
                    found = db.execute(
                        "SELECT record.graph, record.body FROM record JOIN known USING (graph) "
                        "WHERE record.query = ? ORDER BY record.graph",
                        (query,),
                    )
                    for graph, body in found:
                        if graph not in skip:
                            yield graph, [tuple(row) for row in json.loads(body)]
                except sqlite3.Error as exc:
                    raise _unusable(self.path, exc) from exc

        return rows

    def blocks(self, keys: Collection[str]) -> dict[str, bytes]:
        """The blocks' results kept under those of ``keys`` that have one (``blocks.py``)."""
        return self._memo("block", keys)

    def keep_blocks(self, keys: Collection[str], new: Iterable[tuple[str, bytes]]) -> None:
        """Keep the results of the blocks ``keys`` (``new``: those not kept yet, each key and
        result, taken one at a time), and drop the others. A result is kept under the digest of
        all it depends on, so it is never stale (``blocks._key``): no write of the store needs
        to forget it."""
        self._keep_memo("block", keys, new)

    def families(self, keys: Collection[str]) -> dict[str, bytes]:
        """The meetings of the families kept under those of ``keys`` (``families.py``)."""
        return self._memo("family", keys)

    def keep_families(self, keys: Collection[str], new: Iterable[tuple[str, bytes]]) -> None:
        """Keep the meetings of the families ``keys`` (``new``: those not kept yet), and drop
        the others; each is kept under the digest of all it depends on, as a block's is."""
        self._keep_memo("family", keys, new)

    def _memo(self, table: str, keys: Collection[str]) -> dict[str, bytes]:
        wanted = list(keys)
        found: dict[str, bytes] = {}

        def read(db: sqlite3.Connection) -> None:
            found.update(select_in(db, f"SELECT key, body FROM {table} WHERE key IN", wanted))

        self._run(read)
        return found

    def _keep_memo(
        self, table: str, keys: Collection[str], new: Iterable[tuple[str, bytes]]
    ) -> None:
        wanted = set(keys)

        def write(db: sqlite3.Connection) -> None:
            gone = [(k,) for (k,) in db.execute(f"SELECT key FROM {table}") if k not in wanted]
            db.executemany(f"DELETE FROM {table} WHERE key = ?", gone)
            db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", new)

        self._run(write)

    def _connect(self) -> sqlite3.Connection:
        try:
            return sqlite3.connect(self.path)
        except sqlite3.Error as exc:
            raise _unusable(self.path, exc) from exc

    def _run(self, work: Callable[[sqlite3.Connection], object]) -> None:
        try:
            with closing(self._connect()) as db, db:
                db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
                if row is None or row[0] != VERSION:
                    for table in _TABLES:
                        db.execute(f"DROP TABLE IF EXISTS {table}")
                    db.execute(f"DELETE FROM meta WHERE key IN {WRITTEN}")
                    db.execute("DELETE FROM meta WHERE key IN ('weighed', 'columns')")
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (VERSION,))
                for table, columns in _TABLES.items():
                    db.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
                # ``source`` reads one query's rows of every graph, in the graphs' order: without
                # this, each of its queries scans the whole table (0.65 against 0.37 s for the
                # 15 queries of 10,000 documents).
                db.execute("CREATE INDEX IF NOT EXISTS record_query ON record (query, graph)")
                db.execute(LINKS_INDEX)
                work(db)
        except sqlite3.Error as exc:
            raise _unusable(self.path, exc) from exc


#: The file's tables and their columns. ``known.digest``: the digest of the graph's record,
#: which ``staged`` keeps for the records the last stage's corpus and vectors came from
#: (``state_corpus.py``).
_TABLES = {
    "known": "graph TEXT PRIMARY KEY, print TEXT, digest TEXT",
    "staged": "graph TEXT PRIMARY KEY, digest TEXT",
    "record": "graph TEXT, query TEXT, body TEXT, PRIMARY KEY (graph, query)",
    "block": "key TEXT PRIMARY KEY, body BLOB",
    "family": "key TEXT PRIMARY KEY, body BLOB",
    **LINKS_TABLES,
    KEPT_TABLE: KEPT_COLUMNS,
}
_STEP = "SELECT value FROM meta WHERE key = 'step'"
#: The ``meta`` rows ``totals`` reads.
_KEYS = ("version", "totals")


def _body(rows: list[tuple[str, ...]]) -> str:
    """One query's rows of one graph as the file keeps them."""
    return json.dumps(rows, separators=(",", ":"))


class _Digest:
    """A graph's record digest (``known.digest``, read by ``state_corpus.digest_parts``): of the
    rows of its entities (``OF_ENTITIES``), of the rows only meetings read (``MEETING_ONLY``)
    and of the others, each followed by ``:``; then ``1`` if the rows about commitments
    (``OF_COMMITMENTS``) name only the graph's own commitments, else ``0``."""

    def __init__(self) -> None:
        self._entities, self._meeting, self._rest = (hashlib.sha256() for _ in range(3))
        self._own: set[str] = set()
        self._named: set[str] = set()

    def update(self, query: str, rows: Sequence[tuple[str, ...]], body: str) -> None:
        """Take one query's rows (queries in the order of ``QUERIES``) and their text."""
        part = (
            self._entities
            if query in OF_ENTITIES
            else self._meeting
            if query in MEETING_ONLY
            else self._rest
        )
        part.update(f"{query}\t{body}\n".encode())
        if query == "item":
            self._own.update(row[0] for row in rows)
        elif query in OF_COMMITMENTS:
            self._named.update(row[0] for row in rows)

    def hexdigest(self) -> str:
        parts = (self._entities, self._meeting, self._rest)
        return ":".join(part.hexdigest() for part in parts) + f":{int(self._named <= self._own)}"


def _insert(statement: str, rows: Sequence[tuple[str, ...]], db: sqlite3.Connection) -> None:
    db.executemany(statement, rows)


def records_fault(what: str) -> StoreError:
    """The error of records the stage finds wrong once read (``what`` they hold), where the
    file's path is not at hand."""
    return StoreError(
        f"the links stage's records {what}; delete {STATE_FILE} in the store's folder (the "
        "next build reads the store again)"
    )


def _unusable(path: Path, exc: sqlite3.Error) -> StoreError:
    return StoreError(
        f"{path}: cannot use the links stage's records: {exc}; delete this file (the next "
        "build reads the store again)"
    )


def _delete_every(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM known")
    db.execute("DELETE FROM record")


def _delete(db: sqlite3.Connection, graphs: list[tuple[str]]) -> None:
    db.executemany("DELETE FROM known WHERE graph = ?", graphs)
    db.executemany("DELETE FROM record WHERE graph = ?", graphs)
