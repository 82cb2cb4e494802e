"""Which commitments of a document restate those of each other document, from the blocks' pairs
(``blocks.link_blocks``), as the meetings ask for them (``meetings.resolve_meetings``)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence

from alliance_kg.graph.links.blocks import Block
from alliance_kg.graph.links.kept_items import KeptItems, docs_of, parties_of
from alliance_kg.graph.links.read import Corpus


class Restated(Mapping[str, dict[str, set[int]]]):
    """For a document, the commitments of it (indexes) that restate those of each other
    document: one side of each of the blocks' pairs (those scoring at least ``EVIDENCE``).
    Worked out for a document when asked (the meetings ask for some), each of its commitments'
    pairs found by bisection in its block's (``blocks.Block``), without a step per pair of the
    corpus (some two million at 10,000 statements)."""

    def __init__(self, corpus: Corpus, blocks: Sequence[Block]) -> None:
        self._corpus = corpus
        self._parties, self._of = parties_of(corpus), docs_of(corpus)
        self._blocks = {self._parties[block.members[0]]: block for block in blocks}
        self._docs: dict[frozenset[str], list[str]] = {}  # each block's members' documents
        self._mine: dict[str, list[int]] = {}  # each document's commitments in some block
        # Kept commitments are found by document (a stage after one more statement asks for
        # a few documents' of 10,000); a list's, in one pass over them.
        items = corpus.items
        self._kept = items if isinstance(items, KeptItems) else None
        self._whole = False
        if self._kept is None:
            self._every()
        #: Whether every block has its digest (``Block.key``: the blocks were linked with a memo).
        self.keyed = all(block.key for block in blocks)

    def _every(self) -> None:
        """Find the commitments in some block of every document."""
        if not self._whole:
            mine: dict[str, list[int]] = {}
            for i, (doc, parties) in enumerate(zip(self._of, self._parties, strict=True)):
                if parties:
                    mine.setdefault(doc, []).append(i)
            self._mine, self._whole = mine, True

    def _doc(self, doc: str) -> list[int]:
        """The document's commitments in some block (none: empty)."""
        found = self._mine.get(doc)
        if found is None:
            found = []
            if not self._whole and self._kept is not None:
                parties = self._parties
                found = [i for i in self._kept.indexes_of([doc]) if parties[i]]
                self._mine[doc] = found
        return found

    def block_keys(self, docs: Iterable[str]) -> list[str]:
        """The digests of the blocks the documents' commitments are in, sorted."""
        sets: set[frozenset[str]] = set()
        at = self._parties.__getitem__
        for doc in docs:
            sets.update(map(at, self._doc(doc)))
        return sorted(self._blocks[parties].key for parties in sets)

    def __getitem__(self, doc: str) -> dict[str, set[int]]:
        out: dict[str, set[int]] = defaultdict(set)
        found = self._doc(doc)
        if not found:
            raise KeyError(doc)
        for mine in found:
            parties = self._parties[mine]
            block = self._blocks[parties]
            members, (first, second, _), order = block.members, block.pairs, block.by_second
            docs = self._docs.get(parties)
            if docs is None:
                docs = self._docs[parties] = list(map(self._of.__getitem__, members))
            i = bisect_left(members, mine)  # its index in the block
            lo = bisect_left(first, i)
            # The other documents of its pairs, looked up in C (a document has many pairs).
            others = set(map(docs.__getitem__, second[lo : bisect_right(first, i, lo)]))
            at = bisect_left(order, i, key=second.__getitem__)
            end = bisect_right(order, i, at, key=second.__getitem__)
            others.update(map(docs.__getitem__, map(first.__getitem__, order[at:end])))
            for other in sorted(others):  # in a fixed order, whatever the strings' hashes
                out[other].add(mine)
        return dict(out)

    def __iter__(self) -> Iterator[str]:
        self._every()
        return iter(self._mine)

    def __len__(self) -> int:
        self._every()
        return len(self._mine)
