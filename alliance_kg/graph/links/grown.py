"""The stage's corpus (``read.corpus_of``) and word vectors (``weights.vectors``) on a store
that grew, from what the last stage kept (``state_corpus.py``).

A commitment's vector depends on its words (its sentence without its parties' names), its
day, and the counts of the words of every commitment dated up to its day, once at least
``weights.WEIGHED_FROM`` are counted; undated ones come after every day. So when the store
only gained documents whose every dated commitment comes after the last day of the dated
commitments it held, and those reached that least number, every earlier dated vector stays as
it was: the new commitments are weighed after the kept counts (less those of the earlier
undated commitments, which are weighed again after them), and nothing else is worked out
again. The same holds of the digest of a block (``blocks._key``) whose commitments all stay,
and of the earlier documents, commitments and entities as the last stage read them, to which
the new graphs' are added. The store "only gained" such documents when all of these hold:

- every graph the last stage read still has the record it read (``LinksState.staged``), or one
  that ``state_corpus._edited`` allows: the same rows of its entities, and either the same rows
  but those only meetings read (``read.MEETING_ONLY``: where its meeting was held, who took
  part), or rows that name only its own commitments while no graph names another's. Its
  document and commitments are then taken as they are now, provided the document's dates and
  the commitments (their IRIs, and each one's words) are the same: a changed commitment keeps
  its vector, and the blocks of its parties are linked again. So an ``akg update`` correcting a
  meeting's place, a commitment's type or its concerns weighs nothing again;
- the new graphs' rows name only their own commitments (a row of another graph's commitment
  would change it), none of those is an earlier commitment, and no earlier row names one of
  them or of their entities without a label (``read.Corpus.dangling``: such a row would count
  now);
- the words of the earlier commitments' parties' names are the same (a new graph may give an
  entity another name);
- the code that weighs words, links blocks and reads records is the same.

Otherwise the corpus is read from the records and every vector worked out again; both ways
give the same corpus and the same floats. What the stage worked out is kept for the next.
"""

from __future__ import annotations

import json
import marshal
import sys
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, overload

from alliance_kg.errors import StoreError
from alliance_kg.graph.links import blocks, kept_items, read, state_corpus, weights, wording
from alliance_kg.graph.links.kept_items import KeptItems, columns_of, docs_of, parties_of
from alliance_kg.graph.links.read import (
    OF_COMMITMENTS,
    Corpus,
    Doc,
    Entity,
    Item,
    RowSource,
    add_entities,
    corpus_of,
    ordered_items,
    records_source,
)
from alliance_kg.graph.links.state_corpus import GraphVectors, KeptCorpus, Staged, items_blob
from alliance_kg.graph.links.summary import Tallies, tallies
from alliance_kg.graph.links.weights import (
    Counts,
    by_day,
    commitment_words,
    names_words,
    weighed,
    weighed_corpus,
)


class KeptVectorsOf(Sequence[dict[str, float]]):
    """The corpus's vectors: those worked out, and the others read from the file when first
    asked for, a document's at a time."""

    def __init__(self, corpus: Corpus, made: dict[int, dict[str, float]], kept: KeptCorpus):
        self._items = corpus.items
        self._docs = docs_of(corpus)
        self._made = made
        self._kept = kept
        self._vectors: dict[str, dict[str, dict[str, float]]] = {}

    def load(self, indexes: Collection[int]) -> None:
        """Read the kept vectors of the documents of these commitments at once."""
        of = self._docs
        docs = {of[i] for i in indexes if i not in self._made} - set(self._vectors)
        found = self._kept.graph_vectors(docs)
        for doc in docs:
            self._vectors[doc] = dict(found.get(doc, []))

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, i: int) -> dict[str, float]: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[dict[str, float]]: ...
    def __getitem__(self, i: int | slice) -> dict[str, float] | Sequence[dict[str, float]]:
        if isinstance(i, slice):
            return [self[k] for k in range(len(self))[i]]
        vec = self._made.get(i)
        if vec is None:
            item = self._items[i]
            if item.doc not in self._vectors:
                self.load([i])
            vec = self._vectors[item.doc].get(item.iri)
            if vec is None:
                raise KeyError(f"no vector kept for {item.iri}")
            self._made[i] = vec
        return vec

    def __iter__(self) -> Iterator[dict[str, float]]:
        return (self[i] for i in range(len(self)))


