"""Which commitments of a document restate those of each other document, from the blocks' pairs
(``blocks.link_blocks``), as the meetings ask for them (``meetings.resolve_meetings``)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence

from alliance_kg.graph.links.blocks import Block
from alliance_kg.graph.links.kept_items import docs_of, parties_of
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
        for i, (doc, parties) in enumerate(zip(self._of, self._parties, strict=True)):
            if parties:
                self._mine.setdefault(doc, []).append(i)
        #: Whether every block has its digest (``Block.key``: the blocks were linked with a memo).
        self.keyed = all(block.key for block in blocks)

    def block_keys(self, docs: Iterable[str]) -> list[str]:
        """The digests of the blocks the documents' commitments are in, sorted."""
        sets: set[frozenset[str]] = set()
        at = self._parties.__getitem__
        for doc in docs:
            sets.update(map(at, self._mine.get(doc, ())))
        return sorted(self._blocks[parties].key for parties in sets)

    def __getitem__(self, doc: str) -> dict[str, set[int]]:
        out: dict[str, set[int]] = defaultdict(set)
        for mine in self._mine[doc]:
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
        return iter(self._mine)

    def __len__(self) -> int:
        return len(self._mine)
