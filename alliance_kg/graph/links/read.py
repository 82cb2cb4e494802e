"""Read what the corpus-level stage needs from the documents' own graphs.

Everything is read with SPARQL through the store interface (``SparqlStore``), so the stage runs
the same on the embedded store and on a remote server. Only the documents' named graphs are
read (``GRAPH ?d`` with ``?d`` a document), never the stage's own earlier output.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

import pyoxigraph as ox

from alliance_kg.graph.links.match import GraphIndex, Pattern, compile_pattern, solutions
from alliance_kg.graph.store import graph_names
from alliance_kg.ontology import ID, PREFIXES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

#: The named graph the stage writes (never read by it).
LINKS_GRAPH = ID["graph/links"]
#: The version of what the stage writes, stated in the links graph (``akg:linksVersion``). Raise
#: it when the stage comes to write something a query reads: a cookbook query declaring the new
#: version (``# needs links version: N``) then refuses a store the older stage wrote. 2: the
#: counts of ``summary.py``; 3: ``akg:statusSetBy`` (``deadlines.py``); 4: ``akg:lineageText``.
LINKS_VERSION = 4


@dataclass(slots=True)
class Doc:
    """A document and what it states of the meeting it reports."""

    iri: str
    file: str
    series: str | None = None
    date: str | None = None  # stated (last) day
    start: str | None = None  # stated first day of a range
    place: str | None = None
    given_date: str | None = None
    given_place: str | None = None
    participants: set[str] = field(default_factory=set)
    parties: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """The document key (the last segment of its IRI)."""
        return self.iri.rsplit("/", 1)[-1]


class _ItemFields(NamedTuple):
    iri: str
    doc: str
    quote: str
    offset: int
    types: set[str]
    parties: frozenset[str]
    concerns: set[str]
    deadlines: list[tuple[str, str, str]]  # (iri, date, kind)


class Item(_ItemFields):
    """One commitment with what the stage compares. A tuple: a large store's stage makes some
    100,000 of them from what the last stage kept (``grown.py``), and ``Item._make`` of a row
    costs a fifth of a dataclass's construction."""

    __slots__ = ()

    def __new__(
        cls,
        iri: str,
        doc: str,
        quote: str,
        offset: int,
        types: set[str] | None = None,
        parties: frozenset[str] = frozenset(),
        concerns: set[str] | None = None,
        deadlines: list[tuple[str, str, str]] | None = None,
    ) -> Item:
        """A commitment; the sets and list not given are new empty ones."""
        return super().__new__(
            cls, iri, doc, quote, offset, set() if types is None else types, parties,
            set() if concerns is None else concerns, [] if deadlines is None else deadlines,
        )  # fmt: skip


@dataclass(slots=True)
class Entity:
    """An entity's label, class and office (for persons)."""

    iri: str
    label: str  # the least of its preferred labels
    types: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # other labels, and demonyms of States
    labels: set[str] = field(default_factory=set)  # every preferred label (skos:prefLabel)
    office: str | None = None
    represents: str | None = None


@dataclass
class Corpus:
    """What the stage reads from the store. ``dangling``: the subjects of rows that would say
    something of a commitment no document states, or of an entity without a label."""

    docs: dict[str, Doc]
    items: Sequence[Item]  # a list, or ``kept_items.KeptItems``
    entities: dict[str, Entity]
    dangling: set[str] = field(default_factory=set)
    #: Each commitment's field, by field name, for the items it was made of
    #: (``kept_items.parties_of`` and the others).
    fields: dict[str, tuple[Sequence[Item], list[Any]]] = field(
        default_factory=dict, repr=False, compare=False
    )


