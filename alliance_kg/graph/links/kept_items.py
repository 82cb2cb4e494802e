"""The commitments of a corpus the last stage kept (``grown.py``), each document's read when one
of them is first asked for; and the columns every pass of the stage reads of all of them.

A store of 10,000 statements keeps some 126,000 commitments, of which a stage after one more
statement reads few whole: those of the block of parties it joins, and of the documents
weighed again. The passes over every commitment (the blocks by parties, the restated
commitments, the parts' digests) read only each one's document, parties and concerns: these
are kept as columns (``Columns``), and made into commitments only where asked for. The order
is the corpus's (``read.ordered_items``): by document key, so each document's commitments are
together, then by place in it and IRI.
"""

from __future__ import annotations

import marshal
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from itertools import chain, repeat
from operator import attrgetter
from typing import Any, NamedTuple, overload

from alliance_kg.graph.links.read import Corpus, Doc, Item
from alliance_kg.graph.links.state import records_fault

#: The commitments of each of these documents, in the corpus's order.
Loader = Callable[[list[str]], Mapping[str, list[Item]]]

#: A document's commitments in the columns: how many, their parties, concerns and IRIs' CRCs.
Segment = tuple[int, list[frozenset[str]], list[frozenset[str]], list[int]]

_PARTIES = attrgetter("parties")
_CONCERNS = attrgetter("concerns")
_DOC = attrgetter("doc")


class Columns(NamedTuple):
    """What every pass reads of every commitment: the documents in the corpus's order and how
    many commitments each has; each commitment's parties and concerns; and the CRC-32 of every
    one's IRI, sorted (a new commitment whose IRI has none of them is not an earlier one)."""

    order: list[str]
    counts: list[int]
    parties: list[frozenset[str]]
    concerns: list[frozenset[str]]
    crcs: array[int]


