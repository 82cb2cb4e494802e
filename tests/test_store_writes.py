"""Writes that scale: the union default graph kept in step incrementally, and builds written
in batches (each document whole or absent; a failed build says what it wrote)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from clirunner import akg
from oxigraph_server import oxigraph_server
from rdflib import RDF, RDFS, BNode, Literal, URIRef

import alliance_kg
import alliance_kg.graph.load as load
from alliance_kg.errors import InputError, StoreError
from alliance_kg.graph.build import document_iri, extraction_graph
from alliance_kg.graph.export import export_graph
from alliance_kg.graph.links import LINKS_GRAPH
from alliance_kg.graph.load import iter_extractions, write_extractions
from alliance_kg.graph.remote import open_remote
from alliance_kg.graph.sparql import SparqlStore
from alliance_kg.graph.store import (
    RdfTriple,
    open_store,
    refresh_union,
    remove_graphs,
    replace_graph_lines,
    replace_graphs,
    to_oxigraph,
    write_graph,
)
from alliance_kg.loaders.model import Extraction
from alliance_kg.loaders.readers import sample_corpus_dir
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
    """The solutions of ``SELECT ?s ?p ?o WHERE { pattern }`` as tuples of N-Triples terms."""
    result = store.query(f"SELECT ?s ?p ?o WHERE {{ {pattern} }}")
    return {tuple(str(term) for term in solution) for solution in result}  # type: ignore[union-attr]


def default_graph(store: SparqlStore) -> set[tuple[str, ...]]:
    return rows(store, "?s ?p ?o")


def union_of_named(store: SparqlStore) -> set[tuple[str, ...]]:
    return rows(store, "GRAPH ?g { ?s ?p ?o }")


def random_writes(store: SparqlStore, seed: int, steps: int = 40) -> None:
    """Replace (whole, or by difference with ``write_graph``), add and remove graphs at random;
    after each write the default graph must be the union of the named graphs, as a model of
    them kept here says."""
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
            if rng.random() < 0.4:
                # The same change written as a difference, one graph at a time.
                for name, triples in graphs.items():
                    write_graph(store, name, triples)
            else:
                replace_graphs(store, graphs)
            model.update({n: set(t) for n, t in graphs.items()})
            model = {n: t for n, t in model.items() if t}
        expected = {
            tuple(str(to_oxigraph(term)) for term in triple)
            for triples in model.values()
            for triple in triples
        }
        assert default_graph(store) == expected
        assert union_of_named(store) == expected
    before = default_graph(store)
    refresh_union(store)
    assert default_graph(store) == before


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_union_matches_a_full_rebuild(tmp_path: Path, seed: int) -> None:
    random_writes(open_store(tmp_path / "store"), seed)


@pytest.mark.parametrize("seed", [5, 6])
def test_differences_written_in_parts_keep_the_union(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """A difference of more than PART_TRIPLES changes is written in parts (of CHANGED_PART when
    it removes triples): removals, then additions; the default graph stays the union."""
    import alliance_kg.graph.store as store_module

    monkeypatch.setattr(store_module, "PART_TRIPLES", 2)
    monkeypatch.setattr(store_module, "CHANGED_PART", 2)
    random_writes(open_store(tmp_path / "store"), seed)


def test_a_graph_with_blank_nodes_written_again_by_difference_is_replaced_whole(
    tmp_path: Path,
) -> None:
    """Blank nodes get fresh ids in the store, so a graph holding them cannot be compared with
    what it held: it is replaced whole, never left with two copies of the blank node's
    triples (nor given to a DELETE DATA, which refuses blank nodes)."""
    store = open_store(tmp_path / "store")
    node = BNode("b")
    triples: list[RdfTriple] = [
        (URIRef(f"{EX}s"), URIRef(f"{EX}p"), node),
        (node, RDFS.label, Literal("x")),
    ]
    for _ in range(2):
        write_graph(store, GRAPHS[0], triples)
        assert len(rows(store, f"GRAPH <{GRAPHS[0]}> {{ ?s ?p ?o }}")) == 2
        assert len(default_graph(store)) == 2
        assert store.query(f"ASK {{ <{EX}s> <{EX}p> ?b . ?b <{RDFS.label}> ?x }}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oxigraph_server(tmp_path_factory.mktemp("server")) as url:
        yield url


def test_incremental_union_matches_a_full_rebuild_on_a_server(server: str) -> None:
    store = open_remote(server)
    random_writes(store, 4)  # type: ignore[arg-type]
    remove_graphs(store, GRAPHS)  # type: ignore[arg-type]
    assert default_graph(store) == set()  # type: ignore[arg-type]


def test_batches_of_any_size_write_the_same_store(tmp_path: Path) -> None:
    whole = open_store(tmp_path / "whole")
    write_extractions(whole, iter_extractions([sample_corpus_dir()]))
    one_by_one = open_store(tmp_path / "one")
    result = write_extractions(one_by_one, iter_extractions([sample_corpus_dir()]), 1)
    assert result.documents == 5
    assert export_graph(one_by_one, "nquads") == export_graph(whole, "nquads")


def test_a_links_graph_written_in_parts_is_the_same_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A derived graph that gains more than PART_TRIPLES triples is written in several
    steps: the same quads, the union included."""
    import alliance_kg.graph.store as store_module

    whole = open_store(tmp_path / "whole")
    write_extractions(whole, iter_extractions([sample_corpus_dir()]))
    links = list(whole.quads_for_pattern(None, None, None, to_oxigraph(URIRef(LINKS_GRAPH))))
    assert len(links) > 300
    monkeypatch.setattr(store_module, "PART_TRIPLES", 7)
    parts = open_store(tmp_path / "parts")
    write_extractions(parts, iter_extractions([sample_corpus_dir()]))
    assert export_graph(parts, "nquads") == export_graph(whole, "nquads")
    assert set(parts) == set(whole)  # every quad, the default graph's included