def read_corpus(store: SparqlStore, new: SparqlStore | None = None) -> Corpus:
    """Documents, their stated meetings, their commitments and the entities' labels.

    ``new`` holds documents about to be written: they are read from it, and any graph of the
    same name in ``store`` is left out, so the stage can run before a build writes anything.
    """
    records = read_records(store)
    if new is not None:
        fresh = read_records(new)
        records = {g: rows for g, rows in records.items() if g not in fresh} | fresh
    return corpus_of(records_source(records))


#: What the stage reads of each named graph ``?d``: a query's name, its variables besides
#: ``?d`` and its pattern inside ``GRAPH ?d``.
QUERIES: dict[str, tuple[tuple[str, ...], str]] = {
    "doc": (("f",), "?d a akg:Document ; akg:sourceFile ?f"),
    **{
        attr: (("v",), f"?d {prop} ?v")
        for attr, prop in (
            ("series", "akg:statedSeries"),
            ("date", "akg:statedDate"),
            ("start", "akg:statedStartDate"),
            ("place", "akg:statedPlace"),
            ("given_date", "akg:givenDate"),
            ("given_place", "akg:givenPlace"),
            ("participants", "akg:statedParticipant"),
            ("parties", "akg:meetingParty"),
        )
    },
    "item": (("c", "q", "o"), "?c akg:statedIn ?d ; akg:quote ?q ; akg:startOffset ?o"),
    "types": (("c", "v"), "?c akg:commitmentType ?v"),
    "concerns": (("c", "v"), "?c akg:concerns ?v"),
    "made_by": (("c", "v"), "?c akg:madeBy ?v"),
    "deadline": (
        ("c", "x", "v", "k"),
        "?c akg:hasDeadline ?x . ?x akg:deadlineDate ?v ; akg:deadlineKind ?k",
    ),
    "entity": (("e", "l", "t"), "?e skos:prefLabel ?l ; a ?t"),
    "names": (("e", "v"), "?e skos:altLabel|akg:demonym ?v"),
    "office": (("e", "v"), "?e akg:office ?v"),
    "represents": (("e", "v"), "?e akg:represents ?v"),
}
_SINGLE = ("series", "date", "start", "place", "given_date", "given_place")
#: The queries whose rows only the meetings read (``meetings.py``, ``by_meeting.py``): a graph
#: whose other rows stay as they were leaves its commitments, their vectors and the blocks as
#: they were (``state_corpus._edited``). A document's dates are not among them: they order its
#: commitments.
MEETING_ONLY = frozenset({"series", "start", "place", "given_place", "participants", "parties"})
#: The queries whose rows name a commitment as their first value, beside ``item``.
OF_COMMITMENTS = ("types", "concerns", "made_by", "deadline")
#: The queries of an entity's label, classes, other names, office and State.
OF_ENTITIES = frozenset({"entity", "names", "office", "represents"})

#: The rows each query gives in one graph, sorted (so that reading a graph alone or with all
#: the others gives the same rows in the same order).
Rows = dict[str, list[tuple[str, ...]]]
#: How many graphs one query names in its VALUES block.
CHUNK = 400


def read_records(store: SparqlStore, graphs: Collection[str] | None = None) -> dict[str, Rows]:
    """The rows of every query (``QUERIES``) in each of ``graphs`` (default: every named graph
    but the stage's own links graph), by graph; a graph without rows has an empty record."""
    names = _names(store, graphs)
    records: dict[str, Rows] = {name: {} for name in names}
    for query in QUERIES:
        for graph, rows in read_query(store, query, names, graphs is None).items():
            records[graph][query] = rows
    return records


