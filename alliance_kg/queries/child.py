"""A query's own process: a child that runs one piece of work within a time limit and a memory
bound, and is killed when either is passed; run again when a writer in another process tore the
store's files from under it."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from alliance_kg.errors import AkgError, QueryDiedError, QueryError
from alliance_kg.queries.lifetime import (
    die_with,
    died_of_memory,
    limit_memory,
    out_of_memory,
    stopped_after,
)

_T = TypeVar("_T")

#: Runs of a query, in all, whose process died while another process wrote the store.
_RUNS_BESIDE_WRITERS = 3


def run_beside_writers(folder: Path, work: Callable[[], _T], timeout: float, memory: int) -> _T:
    """``run_in_child``, run again (at most three runs, in the time left of ``timeout``) when
    the child died (of its memory bound, mostly) while another process held the store in
    ``folder`` for writing.

    A read-only opening sees the table files listed when it opened; a writer compacting in
    another process deletes some of them. A SPARQL query of Oxigraph (0.5.13) that then fails to
    open one meets the same error over and over without moving on, allocating until its memory
    bound ends it (``quads_for_pattern`` raises the error instead): about one query in seven
    while a writer flushes every few writes. A fresh opening sees the files that replaced them."""
    from alliance_kg.graph.storefiles import written_elsewhere

    deadline = time.monotonic() + timeout
    for run in range(1, _RUNS_BESIDE_WRITERS + 1):
        left = deadline - time.monotonic()
        if left <= 0:
            raise stopped_after(timeout)
        try:
            return run_in_child(work, left, memory, limit=timeout)
        except QueryDiedError:
            if run == _RUNS_BESIDE_WRITERS or not written_elsewhere(folder):
                raise
    raise AssertionError("unreachable")


def run_in_child(
    work: Callable[[], _T], timeout: float, memory: int | None = None, *, limit: float | None = None
) -> _T:
    """Run ``work`` in a child process and return what it returns; kill it after ``timeout``
    seconds (``QueryError``). ``AkgError``s raised by ``work`` are raised here. ``memory``:
    the megabytes the child may use (``QueryMemoryError`` when it needs more). ``limit``: the
    time limit the error names, when ``timeout`` is what is left of it.

    The child is a plain fork (fast: nothing to import) unless this process has opened an
    on-disk store (the library after a build, the server): a fork would then copy RocksDB's
    locks as its background threads hold them, and the child can crash or hang. Such children
    are forked from a clean server process instead, so ``work`` must be picklable (a
    ``functools.partial`` of a module-level function, not a lambda)."""
    from alliance_kg.graph.store import disk_store_opened

    context: Any = multiprocessing.get_context("forkserver" if disk_store_opened() else "fork")
    if disk_store_opened():
        context.set_forkserver_preload(["alliance_kg.queries.bounded"])
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child_main, args=(work, sender, os.getpid(), memory), daemon=True
    )
    child.start()
    sender.close()
    finished = False
    try:
        if not receiver.poll(timeout):
            child.kill()
            raise stopped_after(timeout if limit is None else limit)
        try:
            kind, payload = receiver.recv()
        except EOFError as exc:
            child.join(timeout=5)
            if memory is not None and died_of_memory(child.exitcode):
                raise out_of_memory(memory) from exc
            raise QueryDiedError(
                f"the query process ended without a result (exit {child.exitcode})"
            ) from exc
        finished = True
    finally:
        # Interrupted (Ctrl-C, SIGTERM made an exception): the child goes at once.
        child.join(timeout=5 if finished else 0)
        if child.is_alive():
            child.kill()
            child.join(timeout=5)
        receiver.close()
    if kind == "ok":
        return payload
    raise payload


def _child_main(work: Callable[[], Any], sender: Any, owner: int, memory: int | None) -> None:
    from alliance_kg.loaders.offline import forbid

    # Everything the child has to say goes to the parent through the pipe. What else it would
    # write (Oxigraph's line on a failed allocation) is not for the user; a developer asking for
    # Python's record of imports (-X importtime) wants the child's too.
    if "importtime" not in sys._xoptions and not os.environ.get("PYTHONPROFILEIMPORTTIME"):
        silent = os.open(os.devnull, os.O_WRONLY)
        os.dup2(silent, 2)
        os.close(silent)
    forbid()  # a process akg started does nothing but akg's work: offline for good
    die_with(owner)
    if memory is not None:
        limit_memory(memory)
    outcome: tuple[str, Any]
    try:
        outcome = ("ok", work())
    except MemoryError:
        outcome = ("error", out_of_memory(memory or 0))
    except AkgError as exc:
        outcome = ("error", exc)
    except Exception as exc:  # noqa: BLE001 - everything must reach the parent as an error
        outcome = ("error", QueryError(f"the query failed: {exc}"))
    try:
        sender.send(outcome)
    except MemoryError:
        os.abort()  # too little memory left to send it: the parent reads the bound's error
    except OSError:
        os._exit(1)  # the parent is gone
    finally:
        sender.close()
