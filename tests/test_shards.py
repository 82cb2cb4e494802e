"""Shards of document graphs extracted elsewhere (docs/dask.md): the Dask example pipeline and
``load_shards`` give the store a build gives, byte for byte."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest
from clirunner import akg

import alliance_kg
from alliance_kg.errors import InputError
from alliance_kg.graph.shards import write_shard
from alliance_kg.loaders.readers import collect_paths, sample_corpus_dir

EXAMPLE = Path(__file__).resolve().parents[1] / "benchmarks" / "dask_extract.py"


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dask_extract", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _export(store: Path) -> bytes:
    result = akg(store, "export", "-f", "nquads")
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_the_dask_pipeline_gives_the_store_of_a_build(tmp_path: Path, corpus_store: Path) -> None:
    files = collect_paths([sample_corpus_dir()])
    shards = _example().write_shards(files, tmp_path / "shards", 3, scheduler="synchronous")
    assert [s.name for s in shards] == ["shard-00000.nq", "shard-00001.nq", "shard-00002.nq"]
    store = tmp_path / "store"
    loaded = akg(store, "load-shards", str(tmp_path / "shards"))
    assert loaded.exit_code == 0, loaded.output
    assert "Loaded 5 document(s): 106 commitments" in loaded.output
    assert _export(store) == _export(corpus_store)


def test_bad_shards_change_nothing(tmp_path: Path) -> None:
    files = collect_paths([sample_corpus_dir()])
    write_shard(files[:2], tmp_path / "a.nq")
    write_shard(files[1:3], tmp_path / "b.nq")
    (tmp_path / "c.nq").write_text("not n-quads\n")
    kg = alliance_kg.open(tmp_path / "store")
    kg.build(jobs=1)
    before = kg.export("nquads")
    with pytest.raises(InputError, match=r"b\.nq: document graph <.*> is also in .*a\.nq"):
        kg.load_shards([tmp_path / "a.nq", tmp_path / "b.nq"])
    with pytest.raises(InputError, match=r"c\.nq: not a valid N-Quads shard"):
        kg.load_shards([tmp_path / "a.nq", tmp_path / "c.nq"])
    assert kg.export("nquads") == before
    with pytest.raises(InputError, match="no shards to load"):
        alliance_kg.open(tmp_path / "none").load_shards([])
    assert not (tmp_path / "none").exists()


def test_a_bad_document_writes_no_shard(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(sample_corpus_dir(), corpus)
    (corpus / "bad.txt").write_bytes(b"\x00\xff")
    with pytest.raises(InputError, match=r"bad\.txt"):
        write_shard(collect_paths([corpus]), tmp_path / "s.nq")
    assert list(tmp_path.glob("s.nq*")) == []
