"""What the commands read besides their options: query files, or standard input for ``-``."""

from __future__ import annotations

import sys
from pathlib import Path

import click


def read_query(path: Path) -> str:
    """The text of a query file, or of standard input for ``-``."""
    from alliance_kg.queries import load_query_file

    if str(path) == "-":
        text = sys.stdin.read()
        if not text.strip():
            raise click.UsageError("standard input is empty: no query was given")
        return text
    return load_query_file(path)
