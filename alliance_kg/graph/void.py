"""A VoID description of the store (https://www.w3.org/TR/void/): how many documents, triples,
entities and commitments it holds, by class, and where its documents came from. Made on
request from what the store holds (``akg stats --format void``, ``/.well-known/void`` of
``akg serve``), so it always describes the store as it is now."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.graph.links.state import LinksState
from alliance_kg.graph.sparql import is_remote
from alliance_kg.graph.stats import graph_stats
from alliance_kg.graph.totals import kept_totals
from alliance_kg.ontology import AKG, ID, ONTOLOGY_IRI, PREFIXES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

VOID = "http://rdfs.org/ns/void#"
#: The IRI of the dataset the description is about.
DATASET = f"{ID}dataset"


def void_turtle(
    store: SparqlStore, sparql_endpoint: str | None = None, location: str | Path | None = None
) -> str:
    """The VoID description of ``store`` as Turtle (with ``sparql_endpoint`` when it is served
    over the SPARQL protocol). ``location``: where it was opened; an on-disk store's counts
    are kept beside it (``totals.py``; open the store first, so they are of what it holds)."""
    folder = None if location is None or is_remote(str(location)) else Path(location)
    keeper = LinksState(folder) if folder is not None else None
    stats = graph_stats(store, kept_totals(folder, keeper))
    dataset = ox.NamedNode(DATASET)
    void = ox.NamedNode
    quads: list[ox.Triple] = [
        ox.Triple(dataset, void(PREFIXES["rdf"] + "type"), void(VOID + "Dataset")),
        ox.Triple(dataset, void(PREFIXES["dct"] + "title"), ox.Literal("alliance-kg graph")),
        ox.Triple(dataset, void(VOID + "vocabulary"), void(ONTOLOGY_IRI)),
        ox.Triple(dataset, void(VOID + "triples"), _integer(stats["triples"])),
        ox.Triple(dataset, void(VOID + "entities"), _integer(stats["entities"])),
        ox.Triple(dataset, void(VOID + "documents"), _integer(stats["documents"])),
        ox.Triple(dataset, void(VOID + "uriSpace"), ox.Literal(str(ID))),
    ]
    if sparql_endpoint:
        quads.append(ox.Triple(dataset, void(VOID + "sparqlEndpoint"), void(sparql_endpoint)))
    counts = {
        **{kind: n for kind, n in stats["entities_by_type"].items()},
        "Commitment": stats["commitments"],
        "Meeting": stats["meetings"],
        "Document": stats["documents"],
        "Lineage": stats["lineages"],
        "Conflict": stats["conflicts"],
    }
    for kind, n in sorted(counts.items()):
        if n:
            part = void(f"{DATASET}/class/{kind}")
            quads += [
                ox.Triple(dataset, void(VOID + "classPartition"), part),
                ox.Triple(part, void(VOID + "class"), void(str(AKG[kind]))),
                ox.Triple(part, void(VOID + "entities"), _integer(n)),
            ]
    for source in _sources(store):
        quads.append(ox.Triple(dataset, void(PREFIXES["dct"] + "source"), void(source)))
    prefixes = {"void": VOID, "dct": PREFIXES["dct"], "akg": PREFIXES["akg"]}
    # Grouped by subject, the dataset first, so each resource is one block.
    ordered = sorted(quads, key=lambda t: (t.subject != dataset, str(t.subject), str(t.predicate)))
    return (ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"").decode()


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))


def _sources(store: SparqlStore) -> list[str]:
    query = (
        f"SELECT DISTINCT ?s WHERE {{ ?d a <{AKG.Document}> ; <{PREFIXES['dct']}source> ?s "
        "FILTER(isIRI(?s)) } ORDER BY ?s"
    )
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return [row["s"].value for row in result]
