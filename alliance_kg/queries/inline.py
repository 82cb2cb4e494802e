"""A server process of ``akg serve`` (started by ``queries/prefork.py``): it accepts connections
on the listening socket it shares with its siblings and answers their queries in the request's
own thread, on the store it holds open read-only.

Handing each query to a worker process cost two more wake-ups per request than Oxigraph's own
server; answering in the thread that read the request costs none. pyoxigraph releases the GIL
while it evaluates, so the process's threads answer their connections side by side, but it
cannot stop a running query: the process is what is killed. A watchdog thread looks at the
deadlines of the running queries (a few times a second; a query only writes its deadline down,
under a lock) and, when one has passed, answers that client with the timeout error, stops
taking connections, tells the parent (which starts a replacement at once), lets the process's
other requests finish and ends the process. The parent holds a copy of every connection and a
table of their states (``STATES``, shared memory written by this process): it hands the
connections left open to another server process, and answers a request that was running when
the process died otherwise (out of memory: Oxigraph aborts).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import select
import signal
import socket
import struct
import threading
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from alliance_kg.errors import QueryError
from alliance_kg.queries import Dataset
from alliance_kg.queries.bounded import Bounds, Given, QueryOutput
from alliance_kg.queries.lifetime import die_with, limit_memory, stopped_after
from alliance_kg.queries.listener import Server
from alliance_kg.queries.runner import Runner
from alliance_kg.queries.server import _Handler

#: Slots of a process's table of connections (its byte ``serial % SLOTS`` holds the state of
#: its connection number ``serial``): far more than the connections opened between two of the
#: parent's sweeps, so that a slot is never reused while the parent still reads it.
SLOTS = 1 << 16
#: The state of a connection in its slot: closed by the process (the parent closes its copy),
#: waiting for a request with nothing of it read, or with a request being answered.
CLOSED, IDLE, BUSY, BUSY_HEAD = 0, 1, 2, 3
#: Seconds between the watchdog's looks at the deadlines.
TICK = 0.05
#: Exit status of a process that ended after a query ran out of time.
RETIRED = 3
#: Messages to the parent: ready, a new connection (with its number and the socket), dying.
READY, CONNECTION, DYING = b"r", b"c", b"d"
#: Messages from the parent: a connection to serve (the socket attached); the process's end
#: heard (no connection is sent to it after this).
TAKE, HEARD = b"t", b"h"


@dataclass(frozen=True)
class Settings:
    """What every server process answers to: the Host names, the idle timeout, CORS."""

    host_names: frozenset[str]
    idle_timeout: float
    cors: bool


class Process:
    """This server process's connections, their table and the deadlines of their queries."""

    def __init__(self, control: socket.socket, table: mmap.mmap, timeout: float) -> None:
        self.control = control
        self.table = table
        self.timeout = timeout
        self.dying = threading.Event()
        self.heard = threading.Event()
        #: The table slots of connections taken, by file descriptor, until a handler takes it.
        self.slots: dict[int, int] = {}
        self._lock = threading.Lock()
        self._serial = 0
        #: Connections accepted, or about to be, and not yet given to the parent.
        self._taking = 0
        self._busy: set[InlineHandler] = set()
        self._deadlines: dict[InlineHandler, float] = {}
        self._claimed: set[InlineHandler] = set()
        # Readable once the process retires: wakes the threads waiting for a next request.
        self._wake, self._woken = os.pipe()

    def register(self, connection: socket.socket) -> int:
        """Number a new connection and give the parent its copy; returns its slot."""
        with self._lock:
            self._serial += 1
            serial = self._serial
        slot = serial % SLOTS
        self.table[slot] = IDLE  # before the parent sees it, which sweeps closed slots
        message = CONNECTION + struct.pack("<Q", serial)
        socket.send_fds(self.control, [message], [connection.fileno()])
        return slot

    def accept(self, listening: socket.socket) -> tuple[socket.socket, Any]:
        """The next connection on ``listening`` (shared by the processes, non-blocking), given
        to the parent before it is returned. A process must not end holding a connection the
        parent has no copy of: a thread waits for the socket to be readable, counts itself in,
        and only then accepts, so that the watchdog can wait for it (a thread blocked in
        ``accept`` could receive a connection at any moment)."""
        ready = select.poll()
        ready.register(listening.fileno(), select.POLLIN)
        while True:
            ready.poll()
            with self._lock:
                self._taking += 1
            try:
                try:
                    connection, address = listening.accept()
                except BlockingIOError:
                    continue  # another thread or process took it
                self.slots[connection.fileno()] = self.register(connection)
                return connection, address
            finally:
                with self._lock:
                    self._taking -= 1

    def reading(self, handler: InlineHandler) -> bool | None:
        """Wait for the first bytes of the next request on a handler's connection, or for this
        process to retire. True once bytes came, with the handler counted busy, so that the
        process does not end holding what it read of the request; False when the process
        retires first, nothing of the request read (the parent hands the connection on);
        None when the connection stayed silent for the idle timeout."""
        ready = handler.ready
        deadline = time.monotonic() + handler.timeout if handler.timeout else None
        readable = False
        while True:
            with self._lock:
                # Bytes are taken from the socket (``_pending``) under the lock that the
                # watchdog's last look holds: either they are counted busy, or left unread.
                # (Readable with nothing to read: the client left, which the handler reads.)
                # A buffer known to be empty needs no look (three system calls).
                if readable or (not handler.drained and handler._pending()):
                    self._busy.add(handler)
                    return True
                if self.dying.is_set():
                    return False
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            events = ready.poll(None if wait is None else wait * 1000)
            if not events:
                return None
            readable = len(events) > 1 or events[0][0] != self._wake

    def started(self, handler: InlineHandler) -> None:
        with self._lock:
            self._busy.add(handler)

    def ended(self, handler: InlineHandler) -> None:
        with self._lock:
            self._busy.discard(handler)

    def run(self, handler: InlineHandler, work: Any) -> Any:
        """``work()`` with a deadline the watchdog enforces; a thread whose query the watchdog
        answered waits for the process's end here."""
        with self._lock:
            self._deadlines[handler] = time.monotonic() + self.timeout
        try:
            return work()
        finally:
            with self._lock:
                self._deadlines.pop(handler, None)
                claimed = handler in self._claimed
            if claimed:
                threading.Event().wait()  # answered already; the process is ending

    def watch(self) -> None:
        """The watchdog: answer the queries past their time, then retire the process."""
        while True:
            time.sleep(TICK)
            now = time.monotonic()
            with self._lock:
                late = [h for h, deadline in self._deadlines.items() if deadline <= now]
                for handler in late:
                    del self._deadlines[handler]
                    self._claimed.add(handler)
                    self._busy.discard(handler)
                idle = not self._busy
            for handler in late:
                handler.stopped(stopped_after(self.timeout))
            if late and not self.dying.is_set():
                self.dying.set()
                os.write(self._woken, b"x")
                with contextlib.suppress(OSError):  # the parent gone: this process goes too
                    self.control.send(DYING)  # the parent starts a replacement now
            elif self.dying.is_set() and idle and self.heard.is_set():
                # One more look: a request read just now has had time to say it is busy.
                time.sleep(TICK)
                with self._lock:
                    if not self._busy and not self._taking:
                        os._exit(RETIRED)

    def park(self) -> None:
        """Leave a connection to the parent (which hands it on once this process has ended)."""
        threading.Event().wait()


