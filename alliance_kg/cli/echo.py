"""The one way the commands print: text for a person terminal-safe, machine formats as they
are, and a failed write (a full disk, a closed pipe) handled without a traceback."""

from __future__ import annotations

from typing import Any

import click

from alliance_kg.errors import terminal_safe, writing


def say(text: str, *, err: bool = False, nl: bool = True, raw: bool = False) -> None:
    """Print ``text``: tables, reports and messages terminal-safe (control characters shown as
    ``\\xNN``), ``raw`` text (CSV, JSON, RDF, HTML) as it is."""
    with writing("standard error" if err else "standard output"):
        click.echo(text if raw else terminal_safe(text), err=err, nl=nl)


def loaded(result: Any) -> None:
    """What a load wrote (``LoadResult``), and a warning for each conflict it found."""
    say(
        f"Loaded {result.documents} document(s): {result.commitments} commitments, "
        f"{result.meetings} meeting(s), {result.triples} triples written."
    )
    if result.unchanged:
        say(
            f"{result.unchanged} document(s) unchanged since their graphs were written: not "
            "extracted again (--force extracts them)."
        )
    warn_conflicts(result.links.new_conflicts)


def warn_conflicts(conflicts: Any) -> None:
    """A warning on standard error for each conflict (``ConflictNote``) a load found."""
    for c in conflicts:
        say(
            f"Warning: {c.file} states {c.field} {c.stated}; it reports {c.meeting} "
            f"({c.field} {c.resolved}). See akg query -n conflicts.",
            err=True,
        )
