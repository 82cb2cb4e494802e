"""``akg analyze``: measures of the entity network (networkx), printed as a table, CSV or JSON."""

from __future__ import annotations

import click

from alliance_kg.api import KnowledgeGraph
from alliance_kg.cli.echo import say

_ASIDE = click.option(
    "--set-aside-parties",
    is_flag=True,
    help="Leave the States that met out of their own meeting's commitments (they are party "
    "to nearly all of them and would sit between everything).",
)
_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "csv", "json")),
    default="table",
    show_default=True,
)


@click.group()
def analyze() -> None:
    """Network analysis of the entities that commitments name together (parties and what they
    commit on): centrality, communities, the path between two entities."""


@analyze.command()
@_ASIDE
@click.option("--top", type=click.IntRange(min=1), help="Show only the first N entities.")
@_FORMAT
@click.pass_obj
def centrality(kg: KnowledgeGraph, set_aside_parties: bool, top: int | None, fmt: str) -> None:
    """Each entity's commitments, degree and betweenness centrality (0 to 1) and community,
    the most between first."""
    text = kg.analyze_text("centrality", fmt, set_aside_parties=set_aside_parties, top=top)
    say(text, nl=False, raw=fmt != "table")


@analyze.command()
@_ASIDE
@_FORMAT
@click.pass_obj
def communities(kg: KnowledgeGraph, set_aside_parties: bool, fmt: str) -> None:
    """Groups of entities more often named together than with the rest (greedy modularity),
    largest first, members by how many commitments name them."""
    text = kg.analyze_text("communities", fmt, set_aside_parties=set_aside_parties)
    say(text, nl=False, raw=fmt != "table")


@analyze.command()
@click.argument("start")
@click.argument("end")
@_ASIDE
@_FORMAT
@click.pass_obj
def path(kg: KnowledgeGraph, start: str, end: str, set_aside_parties: bool, fmt: str) -> None:
    """The shortest chain of commitments from START to END (entity labels), each step with a
    commitment that names both entities."""
    text = kg.analyze_text("path", fmt, set_aside_parties=set_aside_parties, between=(start, end))
    say(text, nl=False, raw=fmt != "table")