class KeptItems(Sequence[Item]):
    """A corpus's commitments: those of a document decoded (``load``) when one is asked for."""

    def __init__(self, columns: Columns, load: Loader, decoded: dict[str, list[Item]]) -> None:
        self.columns = columns
        self._load = load
        self._decoded: dict[str, list[Item]] = {}
        self._starts = list(chain((0,), _sums(columns.counts)))
        self._at = {doc: k for k, doc in enumerate(columns.order)}
        self._docs: list[str] | None = None
        #: The commitments decoded, at their indexes (None where not decoded yet): a commitment
        #: asked for again is a list's item.
        self._flat: list[Item | None] = [None] * self._starts[-1]
        for doc, items in decoded.items():
            self._took(doc, items)

    def __len__(self) -> int:
        return self._starts[-1]

    @overload
    def __getitem__(self, i: int) -> Item: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Item]: ...
    def __getitem__(self, i: int | slice) -> Item | Sequence[Item]:
        if isinstance(i, slice):
            return [self[k] for k in range(len(self))[i]]
        item = self._flat[i]  # IndexError past the end
        if item is None:
            k = bisect_right(self._starts, i % len(self)) - 1
            self.load([self.columns.order[k]])
            item = self._flat[i]
            assert item is not None
        return item

    def __iter__(self) -> Iterator[Item]:
        self.load(self.columns.order)
        return chain.from_iterable(map(self._decoded.__getitem__, self.columns.order))

    def __eq__(self, other: object) -> bool:
        """Equal to a sequence of the same commitments (a corpus read afresh has a list)."""
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def of_doc(self, doc: str) -> list[Item]:
        """The commitments of a document of the corpus."""
        found = self._decoded.get(doc)
        if found is None:
            self.load([doc])
            found = self._decoded[doc]
        return found

    def load(self, docs: Collection[str]) -> None:
        """Decode the commitments of these documents at once (those not decoded yet)."""
        wanted = [doc for doc in docs if doc not in self._decoded]
        if not wanted:
            return
        found = self._load(wanted)
        for doc in wanted:
            items = found.get(doc)
            if items is None or len(items) != self.columns.counts[self._at[doc]]:
                raise records_fault(f"keep other commitments of {doc} than they count")
            self._took(doc, items)

    def _took(self, doc: str, items: list[Item]) -> None:
        k = self._at[doc]
        self._decoded[doc] = items
        self._flat[self._starts[k] : self._starts[k + 1]] = items

    @property
    def docs(self) -> list[str]:
        """Each commitment's document."""
        if self._docs is None:
            order, counts = self.columns.order, self.columns.counts
            self._docs = list(chain.from_iterable(map(repeat, order, counts)))
        return self._docs

    def indexes_of(self, docs: Collection[str]) -> list[int]:
        """The indexes of the commitments of these documents, in order."""
        at = sorted(self._at[doc] for doc in docs if doc in self._at)
        return [i for k in at for i in range(self._starts[k], self._starts[k + 1])]

    def holds(self, doc: str) -> bool:
        """Whether the document has commitments here."""
        return doc in self._at

    def may_hold(self, iris: Collection[str]) -> bool:
        """Whether a commitment of these IRIs may be one of these (never False when it is)."""
        crcs = self.columns.crcs
        for iri in iris:
            crc = zlib.crc32(iri.encode())
            at = bisect_left(crcs, crc)
            if at < len(crcs) and crcs[at] == crc:
                return True
        return False

    def replaced(self, doc: str, items: list[Item]) -> None:
        """Take ``items`` as the document's commitments (as many, in the same order)."""
        k = self._at[doc]
        start, end = self._starts[k], self._starts[k + 1]
        if len(items) != end - start:
            raise ValueError(f"{doc} has {end - start} commitments, not {len(items)}")
        self._took(doc, items)
        self.columns.parties[start:end] = map(_PARTIES, items)
        self.columns.concerns[start:end] = map(frozenset, map(_CONCERNS, items))

    def grown(self, new: Mapping[str, list[Item]], keys: Mapping[str, str]) -> KeptItems | None:
        """These commitments and the documents of ``new`` (each its commitments in order), each
        put where its key (``keys``: of every document) puts it; None when a new document is
        one of these, or shares its key with another (their commitments would interleave)."""
        order = self.columns.order
        taken = {keys[doc] for doc in order}
        if any(doc in self._at or keys[doc] in taken for doc in new):
            return None
        if len({keys[doc] for doc in new}) != len(new):
            return None
        # Each new document's segment spliced in where its key falls among the others'.
        at = [keys[doc] for doc in order]
        c = self.columns
        parties, concerns, crcs = list(c.parties), list(c.concerns), array("I", c.crcs)
        merged, counts = list(order), list(c.counts)
        for doc in sorted(new, key=keys.__getitem__, reverse=True):
            k = bisect_right(at, keys[doc])
            start = self._starts[k]
            count, made, about, sums = _segment(new[doc])
            parties[start:start] = made
            concerns[start:start] = about
            for crc in sums:
                crcs.insert(bisect_left(crcs, crc), crc)
            merged.insert(k, doc)
            counts.insert(k, count)
        columns = Columns(merged, counts, parties, concerns, crcs)
        return KeptItems(columns, self._load, {**self._decoded, **new})


def columns_of(corpus: Corpus) -> Columns | None:
    """The columns of a corpus's commitments; None when a document's commitments are not all
    together (two documents of one key)."""
    items = corpus.items
    if isinstance(items, KeptItems):
        return items.columns
    docs = list(map(_DOC, items))
    order = list(dict.fromkeys(docs))
    counts = [0] * len(order)
    at = {doc: k for k, doc in enumerate(order)}
    previous = None
    for doc in docs:
        k = at[doc]
        if doc != previous and counts[k]:
            return None
        counts[k] += 1
        previous = doc
    return Columns(
        order,
        counts,
        list(map(_PARTIES, items)),
        list(map(frozenset, map(_CONCERNS, items))),
        array("I", sorted(zlib.crc32(item.iri.encode()) for item in items)),
    )


