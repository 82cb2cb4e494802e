"""Pointing akg at other SPARQL servers: presets of endpoint paths, logging in (HTTP Basic
through a real proxy, passwords from the environment or netrc), and servers whose default
graph is already the union of the named graphs (`oxigraph serve --union-default-graph`)."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from auth_proxy import basic_auth_proxy
from clirunner import akg, akg_args
from oxigraph_server import oxigraph_server

from alliance_kg.errors import StoreError
from alliance_kg.graph.export import export_graph
from alliance_kg.graph.load import load_paths
from alliance_kg.graph.remote import RemoteStore, open_remote
from alliance_kg.graph.stats import graph_stats
from alliance_kg.graph.store import graph_names, open_store
from alliance_kg.loaders.readers import sample_corpus_dir

COUNT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
DISTINCT = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
_ACCOUNT_VARIABLES = ("AKG_SPARQL_USER", "AKG_SPARQL_PASSWORD", "AKG_SPARQL_PRESET", "NETRC")


@pytest.fixture(autouse=True)
def _no_account(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No account or netrc of the machine running the tests leaks in."""
    for name in _ACCOUNT_VARIABLES + ("AKG_SPARQL_UNION",):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture(scope="module")
def union_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty Oxigraph server whose default graph is the union of all graphs."""
    with oxigraph_server(tmp_path_factory.mktemp("union"), union=True) as url:
        yield url


@pytest.fixture(scope="module")
def plain_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oxigraph_server(tmp_path_factory.mktemp("plain")) as url:
        yield url


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    store = open_store(tmp_path_factory.mktemp("local") / "s")
    load_paths(store, [sample_corpus_dir()])
    return store


def _count(store: RemoteStore | ox.Store, query: str) -> int:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return int(next(iter(result))["n"].value)


def _stored_default_graph(url: str) -> bytes:
    """The server's own default graph, as its Graph Store endpoint sends it."""
    request = urllib.request.Request(
        f"{url}/store?default", headers={"Accept": "application/n-triples"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return bytes(response.read())


def test_a_union_server_is_detected_and_gets_no_copy(union_url: str, local: ox.Store) -> None:
    store = open_remote(union_url)
    assert store.offers_union()
    # The probe graph is gone again.
    assert graph_names(store) == []
    load_paths(store, [sample_corpus_dir()])  # type: ignore[arg-type]
    assert _stored_default_graph(union_url) == b""
    # Every quad of the named graphs once: no copy in the default graph adds its own.
    quads = graph_stats(local)["quads"]
    assert _count(store, COUNT) == quads == 3223
    assert _count(store, DISTINCT) == _count(local, DISTINCT) == _count(local, COUNT) == 2698
    assert graph_stats(store) == graph_stats(local)  # type: ignore[arg-type]
    assert export_graph(store, "nquads") == export_graph(local, "nquads")  # type: ignore[arg-type]
    # A new connection finds out again, and reloading writes no copy either.
    result = akg(union_url, "build")
    assert result.exit_code == 0, result.output
    assert _stored_default_graph(union_url) == b""
    assert akg(union_url, "export", "-f", "nquads").stdout_bytes == export_graph(local, "nquads")


def test_a_plain_server_is_detected_and_gets_the_copy(plain_url: str, local: ox.Store) -> None:
    store = open_remote(plain_url)
    assert not store.offers_union()
    load_paths(store, [sample_corpus_dir()])  # type: ignore[arg-type]
    assert len(_stored_default_graph(plain_url).splitlines()) == 2698
    assert _count(store, COUNT) == _count(local, COUNT) == 2698


def test_the_union_can_be_configured(
    union_url: str, plain_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AKG_SPARQL_UNION", "1")
    assert RemoteStore(plain_url).offers_union()
    monkeypatch.setenv("AKG_SPARQL_UNION", "0")
    assert not RemoteStore(union_url).offers_union()
    monkeypatch.setenv("AKG_SPARQL_UNION", "maybe")
    with pytest.raises(StoreError, match="AKG_SPARQL_UNION=maybe is not 1 or 0"):
        RemoteStore(union_url)


def test_presets_name_the_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = {
        "oxigraph": ("/query", "/update", "/store"),
        "fuseki": ("/query", "/update", "/data"),
        "graphdb": ("", "/statements", "/rdf-graphs/service"),
        "virtuoso": ("/sparql", "/sparql", "/sparql-graph-crud"),
    }
    for name, paths in expected.items():
        monkeypatch.setenv("AKG_SPARQL_PRESET", name)
        store = RemoteStore("http://example.org:1/base/")
        urls = (store.query_url, store.update_url, store.store_url)
        assert urls == tuple(f"http://example.org:1/base{p}" for p in paths)
    # A user switches Virtuoso to its endpoints that ask for one.
    monkeypatch.setenv("AKG_SPARQL_PRESET", "Virtuoso")
    monkeypatch.setenv("AKG_SPARQL_PASSWORD", "secret")
    store = RemoteStore("http://dba@example.org:1")
    assert (store.query_url, store.update_url, store.store_url) == (
        "http://example.org:1/sparql-auth",
        "http://example.org:1/sparql-auth",
        "http://example.org:1/sparql-graph-crud-auth",
    )
    assert store.url == "http://example.org:1" and store.user == "dba"
    monkeypatch.setenv("AKG_SPARQL_PRESET", "blazegraph")
    with pytest.raises(StoreError, match="AKG_SPARQL_PRESET=blazegraph is not a known kind"):
        RemoteStore("http://example.org:1")


@pytest.fixture(scope="module")
def proxy(corpus_server: str) -> Iterator[str]:
    """A proxy to a loaded Oxigraph server asking for user akg, password s3cret:x."""
    with basic_auth_proxy(corpus_server, "akg", "s3cret:x") as url:
        yield url


def test_basic_auth_with_the_password_from_the_environment(
    proxy: str, corpus_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AKG_SPARQL_PASSWORD", "s3cret:x")
    result = akg(proxy, "--user", "akg", "stats")
    assert result.exit_code == 0, result.output
    assert result.output == akg(corpus_server, "stats").output
    # The user can come from the environment too, and the option can come first.
    monkeypatch.setenv("AKG_SPARQL_USER", "akg")
    assert akg_args("--user", "akg", "--store", proxy, "stats").output == result.output
    assert akg(proxy, "stats").output == result.output


def test_basic_auth_with_the_password_from_netrc(
    proxy: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login akg password s3cret:x\n", encoding="utf-8")
    monkeypatch.setenv("NETRC", str(netrc))
    # The login of the netrc entry is used when no user is given.
    store = open_remote(proxy)
    assert store.user == "akg"
    assert _count(store, DISTINCT) == 2698
    # ~/.netrc is read when NETRC is not set.
    monkeypatch.delenv("NETRC")
    home = Path.home()
    home.mkdir(parents=True)
    (home / ".netrc").write_text(netrc.read_text(encoding="utf-8"), encoding="utf-8")
    assert open_remote(proxy).user == "akg"


def test_refused_credentials_are_an_error(proxy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = akg(proxy, "stats")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: the SPARQL server at {proxy}/query refused access (HTTP 401) with no user: "
        "give the user with --user or AKG_SPARQL_USER, its password with AKG_SPARQL_PASSWORD "
        "or ~/.netrc\n"
    )
    monkeypatch.setenv("AKG_SPARQL_PASSWORD", "wrong")
    result = akg(proxy, "--user", "akg", "stats")
    assert result.exit_code == 1
    assert "refused access (HTTP 401) with user akg: " in result.output
    monkeypatch.delenv("AKG_SPARQL_PASSWORD")
    result = akg(proxy, "--user", "akg", "stats")
    assert result.exit_code == 1
    assert result.output == (
        "Error: no password for user akg at 127.0.0.1: set AKG_SPARQL_PASSWORD or add "
        "`machine 127.0.0.1 login akg password ...` to ~/.netrc\n"
    )
