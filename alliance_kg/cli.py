"""The ``akg`` command line: each command parses its options, calls one library function and
prints. Library errors (``AkgError``) become ``Error: ...`` and exit status 1 in one place."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from alliance_kg.errors import AkgError

DEFAULT_STORE = "akg-store"
# Kept in step with the registries in alliance_kg.queries and alliance_kg.graph.export; listed
# here so that `akg --help` does not import pyoxigraph-backed modules.
RESULT_FORMAT_NAMES = ("table", "csv", "tsv", "json", "xml")
EXPORT_FORMAT_NAMES = ("turtle", "nt", "nquads", "trig", "jsonld", "xml")


class AkgGroup(click.Group):
    """A click group that reports alliance-kg errors as ``Error: ...`` with exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AkgError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=AkgGroup)
@click.option(
    "--store",
    "store_path",
    envvar="AKG_STORE",
    default=DEFAULT_STORE,
    show_default=True,
    help="Folder of the on-disk graph store, or the http(s):// address of a SPARQL 1.1 server "
    "(or set AKG_STORE).",
)
@click.version_option(package_name="alliance-kg")
@click.pass_context
def main(ctx: click.Context, store_path: str) -> None:
    """alliance-kg: alliance and defence statements as an RDF knowledge graph."""
    from alliance_kg.graph.sparql import is_remote

    ctx.obj = {"store": store_path if is_remote(store_path) else Path(store_path)}


def _store(ctx: click.Context, *, read_only: bool = False) -> Any:
    from alliance_kg.graph.store import open_location

    return open_location(ctx.obj["store"], read_only=read_only)


