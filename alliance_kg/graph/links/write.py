"""Writing the links graph by what changed of each subject's triples.

``store.write_graph`` finds what changed in a graph by reading the whole graph back from the
store, which costs some 7 us a triple in Oxigraph (4.5 s for the 675,000 triples of the links
graph at 10,000 statements), where a build that adds a statement changes a few hundred. An
on-disk store's state file (``state.LinksState``) keeps a digest of each subject's triples as
the last write left them, so that only the subjects whose digest changed, or that are gone, are
read back from the store and compared. Without kept digests (a first build, a remote store, a
failure after the digests were marked as not kept) the graph is written as ``write_graph``
writes it, and its digests kept. The triples come in parts (``parts.py``); a block's part that
the last write left, by its key, comes without them, and neither its lines nor its digests are
made again: its subjects are only kept from being taken as gone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.graph.links.parts import REST, Part
from alliance_kg.graph.links.read import LINKS_GRAPH
from alliance_kg.graph.links.state import LinksState
from alliance_kg.graph.store import (
    graph_node,
    holds_blank,
    write_difference,
    write_graph_lines,
)
from alliance_kg.graph.terms import graph_lines
from alliance_kg.graph.totals import write_tallied

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

#: How many subjects one query reads back.
SUBJECTS_A_QUERY = 1000


def write_links(store: SparqlStore, parts: Sequence[Part], state: LinksState | None) -> bool:
    """Replace the links graph's content with the triples of ``parts``, writing only what
    changed. A part without its triples is one the last write left (``parts.py``): False, and
    nothing written, when ``state`` does not hold it as kept."""
    name = str(LINKS_GRAPH)
    skipped = {part.key for part in parts if part.triples is None}
    computed = [(part, graph_lines(name, part.triples)) for part in parts if part.triples]
    lines = [line for _, found in computed for line in found]
    if state is None:
        if skipped:
            return False
        write_graph_lines(store, name, lines)
        return True
    kept, kept_parts, known = state.links(), state.link_parts(), state.totals()
    if skipped and (kept is None or kept_parts is None or not skipped <= set(kept_parts)):
        return False
    if any(map(holds_blank, lines)):
        if skipped:
            return False
        # A blank node cannot be matched across writes: replaced whole, no digests kept.
        state.forget_links()
        write_graph_lines(store, name, lines)
        return True
    by_subject, records = _by_subject(computed)
    unchanged = set(state.part_subjects(skipped))
    if skipped and (records is None or not unchanged.isdisjoint(by_subject)):
        return False
    digests = {subject: _digest(found) for subject, found in by_subject.items()}
    state.forget_links()
    if kept is None or kept_parts is None:
        del by_subject
        write_graph_lines(store, name, lines)
        state.keep_links(digests, (), every=True, parts=records)
        return True
    changed = {s: d for s, d in digests.items() if kept.get(s) != d}
    removed = [s for s in kept if s not in digests and s not in unchanged]
    graph = graph_node(name)
    old = set(_subject_lines(store, graph, [*changed, *removed]))
    new = {line for subject in changed for line in by_subject[subject]}
    gone, added = sorted(old - new), sorted(new - old)
    write_tallied(
        store,
        state,
        known,
        lambda: {name: {*gone, *added}},
        lambda: write_difference(store, graph, gone, added),
    )
    dropped = [key for key in kept_parts if key not in skipped]
    state.keep_links(changed, removed, parts=records, dropped=dropped)
    return True


def _by_subject(
    computed: list[tuple[Part, list[str]]],
) -> tuple[dict[str, list[str]], dict[str, tuple[list[str], int]] | None]:
    """The parts' lines by subject, and the subjects and restates links of each block's part;
    None for those when a subject is in two parts (then no part can be taken as kept)."""
    by_subject: dict[str, list[str]] = {}
    records: dict[str, tuple[list[str], int]] | None = {}
    for part, found in computed:
        # The part's subjects, each the one string ``by_subject`` keeps (not one per line).
        subjects: list[str] = []
        mine: set[str] = set()
        for line in found:
            subject = line.split(" ", 1)[0]
            held = by_subject.get(subject)
            if held is None:
                by_subject[subject] = [line]
                subjects.append(subject)
                mine.add(subject)
            else:
                held.append(line)
                if subject not in mine:
                    records = None
        if records is not None and part.key and part.key != REST:
            records[part.key] = (subjects, part.restates)
    return by_subject, records


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
