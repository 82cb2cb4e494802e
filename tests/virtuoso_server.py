"""Run a real Virtuoso server (Debian's `virtuoso-opensource-7-bin`) for the tests.

A new database in a temporary folder, on free ports, in the foreground; akg logs in as the
database administrator (``dba``, password ``dba`` in a new database) over HTTP Digest at
``/sparql-auth``, the way a user with write access does.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from oxigraph_server import free_port, stop, wait_until_up

STARTUP_SECONDS = 120.0
#: The account of a new Virtuoso database's administrator.
USER, PASSWORD = "dba", "dba"
#: The environment that points akg at a Virtuoso server and its account.
ENV = {"AKG_SPARQL_PRESET": "virtuoso", "AKG_SPARQL_USER": USER, "AKG_SPARQL_PASSWORD": PASSWORD}

# Where Virtuoso 7.2 answers otherwise than the embedded store (by test or query name, the
# queries run without parameters), and why. The tests mark each a strict xfail, which fails
# the day Virtuoso answers the same.
_BAG = (
    "Virtuoso's default graph is the union of the named graphs as a bag: a triple stated by "
    "several documents matches once per document, so a query without DISTINCT repeats rows"
)
CONCAT = "GROUP_CONCAT's order is left open by SPARQL; Virtuoso sorts the values"
_WKT = (
    "Virtuoso stores geo:wktLiteral values as its own virtrdf:Geometry, coordinates rounded "
    "to single precision (openlink/virtuoso-opensource issues 456, 808)"
)
VIRTUOSO_DIFFERS = {
    "export": _WKT,
    "quads": _WKT,
    "labels": _BAG,
    "substitution": _BAG,
    "meetings": CONCAT,
    "dropped-since": CONCAT,
    "new-at-meeting": CONCAT,
    "deadlines": CONCAT,
    "timeline": CONCAT,
    "commitments-by-type": CONCAT,
}

_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
Striping = 0

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DirsAllowed = {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ServerThreads = 10
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10

[SPARQL]
ResultSetMaxRows = 10000000
MaxSortedTopRows = 10000000
"""


def virtuoso_binary() -> str:
    """The `virtuoso-t` server binary; fail the test if it is not installed."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.fail(
            "no Virtuoso server (virtuoso-t) on PATH; install it with `make virtuoso` "
            "(Debian's virtuoso-opensource-7-bin)",
            pytrace=False,
        )
    return binary


@contextmanager
def virtuoso_server(tmp_dir: Path) -> Iterator[str]:
    """Serve a new database in ``tmp_dir`` and yield the server's base URL; stop it on exit."""
    binary = virtuoso_binary()
    folder = tmp_dir / "virtuoso"
    folder.mkdir()
    http_port = free_port()
    ini = _INI.format(dir=folder, sql_port=free_port(), http_port=http_port)
    (folder / "virtuoso.ini").write_text(ini, encoding="utf-8")
    log_path = folder / "server.log"
    log = log_path.open("wb")
    # -f: stay in the foreground, so terminating the process stops the server.
    process = subprocess.Popen(
        [binary, "-f", "-c", str(folder / "virtuoso.ini")],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_up("Virtuoso", f"{url}/sparql", process, log_path, STARTUP_SECONDS)
        yield url
    finally:
        stop(process, 30)
        log.close()
