"""New graphs are written by Oxigraph's bulk loader, whole or not at all; a text too long for one
step goes through a transaction with the same result; a large build compacts the store."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import alliance_kg.graph.store as store_module
import alliance_kg.graph.storefiles as storefiles_module
from alliance_kg.errors import StoreError
from alliance_kg.graph.export import export_graph
from alliance_kg.graph.load import iter_extractions, write_extractions
from alliance_kg.graph.store import open_store, replace_graph_lines
from alliance_kg.loaders.readers import sample_corpus_dir

GRAPH = "https://w3id.org/alliance-kg/id/document/bulk"


def build(folder: Path, batch_triples: int | None = None) -> store_module.ox.Store:
    store = open_store(folder)
    write_extractions(store, iter_extractions([sample_corpus_dir()]), batch_triples)
    return store


def test_a_text_past_the_bulk_limit_is_written_in_a_transaction_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bulk = build(tmp_path / "bulk")
    monkeypatch.setattr(store_module, "BULK_QUADS", 0)
    transaction = build(tmp_path / "transaction")
    assert export_graph(transaction, "nquads") == export_graph(bulk, "nquads")
    assert set(transaction) == set(bulk)  # every quad, the default graph's included


@pytest.mark.parametrize("bulk_quads", [500_000, 0])
def test_new_graphs_that_fail_part_way_write_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk_quads: int
) -> None:
    monkeypatch.setattr(store_module, "BULK_QUADS", bulk_quads)
    store = build(tmp_path / "store")
    before = set(store)
    good = [f'<http://example.org/s{i}> <http://example.org/p> "{i}" .' for i in range(2000)]
    with pytest.raises(StoreError, match="nothing was written"):
        replace_graph_lines(store, {GRAPH: [*good, "<http://example.org/s> oops ."]})
    assert set(store) == before


def compacted(store: store_module.ox.Store, folder: Path) -> bool:
    """Whether the store was left compacted: a compaction now finds no table file to merge."""
    before = sorted(path.name for path in folder.glob("*.sst"))
    store.optimize()
    return sorted(path.name for path in folder.glob("*.sst")) == before


@contextmanager
def compactions() -> Iterator[list[object]]:
    """The stores whose ``optimize`` (the real one: the profiler sees it called) runs meanwhile.
    Whether a store left alone looks compacted depends on when RocksDB merged its files in the
    background (it did, under load, before a test's look); whether akg asked for it does not."""
    stores: list[object] = []

    def seen(frame: object, event: str, arg: object) -> None:
        if event == "c_call" and getattr(arg, "__name__", "") == "optimize":
            stores.append(getattr(arg, "__self__", None))

    sys.setprofile(seen)
    threading.setprofile(seen)
    try:
        yield stores
    finally:
        sys.setprofile(None)
        threading.setprofile(None)


def test_a_large_build_compacts_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Small batches: one set of table files added per batch, which compaction merges.
    with compactions() as below:
        left = build(tmp_path / "left", batch_triples=100)
    monkeypatch.setattr(storefiles_module, "COMPACT_TRIPLES", 1)
    with compactions() as past:
        done = build(tmp_path / "compacted", batch_triples=100)
    assert export_graph(done, "nquads") == export_graph(left, "nquads")
    assert below == []
    assert len(past) == 1 and past[0] is done
    assert compacted(done, tmp_path / "compacted")


def test_shards_loaded_past_the_limit_are_compacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alliance_kg.graph.shards import load_shards, write_shard

    shards = tmp_path / "shards"
    shards.mkdir()
    # One shard a statement: one set of table files each.
    data = Path(__file__).parent / "data"
    files = [*sample_corpus_dir().glob("0*.txt"), *(data / "series").glob("*.txt")]
    for k, path in enumerate(sorted(files)):
        write_shard([path], shards / f"part-{k}.nq")
    left = open_store(tmp_path / "left")
    with compactions() as below:
        load_shards(left, [shards])
    monkeypatch.setattr(storefiles_module, "COMPACT_TRIPLES", 1)
    done = open_store(tmp_path / "compacted")
    with compactions() as past:
        load_shards(done, [shards])
    assert export_graph(done, "nquads") == export_graph(left, "nquads")
    assert below == []
    assert len(past) == 1 and past[0] is done
    assert compacted(done, tmp_path / "compacted")
