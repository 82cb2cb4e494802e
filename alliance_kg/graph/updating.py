"""``akg update``: a user's SPARQL Update (``updates.apply_update``), then the corpus-level stage,
with the union default graph, the stage's records and the store's counts kept in step.

The store's counts (``totals.py``) are kept through an update that names the few graphs it may
change (``updates.update_scope``) on a store that akg alone wrote: those graphs' triples are read
before and after it, and the counts move by what they changed (``totals.updated``). Otherwise
they are forgotten, and the next build or ``akg stats`` counts them again (a pass over the whole
store: some 2 s at 10,000 statements).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.errors import AkgError, StoreError
from alliance_kg.graph import totals
from alliance_kg.graph.links import LinksResult, LinksState, link_corpus
from alliance_kg.graph.stamp import stamp_union, union_stamped
from alliance_kg.graph.store import graph_node
from alliance_kg.graph.storefiles import flush
from alliance_kg.graph.totals import Totals, count_of, read_totals, updated
from alliance_kg.graph.updates import apply_update, check_parses, update_scope

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore


def update_store(
    store: SparqlStore, update: str, state: LinksState | None = None, folder: Path | None = None
) -> tuple[int, LinksResult]:
    """Run a SPARQL Update (see ``updates.apply_update``), then the corpus-level stage; return the
    number of quads in named graphs then (as kept, when the update and the stage kept the
    store's counts) and what the stage found. (The stage reads the updated
    store, so it runs in a transaction of its own: should it fail, the update stays and the
    error says so.) The records of ``state`` that the update may make stale are forgotten
    first: those of the graphs its text names (``update_scope``), or all of them when that
    cannot be told; the stage reads those graphs again. ``folder``: the on-disk store's, opened
    for writing by ``stamp.open_writer``; after the update its default graph is the union, so
    the store is stamped.

    What ``state`` keeps holds only while akg alone wrote the store (``stamp.union_stamped``):
    after another program's write every record, and the links graph's digests, are forgotten,
    so that `akg update` brings the stage back in step with whatever that program changed."""
    scope = update_scope(update) if folder is not None else None
    # Stamped: no other program wrote the store since akg's last write.
    exact = folder is not None and union_stamped(folder)
    # The union is kept in step for the named graphs alone only where it was the union before
    # (stamped) and the update leaves the default graph alone.
    graphs = sorted(scope.graphs) if scope is not None and not scope.default and exact else None
    known = read_totals(state.totals()) if state is not None and graphs is not None else None
    before = _held(store, graphs) if known is not None and graphs is not None else None
    if state is not None:
        if scope is None or not exact:
            if scope is None:
                check_parses(update)  # an update refused unrun forgets nothing
            state.forget_all()  # the links graph's digests too
        else:
            # The digests stay unless the links graph is one the update names (``forget``).
            state.forget(scope.graphs)
            state.forget_totals()
    apply_update(store, update, graphs)
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


#: The triples of some named graphs, and whether each is in the store (a graph may be empty).
Held = tuple[dict[str, set[ox.Triple]], dict[str, bool]]


def _held(store: SparqlStore, graphs: list[str]) -> Held | None:
    """What the embedded store holds of these named graphs; None when they hold more than
    ``TALLIED_TRIPLES`` triples or a blank node (which cannot be looked up again), or the store
    is a server."""
    if not isinstance(store, ox.Store):
        return None
    found: dict[str, set[ox.Triple]] = {}
    size = 0
    for name in graphs:
        found[name] = triples = set()
        for quad in store.quads_for_pattern(None, None, None, graph_node(name)):
            size += 1
            blank = isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
            if size > totals.TALLIED_TRIPLES or blank:
                return None
            triples.add(quad.triple)
    return found, {name: store.contains_named_graph(graph_node(name)) for name in graphs}


def _moved(store: SparqlStore, known: Totals, before: Held) -> Totals | None:
    """The kept totals moved by what the update changed of the graphs held ``before``; None
    when what they hold now cannot be measured."""
    after = _held(store, sorted(before[0]))
    if after is None or not isinstance(store, ox.Store):
        return None
    was, now = updated(store, before[0], after[0], before[1])
    return known.moved(was, now)
