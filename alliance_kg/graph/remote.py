"""A SPARQL 1.1 server used in place of the embedded pyoxigraph store.

``RemoteStore`` offers the few ``pyoxigraph.Store`` methods the library calls (``query``,
``update``, ``named_graphs``, ``quads_for_pattern``) over HTTP: the SPARQL 1.1 Protocol for
queries and updates, the Graph Store Protocol to read whole graphs. Results come back as the
same pyoxigraph objects the embedded store returns, so the rest of the code cannot tell them
apart. The endpoints default to the Oxigraph server's layout; ``endpoints.py`` finds them
for other servers (presets, variables) and the account to log in with.

The project keeps the union of the named graphs in the store's own default graph (see
``store.refresh_union``), unless the server's default graph already is that union
(``offers_union``): then the copy is not written, and queries see the server's own union.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.errors import QueryError, StoreError
from alliance_kg.graph.answers import GRAPH_ACCEPT, accept, ask_answer, message, parse_result
from alliance_kg.graph.endpoints import (
    PRESET_ENV,
    QUERY_ENV,
    STORE_ENV,
    UNION_ENV,
    UPDATE_ENV,
    opener,
    resolve,
)
from alliance_kg.graph.sparql import SparqlStore, Term, bind_values

_FORM = "application/x-www-form-urlencoded; charset=UTF-8"
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
        endpoints = resolve(url)
        self.url = endpoints.base
        self.timeout = timeout
        self.query_url = endpoints.query
        self.update_url = endpoints.update
        self.store_url = endpoints.store
        self.user = endpoints.user
        self._prologue = endpoints.prologue
        self._union = endpoints.union
        self._opener = opener(endpoints)
        from alliance_kg.loaders.offline import allow_store

        for endpoint in (self.url, self.query_url, self.update_url, self.store_url):
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
        prologue = _prologue(query, prefixes or {}, self._prologue)
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
            body, media_type = self._post(self.query_url, form, accept(query))
        except _Refused as exc:
            message = exc.message
            if prologue:
                message = _POSITION.sub(lambda m: f"error at {max(int(m[1]) - 1, 1)}:", message)
            raise QueryError(
                f"the SPARQL server at {self.query_url} rejected the query "
                f"(HTTP {exc.status}): {message}"
            ) from exc
        return ask_answer(parse_result(body, media_type, self.query_url))

    def update(self, update: str, *, prefixes: Mapping[str, str] | None = None) -> None:
        """Run a SPARQL 1.1 Update request on the server; a refusal raises ``StoreError``.

        ``prefixes`` the request does not declare are declared before it, as for ``query``.
        """
        try:
            self._post(
                self.update_url,
                {"update": _prologue(update, prefixes or {}, self._prologue) + update},
                "*/*",
            )
        except _Refused as exc:
            raise StoreError(
                f"the SPARQL server at {self.update_url} refused the update: {exc.message}; "
                "nothing of it was written if the server applies each request as one "
                "transaction (Oxigraph and Fuseki do)"
            ) from exc

    def named_graphs(self) -> Iterator[ox.NamedNode | ox.BlankNode]:
        """The names of the server's named graphs, empty ones included where the server
        keeps them (Oxigraph does)."""
        names = self._graph_names("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        if not names:
            # Virtuoso matches no graph with an empty pattern: ask for those holding triples.
            names = self._graph_names("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return iter(names)

    def offers_union(self) -> bool:
        """Whether the server's default graph is the union of its named graphs already.

        Configured (``AKG_SPARQL_UNION``, or the preset), else found out once by writing a
        triple into a new named graph, asking whether the default graph holds it, and
        dropping that graph again.
        """
        if self._union is None:
            probe = ox.NamedNode(f"urn:uuid:{uuid.uuid4()}")
            triple = f"{probe} {probe} {probe}"
            self.update(f"INSERT DATA {{ GRAPH {probe} {{ {triple} }} }}")
            try:
                self._union = bool(self.query(f"ASK {{ {triple} }}"))
            finally:
                self.update(f"DROP SILENT GRAPH {probe}")
        return self._union

    def _graph_names(self, query: str) -> list[ox.NamedNode | ox.BlankNode]:
        result = self.query(query)
        assert isinstance(result, ox.QuerySolutions)
        return [g for g in (s["g"] for s in result) if isinstance(g, ox.NamedNode | ox.BlankNode)]

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
        names cannot be addressed by the protocol and are skipped, and so is the default graph
        of a server whose default graph is the union of the others (``offers_union``; only a
        configured union is trusted here, reading never writes a probe).
        """
        if (subject, predicate, object, graph_name) != (None, None, None, None):
            raise NotImplementedError("RemoteStore.quads_for_pattern only reads every quad")
        # Fetch now rather than lazily, so errors surface at the call like pyoxigraph's.
        quads: list[ox.Quad] = []
        for graph in self.named_graphs():
            if isinstance(graph, ox.NamedNode):
                quads += self._graph_quads({"graph": graph.value}, graph)
        if not self._union:
            quads += self._graph_quads({"default": ""}, ox.DefaultGraph())
        return iter(quads)

    def _graph_quads(
        self, params: dict[str, str], graph: ox.NamedNode | ox.DefaultGraph
    ) -> list[ox.Quad]:
        query = urllib.parse.urlencode(params).removesuffix("=")  # `?default`, not `?default=`
        url = self.store_url + ("&" if "?" in self.store_url else "?") + query
        try:
            body, media_type = self._send(url, None, GRAPH_ACCEPT)
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
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            # HTTPError is a URLError: handle it first, it means the server did answer.
            with exc:
                if exc.code == 401:
                    who = f"user {self.user}" if self.user else "no user"
                    raise StoreError(
                        f"the SPARQL server at {url} refused access (HTTP 401) with {who}: "
                        "give the user with --user or AKG_SPARQL_USER, its password with "
                        "AKG_SPARQL_PASSWORD or ~/.netrc"
                    ) from exc
                raise _Refused(exc.code, message(exc)) from exc
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
            f"name the kind of server with {PRESET_ENV} (e.g. virtuoso, fuseki, graphdb), or set "
            f"{QUERY_ENV}, {UPDATE_ENV} and {STORE_ENV} for servers with other endpoints"
        ) from exc
    if not isinstance(answer, ox.QueryBoolean):
        raise StoreError(f"{url} answered ASK {{}} with something else than true or false")
    return store


def _prologue(query: str, prefixes: Mapping[str, str], server: str = "") -> str:
    # A query's own declarations win, as with pyoxigraph's `prefixes`; declaring a name twice
    # is allowed by SPARQL but would make the winner depend on the server.
    declared = set(_DECLARED_PREFIX.findall(query))
    lines = [server] if server else []
    lines += [
        f"PREFIX {name}: {ox.NamedNode(iri)}"
        for name, iri in prefixes.items()
        if name not in declared
    ]
    # One line, so the server's error positions are off by exactly one line.
    return " ".join(lines) + "\n" if lines else ""


if TYPE_CHECKING:

    def _both_fit(local: ox.Store, remote: RemoteStore) -> tuple[SparqlStore, SparqlStore]:
        return local, remote  # mypy checks here that both kinds of store fit the protocol


__all__ = [
    "QUERY_ENV",
    "STORE_ENV",
    "UNION_ENV",
    "UPDATE_ENV",
    "RemoteStore",
    "open_remote",
]
