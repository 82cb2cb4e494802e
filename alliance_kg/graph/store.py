"""The on-disk pyoxigraph store: opening it with clear errors, and replacing named graphs.

Each document's triples live in the named graph named by the document's IRI, the ontology in
``id:graph/ontology`` (see docs/graph-shape.md). Each write is one SPARQL Update request,
which pyoxigraph (and the Oxigraph server) applies in a single transaction: all of it is
written or none of it. pyoxigraph 0.5 has no other transaction that can both remove and add
quads (``Store.load`` and ``Store.extend`` only add), so graphs that replace others are written
the same way in the embedded store as in a remote one; graphs that are new to the embedded store
are loaded as N-Quads text, by the bulk loader (one ingestion of table files, all or nothing)
or ``Store.load`` (one transaction) for a longer text (``_load``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.errors import StoreError
from alliance_kg.graph.sparql import is_remote
from alliance_kg.graph.storefiles import open_read_only, opened_for_writing, writer_active

# The terms' conversions live in terms.py; the package imports them from here as well.
from alliance_kg.graph.terms import OxTerm as OxTerm
from alliance_kg.graph.terms import RdfTriple as RdfTriple
from alliance_kg.graph.terms import from_oxigraph as from_oxigraph
from alliance_kg.graph.terms import graph_lines
from alliance_kg.graph.terms import quads_of as quads_of
from alliance_kg.graph.terms import to_oxigraph as to_oxigraph

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore


_disk_store_opened = False


def disk_store_opened() -> bool:
    """Whether this process has opened an on-disk store. RocksDB then runs background threads
    whose locks a plain ``fork`` would copy mid-use, so children must start clean."""
    return _disk_store_opened


def open_store(path: str | Path, *, read_only: bool = False, create: bool = True) -> ox.Store:
    """Open the store in the folder ``path``.

    ``read_only`` opens without taking the write lock, so it works while another process holds
    the store open for writing (it sees the data as of opening). ``create=False`` refuses to make
    a new store. Every failure is a ``StoreError`` that names the folder.
    """
    folder = Path(path)
    is_store = (folder / "CURRENT").is_file()
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"store {folder} is a file, not a store folder")
    if folder.is_dir() and not is_store and any(folder.iterdir()):
        # pyoxigraph would happily create a database among someone else's files.
        raise StoreError(f"{folder} exists but is not an alliance-kg store (no CURRENT file)")
    if not is_store and (read_only or not create):
        raise StoreError(f"no store at {folder}; run `akg build` first")
    global _disk_store_opened
    _disk_store_opened = True
    try:
        if read_only:
            return open_read_only(folder)
        opened_for_writing.add(folder.resolve())
        return ox.Store(str(folder))
    except OSError as exc:
        message = str(exc)
        if "lock hold by current process" in message:
            raise StoreError(f"store {folder} is already open in this process") from exc
        if "LOCK" in message:
            raise StoreError(
                f"store {folder} is in use by another process ({message}); "
                "wait for it to finish or use another --store"
            ) from exc
        raise StoreError(f"cannot open store {folder}: {message}") from exc
    except RuntimeError as exc:
        if writer_active(folder):
            # A read-only open can race with a writer's compaction in another process.
            raise StoreError(
                f"cannot open store {folder}: {exc}; another process (an `akg build`?) is "
                "writing it: try again when it has finished"
            ) from exc
        raise StoreError(
            f"cannot open store {folder}: its files are damaged ({exc}); build the graph "
            "again into a new store folder (akg --store NEW build ...)"
        ) from exc


def open_location(
    location: str | Path, *, read_only: bool = False, timeout: float = 60.0
) -> SparqlStore:
    """The store at ``location``: a SPARQL server for an http(s):// address (``timeout`` per
    request), else the on-disk store in that folder (see ``open_store``)."""
    if is_remote(location):
        from alliance_kg.graph.remote import open_remote

        return open_remote(location, timeout=timeout)
    return open_store(location, read_only=read_only)


# Oxigraph's "union default graph" repeats a triple once per named graph that holds it, which
# inflates counts and slows joins. Instead the store's own default graph holds the de-duplicated
# union of all named graphs, kept in step in the same transaction as every write.
#: The update that rebuilds the default graph from every named graph.
REFRESH_UNION = "DROP SILENT DEFAULT ;\nINSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def refresh_union(store: SparqlStore) -> None:
    """Rebuild the default graph as the set union of all named graphs (one transaction).

    Costs time in proportion to the whole store; writes keep the union in step incrementally
    instead (see ``replace_graphs``), so this is only needed after quads were added some other
    way. Nothing is written on a server whose default graph is that union already."""
    if writes_union(store):
        send_update(store, REFRESH_UNION)


def writes_union(store: SparqlStore) -> bool:
    """Whether writes keep a copy of the union in the default graph: always in the embedded
    store, and on a server unless its default graph already is the union
    (``RemoteStore.offers_union``, asked once before its first write)."""
    from alliance_kg.graph.remote import RemoteStore

    return not (isinstance(store, RemoteStore) and store.offers_union())


def replace_graphs(store: SparqlStore, graphs: Mapping[str, Iterable[RdfTriple]]) -> None:
    """Replace the content of each named graph with the given triples, all or nothing.

    Every term is converted before the store is touched; then one SPARQL Update request drops
    the graphs and inserts their new triples in a single transaction (in the embedded store,
    graphs without blank nodes: removes and adds only what changed, ``difference.py``), so on
    any failure the store is exactly as before. Loading the same triples again leaves the same
    quads. A graph given no triples is removed. Blank nodes with the same id are one node across
    the graphs of one call (but never equal to blank nodes written by an earlier call).

    The default graph is kept as the union of the named graphs in the same request, touching
    only the triples of the replaced graphs: the cost grows with the size of the graphs
    written, not with the size of the store.
    """
    replace_graph_lines(store, {name: graph_lines(name, t) for name, t in graphs.items()})


def replace_graph_lines(store: SparqlStore, graphs: Mapping[str, Sequence[str]]) -> None:
    """``replace_graphs`` with each graph given as its checked N-Triples lines
    (``terms.graph_lines``, made where the document was extracted)."""
    if isinstance(store, ox.Store):
        from alliance_kg.graph.difference import replace_by_difference  # it imports this module

        if _load_new_graphs(store, graphs) or replace_by_difference(store, graphs):
            return
    nodes: list[ox.NamedNode] = []
    inserts: list[str] = []
    for name in sorted(graphs):
        graph = graph_node(name)
        nodes.append(graph)
        if graphs[name]:
            inserts.append(f"GRAPH {graph} {{\n" + "\n".join(graphs[name]) + "\n}")
    if not nodes:
        return
    union = writes_union(store)
    operations = unlink_operations(nodes, union)
    if inserts:
        # One INSERT DATA for all graphs, so a blank node id means one node across them.
        operations.append(f"INSERT DATA {{\n{chr(10).join(inserts)}\n}}")
        if union:
            operations.append(link_operation(nodes))
    send_update(store, " ;\n".join(operations))


def _load_new_graphs(store: ox.Store, graphs: Mapping[str, Sequence[str]]) -> bool:
    """Write graphs the embedded store does not hold yet as N-Quads text with ``Store.load``:
    one transaction like the SPARQL request, several times faster, since a build's graphs are
    new and nothing needs removing. Returns False, having written nothing, when a graph exists
    already. Blank nodes get fresh ids, the same id one node within the call, as in the update
    (Oxigraph renames the blank nodes of each text it loads)."""
    nodes = {name: graph_node(name) for name in graphs}
    if any(store.contains_named_graph(node) for node in nodes.values()):
        return False
    parts: list[str] = []
    for name in sorted(graphs):
        parts += in_graph(nodes[name], graphs[name])
    # The default graph is a set: triples it holds already are simply there again. In the
    # order first met: RocksDB takes one subject's quads in a row faster than hash order.
    parts += [f"{line}\n" for line in dict.fromkeys(chain.from_iterable(graphs.values()))]
    if parts:
        _load(store, "".join(parts), len(parts))
    return True


def in_graph(graph: ox.NamedNode, lines: Sequence[str]) -> list[str]:
    """N-Triples lines (``s p o .``) as N-Quads lines of ``graph``."""
    end = f" {graph} .\n"
    return [line[:-2] + end for line in lines]


#: Oxigraph's bulk loader turns up to a million quads into one set of sorted files that RocksDB
#: adds to the store in one step (``IngestExternalFiles``: all of them or none, as a transaction
#: would, and seen by readers at once), for a third of a transaction's cost (5.5 against 17 us a
#: quad here); it adds a longer text in several steps, so that goes through a transaction.
BULK_QUADS = 500_000


def _load(store: ox.Store, nquads: str, quads: int) -> None:
    """Write the N-Quads text ``nquads`` (``quads`` lines) whole or not at all."""
    try:
        if quads <= BULK_QUADS:
            store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        else:
            store.load(nquads, format=ox.RdfFormat.N_QUADS)
    except (OSError, RuntimeError, SyntaxError) as exc:
        raise StoreError(f"cannot write to the store: {exc}; nothing was written") from exc


def write_graph(store: SparqlStore, name: str, triples: Iterable[RdfTriple]) -> None:
    """Replace one named graph's content with ``triples``, writing only what changed.

    A derived graph such as the links graph changes little when a few documents are added;
    this writes the difference (and keeps the union default graph in step with it) in one
    transaction, so its cost follows the change, not the graph; a change that only adds more
    than ``PART_TRIPLES`` triples (a first build) is written in parts (``_add_in_parts``). Graphs
    with blank nodes, which cannot be matched across writes, are replaced whole
    (``replace_graphs``).
    """
    write_graph_lines(store, name, graph_lines(name, triples))


def write_graph_lines(store: SparqlStore, name: str, lines: Iterable[str]) -> None:
    """``write_graph`` of the triples' checked N-Triples lines (``terms.graph_lines``)."""
    graph = graph_node(name)
    # Compared as N-Triples lines, which are equal when the terms are: the old side is read as
    # Oxigraph's dump, line by line, each marking the new line it equals as held already, so
    # that only the new side (and what is gone) is held in memory, not both sides whole.
    new = dict.fromkeys(lines, False)
    gone: list[str] = []
    blank = any(map(holds_blank, new))
    if not blank:
        for line in stored_lines(store, graph):
            if line in new:
                new[line] = True
            elif holds_blank(line):
                blank = True
                break
            else:
                gone.append(line)
    if blank:
        replace_graph_lines(store, {name: list(new)})
        return
    added = [line for line, held in new.items() if not held]
    del new
    write_difference(store, graph, gone, added)


