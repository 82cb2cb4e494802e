"""``akg export``, ``akg render`` and ``akg ontology``: the commands that write a file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from alliance_kg.api import KnowledgeGraph
from alliance_kg.cli.echo import say
from alliance_kg.cli.inputs import read_query
from alliance_kg.errors import writing

# Kept in step with alliance_kg.graph.formats.ALL_FORMATS; listed here so that `akg --help` does
# not import pyoxigraph-backed modules.
EXPORT_FORMAT_NAMES = ("turtle", "nt", "nquads", "trig", "jsonld", "xml", "graphml", "gexf")


@click.command()
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMAT_NAMES),
    help="The format (default: from the -o file's extension, else turtle).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file."
)
@click.pass_obj
def export(kg: KnowledgeGraph, fmt: str | None, output: Path | None) -> None:
    """Export the whole graph (Turtle to standard output by default), or the entity network
    (graphml, gexf) for Gephi or Cytoscape. With -o the extension names the format (.ttl .nt
    .nq .trig .jsonld .rdf .graphml .gexf)."""
    if output is None:
        with writing("standard output"):
            kg.write_export(fmt or "turtle", sys.stdout.buffer)
            sys.stdout.flush()
    else:
        kg.export(fmt, output)
        say(f"Wrote {output}", err=True)


@click.command()
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
    help="A SPARQL CONSTRUCT file whose result is drawn (-: standard input).",
)
@click.option(
    "--measures",
    is_flag=True,
    help="Size entities by betweenness and colour them by community (akg analyze, with the "
    "States that met set aside).",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=20_000,
    show_default=True,
    help="Refuse a page of more nodes (too large for a browser to show).",
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
    measures: bool,
    max_nodes: int,
) -> None:
    """Write an interactive HTML page of the graph (or part of it) that works offline."""
    from alliance_kg.graph.render import WARN_FROM, Selection

    construct = read_query(query_file) if query_file is not None else None
    selection = Selection(meeting, entity, depth, construct, str(query_file))
    page = kg.render(
        output, title=title, selection=selection, measures=measures, max_nodes=max_nodes
    )
    say(f"Wrote {output} ({page.nodes} nodes, {page.edges} edges)")
    if page.nodes >= WARN_FROM:
        say(
            f"Warning: {page.nodes} nodes is a lot to read on one page. Draw a part with "
            "--meeting DATE, --entity LABEL --depth N or --query FILE.rq.",
            err=True,
        )


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("html", "turtle")),
    default="html",
    show_default=True,
    help="The documentation page, or the ontology itself.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file."
)
def ontology(fmt: str, output: Path | None) -> None:
    """The ontology's documentation page (classes, properties, concepts), or its Turtle."""
    from alliance_kg.ontology import ontology_path
    from alliance_kg.ontology.page import ontology_html

    data = ontology_html() if fmt == "html" else Path(ontology_path()).read_text(encoding="utf-8")
    if output is None:
        say(data, nl=False, raw=True)
    else:
        from alliance_kg.graph.files import write_atomic

        write_atomic(output, data.encode("utf-8"), what=f"the ontology ({fmt})")
        say(f"Wrote {output}", err=True)
