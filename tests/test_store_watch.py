"""StoreWatch: a reader's cheap look at whether the on-disk store was written since it opened
it (``akg serve``'s workers open it again then), against a real store written by Oxigraph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from alliance_kg.graph.storefiles import StoreWatch, open_read_only

EX = "http://example.org/"


def quad(n: int) -> ox.Quad:
    return ox.Quad(ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(f"{EX}p"), ox.Literal(n))


def test_a_watch_sees_each_kind_of_write_once(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    store = ox.Store(str(folder))
    store.add(quad(0))
    store.flush()
    watch = StoreWatch(folder)
    assert not watch.changed()
    store.add(quad(1))  # appended to the write-ahead log: no file added or removed
    assert watch.changed()
    assert not watch.changed()
    store.flush()  # a new table file
    assert watch.changed()
    assert not watch.changed()
    store.bulk_extend([quad(n) for n in range(2, 50)])  # tables ingested
    assert watch.changed()
    del store  # the writer closes (and stops compacting in the background)
    watch.changed()
    # Readers opening the store and reading it are no change: workers do not make each
    # other open it again.
    for _ in range(2):
        assert len(open_read_only(folder)) == 50
    assert not watch.changed()


def test_a_store_replaced_or_removed_is_a_change(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    ox.Store(str(folder)).add(quad(0))
    watch = StoreWatch(folder)
    folder.rename(tmp_path / "old")
    assert watch.changed()
    ox.Store(str(folder)).add(quad(1))
    assert watch.changed()
    assert not watch.changed()
