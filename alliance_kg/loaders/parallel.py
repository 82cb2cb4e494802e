"""Read and extract documents over a pool of worker processes, results in input order.

Extraction is a pure function of a document (and of the lexicon), so it maps over processes
with the same output as in one process. Workers are started with the ``forkserver`` method
(``spawn`` where there is none), never ``fork``: the parent may hold an on-disk store open,
and a forked copy of its RocksDB handles is unsafe. Each worker is told the user lexicon files
in effect in the parent (``AKG_LEXICON`` and those of ``lexicon.extended``), since neither a
``use`` nor an ``extended`` block of the parent reaches a fresh process.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from alliance_kg.errors import LexiconError
from alliance_kg.loaders import lexicon
from alliance_kg.loaders.extract import extract
from alliance_kg.loaders.model import Extraction
from alliance_kg.loaders.readers import read_document

# A lexicon that failed in the worker initializer: raised by each task instead, because an
# initializer that raises only breaks the pool, with an error that names no lexicon file.
_init_error: LexiconError | None = None


#: Documents a worker must have to pay for its start (about 0.5 s: the imports and the
#: vocabulary, as long as extracting some 50 documents of the sample corpus's size).
DOCS_PER_WORKER = 50
#: How many chunks of documents per worker may be extracted ahead of the consumer. The consumer
#: (the build, writing to the store) is slower than the workers; without a bound their results
#: would pile up in memory until every document had been extracted.
AHEAD = 4

T = TypeVar("T")
R = TypeVar("R")


def default_jobs(documents: int) -> int:
    """The number of worker processes when none is given: the machine's cores, but no more
    than the documents keep busy (a small build stays in this process, where it is faster)."""
    return max(1, min(os.cpu_count() or 1, documents // DOCS_PER_WORKER))


def extract_file(path: Path) -> Extraction:
    """Read one document file and extract it (raises ``InputError`` for a bad file)."""
    if _init_error is not None:
        raise _init_error
    return extract(read_document(path))


def extract_files(files: Sequence[Path], jobs: int = 1) -> Iterator[Extraction]:
    """The extraction of each file, in the order of ``files``, over ``jobs`` processes
    (``map_extractions``)."""
    return map_extractions(files, _itself, jobs)


def map_extractions(
    files: Sequence[Path], then: Callable[[Extraction], R], jobs: int = 1
) -> Iterator[R]:
    """``then`` of the extraction of each file, in the order of ``files``, over ``jobs``
    processes. ``then`` runs where the file was extracted, so its work is spread over the
    workers too; it must be a module-level function (a worker imports it by name).

    ``jobs`` 1 (or a single file) extracts in this process, without a pool; so does a program
    read from standard input, whose main module a worker could not import. An error in a
    worker is raised here, as the same exception with the same message, when its file's turn
    comes, so the first bad file in input order is the one reported, as in one process.
    """
    workers = min(jobs, len(files))
    if workers <= 1 or not main_importable():
        for path in files:
            yield then(extract_file(path))
        return
    context: multiprocessing.context.BaseContext
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # The server imports the extractors once; each worker forked from it starts with them.
        context.set_forkserver_preload([__name__, then.__module__])
    else:
        context = multiprocessing.get_context("spawn")
    # Chunks amortise the round trips on large inputs; small enough to keep every worker busy.
    chunksize = max(1, min(16, len(files) // (workers * 4)))
    # The pool's threads unpickle results, and a garbage collection they trigger would drop
    # the caller's unreachable pyoxigraph objects (query results) on the wrong thread, which
    # pyoxigraph reports as an error: collect them here, on their own thread, first.
    gc.collect()
    # An executor, not multiprocessing.Pool: a worker that dies (killed, out of memory) fails
    # the build with BrokenProcessPool instead of leaving it waiting for ever.
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init, initargs=(lexicon.user_paths(),)
    )
    try:
        work = functools.partial(_extract_then, then)
        yield from bounded_map(pool, work, files, chunksize, workers * AHEAD)
    finally:
        # After an error (or a consumer that stops early) the files not yet started are not.
        pool.shutdown(wait=True, cancel_futures=True)


def _itself(extraction: Extraction) -> Extraction:
    return extraction


def _extract_then(then: Callable[[Extraction], R], path: Path) -> R:
    return then(extract_file(path))


def bounded_map(
    pool: Executor, fn: Callable[[T], R], items: Sequence[T], chunksize: int, ahead: int
) -> Iterator[R]:
    """``fn`` of each item, in order, computed on ``pool`` in chunks of ``chunksize`` items
    with at most ``ahead`` chunks submitted and not yet consumed (``Executor.map`` submits them
    all at once, and their results wait in memory for the consumer). As with ``Executor.map``,
    an error in a chunk is raised when that chunk's turn comes, and none of its results are
    yielded."""
    chunks = (items[k : k + chunksize] for k in range(0, len(items), chunksize))
    pending: deque[Future[list[R]]] = deque()
    for chunk in chunks:
        pending.append(pool.submit(_map_chunk, fn, chunk))
        if len(pending) >= ahead:
            break
    while pending:
        results = pending.popleft().result()
        # The next chunk is submitted before these results are handed over, so the workers
        # stay busy while the consumer works.
        for chunk in chunks:
            pending.append(pool.submit(_map_chunk, fn, chunk))
            break
        yield from results


def _map_chunk(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [fn(item) for item in chunk]


def main_importable() -> bool:
    """Whether a worker can import the main module as the parent did (``<stdin>`` cannot)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    spec = getattr(main, "__spec__", None)
    return spec is not None or path is None or os.path.exists(path)


def _init(paths: list[Path]) -> None:
    """Worker initializer: the parent's user lexicon files, in the parent's order; the worker
    runs offline (it only extracts)."""
    global _init_error
    from alliance_kg.loaders.offline import forbid

    forbid()
    try:
        lexicon.use(paths)
    except LexiconError as exc:
        _init_error = exc
