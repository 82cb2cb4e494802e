"""The ``akg`` command line: each command parses its options, calls one library function and
prints. Library errors (``AkgError``) become ``Error: ...`` and exit status 1 in one place."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from alliance_kg.api import BUILD_VALIDATES, DEFAULT_STORE, KnowledgeGraph
from alliance_kg.cli.analyze import analyze
from alliance_kg.cli.checks import evaluate, stats, validate
from alliance_kg.cli.echo import loaded, say, warn_conflicts
from alliance_kg.cli.inputs import read_query
from alliance_kg.cli.outputs import export, ontology, render
from alliance_kg.errors import AkgError, terminal_safe

# Kept in step with the registry in alliance_kg.queries; listed here so that `akg --help` does
# not import pyoxigraph-backed modules.
RESULT_FORMAT_NAMES = ("table", "csv", "tsv", "json", "xml", "turtle", "nt", "jsonld", "rdfxml")


class AkgGroup(click.Group):
    """A click group that reports alliance-kg errors as ``Error: ...`` with exit status 1."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _store_first(args))

    def invoke(self, ctx: click.Context) -> Any:
        from alliance_kg.loaders.offline import offline
        from alliance_kg.queries.lifetime import exit_on_sigterm

        try:
            # Every command runs offline: only a remote store named by --store is reached.
            with offline(), exit_on_sigterm():
                return super().invoke(ctx)
        except AkgError as exc:
            raise click.ClickException(terminal_safe(str(exc))) from exc


def _store_first(args: list[str]) -> list[str]:
    """The arguments with a ``--store`` (or ``--user``) given after the command name moved
    before it, where the group reads it (``akg query --store S ...`` as Jena's and Oxigraph's
    tools allow)."""
    front: list[str] = []
    rest: list[str] = []
    command_seen = False
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg in ("--store", "--user") and i + 1 < len(args):
            front += args[i : i + 2]
            i += 2
            continue
        if arg.startswith(("--store=", "--user=")):
            front.append(arg)
        elif command_seen or arg.startswith("-"):
            rest.append(arg)
        else:
            command_seen = True
            rest.append(arg)
        i += 1
    return front + rest


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
@click.option(
    "--user",
    envvar="AKG_SPARQL_USER",
    help="User to log in to a SPARQL server as, password from AKG_SPARQL_PASSWORD or "
    "~/.netrc (or set AKG_SPARQL_USER).",
)
@click.version_option(package_name="alliance-kg")
@click.pass_context
def main(ctx: click.Context, store_path: str, user: str | None) -> None:
    """alliance-kg: alliance and defence statements as an RDF knowledge graph."""
    ctx.obj = KnowledgeGraph(store_path, user=user)


def _from_file(dest: str, what: str) -> Any:
    """The ``-f FILE`` option of a command that also takes its text as an argument or stdin."""
    return click.option(
        "-f",
        "--file",
        dest,
        type=click.Path(path_type=Path),
        help=f"Read the {what} from a file (-: standard input).",
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
    if argument is not None and path is not None:
        raise click.UsageError(f"give the {what} as an argument or with -f, not both")
    if path is not None:
        return read_query(path)
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
    help="Extract documents, and link a large store's blocks, in this many processes (default: "
    "the machine's cores, for builds of at least 50 documents a process and stores of 20,000 "
    "commitments; 1: no worker processes). The graph is the same whatever the number.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Extract every document again, also those unchanged since their graphs were written.",
)
@click.pass_obj
def build(
    kg: KnowledgeGraph,
    paths: tuple[Path, ...],
    lexicons: tuple[Path, ...],
    jobs: int | None,
    force: bool,
) -> None:
    """Load documents (files or folders; default: the bundled sample corpus), then validate."""
    from alliance_kg.graph.stats import format_stats

    with _Progress("Extracting") as progress:
        result = kg.build(paths, progress=progress, lexicon=lexicons, jobs=jobs, force=force)
    loaded(result)
    say(format_stats(kg.stats()))
    say(kg.validate(max_triples=BUILD_VALIDATES).summary())


