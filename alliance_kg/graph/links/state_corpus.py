"""The corpus and word vectors as the last stage worked them out, kept in the links stage's
file (``state.py``) for the next stage to take (``grown.py``).

Each graph's record has a digest (``known.digest``); the stage keeps the digests of the records
it read (``staged``), with each document as it read it and its commitments' vectors
(``kept``), and its counts. While every graph it read has a record of the same digest, what
it kept is what those records say (a graph written again the same, as the ontology is by every
build, changes nothing), and the graphs that it did not read are those written since. A digest
is in parts (``digest_parts``), so that a graph whose entities' rows are the same is told apart:
its document, and its commitments where no graph names another's, can then be taken as they
are now (``grown._grown``).
"""

from __future__ import annotations

import json
import marshal
import sqlite3
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any, NamedTuple

from alliance_kg.graph.links.read import QUERIES, Item, Rows

#: The table of what is kept of each document, and its columns: its commitments (marshalled,
#: ``items_blob``), their IRIs and words (JSON), and the words' weights (machine floats,
#: in the same order). The documents themselves are kept together (``kept_columns``).
KEPT_TABLE = "kept"
KEPT_COLUMNS = "graph TEXT PRIMARY KEY, doc BLOB, words TEXT, weights BLOB"

#: A graph's kept vectors: each commitment's IRI and vector.
GraphVectors = list[tuple[str, dict[str, float]]]


class Staged(NamedTuple):
    """The counts the last stage kept (text), while every graph it read has a record that is
    the same or ``_edited`` (else None); the graphs with a record it did not read (written
    since); those whose record changed in the rows only meetings read (``met``), and those
    whose commitments may be taken as they are now (``rewritten``), each in name order."""

    counts: str | None
    fresh: list[str]
    met: list[str]
    rewritten: list[str]


#: The graphs the last stage read that have no record now, or another: the digests of both.
_CHANGED = (
    "SELECT staged.graph, staged.digest, known.digest FROM staged LEFT JOIN known USING (graph) "
    "WHERE known.digest IS NULL OR known.digest != staged.digest ORDER BY staged.graph"
)
#: The records read by the stage that keeps the corpus, where they are not staged already.
_STAGED = (
    "INSERT OR REPLACE INTO staged SELECT graph, digest FROM known WHERE NOT EXISTS "
    "(SELECT 1 FROM staged WHERE staged.graph = known.graph AND staged.digest = known.digest)"
)
#: The columns of every kept commitment (``KeptCorpus.kept_columns``).
_COLUMNS = "SELECT value FROM meta WHERE key = 'columns'"
#: Any graph whose rows about commitments name another graph's (``state._Digest``).
_FOREIGN = "SELECT 1 FROM known WHERE digest LIKE '%:0' LIMIT 1"
#: The graphs with a record the last stage did not read.
_FRESH = (
    "SELECT graph FROM known WHERE NOT EXISTS "
    "(SELECT 1 FROM staged WHERE staged.graph = known.graph) ORDER BY graph"
)


