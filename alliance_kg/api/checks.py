"""``KnowledgeGraph.validate``: the graph checked against its contract (``akg validate``); and
``KnowledgeGraph.stats`` and ``void``, its counts (``akg stats``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alliance_kg.api import KnowledgeGraph
    from alliance_kg.graph.stats import GraphStats
    from alliance_kg.graph.validate import Validation


def stats(kg: KnowledgeGraph) -> GraphStats:
    """Counts of documents, meetings, commitments, conflicts, entities by type, triples."""
    from alliance_kg.graph.stats import graph_stats
    from alliance_kg.graph.totals import kept_totals

    store = kg.store(read_only=True)  # opened first: the totals are of what it holds
    return graph_stats(store, kept_totals(kg._folder, kg._links_state()))


def void(kg: KnowledgeGraph, sparql_endpoint: str | None = None) -> str:
    """A VoID description of the store as Turtle: documents, triples, entities, the count of
    each class and the documents' sources."""
    from alliance_kg.graph.void import void_turtle

    return void_turtle(kg.store(read_only=True), sparql_endpoint, kg._folder)


def validate(
    kg: KnowledgeGraph, *, max_triples: int | None = None, engine: str = "sparql"
) -> Validation:
    """Check the graph against its contract, the SHACL shapes of
    ``alliance_kg/ontology/shapes.ttl``: every violation is in the result, none is raised
    (``report()`` and ``summary()`` format it). A store of more than ``max_triples`` triples
    is not checked (``Validation.skipped``). ``engine``: ``"sparql"`` (each rule a query the
    store runs) or ``"pyshacl"`` (pySHACL over a copy of the graph in memory); both give the
    same result (README, "The graph's contract")."""
    from alliance_kg.graph.totals import kept_totals
    from alliance_kg.graph.validate import validate_store

    store = kg.store(read_only=True)
    kept = kept_totals(kg._folder, kg._links_state())
    triples = kept.triples if kept else None
    return validate_store(store, max_triples=max_triples, triples=triples, engine=engine)