class InlineHandler(_Handler):
    """akg serve's handler, answering queries in its own thread (``Process.run``)."""

    process: Process
    runner: Runner

    def setup(self) -> None:
        super().setup()
        self.slot = self.process.slots.pop(self.connection.fileno())
        #: What ``Process.reading`` waits on: this connection, and the process's retiring.
        self.ready = select.poll()
        self.ready.register(self.connection, select.POLLIN)
        self.ready.register(self.process._wake, select.POLLIN)

    def handle(self) -> None:
        if self.process.dying.is_set():
            self.process.park()  # accepted while the process ends: served by another
        super().handle()

    def parse_request(self) -> bool:
        self.process.table[self.slot] = BUSY
        self.process.started(self)
        answered = super().parse_request()
        if self.command == "HEAD":
            self.process.table[self.slot] = BUSY_HEAD  # an answer to it has no body
        return answered

    def handle_one_request(self) -> None:
        waited = self.process.reading(self)
        if waited is None:
            self.close_connection = True  # idle past the timeout, as the base would close it
            return
        if not waited:
            self.process.park()  # retiring, the request unread: served by another process
        try:
            super().handle_one_request()
            if not self.close_connection:
                # Said before the process may end (``ended``): the parent hands on a connection
                # left idle, and answers one left busy as a request that died with it. Whether
                # a retiring process takes a next request is ``reading``'s to say.
                self.process.table[self.slot] = IDLE
        finally:
            self.process.ended(self)

    def finish(self) -> None:
        self.process.table[self.slot] = CLOSED
        super().finish()

    def _run(
        self, text: str, fmt: str, dataset: Dataset | None, given: Given | None = None
    ) -> QueryOutput:
        if self.runner.beside_writer():
            # In a process of its own, which keeps the time limit itself (``runner.py``).
            return self.runner.query_apart(text, fmt, dataset, given)
        work = partial(self.runner.query, text, fmt, dataset, given)
        result: QueryOutput = self.process.run(self, work)
        return result

    def stopped(self, error: QueryError) -> None:
        """Answer this handler's query with ``error`` (from the watchdog: the handler's thread
        is still in the query), and leave the connection to the parent, or close it when
        more of it was read than this request."""
        self.close_connection = self.close_connection or self._pending()
        try:
            self._reply(400, "text/plain", f"{error}\n")
            self.wfile.flush()
            if self.close_connection:
                self.connection.shutdown(socket.SHUT_WR)
        except OSError:
            self.close_connection = True
        self.process.table[self.slot] = CLOSED if self.close_connection else IDLE

    def _pending(self) -> bool:
        # Whether bytes of a next request are read already (looked at without waiting).
        try:
            self.connection.setblocking(False)
            return bool(self.rfile.peek(1))  # type: ignore[attr-defined]
        except OSError:
            return False
        finally:
            with contextlib.suppress(OSError):
                self.connection.settimeout(self.timeout)


