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
made again: its subjects are only kept from being taken as gone. When the last write left every
subject in a part (``state_links.py``), only the kept digests of the subjects of the parts
worked out, and the subjects of the parts gone, are read from the file: not every subject's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.graph.links.parts import REST, Part
from alliance_kg.graph.links.read import LINKS_GRAPH
from alliance_kg.graph.links.state import LinksState
from alliance_kg.graph.links.state_links import Kept
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
    kept_parts, known = state.link_parts(), state.totals()
    if skipped and (kept_parts is None or not skipped <= set(kept_parts)):
        return False
    if any(map(holds_blank, lines)):
        if skipped:
            return False
        # A blank node cannot be matched across writes: replaced whole, no digests kept.
        state.forget_links()
        write_graph_lines(store, name, lines)
        return True
    by_subject, records = _by_subject(computed)
    if skipped and records is None:
        return False
    slot_of, written = records or ({}, None)
    whole = records is not None and all(part.key and part.slot for part, _ in computed)
    rows = {s: (_digest(found), slot_of.get(s, "")) for s, found in by_subject.items()}
    if kept_parts is None:
        state.forget_links()
        del by_subject
        write_graph_lines(store, name, lines)
        state.keep_links(rows, (), True, written, whole=whole)
        return True
    slots = state.part_slots()
    dropped = [key for key in kept_parts if key not in skipped]
    held = {slots.get(key, "") for key in skipped}  # the slots of the parts taken as kept
    if "" in held:
        return False  # a part taken as kept whose subjects the state cannot tell
    kept: Mapping[str, Kept]
    if whole and state.links_whole():
        # Every kept subject is in a part: only those of the parts worked out, and of the parts
        # gone, can have changed.
        kept = state.subjects_kept(by_subject)
        gone = state.slot_subjects({slots.get(key, "") for key in dropped} | {REST})
        removed = [s for s in gone if s not in by_subject]
    else:
        kept = state.links_with_parts() or {}
        removed = [s for s in kept if s not in by_subject and kept[s][1] not in held]
    if skipped and any(kept[s][1] in held for s in by_subject if s in kept):
        return False  # a subject of a part taken as kept is in a part worked out
    state.forget_links()
    changed = {s: row for s, row in rows.items() if kept.get(s) != row}
    # A subject whose part only changed slot has the same triples.
    different = [s for s, (d, _) in changed.items() if s not in kept or kept[s][0] != d]
    graph = graph_node(name)
    old = set(_subject_lines(store, graph, [*different, *removed]))
    new = {line for subject in different for line in by_subject[subject]}
    gone_lines, added = sorted(old - new), sorted(new - old)
    write_tallied(
        store,
        state,
        known,
        lambda: {name: {*gone_lines, *added}},
        lambda: write_difference(store, graph, gone_lines, added),
    )
    state.keep_links(changed, removed, False, written, dropped, whole)
    return True


def _by_subject(
    computed: list[tuple[Part, list[str]]],
) -> tuple[dict[str, list[str]], tuple[dict[str, str], dict[str, tuple[int, str]]] | None]:
    """The parts' lines by subject, and the slot of the part of each subject with the restates
    links and slot of each block's and meeting's part; None for those when a subject is in two
    parts (then no part can be taken as kept)."""
    by_subject: dict[str, list[str]] = {}
    slot_of: dict[str, str] = {}
    written: dict[str, tuple[int, str]] = {}
    whole = True
    for part, found in computed:
        mine: set[str] = set()
        for line in found:
            # Each subject the one string ``by_subject`` keeps (not one per line).
            subject = line.split(" ", 1)[0]
            held = by_subject.get(subject)
            if held is None:
                by_subject[subject] = [line]
                slot_of[subject] = part.slot
                mine.add(subject)
            else:
                held.append(line)
                whole = whole and subject in mine
        if part.key and part.key != REST:
            written[part.key] = (part.restates, part.slot)
    return by_subject, ((slot_of, written) if whole else None)


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