def corpus_with_a_bad_file(tmp_path: Path) -> Path:
    """The five sample statements, then a file that cannot be read (last in path order)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(sample_corpus_dir().glob("0*")):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "zz-bad.txt").write_bytes(b"caf\xe9\n")
    return folder


def test_a_bad_file_after_written_batches_says_which_documents_were_written(
    tmp_path: Path,
) -> None:
    folder = corpus_with_a_bad_file(tmp_path)
    store = open_store(tmp_path / "store")
    with pytest.raises(InputError) as err:
        write_extractions(store, iter_extractions([folder]), 1)
    message = str(err.value)
    keys = sorted(p.stem for p in folder.glob("0*.txt"))
    assert message.startswith(f"{folder / 'zz-bad.txt'}: not UTF-8 text")
    assert f"5 document(s) had been written, each whole ({keys[0]} ... {keys[-1]})" in message
    assert "the documents after them were not written" in message
    assert message.endswith("stale until the next `akg build` or `akg update`")
    # Each written document is whole, and the default graph is their union.
    for extraction in iter_extractions(sorted(folder.glob("0*.txt"))):
        graph = document_iri(extraction.document.key)
        stored = rows(store, f"GRAPH <{graph}> {{ ?s ?p ?o }}")
        assert len(stored) == len(set(extraction_graph(extraction)))
    assert default_graph(store) == union_of_named(store)
    assert rows(store, f"GRAPH <{LINKS_GRAPH}> {{ ?s ?p ?o }}") == set()
    # The next build refreshes the links graph: the store is as a clean build leaves it.
    (folder / "zz-bad.txt").unlink()
    write_extractions(store, iter_extractions([folder]))
    clean = open_store(tmp_path / "clean")
    write_extractions(clean, iter_extractions([folder]))
    assert export_graph(store, "nquads") == export_graph(clean, "nquads")


def test_a_failed_batch_write_keeps_the_earlier_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(tmp_path / "store")
    calls = 0

    def second_write_fails(target: SparqlStore, graphs: dict[str, list[str]]) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise StoreError("cannot write to the store: disk full; nothing was written")
        replace_graph_lines(target, graphs)

    monkeypatch.setattr(load, "replace_graph_lines", second_write_fails)
    taken: list[str] = []

    def counted() -> Iterator[Extraction]:
        for extraction in iter_extractions([sample_corpus_dir()]):
            taken.append(extraction.document.key)
            yield extraction

    with pytest.raises(StoreError) as err:
        write_extractions(store, counted(), 1)
    first = sorted(p.stem for p in sample_corpus_dir().glob("*.txt"))[0]
    assert str(err.value).startswith(
        "cannot write to the store: disk full; nothing of its batch was written. Before this "
        f"failure 1 document(s) had been written, each whole ({first}); the documents after "
        "them were not written; the links graph"
    )
    assert len([g for g in store.named_graphs() if "/document/" in g.value]) == 1
    # Batches are written on a thread of their own: the failure is found when the next batch is
    # handed over, never more than one batch beyond the failed one.
    assert len(taken) <= 3


def test_akg_build_reports_the_written_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "BATCH_TRIPLES", 1)
    folder = corpus_with_a_bad_file(tmp_path)
    result = akg(tmp_path / "store", "build", str(folder))
    assert result.exit_code == 1
    assert "zz-bad.txt: not UTF-8 text" in result.output
    assert "5 document(s) had been written, each whole" in result.output
    assert "Documents           5" in akg(tmp_path / "store", "stats").output


def counted_stages(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """From now on, each run of the corpus-level stage by a build leaves an item in the list."""
    stages: list[object] = []
    link_corpus = load.link_corpus

    def counted(*args: Any, **kwargs: Any) -> object:
        stages.append(args)
        return link_corpus(*args, **kwargs)

    monkeypatch.setattr(load, "link_corpus", counted)
    return stages


def test_a_failed_build_lets_go_of_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "BATCH_TRIPLES", 1)
    folder = corpus_with_a_bad_file(tmp_path)
    kg = alliance_kg.open(tmp_path / "store")
    with pytest.raises(InputError) as err:
        kg.build([folder])
    # The error (and its traceback) is still alive here, yet the store is not locked by it.
    assert "5 document(s) had been written" in str(err.value)
    (folder / "zz-bad.txt").unlink()
    # This build takes the lock again; the five written whole before the failure are kept as
    # they are, not extracted again, and the stage the failure left undone runs (once).
    stages = counted_stages(monkeypatch)
    again = kg.build([folder])
    assert (again.documents, again.unchanged, len(stages)) == (0, 5, 1)
    whole = alliance_kg.open(tmp_path / "whole")
    whole.build([folder])
    assert export_graph(whole.store(read_only=True), "nquads") == export_graph(
        kg.store(read_only=True), "nquads"
    )