def _text(argument: str | None, path: Path | None, what: str) -> str:
    """The text of a query or update: the argument, a file, or standard input."""
    from alliance_kg.queries import load_query_file

    if argument is not None and path is not None:
        raise click.UsageError(f"give the {what} as an argument or with -f, not both")
    if path is not None:
        return load_query_file(path)
    if argument is not None:
        return argument
    if not sys.stdin.isatty():
        return sys.stdin.read()
    raise click.UsageError(f"no {what}: pass one as an argument, with -f FILE, or on stdin")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def build(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Load documents (files or folders; default: the bundled sample corpus) into the store."""
    from alliance_kg.graph.load import extract_paths, write_extractions
    from alliance_kg.graph.stats import format_stats, graph_stats
    from alliance_kg.loaders.readers import collect_paths, sample_corpus_dir

    files = collect_paths(list(paths) or [sample_corpus_dir()])
    with click.progressbar(
        length=len(files), label="Extracting", file=sys.stderr, show_pos=True
    ) as bar:
        # Files, not folders: extract_paths then has no directory to walk a second time.
        extractions = extract_paths(files, progress=lambda _path: bar.update(1))
    # The store is opened only once every document has been read: a bad file fails before any
    # write, and the store is not held while extraction runs.
    store = _store(ctx)
    result = write_extractions(store, extractions)
    click.echo(
        f"Loaded {result.documents} document(s): {result.commitments} commitments, "
        f"{result.meetings} meeting(s), {result.triples} triples written."
    )
    _warn_conflicts(result.links.new_conflicts)
    click.echo(format_stats(graph_stats(store)))


def _warn_conflicts(conflicts: Any) -> None:
    for c in conflicts:
        click.echo(
            f"Warning: {c.file} states {c.field} {c.stated}; it reports {c.meeting} "
            f"({c.field} {c.resolved}). See akg query -n conflicts.",
            err=True,
        )


@main.command()
@click.argument("query", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.Path(path_type=Path),
    help="Read the query from a file.",
)
@click.option("-n", "--name", help="Run the cookbook query of this name (see akg queries).")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter of the cookbook query (repeatable).",
)
@click.option(
    "--format", "fmt", type=click.Choice(RESULT_FORMAT_NAMES), default="table", show_default=True
)
@click.option(
    "--timeout",
    type=float,
    default=30.0,
    show_default=True,
    help="Stop the query after this many seconds.",
)
@click.option(
    "--limit",
    type=int,
    default=10_000,
    show_default=True,
    help="Refuse results of more rows (or triples) than this.",
)
@click.pass_context
def query(
    ctx: click.Context,
    query: str | None,
    query_file: Path | None,
    name: str | None,
    params: tuple[str, ...],
    fmt: str,
    timeout: float,
    limit: int,
) -> None:
    """Run a read-only SPARQL query (argument, -f FILE, stdin, or -n NAME from the cookbook)
    over all documents. Updates, SERVICE and FROM other than the store's graphs are refused."""
    from alliance_kg.queries.bounded import Bounds, query_location
    from alliance_kg.queries.cookbook import run_named

    bounds = Bounds(timeout, limit)
    if name is not None:
        if query is not None or query_file is not None:
            raise click.UsageError("give a cookbook name (-n) or a query, not both")
        output = run_named(ctx.obj["store"], name, dict(_pair(p) for p in params), fmt, bounds)
    else:
        if params:
            raise click.UsageError("--param goes with a cookbook query (-n NAME)")
        text = _text(query, query_file, "query")
        output = query_location(ctx.obj["store"], text, fmt, bounds=bounds)
    click.echo(output.text, nl=False)


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise click.BadParameter(f"{text!r} is not KEY=VALUE", param_hint="--param")
    return key.strip(), value


@main.command()
@click.argument("entity", required=False)
@click.option(
    "--as-of",
    metavar="DATE",
    help="Judge deadlines on this day and leave out later meetings (YYYY-MM-DD; default today).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "csv", "json")),
    default="table",
    show_default=True,
)
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds.")
@click.pass_context
def timeline(
    ctx: click.Context, entity: str | None, as_of: str | None, fmt: str, timeout: float
) -> None:
    """Commitments in the order of their meetings (or those about ENTITY and the entities under
    it), with parties, deadline and its status, and the lineage each belongs to."""
    from alliance_kg.queries.bounded import Bounds
    from alliance_kg.queries.cookbook import run_named

    given = {k: v for k, v in (("entity", entity), ("as_of", as_of)) if v is not None}
    output = run_named(ctx.obj["store"], "timeline", given, fmt, Bounds(timeout=timeout))
    click.echo(output.text, nl=False)


@main.command()
def queries() -> None:
    """List the cookbook queries, their parameters and what they answer."""
    from alliance_kg.queries.cookbook import cookbook, describe

    click.echo(describe(cookbook()), nl=False)


@main.command()
@click.argument("update", required=False)
@click.option(
    "-f",
    "--file",
    "update_file",
    type=click.Path(path_type=Path),
    help="Read the update from a file.",
)
@click.pass_context
def update(ctx: click.Context, update: str | None, update_file: Path | None) -> None:
    """Change the graph with a SPARQL Update (argument, -f FILE or stdin), in one transaction.

    Write into the documents' named graphs (GRAPH <...>): the default graph is always the union
    of the named graphs and is rebuilt after the update.
    """
    from alliance_kg.graph.load import update_store

    text = _text(update, update_file, "update")
    quads, links = update_store(_store(ctx), text)
    click.echo(f"Updated: the store holds {quads} quads in named graphs.")
    _warn_conflicts(links.new_conflicts)


@main.command()
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMAT_NAMES),
    default="turtle",
    show_default=True,
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file."
)
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """Export the whole graph (Turtle to standard output by default)."""
    from alliance_kg.graph.export import export_graph, export_to_file

    store = _store(ctx, read_only=True)
    if output is None:
        sys.stdout.buffer.write(export_graph(store, fmt))
        sys.stdout.flush()
    else:
        export_to_file(store, fmt, output)
        click.echo(f"Wrote {output}", err=True)


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("akg-graph.html"),
    show_default=True,
    help="The HTML file to write.",
)
@click.option("--title", default="alliance-kg", show_default=True, help="Title of the page.")
@click.option("--meeting", metavar="DATE", help="Draw the meetings of that day (YYYY-MM-DD).")
@click.option("--entity", metavar="LABEL", help="Draw the neighbourhood of the node so named.")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="How many edges from --entity to draw (a commitment is one edge from its parties).",
)
@click.option(
    "--query",
    "query_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A SPARQL CONSTRUCT file whose result is drawn.",
)
@click.pass_context
def render(
    ctx: click.Context,
    output: Path,
    title: str,
    meeting: str | None,
    entity: str | None,
    depth: int,
    query_file: Path | None,
) -> None:
    """Write an interactive HTML page of the graph (or part of it) that works offline."""
    from alliance_kg.graph.render import WARN_FROM, Selection, write_html
    from alliance_kg.queries import load_query_file
    from alliance_kg.queries.bounded import construct_triples

    construct = load_query_file(query_file) if query_file is not None else None
    store = _store(ctx, read_only=True)
    selection = Selection(meeting, entity, depth, construct, str(query_file))
    # The graph layer draws a query's result; running the query is the query layer's work.
    constructed = (
        None if construct is None else construct_triples(store, construct, str(query_file))
    )
    page = write_html(store, output, title=title, selection=selection, constructed=constructed)
    click.echo(f"Wrote {output} ({page.nodes} nodes, {page.edges} edges)")
    if page.nodes >= WARN_FROM:
        click.echo(
            f"Warning: {page.nodes} nodes is a lot to read on one page. Draw a part with "
            "--meeting DATE, --entity LABEL --depth N or --query FILE.rq.",
            err=True,
        )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8890,
    show_default=True,
    help="0: any free port.",
)
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds per query.")
@click.option("--limit", type=int, default=10_000, show_default=True, help="Rows per result.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, timeout: float, limit: int) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint (/sparql) and its page (/)."""
    from alliance_kg.queries.bounded import Bounds
    from alliance_kg.queries.server import serve as run_server

    # Fail now, with the usual message, if there is no store to serve.
    _store(ctx, read_only=True)
    run_server(ctx.obj["store"], host, port, Bounds(timeout, limit))


@main.command()
@click.pass_context
def stats(ctx: click.Context) -> None:
    """Count documents, meetings, commitments, entities by type and triples."""
    from alliance_kg.graph.stats import format_stats, graph_stats

    click.echo(format_stats(graph_stats(_store(ctx, read_only=True))))


@main.command()
@click.argument("gold_dir", type=click.Path(path_type=Path))
@click.option("--per-document", is_flag=True, help="Also score each document on its own.")
@click.option(
    "--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True
)
@click.pass_context
def evaluate(ctx: click.Context, gold_dir: Path, per_document: bool, fmt: str) -> None:
    """Score the built graph against gold annotation files (*.gold.json) in GOLD_DIR."""
    from alliance_kg.evaluate import evaluate_folder, format_report

    report = evaluate_folder(_store(ctx, read_only=True), gold_dir)
    click.echo(format_report(report, fmt, per_document=per_document))


if __name__ == "__main__":  # pragma: no cover
    main()
