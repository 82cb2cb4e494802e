"""Load documents into the store: read, extract, build each named graph, write in batches.

Documents stream from extraction into writes of bounded size, so memory follows the largest
document, not the number of documents. Each batch is written in one step (a transaction, or
for new documents the bulk loader's one ingestion), on a thread of its own while the next batch
is collected: a document is always written whole or not at all. The corpus-level links graph is
written after the last batch.
"""

from __future__ import annotations

import gc
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from alliance_kg.errors import AkgError
from alliance_kg.graph.build import DocumentGraph, document_graph
from alliance_kg.graph.links import LINKS_GRAPH, LinksResult, LinksState, link_corpus
from alliance_kg.graph.links.read import Rows, graph_records
from alliance_kg.graph.store import replace_graph_lines
from alliance_kg.graph.storefiles import compact_after, flush
from alliance_kg.graph.terms import graph_lines
from alliance_kg.graph.totals import graph_touched, keep_counted, write_tallied
from alliance_kg.loaders.model import Extraction
from alliance_kg.loaders.parallel import extract_files, map_extractions
from alliance_kg.loaders.readers import collect_documents
from alliance_kg.ontology import ONTOLOGY_GRAPH, load_ontology

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

T = TypeVar("T")


@dataclass(frozen=True)
class LoadResult:
    """What one load wrote: the documents and what was extracted from them."""

    documents: int
    commitments: int
    meetings: int  # meetings of the whole store, as the corpus-level stage resolved them
    triples: int
    graphs: list[str]
    links: LinksResult
    unchanged: int = 0  # files not extracted again: their graphs would be the same


#: A batch is written once it holds at least this many triples (a bundled statement makes
#: about 480). New documents are written by Oxigraph's bulk loader (``store._load``), each
#: batch a set of files that RocksDB adds to its first level, which it then merges in the
#: background: batches of 20,000 triples left it more files than it could merge while a
#: 10,000-document build wrote (writes stalled and queries read every file); 200,000 (some
#: 60 MB of text) leave few.
BATCH_TRIPLES = 200_000
#: An on-disk store is flushed once this many triples were written since the last flush (and
#: at the end of the build); see ``store.flush``.
FLUSH_TRIPLES = 100_000


def extract_paths(
    paths: Sequence[str | Path],
    progress: Callable[[Path], None] | None = None,
    jobs: int = 1,
) -> list[Extraction]:
    """Read and extract every document under the paths; raise before anything is written."""
    return list(iter_extractions(paths, progress, jobs))


def iter_extractions(
    paths: Sequence[str | Path],
    progress: Callable[[Path], None] | None = None,
    jobs: int = 1,
) -> Iterator[Extraction]:
    """Read and extract the documents under the paths over ``jobs`` processes, yielding them in
    ``collect_paths`` order.

    Before the first is read, the paths are listed and their document keys checked for clashes
    (a key comes from the file name alone), so those errors come before anything is written; a
    document that cannot be read raises when its turn comes.
    """
    return _in_order(paths, progress, lambda files: extract_files(files, jobs))


def iter_document_graphs(
    paths: Sequence[str | Path],
    progress: Callable[[Path], None] | None = None,
    jobs: int = 1,
    records: bool = False,
    collected: bool = False,
) -> Iterator[DocumentGraph]:
    """``iter_extractions``, each document's graph made ready to write by the process that
    extracted it (``build.document_graph``), for ``write_extractions``. ``records``: that
    process also reads the graph's record for the corpus-level stage (``links.state``).
    ``collected``: the paths are files as ``collect_documents`` gives them (not listed again:
    a quarter of a second at 10,000 files)."""
    make = _graph_with_record if records else document_graph

    def work(files: list[Path]) -> Iterator[DocumentGraph]:
        return map_extractions(files, make, jobs)

    if collected:
        return _each(list(map(Path, paths)), progress, work)
    return _in_order(paths, progress, work)


def _graph_with_record(extraction: Extraction) -> DocumentGraph:
    graph = document_graph(extraction)
    # Read here, in a worker, what the stage would otherwise read back from the store in the
    # build's own process, which the store writes keep busy (38 s of 10,000 documents).
    return replace(graph, records=graph_records(graph.name, graph.lines))


def _in_order(
    paths: Sequence[str | Path],
    progress: Callable[[Path], None] | None,
    work: Callable[[list[Path]], Iterator[T]],
) -> Iterator[T]:
    yield from _each(collect_documents(paths), progress, work)  # listed when first asked