@dataclass
class Weighing:
    """A stage's vectors, the digests of the blocks known to be as the last stage linked them
    (by parties: ``blocks.link_blocks`` takes them as they are), and what the stage keeps."""

    vectors: Sequence[dict[str, float]]
    keys: dict[frozenset[str], str]
    counts: Counts
    last: str  # the last day of any commitment
    made: dict[str, GraphVectors]  # the vectors worked out, by document
    every: bool  # the corpus was read from the records, and every vector worked out
    tallies: Tallies  # of every commitment (``summary.py``)
    linked: dict[frozenset[str], str] = field(default_factory=dict)  # the stage's block digests
    #: The digests of what the blocks' parts read of their commitments (``parts.block_static``)
    #: by block digest: those of the blocks known to be as before, then the stage's.
    statics: dict[str, str] = field(default_factory=dict)
    #: The documents new to the stage, when the others are as it kept them: a block's earlier
    #: commitments may then be linked on from where the last stage stopped (``blocks.py``).
    fresh: frozenset[str] = frozenset()
    #: How many groups each block has, by digest: those of the blocks known to be as before
    #: (read from the memo only when asked for, ``linked.Block``), then the stage's.
    counts_of: dict[str, int] = field(default_factory=dict)


def grown_corpus(
    kept: KeptCorpus, source: RowSource, numbers: tuple[float, ...]
) -> tuple[Corpus, Weighing]:
    """The corpus of the records (``source``) and its vectors: from what the last stage kept
    where the store only gained later documents (module docstring), else worked out afresh.
    ``numbers``: those ``blocks.link_blocks`` links with."""
    found = _grown(kept, kept.staged(), numbers)
    if found is not None:
        return found
    corpus = corpus_of(source)
    vecs, counts = weighed_corpus(corpus)
    last = max({_day(corpus, i) for i in range(len(corpus.items))} - {weights.UNDATED}, default="")
    made: dict[str, GraphVectors] = {doc: [] for doc in corpus.docs}
    for item, vec in zip(corpus.items, vecs, strict=True):
        made[item.doc].append((item.iri, vec))
    return corpus, Weighing(vecs, {}, counts, last, made, True, tallies(corpus.items))


def keep_grown(
    kept: KeptCorpus, corpus: Corpus, found: Weighing, numbers: tuple[float, ...]
) -> None:
    """Keep the stage's corpus, vectors and counts for the next (once it read what it read)."""
    sets = set(parties_of(corpus)) - {frozenset()}
    counts = {
        "code": _code(),
        "numbers": list(numbers),
        "last": found.last,
        "seen": found.counts.seen,
        "df": dict(sorted(found.counts.df.items())),
        "words": [[sorted(p), sorted(names_words(corpus, p))] for p in sorted(sets, key=sorted)],
        "keys": [
            [sorted(p), key, found.statics.get(key), found.counts_of.get(key)]
            for p, key in sorted(found.linked.items(), key=_by_parties)
        ],
        "entities": [_entity_row(e) for _, e in sorted(corpus.entities.items())],
        "dangling": sorted(corpus.dangling),
        "concerns": sorted([sorted(c), n] for c, n in found.tallies.concerns.items()),
        "kinds": sorted([sorted(p), sorted(t), n] for (p, t), n in found.tallies.kinds.items()),
    }
    items: dict[str, list[Item]] = {doc: [] for doc in found.made}
    if isinstance(corpus.items, KeptItems):
        for doc in items:
            if corpus.items.holds(doc):
                items[doc] = corpus.items.of_doc(doc)
    else:
        for item in corpus.items:
            if item.doc in items:
                items[item.doc].append(item)
    docs = ((doc, items_blob(items[doc]), vecs) for doc, vecs in found.made.items())
    columns = columns_of(corpus)
    blob = kept_items.encoded(columns, corpus.docs) if columns is not None else None
    kept.keep_corpus(json.dumps(counts, separators=(",", ":")), docs, found.every, blob)


