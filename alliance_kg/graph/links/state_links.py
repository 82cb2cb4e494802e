"""The links graph as the last write of it left it, kept in the links stage's file
(``state.py``) for the next write (``write.py``): a digest of each subject's triples with the
slot of the part it is in (``parts.Part.slot``: what the part is of, which stays while the
part's key changes with its content, so that a part worked out again moves none of its
subjects), and each part's key, slot and restates links.

The digests and parts are valid only while the file's ``links`` mark is there: a write of the
links graph removes it before the store is touched (``forget_links``) and sets it again once the
write is committed (``keep_links``). The mark says ``whole`` when every subject kept is in a
kept part (or in the rest, ``parts.REST``): the next write then reads back only the subjects of
the parts it works out and of those that are gone, not every subject's digest.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from alliance_kg.graph.links.state_corpus import select_in

#: The ``meta`` rows that a write of the links graph makes stale.
WRITTEN = "('links', 'totals', 'step')"
#: The value of the ``links`` mark when every subject kept is in a part.
_WHOLE = "whole"
#: The tables of the links graph's digests and parts, and their columns.
LINKS_TABLES = {
    "links": "subject TEXT PRIMARY KEY, digest BLOB, slot TEXT",
    "part": "key TEXT PRIMARY KEY, restates INTEGER, slot TEXT",
}
#: ``slot_subjects`` reads the subjects of some parts.
LINKS_INDEX = "CREATE INDEX IF NOT EXISTS links_slot ON links (slot)"
#: Of more subjects than this share of those kept, every subject is read: one pass over the
#: table costs less than looking each one up.
_SCAN_SHARE = 4

#: A subject's kept digest and the slot of its part ("" for none).
Kept = tuple[bytes, str]


class KeptLinks:
    """What ``state.LinksState`` keeps of the links graph."""

    path: Path  # the file

    def _run(self, work: Callable[[sqlite3.Connection], object]) -> None:
        raise NotImplementedError  # ``state.LinksState`` runs the work in a transaction

    def links(self) -> dict[str, bytes] | None:
        """The digest of each subject's triples in the store's links graph, as the last write of
        it left them (``write.write_links``), or None when they may not be."""
        rows = self._while_links_kept("SELECT subject, digest FROM links")
        return None if rows is None else {subject: found[0] for subject, found in rows.items()}

    def links_with_parts(self) -> dict[str, Kept] | None:
        """``links``, each digest with the slot of its subject's part."""
        return self._while_links_kept("SELECT subject, digest, slot FROM links")

    def links_whole(self) -> bool:
        """Whether the kept digests are the links graph's and every subject is in a part."""
        found: list[str] = []
        self._run(lambda db: found.extend(v for (v,) in db.execute(_MARK)))
        return found == [_WHOLE]

    def subjects_kept(self, subjects: Collection[str]) -> dict[str, Kept]:
        """The kept digests and parts of those of ``subjects`` that have one (call while they are
        valid: ``links_whole``)."""
        wanted = list(subjects)
        found: dict[str, Kept] = {}

        def read(db: sqlite3.Connection) -> None:
            (count,) = db.execute("SELECT count(*) FROM links").fetchone()
            if len(wanted) * _SCAN_SHARE > count:
                keys = set(wanted)
                rows = db.execute("SELECT subject, digest, slot FROM links")
                found.update((s, (d, p)) for s, d, p in rows if s in keys)
                return
            query = "SELECT subject, digest, slot FROM links WHERE subject IN"
            for subject, digest, slot in select_in(db, query, wanted):
                found[subject] = (digest, slot)

        self._run(read)
        return found

    def forget_links(self) -> None:
        """Say the kept digests may not be the links graph's (call before it is written); the
        totals and the stage's result go with them."""
        self._run(lambda db: db.execute(f"DELETE FROM meta WHERE key IN {WRITTEN}"))

    def link_parts(self) -> dict[str, int] | None:
        """The parts of the links graph (``parts.py``) as the last write of it left them: each
        one's key and its restates links; None when they may not be the graph's."""
        rows = self._while_links_kept("SELECT key, restates FROM part")
        return None if rows is None else {key: found[0] for key, found in rows.items()}

    def part_slots(self) -> dict[str, str]:
        """The slot of each kept part, by key (call while they are valid: ``link_parts``)."""
        rows = self._while_links_kept("SELECT key, slot FROM part")
        return {key: found[0] for key, found in (rows or {}).items()}

    def _while_links_kept(self, select: str) -> dict[str, Any] | None:
        """The rows of ``select`` by their first column (the others as a tuple), while the links
        graph's digests and parts are kept (the ``links`` mark, which ``forget_links``
        removes), else None."""
        found: dict[str, Any] = {}
        valid = False

        def read(db: sqlite3.Connection) -> None:
            nonlocal valid
            valid = db.execute(_MARK).fetchone() is not None
            if valid:
                found.update((key, rest) for key, *rest in db.execute(select))

        if self.path.exists():
            self._run(read)
        return found if valid else None

    def slot_subjects(self, slots: Collection[str]) -> list[str]:
        """The subjects of the parts of these slots."""
        found: list[str] = []
        query = "SELECT subject FROM links WHERE slot IN"
        self._run(lambda db: found.extend(s for (s,) in select_in(db, query, list(slots))))
        return sorted(found)

    def keep_links(
        self,
        changed: Mapping[str, Kept],
        removed: Collection[str],
        every: bool = False,
        parts: Mapping[str, tuple[int, str]] | None = None,
        dropped: Collection[str] = (),
        whole: bool = False,
    ) -> None:
        """Keep the digests and slots of the subjects of the links graph just written:
        ``changed`` and ``removed`` are the difference from those kept (``every``: ``changed``
        are all of them, and ``parts`` all the parts); ``parts``, the parts written (their
        restates links and slots), ``dropped`` those no longer in the graph; ``whole``: every
        subject of the graph is now in a part. Without ``parts``, no part is kept. Call only
        once the write is committed."""
        whole = whole and parts is not None

        def write(db: sqlite3.Connection) -> None:
            if every:
                db.execute("DELETE FROM links")
            if every or parts is None:
                db.execute("DELETE FROM part")
            db.executemany("DELETE FROM links WHERE subject = ?", [(k,) for k in removed])
            db.executemany(
                "INSERT OR REPLACE INTO links VALUES (?, ?, ?)",
                [(subject, digest, slot) for subject, (digest, slot) in changed.items()],
            )
            db.executemany("DELETE FROM part WHERE key = ?", [(k,) for k in dropped])
            db.executemany(
                "INSERT OR REPLACE INTO part VALUES (?, ?, ?)",
                [(key, n, slot) for key, (n, slot) in (parts or {}).items()],
            )
            mark = _WHOLE if whole else "kept"
            db.execute("INSERT OR REPLACE INTO meta VALUES ('links', ?)", [mark])

        self._run(write)


_MARK = "SELECT value FROM meta WHERE key = 'links'"
