"""akg query only reads: updates, LOAD, SERVICE and foreign FROM are refused before anything
runs; runaway queries are stopped by --timeout or --limit; akg update is the way to write."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from clirunner import akg

DOC = "https://w3id.org/alliance-kg/id/document/000_45bebea0770f1da9"


@pytest.fixture(scope="module")
def store(corpus_store: Path) -> Path:
    return corpus_store


def snapshot(store: Path) -> bytes:
    result = akg(store, "export", "-f", "nquads")
    assert result.exit_code == 0
    return result.stdout_bytes


class Recorder(http.server.BaseHTTPRequestHandler):
    """A local HTTP server that only records what reaches it."""

    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        self.seen.append(self.path)
        self.send_response(500)
        self.end_headers()

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", Recorder.seen
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> <http://x/c> } }",
            "Error: this is a SPARQL Update (InsertData): akg query only reads the graph; use akg "
            "update to change it",
        ),
        (
            "DROP ALL",
            "Error: this is a SPARQL Update (Drop): akg query only reads the graph; use akg "
            "update to change it",
        ),
        (
            "DELETE WHERE { ?s ?p ?o }",
            "Error: this is a SPARQL Update (DeleteWhere): akg query only reads the graph; use akg "
            "update to change it",
        ),
        (
            "SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }",
            "Error: FROM <http://example.org/remote.ttl> is not a graph of this store: akg query "
            "only reads the store's own document graphs",
        ),
        (
            "PREFIX ex: <https://example.org/> SELECT * FROM NAMED ex:g WHERE { ?s ?p ?o }",
            "Error: FROM NAMED <https://example.org/g> is not a graph of this store: akg query "
            "only reads the store's own document graphs",
        ),
    ],
)
def test_writes_and_foreign_graphs_are_refused(store: Path, query: str, message: str) -> None:
    before = snapshot(store)
    result = akg(store, "query", query)
    assert (result.exit_code, result.output.strip()) == (1, message)
    assert snapshot(store) == before


def test_load_is_refused_and_fetches_nothing(store: Path, recorder: tuple[str, list[str]]) -> None:
    url, seen = recorder
    before = snapshot(store)
    result = akg(store, "query", f"LOAD <{url}/data.ttl> INTO GRAPH <http://x/g>")
    assert result.exit_code == 1
    assert result.output.startswith("Error: this is a SPARQL Update (Load)")
    assert seen == []
    assert snapshot(store) == before


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s a akg:Meeting . "
        "OPTIONAL { SERVICE SILENT <{url}/sparql> { ?s ?p ?o } } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { { SELECT * WHERE { SERVICE <{url}/q> { ?s ?p ?o } } } }",
    ],
)
def test_service_is_refused_and_no_request_leaves(
    store: Path, recorder: tuple[str, list[str]], query: str
) -> None:
    url, seen = recorder
    result = akg(store, "query", query.replace("{url}", url))
    assert (result.exit_code, result.output.strip()) == (
        1,
        "Error: SERVICE is not allowed: akg query does not send requests to other servers",
    )
    assert seen == []


def test_from_a_document_graph_of_the_store_is_allowed(store: Path) -> None:
    result = akg(
        store,
        "query",
        "--format",
        "csv",
        f"SELECT (COUNT(DISTINCT ?c) AS ?n) FROM <{DOC}> WHERE {{ ?c a akg:Commitment }}",
    )
    assert result.output == "n\n15\n"


def test_a_runaway_query_is_stopped_by_the_timeout(store: Path) -> None:
    before = snapshot(store)
    started = time.monotonic()
    result = akg(
        store,
        "query",
        "--timeout",
        "1.5",
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    )
    elapsed = time.monotonic() - started
    assert (result.exit_code, result.output.strip()) == (
        1,
        "Error: the query was stopped after 1.5 s (--timeout 1.5); the store is unchanged",
    )
    # The work really stopped: the command returned long before the product could be counted.
    assert elapsed < 30
    assert snapshot(store) == before


def test_a_runaway_result_is_stopped_by_the_row_limit(store: Path) -> None:
    result = akg(store, "query", "--limit", "50", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")
    assert (result.exit_code, result.output.strip()) == (
        1,
        "Error: the query gives more than 50 rows (--limit 50); narrow it, add LIMIT, or raise "
        "--limit",
    )
    construct = akg(store, "query", "--limit", "5", "CONSTRUCT WHERE { ?s a akg:Commitment }")
    assert construct.output.strip() == (
        "Error: the query gives more than 5 triples (--limit 5); narrow it, add LIMIT, or raise "
        "--limit"
    )
    within = akg(
        store,
        "query",
        "--limit",
        "3",
        "--format",
        "csv",
        "SELECT ?m WHERE { ?m a akg:Meeting } ORDER BY ?m",
    )
    # Exactly as many rows as the limit (the three meetings) is within it.
    assert within.exit_code == 0 and len(within.output.splitlines()) == 4


def test_update_changes_named_graphs_and_the_union(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert akg(store, "build").exit_code == 0
    graph = "https://w3id.org/alliance-kg/id/document/notes"
    ask = 'ASK { <https://w3id.org/alliance-kg/id/state/japan> skos:altLabel "Nihon" }'
    result = akg(
        store,
        "update",
        f"INSERT DATA {{ GRAPH <{graph}> {{ <https://w3id.org/alliance-kg/id/state/japan> "
        'skos:altLabel "Nihon" } } ;',
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Updated: the store holds ")
    assert akg(store, "query", ask).output == "true\n"
    assert akg(store, "update", f"DROP GRAPH <{graph}>").exit_code == 0
    assert akg(store, "query", ask).output == "false\n"


def test_a_bad_update_writes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert akg(store, "build").exit_code == 0
    before = snapshot(store)
    result = akg(store, "update", "INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> ")
    assert result.exit_code == 1
    assert result.output.startswith("Error: line 1, column ")
    assert snapshot(store) == before


def test_a_remembered_parse_still_checks_each_store_graphs() -> None:
    # The endpoint remembers what rdflib's parse of a text found (its FROM clauses), not
    # whether they named graphs of the store: that is asked again each time.
    from alliance_kg.errors import QueryError
    from alliance_kg.queries.bounded import _syntax_only
    from alliance_kg.queries.safety import _dataset_clauses, check_read_only

    text = f"SELECT * FROM <{DOC}> WHERE {{ ?s ?p ?o }} # checked 3 times"
    hits = _dataset_clauses.cache_info().hits
    check_read_only(text, lambda: {DOC}, _syntax_only)
    with pytest.raises(QueryError, match="is not a graph of this store"):
        check_read_only(text, lambda: {"https://example.org/other"}, _syntax_only)
    check_read_only(text, lambda: {DOC}, _syntax_only)
    assert _dataset_clauses.cache_info().hits == hits + 2  # parsed once
    # A refusal is not remembered: it is said every time.
    service = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    for _ in range(2):
        with pytest.raises(QueryError, match="SERVICE is not allowed"):
            check_read_only(service, set, _syntax_only)
