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
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the on-disk graph store (or set AKG_STORE).",
)
@click.version_option(package_name="alliance-kg")
@click.pass_context
def main(ctx: click.Context, store_path: Path) -> None:
    """alliance-kg: alliance and defence statements as an RDF knowledge graph."""
    ctx.obj = {"store": store_path}


def _store(ctx: click.Context, *, read_only: bool = False) -> Any:
    from alliance_kg.graph.store import open_store

    return open_store(ctx.obj["store"], read_only=read_only)


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
    click.echo(format_stats(graph_stats(store)))


@main.command()
@click.argument("query", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.Path(path_type=Path),
    help="Read the query from a file.",
)
@click.option(
    "--format", "fmt", type=click.Choice(RESULT_FORMAT_NAMES), default="table", show_default=True
)
@click.pass_context
def query(ctx: click.Context, query: str | None, query_file: Path | None, fmt: str) -> None:
    """Run a SPARQL query (argument, -f FILE, or standard input) over all documents."""
    from alliance_kg.queries import format_results, load_query_file, run_query

    if query is not None and query_file is not None:
        raise click.UsageError("give the query as an argument or with -f, not both")
    if query_file is not None:
        text = load_query_file(query_file)
    elif query is not None:
        text = query
    elif not sys.stdin.isatty():
        text = sys.stdin.read()
    else:
        raise click.UsageError("no query: pass one as an argument, with -f FILE, or on stdin")
    result = run_query(_store(ctx, read_only=True), text)
    click.echo(format_results(result, fmt), nl=False)


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

    construct = load_query_file(query_file) if query_file is not None else None
    selection = Selection(meeting, entity, depth, construct, str(query_file))
    page = write_html(_store(ctx, read_only=True), output, title=title, selection=selection)
    click.echo(f"Wrote {output} ({page.nodes} nodes, {page.edges} edges)")
    if page.nodes >= WARN_FROM:
        click.echo(
            f"Warning: {page.nodes} nodes is a lot to read on one page. Draw a part with "
            "--meeting DATE, --entity LABEL --depth N or --query FILE.rq.",
            err=True,
        )


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
    from alliance_kg.evaluate import evaluate as run_evaluation
    from alliance_kg.evaluate import format_report, load_gold

    report = run_evaluation(_store(ctx, read_only=True), load_gold(gold_dir))
    click.echo(format_report(report, fmt, per_document=per_document))


if __name__ == "__main__":  # pragma: no cover
    main()
