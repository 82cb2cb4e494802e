"""Nothing is fetched: the guard that keeps every ``akg`` command off the network.

Two kinds of code could reach the network. Python code (a library parsing a URL, a client)
goes through the ``socket`` module, whose connects and name lookups raise audit events: one
audit hook, installed once and active while ``offline()`` is, refuses each of them unless it
is for the remote store the user named (``allow_store``). Local sockets (``AF_UNIX``: the
multiprocessing pipes and forkserver) and a server's own listening socket are not requests
and pass. Oxigraph's SPARQL engine fetches in Rust (``LOAD``, ``SERVICE``), out of the hook's
sight, so the user's SPARQL is refused before it reaches the engine: queries by
``queries.safety``, updates by ``graph.sparql.check_update``, called where every update passes
(``graph.updates.apply_update``).

The hook lives in the lowest layer that starts processes, so that each process akg starts (the
extraction workers, the query children and workers) turns it on for itself (``forbid``).
"""

from __future__ import annotations

import socket
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from alliance_kg.errors import AkgError

_lock = threading.Lock()
_installed = False
_active = 0
#: (host, port) pairs of the remote stores named by the user, and the addresses they resolve to.
_allowed: set[tuple[str, int]] = set()
_resolved: set[tuple[str, int]] = set()


class NetworkRefused(AkgError):
    """Something tried to reach the network while ``akg`` runs offline."""


def install() -> None:
    """Add the audit hook to this process (once; an audit hook cannot be removed). It refuses
    nothing until ``offline()`` (or ``forbid()``) makes it active."""
    global _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True


def forbid() -> None:
    """Make this whole process offline for good: for the processes ``akg`` starts itself
    (query children, workers), which do nothing else."""
    global _active
    install()
    with _lock:
        _active += 1


@contextmanager
def offline() -> Iterator[None]:
    """Refuse every network access in this process while the block runs, but those to the
    stores passed to ``allow_store`` (each command of ``akg`` runs inside it)."""
    global _active
    install()
    with _lock:
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1


def allow_store(url: str) -> None:
    """Let requests through to the server of ``url``, a remote store the user named."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname
    if not host:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return  # not a valid URL: the client refuses it before any request
    with _lock:
        if (host, port) in _allowed:
            return
        _allowed.add((host, port))
    try:
        # The client resolves the name again and connects to an address: know them now.
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return  # the client's own request fails with its clear message
    with _lock:
        _resolved.update((str(info[4][0]), port) for info in found)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _active or not event.startswith("socket."):
        return
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) == socket.AF_UNIX or address is None:
            return  # a local pipe, or a send on a socket already connected (checked then)
        if _is_allowed(address[0], address[1]):
            return
        raise NetworkRefused(_refusal(f"{address[0]}:{address[1]}"))
    if event == "socket.getaddrinfo":
        host, port = args[0], args[1]
        if _is_allowed(host, port) or _is_literal(host):
            return  # an address needs no lookup; connecting to it is checked
        raise NetworkRefused(_refusal(f"{_text(host)}:{_text(port)}" if port else _text(host)))
    if event in ("socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo"):
        raise NetworkRefused(_refusal(_text(args[0])))


def _is_allowed(host: Any, port: Any) -> bool:
    try:
        key = (_text(host), int(port))
    except (TypeError, ValueError):
        return False
    return key in _allowed or key in _resolved


def _is_literal(host: Any) -> bool:
    """Whether a host is no name at all: none (a local, passive lookup) or an IP address."""
    import ipaddress

    if host is None or host in ("", b""):
        return True
    try:
        ipaddress.ip_address(_text(host).split("%")[0])
    except ValueError:
        return False
    return True


def _text(value: Any) -> str:
    return value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)


def _refusal(target: str) -> str:
    return (
        f"refused a network access to {target}: akg works offline and fetches nothing "
        "(only a remote store named with --store is reached)"
    )


__all__ = ["NetworkRefused", "allow_store", "forbid", "install", "offline"]
