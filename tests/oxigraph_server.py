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
        wait_until_up(
            "Oxigraph", f"{url}/query", process, tmp_dir / "oxigraph.log", STARTUP_SECONDS
        )
        yield url
    finally:
        stop(process, 10)
        log.close()


def free_port() -> int:
    """A TCP port of 127.0.0.1 that is free now."""
    # The port is free now; another process could take it before the server binds it, which
    # the startup check then reports.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(
    name: str, probe_url: str, process: subprocess.Popen[bytes], log: Path, seconds: float
) -> None:
    """Wait until the server ``name`` answers ``ASK {}`` at ``probe_url``; fail the test with
    its log if it exits or does not answer within ``seconds``."""
    deadline = time.monotonic() + seconds
    probe = urllib.request.Request(
        f"{probe_url}?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"}
    )
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the {name} server exited with code {process.returncode}:\n"
                + log.read_text(errors="replace"),
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    pytest.fail(
        f"the {name} server at {probe_url} did not answer within {seconds:.0f} s:\n"
        + log.read_text(errors="replace"),
        pytrace=False,
    )


def stop(process: subprocess.Popen[bytes], seconds: float) -> None:
    """Stop a server: TERM, then KILL if it is still running after ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
