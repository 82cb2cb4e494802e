"""A SPARQL 1.1 server used in place of the embedded pyoxigraph store.

``RemoteStore`` offers the few ``pyoxigraph.Store`` methods the library calls (``query``,
``update``, ``named_graphs``, ``quads_for_pattern``) over HTTP: the SPARQL 1.1 Protocol for
queries and updates, the Graph Store Protocol to read whole graphs. Results come back as the
same pyoxigraph objects the embedded store returns, so the rest of the code cannot tell them
apart. The endpoints default to the Oxigraph server's layout (``/query``, ``/update``,
``/store``); ``AKG_SPARQL_QUERY``, ``AKG_SPARQL_UPDATE`` and ``AKG_SPARQL_STORE`` (full URLs)
point them elsewhere, e.g. Fuseki's ``/ds/query``, ``/ds/update`` and ``/ds/data``.

The project keeps the union of the named graphs in the store's own default graph (see
``store.refresh_union``), so the server must query its stored default graph as the default
graph, not a union of the named graphs it computes itself.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.errors import QueryError, StoreError
from alliance_kg.graph.sparql import SparqlStore, Term, bind_values

#: Environment variables that override each endpoint with a full URL.
QUERY_ENV, UPDATE_ENV, STORE_ENV = "AKG_SPARQL_QUERY", "AKG_SPARQL_UPDATE", "AKG_SPARQL_STORE"

# Results as JSON for SELECT/ASK, N-Triples for CONSTRUCT/DESCRIBE; the rest is a fallback for
# servers that do not offer those (both are parsed by whatever Content-Type comes back).
_QUERY_ACCEPT = (
    "application/sparql-results+json, application/n-triples, "
    "application/sparql-results+xml;q=0.5, text/turtle;q=0.5"
)
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.5"
_FORM = "application/x-www-form-urlencoded; charset=UTF-8"
_MAX_MESSAGE = 1000
_DECLARED_PREFIX = re.compile(r"(?i)\bPREFIX\s+([^\s:]*)\s*:")
_POSITION = re.compile(r"^error at (\d+):")


class _Refused(Exception):
    """The server answered with an HTTP error status (translated by each caller)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class RemoteStore:
    """A SPARQL 1.1 server that stands in for a ``pyoxigraph.Store``."""

    def __init__(self, url: str, *, timeout: float = 60.0) -> None:
        """Use the server at ``url`` (its base URL, e.g. ``http://localhost:7878``); nothing is
        sent yet (``open_remote`` checks that it answers). ``timeout`` is in seconds."""
        base = url.rstrip("/")
        parts = urllib.parse.urlsplit(base)
        try:
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError as exc:
            raise StoreError(f"{url} is not a valid SPARQL server URL: {exc}") from exc
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StoreError(f"{url} is not a SPARQL server URL (http:// or https://)")
        self.url = base
        self.timeout = timeout
        # An empty variable counts as unset, so `AKG_SPARQL_QUERY= akg ...` restores the default.
        self.query_url = os.environ.get(QUERY_ENV) or f"{base}/query"
        self.update_url = os.environ.get(UPDATE_ENV) or f"{base}/update"
        self.store_url = os.environ.get(STORE_ENV) or f"{base}/store"
        from alliance_kg.loaders.offline import allow_store

        for endpoint in (base, self.query_url, self.update_url, self.store_url):
            allow_store(endpoint)  # the one server akg may reach: the store the user named

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    def query(
        self,
        query: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        substitutions: Mapping[ox.Variable, Term] | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = None,
        named_graphs: list[ox.NamedNode | ox.BlankNode] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query on the server, like ``pyoxigraph.Store.query``.

        ``prefixes`` the query does not declare itself are declared on one line put before it
        (error positions are shifted back to the query as written). ``substitutions`` bind
        variables with a ``VALUES`` block opening the query's WHERE group, written from each
        term's N-Triples form, so a value can never change the query and the query's own
        patterns and filters see it bound (as pyoxigraph's substitutions do).
        ``use_default_graph_as_union`` sends Oxigraph's ``union-default-graph``
        parameter, an extension other servers may ignore. ``default_graph`` and
        ``named_graphs`` are sent as the protocol's ``default-graph-uri`` and
        ``named-graph-uri``. Invalid queries and queries the server fails raise
        ``QueryError``; an unreachable server raises ``StoreError``.
        """
        prologue = _prologue(query, prefixes or {})
        if substitutions:
            query = bind_values(query, substitutions)
        text = prologue + query
        form: dict[str, str | list[str]] = {"query": text}
        if use_default_graph_as_union:
            form["union-default-graph"] = ""
        if default_graph is not None:
            form["default-graph-uri"] = [_named(g) for g in default_graph]
        if named_graphs is not None:
            form["named-graph-uri"] = [_named(g) for g in named_graphs]
        try:
            body, media_type = self._post(self.query_url, form, _QUERY_ACCEPT)
        except _Refused as exc:
            message = exc.message
            if prologue:
                message = _POSITION.sub(lambda m: f"error at {max(int(m[1]) - 1, 1)}:", message)
            raise QueryError(
                f"the SPARQL server at {self.query_url} rejected the query "
                f"(HTTP {exc.status}): {message}"
            ) from exc
        return _parse_result(body, media_type, self.query_url)

    def update(self, update: str, *, prefixes: Mapping[str, str] | None = None) -> None:
        """Run a SPARQL 1.1 Update request on the server; a refusal raises ``StoreError``.

        ``prefixes`` the request does not declare are declared before it, as for ``query``.
        """
        try:
            self._post(
                self.update_url, {"update": _prologue(update, prefixes or {}) + update}, "*/*"
            )
        except _Refused as exc:
            raise StoreError(
                f"the SPARQL server at {self.update_url} refused the update: {exc.message}; "
                "nothing of it was written if the server applies each request as one "
                "transaction (Oxigraph and Fuseki do)"
            ) from exc

    def named_graphs(self) -> Iterator[ox.NamedNode | ox.BlankNode]:
        """The names of the server's named graphs, empty ones included (as on Oxigraph)."""
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        assert isinstance(result, ox.QuerySolutions)
        names = [s["g"] for s in result]
        return iter([g for g in names if isinstance(g, ox.NamedNode | ox.BlankNode)])

    def quads_for_pattern(
        self,
        subject: ox.NamedNode | ox.BlankNode | ox.Triple | None,
        predicate: ox.NamedNode | None,
        object: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None,
        graph_name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None = None,
    ) -> Iterator[ox.Quad]:
        """Every quad of the server (only the all-``None`` pattern is supported).

        Each named graph and the default graph are read with a Graph Store Protocol ``GET``,
        one request per graph, so a concurrent writer can be seen half-way. Blank-node graph
        names cannot be addressed by the protocol and are skipped.
        """
        if (subject, predicate, object, graph_name) != (None, None, None, None):
            raise NotImplementedError("RemoteStore.quads_for_pattern only reads every quad")
        # Fetch now rather than lazily, so errors surface at the call like pyoxigraph's.
        quads: list[ox.Quad] = []
        for graph in self.named_graphs():
            if isinstance(graph, ox.NamedNode):
                quads += self._graph_quads({"graph": graph.value}, graph)
        quads += self._graph_quads({"default": ""}, ox.DefaultGraph())
        return iter(quads)

    def _graph_quads(
        self, params: dict[str, str], graph: ox.NamedNode | ox.DefaultGraph
    ) -> list[ox.Quad]:
        query = urllib.parse.urlencode(params).removesuffix("=")  # `?default`, not `?default=`
        url = self.store_url + ("&" if "?" in self.store_url else "?") + query
        try:
            body, media_type = self._send(url, None, _GRAPH_ACCEPT)
        except _Refused as exc:
            if exc.status == 404 and not self._holds(graph):
                return []  # listed, then dropped by someone else, or never created: no triples
            if exc.status == 404:
                # The query endpoint sees triples the Graph Store endpoint does not know: its
                # address is wrong, and an export would silently lose them.
                raise StoreError(
                    f"the Graph Store endpoint {self.store_url} answered 404 (not found) for "
                    f"graph {graph}, which holds triples: check its address (set "
                    f"{STORE_ENV} to the server's Graph Store Protocol endpoint)"
                ) from exc
            raise StoreError(
                f"the SPARQL server at {self.store_url} refused to send graph {graph}: "
                f"{exc.message}"
            ) from exc
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format is None:
            raise StoreError(f"the SPARQL server at {url} sent {media_type}, not RDF")
        try:
            parsed = list(ox.parse(body, rdf_format))
        except SyntaxError as exc:
            raise StoreError(
                f"the SPARQL server at {url} sent invalid {rdf_format}: {exc}"
            ) from exc
        return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed]

    def _holds(self, graph: ox.NamedNode | ox.DefaultGraph) -> bool:
        """Whether the query endpoint sees any triple in ``graph``."""
        where = (
            "?s ?p ?o" if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph} {{ ?s ?p ?o }}"
        )
        return bool(self.query(f"ASK {{ {where} }}"))

    def _post(
        self, url: str, form: Mapping[str, str | list[str]], accept: str
    ) -> tuple[bytes, str]:
        return self._send(url, urllib.parse.urlencode(form, doseq=True).encode(), accept)

    def _send(self, url: str, data: bytes | None, accept: str) -> tuple[bytes, str]:
        """Send one request; return the body and its media type, or raise ``_Refused`` for an
        HTTP error status and ``StoreError`` when the server cannot be reached."""
        headers = {"Accept": accept, "User-Agent": "alliance-kg"}
        if data is not None:
            headers["Content-Type"] = _FORM
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            # HTTPError is a URLError: handle it first, it means the server did answer.
            with exc:
                raise _Refused(exc.code, _message(exc)) from exc
        except urllib.error.URLError as exc:
            raise StoreError(f"cannot reach the SPARQL server at {url}: {exc.reason}") from exc
        except (TimeoutError, ConnectionError) as exc:
            # Raised while reading the answer, after the connection was made.
            raise StoreError(f"cannot reach the SPARQL server at {url}: {exc}") from exc