def _each(
    files: list[Path],
    progress: Callable[[Path], None] | None,
    work: Callable[[list[Path]], Iterator[T]],
) -> Iterator[T]:
    for path, result in zip(files, work(files), strict=True):
        yield result
        if progress is not None:
            progress(path)


def load_paths(
    store: SparqlStore,
    paths: Sequence[str | Path],
    progress: Callable[[Path], None] | None = None,
) -> LoadResult:
    """Load documents into the store, replacing the graphs of documents loaded before.

    Documents are extracted and written in batches (see ``write_extractions``): each document
    is written whole or not at all.
    """
    return write_extractions(store, iter_extractions(paths, progress))


def write_extractions(
    store: SparqlStore | Callable[[], SparqlStore],
    extractions: Iterable[Extraction | DocumentGraph],
    batch_triples: int | None = None,
    check: Callable[[], None] | None = None,
    state: LinksState | None = None,
    jobs: int | None = None,
    prints: dict[str, str] | None = None,
) -> LoadResult:
    """Write the named graphs of extracted documents and the ontology, then the corpus-level
    stage's links graph (``graph.links``, planned over the whole store with the new documents
    in place).

    ``extractions`` is consumed as it comes: documents are written in batches of about
    ``batch_triples`` (default ``BATCH_TRIPLES``) triples, each batch in one step, so a
    document is in the store whole or not at all; a batch is written while the next is
    collected, so at most two batches are held in memory. Should anything fail after a batch
    was written, the error says how many documents (and which, first and last) were written
    and that the links graph is stale until the next build or ``akg update``; a failure
    before the first batch was written leaves the store as it was.
    ``store`` may be a function that opens it: it is called when the first batch is ready, so
    a build that fails before does not create a store. The store is let go of on failure (not
    kept alive by the traceback), and an on-disk store is flushed every ``FLUSH_TRIPLES``
    triples and at the end, so that its memory stays flat and opening it next does not replay
    a long write-ahead log. ``check`` is called before each write (``held_for_writing``).
    ``state``: the corpus-level stage's records kept beside an on-disk store
    (``links.state``); each batch forgets those of its graphs before it is written. ``jobs``:
    the processes the stage links its blocks over (default: the machine's cores for a large
    store, ``links.blocks``). ``prints``: the fingerprints of the documents' files, by graph
    (``unchanged.plan_build``), kept with their records.
    """
    budget = BATCH_TRIPLES if batch_triples is None else batch_triples
    writer = _BatchWriter(store, budget, state)
    writer.jobs, writer.check, writer.prints = jobs, check, prints or {}
    del store  # only the writer holds the store, and lets go of it on failure
    try:
        for extraction in extractions:
            writer.add(extraction)
        return writer.finish()
    except AkgError as exc:
        writer.release(exc)
        if not writer.written:
            raise
        raise type(exc)(writer.partial(str(exc))) from exc
    except BaseException as exc:
        writer.release(exc)
        if writer.written:
            exc.add_note(writer.partial("the build was interrupted"))
        raise


