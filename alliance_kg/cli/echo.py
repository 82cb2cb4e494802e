"""The one way the commands print: text for a person terminal-safe, machine formats as they
are, and a failed write (a full disk, a closed pipe) handled without a traceback."""

from __future__ import annotations

import click

from alliance_kg.errors import terminal_safe, writing


def say(text: str, *, err: bool = False, nl: bool = True, raw: bool = False) -> None:
    """Print ``text``: tables, reports and messages terminal-safe (control characters shown as
    ``\\xNN``), ``raw`` text (CSV, JSON, RDF, HTML) as it is."""
    with writing("standard error" if err else "standard output"):
        click.echo(text if raw else terminal_safe(text), err=err, nl=nl)
