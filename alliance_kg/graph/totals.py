"""The store's triples and quads, kept in step with akg's writes instead of counted again.

Counting them takes a pass over the whole store (some 2 s at 10,000 statements), which every
build paid to print them, and again to decide whether to validate, after writing a few hundred
triples. An on-disk store's state file (``links.state``) keeps them. Every write forgets them
before it touches the store; a write that knew them measures what it can change, the triples it
removes or adds (``touched``), before and after, and keeps them moved by the difference once it
is committed. A write too large to measure so (a first build), or one holding blank nodes, which
cannot be looked up, leaves them forgotten, and the build counts them afresh at its end
(``count_totals``). Only a triple it touched can enter or leave the default graph (the union) or
change how many named graphs hold it, so the difference is exact.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

import pyoxigraph as ox

from alliance_kg.graph.stamp import union_stamped
from alliance_kg.graph.store import graph_node, holds_blank, stored_lines

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

#: A write touching more triples than this is not measured (each costs two index lookups): its
#: totals are counted afresh at the end of the build.
TALLIED_TRIPLES = 20_000


class Totals(NamedTuple):
    """The distinct triples over all named graphs (the default graph akg keeps as their union)
    and the quads of the named graphs."""

    triples: int
    quads: int


class TotalsKeeper(Protocol):
    """Where the totals are kept (``links.state.LinksState``)."""

    def totals(self) -> tuple[int, int] | None: ...

    def keep_totals(self, triples: int, quads: int) -> None: ...

    def forget_totals(self) -> None: ...


def kept_totals(folder: Path | None, keeper: TotalsKeeper | None) -> tuple[int, int] | None:
    """The totals kept beside the on-disk store in ``folder`` when no program but akg wrote it
    since (``stamp.union_stamped``: call after opening the store to read), else None."""
    if folder is None or keeper is None or not union_stamped(folder):
        return None
    return keeper.totals()


def count_totals(store: SparqlStore) -> Totals:
    """Count the store's totals (a pass over all of it)."""
    if isinstance(store, ox.Store):
        # The embedded store's default graph is a set (the union akg keeps): no DISTINCT,
        # which would hash every triple of the store (9 s against 3 s at 2.4 million), and the
        # quads of the named graphs are what is left of the store's own count.
        triples = count_of(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
        return Totals(triples, len(store) - triples)
    triples = count_of(store, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    # The default graph is a derived copy of the union; count what the documents state.
    return Totals(triples, count_of(store, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"))


def held(store: ox.Store, touched: Mapping[str, Collection[str]]) -> Totals:
    """Of the triples of these N-Triples lines (without blank nodes), by named graph, how many
    the default graph holds, and how many each named graph holds of its own. Each is one
    lookup, never a walk over the graphs that hold a triple (common triples, such as a State's
    label, are in thousands)."""
    union: set[ox.Triple] = set()
    quads = 0
    for name, lines in touched.items():
        graph = graph_node(name)
        triples = {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse("\n".join(lines), format=ox.RdfFormat.N_TRIPLES)
        }
        quads += sum(ox.Quad(t.subject, t.predicate, t.object, graph) in store for t in triples)
        union |= triples
    default = ox.DefaultGraph()
    in_union = sum(ox.Quad(t.subject, t.predicate, t.object, default) in store for t in union)
    return Totals(in_union, quads)


def write_tallied(
    store: SparqlStore,
    keeper: TotalsKeeper | None,
    known: tuple[int, int] | None,
    touched: Callable[[], Mapping[str, Collection[str]] | None],
    write: Callable[[], object],
) -> None:
    """Run ``write``, having forgotten the kept totals; when they were ``known`` before it, keep
    them again moved by what the write changed of the triples ``touched`` gives: for each named
    graph it writes, the distinct N-Triples lines it removes from it or adds (None: too many to
    measure). ``touched`` is called only when the totals are known and the store embedded."""
    embedded = store if isinstance(store, ox.Store) else None
    lines = touched() if embedded is not None and keeper is not None and known is not None else None
    if lines is not None and (
        sum(map(len, lines.values())) > TALLIED_TRIPLES
        or any(holds_blank(line) for found in lines.values() for line in found)
    ):
        lines = None
    before = held(embedded, lines) if embedded is not None and lines is not None else None
    if keeper is not None:
        keeper.forget_totals()
    write()
    if embedded is None or lines is None or before is None or keeper is None or known is None:
        return
    after = held(embedded, lines)
    keeper.keep_totals(
        known[0] + after.triples - before.triples, known[1] + after.quads - before.quads
    )


def count_of(store: SparqlStore, sparql: str) -> int:
    """The number a query selecting one count (``?n``) gives."""
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    for solution in result:
        number = solution["n"]
        if isinstance(number, ox.Literal):
            return int(number.value)
    return 0


def graph_touched(
    store: SparqlStore, graphs: Mapping[str, Sequence[str]]
) -> dict[str, set[str]] | None:
    """What replacing these named graphs with these N-Triples lines can change: for each, its
    new lines and those the store holds in it now; None when that is more than
    ``TALLIED_TRIPLES``."""
    if sum(map(len, graphs.values())) > TALLIED_TRIPLES:
        return None
    touched = {name: set(lines) for name, lines in graphs.items()}
    size = sum(map(len, touched.values()))
    for name in graphs:
        node = graph_node(name)
        if isinstance(store, ox.Store) and not store.contains_named_graph(node):
            continue
        for line in stored_lines(store, node):
            if line not in touched[name]:
                touched[name].add(line)
                size += 1
                if size > TALLIED_TRIPLES:
                    return None
    return touched