def graph_records(name: str, lines: Sequence[str]) -> Rows:
    """The record of one graph given as its N-Triples lines (``terms.graph_lines``): the rows
    ``read_records`` would read of it in the store, the same queries answered over its triples
    in memory (``match``: every query's pattern lies inside one graph). A build's worker reads
    so the graph it made, and the stage need not read it back from the store."""
    graph = ox.NamedNode(name)
    compiled, wanted = _patterns()
    # Only the lines of the predicates the queries ask for are parsed: a line is "S P O ." and
    # no subject holds a space. The same line twice is one triple, as in the store.
    text = "\n".join(dict.fromkeys(x for x in lines if x.split(" ", 2)[1] in wanted))
    index = GraphIndex(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
    record: Rows = {}
    for query, patterns in compiled.items():
        variables = QUERIES[query][0]
        rows = [
            tuple(solution[v].value for v in variables)
            for solution in solutions(index, patterns, {"d": graph})
        ]
        if rows:
            record[query] = sorted(rows)
    return record


@functools.cache
def _patterns() -> tuple[dict[str, list[Pattern]], set[str]]:
    """The compiled patterns of ``QUERIES``, and their predicates in N-Triples form."""
    compiled = {query: compile_pattern(pattern) for query, (_, pattern) in QUERIES.items()}
    wanted = {str(p) for patterns in compiled.values() for _, ps, _ in patterns for p in ps}
    return compiled, wanted


def _names(store: SparqlStore, graphs: Collection[str] | None) -> list[str]:
    names = sorted(graphs) if graphs is not None else graph_names(store)
    return [n for n in names if n != str(LINKS_GRAPH)]


def read_query(
    store: SparqlStore, query: str, graphs: list[str], every: bool = False
) -> dict[str, list[tuple[str, ...]]]:
    """The sorted rows of one of ``QUERIES`` in each of ``graphs`` that has any. ``every``: the
    graphs are all of the store's, read in one pass rather than named in VALUES blocks."""
    variables, pattern = QUERIES[query]
    select = " ".join(f"?{v}" for v in ("d", *variables))
    wanted = set(graphs)
    found: dict[str, list[tuple[str, ...]]] = {}
    chunks = [None] if every else [graphs[k : k + CHUNK] for k in range(0, len(graphs), CHUNK)]
    for chunk in chunks:
        values = "" if chunk is None else "VALUES ?d { " + " ".join(f"<{n}>" for n in chunk) + " } "
        text = f"SELECT {select} WHERE {{ {values}GRAPH ?d {{ {pattern} }} }}"
        result = store.query(text, prefixes=PREFIXES)
        assert isinstance(result, ox.QuerySolutions)
        # A step per row of the store's: each solution's terms in the order selected (?d
        # first), none unbound (the patterns have no OPTIONAL).
        for solution in result:
            graph, *rest = map(_value, solution)
            if graph in wanted:
                rows = found.get(graph)
                if rows is None:
                    rows = found[graph] = []
                rows.append(tuple(rest))
    for rows in found.values():
        rows.sort()
    return found


#: For one of ``QUERIES``, its rows graph by graph: (graph, sorted rows), in the order of the
#: graphs' names.
RowSource = Callable[[str], Iterable[tuple[str, list[tuple[str, ...]]]]]


def records_source(records: Mapping[str, Rows]) -> RowSource:
    """The rows of records held in memory (``read_records``), as ``corpus_of`` takes them."""
    order = sorted(records)

    def source(query: str) -> Iterator[tuple[str, list[tuple[str, ...]]]]:
        for graph in order:
            yield graph, records[graph].get(query, [])

    return source


def corpus_of(source: RowSource) -> Corpus:
    """The corpus that the records of the graphs describe (``records_source``, or the records
    kept in ``state``). Graphs are taken in the order of their names and rows in their sorted
    order, so where a document states a field twice the same value wins however the records
    were read."""
    docs: dict[str, Doc] = {}
    for d, found in source("doc"):
        for (f,) in found:
            if d not in docs:
                docs[d] = Doc(d, f)
    for attr in _SINGLE:
        for d, found in source(attr):
            doc = docs.get(d)
            for (v,) in found:
                if doc is not None and getattr(doc, attr) is None:
                    setattr(doc, attr, v)
    for attr in ("participants", "parties"):
        for d, found in source(attr):
            if d in docs:
                getattr(docs[d], attr).update(v for (v,) in found)
    dangling: set[str] = set()
    items = _items(source, docs, dangling)
    entities: dict[str, Entity] = {}
    add_entities(entities, source, dangling)
    # Entities in the order of their IRIs, however many graphs' rows they were read from.
    entities = dict(sorted(entities.items()))
    return Corpus(docs, ordered_items(docs, items.values()), entities, dangling)


def ordered_items(docs: Mapping[str, Doc], items: Iterable[Item]) -> list[Item]:
    """The commitments in the corpus's order: by document key, place in it, and IRI."""
    keys = {iri: doc.key for iri, doc in docs.items()}  # a key is made once per document
    return sorted(items, key=lambda i: (keys[i.doc], i.offset, i.iri))


def _items(source: RowSource, docs: dict[str, Doc], dangling: set[str]) -> dict[str, Item]:
    """The commitments of the documents, with their types, concerns, parties and deadlines;
    the subjects of such rows that are not commitments go to ``dangling``."""
    # The parties first: an item is a tuple, made once with them.
    parties: dict[str, set[str]] = {}
    for _, found in source("made_by"):
        for c, v in found:
            made = parties.get(c)
            if made is None:
                parties[c] = {v}
            else:
                made.add(v)
    shared: dict[frozenset[str], frozenset[str]] = {frozenset(): frozenset()}
    items: dict[str, Item] = {}
    for d, found in source("item"):
        doc = docs.get(d)
        if doc is not None:
            # The document's own string, not one copy per commitment (the same for the
            # types and concerns below: a large store has some 100,000 commitments).
            for c, q, o in found:
                if c not in items:
                    key = frozenset(parties.get(c, ()))
                    items[c] = Item(c, doc.iri, q, int(o), parties=shared.setdefault(key, key))
    dangling.update(iri for iri in parties if iri not in items)
    # Each class IRI's last segment, made and interned once (some 300,000 rows name a few).
    short: dict[str, str] = {}
    for attr in ("types", "concerns"):
        for _, found in source(attr):
            for c, v in found:
                item = items.get(c)
                if item is not None:
                    name = short.get(v)
                    if name is None:
                        name = short[v] = sys.intern(v.rsplit("#", 1)[-1])
                    getattr(item, attr).add(name)
                else:
                    dangling.add(c)
    for _, found in source("deadline"):
        for c, x, v, k in found:
            if c in items:
                items[c].deadlines.append((x, v, k))
            else:
                dangling.add(c)
    for item in items.values():
        item.deadlines.sort()
    return items


def add_entities(entities: dict[str, Entity], source: RowSource, dangling: set[str]) -> None:
    """Add the entities' labels, classes, other names, offices and States to ``entities``;
    rows of other subjects than entities go to ``dangling``. Every graph restates those of
    the entities it names (some 400,000 rows at 10,000 statements for a few hundred distinct
    ones); each field is a least value or a union, so a row seen again adds nothing and is
    passed over, and the entities of more graphs can be added to those of others."""

    def distinct(query: str) -> Iterator[tuple[str, ...]]:
        seen: set[tuple[str, ...]] = set()
        for _, found in source(query):
            for row in found:
                if row not in seen:
                    seen.add(row)
                    yield row

    for e, label, t in distinct("entity"):
        entity = entities.get(e)
        if entity is None:
            entity = entities[e] = Entity(e, label)
        entity.label = min(entity.label, label)
        entity.labels.add(label)
        entity.types.add(t.rsplit("#", 1)[-1])
    for e, v in distinct("names"):
        if e in entities:
            entities[e].names.add(v)
        else:
            dangling.add(e)
    for attr in ("office", "represents"):
        for e, v in distinct(attr):
            if e in entities:
                current = getattr(entities[e], attr)
                setattr(entities[e], attr, min(current, v) if current else v)
            else:
                dangling.add(e)


_value = attrgetter("value")