def parties_of(corpus: Corpus) -> Sequence[frozenset[str]]:
    """Each commitment's parties."""
    items = corpus.items
    return items.columns.parties if isinstance(items, KeptItems) else _field(corpus, "parties")


def docs_of(corpus: Corpus) -> Sequence[str]:
    """Each commitment's document."""
    items = corpus.items
    return items.docs if isinstance(items, KeptItems) else _field(corpus, "doc")


def concerns_of(corpus: Corpus) -> Sequence[Collection[str]]:
    """Each commitment's concerns."""
    items = corpus.items
    return items.columns.concerns if isinstance(items, KeptItems) else _field(corpus, "concerns")


def _field(corpus: Corpus, name: str) -> list[Any]:
    """Each commitment's field ``name``, made once for the items the corpus has."""
    made = corpus.fields.get(name)
    if made is None or made[0] is not corpus.items:
        made = corpus.fields[name] = (corpus.items, list(map(attrgetter(name), corpus.items)))
    return made[1]


def encoded(columns: Columns, docs: Mapping[str, Doc]) -> bytes:
    """The columns and every document, marshalled: sets of names as indexes into a table of
    the distinct ones (a few hundred sets of parties, concerns and participants), documents as
    indexes into the list of them."""
    sets: dict[frozenset[str], int] = {}
    heads = []
    for doc in docs.values():
        who = sets.setdefault(frozenset(doc.participants), len(sets))
        met = sets.setdefault(frozenset(doc.parties), len(sets))
        heads.append(
            (doc.iri, doc.file, doc.series, doc.date, doc.start, doc.place, doc.given_date,
             doc.given_place, who, met)
        )  # fmt: skip
    for found in dict.fromkeys(chain(columns.parties, columns.concerns)):
        sets.setdefault(found, len(sets))
    at = {doc: k for k, doc in enumerate(docs)}
    return marshal.dumps(
        (
            heads,
            list(sets),
            array("I", map(at.__getitem__, columns.order)).tobytes(),
            array("I", columns.counts).tobytes(),
            array("I", map(sets.__getitem__, columns.parties)).tobytes(),
            array("I", map(sets.__getitem__, columns.concerns)).tobytes(),
            columns.crcs.tobytes(),
        )
    )


def decoded(blob: bytes, load: Loader) -> tuple[dict[str, Doc], KeptItems]:
    """The documents and commitments of ``encoded``; ValueError, TypeError, IndexError or
    EOFError where the blob is not as this code keeps them."""
    heads, table, order, counts, parties, concerns, crcs = marshal.loads(blob)
    sets = list(map(frozenset, table))
    docs: dict[str, Doc] = {}
    for iri, file, series, date, start, place, given_date, given_place, who, met in heads:
        docs[iri] = Doc(
            iri, file, series, date, start, place, given_date, given_place,
            set(sets[who]), set(sets[met]),
        )  # fmt: skip
    iris = list(docs)
    columns = Columns(
        list(map(iris.__getitem__, array("I", order))),
        list(array("I", counts)),
        list(map(sets.__getitem__, array("I", parties))),
        list(map(sets.__getitem__, array("I", concerns))),
        array("I", crcs),
    )
    total = sum(columns.counts)
    if not len(columns.parties) == len(columns.concerns) == len(columns.crcs) == total:
        raise ValueError("the kept columns do not match")
    return docs, KeptItems(columns, load, {})


def _segment(items: list[Item]) -> Segment:
    """A new document's commitments in the columns."""
    return (
        len(items),
        list(map(_PARTIES, items)),
        list(map(frozenset, map(_CONCERNS, items))),
        [zlib.crc32(item.iri.encode()) for item in items],
    )


def _sums(counts: list[int]) -> Iterator[int]:
    total = 0
    for count in counts:
        total += count
        yield total
