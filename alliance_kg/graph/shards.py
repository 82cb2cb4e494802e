"""Shards: the named graphs of many documents, extracted elsewhere, as N-Quads files.

A cluster (Dask, docs/dask.md) extracts a large corpus in partitions, each writing one shard
with :func:`write_shard`; :func:`load_shards` then writes the shards' graphs into a store and
reruns the corpus-level stage once. The store ends as a build of the same files leaves it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pyoxigraph as ox
from rdflib import RDF

from alliance_kg.errors import InputError
from alliance_kg.graph.build import document_iri, extraction_graph
from alliance_kg.graph.links import LINKS_GRAPH, LinksState, link_corpus
from alliance_kg.graph.load import LoadResult
from alliance_kg.graph.store import quads_of, replace_graphs
from alliance_kg.graph.storefiles import compact_after, flush
from alliance_kg.loaders.parallel import extract_file
from alliance_kg.ontology import AKG, ONTOLOGY_GRAPH, load_ontology

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore
    from alliance_kg.graph.store import RdfTriple

#: The suffix of shard files, which ``load_shards`` looks for in folders.
SHARD_SUFFIX = ".nq"


def write_shard(files: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str]) -> int:
    """Read and extract the document files and write their named graphs as N-Quads to ``out``
    (whole or not at all: a bad file raises ``InputError`` and leaves no shard); return the
    number of documents. The user lexicon is the one in effect (``AKG_LEXICON``)."""
    quads: list[ox.Quad] = []
    by_key: dict[str, Path] = {}
    documents = 0
    for file in files:
        path = Path(file)
        extraction = extract_file(path)
        key = extraction.document.key
        if key in by_key:
            raise InputError(
                f"{path}: has the same document key {key!r} as {by_key[key]}; rename one of them"
            )
        by_key[key] = path
        quads.extend(quads_of(str(document_iri(key)), extraction_graph(extraction)))
        documents += 1
    target = Path(out)
    partial = target.with_name(target.name + ".part")
    ox.serialize(quads, partial, ox.RdfFormat.N_QUADS)
    os.replace(partial, target)  # a reader never sees half a shard
    return documents


def shard_files(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The shard files named by ``paths``: files as given, folders' ``*.nq`` files sorted."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found += sorted(p for p in path.rglob(f"*{SHARD_SUFFIX}") if p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    if not found:
        raise InputError(f"{', '.join(str(p) for p in paths)}: no shards to load")
    return found


def load_shards(
    store: SparqlStore,
    paths: Sequence[str | os.PathLike[str]],
    state: LinksState | None = None,
) -> LoadResult:
    """Write the document graphs of the shards (files, or folders of ``*.nq``) into the store,
    replacing graphs of the same documents, with the ontology; then rerun the corpus-level
    stage over the whole store.

    Every shard is read and checked first (valid N-Quads, document graphs only, no document in
    two shards), so a bad shard changes nothing. Each shard is then written in a transaction of
    its own, which keeps memory bounded by the largest shard, not the corpus: should a write
    fail midway, rerunning the load gives the intended store. ``state``: the corpus-level
    stage's records kept beside an on-disk store, forgotten for each graph before it is written.
    """
    files = shard_files(paths)
    owner: dict[str, Path] = {}
    prefix = str(document_iri(""))
    for path in files:
        for name in _graphs_of(path):
            if not name.startswith(prefix):
                raise InputError(f"{path}: graph <{name}> is not a document's graph")
            if name in owner:
                raise InputError(f"{path}: document graph <{name}> is also in {owner[name]}")
            owner[name] = path
    if state is not None:
        state.forget([*owner, str(ONTOLOGY_GRAPH)])
    replace_graphs(store, {str(ONTOLOGY_GRAPH): list(load_ontology())})
    triples = commitments = 0
    kind, is_commitment = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(AKG.Commitment))
    for path in files:
        graphs = _read(path)
        for quads in graphs.values():
            triples += len(quads)
            commitments += sum(1 for s, p, o in quads if p == kind and o == is_commitment)
        # replace_graphs takes pyoxigraph terms as they are (its type names rdflib's alone).
        replace_graphs(store, cast("dict[str, list[RdfTriple]]", graphs))
    links = link_corpus(store, state)
    flush(store, "load")
    compact_after(store, triples, "load")
    return LoadResult(
        documents=len(owner),
        commitments=commitments,
        meetings=links.meetings,
        triples=triples,
        graphs=sorted([*owner, str(ONTOLOGY_GRAPH), str(LINKS_GRAPH)]),
        links=links,
    )


def _graphs_of(path: Path) -> set[str]:
    return set(_read(path))


_Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


def _read(path: Path) -> dict[str, list[_Triple]]:
    """The triples of each named graph of one shard."""
    graphs: dict[str, list[_Triple]] = {}
    try:
        for quad in ox.parse(path=path, format=ox.RdfFormat.N_QUADS):
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise InputError(f"{path}: a triple outside a named graph: {quad}")
            triple = (quad.subject, quad.predicate, quad.object)
            graphs.setdefault(quad.graph_name.value, []).append(triple)
    except (SyntaxError, OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a valid N-Quads shard: {exc}") from exc
    return graphs
