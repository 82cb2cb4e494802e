"""The ``akg`` command line: each command parses its options, calls one library function and
prints. Library errors (``AkgError``) become ``Error: ...`` and exit status 1 in one place."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from alliance_kg.api import DEFAULT_STORE, KnowledgeGraph
from alliance_kg.errors import AkgError

# Kept in step with the registries in alliance_kg.queries and alliance_kg.graph.export; listed
# here so that `akg --help` does not import pyoxigraph-backed modules.
RESULT_FORMAT_NAMES = ("table", "csv", "tsv", "json", "xml")
EXPORT_FORMAT_NAMES = ("turtle", "nt", "nquads", "trig", "jsonld", "xml")


class AkgGroup(click.Group):
    """A click group that reports alliance-kg errors as ``Error: ...`` with exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        from alliance_kg.loaders.offline import offline
        from alliance_kg.queries.lifetime import exit_on_sigterm

        try:
            # Every command runs offline: only a remote store named by --store is reached.
            with offline(), exit_on_sigterm():
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
    ctx.obj = KnowledgeGraph(store_path)


def _from_file(dest: str, what: str) -> Any:
    """The ``-f FILE`` option of a command that also takes its text as an argument or stdin."""
    return click.option(
        "-f", "--file", dest, type=click.Path(path_type=Path), help=f"Read the {what} from a file."
    )


def _bounded(timeout_help: str, limit_help: str) -> Any:
    """The options bounding each query: --timeout, --limit and --max-memory."""
    options = [
        click.option("--timeout", type=float, default=30.0, show_default=True, help=timeout_help),
        click.option("--limit", type=int, default=10_000, show_default=True, help=limit_help),
        click.option(
            "--max-memory", type=int, default=2048, show_default=True, help="Megabytes per query."
        ),
    ]
    return lambda command: options[0](options[1](options[2](command)))


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
@click.option(
    "--lexicon",
    "lexicons",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE.toml",
    help="A lexicon file of your own that extends the words extraction knows (repeatable; "
    "AKG_LEXICON also names such files).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Extract documents in this many processes (default: the machine's cores, for builds "
    "of at least 50 documents a process; 1: no worker processes). The graph is the same "
    "whatever the number.",
)
@click.pass_obj
def build(
    kg: KnowledgeGraph, paths: tuple[Path, ...], lexicons: tuple[Path, ...], jobs: int | None
) -> None:
    """Load documents (files or folders; default: the bundled sample corpus) into the store."""
    from alliance_kg.graph.stats import format_stats

    with _Progress("Extracting") as progress:
        result = kg.build(paths, progress=progress, lexicon=lexicons, jobs=jobs)
    click.echo(
        f"Loaded {result.documents} document(s): {result.commitments} commitments, "
        f"{result.meetings} meeting(s), {result.triples} triples written."
    )
    _warn_conflicts(result.links.new_conflicts)
    click.echo(format_stats(kg.stats()))


