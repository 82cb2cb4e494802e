"""``akg update``: a user's SPARQL Update (``updates.apply_update``), then the corpus-level stage,
with the union default graph, the stage's records and the store's counts kept in step.

An update that names the few graphs it may change (``updates.update_scope``), on a store that
akg alone wrote, has those graphs' triples read before it (``Snapshot``): the union is brought in
step for them alone, after the update, and the store's counts (``totals.py``) move by what they
changed (``totals.updated``). Otherwise the union is compared with every graph, and the counts
are forgotten (the next build or ``akg stats`` counts them again: some 2 s at 10,000
statements).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.errors import AkgError, StoreError
from alliance_kg.graph import totals
from alliance_kg.graph.links import LinksResult, LinksState, link_corpus
from alliance_kg.graph.stamp import stamp_union, union_stamped
from alliance_kg.graph.store import graph_node, holds_blank, stored_lines
from alliance_kg.graph.storefiles import flush
from alliance_kg.graph.totals import Totals, count_of, read_totals, updated
from alliance_kg.graph.update_data import data_scope
from alliance_kg.graph.updates import (
    Unchecked,
    apply_update,
    check_parses,
    refuse_default_writes,
    update_scope,
)

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore


@dataclass(frozen=True)
class Snapshot:
    """What the store holds of some named graphs: each one's N-Triples lines, and whether it is
    in the store (a graph may be empty)."""

    lines: dict[str, list[str]]
    existed: dict[str, bool]


def update_store(
    store: SparqlStore, update: str, state: LinksState | None = None, folder: Path | None = None
) -> tuple[int, LinksResult]:
    """Run a SPARQL Update (see ``updates.apply_update``), then the corpus-level stage; return the
    number of quads in named graphs then (as kept, when the update and the stage kept the
    store's counts) and what the stage found. (The stage reads the updated store, so it runs in
    a transaction of its own: should it fail, the update stays and the error says so.) An
    update that writes the default graph is refused before anything is written
    (``updates.refuse_default_writes``). The
    records of ``state`` that the update may make stale are forgotten first: those of the
    graphs its text names (``update_scope``), or all of them when that cannot be told; the
    stage reads those graphs again. ``folder``: the on-disk store's, opened for writing by
    ``stamp.open_writer``; after the update its default graph is the union, so the store is
    stamped.

    What ``state`` keeps holds only while akg alone wrote the store (``stamp.union_stamped``):
    after another program's write every record, and the links graph's digests, are forgotten,
    so that `akg update` brings the stage back in step with whatever that program changed."""
    # Stamped: no other program wrote the store since akg's last write.
    exact = folder is not None and union_stamped(folder)
    try:
        refuse_default_writes(update)  # what it wrote there would be undone: refused unrun
        # The graphs an update names by variables are those its pattern binds now.
        scope = update_scope(update, store if exact else None) if folder is not None else None
    finally:
        data_scope.cache_clear()  # asked of this update twice, and of no other
    # The union is kept in step for the named graphs alone only where it was the union before
    # (stamped), the update leaves the default graph alone, and their triples can be read.
    graphs = sorted(scope.graphs) if scope is not None and not scope.default and exact else None
    before = snapshot(store, graphs) if graphs is not None else None
    known = read_totals(state.totals()) if state is not None and before is not None else None
    if state is not None:
        if scope is None or not exact:
            if scope is None:
                check_parses(update)  # an update refused unrun forgets nothing
            state.forget_all()  # the links graph's digests too
        else:
            # The digests stay unless the links graph is one the update names (``forget``).
            state.forget(scope.graphs)
            state.forget_totals()
    try:
        checked = scope.request if scope is not None else None
        apply_update(store, update, before.lines if before is not None else None, checked)
    except Unchecked:
        # An earlier operation made a later one's WHERE bind a graph not told: nothing was
        # written, and the update runs again as one that may change any graph.
        known = before = None
        if state is not None:
            state.forget_all()
        apply_update(store, update)
    if folder is not None:
        stamp_union(folder)
    if state is not None and known is not None and before is not None:
        moved = _moved(store, known, before)
        if moved is not None:
            state.keep_totals(moved.text())  # the update is committed
    try:
        links = link_corpus(store, state)
    except AkgError as exc:
        raise StoreError(
            f"the update was applied, but the links graph could not be refreshed: {exc}; "
            "queries about meetings and lineages may be stale until the next build or update"
        ) from exc
    # The update wrote the default graph: a log as large as the change, else replayed by every
    # reader that opens it next.
    flush(store, "update")
    kept = read_totals(state.totals()) if state is not None else None
    # Kept by the stage's write when the update kept them: else every quad is counted.
    quads = kept.quads if kept is not None else count_of(store, _QUADS)
    return quads, links


_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


#: The most triples of the graphs an update names that are read before it to keep the union in
#: step for them alone (written into the update: some 20 MB of text at most); with more, the
#: union is compared with every graph instead.
SNAPSHOT_TRIPLES = 200_000


def snapshot(store: SparqlStore, graphs: list[str], limit: int | None = None) -> Snapshot | None:
    """What the store holds of these named graphs; None when that is more than ``limit``
    (default ``SNAPSHOT_TRIPLES``) triples, or holds a blank node or a triple term (neither can
    be named again in an update)."""
    limit = SNAPSHOT_TRIPLES if limit is None else limit
    lines: dict[str, list[str]] = {}
    existed: dict[str, bool] = {}
    size = 0
    for name in graphs:
        node = graph_node(name)
        # Whether each graph was there matters to the counts alone, kept of the embedded store.
        existed[name] = store.contains_named_graph(node) if isinstance(store, ox.Store) else True
        lines[name] = found = []
        for line in stored_lines(store, node):
            size += 1
            if size > limit or holds_blank(line) or "<<" in line:
                return None
            found.append(line)
    return Snapshot(lines, existed)


def _moved(store: SparqlStore, known: Totals, before: Snapshot) -> Totals | None:
    """The kept totals moved by what the update changed of the graphs of ``before``; None when
    what they held or hold now is more than ``totals.TALLIED_TRIPLES`` triples (each is looked
    up), or the store is a server."""
    limit = totals.TALLIED_TRIPLES
    if sum(map(len, before.lines.values())) > limit or not isinstance(store, ox.Store):
        return None
    after = snapshot(store, sorted(before.lines), limit)
    if after is None:
        return None
    was, now = updated(store, before.lines, after.lines, before.existed)
    return known.moved(was, now)