def write_difference(
    store: SparqlStore, graph: ox.NamedNode, gone: list[str], added: list[str]
) -> None:
    """Remove the N-Triples lines ``gone`` from a named graph without blank nodes and add
    ``added``, keeping the union default graph in step, in one transaction (in an embedded
    store, additions alone, or more than ``PART_TRIPLES`` changes: in parts, ``_in_parts``)."""
    from alliance_kg.graph.difference import difference_request

    if isinstance(store, ox.Store) and (not gone or len(gone) + len(added) > PART_TRIPLES):
        # Additions are loaded with the default graph's copies. A change of most documents
        # changes most of the links graph: one transaction of it took a build to 1,594 MB.
        def remove(part: list[str]) -> None:
            send_update(store, difference_request({graph: (part, [])}, union=True))

        def add(part: list[str]) -> None:
            copies = [f"{line}\n" for line in part]
            _load(store, "".join(in_graph(graph, part) + copies), 2 * len(part))

        size = CHANGED_PART if gone else PART_TRIPLES
        _in_parts(graph, gone, remove, size)
        _in_parts(graph, added, add, size, len(gone))
        return
    union = writes_union(store) if gone or added else False
    request = difference_request({graph: (gone, added)}, union=union)
    if request:
        send_update(store, request)


#: A derived graph that gains more triples than this in one write (the links graph of a first
#: build of a large store) is written in parts of this size, each added in one step
#: (``_load``), so that the text of only one part is held at a time: one transaction of a
#: million quads had held some 700 MB, and parts of 200,000 took a 10,000-document build past
#: 1 GB (the bulk loader's tables beside the corpus-level stage's).
PART_TRIPLES = 50_000
#: A change that also removes triples (most documents changed) is written in smaller parts:
#: parts of 50,000 took a build of 10,000 changed documents to 1,087 MB, of 10,000 to 943 MB.
CHANGED_PART = 10_000