def child_main(
    location: str | Path, bounds: Bounds, settings: Settings, control: socket.socket, owner: int
) -> None:
    """A server process's life: listen on the parent's socket, answer, retire when told."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops its processes itself
    from alliance_kg.loaders.offline import forbid

    forbid()
    die_with(owner)
    _, fds, _, _ = socket.recv_fds(control, 16, 2)
    listening = socket.socket(fileno=fds[0])
    table = mmap.mmap(fds[1], SLOTS)
    os.close(fds[1])
    limit_memory(bounds.memory)
    process = Process(control, table, bounds.timeout)

    class Handler(InlineHandler):
        store_location = location
        query_bounds = bounds
        host_names = settings.host_names
        timeout = settings.idle_timeout
        allow_cors = settings.cors

    class Accepting(Server):
        spare = 2  # each waiting thread is woken by every new connection (``Process.accept``)

        def get_request(self) -> tuple[socket.socket, Any]:
            return process.accept(self.socket)

    Handler.process = process
    Handler.runner = Runner(location, bounds)
    listening.setblocking(False)
    server = Accepting.on_socket(listening, Handler)
    threading.Thread(target=process.watch, daemon=True, name="akg-watchdog").start()
    threading.Thread(target=_take, args=(server, process), daemon=True).start()
    control.send(READY)
    server.serve_forever()


def _take(server: Server, process: Process) -> None:
    # Connections the parent hands over (left open by a process that ended), received in order
    # before the parent says it heard of this process's end (after which it sends none).
    while True:
        message, fds, _, _ = socket.recv_fds(process.control, 16, 1)
        if not message:
            os._exit(1)  # the parent is gone
        if message == HEARD:
            process.heard.set()
        for fd in fds:
            connection = socket.socket(fileno=fd)
            try:
                peer = connection.getpeername()
                process.slots[connection.fileno()] = process.register(connection)
            except OSError:
                connection.close()  # the client left meanwhile
                continue
            threading.Thread(target=server.serve_one, args=(connection, peer), daemon=True).start()
