"""The links graph's triples about one block's commitments, and the digest they are kept under.

Every triple of the links graph whose subject is a commitment of a block (the meeting it was
stated at, its lineage, what it restates), one of its deadlines (the date of the meeting that
judges it, how later meetings restated it) or one of the block's lineages is worked out from
that block and the meetings of its documents alone (``block_triples``). So the links graph is
made of parts, each subject in one of them: one per block, one per meeting (``by_meeting.py``),
and one of everything else (broader entities, counts). A block's part is decided by its key
(``part_key``): the block's own digest (``blocks._key``: its commitments, their word vectors,
the numbers they are linked with, the code that links them), what its triples read besides
(each commitment's IRI, sentence, types, concerns, deadlines, document and its key, the key
and date of each document's meeting, the label of each concern) and the code that writes them.
A build that finds a part's key among those the last write of the links graph left neither
works that part out again nor compares it with the store (``write.write_links``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import NamedTuple

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS, XSD, Literal, URIRef

import alliance_kg.ontology
import alliance_kg.ontology.namespace
from alliance_kg.graph import terms
from alliance_kg.graph.links import deadlines
from alliance_kg.graph.links.blocks import Block, code_digest
from alliance_kg.graph.links.deadlines import deadline_triples
from alliance_kg.graph.links.kept_items import concerns_of, docs_of
from alliance_kg.graph.links.lineages import WINDOW, score
from alliance_kg.graph.links.meetings import Meeting
from alliance_kg.graph.links.read import Corpus, Item
from alliance_kg.graph.store import RdfTriple
from alliance_kg.ontology import AKG, ID

#: The key of the part that is no block's.
REST = "rest"


class Part(NamedTuple):
    """Triples of the links graph: a block's (``key``: its ``part_key``) or the rest (``REST``).
    ``triples`` is None for a part as the last write of the graph left it; ``restates``: how
    many ``akg:restates`` links it holds; ``slot``: what the part is of, which stays while its
    key changes with its content (``block_slot``, ``meeting_slot``, ``REST``)."""

    key: str
    triples: list[RdfTriple] | None
    restates: int
    slot: str = ""


def block_slot(parties: frozenset[str]) -> str:
    """The slot of a block's part: the block's parties."""
    return "block " + " ".join(sorted(parties))


def meeting_slot(key: str) -> str:
    """The slot of a meeting's part: the meeting's key."""
    return "meeting " + key


def part_key(
    corpus: Corpus,
    block: Block,
    meetings: Mapping[str, Meeting],
    doc_meeting: Mapping[str, str],
    static: str | None = None,
) -> str:
    """The digest of all the block's part depends on (``block.key`` must be its digest):
    ``static`` (``block_static``, worked out when not given), the key and date of the meeting
    of each of its documents, and the label of each of its concerns."""
    entities = corpus.entities
    docs = set(map(docs_of(corpus).__getitem__, block.members))
    concerns: set[str] = set()
    concerns.update(*map(concerns_of(corpus).__getitem__, block.members))
    lines = [writer_code(), block.key, static or block_static(corpus, block)]
    for doc in sorted(docs):
        key = doc_meeting.get(doc)
        lines.append(f"{doc}\t{key}\t{meetings[key].date if key is not None else None}")
    for concern in sorted(concerns):
        found = entities.get(concern)
        lines.append(f"{concern}\t{found.label if found else None}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def block_static(corpus: Corpus, block: Block) -> str:
    """The digest of what the block's part reads of its commitments themselves: each one's
    IRI, sentence, types, concerns, deadlines and document key (the same while they are)."""
    items, docs = corpus.items, corpus.docs
    lines = []
    for i in block.members:
        item = items[i]
        lines.append(
            f"{item.iri}\t{item.quote}\t{sorted(item.types)}\t{sorted(item.concerns)}"
            f"\t{item.deadlines}\t{item.doc}\t{docs[item.doc].key}"
        )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


@cache
def writer_code() -> str:
    """The digest of the code that writes a block's part: this module, the deadlines', the
    terms' lines, the ontology's names, and the versions of the libraries that write terms."""
    files = (
        __file__,
        deadlines.__file__,
        terms.__file__,
        alliance_kg.ontology.__file__,
        alliance_kg.ontology.namespace.__file__,
    )
    return f"{code_digest(files)} {rdflib.__version__} {ox.__version__}"


def block_triples(
    corpus: Corpus,
    vecs: Sequence[dict[str, float]],
    block: Block,
    meetings: dict[str, Meeting],
    doc_meeting: dict[str, str],
) -> tuple[list[RdfTriple], int]:
    """The block's part: the meeting of each of its commitments, the date that judges each of
    their deadlines (``akg:meetingDate``), and its lineages; and how many restates links."""
    items = corpus.items
    out: list[RdfTriple] = []
    # One term per commitment and per meeting, shared by the triples that name it.
    iris = {i: URIRef(items[i].iri) for i in block.members}
    nodes: dict[str, URIRef] = {}
    dates: dict[str, Literal | None] = {}
    # Looked up once: a term of a DefinedNamespace costs a Python call each time.
    at_meeting, meeting_date = AKG.atMeeting, AKG.meetingDate
    for i in block.members:
        item = items[i]
        key = doc_meeting.get(item.doc)
        if key is None:
            continue
        if key not in nodes:
            nodes[key] = ID[key]
            date = meetings[key].date
            dates[key] = Literal(date, datatype=XSD.date) if date else None
        out.append((iris[i], at_meeting, nodes[key]))
        dated = dates[key]
        if dated is not None:
            # What a deadline's status is judged by (``deadlines.py``).
            out += [(URIRef(dl), meeting_date, dated) for dl, _, _ in item.deadlines]
    restates = _lineage_triples(corpus, vecs, block.groups, meetings, doc_meeting, iris, out)
    return out, restates


def _order(
    corpus: Corpus, meetings: dict[str, Meeting], doc_meeting: dict[str, str], item: Item
) -> tuple[str, str, str, int]:
    meeting = meetings.get(doc_meeting.get(item.doc, ""))
    date = meeting.date if meeting and meeting.date else _UNDATED
    return date, meeting.key if meeting else "", corpus.docs[item.doc].key, item.offset


def _lineage_triples(
    corpus: Corpus,
    vecs: Sequence[dict[str, float]],
    groups: list[list[int]],
    meetings: dict[str, Meeting],
    doc_meeting: dict[str, str],
    iris: Mapping[int, URIRef],
    out: list[RdfTriple],
) -> int:
    """Add each lineage, its members, their restates links and the restated deadlines;
    return how many restates links (``iris``: the commitments' terms)."""
    count = 0
    in_lineage, restates = AKG.inLineage, AKG.restates
    for group in groups:
        order = {i: _order(corpus, meetings, doc_meeting, corpus.items[i]) for i in group}
        members = sorted(group, key=order.__getitem__)
        first = corpus.items[members[0]]
        node = ID["lineage/" + first.iri.split("/commitment/", 1)[-1]]
        dates = sorted({order[i][0] for i in members} - {_UNDATED})
        stated_at = {doc_meeting.get(corpus.items[i].doc) for i in members} - {None}
        label = gist(corpus, first)
        out += [
            (node, RDF.type, AKG.Lineage),
            (node, RDFS.label, Literal(label)),
            (node, AKG.meetingCount, Literal(len(stated_at))),
            (
                node,
                AKG.lineageText,
                Literal(lineage_text(label, (corpus.items[i].quote for i in members))),
            ),
        ]
        if dates:
            out.append((node, AKG.firstStated, Literal(dates[0], datatype=XSD.date)))
            out.append((node, AKG.lastStated, Literal(dates[-1], datatype=XSD.date)))
        for k, i in enumerate(members):
            item = corpus.items[i]
            out.append((iris[i], in_lineage, node))
            # What it restates: the most similar of the last few statements before it.
            earlier = [
                j for j in members[max(0, k - WINDOW) : k]
                if order[j][:3] < order[i][:3] and corpus.items[j].doc != item.doc
            ]  # fmt: skip
            if earlier:
                best = max(earlier, key=lambda j: (score(vecs[i], vecs[j]), -j))
                out.append((iris[i], restates, iris[best]))
                count += 1
        out += _restated_deadlines(corpus, members, order)
    return count


_UNDATED = "9999"


def lineage_text(label: str, quotes: Iterable[str]) -> str:
    """The label, then each distinct sentence, sorted, one per line (``akg:lineageText``): the
    ``lineage`` query tests its words against this one text per lineage, where testing every
    statement made a row per matching statement for each statement of the lineage (quadratic
    in its size). Extraction writes no line break into a sentence or a label, so words without
    one match the text where they match the label or a sentence."""
    return "\n".join([label, *sorted(set(quotes))])


def _restated_deadlines(
    corpus: Corpus, members: list[int], order: dict[int, tuple[str, str, str, int]]
) -> list[RdfTriple]:
    """The lineage's deadlines by the dates of the meetings that stated them, restated."""
    by_date: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for i in members:
        if order[i][0] != _UNDATED:
            by_date[order[i][0]] += corpus.items[i].deadlines
    return deadline_triples(by_date)


def gist(corpus: Corpus, item: Item) -> str:
    """What a commitment is, in a few words: its first type and what it concerns."""
    kind = min(item.types) if item.types else None
    concerns = [corpus.entities[c].label for c in item.concerns if c in corpus.entities]
    return gist_text(kind, concerns, item.quote)


def gist_text(kind: str | None, concerns: Iterable[str], quote: str) -> str:
    """ "Type: concern, concern" (three at most), or the type and the quote's first words when
    it concerns nothing; the lineages' labels and the page's commitment labels alike."""
    labels = sorted(concerns)
    if labels:
        about = ", ".join(labels[:3]) + (", ..." if len(labels) > 3 else "")
    else:
        words = quote.split()
        about = " ".join(words[:10]) + (" ..." if len(words) > 10 else "")
    kind = kind or "Commitment"
    return f"{kind}: {about}" if about else kind
