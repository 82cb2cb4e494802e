"""Read what the corpus-level stage needs from the documents' own graphs.

Everything is read with SPARQL through the store interface (``SparqlStore``), so the stage runs
the same on the embedded store and on a remote server. Only the documents' named graphs are
read (``GRAPH ?d`` with ``?d`` a document), never the stage's own earlier output.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.ontology import PREFIXES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore


@dataclass
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


@dataclass
class Item:
    """One commitment with what the stage compares."""

    iri: str
    doc: str
    quote: str
    offset: int
    types: set[str] = field(default_factory=set)
    parties: frozenset[str] = frozenset()
    concerns: set[str] = field(default_factory=set)
    deadlines: list[tuple[str, str, str]] = field(default_factory=list)  # (iri, date, kind)


@dataclass
class Entity:
    """An entity's label, class and office (for persons)."""

    iri: str
    label: str
    types: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # other labels, and demonyms of States
    office: str | None = None
    represents: str | None = None


@dataclass
class Corpus:
    """What the stage reads from the store."""

    docs: dict[str, Doc]
    items: list[Item]
    entities: dict[str, Entity]


def read_corpus(store: SparqlStore, new: SparqlStore | None = None) -> Corpus:
    """Documents, their stated meetings, their commitments and the entities' labels.

    ``new`` holds documents about to be written: they are read from it, and any graph of the
    same name in ``store`` is left out, so the stage can run before a build writes anything.
    """
    replaced = {g.value for g in new.named_graphs()} if new is not None else set()
    sources = [(store, replaced), *([(new, set())] if new is not None else [])]

    def rows(query: str) -> Iterator[dict[str, str]]:
        for source, skip in sources:
            for row in _rows(source, query):
                if row.get("d") not in skip:
                    yield row

    docs: dict[str, Doc] = {}
    for row in rows(
        "SELECT ?d ?f WHERE { GRAPH ?d { ?d a akg:Document ; akg:sourceFile ?f } }",
    ):
        docs.setdefault(row["d"], Doc(row["d"], row["f"]))
    single = {
        "series": "akg:statedSeries",
        "date": "akg:statedDate",
        "start": "akg:statedStartDate",
        "place": "akg:statedPlace",
        "given_date": "akg:givenDate",
        "given_place": "akg:givenPlace",
    }
    for attr, prop in single.items():
        for row in rows(f"SELECT ?d ?v WHERE {{ GRAPH ?d {{ ?d {prop} ?v }} }}"):
            if row["d"] in docs and getattr(docs[row["d"]], attr) is None:
                setattr(docs[row["d"]], attr, row["v"])
    for attr, prop in (("participants", "akg:statedParticipant"), ("parties", "akg:meetingParty")):
        for row in rows(f"SELECT ?d ?v WHERE {{ GRAPH ?d {{ ?d {prop} ?v }} }}"):
            if row["d"] in docs:
                getattr(docs[row["d"]], attr).add(row["v"])

    items: dict[str, Item] = {}
    for row in rows(
        "SELECT ?c ?d ?q ?o WHERE { GRAPH ?d { ?c akg:statedIn ?d ; akg:quote ?q ; "
        "akg:startOffset ?o } }",
    ):
        if row["d"] in docs:
            items.setdefault(row["c"], Item(row["c"], row["d"], row["q"], int(row["o"])))
    parties: dict[str, set[str]] = {}
    for prop, attr in (("akg:commitmentType", "types"), ("akg:concerns", "concerns")):
        for row in rows(f"SELECT ?d ?c ?v WHERE {{ GRAPH ?d {{ ?c {prop} ?v }} }}"):
            if row["c"] in items:
                getattr(items[row["c"]], attr).add(row["v"].rsplit("#", 1)[-1])
    for row in rows("SELECT ?d ?c ?v WHERE { GRAPH ?d { ?c akg:madeBy ?v } }"):
        parties.setdefault(row["c"], set()).add(row["v"])
    for iri, found in parties.items():
        if iri in items:
            items[iri].parties = frozenset(found)
    for row in rows(
        "SELECT ?d ?c ?x ?v ?k WHERE { GRAPH ?d { ?c akg:hasDeadline ?x . "
        "?x akg:deadlineDate ?v ; akg:deadlineKind ?k } }",
    ):
        if row["c"] in items:
            items[row["c"]].deadlines.append((row["x"], row["v"], row["k"]))
    for item in items.values():
        item.deadlines.sort()

    entities: dict[str, Entity] = {}
    for row in rows(
        "SELECT ?d ?e ?l ?t WHERE { GRAPH ?d { ?e skos:prefLabel ?l ; a ?t } }",
    ):
        entity = entities.setdefault(row["e"], Entity(row["e"], row["l"]))
        entity.label = min(entity.label, row["l"])
        entity.types.add(row["t"].rsplit("#", 1)[-1])
    for row in rows(
        "SELECT DISTINCT ?d ?e ?v WHERE { GRAPH ?d { ?e skos:altLabel|akg:demonym ?v } }",
    ):
        if row["e"] in entities:
            entities[row["e"]].names.add(row["v"])
    for prop, attr in (("akg:office", "office"), ("akg:represents", "represents")):
        for row in rows(f"SELECT ?d ?e ?v WHERE {{ GRAPH ?d {{ ?e {prop} ?v }} }}"):
            if row["e"] in entities:
                current = getattr(entities[row["e"]], attr)
                setattr(entities[row["e"]], attr, min(current, row["v"]) if current else row["v"])
    ordered = sorted(items.values(), key=lambda i: (docs[i.doc].key, i.offset, i.iri))
    return Corpus(docs, ordered, entities)


def _rows(store: SparqlStore, query: str) -> Iterator[dict[str, str]]:
    result = store.query(query, prefixes=PREFIXES)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    for solution in result:
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term.value
        yield row