def stored_lines(store: SparqlStore, graph: ox.NamedNode) -> Iterator[str]:
    """The N-Triples lines of a graph of the store, each once. The embedded store's graph is
    dumped to a temporary file and read back line by line: the links graph of a large store
    is some 300 MB of text, which is never held whole."""
    if isinstance(store, ox.Store):
        with tempfile.TemporaryFile() as file:
            store.dump(file, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            file.seek(0)
            # Split at "\n" alone: N-Triples leaves U+2028 and other line separators unescaped.
            for raw in file:
                line = raw.decode().removesuffix("\n")
                if line:
                    yield line
        return
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        yield f"{row['s']} {row['p']} {row['o']} ."


def holds_blank(line: str) -> bool:
    """Whether an N-Triples line may hold a blank node (its subject or its object)."""
    return line.startswith("_:") or line.rsplit(" ", 2)[-2].startswith("_:")


def _in_parts(
    graph: ox.NamedNode,
    lines: list[str],
    write: Callable[[list[str]], None],
    size: int,
    before: int = 0,
) -> None:
    """``write`` the lines of a graph's change in parts of ``size``, each in one step; a failure
    part way leaves the graph with only some of the changes, and the error says so.
    ``before``: the changes written before these."""
    for k in range(0, len(lines), size):
        try:
            write(lines[k : k + size])
        except StoreError as exc:
            if k + before == 0:
                raise
            raise StoreError(
                f"{str(exc).removesuffix('; nothing was written')}; graph {graph} was written "
                f"in part ({before + k} of its {before + len(lines)} changed triples)"
            ) from exc


def unlink_operations(graphs: list[ox.NamedNode], union: bool = True) -> list[str]:
    """Update operations that remove the graphs, and (with ``union``) from the default graph
    every triple that no other named graph holds.

    The triples of the graphs are looked up in each other named graph through the store's
    subject-predicate-object index, so the cost follows the size of these graphs alone.
    """
    names = " ".join(str(g) for g in graphs)
    listed = ", ".join(str(g) for g in graphs)
    # A triple one of these graphs shares with another of them goes too: whichever of them
    # still holds it after the write puts it back (``_link``).
    leave = (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other NOT IN ({listed})) }} }}"
    )
    drops = [f"DROP SILENT GRAPH {g}" for g in graphs]
    return [leave, *drops] if union else drops