@main.command("load-shards")
@click.argument("shards", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_obj
def load_shards(kg: KnowledgeGraph, shards: tuple[Path, ...]) -> None:
    """Load N-Quads shards of documents extracted elsewhere (files, or folders of *.nq; see
    docs/dask.md), then rerun the corpus-level stage."""
    result = kg.load_shards(shards)
    click.echo(
        f"Loaded {result.documents} document(s): {result.commitments} commitments, "
        f"{result.meetings} meeting(s), {result.triples} triples written."
    )
    _warn_conflicts(result.links.new_conflicts)


class _Progress:
    """A progress bar on standard error, sized by the first report of the total."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(
                length=total, label=self.label, file=sys.stderr, show_pos=True
            ).__enter__()
        self.bar.update(1)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _warn_conflicts(conflicts: Any) -> None:
    for c in conflicts:
        click.echo(
            f"Warning: {c.file} states {c.field} {c.stated}; it reports {c.meeting} "
            f"({c.field} {c.resolved}). See akg query -n conflicts.",
            err=True,
        )


@main.command()
@click.argument("query", required=False)
@_from_file("query_file", "query")
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
@_bounded("Stop the query after this many seconds.", "Refuse results of more rows (or triples).")
@click.pass_obj
def query(
    kg: KnowledgeGraph,
    query: str | None,
    query_file: Path | None,
    name: str | None,
    params: tuple[str, ...],
    fmt: str,
    timeout: float,
    limit: int,
    max_memory: int,
) -> None:
    """Run a read-only SPARQL query (argument, -f FILE, stdin, or -n NAME from the cookbook)
    over all documents. Updates, SERVICE and FROM other than the store's graphs are refused."""
    from alliance_kg.queries.bounded import Bounds

    bounds = Bounds(timeout, limit, max_memory)
    if name is not None:
        if query is not None or query_file is not None:
            raise click.UsageError("give a cookbook name (-n) or a query, not both")
        output = kg.cookbook_text(name, dict(_pair(p) for p in params), fmt, bounds).text
    else:
        if params:
            raise click.UsageError("--param goes with a cookbook query (-n NAME)")
        output = kg.query_text(_text(query, query_file, "query"), fmt, bounds)
    click.echo(output, nl=False)


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
@click.pass_obj
def timeline(
    kg: KnowledgeGraph, entity: str | None, as_of: str | None, fmt: str, timeout: float
) -> None:
    """Commitments in the order of their meetings (or those about ENTITY and the entities under
    it), with parties, deadline and its status, and the lineage each belongs to."""
    click.echo(kg.timeline_text(entity, as_of=as_of, fmt=fmt, timeout=timeout), nl=False)


@main.command()
def queries() -> None:
    """List the cookbook queries, their parameters and what they answer."""
    from alliance_kg.queries.cookbook import cookbook, describe

    click.echo(describe(cookbook()), nl=False)


@main.command()
@click.argument("update", required=False)
@_from_file("update_file", "update")
@click.pass_obj
def update(kg: KnowledgeGraph, update: str | None, update_file: Path | None) -> None:
    """Change the graph with a SPARQL Update (argument, -f FILE or stdin), in one transaction.

    Write into the documents' named graphs (GRAPH <...>): the default graph is always the union
    of the named graphs and is rebuilt after the update.
    """
    result = kg.update(_text(update, update_file, "update"))
    click.echo(f"Updated: the store holds {result.quads} quads in named graphs.")
    _warn_conflicts(result.links.new_conflicts)


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
@click.pass_obj
def export(kg: KnowledgeGraph, fmt: str, output: Path | None) -> None:
    """Export the whole graph (Turtle to standard output by default)."""
    if output is None:
        kg.write_export(fmt, sys.stdout.buffer)
        sys.stdout.flush()
    else:
        kg.export(fmt, output)
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
@click.pass_obj
def render(
    kg: KnowledgeGraph,
    output: Path,
    title: str,
    meeting: str | None,
    entity: str | None,
    depth: int,
    query_file: Path | None,
) -> None:
    """Write an interactive HTML page of the graph (or part of it) that works offline."""
    from alliance_kg.graph.render import WARN_FROM, Selection
    from alliance_kg.queries import load_query_file

    construct = load_query_file(query_file) if query_file is not None else None
    selection = Selection(meeting, entity, depth, construct, str(query_file))
    page = kg.render(output, title=title, selection=selection)
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
@_bounded("Seconds per query.", "Rows per result.")
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=2,
    show_default=True,
    help="Query processes (each holds the store open; queries beyond them wait).",
)
@click.option("--allow-host", multiple=True, metavar="NAME", help="Also answer to this Host name.")
@click.pass_obj
def serve(kg: KnowledgeGraph, allow_host: tuple[str, ...], **options: Any) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint (/sparql) and its page (/). Requests
    naming another host than an IP address, localhost, --host or --allow-host are refused (DNS
    rebinding); a connection silent for --timeout seconds is closed."""
    from alliance_kg.queries.bounded import Bounds
    from alliance_kg.queries.server import Access

    bounds = Bounds(options["timeout"], options["limit"], options["max_memory"])
    access = Access(allow_host, idle_timeout=options["timeout"])
    kg.serve(options["host"], options["port"], bounds, options["workers"], access)


@main.command()
@click.pass_obj
def stats(kg: KnowledgeGraph) -> None:
    """Count documents, meetings, commitments, entities by type and triples."""
    from alliance_kg.graph.stats import format_stats

    click.echo(format_stats(kg.stats()))


@main.command()
@click.argument("gold_dir", type=click.Path(path_type=Path))
@click.option("--per-document", is_flag=True, help="Also score each document on its own.")
@click.option(
    "--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True
)
@click.pass_obj
def evaluate(kg: KnowledgeGraph, gold_dir: Path, per_document: bool, fmt: str) -> None:
    """Score the built graph against gold annotation files (*.gold.json) in GOLD_DIR."""
    from alliance_kg.evaluate import format_report

    click.echo(format_report(kg.evaluate(gold_dir), fmt, per_document=per_document))


if __name__ == "__main__":  # pragma: no cover
    main()
