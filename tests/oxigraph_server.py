"""Run a real Oxigraph SPARQL server (the `oxigraph` package's binary) for the tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

STARTUP_SECONDS = 20.0


def oxigraph_binary() -> Path:
    """The `oxigraph` server binary of this virtualenv; fail the test if it is not installed."""
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.is_file():
        pytest.fail(
            f"no Oxigraph server at {binary}; install the test dependencies with "
            "pip install -e '.[test]'",
            pytrace=False,
        )
    return binary


@contextmanager
def oxigraph_server(tmp_dir: Path, *, union: bool = False) -> Iterator[str]:
    """Serve a new store in ``tmp_dir`` and yield the server's base URL; stop it on exit.

    ``union`` serves the union of all graphs as the default graph (``--union-default-graph``).
    """
    binary = oxigraph_binary()
    port = free_port()
    log = (tmp_dir / "oxigraph.log").open("wb")
    command = [str(binary), "serve", "--location", str(tmp_dir / "data")]
    if union:
        command.append("--union-default-graph")
    process = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, tmp_dir / "oxigraph.log")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def free_port() -> int:
    """A TCP port of 127.0.0.1 that is free now."""
    # The port is free now; another process could take it before the server binds it, which
    # the startup check then reports.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    probe = urllib.request.Request(
        f"{url}/query?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"}
    )
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the Oxigraph server exited with code {process.returncode}:\n"
                + log.read_text(errors="replace"),
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(probe, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    pytest.fail(
        f"the Oxigraph server at {url} did not answer within {STARTUP_SECONDS:.0f} s:\n"
        + log.read_text(errors="replace"),
        pytrace=False,
    )