def _grown(
    kept: KeptCorpus, staged: Staged, numbers: tuple[float, ...]
) -> tuple[Corpus, Weighing] | None:
    """The corpus and weighing of a store that only gained later documents (``fresh``: the
    new graphs), and whose other changes ``staged`` allows (``met``, ``rewritten``); or None."""
    text, fresh = staged.counts, staged.fresh
    if text is None:
        return None
    try:
        last_stage = json.loads(text)
        if last_stage["code"] != _code() or last_stage["numbers"] != list(numbers):
            return None
        counts = Counts(Counter(last_stage["df"]), int(last_stage["seen"]))
        last = str(last_stage["last"])
        words = {frozenset(p): set(w) for p, w in last_stage["words"]}
        linked = {frozenset(p): str(key) for p, key, _, _ in last_stage["keys"]}
        statics = {str(key): str(static) for _, key, static, _ in last_stage["keys"] if static}
        groups = {str(key): int(n) for _, key, _, n in last_stage["keys"] if n is not None}
        entities = {row[0]: _entity(row) for row in last_stage["entities"]}
        dangling = set(last_stage["dangling"])
        kept_tallies = Tallies(
            Counter({frozenset(c): int(n) for c, n in last_stage["concerns"]}),
            Counter({(frozenset(p), frozenset(t)): int(n) for p, t, n in last_stage["kinds"]}),
        )
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    records = kept.graph_rows(fresh)
    own = {row[0] for record in records.values() for row in record["item"]}
    named = {row[0] for record in records.values() for q in OF_COMMITMENTS for row in record[q]}
    labelled = {row[0] for record in records.values() for row in record["entity"]}
    if not named <= own or (own | labelled) & dangling:
        return None
    new = corpus_of(records_source(records))
    # The new dated commitments' first day, before the earlier ones are read (an older
    # statement added is the common way to fail).
    if min({_day(new, i) for i in range(len(new.items))} - {weights.UNDATED}, default="~") <= last:
        return None
    try:
        docs, items = _kept_corpus(kept)
        if len(items) != counts.seen or items.may_hold(own):
            return None
        # The documents of the graphs that changed (``state_corpus._edited``), and the
        # commitments of those rewritten, as their records now say; the entities are as kept.
        # (The commitments of the others are as kept: another graph's rows may add to them.)
        edited = corpus_of(records_source(kept.graph_rows([*staged.met, *staged.rewritten])))
        rewritten = [doc for doc in staged.rewritten if items.holds(doc)]
        items.load(rewritten)
        now = {item.iri: item for item in edited.items if item.doc in set(staged.rewritten)}
        before = {item.iri: item for doc in rewritten for item in items.of_doc(doc)}
    except (ValueError, TypeError, IndexError, KeyError, EOFError, StoreError):
        return None  # not as this code keeps them: read afresh (and kept again)
    if not edited.docs.keys() <= docs.keys() or now.keys() != before.keys():
        return None
    # A document's dates order its commitments among the others (their vectors, the blocks).
    if any(_dates(doc) != _dates(docs[iri]) for iri, doc in edited.docs.items()):
        return None
    docs.update(edited.docs)
    replaced = [iri for iri, item in now.items() if item != before[iri]]
    for doc in sorted({now[iri].doc for iri in replaced}):
        taken = [now.get(item.iri, item) for item in items.of_doc(doc)]
        if taken != ordered_items(docs, taken):
            return None  # a commitment moved in its document: read afresh
        items.replaced(doc, taken)
    add_entities(entities, records_source(records), dangling)
    # Some rows the new graphs' own corpus finds dangling are not (other names of earlier
    # entities): more than there are, which only ever makes a later stage read afresh.
    dangling |= new.dangling
    docs = dict(sorted((docs | new.docs).items()))  # in the order ``corpus_of`` gives them
    fresh_items: dict[str, list[Item]] = {}
    for item in new.items:
        fresh_items.setdefault(item.doc, []).append(item)
    every = items.grown(fresh_items, {iri: doc.key for iri, doc in docs.items()})
    if every is None:
        return None  # a new document's key is another's: read afresh
    corpus = Corpus(docs, every, dict(sorted(entities.items())), dangling)
    if any(names_words(corpus, p) != w for p, w in words.items()):
        return None
    # A changed commitment keeps its vector, and every other its own, while its words do.
    old = [before[iri] for iri in replaced]
    if _words(corpus, old) != _words(corpus, [now[iri] for iri in replaced]):
        return None
    new_docs = set(new.docs)
    # The earlier undated commitments are weighed last, after the new ones: again, from the
    # counts of the dated ones (the kept counts without theirs).
    undated = every.indexes_of(
        [iri for iri, doc in docs.items() if _doc_day(doc) == weights.UNDATED]
    )
    of = every.docs
    for i, words_of in zip(undated, commitment_words(corpus, undated), strict=True):
        if of[i] not in new_docs:
            counts.df.subtract(set(words_of))
            counts.seen -= 1
    counts.df = +counts.df  # no word counted none
    if counts.seen < weights.WEIGHED_FROM:
        return None  # the earlier dated commitments were weighed with what comes after them
    again = every.indexes_of(new_docs) + [i for i in undated if of[i] not in new_docs]
    days = by_day(corpus, again)
    tokens = dict(zip(again, commitment_words(corpus, again), strict=True))
    made_at = dict(
        weighed([[(i, tokens[i]) for i in g] for g in days], counts, weights.WEIGHED_FROM)
    )
    made: dict[str, GraphVectors] = {doc: [] for doc in new_docs}
    for i in sorted(again):
        made.setdefault(corpus.items[i].doc, []).append((corpus.items[i].iri, made_at[i]))
    # An edited document is kept again as it is now, with the vectors kept of it.
    made.update(kept.graph_vectors([doc for doc in edited.docs if doc not in made]))
    last = max({last, *(_day(corpus, g[0]) for g in days)} - {weights.UNDATED})
    parties = every.columns.parties
    touched = {parties[i] for i in again}
    touched |= {item.parties for item in [*old, *(now[iri] for iri in replaced)]}
    # The commitments the stage reads whole: those of the blocks linked again, and those of no
    # party (each meeting's part lists them). Read now, so that one that cannot be read is
    # read afresh from the records.
    wanted = [i for i, p in enumerate(parties) if p in touched]
    try:
        every.load({of[i] for i in wanted} | {of[i] for i, p in enumerate(parties) if not p})
    except (ValueError, StoreError):
        return None
    vecs = KeptVectorsOf(corpus, made_at, kept)
    vecs.load(wanted)
    keys = {p: key for p, key in linked.items() if p not in touched}
    kept_statics = {key: statics[key] for key in keys.values() if key in statics}
    kept_counts = {key: groups[key] for key in keys.values() if key in groups}
    added, gone = tallies([*new.items, *(now[iri] for iri in replaced)]), tallies(old)
    found = Tallies(
        kept_tallies.concerns - gone.concerns + added.concerns,
        kept_tallies.kinds - gone.kinds + added.kinds,
    )
    weighing = Weighing(
        vecs, keys, counts, last, made, False, found, statics=kept_statics, counts_of=kept_counts
    )
    weighing.fresh = frozenset(new_docs)
    return corpus, weighing