def link_operation(graphs: list[ox.NamedNode]) -> str:
    """The update operation that adds the triples of the graphs to the default graph."""
    names = " ".join(str(g) for g in graphs)
    return f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} }}"


def remove_graphs(store: SparqlStore, names: Iterable[str]) -> None:
    """Remove the named graphs and their triples in one transaction; unknown names are ignored."""
    graphs = [graph_node(name) for name in sorted(set(names))]
    if graphs:
        send_update(store, " ;\n".join(unlink_operations(graphs, writes_union(store))))


def graph_names(store: SparqlStore) -> list[str]:
    """The IRIs of the store's named graphs, sorted."""
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def graph_node(name: str) -> ox.NamedNode:
    """The graph ``name`` as an IRI; ``StoreError`` if it is not one."""
    try:
        return ox.NamedNode(name)
    except ValueError as exc:
        raise StoreError(f"graph name {name!r} is not a valid IRI: {exc}") from exc


def send_update(store: SparqlStore, request: str) -> None:
    """Run the SPARQL Update ``request`` in one transaction; ``StoreError`` if it fails."""
    try:
        store.update(request)
    except (OSError, RuntimeError, SyntaxError) as exc:
        # pyoxigraph rolled the transaction back; nothing of the request was written.
        raise StoreError(f"cannot write to the store: {exc}; nothing was written") from exc
