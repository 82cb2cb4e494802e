"""The statements of ``tests/data/series`` copied into two folders, for a store built in two
steps."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

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