class _BatchWriter:
    """Collects document graphs into batches and writes each batch in one step."""

    def __init__(
        self,
        store: SparqlStore | Callable[[], SparqlStore],
        budget: int,
        state: LinksState | None = None,
    ) -> None:
        self._store: SparqlStore | None = None if callable(store) else store
        self._state = state
        self._open = store if callable(store) else None
        self._budget = budget
        # The ontology rides with the first batch, so documents never lack it.
        ontology = graph_lines(str(ONTOLOGY_GRAPH), load_ontology())
        self._batch: dict[str, list[str]] = {str(ONTOLOGY_GRAPH): ontology}
        self._batch_keys: list[str] = []
        self._records: dict[str, Rows] = {}  # of the batch's graphs, where made with them
        self._size = self._unflushed = self.triples = self.commitments = 0
        self.names = [str(ONTOLOGY_GRAPH), str(LINKS_GRAPH)]
        self.written: list[str] = []  # document keys, in the order written
        self.check: Callable[[], None] | None = None
        self.all_written = False
        self.jobs: int | None = None  # of the corpus-level stage
        self.prints: dict[str, str] = {}  # the files' fingerprints, by graph
        # A batch is written on a thread of its own while the next one is collected: the store
        # writes without Python's lock, so the extraction workers' results keep being taken in
        # and they keep working (else they stop a few chunks ahead, ``parallel.AHEAD``).
        self._writer: ThreadPoolExecutor | None = None
        self._writing: Future[None] | None = None

    def add(self, extraction: Extraction | DocumentGraph) -> None:
        """Add a document's graph to the batch; write the batch once it is large enough."""
        if isinstance(extraction, Extraction):
            extraction = document_graph(extraction)
        self._batch[extraction.name] = extraction.lines
        if extraction.records is not None:
            self._records[extraction.name] = extraction.records
        self._batch_keys.append(extraction.key)
        self.names.append(extraction.name)
        self._size += len(extraction.lines)
        self.triples += len(extraction.lines)
        self.commitments += extraction.commitments
        if self._size >= self._budget:
            self._write()

    def finish(self) -> LoadResult:
        """Write the last batch, then the links graph over the whole store."""
        if self._batch:
            self._write()
        self._settle()
        self._stop_writer()
        self.all_written = True
        store = self._target()
        links = link_corpus(store, self._state, self.jobs)
        if self._state is not None:
            keep_counted(store, self._state)
        flush(store, "build")
        compact_after(store, self.triples, "build")
        return LoadResult(
            documents=len(self.written),
            commitments=self.commitments,
            meetings=links.meetings,
            triples=self.triples,
            graphs=sorted(self.names),
            links=links,
        )

    def release(self, exc: BaseException) -> None:
        """Let go of the store after a failure, once a batch being written is written or failed
        (so that ``written`` is what the store holds): an on-disk store stays locked for as long
        as anything refers to it, and the frames of the traceback do (the failed call's locals
        are not needed to report it)."""
        # Should that batch fail too, it is not in ``written``, and ``exc`` is what is reported.
        self._writing = None
        self._stop_writer()
        self._store = self._open = None
        traceback.clear_frames(exc.__traceback__)

    def partial(self, message: str) -> str:
        """The message of a build that failed after some documents were written."""
        if message.endswith("; nothing was written"):
            # That batch's transaction was rolled back, but the earlier batches stay.
            message = message.removesuffix("; nothing was written")
            message += "; nothing of its batch was written"
        first, last = self.written[0], self.written[-1]
        which = first if first == last else f"{first} ... {last}"
        rest = "" if self.all_written else "; the documents after them were not written"
        return (
            f"{message}. Before this failure {len(self.written)} document(s) had been written, "
            f"each whole ({which}){rest}; the links graph (meetings, lineages, conflicts) is "
            "stale until the next `akg build` or `akg update`"
        )

    def _target(self) -> SparqlStore:
        if self.check is not None:
            self.check()
        if self._store is None:
            assert self._open is not None, "the writer was released"
            self._store = self._open()
        return self._store

    def _write(self) -> None:
        """Hand the batch to the writing thread, once the batch before is written."""
        store = self._target()
        batch, keys, records, size = self._batch, self._batch_keys, self._records, self._size
        self._batch, self._batch_keys, self._records, self._size = {}, [], {}, 0
        self._settle()
        if self._writer is None:
            # Garbage of this thread collected here: a collection the writing thread triggers
            # must not drop objects pyoxigraph ties to this thread (see ``parallel.py``).
            gc.collect()
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="akg-write")
        self._writing = self._writer.submit(self._write_batch, store, batch, keys, records, size)

    def _write_batch(
        self,
        store: SparqlStore,
        batch: dict[str, list[str]],
        keys: list[str],
        records: dict[str, Rows],
        size: int,
    ) -> None:
        known = None
        if self._state is not None:
            known = self._state.totals()
            self._state.forget(batch)
        write_tallied(
            store,
            self._state,
            known,
            lambda: graph_touched(store, batch),
            lambda: replace_graph_lines(store, batch),
        )
        self.written += keys
        if self._state is not None:
            self._state.keep(records, self.prints)
        self._unflushed += size
        if self._unflushed >= FLUSH_TRIPLES:
            # Not after every batch: each flush leaves files for RocksDB to compact later.
            flush(store, "build")
            self._unflushed = 0

    def _settle(self) -> None:
        """Wait for the batch being written; raise its error."""
        writing, self._writing = self._writing, None
        if writing is not None:
            writing.result()

    def _stop_writer(self) -> None:
        """Stop the writing thread once the batch it is writing is written (or failed)."""
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
