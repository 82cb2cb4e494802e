"""The library: one object for a graph store, which the ``akg`` command line is a thin layer over.

>>> import alliance_kg
>>> kg = alliance_kg.open("akg-store")       # a folder (created on the first build) or a URL
>>> kg.build()                               # the bundled sample corpus
>>> kg.query("SELECT ?m ?date WHERE { ?m a akg:Meeting ; dct:date ?date }")

Every method opens the store when it needs it, in the mode it needs (reads open it read-only),
so two programs can read one store and the object holds no lock between calls. Queries run
through the same checks and bounds as ``akg query`` (read-only, a time and a row limit).
Heavy modules are imported inside the methods: importing the package stays fast.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from alliance_kg.api.checks import stats as _stats
from alliance_kg.api.checks import validate as _validate
from alliance_kg.api.checks import void as _void
from alliance_kg.api.values import Rows, decoded, to_terms
from alliance_kg.errors import InputError

if TYPE_CHECKING:
    import rdflib

    from alliance_kg.evaluate import Report
    from alliance_kg.graph.links import LinksResult, LinksState
    from alliance_kg.graph.load import LoadResult
    from alliance_kg.graph.render import Rendered, Selection
    from alliance_kg.graph.sparql import SparqlStore
    from alliance_kg.queries.bounded import Bounds, QueryOutput
    from alliance_kg.queries.server import Access

#: Where ``akg`` keeps its store unless told otherwise (``--store`` or ``AKG_STORE``).
DEFAULT_STORE = "akg-store"
DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000
BUILD_VALIDATES = 30_000  # akg build validates stores up to this many triples (README)


class UpdateResult(NamedTuple):
    """What an update left: the quads in named graphs and what the corpus-level stage found."""

    quads: int
    links: LinksResult


class KnowledgeGraph:
    """A graph store: a folder on disk or the http(s):// address of a SPARQL 1.1 server."""

    def __init__(
        self, location: str | os.PathLike[str] = DEFAULT_STORE, *, user: str | None = None
    ) -> None:
        """``user`` logs in to a SPARQL server (see ``graph.endpoints`` for its password);
        it is ignored for a folder."""
        from alliance_kg.graph.sparql import is_remote

        text = os.fspath(location)
        if user and is_remote(text):
            from alliance_kg.graph.endpoints import with_user

            text = with_user(text, user)
        self.location: str | Path = text if is_remote(text) else Path(text)
        self._folder = self.location if isinstance(self.location, Path) else None

    def __repr__(self) -> str:
        return f"KnowledgeGraph({str(self.location)!r})"

    def store(self, *, read_only: bool = False) -> SparqlStore:
        """Open the store (``pyoxigraph.Store`` or ``RemoteStore``), for direct use."""
        from alliance_kg.graph.store import open_location

        return open_location(self.location, read_only=read_only)

    def build(
        self,
        paths: Sequence[str | os.PathLike[str]] = (),
        *,
        progress: Callable[[int, int], None] | None = None,
        lexicon: Sequence[str | os.PathLike[str]] = (),
        jobs: int | None = None,
        force: bool = False,
    ) -> LoadResult:
        """Load documents (files or folders; none: the bundled sample corpus), replacing
        documents of the same key, then rerun the corpus-level stage. A file unchanged since
        its graph was written (``graph.building``) is not extracted again, unless ``force``.

        ``progress(done, total)`` is called after each document is extracted. Documents are
        written in batches as they are extracted, each document whole or not at all: a bad
        file fails the build, and the error says which documents were written before it (none
        if it came in the first batch, whose documents are then not written either).
        ``lexicon``: user lexicon files (TOML, ``alliance_kg/loaders/lexicon/``) that extend
        the words extraction knows, for this build, besides those named by ``AKG_LEXICON``.
        ``jobs``: worker processes that extract documents and link the store's blocks (default:
        the cores, for 50 documents a worker and a store of 20,000 commitments; 1: this process
        alone); the graph is the same byte for byte whatever the number.
        """
        from alliance_kg.graph.building import build_files
        from alliance_kg.loaders.lexicon import extended
        from alliance_kg.loaders.readers import collect_documents, sample_corpus_dir

        if jobs is not None and jobs < 1:
            raise InputError(f"jobs must be at least 1, not {jobs}")
        given = collect_documents([Path(p) for p in paths] or [sample_corpus_dir()])
        with extended(lexicon):  # fingerprints and extraction, under the lexicons given
            return build_files(self.location, given, self._links_state, progress, jobs, force)

    def load_shards(self, paths: Sequence[str | os.PathLike[str]]) -> LoadResult:
        """Load N-Quads shards (files, or folders of ``*.nq``) of document graphs extracted
        elsewhere (``graph.shards.write_shard``, docs/dask.md), replacing documents of the same
        key, then rerun the corpus-level stage; the store ends as a build of the same files."""
        from alliance_kg.graph.shards import load_shards, shard_files
        from alliance_kg.graph.stamp import open_writer

        files = shard_files(paths)  # no shard: an error before a store is created
        return load_shards(open_writer(self.location), files, self._links_state())

    def update(self, sparql: str) -> UpdateResult:
        """Run a SPARQL Update in one transaction, then refresh the corpus-level stage."""
        from alliance_kg.graph.stamp import open_writer
        from alliance_kg.graph.updating import update_store

        store = open_writer(self.location)
        return UpdateResult(*update_store(store, sparql, self._links_state(), self._folder))

    def _links_state(self) -> LinksState | None:
        """Where the corpus-level stage keeps what it read of an on-disk store's graphs, so a
        build reads only the graphs it wrote (``graph.links.state``); a server has none."""
        from alliance_kg.graph.links import LinksState

        return LinksState(self._folder) if self._folder else None

    def query(
        self,
        sparql: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        limit: int = DEFAULT_LIMIT,
        **params: Any,
    ) -> Rows | bool | rdflib.Graph:
        """Run a read-only query: ``Rows`` for SELECT, ``bool`` for ASK, an ``rdflib.Graph``
        for CONSTRUCT and DESCRIBE. Keyword ``params`` bind the variables of those names
        (``?party``) before the query runs: a ``str`` is a plain literal, ``int``, ``float``,
        ``bool`` and ``datetime.date`` typed literals, rdflib and pyoxigraph terms themselves;
        a value is never pasted into the text unescaped (``graph.sparql.bind_values``)."""
        from alliance_kg.queries.bounded import query_location

        output = query_location(
            self.location,
            sparql,
            "json",
            substitutions=to_terms(params),
            bounds=_bounds(timeout, limit),
        )
        return decoded(output)

    def cookbook(
        self,
        name: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        limit: int = DEFAULT_LIMIT,
        **params: str,
    ) -> Rows | bool | rdflib.Graph:
        """Run the cookbook query ``name`` (``akg queries`` lists them) with its parameters
        given as text, as ``akg query -n NAME -p key=value`` does."""
        from alliance_kg.queries.cookbook import run_named

        return decoded(
            run_named(self.location, name, dict(params), "json", _bounds(timeout, limit))
        )

    def query_text(self, sparql: str, fmt: str = "table", bounds: Bounds | None = None) -> str:
        """A read-only query's result formatted as ``table``, ``csv``, ``tsv``, ``json`` or
        ``xml`` (rows, booleans) or ``table`` (Turtle), ``turtle``, ``nt``, ``jsonld`` or
        ``rdfxml`` (graphs), as ``akg query`` prints it; a format that does not fit the query's
        form is an error."""
        from alliance_kg.queries import check_fits
        from alliance_kg.queries.bounded import Bounds, query_location

        output = query_location(self.location, sparql, fmt, bounds=bounds or Bounds())
        check_fits(output.kind, fmt)
        return output.text

    def cookbook_text(
        self,
        name: str,
        params: Mapping[str, str],
        fmt: str = "table",
        bounds: Bounds | None = None,
    ) -> QueryOutput:
        """A cookbook query's result formatted as ``query_text`` formats it."""
        from alliance_kg.queries import check_fits
        from alliance_kg.queries.cookbook import run_named

        output = run_named(self.location, name, dict(params), fmt, bounds)
        check_fits(output.kind, fmt)
        return output

    def timeline(
        self,
        entity: str | None = None,
        *,
        as_of: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        limit: int = DEFAULT_LIMIT,
    ) -> Rows:
        """Commitments in the order of their meetings (or those about ``entity`` and the
        entities under it), with deadline status as of ``as_of`` (default today); more than
        ``limit`` rows are an error, as for ``query``."""
        params = _timeline_params(entity, as_of)
        rows = decoded(self.cookbook_text("timeline", params, "json", _bounds(timeout, limit)))
        assert isinstance(rows, Rows)
        return rows

    def timeline_text(
        self, entity: str | None = None, *, as_of: str | None = None, fmt: str = "table",
        bounds: Bounds | None = None,
    ) -> str:  # fmt: skip
        """The timeline formatted as ``table``, ``csv`` or ``json``, as ``akg timeline``
        prints it."""
        params = _timeline_params(entity, as_of)
        return self.cookbook_text("timeline", params, fmt, bounds).text

    def export(self, fmt: str | None = None, path: str | os.PathLike[str] | None = None) -> bytes:
        """The whole graph in an RDF format (``turtle``, ``nt``, ``nquads``, ``trig``,
        ``jsonld``, ``xml``), sorted so that exports are byte for byte reproducible, or the
        entity network (``graphml``, ``gexf``). With ``path`` it is written there atomically
        (whole or untouched), the format taken from the file's extension when not given."""
        from alliance_kg.graph.formats import export_file

        if path is None:
            buffer = io.BytesIO()
            self.write_export(fmt, buffer)
            return buffer.getvalue()
        export_file(self.store(read_only=True), fmt, Path(path), self._folder)
        return b""

    def write_export(self, fmt: str | None, output: BinaryIO) -> None:
        """Write ``export(fmt)`` to the binary ``output`` as it is made, never whole in memory."""
        from alliance_kg.graph.formats import choose_format, write_any

        write_any(self.store(read_only=True), choose_format(fmt, None), output, self._folder)

    def render(
        self,
        path: str | os.PathLike[str],
        *,
        title: str = "alliance-kg",
        selection: Selection | None = None,
        measures: bool = False,
        max_nodes: int | None = 20_000,
    ) -> Rendered:
        """Write the offline interactive page of the graph (or of ``selection``) to ``path``;
        ``measures`` sizes entities by betweenness and colours them by community. A page of
        more than ``max_nodes`` nodes (None: any number) is an error, raised before it is made
        (``graph.render.MAX_NODES``)."""
        from alliance_kg.graph.render import Selection, write_html
        from alliance_kg.queries.bounded import construct_triples

        chosen = selection or Selection()
        store = self.store(read_only=True)
        # The graph layer draws a query's result; running the query is the query layer's.
        constructed = (
            None
            if chosen.construct is None
            else construct_triples(store, chosen.construct, chosen.origin)
        )
        return write_html(
            store,
            Path(path),
            title=title,
            selection=chosen,
            constructed=constructed,
            measures=measures,
            max_nodes=max_nodes,
        )

    stats = _stats  # (api/checks.py)
    void = _void
    validate = _validate

    def network(self, *, set_aside_parties: bool = False) -> Any:
        """The entity network as a ``networkx.Graph``: entities joined when a commitment names
        both (edge ``weight``: how many do); ``set_aside_parties`` leaves the States that met
        out of their own meeting's commitments."""
        from alliance_kg.graph.network import read_network

        return read_network(self.store(read_only=True), set_aside_parties=set_aside_parties)

    def analyze(
        self,
        analysis: str,
        *,
        set_aside_parties: bool = False,
        top: int | None = None,
        between: tuple[str, str] | None = None,
    ) -> Rows:
        """``centrality``, ``communities`` or the ``path`` between two entities (``between``)
        of the entity network, as rows (``akg analyze`` prints them)."""
        from alliance_kg.queries.analysis import analysis_rows

        store = self.store(read_only=True)
        columns, rows = analysis_rows(
            store, analysis, set_aside_parties=set_aside_parties, top=top, between=between
        )
        return Rows(columns, rows)

    def analyze_text(
        self,
        analysis: str,
        fmt: str = "table",
        *,
        set_aside_parties: bool = False,
        top: int | None = None,
        between: tuple[str, str] | None = None,
    ) -> str:
        """``analyze`` formatted as ``table``, ``csv`` or ``json``, as ``akg analyze`` prints it."""
        from alliance_kg.queries.analysis import format_rows

        rows = self.analyze(analysis, set_aside_parties=set_aside_parties, top=top, between=between)
        return format_rows(rows.variables, list(rows), fmt)

    def evaluate(self, gold_dir: str | os.PathLike[str]) -> Report:
        """Score the graph against the gold files of ``gold_dir`` (``*.gold.json`` and
        ``links.gold.json``); format the report with ``alliance_kg.evaluate.format_report``."""
        from alliance_kg.evaluate import evaluate_folder

        return evaluate_folder(self.store(read_only=True), Path(gold_dir))

    def serve(
        self,
        host: str = "127.0.0.1",
        port: int = 8890,
        bounds: Bounds | None = None,
        workers: int = 2,
        cors: bool = False,
        access: Access | None = None,
    ) -> None:
        """Serve the store read-only over the SPARQL 1.1 Protocol until interrupted, with
        ``workers`` server processes (each query within ``bounds``); ``cors`` lets pages of any
        origin read the answers; ``access`` names the hosts it answers to besides addresses
        and localhost, and the idle connection timeout."""
        from alliance_kg.queries.bounded import Bounds
        from alliance_kg.queries.server import Access, serve

        self.store(read_only=True)  # no store: the usual error now, not at the first request
        serve(self.location, host, port, bounds or Bounds(), workers, cors, access or Access())


def open(location: str | os.PathLike[str] = DEFAULT_STORE) -> KnowledgeGraph:  # noqa: A001
    """The graph store at ``location``: a folder (created by the first ``build``) or the
    http(s):// address of a SPARQL 1.1 server."""
    return KnowledgeGraph(location)


def _bounds(timeout: float, limit: int) -> Bounds:
    from alliance_kg.queries.bounded import Bounds

    return Bounds(timeout, limit)


def _timeline_params(entity: str | None, as_of: str | None) -> dict[str, str]:
    return {k: v for k, v in (("entity", entity), ("as_of", as_of)) if v is not None}
