"""``akg validate``: the graph checked against its contract, the ontology's SHACL shapes."""

from __future__ import annotations

import sys

import click

from alliance_kg.api import KnowledgeGraph


@click.command()
@click.pass_obj
def validate(kg: KnowledgeGraph) -> None:
    """Check the graph against its contract (SHACL shapes); exit status 1 on a violation."""
    result = kg.validate()
    click.echo(result.report())
    sys.exit(0 if result.conforms else 1)
