"""Counts of what the store holds: documents, meetings, commitments, entities, triples."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from alliance_kg.graph.totals import Totals, count_totals
from alliance_kg.ontology import AKG, COMMITMENT_TYPES, ENTITY_TYPES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore


class GraphStats(TypedDict):
    """The counts ``graph_stats`` returns."""

    documents: int
    meetings: int
    conflicts: int
    lineages: int
    commitments: int
    entities: int
    entities_by_type: dict[str, int]
    commitments_by_type: dict[str, int]
    named_graphs: int
    triples: int
    quads: int


def graph_stats(store: SparqlStore, kept: Totals | None = None) -> GraphStats:
    """Count the store's content over the union of its graphs.

    ``entities_by_type`` has every type of ``ENTITY_TYPES`` and ``commitments_by_type`` every
    type of ``COMMITMENT_TYPES`` (zero when absent). ``entities`` counts distinct entity IRIs
    (one typed twice counts once), ``triples`` distinct triples over all graphs, ``quads``
    everything stored, so a triple stated by two documents is one triple and two quads.
    ``kept``: the counts as kept beside the store (``totals.py``), else they are counted.
    """
    found = count_totals(store) if kept is None else kept
    classes, kinds = found.classes, found.kinds
    return GraphStats(
        documents=classes[str(AKG.Document)],
        meetings=classes[str(AKG.Meeting)],
        conflicts=classes[str(AKG.Conflict)],
        lineages=classes[str(AKG.Lineage)],
        commitments=classes[str(AKG.Commitment)],
        entities=found.entities,
        entities_by_type={t: classes[str(AKG[t])] for t in ENTITY_TYPES},
        commitments_by_type={t: kinds[str(AKG[t])] for t in COMMITMENT_TYPES},
        named_graphs=found.graphs,
        triples=found.triples,
        quads=found.quads,
    )


def format_stats(stats: GraphStats) -> str:
    """The counts as aligned text, one per line, types indented under their totals."""
    rows: list[tuple[str, int]] = [
        ("Documents", stats["documents"]),
        ("Meetings", stats["meetings"]),
        ("  Conflicts", stats["conflicts"]),
        ("Lineages", stats["lineages"]),
        ("Commitments", stats["commitments"]),
        *((f"  {t}", n) for t, n in stats["commitments_by_type"].items()),
        ("Entities", stats["entities"]),
        *((f"  {t}", n) for t, n in stats["entities_by_type"].items()),
        ("Named graphs", stats["named_graphs"]),
        ("Triples", stats["triples"]),
        ("Quads", stats["quads"]),
    ]
    label_width = max(len(label) for label, _ in rows)
    number_width = max(len(str(n)) for _, n in rows)
    return "\n".join(f"{label.ljust(label_width)}  {n:>{number_width}}" for label, n in rows)
