"""The corpus-level stage: what holds across documents, in the derived graph ``id:graph/links``.

It runs with every ``akg build`` (once the last batch of documents is written, in a
transaction of its own, or in parts when the links graph gains many triples:
``write.write_links``) and after every ``akg update``, over every document in the store
(documents of earlier builds included); it reads them through the store interface (an on-disk
store keeps records of what was read, ``state.py``, so only graphs written since are read
again, and keeps the results of its blocks, ``blocks.py``, and which parts of the links graph
the last write left, ``parts.py``) and replaces the links graph as a whole, writing only what
changed. Each document's own
graph keeps what that document says (``akg:statedDate``, ``akg:statedPlace``, ...); the links
graph says which meeting it reports (``akg:reports``, ``akg:atMeeting``), which commitments
restate which (``akg:restates``, ``akg:inLineage``), how deadlines were restated or moved
(``akg:restatedAs``, ``akg:statusSetBy``, ``akg:meetingDate``), where sources disagree
(``akg:Conflict``) and which named entities are instances of generic ones (``skos:broader``).
The same documents always give the same triples.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator, Mapping
from dataclasses import astuple, dataclass
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from alliance_kg.graph.links.blocks import BlockMemo, link_blocks
from alliance_kg.graph.links.by_meeting import conflict_triples, meeting_label, meeting_parts
from alliance_kg.graph.links.entities import broader_links
from alliance_kg.graph.links.families import resolve_kept
from alliance_kg.graph.links.grown import Weighing, grown_corpus, keep_grown
from alliance_kg.graph.links.kept_items import parties_of
from alliance_kg.graph.links.lineages import THRESHOLD, Link
from alliance_kg.graph.links.parts import (
    REST,
    Part,
    block_slot,
    block_static,
    block_triples,
    gist_text,
    part_key,
)
from alliance_kg.graph.links.read import (
    LINKS_GRAPH,
    LINKS_VERSION,
    Corpus,
    RowSource,
    corpus_of,
    read_corpus,
    read_records,
    records_source,
)
from alliance_kg.graph.links.restated import Restated
from alliance_kg.graph.links.state import LinksState
from alliance_kg.graph.links.summary import summary_triples
from alliance_kg.graph.links.weights import vectors
from alliance_kg.graph.links.write import write_links
from alliance_kg.graph.store import RdfTriple, graph_names
from alliance_kg.loaders.collector import collector_paused
from alliance_kg.ontology import AKG

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore


@dataclass(frozen=True)
class ConflictNote:
    """A conflict as the build reports it."""

    iri: str
    file: str
    field: str
    stated: str
    resolved: str
    meeting: str  # the meeting's label


@dataclass(frozen=True)
class LinksResult:
    """What the stage found."""

    meetings: int
    lineages: int
    restates: int
    conflicts: list[ConflictNote]
    new_conflicts: list[ConflictNote]


def link_corpus(
    store: SparqlStore, state: LinksState | None = None, jobs: int | None = None
) -> LinksResult:
    """Compute what holds across the store's documents and replace the links graph with it.
    ``state``: the records kept beside an on-disk store (``links.state``), so that only graphs
    without one are read from the store, and the blocks' parts that the last write of the
    links graph left are neither worked out again nor compared (``parts.py``); the result is
    the same either way. ``jobs``: the processes the blocks are linked over
    (``corpus_links``). The result is kept in ``state`` until a write may change a graph
    (``last_result``)."""
    before = _conflict_iris(store)
    kept = state.link_parts() if state is not None else None
    # Millions of objects that live until the stage ends and few cycles: the collector's passes
    # over them took 1.3 of the 7.7 s of a statement added to 10,000 (README, Performance).
    with collector_paused():
        # The corpus is not held while the graph is written (some 120 MB at 10,000 statements).
        parts, result = _stage_parts(store, state, jobs, kept)
        if not write_links(store, parts, state):
            # A part taken as kept that the write did not find kept: every part worked out.
            parts, result = _stage_parts(store, state, jobs, None)
            write_links(store, parts, state)
    if state is not None:
        conflicts = [astuple(c) for c in result.conflicts]
        state.keep_step(json.dumps([result.meetings, result.lineages, result.restates, conflicts]))
    return _noted(result, before)


def _stage_parts(
    store: SparqlStore, state: LinksState | None, jobs: int | None, kept: Mapping[str, int] | None
) -> tuple[list[Part], LinksResult]:
    """``corpus_parts`` of the store's corpus; with ``state``, the corpus and vectors are those
    the last stage kept where they stay (``grown.py``), and what it works out is kept for the
    next."""
    if state is None:
        return corpus_parts(_read(store, None, None), jobs=jobs, kept=kept)
    numbers = _numbers(THRESHOLD)
    corpus, found = grown_corpus(state, corpus_source(store, state), numbers)
    out = corpus_parts(corpus, jobs=jobs, memo=state, kept=kept, weighing=found)
    keep_grown(state, corpus, found, numbers)
    return out


def last_result(state: LinksState) -> LinksResult | None:
    """What the last stage found, while no write since may have changed a graph of the store
    (its links graph is then the one the stage would write again); None otherwise. Its new
    conflicts are none: they were new to that build."""
    try:
        meetings, lineages, restates, conflicts = json.loads(state.step() or "")
        notes = [ConflictNote(*c) for c in conflicts]
    except (TypeError, ValueError):
        return None
    return LinksResult(meetings, lineages, restates, notes, [])


def plan_links(
    store: SparqlStore,
    new: SparqlStore | None = None,
    state: LinksState | None = None,
    jobs: int | None = None,
) -> tuple[list[RdfTriple], LinksResult]:
    """The links graph for the store's documents, with those of ``new`` (documents about to
    be written) in place of any of the same name; nothing is written (but ``state`` may keep
    records of the store's graphs). ``new_conflicts`` are the conflicts the store's links
    graph does not hold yet."""
    before = _conflict_iris(store)
    triples, result = corpus_links(_read(store, new, state), jobs=jobs, memo=state)
    return triples, _noted(result, before)


def _noted(result: LinksResult, before: set[str]) -> LinksResult:
    """The result with ``new_conflicts``: those whose IRIs are not in ``before``."""
    fresh = [c for c in result.conflicts if c.iri not in before]
    return LinksResult(result.meetings, result.lineages, result.restates, result.conflicts, fresh)


def _read(store: SparqlStore, new: SparqlStore | None, state: LinksState | None) -> Corpus:
    """The corpus of ``plan_links``."""
    if state is None:
        return read_corpus(store, new)
    return corpus_of(corpus_source(store, state, new))


def corpus_source(
    store: SparqlStore, state: LinksState, new: SparqlStore | None = None
) -> RowSource:
    """The rows of every graph of the store but the links graph, with those of ``new`` (graphs
    about to be written) in place of any of the same name: the records kept in ``state``, after
    the graphs without one are read from the store (and kept)."""
    graphs = [g for g in graph_names(store) if g != str(LINKS_GRAPH)]
    known = state.known(graphs)
    missing = [g for g in graphs if g not in known]
    if missing:
        # Most graphs missing (a first build): one pass over the store beats long VALUES lists.
        state.read(store, missing, every=2 * len(missing) >= len(graphs))
    if new is None:
        return state.source()
    written = read_records(new)
    kept, fresh = state.source(written), records_source(written)

    def rows(query: str) -> Iterator[tuple[str, list[tuple[str, ...]]]]:
        return heapq.merge(kept(query), fresh(query), key=lambda found: found[0])

    return rows


#: The score at which a commitment counts as restated in another document, as evidence of
#: which meeting a document reports.
EVIDENCE = 0.3


def corpus_links(
    corpus: Corpus,
    threshold: float = THRESHOLD,
    jobs: int | None = None,
    memo: BlockMemo | None = None,
) -> tuple[list[RdfTriple], LinksResult]:
    """The triples of the links graph for ``corpus`` and what they say, in numbers.
    ``threshold`` is the score lineage links need (``lineages.THRESHOLD``); ``jobs``, the
    processes its blocks are linked over, ``memo`` where their results are kept
    (``blocks.link_blocks``; the same triples whatever the number, with or without)."""
    parts, result = corpus_parts(corpus, threshold, jobs, memo)
    return [t for part in parts for t in part.triples or ()], result


def corpus_parts(
    corpus: Corpus,
    threshold: float = THRESHOLD,
    jobs: int | None = None,
    memo: BlockMemo | None = None,
    kept: Mapping[str, int] | None = None,
    weighing: Weighing | None = None,
) -> tuple[list[Part], LinksResult]:
    """``corpus_links`` in parts (``parts.py``): the rest, one per block in the order of their
    first commitments, then one per meeting (``by_meeting.py``). With a ``memo``, each part
    but the rest has its key, and those of ``kept`` (keys and their restates links) come
    without their triples. ``weighing``: the corpus's vectors as ``grown.grown_corpus`` gives
    them (default: ``weights.vectors``), which is given the blocks' digests."""
    kept = kept or {}
    vecs = weighing.vectors if weighing is not None else vectors(corpus)
    least, _, keep = _numbers(threshold)
    known = weighing.keys if weighing is not None else None
    fresh = weighing.fresh if weighing is not None else frozenset()
    counts = weighing.counts_of if weighing is not None else None
    linked = link_blocks(
        corpus, vecs, least, threshold, jobs, keep, memo, known, fresh, counts=counts
    )
    blocks = linked.blocks
    parties = parties_of(corpus)
    if weighing is not None:
        weighing.linked = {parties[b.members[0]]: b.key for b in blocks}
    meetings, doc_meeting, conflicts = resolve_kept(corpus, Restated(corpus, blocks), memo)
    lineages = linked.count
    if weighing is not None:
        weighing.counts_of = {b.key: b.count for b in blocks}
    # The pairs are the largest structure of the stage, and not needed for the triples.
    blocks = [block.without_pairs() for block in blocks]
    parts = [Part(REST, [], 0, REST)]
    statics = weighing.statics if weighing is not None else {}
    for block in blocks:
        key, slot = "", block_slot(parties[block.members[0]])
        if memo is not None:
            static = statics.get(block.key) or block_static(corpus, block)
            statics[block.key] = static
            key = part_key(corpus, block, meetings, doc_meeting, static)
        if key in kept:
            parts.append(Part(key, None, kept[key], slot))
        else:
            found = block_triples(corpus, vecs, block, meetings, doc_meeting)
            parts.append(Part(key, *found, slot))
    parts += meeting_parts(corpus, meetings, doc_meeting, conflicts, kept if memo else None)
    out = parts[0].triples
    assert out is not None
    notes = [
        ConflictNote(
            str(conflict_triples(corpus, conflict, meetings)[0]),
            corpus.docs[conflict.doc].file,
            conflict.field,
            conflict.stated,
            conflict.resolved,
            meeting_label(corpus, meetings[conflict.meeting]),
        )
        for conflict in conflicts
    ]
    for narrow, broad in broader_links(corpus):
        out.append((URIRef(narrow), SKOS.broader, URIRef(broad)))
    out += summary_triples(corpus, weighing.tallies if weighing is not None else None)
    out.append((LINKS_GRAPH, AKG.linksVersion, Literal(LINKS_VERSION)))
    restates = sum(part.restates for part in parts)
    return parts, LinksResult(len(meetings), lineages, restates, notes, [])


def _numbers(threshold: float) -> tuple[float, float, float]:
    """The scores blocks are linked with (``blocks.link_blocks``): the least a pair is scored
    at, the threshold of a lineage link, and the least a pair is kept at."""
    return min(threshold, EVIDENCE), threshold, EVIDENCE


def _conflict_iris(store: SparqlStore) -> set[str]:
    import pyoxigraph as ox

    result = store.query(f"SELECT ?c WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?c a <{AKG.Conflict}> }} }}")
    assert isinstance(result, ox.QuerySolutions)
    return {s["c"].value for s in result if s["c"] is not None}


__all__ = [
    "LINKS_GRAPH",
    "LINKS_VERSION",
    "ConflictNote",
    "LinksState",
    "Link",
    "LinksResult",
    "corpus_links",
    "corpus_parts",
    "gist_text",
    "link_corpus",
    "plan_links",
]
