"""``akg serve`` started by a test as a real process on a free port, stopped on exit."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path


def start_akg_serve(
    store: Path | str, *args: str, stderr: int = subprocess.DEVNULL
) -> tuple[subprocess.Popen[str], re.Match[str]]:
    """Start ``akg serve`` on ``store`` with these options on a free port; return the process
    and the match of the endpoint's URL in its first line (groups: host, port)."""
    akg = Path(sys.executable).parent / "akg"
    process = subprocess.Popen(
        [str(akg), "--store", str(store), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"http://([\d.]+):(\d+)/sparql", line)
    if match is None:
        process.kill()
        process.wait()
        raise AssertionError(f"akg serve did not start: {line!r}")
    return process, match


@contextlib.contextmanager
def akg_serve(store: Path | str, *args: str) -> Iterator[str]:
    """Serve ``store`` (with extra ``akg serve`` options) and yield the endpoint's URL."""
    process, match = start_akg_serve(store, "--timeout", "60", *args)
    try:
        yield match.group()
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def akg_serve_socket(store: Path, *args: str) -> Iterator[tuple[str, int]]:
    """Serve ``store`` with exactly the ``akg serve`` options given; yield the host and port,
    for tests that speak HTTP over a raw socket. On the way out the server must have written
    no traceback."""
    process, match = start_akg_serve(store, *args, stderr=subprocess.PIPE)
    try:
        yield match[1], int(match[2])
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=10)
        assert "Traceback" not in errors
