"""The store's counts, kept in step with akg's writes instead of counted again.

``akg stats`` (which every build prints) counts the store's triples and quads, its named graphs,
the nodes of each class it names, its commitments by type and its entities; the triples and
quads take a pass over the whole store (some 2 s at 10,000 statements), the others a pass over
every typed node (0.4 s). An on-disk store's state file (``links.state``) keeps them all. Every
write forgets them before it touches the store; a write that knew them measures, before and
after, what it can change (``held``: the triples it removes or adds, and the nodes they are
about) and keeps them moved by the difference once it is committed. Only a triple a write
touches can enter or leave the default graph (the union) or one of its graphs, and only a node
such a triple is about can gain or lose a class or a commitment type, so the difference is
exact. A write too large to measure so (a first build), or one holding blank nodes, which
cannot be looked up, leaves them forgotten, and the build counts them afresh at its end
(``count_totals``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from alliance_kg.graph.stamp import union_stamped
from alliance_kg.graph.store import graph_node, holds_blank, stored_lines
from alliance_kg.ontology import AKG, ENTITY_TYPES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

#: A write touching more triples than this is not measured (each costs a few index lookups):
#: its totals are counted afresh at the end of the build.
TALLIED_TRIPLES = 20_000
#: The classes whose nodes are counted.
CLASSES = tuple(
    str(AKG[name])
    for name in ("Document", "Meeting", "Conflict", "Lineage", "Commitment", *ENTITY_TYPES)
)
_ENTITY_CLASSES = frozenset(str(AKG[name]) for name in ENTITY_TYPES)
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_KIND = str(AKG.commitmentType)


@dataclass
class Totals:
    """The store's counts over the union of its named graphs: distinct triples, the quads and
    the named graphs themselves, the nodes of each of ``CLASSES``, the commitments of each
    commitment type (by IRI), and the nodes of any entity class (one of two counts once)."""

    triples: int = 0
    quads: int = 0
    graphs: int = 0
    classes: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    entities: int = 0

    def moved(self, before: Totals, after: Totals) -> Totals:
        """These totals moved by the difference from ``before`` to ``after``."""
        classes, kinds = Counter(self.classes), Counter(self.kinds)
        classes.update(after.classes)
        classes.subtract(before.classes)
        kinds.update(after.kinds)
        kinds.subtract(before.kinds)
        return Totals(
            self.triples + after.triples - before.triples,
            self.quads + after.quads - before.quads,
            self.graphs + after.graphs - before.graphs,
            +classes,  # zeros dropped: what a fresh count gives
            +kinds,
            self.entities + after.entities - before.entities,
        )

    def text(self) -> str:
        """As the state file keeps them."""
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return json.dumps(fields, sort_keys=True)


def read_totals(text: str | None) -> Totals | None:
    """The totals ``Totals.text`` wrote; None for none, or for text it did not write."""
    if text is None:
        return None
    try:
        found = json.loads(text)
        return Totals(
            int(found["triples"]),
            int(found["quads"]),
            int(found["graphs"]),
            Counter(found["classes"]),
            Counter(found["kinds"]),
            int(found["entities"]),
        )
    except (ValueError, TypeError, KeyError):
        return None


class TotalsKeeper(Protocol):
    """Where the totals are kept (``links.state.LinksState``), as text."""

    def totals(self) -> str | None: ...

    def keep_totals(self, text: str) -> None: ...


def kept_totals(folder: Path | None, keeper: TotalsKeeper | None) -> Totals | None:
    """The totals kept beside the on-disk store in ``folder`` when no program but akg wrote it
    since (``stamp.union_stamped``: call after opening the store to read), else None."""
    if folder is None or keeper is None or not union_stamped(folder):
        return None
    return read_totals(keeper.totals())


def keep_counted(store: SparqlStore, keeper: TotalsKeeper) -> None:
    """Count the store's totals and keep them, unless they are kept (as at the end of every
    build: a write too large to measure, or a store whose totals were not kept)."""
    if read_totals(keeper.totals()) is None:
        keeper.keep_totals(count_totals(store).text())


def count_totals(store: SparqlStore) -> Totals:
    """Count the store's totals (passes over all of it)."""
    classes = _grouped(
        store,
        "SELECT ?k (COUNT(DISTINCT ?x) AS ?n) { VALUES ?k { "
        + " ".join(f"<{k}>" for k in CLASSES)
        + " } ?x a ?k } GROUP BY ?k",
    )
    # Each pattern a sub-query, read whole and joined by hashing: as one group, Oxigraph
    # looked up each commitment's type again (0.58 against 0.23 s at 126,000 commitments).
    kinds = _grouped(
        store,
        f"SELECT ?k (COUNT(DISTINCT ?x) AS ?n) {{ "
        f"{{ SELECT ?x WHERE {{ ?x a <{AKG.Commitment}> }} }} "
        f"{{ SELECT ?x ?k WHERE {{ ?x <{_KIND}> ?k }} }} }} GROUP BY ?k",
    )
    entity_classes = " ".join(f"<{k}>" for k in sorted(_ENTITY_CLASSES))
    entities = count_of(
        store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) {{ VALUES ?k {{ {entity_classes} }} ?x a ?k }}"
    )
    graphs = sum(1 for _ in store.named_graphs())
    triples = count_triples(store)
    if isinstance(store, ox.Store):
        # The quads of the named graphs are what is left of the store's own count.
        quads = len(store) - triples
    else:
        # The default graph is a derived copy of the union; count what the documents state.
        quads = count_of(store, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    return Totals(triples, quads, graphs, +classes, +kinds, entities)


def count_triples(store: SparqlStore) -> int:
    """The distinct triples of the store's default graph (the union of its named graphs)."""
    if isinstance(store, ox.Store):
        # The embedded store's default graph is a set (the union akg keeps): no DISTINCT,
        # which would hash every triple of the store (9 s against 3 s at 2.4 million).
        return count_of(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    # A server's default graph may repeat a triple that several named graphs hold.
    return count_of(store, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")


def held(store: ox.Store, touched: Mapping[str, Collection[str]]) -> Totals:
    """What the store's totals count of what a write touches: ``touched`` holds N-Triples lines
    (without blank nodes) by named graph. ``triples``: those the default graph holds;
    ``quads``: those each named graph holds of its own; ``graphs``: those of the named graphs
    the store holds; the classes, commitment types and entities: those of the nodes the lines
    are about (as subjects of a type or a commitment type). Each is a lookup or a walk over one
    node's types, never over the graphs that hold a triple (a State's label is in thousands)."""
    default = ox.DefaultGraph()
    union: set[ox.Triple] = set()
    out = Totals()
    for name, lines in touched.items():
        graph = graph_node(name)
        out.graphs += store.contains_named_graph(graph)
        triples = {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse("\n".join(lines), format=ox.RdfFormat.N_TRIPLES)
        }
        out.quads += sum(ox.Quad(t.subject, t.predicate, t.object, graph) in store for t in triples)
        union |= triples
    out.triples = sum(ox.Quad(t.subject, t.predicate, t.object, default) in store for t in union)
    nodes = {t.subject for t in union if t.predicate.value in (_TYPE, _KIND)}
    type_node, kind_node = ox.NamedNode(_TYPE), ox.NamedNode(_KIND)
    for node in nodes:
        types = {
            q.object.value
            for q in store.quads_for_pattern(node, type_node, None, default)
            if isinstance(q.object, ox.NamedNode)
        }
        out.classes.update(types.intersection(CLASSES))
        out.entities += not types.isdisjoint(_ENTITY_CLASSES)
        if str(AKG.Commitment) in types:
            found = store.quads_for_pattern(node, kind_node, None, default)
            out.kinds.update(q.object.value for q in found if isinstance(q.object, ox.NamedNode))
    return out


def updated(
    store: ox.Store,
    before: Mapping[str, Collection[str]],
    after: Mapping[str, Collection[str]],
    existed: Mapping[str, bool],
) -> tuple[Totals, Totals]:
    """What ``held`` measured of these named graphs' triples before a write that changed these
    graphs alone, and what it measures now: ``before`` and ``after``, their N-Triples lines
    (without blank nodes) then and now; ``existed``, whether each was in the store. (An
    update's triples are known only once it ran: what the store held before is what the other
    graphs hold now, with ``before``.)"""
    now = held(store, {name: {*before[name], *after[name]} for name in before})
    changed = {graph_node(name) for name in before}
    old = _triples(line for lines in before.values() for line in lines)
    touched = old | _triples(line for lines in after.values() for line in lines)

    def elsewhere(subject: Any, predicate: ox.NamedNode, obj: Any = None) -> Iterator[Any]:
        """The objects of the quads the other named graphs hold of this pattern (as they did
        before)."""
        for q in store.quads_for_pattern(subject, predicate, obj, None):
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name not in changed:
                yield q.object

    was = Totals(graphs=sum(existed.values()), quads=sum(map(len, before.values())))
    was.triples = sum(t in old or any(True for _ in elsewhere(*t)) for t in touched)
    type_node, kind_node = ox.NamedNode(_TYPE), ox.NamedNode(_KIND)
    stated: dict[tuple[Any, ox.NamedNode], set[Any]] = defaultdict(set)
    for t in old:
        stated[t.subject, t.predicate].add(t.object)

    def objects(node: Any, predicate: ox.NamedNode) -> set[str]:
        """The IRIs the default graph held as objects of this node and predicate."""
        found = stated.get((node, predicate), set()) | set(elsewhere(node, predicate))
        return {o.value for o in found if isinstance(o, ox.NamedNode)}

    for node in {t.subject for t in touched if t.predicate in (type_node, kind_node)}:
        types = objects(node, type_node)
        was.classes.update(types.intersection(CLASSES))
        was.entities += not types.isdisjoint(_ENTITY_CLASSES)
        if str(AKG.Commitment) in types:
            was.kinds.update(objects(node, kind_node))
    return was, now


def _triples(lines: Iterable[str]) -> set[ox.Triple]:
    return {q.triple for q in ox.parse("\n".join(lines), format=ox.RdfFormat.N_TRIPLES)}


def write_tallied(
    store: SparqlStore,
    keeper: TotalsKeeper | None,
    known: str | None,
    touched: Callable[[], Mapping[str, Collection[str]] | None],
    write: Callable[[], object],
) -> None:
    """Run ``write``, called once the kept totals are forgotten (every ``forget`` of the state
    forgets them). When they were ``known`` before (as kept), keep them again moved by what the
    write changed of the triples ``touched`` gives: for each named graph it writes, the
    distinct N-Triples lines it removes from it or adds (None: too many to measure).
    ``touched`` is called only when the totals are known and the store embedded."""
    embedded = store if isinstance(store, ox.Store) else None
    start = read_totals(known)
    lines = touched() if embedded is not None and keeper is not None and start is not None else None
    if lines is not None and (
        sum(map(len, lines.values())) > TALLIED_TRIPLES
        or any(holds_blank(line) for found in lines.values() for line in found)
    ):
        lines = None
    before = held(embedded, lines) if embedded is not None and lines is not None else None
    write()
    if embedded is None or lines is None or before is None or keeper is None or start is None:
        return
    keeper.keep_totals(start.moved(before, held(embedded, lines)).text())


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


def count_of(store: SparqlStore, sparql: str) -> int:
    """The number a query selecting one count (``?n``) gives."""
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    for solution in result:
        number = solution["n"]
        if isinstance(number, ox.Literal):
            return int(number.value)
    return 0


def _grouped(store: SparqlStore, sparql: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    for solution in result:
        key, number = solution["k"], solution["n"]
        if isinstance(key, ox.NamedNode) and isinstance(number, ox.Literal):
            counts[key.value] = int(number.value)
    return counts
