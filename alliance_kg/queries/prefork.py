"""``akg serve`` on a local store: server processes that share one listening socket, each
answering its connections' queries itself (``queries/inline.py``), under a parent that keeps
``size`` of them running.

The parent opens the socket, starts the processes (from a "forkserver": the caller has opened
the store, and a plain fork would copy RocksDB's background threads' locks mid-use) and then
only supervises: a process that says it is ending (a query ran out of time) is replaced at
once; a process that ended is replaced if it was not already. The parent holds a copy of every
connection its processes serve (sent to it when the connection is taken) and reads their
states in a table each process writes (shared memory, no message per request). When a process
has ended, the connections it left waiting for a request go to another process, and a
request it was answering gets the error a query worker's death gave before: out of memory, or
ended without a result. Copies of connections the processes closed are closed by a sweep.
"""

from __future__ import annotations

import contextlib
import email.utils
import mmap
import multiprocessing
import os
import socket
import struct
import sys
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

from alliance_kg.errors import AkgError
from alliance_kg.queries.bounded import Bounds
from alliance_kg.queries.inline import (
    BUSY,
    BUSY_HEAD,
    CONNECTION,
    DYING,
    HEARD,
    IDLE,
    READY,
    SLOTS,
    TAKE,
    Settings,
    child_main,
)
from alliance_kg.queries.lifetime import died_of_memory, out_of_memory
from alliance_kg.queries.protocol import CORS_HEADERS

#: Seconds a new server process may take to import and open the store.
STARTUP_TIMEOUT = 60.0
#: Seconds between sweeps of the copies of closed connections.
SWEEP = 0.2


@dataclass(eq=False)
class _Child:
    process: Any
    control: socket.socket
    table: mmap.mmap
    ready: threading.Event = field(default_factory=threading.Event)
    replaced: bool = False
    #: The parent's copies of the child's connections, by their number.
    held: dict[int, socket.socket] = field(default_factory=dict)


