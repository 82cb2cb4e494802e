"""``akg validate``: the graph checked against its contract, the ontology's SHACL shapes;
``akg stats``: its counts; ``akg evaluate``: its extraction scored against gold annotations."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from alliance_kg.api import KnowledgeGraph
from alliance_kg.cli.echo import say

# graph.validate.ENGINES, written out: importing it would load rdflib at start-up.
ENGINES = ("sparql", "pyshacl")


@click.command()
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=ENGINES[0],
    show_default=True,
    help="sparql: each rule is a query the store runs; pyshacl: pySHACL over a copy in memory.",
)
@click.pass_obj
def validate(kg: KnowledgeGraph, engine: str) -> None:
    """Check the graph against its contract (SHACL shapes); exit status 1 on a violation."""
    result = kg.validate(engine=engine)
    say(result.report())
    sys.exit(0 if result.conforms else 1)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "void")),
    default="text",
    show_default=True,
    help="void: the counts as a VoID description of the dataset (Turtle).",
)
@click.pass_obj
def stats(kg: KnowledgeGraph, fmt: str) -> None:
    """Count documents, meetings, commitments, entities by type and triples."""
    from alliance_kg.graph.stats import format_stats

    if fmt == "text":
        say(format_stats(kg.stats()))
    else:
        say(kg.void(), nl=False, raw=True)


@click.command()
@click.argument("gold_dir", type=click.Path(path_type=Path))
@click.option("--per-document", is_flag=True, help="Also score each document on its own.")
@click.option(
    "--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True
)
@click.pass_obj
def evaluate(kg: KnowledgeGraph, gold_dir: Path, per_document: bool, fmt: str) -> None:
    """Score the built graph against gold annotation files (*.gold.json) in GOLD_DIR."""
    from alliance_kg.evaluate import format_report

    report = format_report(kg.evaluate(gold_dir), fmt, per_document=per_document)
    say(report, raw=fmt != "table")
