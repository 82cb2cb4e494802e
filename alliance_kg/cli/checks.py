"""``akg validate``: the graph checked against its contract, the ontology's SHACL shapes."""

from __future__ import annotations

import sys

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
