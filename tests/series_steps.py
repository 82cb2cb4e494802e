"""The statements of ``tests/data/series`` copied into two folders, for a store built in two
steps."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from clirunner import akg

SERIES = Path(__file__).parent / "data" / "series"


def split_series(tmp_path: Path, later: Callable[[int, Path], bool]) -> tuple[Path, Path]:
    """Folders ``first`` and ``later`` under ``tmp_path``: each statement (with its sidecar)
    in ``later`` when ``later(k, path)`` holds for it (``k``: its place in the sorted files)."""
    first, second = tmp_path / "first", tmp_path / "later"
    for folder in (first, second):
        folder.mkdir()
    for k, text in enumerate(sorted(SERIES.glob("*.txt"))):
        folder = second if later(k, text) else first
        shutil.copy(text, folder)
        shutil.copy(text.with_suffix(".meta.json"), folder)
    assert any(first.iterdir()) and any(second.iterdir())
    return first, second


def built_before_2021(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A store under ``tmp_path`` built from the series' statements but those of 2021, and the
    folders of those (``first``) and of the 2021 ones (``later``)."""
    first, later = split_series(tmp_path, lambda _, text: text.name.startswith("ausmin-2021"))
    store = tmp_path / "store"
    assert akg(store, "build", "--jobs", "1", str(first)).exit_code == 0
    return store, first, later


def exported(store: Path) -> str:
    """The store's N-Quads, as `akg export -f nquads` prints them."""
    result = akg(store, "export", "-f", "nquads")
    assert result.exit_code == 0, result.output
    return result.output
