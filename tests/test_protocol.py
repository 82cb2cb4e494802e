"""akg serve as a SPARQL 1.1 Protocol endpoint: content negotiation (406 for what it cannot
write), HEAD, OPTIONS and CORS, the dataset of a request, the service description, cookbook
URLs, the ontology; with SPARQLWrapper's defaults and rdflib's SPARQLStore as clients."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from clirunner import akg
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from serve_process import akg_serve
from SPARQLWrapper import SPARQLWrapper

from alliance_kg.queries.protocol import Choice, negotiate

AKG = "https://w3id.org/alliance-kg/ontology#"
DOC = "https://w3id.org/alliance-kg/id/document/000_45bebea0770f1da9"
MEETINGS = f"SELECT ?m WHERE {{ ?m a <{AKG}Meeting> }} ORDER BY ?m"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def endpoint(corpus_store: Path) -> Iterator[str]:
    with akg_serve(corpus_store, "--cors") as url:
        yield url


def fetch(
    url: str, *, method: str = "GET", accept: str | None = None, data: bytes | None = None,
    content_type: str | None = None,
) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
    headers = {k: v for k, v in (("Accept", accept), ("Content-Type", content_type)) if v}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def query_url(endpoint: str, query: str, **params: str | list[str]) -> str:
    pairs = urllib.parse.urlencode({"query": query, **params}, doseq=True)
    return f"{endpoint}?{pairs}"


@pytest.mark.parametrize(
    ("accept", "choice"),
    [
        (None, Choice("json", "turtle")),
        ("*/*", Choice("json", "turtle")),
        ("application/rdf+xml", Choice(None, "rdfxml")),
        ("text/csv, application/n-triples;q=0.5", Choice("csv", "nt")),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            Choice("xml", "turtle"),
        ),
        ("application/*;q=0.5, application/ld+json", Choice("json", "jsonld")),
        ("text/turtle;q=0, */*", Choice("json", "nt")),
        ("image/png", Choice(None, None)),
    ],
)
def test_negotiation(accept: str | None, choice: Choice) -> None:
    assert negotiate(accept) == choice


def test_sparqlwrapper_defaults_get_what_they_ask(endpoint: str) -> None:
    asked = {
        MEETINGS: "application/sparql-results+xml",
        f"ASK {{ ?m a <{AKG}Meeting> }}": "application/sparql-results+xml",
        f"CONSTRUCT WHERE {{ ?m a <{AKG}Meeting> }}": "application/rdf+xml",
        "DESCRIBE <https://w3id.org/alliance-kg/id/state/japan>": "application/rdf+xml",
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for query, media in asked.items():
            client = SPARQLWrapper(endpoint)
            client.setQuery(query)
            result = client.query()
            assert result.response.headers["Content-Type"] == f"{media}; charset=utf-8"
            converted = result.convert()
            if media == "application/rdf+xml":
                assert len(converted) > 0
    # SPARQLWrapper warns when the answer's type is not the one it asked for; rdflib's own
    # deprecation notices (ConjunctiveGraph) are not about the endpoint.
    assert [str(w.message) for w in caught if w.category is not DeprecationWarning] == []


def test_graphs_in_every_format_asked(endpoint: str) -> None:
    construct = f"CONSTRUCT WHERE {{ ?m a <{AKG}Meeting> }}"
    for media, fmt in [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ]:
        status, headers, body = fetch(query_url(endpoint, construct), accept=media)
        assert (status, headers["Content-Type"]) == (200, f"{media}; charset=utf-8")
        assert len(rdflib.Graph().parse(data=body, format=fmt)) == 3
    # A client that takes rows and graphs gets each in its kind.
    mixed = "application/sparql-results+json, application/n-triples;q=0.5"
    status, headers, _ = fetch(query_url(endpoint, construct), accept=mixed)
    assert headers["Content-Type"] == "application/n-triples; charset=utf-8"
    status, headers, _ = fetch(query_url(endpoint, MEETINGS), accept=mixed)
    assert headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"


def test_what_cannot_be_written_is_406(endpoint: str) -> None:
    status, _, body = fetch(query_url(endpoint, MEETINGS), accept="image/png")
    assert status == 406
    assert body.decode().startswith("cannot answer in the types accepted; offered: ")
    assert fetch(query_url(endpoint, MEETINGS), accept="application/rdf+xml")[0] == 406
    construct = f"CONSTRUCT WHERE {{ ?m a <{AKG}Meeting> }}"
    assert fetch(query_url(endpoint, construct), accept="text/csv")[0] == 406


def test_head_options_and_cors(endpoint: str, corpus_store: Path) -> None:
    status, headers, body = fetch(query_url(endpoint, MEETINGS), method="HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["Content-Length"]) > 100
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = fetch(endpoint, method="OPTIONS")
    assert status == 204
    assert headers["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert headers["Access-Control-Allow-Methods"] == "GET, POST, HEAD, OPTIONS"
    with akg_serve(corpus_store) as closed:
        status, headers, _ = fetch(closed, method="OPTIONS")
        assert status == 204 and "Access-Control-Allow-Origin" not in headers
        assert "Access-Control-Allow-Origin" not in fetch(query_url(closed, MEETINGS))[1]


def _count(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def _graph_size(corpus_store: Path) -> int:
    """The triples of the document graph ``DOC``, as akg query counts them."""
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DOC}> {{ ?s ?p ?o }} }}"
    return int(akg(corpus_store, "query", "--format", "csv", count).output.splitlines()[1])


def test_the_dataset_of_a_request(endpoint: str, corpus_store: Path) -> None:
    in_graph = _graph_size(corpus_store)
    everything = _count(fetch(query_url(endpoint, COUNT))[2])
    assert everything > in_graph > 100
    url = query_url(endpoint, COUNT, **{"default-graph-uri": DOC})
    assert _count(fetch(url)[2]) == in_graph
    # On a POST the dataset may be in the URL, whatever the body is.
    post_url = f"{endpoint}?{urllib.parse.urlencode({'default-graph-uri': DOC})}"
    body = fetch(
        post_url, method="POST", data=COUNT.encode(), content_type="application/sparql-query"
    )
    assert _count(body[2]) == in_graph
    form = urllib.parse.urlencode({"query": COUNT, "default-graph-uri": DOC}).encode()
    body = fetch(
        endpoint, method="POST", data=form, content_type="application/x-www-form-urlencoded"
    )
    assert _count(body[2]) == in_graph
    named = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert _count(fetch(query_url(endpoint, named, **{"named-graph-uri": [DOC]}))[2]) == 1


def test_rdflib_sparqlstore_with_named_graphs(endpoint: str, corpus_store: Path) -> None:
    store = SPARQLStore(endpoint)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = rdflib.Graph(store=store, identifier=rdflib.URIRef(DOC))
        assert len(graph) == _graph_size(corpus_store)
        japan = rdflib.URIRef("https://w3id.org/alliance-kg/id/state/japan")
        labels = set(graph.objects(japan, rdflib.SKOS.prefLabel))
        assert labels == {rdflib.Literal("Japan")}


def test_cookbook_urls_over_a_remote_store(corpus_server: str, corpus_store: Path) -> None:
    """``akg serve`` of a SPARQL server's store narrows a cookbook query as ``akg query -n``
    does, by the other path a query takes there (``server.py``, not a server process)."""
    with akg_serve(corpus_server) as url:
        base = url.removesuffix("/sparql")
        for name, given in [
            ("timeline", {"entity": "senkakus", "as_of": "2026-11-26"}),
            ("timeline", {"as_of": "2026-11-26"}),
            ("commitments-by-type", {"type": "Opposition", "date": "2024-07-28"}),
            ("commitments-by-type", {"type": "Pledge"}),
        ]:
            params = [arg for k, v in given.items() for arg in ("--param", f"{k}={v}")]
            local = akg(corpus_store, "query", "-n", name, *params, "--format", "csv")
            assert local.exit_code == 0 and local.output.count("\n") > 2
            query = urllib.parse.urlencode(given)
            found = fetch(f"{base}/cookbook/{name}?{query}", accept="text/csv")
            assert found[::2] == (200, local.stdout_bytes), (name, given)


def test_service_description(endpoint: str) -> None:
    status, headers, body = fetch(endpoint)
    assert (status, headers["Content-Type"]) == (200, "text/turtle; charset=utf-8")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(endpoint)
    assert (service, rdflib.RDF.type, sd.Service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert len(set(graph.objects(service, sd.resultFormat))) == 8


def test_cookbook_urls_and_the_ontology(endpoint: str, corpus_store: Path) -> None:
    base = endpoint.removesuffix("/sparql")
    status, _, body = fetch(f"{base}/cookbook/meetings", accept="text/csv")
    local = akg(corpus_store, "query", "-n", "meetings", "--format", "csv")
    assert (status, body) == (200, local.stdout_bytes)
    status, _, body = fetch(f"{base}/cookbook/timeline?entity=Okinawa&as_of=2026-11-26")
    assert status == 200, body
    assert len(json.loads(body)["results"]["bindings"]) == 3
    # Bound and narrowed as akg query -n binds and narrows it, the lists its heading names
    # sorted.
    params = ["--param", "entity=senkakus", "--param", "as_of=2026-11-26"]
    local = akg(corpus_store, "query", "-n", "timeline", *params, "--format", "csv")
    assert "Opposition/Reaffirmation" in local.output
    url = f"{base}/cookbook/timeline?entity=senkakus&as_of=2026-11-26"
    assert fetch(url, accept="text/csv")[::2] == (200, local.stdout_bytes)
    params = ["--param", "type=Opposition", "--param", "date=2024-07-28"]
    local = akg(corpus_store, "query", "-n", "commitments-by-type", *params, "--format", "csv")
    assert local.output.count("\n") == 9
    url = f"{base}/cookbook/commitments-by-type?type=Opposition&date=2024-07-28"
    assert fetch(url, accept="text/csv")[::2] == (200, local.stdout_bytes)
    status, _, body = fetch(f"{base}/cookbook/no-such-query")
    assert (status, body) == (400, b"no cookbook query 'no-such-query'; akg queries lists them\n")
    status, headers, body = fetch(f"{base}/ontology", accept="text/turtle")
    assert headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert len(rdflib.Graph().parse(data=body, format="turtle")) > 300
    status, headers, body = fetch(f"{base}/ontology", accept="text/html,*/*;q=0.8")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'<section class="term" id="Commitment">' in body
    status, headers, body = fetch(f"{base}/query")
    assert status == 200 and b'<option value="meetings">meetings</option>' in body