def _dates(doc: Doc) -> tuple[str | None, str | None]:
    return doc.date, doc.given_date


def _words(corpus: Corpus, items: list[Item]) -> list[list[str]]:
    """The words of these commitments (``weights.commitment_words``)."""
    return commitment_words(Corpus(corpus.docs, items, corpus.entities, corpus.dangling))


def _kept_corpus(kept: KeptCorpus) -> tuple[dict[str, Doc], KeptItems]:
    """The documents and commitments the last stage kept (``kept_items.encoded``), each
    document's commitments read (``state_corpus.kept_items``) when first asked for; ValueError
    where none were kept."""
    blob = kept.kept_columns()
    if blob is None:
        raise ValueError("no columns kept")
    return kept_items.decoded(blob, kept.kept_items)


def _entity_row(e: Entity) -> list[object]:
    return [
        e.iri,
        e.label,
        sorted(e.types),
        sorted(e.names),
        sorted(e.labels),
        e.office,
        e.represents,
    ]


def _entity(row: list[Any]) -> Entity:
    iri, label, types, names, labels, office, represents = row
    return Entity(iri, label, set(types), set(names), set(labels), office, represents)


def _day(corpus: Corpus, i: int) -> str:
    """The day the commitment is weighed at (``weights.by_day``)."""
    return _doc_day(corpus.docs[corpus.items[i].doc])


def _doc_day(doc: Doc) -> str:
    """The day a document's commitments are weighed at."""
    return doc.given_date or doc.date or weights.UNDATED


def _by_parties(entry: tuple[frozenset[str], str]) -> list[str]:
    return sorted(entry[0])


@cache
def _code() -> str:
    """The digest of the code the kept corpus, vectors and block digests were worked out by."""
    files = (
        weights.__file__,
        kept_items.__file__,
        wording.__file__,
        str(Path(wording.__file__).with_name("wording.toml")),
        read.__file__,
        state_corpus.__file__,
        __file__,
    )
    # The kept documents are marshalled, whose format is this interpreter's.
    python = f"{sys.implementation.cache_tag} {marshal.version}"
    return f"{blocks.code_digest(files)} {blocks.link_code()} {python}"