@main.command("load-shards")
@click.argument("shards", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_obj
def load_shards(kg: KnowledgeGraph, shards: tuple[Path, ...]) -> None:
    """Load N-Quads shards of documents extracted elsewhere (files, or folders of *.nq; see
    docs/dask.md), then rerun the corpus-level stage."""
    result = kg.load_shards(shards)
    loaded(result)


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
    "--format",
    "--results",
    "fmt",
    type=click.Choice(RESULT_FORMAT_NAMES),
    help="Rows: table (default), csv, tsv, json, xml; graphs (CONSTRUCT, DESCRIBE): table "
    "(Turtle), turtle, nt, jsonld, rdfxml. Default with -o: from the file's extension.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the result to this file (whole or not at all) instead of standard output.",
)
@_bounded("Stop the query after this many seconds.", "Refuse results of more rows (or triples).")
@click.pass_obj
def query(
    kg: KnowledgeGraph,
    query: str | None,
    query_file: Path | None,
    name: str | None,
    params: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    timeout: float,
    limit: int,
    max_memory: int,
) -> None:
    """Run a read-only SPARQL query (argument, -f FILE, stdin, or -n NAME from the cookbook)
    over all documents. Updates, SERVICE and FROM other than the store's graphs are refused."""
    from alliance_kg.queries import results_format_for
    from alliance_kg.queries.bounded import Bounds

    bounds = Bounds(timeout, limit, max_memory)
    fmt = results_format_for(output, fmt) if output is not None else fmt or "table"
    if name is not None:
        if query is not None or query_file is not None:
            raise click.UsageError("give a cookbook name (-n) or a query, not both")
        text = kg.cookbook_text(name, dict(_pair(p) for p in params), fmt, bounds).text
    else:
        if params:
            raise click.UsageError("--param goes with a cookbook query (-n NAME)")
        text = kg.query_text(_text(query, query_file, "query"), fmt, bounds)
    if output is None:
        say(text, nl=False, raw=fmt != "table")
    else:
        from alliance_kg.graph.files import write_atomic

        write_atomic(output, text.encode("utf-8"), what="the results")
        say(f"Wrote {output}", err=True)


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
@_bounded("Stop the query after this many seconds.", "Refuse results of more rows.")
@click.pass_obj
def timeline(
    kg: KnowledgeGraph,
    entity: str | None,
    as_of: str | None,
    fmt: str,
    timeout: float,
    limit: int,
    max_memory: int,
) -> None:
    """Commitments in the order of their meetings (or those about ENTITY and the entities under
    it), with parties, deadline and its status, and the lineage each belongs to."""
    from alliance_kg.queries.bounded import Bounds

    bounds = Bounds(timeout, limit, max_memory)
    say(kg.timeline_text(entity, as_of=as_of, fmt=fmt, bounds=bounds), nl=False, raw=fmt != "table")


@main.command()
def queries() -> None:
    """List the cookbook queries, their parameters and what they answer."""
    from alliance_kg.queries.cookbook import cookbook, describe

    say(describe(cookbook()), nl=False)


@main.command()
@click.argument("update", required=False)
@_from_file("update_file", "update")
@click.pass_obj
def update(kg: KnowledgeGraph, update: str | None, update_file: Path | None) -> None:
    """Change the graph with a SPARQL Update (argument, -f FILE or stdin), in one transaction.

    Write into the documents' named graphs (GRAPH <...>, GRAPH ?g): the default graph is always
    the union of the named graphs and is kept so after the update, so an update that writes it
    is refused.
    """
    result = kg.update(_text(update, update_file, "update"))
    say(f"Updated: the store holds {result.quads} quads in named graphs.")
    warn_conflicts(result.links.new_conflicts)


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
    help="Server processes (each holds the store open and answers its connections).",
)
@click.option("--cors", is_flag=True, help="Let web pages of any origin read the answers.")
@click.option("--allow-host", multiple=True, metavar="NAME", help="Also answer to this Host name.")
@click.pass_obj
def serve(kg: KnowledgeGraph, allow_host: tuple[str, ...], **options: Any) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint (/sparql), a query page (/query), the
    graph page (/) and the ontology (/ontology). Requests naming a host other than an IP
    address, localhost, --host or --allow-host are refused (DNS rebinding); a connection silent
    for --timeout seconds is closed."""
    from alliance_kg.queries.bounded import Bounds
    from alliance_kg.queries.server import Access

    bounds = Bounds(options["timeout"], options["limit"], options["max_memory"])
    access = Access(allow_host, idle_timeout=options["timeout"])
    kg.serve(options["host"], options["port"], bounds, options["workers"], options["cors"], access)


for command in (analyze, evaluate, export, ontology, render, stats, validate):
    main.add_command(command)

if __name__ == "__main__":  # pragma: no cover
    main()