class Prefork:
    """``size`` server processes of the store at ``location`` listening on ``host``:``port``.
    ``start`` them, ``serve_forever`` until interrupted, then ``close``."""

    def __init__(
        self,
        location: str | Path,
        address: tuple[str, int],
        bounds: Bounds,
        size: int,
        settings: Settings,
    ) -> None:
        if size < 1:
            raise AkgError("--workers must be at least 1")
        self._location = location
        self._bounds = bounds
        self._size = size
        self._settings = settings
        try:
            self.socket = socket.create_server(address, backlog=128)
        except OSError as exc:
            reason = exc.strerror or exc
            raise AkgError(f"cannot listen on {address[0]}:{address[1]}: {reason}") from exc
        self.server_address: tuple[str, int] = self.socket.getsockname()[:2]
        _same_code()
        self._context: Any = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["alliance_kg.queries.inline"])
        self._lock = threading.Lock()
        self._children: list[_Child] = []
        self._orphans: list[socket.socket] = []
        self._closed = threading.Event()
        self._supervisors: list[threading.Thread] = []

    def start(self) -> None:
        """Start the processes and wait until each has opened the store."""
        starting = [self._start() for _ in range(self._size)]
        for child in starting:
            if not child.ready.wait(STARTUP_TIMEOUT):
                self.close()
                raise AkgError(f"a server process did not start (exit {child.process.exitcode})")

    def serve_forever(self) -> None:
        """Supervise until interrupted (KeyboardInterrupt), sweeping closed connections."""
        while not self._closed.wait(SWEEP):
            with self._lock:
                children = list(self._children)
            for child in children:
                with self._lock:
                    done = [n for n in child.held if child.table[n % SLOTS] == 0]
                    copies = [child.held.pop(n) for n in done]
                for copy in copies:
                    copy.close()

    def close(self) -> None:
        """Stop every process and close the socket and the connections held."""
        with self._lock:
            self._closed.set()
            children = list(self._children)
            self._children.clear()
            orphans = list(self._orphans)
            self._orphans.clear()
        for child in children:
            child.process.kill()
        for child in children:
            child.process.join(timeout=5)
            with self._lock:  # its supervising thread may still be changing it
                copies = list(child.held.values())
                child.held.clear()
            for copy in copies:
                copy.close()
        # The supervising threads have seen their process end: none is left running while
        # the interpreter shuts down.
        with self._lock:
            supervisors = list(self._supervisors)
        for thread in supervisors:
            thread.join(timeout=5)
        with self._lock:
            orphans += self._orphans
            self._orphans.clear()
        for copy in orphans:
            copy.close()
        self.socket.close()

    def pids(self) -> list[int]:
        """The process ids of the live server processes."""
        with self._lock:
            return [c.process.pid for c in self._children]

    def _start(self) -> _Child:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        memory = os.memfd_create("akg-serve", 0)
        os.ftruncate(memory, SLOTS)
        process = self._context.Process(
            target=child_main,
            args=(self._location, self._bounds, self._settings, theirs, os.getpid()),
            # Not a daemon: a daemon may not start processes, and the graph page is made in one.
            # ``close`` stops them all, and each ends with this process (``die_with``).
            daemon=False,
            name="akg-serve",
        )
        process.start()
        theirs.close()  # only the child may hold its end: our copy would hide its death
        socket.send_fds(mine, [b"l"], [self.socket.fileno(), memory])
        child = _Child(process, mine, mmap.mmap(memory, SLOTS))
        os.close(memory)
        with self._lock:
            closed = self._closed.is_set()
            if not closed:
                self._children.append(child)
        if closed:
            # Started while ``close`` ran (a replacement): it would be waited for at exit.
            process.kill()
            process.join(timeout=5)
        supervisor = threading.Thread(target=self._supervise, args=(child,), daemon=True)
        supervisor.start()
        with self._lock:
            self._supervisors = [t for t in self._supervisors if t.is_alive()] + [supervisor]
        return child

    def _supervise(self, child: _Child) -> None:
        # Reads the child's messages until it ends, then cleans up after it.
        while True:
            try:
                message, fds, _, _ = socket.recv_fds(child.control, 64, 1)
            except OSError:
                message, fds = b"", []
            if not message:
                break
            kind = message[:1]
            if kind == CONNECTION:
                with self._lock:
                    child.held[struct.unpack("<Q", message[1:9])[0]] = socket.socket(fileno=fds[0])
            elif kind == READY:
                child.ready.set()
                self._hand_orphans()
            elif kind == DYING:
                self._replace(child)
                with self._lock, contextlib.suppress(OSError):
                    # Under the lock of the hand-overs: none is sent to it after this.
                    child.control.send(HEARD)
        child.process.join(timeout=5)
        self._ended(child)

    def _replace(self, child: _Child) -> None:
        with self._lock:
            if child.replaced or self._closed.is_set():
                return
            child.replaced = True
        self._start()

    def _ended(self, child: _Child) -> None:
        code = child.process.exitcode
        with self._lock:
            if child in self._children:
                self._children.remove(child)
            held = dict(child.held)
            child.held.clear()
        for number, copy in held.items():
            state = child.table[number % SLOTS]
            if state == IDLE and not self._closed.is_set():
                with self._lock:
                    self._orphans.append(copy)
                continue
            if state in (BUSY, BUSY_HEAD):
                error = (
                    out_of_memory(self._bounds.memory)
                    if died_of_memory(code)
                    else f"the query process ended without a result (exit {code})"
                )
                self._answer(copy, f"{error}\n", head=state == BUSY_HEAD)
            copy.close()
        child.control.close()
        self._replace(child)
        self._hand_orphans()

    def _hand_orphans(self) -> None:
        # The connections of ended processes, to a process that is ready (under the lock, so
        # that none is sent to a process after it was told its end was heard).
        with self._lock:
            ready = [c for c in self._children if c.ready.is_set() and not c.replaced]
            if not ready or not self._orphans:
                return
            orphans, self._orphans = self._orphans, []
            for index, copy in enumerate(orphans):
                target = ready[index % len(ready)]
                with contextlib.suppress(OSError):  # that process has just ended: it is closed
                    socket.send_fds(target.control, [TAKE], [copy.fileno()])
                copy.close()

    def _answer(self, connection: socket.socket, text: str, head: bool) -> None:
        # The answer the request's own process would have given, and the connection closed
        # (what else that process had read of it is lost with it).
        data = text.encode("utf-8")
        headers = {
            "Server": f"alliance-kg Python/{sys.version.split()[0]}",
            "Date": email.utils.formatdate(usegmt=True),
            "Content-Type": "text/plain; charset=utf-8",
            "Content-Length": str(len(data)),
            "Connection": "close",
            **(CORS_HEADERS if self._settings.cors else {}),
        }
        status = HTTPStatus.BAD_REQUEST
        head_text = f"HTTP/1.1 {status.value} {status.phrase}\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in headers.items()
        )
        try:
            connection.settimeout(5)
            connection.sendall(head_text.encode("latin-1") + b"\r\n" + (b"" if head else data))
            connection.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def _same_code() -> None:
    """Make the forkserver, and so the server processes, import the alliance_kg this process
    runs. It is a new interpreter started with ``-c``, which puts the current folder first on
    its path (Python 3.11 does not apply the path multiprocessing passes it): started in a
    folder holding another copy of alliance_kg, the server processes would run that copy.
    PYTHONSAFEPATH leaves the folder out; PYTHONPATH names this copy's folder first."""
    # This file is alliance_kg/queries/prefork.py under the folder that holds the package.
    home = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ["PYTHONSAFEPATH"] = "1"
    others = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != home]
    os.environ["PYTHONPATH"] = os.pathsep.join([home, *others])