class KeptCorpus:
    """What ``state.LinksState`` keeps of the stage's corpus and vectors."""

    def _run(self, work: Callable[[sqlite3.Connection], object]) -> None:
        raise NotImplementedError  # ``state.LinksState`` runs the work in a transaction

    def staged(self) -> Staged:
        """What the last stage kept, and the graphs written since (``Staged``)."""
        found: list[str | None] = [None]
        fresh: list[str] = []
        met: list[str] = []
        rewritten: list[str] = []

        def read(db: sqlite3.Connection) -> None:
            row = db.execute("SELECT value FROM meta WHERE key = 'weighed'").fetchone()
            rows = db.execute(_CHANGED).fetchall()
            foreign = db.execute(_FOREIGN).fetchone() is not None
            kinds = [_edited(old, new, foreign) for _, old, new in rows]
            if row is not None and all(kinds):
                found[0] = row[0]
                for (graph, _, _), kind in zip(rows, kinds, strict=True):
                    (met if kind == "meeting" else rewritten).append(graph)
            fresh.extend(graph for (graph,) in db.execute(_FRESH))

        self._run(read)
        return Staged(found[0], fresh, met, rewritten)

    def graph_rows(self, graphs: Collection[str]) -> dict[str, Rows]:
        """The records of these graphs: each query's rows (``read.QUERIES``)."""
        wanted = list(graphs)
        found: dict[str, Rows] = {graph: {query: [] for query in QUERIES} for graph in wanted}

        def read(db: sqlite3.Connection) -> None:
            for graph in wanted:
                select = "SELECT query, body FROM record WHERE graph = ?"
                for query, body in db.execute(select, (graph,)):
                    found[graph][query] = [tuple(row) for row in json.loads(body)]

        self._run(read)
        return found

    def kept_items(self, graphs: Collection[str]) -> dict[str, list[Item]]:
        """The commitments kept of these graphs' documents (``items_blob``), in order;
        ``StoreError`` where one cannot be read."""
        found: dict[str, list[Item]] = {}

        def read(db: sqlite3.Connection) -> None:
            make = Item._make
            query = f"SELECT graph, doc FROM {KEPT_TABLE} WHERE graph IN"
            for graph, body in select_in(db, query, list(graphs)):
                try:
                    found[graph] = list(map(make, marshal.loads(body)))  # another length: TypeError
                except (ValueError, TypeError, EOFError) as exc:
                    raise sqlite3.DatabaseError(f"the commitments of {graph}: {exc}") from exc

        self._run(read)
        return found

    def kept_columns(self) -> bytes | None:
        """What the last stage kept of every commitment and document (``kept_items.encoded``),
        if it kept them."""
        found: list[tuple[object]] = []
        self._run(lambda db: found.extend(db.execute(_COLUMNS)))
        return found[0][0] if found and isinstance(found[0][0], bytes) else None

    def graph_vectors(self, graphs: Collection[str]) -> dict[str, GraphVectors]:
        """The vectors kept of these graphs' commitments."""
        wanted = list(graphs)
        found: dict[str, GraphVectors] = {}

        def read(db: sqlite3.Connection) -> None:
            query = f"SELECT graph, words, weights FROM {KEPT_TABLE} WHERE graph IN"
            for graph, words, weights in select_in(db, query, wanted):
                try:
                    found[graph] = _decoded(words, weights)
                except (ValueError, TypeError) as exc:
                    # Reported as the file's other faults are (``state._unusable``).
                    raise sqlite3.DatabaseError(f"the vectors of {graph}: {exc}") from exc

        self._run(read)
        return found

    def keep_corpus(
        self,
        counts: str,
        kept: Iterable[tuple[str, bytes, GraphVectors]],
        every: bool,
        columns: bytes | None = None,
    ) -> None:
        """Keep the stage's counts (text), and each document (graph, bytes) with its vectors
        that it worked out (``every``: of all its documents, the others dropped), the columns
        of every commitment (``kept_items.encoded``; none: none kept), and the digests of the
        records it read: call with those records still kept, none written since. The documents
        are encoded one at a time as they are written (some 100 MB of text at 10,000
        statements, never held at once)."""

        def write(db: sqlite3.Connection) -> None:
            if every:
                db.execute(f"DELETE FROM {KEPT_TABLE}")
                db.execute("DELETE FROM staged")
            db.executemany(
                f"INSERT OR REPLACE INTO {KEPT_TABLE} VALUES (?, ?, ?, ?)",
                ((graph, doc, *_encoded(vecs)) for graph, doc, vecs in kept),
            )
            # Only the records that changed: rewriting every row took 0.25 s at 10,000 graphs.
            db.execute(_STAGED)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('weighed', ?)", [counts])
            if columns is None:
                db.execute("DELETE FROM meta WHERE key = 'columns'")
            else:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('columns', ?)", [columns])

        self._run(write)


def digest_parts(digest: str) -> tuple[str, str, str, bool]:
    """A record's digest (``known.digest``, ``state._Digest``) in its parts: of the entities'
    rows, of those only meetings read, of the others; and whether the rows about commitments
    name only the graph's own."""
    entities, meeting, rest, own = (digest.split(":") + ["", "", "", ""])[:4]
    return entities, meeting, rest, own == "1"


def _edited(old: str, new: str | None, foreign: bool) -> str:
    """How a graph's record changed from the digest ``old`` to ``new``, where the kept corpus
    stays right once its document, or also its commitments, are taken as they are now
    (``grown._grown``): ``meeting`` if only the rows only meetings read changed; ``rewritten``
    if other rows changed too, but they name only its own commitments before and after while
    no graph names another's (``foreign``), so that its commitments are all its rows say of
    them; else "" (its entities' rows changed: each entity's fields are a union over graphs,
    from which a row gone cannot be taken back; or it is gone)."""
    if not new:
        return ""
    before, after = digest_parts(old), digest_parts(new)
    if before[0] != after[0]:
        return ""
    if before[2] == after[2]:
        return "meeting"
    return "rewritten" if before[3] and after[3] and not foreign else ""


def items_blob(items: list[Item]) -> bytes:
    """A document's commitments as ``KeptCorpus.kept_items`` reads them. Marshalled: their
    sets and tuples read back as they are, some twice as fast as the same in JSON, then made
    into ``Item`` tuples without a step of Python each (``Item._make``). (The document itself
    is kept with every other, ``kept_items.encoded``.)"""
    return marshal.dumps([tuple(item) for item in items])


def select_in(db: sqlite3.Connection, query: str, keys: list[str]) -> Iterator[Any]:
    """The rows of ``query`` (which ends in ``IN``) for these keys, 500 to a statement."""
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        yield from db.execute(f"{query} ({', '.join('?' * len(chunk))})", chunk)


def _encoded(vectors: GraphVectors) -> tuple[str, bytes]:
    words = [[iri, list(vec)] for iri, vec in vectors]
    weights = array("d", (w for _, vec in vectors for w in vec.values()))
    return json.dumps(words, separators=(",", ":")), weights.tobytes()


def _decoded(words: str, weights: bytes) -> GraphVectors:
    values: array[float] = array("d")
    values.frombytes(weights)
    out: GraphVectors = []
    at = 0
    for iri, keys in json.loads(words):
        out.append((iri, dict(zip(keys, values[at : at + len(keys)], strict=True))))
        at += len(keys)
    if at != len(values):
        raise ValueError("words and weights do not match")
    return out
