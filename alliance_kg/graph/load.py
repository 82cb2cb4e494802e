"""Load documents into the store: read, extract, build each named graph, write all at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_kg.errors import AkgError, InputError, StoreError
from alliance_kg.graph.build import document_iri, extraction_graph
from alliance_kg.graph.links import LINKS_GRAPH, LinksResult, link_corpus, plan_links
from alliance_kg.graph.store import apply_update, quads_of, replace_graphs
from alliance_kg.loaders.model import Extraction
from alliance_kg.loaders.parallel import extract_files
from alliance_kg.loaders.readers import collect_paths
from alliance_kg.ontology import ONTOLOGY_GRAPH, load_ontology

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore


@dataclass(frozen=True)
class LoadResult:
    """What one load wrote: the documents and what was extracted from them."""

    documents: int
    commitments: int
    meetings: int  # meetings of the whole store, as the corpus-level stage resolved them
    triples: int
    graphs: list[str]
    links: LinksResult


def iter_extractions(
    paths: Sequence[str | Path],
    progress: Callable[[Path], None] | None = None,
    jobs: int = 1,
) -> Iterator[Extraction]:
    """Read and extract every document under the paths over ``jobs`` processes, yielding the
    extractions in input order; the first bad file in that order raises ``InputError``."""
    files = collect_paths(paths)
    if not files:
        raise InputError(f"{', '.join(str(p) for p in paths)}: no documents to load")
    by_key: dict[str, Path] = {}
    for path, extraction in zip(files, extract_files(files, jobs), strict=True):
        key = extraction.document.key
        if key in by_key:
            raise InputError(
                f"{path}: has the same document key {key!r} as {by_key[key]}; rename one of them"
            )
        by_key[key] = path
        if progress is not None:
            progress(path)
        yield extraction


def extract_paths(
    paths: Sequence[str | Path],
    progress: Callable[[Path], None] | None = None,
    jobs: int = 1,
) -> list[Extraction]:
    """Read and extract every document under the paths; raise before anything is written."""
    return list(iter_extractions(paths, progress, jobs))


def load_paths(
    store: SparqlStore,
    paths: Sequence[str | Path],
    progress: Callable[[Path], None] | None = None,
) -> LoadResult:
    """Load documents into the store, replacing the graphs of documents loaded before.

    All or nothing: every document is read and extracted before the store is touched, and the
    graphs are written in one transaction, so a failure leaves the store as it was.
    """
    return write_extractions(store, extract_paths(paths, progress))


def write_extractions(store: SparqlStore, extractions: Sequence[Extraction]) -> LoadResult:
    """Write the named graphs of extracted documents, the ontology and the corpus-level
    stage's links graph (``graph.links``, planned over the whole store with the new documents
    in place) in one transaction: all of it is written or none of it."""
    import pyoxigraph as ox

    graphs = {str(ONTOLOGY_GRAPH): list(load_ontology())}
    staged = ox.Store()
    triples = 0
    for extraction in extractions:
        name = str(document_iri(extraction.document.key))
        g = list(extraction_graph(extraction))
        graphs[name] = g
        triples += len(g)
        staged.extend(quads_of(name, g))
    links_triples, links = plan_links(store, staged)
    graphs[str(LINKS_GRAPH)] = links_triples
    replace_graphs(store, graphs)
    return LoadResult(
        documents=len(extractions),
        commitments=sum(len(e.commitments) for e in extractions),
        meetings=links.meetings,
        triples=triples,
        graphs=sorted(graphs),
        links=links,
    )


def update_store(store: SparqlStore, update: str) -> tuple[int, LinksResult]:
    """Run a SPARQL Update (see ``store.apply_update``), then the corpus-level stage; return the
    number of quads in named graphs and what the stage found. (The stage reads the updated
    store, so it runs in a transaction of its own: should it fail, the update stays and the
    error says so.)"""
    quads = apply_update(store, update)
    try:
        links = link_corpus(store)
    except AkgError as exc:
        raise StoreError(
            f"the update was applied, but the links graph could not be refreshed: {exc}; "
            "queries about meetings and lineages may be stale until the next build or update"
        ) from exc
    return quads, links