def _named(graph: object) -> str:
    # The protocol names graphs by IRI: a blank node or the default graph cannot be sent.
    if not isinstance(graph, ox.NamedNode):
        raise QueryError(f"a SPARQL server's dataset is named by IRIs, not {graph}")
    return graph.value


def open_remote(url: str, *, timeout: float = 60.0) -> RemoteStore:
    """Return a ``RemoteStore`` for ``url`` once the server has answered ``ASK {}``.

    Raises ``StoreError`` when it cannot be reached or does not answer SPARQL queries there.
    """
    store = RemoteStore(url, timeout=timeout)
    try:
        answer = store.query("ASK {}")
    except QueryError as exc:
        raise StoreError(
            f"{url} does not answer SPARQL queries at {store.query_url}: {exc}; "
            f"set {QUERY_ENV}, {UPDATE_ENV} and {STORE_ENV} for servers with other endpoints"
        ) from exc
    if not isinstance(answer, ox.QueryBoolean):
        raise StoreError(f"{url} answered ASK {{}} with something else than true or false")
    return store


def _prologue(query: str, prefixes: Mapping[str, str]) -> str:
    # A query's own declarations win, as with pyoxigraph's `prefixes`; declaring a name twice
    # is allowed by SPARQL but would make the winner depend on the server.
    declared = set(_DECLARED_PREFIX.findall(query))
    lines = [
        f"PREFIX {name}: {ox.NamedNode(iri)}"
        for name, iri in prefixes.items()
        if name not in declared
    ]
    # One line, so the server's error positions are off by exactly one line.
    return " ".join(lines) + "\n" if lines else ""


