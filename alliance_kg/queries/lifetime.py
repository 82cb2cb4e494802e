"""The processes of queries: never longer-lived than the akg process that started them, never
larger than their memory bound.

A query's child (``--timeout``) and the endpoint's workers are killed by their starter when it
ends normally; these make sure of it when it does not: SIGTERM is turned into an exception (so
the clean-up runs), and the children themselves watch for their starter's end (SIGKILL).
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from alliance_kg.errors import QueryError, QueryMemoryError


def die_with(owner: int) -> None:
    """End this process as soon as the process ``owner`` (the akg process that started it) has
    ended, however it ended (SIGKILL included), so that a query child or a worker never runs on
    alone. Its direct parent: the kernel is asked to kill it (Linux); a parent between them (a
    forkserver, which outlives its starter while it has children): a thread watches."""

    if os.getppid() == owner and sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl: the watching thread below does it
        else:
            if os.getppid() != owner:
                os._exit(1)  # the parent died before the request took effect
            return
    threading.Thread(target=_watch, args=(owner,), daemon=True, name="akg-owner").start()


_PR_SET_PDEATHSIG = 1


def _watch(owner: int) -> None:

    try:
        # Readable once the process has ended (even before it is reaped).
        handle = os.pidfd_open(owner)
    except (AttributeError, OSError):
        handle = None
    if handle is not None:
        select.select([handle], [], [])
        os._exit(1)
    while True:
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            os._exit(1)  # the number was given to another user's process: the owner is gone
        time.sleep(0.2)


@contextmanager
def exit_on_sigterm() -> Iterator[None]:
    """Make SIGTERM end a command as an exception does, so that its clean-up runs (a query's
    child process is killed, not left running); the default action would skip it."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers
        return

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def limit_memory(megabytes: int) -> None:
    """Bound this process's data (heap) memory to ``megabytes``: an allocation past it fails,
    which ends the process (Oxigraph aborts) or raises ``MemoryError``; the parent reports it
    with ``out_of_memory``. Linux counts the data segment and private mappings (RLIMIT_DATA)."""
    import resource

    size = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        size = min(size, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (size, hard))
    # Oxigraph's failed allocation would print a Rust backtrace as well as its one line.
    os.environ["RUST_BACKTRACE"] = "0"


def out_of_memory(megabytes: int) -> QueryMemoryError:
    """The error of a query that needed more memory than its bound."""
    return QueryMemoryError(
        f"the query needed more than {megabytes} MB of memory (--max-memory {megabytes}); "
        "narrow it, or raise --max-memory"
    )


def stopped_after(timeout: float) -> QueryError:
    """The error of a query killed when its time limit passed."""
    return QueryError(
        f"the query was stopped after {timeout:g} s (--timeout {timeout:g}); the store is unchanged"
    )


def died_of_memory(exitcode: int | None) -> bool:
    """Whether a query process's exit status is that of a failed allocation (an abort)."""
    return exitcode == -signal.SIGABRT
