"""Meetings resolved family by family, each family's result kept under the digest of all it
depends on, so a build that adds a statement resolves again only the families it changed.

A family is a set of documents that the rules of ``meetings.py`` can compare: every document
of one series (its mechanism, else the States that met), and, where a document names no
mechanism, every document whose States are a part of its own or hold them (the one case in
which ``meetings._same_series`` compares a document with a meeting of another series). No rule
reads a document of another family: a family's meetings, the meeting of each of its documents
and its conflicts are those ``resolve_meetings`` finds for the whole corpus (tested against it
on random corpora). What a family's result depends on is its documents as read, the labels,
offices and States of the people and places they name, and the blocks its commitments are in
(their pairs are the restated commitments it counts; a block's digest covers its result):
their digest is the key its result is kept under.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sys
from collections.abc import Collection, Iterable, Sequence
from dataclasses import astuple
from functools import cache
from typing import Protocol, runtime_checkable

from alliance_kg.graph.links import meetings as rules
from alliance_kg.graph.links.blocks import code_digest
from alliance_kg.graph.links.meetings import (
    Conflict,
    Meeting,
    reports_meeting,
    resolve_meetings,
    series_of,
)
from alliance_kg.graph.links.read import Corpus, Doc
from alliance_kg.graph.links.restated import Restated

Resolved = tuple[dict[str, Meeting], dict[str, str], list[Conflict]]


@runtime_checkable
class FamilyMemo(Protocol):
    """Where families' results are kept between builds (``state.LinksState``)."""

    def families(self, keys: Collection[str]) -> dict[str, bytes]:
        """The results kept under those of ``keys`` that have one."""
        ...

    def keep_families(self, keys: Collection[str], new: Iterable[tuple[str, bytes]]) -> None:
        """Keep the results of ``keys`` (``new``: those not kept yet), and no others."""
        ...


def resolve_kept(corpus: Corpus, restated: Restated, memo: object = None) -> Resolved:
    """``meetings.resolve_meetings(corpus, restated)``; with ``memo`` a ``FamilyMemo``, family
    by family, each family's result taken from ``memo`` where it is kept under the digest of
    its inputs, and the others worked out and kept. The same result either way."""
    if not isinstance(memo, FamilyMemo) or not restated.keyed:
        return resolve_meetings(corpus, restated)
    families = doc_families(corpus)
    keys = [_family_key(corpus, family, restated) for family in families]
    found = memo.families(keys)
    results: list[Resolved] = []
    new: list[tuple[str, bytes]] = []
    for family, key in zip(families, keys, strict=True):
        result = _decoded(found[key]) if key in found else None
        if result is None:
            docs = {iri: corpus.docs[iri] for iri in family}
            result = resolve_meetings(Corpus(docs, corpus.items, corpus.entities), restated)
            new.append((key, _encoded(result)))
        results.append(result)
    memo.keep_families(keys, new)
    merged = merge_families(results)
    return merged if merged is not None else resolve_meetings(corpus, restated)


def doc_families(corpus: Corpus) -> list[list[str]]:
    """The families of the documents that report a meeting (module docstring): each a sorted
    list of IRIs, in the order of their first."""
    # Documents of one series are of one family: series are joined, not documents.
    series: dict[tuple[str, ...], list[Doc]] = {}
    for doc in corpus.docs.values():
        if reports_meeting(doc):
            series.setdefault(series_of(doc) or ("",), []).append(doc)
    parent: dict[object, object] = {}

    def find(x: object) -> object:
        root = x
        while (up := parent.setdefault(root, root)) != root:
            root = up
        while x != root:
            parent[x], x = root, parent[x]
        return root

    def join(a: object, b: object) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb

    docs = [doc for found in series.values() for doc in found]
    loose = {frozenset(d.parties) for d in docs if not d.series and d.parties}
    joined: set[frozenset[str]] = set()
    for states in {frozenset(d.parties) for d in docs if d.parties} if loose else ():
        for other in loose:
            if states <= other or other <= states:
                join(states, other)
                joined.add(states)
    for key, found in series.items():
        find(key)
        for doc in found:
            if doc.parties and frozenset(doc.parties) in joined:
                join(key, frozenset(doc.parties))
    families: dict[object, list[str]] = {}
    for key, found in series.items():
        families.setdefault(find(key), []).extend(doc.iri for doc in found)
    return sorted((sorted(family) for family in families.values()), key=lambda f: f[0])


