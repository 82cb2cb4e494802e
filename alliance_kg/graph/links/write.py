"""Writing the links graph by what changed of each subject's triples.

``store.write_graph`` finds what changed in a graph by reading the whole graph back from the
store, which costs some 7 us a triple in Oxigraph (4.5 s for the 675,000 triples of the links
graph at 10,000 statements), where a build that adds a statement changes a few hundred. An
on-disk store's state file (``state.LinksState``) keeps a digest of each subject's triples as
the last write left them, so that only the subjects whose digest changed, or that are gone, are
read back from the store and compared. Without kept digests (a first build, a remote store, a
failure after the digests were marked as not kept) the graph is written as ``write_graph``
writes it, and its digests kept.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.graph.links.read import LINKS_GRAPH
from alliance_kg.graph.links.state import LinksState
from alliance_kg.graph.store import (
    RdfTriple,
    graph_node,
    holds_blank,
    write_difference,
    write_graph,
    write_graph_lines,
)
from alliance_kg.graph.terms import graph_lines

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

#: How many subjects one query reads back.
SUBJECTS_A_QUERY = 1000


def write_links(store: SparqlStore, triples: list[RdfTriple], state: LinksState | None) -> None:
    """Replace the links graph's content with ``triples``, writing only what changed."""
    name = str(LINKS_GRAPH)
    if state is None:
        write_graph(store, name, triples)
        return
    lines = graph_lines(name, triples)
    if any(map(holds_blank, lines)):
        # A blank node cannot be matched across writes: replaced whole, no digests kept.
        state.forget_links()
        write_graph_lines(store, name, lines)
        return
    by_subject: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        by_subject[line.split(" ", 1)[0]].append(line)
    digests = {subject: _digest(found) for subject, found in by_subject.items()}
    kept = state.links()
    state.forget_links()
    if kept is None:
        del by_subject
        write_graph_lines(store, name, lines)
        state.keep_links(digests, (), every=True)
        return
    changed = {s: d for s, d in digests.items() if kept.get(s) != d}
    removed = [s for s in kept if s not in digests]
    graph = graph_node(name)
    old = set(_subject_lines(store, graph, [*changed, *removed]))
    new = {line for subject in changed for line in by_subject[subject]}
    write_difference(store, graph, sorted(old - new), sorted(new - old))
    state.keep_links(changed, removed)


def _digest(lines: Iterable[str]) -> bytes:
    """What one subject's triples are, in 16 bytes (their lines sorted, each once)."""
    return hashlib.sha256("\n".join(sorted(set(lines))).encode()).digest()[:16]


def _subject_lines(store: SparqlStore, graph: ox.NamedNode, subjects: list[str]) -> Iterator[str]:
    """The N-Triples lines of the graph's triples about these subjects (as N-Triples terms)."""
    for start in range(0, len(subjects), SUBJECTS_A_QUERY):
        values = " ".join(subjects[start : start + SUBJECTS_A_QUERY])
        rows = store.query(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ VALUES ?s {{ {values} }} ?s ?p ?o }} }}"
        )
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            yield f"{row['s']} {row['p']} {row['o']} ."
