"""Nothing is fetched: a real local listener counts the connections every akg command makes
(none), updates that would fetch (LOAD, SERVICE) are refused with the store unchanged, and the
audit hook refuses Python-level network access inside every command."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from clirunner import akg

from alliance_kg import offline
from alliance_kg.cli import main
from alliance_kg.loaders.offline import NetworkRefused, allow_store
from alliance_kg.loaders.readers import sample_corpus_dir


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return  # closed
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def documents(folder: Path, url: str) -> Path:
    """A corpus whose documents point at ``url`` every way a document can."""
    folder.mkdir()
    sample = sorted(sample_corpus_dir().glob("*.txt"))[0]
    shutil.copy(sample, folder / "statement.txt")
    (folder / "page.html").write_text(
        f'<!DOCTYPE html SYSTEM "{url}/dtd"><html><head>'
        f'<link rel="stylesheet" href="{url}/css"><script src="{url}/js"></script>'
        f'<base href="{url}/"></head><body><img src="{url}/img">'
        f'<iframe src="{url}/frame"></iframe><h1>Joint Statement</h1>'
        "<p>Japan and the United States reaffirmed their commitment to the alliance on "
        f'11 January 2023.</p><object data="{url}/obj"></object></body></html>',
        encoding="utf-8",
    )
    (folder / "notes.md").write_text(
        f"---\ntitle: Notes\nsource: {url}/source\n---\n![chart]({url}/chart.png)\n\n"
        "The ministers decided to expand cooperation in space on 11 January 2023.\n",
        encoding="utf-8",
    )
    return folder


def snapshot(store: Path) -> bytes:
    result = akg(store, "export", "-f", "nquads")
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.fixture
def built(tmp_path: Path, listener: Listener) -> Path:
    store = tmp_path / "store"
    result = akg(store, "build", str(documents(tmp_path / "docs", listener.url)))
    assert result.exit_code == 0, result.output
    return store


@pytest.mark.parametrize(
    ("update", "message"),
    [
        (
            "LOAD <{url}/x>",
            "Error: LOAD is not allowed: akg fetches nothing from the network; load a local "
            "file with akg build",
        ),
        (
            "LOAD SILENT <{url}/x> INTO GRAPH <http://x/g>",
            "Error: LOAD is not allowed: akg fetches nothing from the network; load a local "
            "file with akg build",
        ),
        (
            "INSERT { GRAPH <http://x/g> { ?s ?p ?o } } WHERE { SERVICE <{url}/y> { ?s ?p ?o } }",
            "Error: SERVICE is not allowed: akg does not send requests to other servers",
        ),
        (
            "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } "
            "OPTIONAL { SERVICE SILENT <{url}/z> { ?s ?p ?o } } }",
            "Error: SERVICE is not allowed: akg does not send requests to other servers",
        ),
        (
            # The escaped quote of a prefixed name starts no string: LOAD is code.
            "INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> akg:x\\' } } ; "
            "LOAD <{url}/x> #'",
            "Error: LOAD is not allowed: akg fetches nothing from the network; load a local "
            "file with akg build",
        ),
        (
            # A codepoint escape spells LOAD; Oxigraph reads it as the keyword.
            "\\u004cOAD <{url}/x>",
            "Error: LOAD is not allowed: akg fetches nothing from the network; load a local "
            "file with akg build",
        ),
    ],
)
def test_updates_that_would_fetch_are_refused(
    built: Path, listener: Listener, update: str, message: str
) -> None:
    before = snapshot(built)
    result = akg(built, "update", update.replace("{url}", listener.url))
    assert (result.exit_code, result.output.strip()) == (1, message)
    assert snapshot(built) == before
    assert listener.connections == 0


def test_an_update_merely_mentioning_load_runs(built: Path, listener: Listener) -> None:
    result = akg(
        built,
        "update",
        f'INSERT DATA {{ GRAPH <http://x/g> {{ <http://x/a> <http://x/b> "LOAD <{listener.url}>'
        ' and a service" } }',
    )
    assert result.exit_code == 0, result.output
    assert listener.connections == 0


def test_no_command_makes_a_request(built: Path, listener: Listener, tmp_path: Path) -> None:
    url = listener.url
    construct = tmp_path / "q.rq"
    construct.write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s a akg:Meeting ; ?p ?o }")
    runs = [
        ("query", f"SELECT * WHERE {{ SERVICE <{url}/q> {{ ?s ?p ?o }} }}"),
        ("query", f"SELECT * FROM <{url}/g> WHERE {{ ?s ?p ?o }}"),
        ("query", f"SELECT * WHERE {{ BIND(<{url}/x> AS ?x) ?x ?p ?o }}"),
        ("query", "-n", "meetings"),
        ("timeline",),
        ("stats",),
        ("render", "-o", str(tmp_path / "page.html")),
        ("render", "--query", str(construct), "-o", str(tmp_path / "part.html")),
        *(("export", "-f", fmt) for fmt in ("turtle", "nt", "nquads", "trig", "jsonld", "xml")),
        ("update", f"INSERT DATA {{ GRAPH <http://x/g> {{ <{url}/a> <{url}/b> <{url}/c> }} }}"),
    ]
    codes = [akg(built, *args).exit_code for args in runs]
    # The SERVICE and the foreign FROM are refused; everything else runs.
    assert codes == [1, 1] + [0] * (len(runs) - 2)
    assert listener.connections == 0


def test_python_network_access_inside_a_command_is_refused(built: Path, listener: Listener) -> None:
    # A command that tries what no akg command should: a plain connect, as any library would.
    @main.command("probe-network")
    def probe() -> None:
        socket.create_connection(("127.0.0.1", listener.port), timeout=5).close()
        click.echo("connected")

    try:
        result = akg(built, "probe-network")
    finally:
        main.commands.pop("probe-network")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: refused a network access to 127.0.0.1:{listener.port}: akg works offline and "
        "fetches nothing (only a remote store named with --store is reached)\n"
    )
    assert listener.connections == 0
    # Outside a command the process is free again.
    socket.create_connection(("127.0.0.1", listener.port), timeout=5).close()


def test_the_guard_lets_local_pipes_and_the_named_store_through(listener: Listener) -> None:
    with offline():
        with pytest.raises(NetworkRefused, match="example.org"):
            socket.getaddrinfo("example.org", 80)
        with pytest.raises(NetworkRefused, match=f"127.0.0.1:{listener.port}"):
            socket.create_connection(("127.0.0.1", listener.port), timeout=5)
        left, right = socket.socketpair(socket.AF_UNIX)  # multiprocessing's pipes
        left.sendall(b"x")
        assert right.recv(1) == b"x"
        left.close()
        right.close()
        assert listener.connections == 0
        allow_store(f"http://localhost:{listener.port}/sparql")
        socket.create_connection(("localhost", listener.port), timeout=5).close()
    # Connections are counted as the listener's thread accepts them.
    for _ in range(100):
        if listener.connections == 1:
            break
        threading.Event().wait(0.05)
    assert listener.connections == 1


def test_an_update_ending_with_a_comment_runs(built: Path) -> None:
    # The union graph's refresh is appended to the update: not inside its last comment.
    result = akg(
        built, "update", "INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> 1 } } # one"
    )
    assert result.exit_code == 0, result.output
    rows = akg(
        built, "query", "--format", "csv", "SELECT ?o WHERE { <http://x/a> <http://x/b> ?o }"
    )
    assert rows.output == "o\n1\n"