def merge_families(results: Sequence[Resolved]) -> Resolved | None:
    """The results of the families as one, in the order ``resolve_meetings`` gives (the
    meetings of dated groups by series and day, then those of undated reports by document); or
    None when two families gave one meeting key (no family then knows what the other's does)."""
    every: list[tuple[tuple[int, tuple[str, ...], str], Meeting]] = []
    doc_meeting: dict[str, str] = {}
    conflicts: list[Conflict] = []
    for meetings, docs, found in results:
        every += ((_order(meeting), meeting) for meeting in meetings.values())
        doc_meeting.update(docs)
        conflicts += found
    merged = {meeting.key: meeting for _, meeting in sorted(every, key=lambda m: m[0])}
    if len(merged) != len(every):
        return None
    conflicts.sort(key=lambda c: (c.doc, c.field, c.stated))
    return merged, dict(sorted(doc_meeting.items())), conflicts


def _order(meeting: Meeting) -> tuple[int, tuple[str, ...], str]:
    """Where ``resolve_meetings`` puts a meeting: a dated one by its group's series and day, an
    undated one (one report's) after them, by its document's key."""
    if meeting.date is None:
        return 1, (), meeting.docs[0].rsplit("/", 1)[-1]
    series = (meeting.series,) if meeting.series else meeting.states
    return 0, series, meeting.date


def _family_key(corpus: Corpus, family: list[str], restated: Restated) -> str:
    """The digest of all a family's result depends on (module docstring)."""
    docs, entities = corpus.docs, corpus.entities
    named: set[str] = set()
    heads = []
    for iri in family:
        doc = docs[iri]
        named.update(doc.participants)
        if doc.place:
            named.add(doc.place)
        heads.append(
            (iri, doc.series, doc.date, doc.start, doc.place, doc.given_date, doc.given_place,
             sorted(doc.participants), sorted(doc.parties))
        )  # fmt: skip
    said: list[tuple[str, str, str | None, str | None]] = []
    for iri in sorted(named):
        entity = entities.get(iri)
        if entity is not None:
            said.append((iri, entity.label, entity.office, entity.represents))
    digest = hashlib.sha256(_code().encode())
    # JSON, not marshal: marshal writes an object met twice as a reference to the first, so
    # equal inputs held as shared or as separate strings (documents read from the store, or
    # kept) gave other bytes, and every family was resolved again.
    digest.update(json.dumps([heads, said, restated.block_keys(family)]).encode())
    return digest.hexdigest()


def _encoded(result: Resolved) -> bytes:
    meetings, doc_meeting, conflicts = result
    rows = [astuple(m) for m in meetings.values()]
    return marshal.dumps((rows, doc_meeting, [astuple(c) for c in conflicts]))


def _decoded(body: bytes) -> Resolved | None:
    """A kept result, or None if it is not as this code keeps them (then worked out again)."""
    try:
        rows, doc_meeting, found = marshal.loads(body)
        meetings = {row[0]: Meeting(*row) for row in rows}
        return meetings, dict(doc_meeting), [Conflict(*row) for row in found]
    except (ValueError, TypeError, EOFError):
        return None


@cache
def _code() -> str:
    """The digest of the rules' code and this module's (how a result is kept)."""
    python = f"{sys.implementation.cache_tag} {marshal.version}"
    return f"{code_digest((rules.__file__, __file__))} {python}"
