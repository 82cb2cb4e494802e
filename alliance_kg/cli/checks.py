"""``akg validate``: the graph checked against its contract, the ontology's SHACL shapes."""

from __future__ import annotations

import sys

import click

from alliance_kg.api import KnowledgeGraph
from alliance_kg.cli.echo import say


@click.command()
@click.pass_obj
def validate(kg: KnowledgeGraph) -> None:
    """Check the graph against its contract (SHACL shapes); exit status 1 on a violation."""
    result = kg.validate()
    say(result.report())
    sys.exit(0 if result.conforms else 1)
