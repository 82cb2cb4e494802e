"""akg serve: a real SPARQL client (SPARQLWrapper) against the running endpoint."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from clirunner import akg
from serve_process import akg_serve
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

QUERY = """
PREFIX akg: <https://w3id.org/alliance-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?party (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c akg:madeBy/skos:prefLabel ?party
} GROUP BY ?party ORDER BY ?party
"""


@pytest.fixture(scope="module")
def store(corpus_store: Path) -> Path:
    return corpus_store


@pytest.fixture(scope="module")
def endpoint(store: Path) -> Iterator[str]:
    with akg_serve(store, "--timeout", "5") as url:
        yield url


def local_json(store: Path, query: str) -> dict[str, object]:
    result = akg(store, "query", "--format", "json", query)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_sparqlwrapper_gets_what_akg_query_gives(store: Path, endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(QUERY)
    client.setReturnFormat(JSON)
    assert client.query().convert() == local_json(store, QUERY)
    client.setMethod(POST)
    assert client.query().convert() == local_json(store, QUERY)


def test_content_negotiation(store: Path, endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(QUERY)
    client.setReturnFormat(CSV)
    csv = client.query().convert()
    local = akg(store, "query", "--format", "csv", QUERY)
    assert csv == local.stdout_bytes
    client.setReturnFormat(XML)
    xml = client.query().convert()
    assert {b.firstChild.data for b in xml.getElementsByTagName("literal")} >= {"Japan"}
    client.setQuery("ASK { ?m a <https://w3id.org/alliance-kg/ontology#Meeting> }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True
    client.setQuery(
        "CONSTRUCT { ?m a <https://w3id.org/alliance-kg/ontology#Meeting> } "
        "WHERE { ?m a <https://w3id.org/alliance-kg/ontology#Meeting> }"
    )
    client.setReturnFormat(TURTLE)
    turtle = client.query().convert().decode()
    assert turtle.count("akg:Meeting") == 3


def _post(url: str, data: bytes, content_type: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_endpoint_is_read_only(endpoint: str) -> None:
    status, text = _post(endpoint, b"update=DROP%20ALL", "application/x-www-form-urlencoded")
    assert (status, text) == (403, "this endpoint is read-only: updates are refused\n")
    status, text = _post(endpoint, b"DROP ALL", "application/sparql-update")
    assert status == 403
    # An update sent as a query is refused by the same check as akg query.
    status, text = _post(endpoint, b"query=DROP%20ALL", "application/x-www-form-urlencoded")
    assert status == 400 and "SPARQL Update" in text
    status, text = _post(
        endpoint,
        b"SELECT ?x WHERE { SERVICE <http://127.0.0.1:9/> { ?x ?y ?z } }",
        "application/sparql-query",
    )
    assert (status, text) == (
        400,
        "SERVICE is not allowed: akg query does not send requests to other servers\n",
    )
    status, text = _post(
        endpoint,
        b"SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        "application/sparql-query",
    )
    assert (status, text) == (
        400,
        "the query was stopped after 5 s (--timeout 5); the store is unchanged\n",
    )


def test_the_page_is_served_at_the_root(endpoint: str) -> None:
    with urllib.request.urlopen(endpoint.removesuffix("sparql"), timeout=60) as response:
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        page = response.read().decode()
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page
