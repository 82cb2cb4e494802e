"""Every write path leaves the store flushed: its files without the write-ahead log already hold
everything written, so a reader opening it next has no log to replay."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg

from alliance_kg.graph.shards import write_shard
from alliance_kg.loaders.readers import collect_paths, sample_corpus_dir


def without_log(store: Path, copy: Path) -> Path:
    """A copy of the store folder without its write-ahead log files."""
    copy.mkdir()
    for file in store.iterdir():
        if file.suffix != ".log":
            shutil.copy(file, copy / file.name)
    return copy


def quads(store: Path) -> set[ox.Quad]:
    return set(ox.Store.read_only(str(store)))


def build(store: Path) -> None:
    result = akg(store, "build")
    assert result.exit_code == 0, result.output


def update(store: Path) -> None:
    build(store)
    result = akg(
        store,
        "update",
        'INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> "written" } }',
    )
    assert result.exit_code == 0, result.output


def load_shards(store: Path) -> None:
    shard = store.parent / "all.nq"
    write_shard(collect_paths([sample_corpus_dir()]), shard)
    result = akg(store, "load-shards", str(shard))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("write", [build, update, load_shards])
def test_a_write_leaves_nothing_in_the_log(tmp_path: Path, write: object) -> None:
    store = tmp_path / "store"
    write(store)  # type: ignore[operator]
    written = quads(store)
    assert len(written) > 5000
    assert quads(without_log(store, tmp_path / "copy")) == written