def _parse_result(
    body: bytes, media_type: str, url: str
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    results_format = ox.QueryResultsFormat.from_media_type(media_type)
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    try:
        if results_format is not None:
            return ox.parse_query_results(body, results_format)
        if rdf_format is not None:
            # Callers check for a genuine QueryTriples, which only a store query makes: run
            # the identity CONSTRUCT over an in-memory store holding the server's triples.
            graph = ox.Store()
            graph.extend(ox.parse(body, rdf_format))
            triples = graph.query("CONSTRUCT WHERE { ?s ?p ?o }")
            assert isinstance(triples, ox.QueryTriples)
            return triples
    except SyntaxError as exc:
        # Not the query's syntax: run_query would report it as such.
        raise QueryError(
            f"the SPARQL server at {url} sent results that cannot be read: {exc}"
        ) from exc
    raise QueryError(f"the SPARQL server at {url} answered with {media_type}, not query results")


def _message(error: urllib.error.HTTPError) -> str:
    """The server's explanation of an HTTP error, trimmed to a readable length."""
    try:
        text = error.read().decode("utf-8", errors="replace")
    except OSError:
        text = ""
    if error.headers.get_content_type() == "text/html":
        text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"[ \t]*\n\s*", "\n", text).strip()
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1] + "…"
    return text or f"HTTP {error.code} {error.reason}"


if TYPE_CHECKING:

    def _both_fit(local: ox.Store, remote: RemoteStore) -> tuple[SparqlStore, SparqlStore]:
        return local, remote  # mypy checks here that both kinds of store fit the protocol


__all__ = [
    "QUERY_ENV",
    "STORE_ENV",
    "UPDATE_ENV",
    "RemoteStore",
    "open_remote",
]
