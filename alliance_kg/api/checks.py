"""``KnowledgeGraph.validate``: the graph checked against its contract (``akg validate``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alliance_kg.api import KnowledgeGraph
    from alliance_kg.graph.validate import Validation


def validate(kg: KnowledgeGraph, *, max_triples: int | None = None) -> Validation:
    """Check the graph against its contract, the SHACL shapes of
    ``alliance_kg/ontology/shapes.ttl``: every violation is in the result, none is raised
    (``report()`` and ``summary()`` format it). A store of more than ``max_triples`` triples
    is not checked (``Validation.skipped``)."""
    from alliance_kg.graph.validate import validate_store

    return validate_store(kg.store(read_only=True), max_triples=max_triples)
