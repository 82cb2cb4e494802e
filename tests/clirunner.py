"""The one way tests run the ``akg`` command line: in process, with click's runner."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from alliance_kg.cli import main


def akg(
    store: str | Path, *args: str, input: str | None = None, env: Mapping[str, str] | None = None
) -> Result:
    """Run ``akg --store STORE ARGS...`` and return click's result (output, exit code)."""
    return CliRunner().invoke(main, ["--store", str(store), *args], input=input, env=env)


def akg_args(*args: str, input: str | None = None) -> Result:
    """Run ``akg ARGS...`` exactly as given (no ``--store`` put first)."""
    return CliRunner().invoke(main, list(args), input=input)
