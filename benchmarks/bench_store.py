"""Time loading and querying a synthetic alliance graph: the project's store against rdflib.

Run: ``.venv/bin/python benchmarks/bench_store.py [TRIPLES]`` (default 200000). The graph has the
shape of docs/graph-shape.md: one named graph per document holding its document node, the
entities it mentions and its commitments (madeBy, concerns, commitmentType, quote, offsets).
Both stores answer the same query: commitments per party and type (4 triple patterns and a
GROUP BY); the script checks that the answers agree and prints the times and their ratio.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Dataset, Literal, URIRef
from rdflib.namespace import SKOS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alliance_kg.graph.store import open_store, replace_graphs  # noqa: E402
from alliance_kg.ontology import AKG, COMMITMENT_TYPES, ENTITY_TYPES, ID  # noqa: E402

Triple = tuple[URIRef, URIRef, URIRef | Literal]
Row = tuple[str, str, int]

QUERY = """
PREFIX akg: <https://w3id.org/alliance-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?party ?type (COUNT(DISTINCT ?c) AS ?n)
WHERE {
  ?c a akg:Commitment ;
     akg:madeBy ?p ;
     akg:commitmentType ?type .
  ?p skos:prefLabel ?party .
}
GROUP BY ?party ?type
ORDER BY ?party ?type
"""

COMMITMENTS_PER_DOC = 100
ENTITIES = 400
# Triples per commitment (type, label, 1.5 parties, 1.5 types, 2 concerns, statedIn, quote,
# 2 offsets) plus the entity triples each document repeats: about 17 per commitment.
TRIPLES_PER_COMMITMENT = 17


def synthetic_graphs(triples: int, seed: int = 7) -> dict[str, list[Triple]]:
    """Named graphs of about ``triples`` triples in total, the same for the same arguments."""
    rng = random.Random(seed)
    entities = [
        (ID[f"{ENTITY_TYPES[i % 8].lower()}/e{i}"], ENTITY_TYPES[i % 8]) for i in range(ENTITIES)
    ]
    parties = [iri for iri, kind in entities if kind in ("State", "Person", "Organization")]
    documents = max(1, triples // (COMMITMENTS_PER_DOC * TRIPLES_PER_COMMITMENT))
    graphs: dict[str, list[Triple]] = {}
    for d in range(documents):
        doc = ID[f"document/doc{d:05d}"]
        g: list[Triple] = [(doc, RDF.type, AKG.Document), (doc, RDFS.label, Literal(f"Doc {d}"))]
        mentioned: set[URIRef] = set()
        for c in range(COMMITMENTS_PER_DOC):
            node = ID[f"commitment/doc{d:05d}/{c * 100}-{c * 100 + 90}"]
            g += [
                (node, RDF.type, AKG.Commitment),
                (node, RDFS.label, Literal(f"Commitment {c} of {d}")),
                (node, AKG.statedIn, doc),
                (node, AKG.quote, Literal(f"The parties reaffirmed point {c} of document {d}.")),
                (node, AKG.startOffset, Literal(c * 100)),
                (node, AKG.endOffset, Literal(c * 100 + 90)),
            ]
            for party in rng.sample(parties, rng.choice((1, 2))):
                g.append((node, AKG.madeBy, party))
                mentioned.add(party)
            for kind in rng.sample(COMMITMENT_TYPES, rng.choice((1, 2))):
                g.append((node, AKG.commitmentType, AKG[kind]))
            for concern, _ in rng.sample(entities, 2):
                g.append((node, AKG.concerns, concern))
                mentioned.add(concern)
        kinds = dict(entities)
        for entity in sorted(mentioned):
            name = entity.rsplit("/", 1)[1].upper()
            g += [
                (entity, RDF.type, AKG[kinds[entity]]),
                (entity, SKOS.prefLabel, Literal(name)),
                (entity, AKG.mentionedIn, doc),
            ]
        graphs[str(doc)] = g
    return graphs


def main() -> None:
    """Build the graph, load and query it with both libraries, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("triples", nargs="?", type=int, default=200_000)
    args = parser.parse_args()

    graphs = synthetic_graphs(args.triples)
    total = sum(len(g) for g in graphs.values())
    print(f"synthetic graph: {total} triples in {len(graphs)} document graphs")

    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "store")
        start = time.perf_counter()
        replace_graphs(store, graphs)
        ox_load = time.perf_counter() - start
        print(f"load  pyoxigraph store (replace_graphs): {ox_load:8.2f} s  ({len(store)} quads)")

        dataset = Dataset(default_union=True)
        start = time.perf_counter()
        for name, triples in graphs.items():
            dataset.addN((s, p, o, dataset.graph(URIRef(name))) for s, p, o in triples)
        rdflib_load = time.perf_counter() - start
        print(f"load  rdflib Dataset (in memory):        {rdflib_load:8.2f} s")

        def timed(query_store: ox.Store, union_view: bool = False) -> tuple[list[Row], float]:
            start = time.perf_counter()
            solutions = query_store.query(QUERY, use_default_graph_as_union=union_view)
            assert isinstance(solutions, ox.QuerySolutions)
            rows = [(str(r[0].value), str(r[1].value), int(r[2].value)) for r in solutions]
            return rows, time.perf_counter() - start

        # The project's store keeps the de-duplicated union in its default graph (written by
        # replace_graphs); pyoxigraph's own union view repeats a triple once per graph.
        ox_rows, ox_query = timed(store)
        bag_rows, bag_query = timed(store, union_view=True)

        start = time.perf_counter()
        rdflib_rows = [(str(r[0]), str(r[1]), int(str(r[2]))) for r in dataset.query(QUERY)]  # type: ignore[index]
        rdflib_query = time.perf_counter() - start

    if not sorted(ox_rows) == sorted(rdflib_rows) == sorted(bag_rows):
        sys.exit("the stores gave different answers")
    print(f"query project store (default graph):      {ox_query:8.3f} s  ({len(ox_rows)} rows)")
    print(f"query rdflib Dataset:                     {rdflib_query:8.3f} s  (same rows)")
    print(f"query pyoxigraph union-of-graphs view:    {bag_query:8.3f} s  (same rows)")
    print(f"query ratio rdflib / project store:       {rdflib_query / ox_query:8.1f} x")
    print(f"load ratio rdflib / project store:        {rdflib_load / ox_load:8.2f} x")


if __name__ == "__main__":
    main()
