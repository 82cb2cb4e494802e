"""The HTTP server of ``akg serve``: the standard library's, with threads that accept their
connections themselves and are kept for the next connection.

``ThreadingHTTPServer`` accepts every connection in its main thread and starts a thread for it:
a connection costs a thread's creation and two wake-ups (the main thread's, then the new
thread's) before its request is read. Here threads wait in ``accept`` on the listening socket
themselves (the kernel gives a connection to one of them), serve the connection, and go back to
waiting; one more is started whenever none is left waiting, so that connections are never
refused for want of a thread, and threads beyond ``SPARE`` waiting ones end.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from http.server import ThreadingHTTPServer
from typing import Any

#: Threads kept waiting for connections once a burst of them is over.
SPARE = 4


class Server(ThreadingHTTPServer):
    """An HTTP server whose connections are served by threads kept between connections
    (``serve_forever``, ``shutdown`` and ``server_close`` as the base class's)."""

    #: Threads kept waiting for connections (``SPARE``).
    spare = SPARE

    def __init__(self, address: tuple[str, int], handler: Any, bind: bool = True) -> None:
        self._lock = threading.Lock()
        self._waiting = 0
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._acceptors: set[threading.Thread] = set()
        super().__init__(address, handler, bind_and_activate=bind)

    @classmethod
    def on_socket(cls, listening: socket.socket, handler: Any) -> Server:
        """A server accepting on ``listening``, a socket already bound and listening (shared
        by the server processes of ``akg serve``)."""
        server = cls(listening.getsockname()[:2], handler, bind=False)
        server.socket.close()
        server.socket = listening
        server.server_address = listening.getsockname()[:2]
        return server

    def serve_one(self, request: socket.socket, address: Any) -> None:
        """Serve one connection accepted elsewhere (in the calling thread), then close it."""
        try:
            self.finish_request(request, address)
        except Exception:  # noqa: BLE001 - as the base class: reported, not fatal
            self.handle_error(request, address)
        finally:
            self.shutdown_request(request)

    def server_bind(self) -> None:
        # The base class looks its own address up by name (a DNS request, refused offline);
        # the name is only used in CGI variables, which this server has none of.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Accept connections until ``shutdown`` (or an exception in this thread: Ctrl-C)."""
        self._stopped.clear()
        try:
            with self._lock:
                self._add_acceptor()
            while not self._stopping.wait(poll_interval):
                pass
        finally:
            self._stopping.set()
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop ``serve_forever`` (called from another thread) and wait until it has returned."""
        self._stopping.set()
        self._stopped.wait()

    def server_close(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            # Wakes the threads waiting in accept (closing alone would not, on Linux).
            self.socket.shutdown(socket.SHUT_RDWR)
        super().server_close()
        with self._lock:
            threads = list(self._acceptors)
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join()

    def _add_acceptor(self) -> None:
        # Called with the lock held.
        thread = threading.Thread(target=self._accept_loop, daemon=True, name="akg-http")
        self._acceptors.add(thread)
        self._waiting += 1
        thread.start()

    def _accept_loop(self) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    request, address = self.get_request()
                except OSError:
                    if self._stopping.wait(0.05):  # closed; else out of files: try again
                        break
                    continue
                with self._lock:
                    self._waiting -= 1
                    if self._waiting == 0:
                        self._add_acceptor()
                self.serve_one(request, address)
                with self._lock:
                    if self._waiting >= self.spare:
                        return
                    self._waiting += 1
            with self._lock:
                self._waiting -= 1
        finally:
            with self._lock:
                self._acceptors.discard(threading.current_thread())
