"""Writes that scale: the union default graph kept in step incrementally."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from oxigraph_server import oxigraph_server
from rdflib import RDF, RDFS, Literal, URIRef

from alliance_kg.graph.remote import open_remote
from alliance_kg.graph.sparql import SparqlStore
from alliance_kg.graph.store import (
    RdfTriple,
    open_store,
    refresh_union,
    remove_graphs,
    replace_graphs,
)
from alliance_kg.ontology import ID

EX = "http://example.org/"
GRAPHS = [str(ID[f"document/g{i}"]) for i in range(6)]
# A small pool, so that graphs share many triples: the case the incremental union must get
# right (a triple leaves the default graph only with the last graph that holds it).
POOL: list[RdfTriple] = [
    (URIRef(f"{EX}s{i % 4}"), URIRef(f"{EX}p{i % 3}"), obj)
    for i, obj in enumerate(
        [
            URIRef(f"{EX}o{n}") if n % 3 else Literal(f"v{n}", lang="en" if n % 2 else None)
            for n in range(18)
        ]
    )
] + [(URIRef(f"{EX}s0"), RDF.type, RDFS.Class)]


def rows(store: SparqlStore, pattern: str) -> set[tuple[str, ...]]:
    """The solutions of ``SELECT * WHERE { pattern }`` as tuples of N-Triples terms."""
    result = store.query(f"SELECT * WHERE {{ {pattern} }}")
    return {tuple(str(term) for term in solution) for solution in result}  # type: ignore[union-attr]


def default_graph(store: SparqlStore) -> set[tuple[str, ...]]:
    return rows(store, "?s ?p ?o")


def union_of_named(store: SparqlStore) -> set[tuple[str, ...]]:
    return {row[1:] for row in rows(store, "GRAPH ?g { ?s ?p ?o }")}


def random_writes(store: SparqlStore, seed: int, steps: int = 40) -> None:
    """Replace, add and remove graphs at random; after each write the default graph must be
    the union of the named graphs, as a model of them kept here says."""
    rng = random.Random(seed)
    model: dict[str, set[RdfTriple]] = {}
    for _ in range(steps):
        if rng.random() < 0.2:
            gone = rng.sample(GRAPHS, rng.randint(1, 2))
            remove_graphs(store, gone)
            for name in gone:
                model.pop(name, None)
        else:
            chosen = rng.sample(GRAPHS, rng.randint(1, 3))
            # Some graphs are given no triples: replace_graphs removes those.
            graphs = {n: rng.sample(POOL, rng.choice([0, 1, 3, 8, 12])) for n in chosen}
            replace_graphs(store, graphs)
            model.update({n: set(t) for n, t in graphs.items()})
            model = {n: t for n, t in model.items() if t}
        expected = set().union(*model.values()) if model else set()
        assert len(default_graph(store)) == len(expected)
        assert default_graph(store) == union_of_named(store)
    before = default_graph(store)
    refresh_union(store)
    assert default_graph(store) == before


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_union_matches_a_full_rebuild(tmp_path: Path, seed: int) -> None:
    random_writes(open_store(tmp_path / "store"), seed)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oxigraph_server(tmp_path_factory.mktemp("server")) as url:
        yield url


def test_incremental_union_matches_a_full_rebuild_on_a_server(server: str) -> None:
    store = open_remote(server)
    random_writes(store, 4)  # type: ignore[arg-type]
    remove_graphs(store, GRAPHS)  # type: ignore[arg-type]
    assert default_graph(store) == set()  # type: ignore[arg-type]
