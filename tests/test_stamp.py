"""The union stamp (graph/stamp.py): a store only akg wrote exports its triple formats from the
default graph, the same bytes as from the named graphs; a store any other program opened for
writing, a write killed part way or failed, are exported correctly all the same."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg
from kills import killed_builds

import alliance_kg
from alliance_kg.errors import InputError
from alliance_kg.graph.export import EXPORT_FORMATS, export_graph
from alliance_kg.graph.load import extract_paths, write_extractions
from alliance_kg.graph.stamp import STAMP_FILE, open_writer, union_stamped
from alliance_kg.loaders.model import Extraction

DATA = Path(__file__).parent / "data"
TRIPLE_FORMATS = [name for name, spec in EXPORT_FORMATS.items() if not spec.named_graphs]
#: A triple of no document: in the default graph alone, an export must leave it out.
STRAY = ox.Quad(
    ox.NamedNode("https://w3id.org/alliance-kg/id/document/stray"),
    ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
    ox.Literal("no document states this"),
    ox.DefaultGraph(),
)


def exports(folder: Path) -> dict[str, tuple[bytes, bytes]]:
    """Each triple format exported as ``akg export`` does (the folder given, so the stamp is
    read) and from the named graphs alone (no folder), the store opened read-only first."""
    store = ox.Store.read_only(str(folder))
    return {f: (export_graph(store, f, folder), export_graph(store, f)) for f in TRIPLE_FORMATS}


def test_a_built_store_is_stamped_and_exports_the_same_bytes(corpus_store: Path) -> None:
    assert union_stamped(corpus_store)
    for fmt, (stamped, named) in exports(corpus_store).items():
        assert stamped == named, fmt
        assert stamped.count(b"\n") > 2000


@pytest.mark.parametrize("run_bytes", [1500, 10**6])
def test_the_default_graph_sorted_on_disk_gives_the_same_bytes(
    corpus_store: Path, run_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Runs of a few lines spilled to temporary files and merged (1,500 bytes), one run alone.
    monkeypatch.setattr("alliance_kg.graph.export.RUN_BYTES", run_bytes)
    for fmt, (stamped, named) in exports(corpus_store).items():
        assert stamped == named, fmt


def test_the_stamp_lets_the_default_graph_be_read(tmp_path: Path) -> None:
    # What shows the default graph is the one read: a triple only there, written through the
    # store akg opened for writing (its stamp names that opening), is in the export. No akg
    # write does this; it only tells the two ways of reading apart.
    folder = tmp_path / "store"
    assert akg(folder, "build", str(DATA / "series")).exit_code == 0
    store = open_writer(folder)
    store.add(STRAY)
    del store
    assert union_stamped(folder)
    for fmt, (stamped, named) in exports(folder).items():
        assert b"no document states this" in stamped, fmt
        assert b"no document states this" not in named, fmt


def test_a_direct_write_is_seen_and_left_out(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    assert akg(folder, "build", str(DATA / "series")).exit_code == 0
    before = exports(folder)
    store = ox.Store(str(folder))  # another program's write: a new MANIFEST, the stamp stale
    store.add(STRAY)
    del store
    assert not union_stamped(folder)
    assert exports(folder) == before
    for fmt in TRIPLE_FORMATS:
        result = akg(folder, "export", "-f", fmt)
        assert result.exit_code == 0
        assert result.stdout_bytes == before[fmt][1]
    # A later akg build does not vouch for what that program wrote: the stamp stays stale.
    assert akg(folder, "build", str(DATA / "unseen")).exit_code == 0
    assert not union_stamped(folder)
    assert all(b"no document states this" not in s for s, _ in exports(folder).values())


def test_an_update_rebuilds_the_union_and_stamps_again(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    assert akg(folder, "build", str(DATA / "series")).exit_code == 0
    store = ox.Store(str(folder))
    store.add(STRAY)
    del store
    assert not union_stamped(folder)
    alliance_kg.open(folder).update("INSERT DATA { }")
    assert union_stamped(folder)
    for fmt, (stamped, named) in exports(folder).items():
        assert stamped == named, fmt
        assert b"no document states this" not in stamped


def test_a_stamp_left_from_a_store_made_anew_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    assert akg(folder, "build", str(DATA / "series")).exit_code == 0
    stamp, current = (folder / STAMP_FILE).read_bytes(), (folder / "CURRENT").read_text()
    shutil.rmtree(folder)
    store = ox.Store(str(folder))  # another program makes a store there; the stamp is put back
    store.add(STRAY)
    del store
    (folder / STAMP_FILE).write_bytes(stamp)
    assert (folder / "CURRENT").read_text() == current  # the same MANIFEST name
    assert not union_stamped(folder)


def _failing(extractions: list[Extraction]) -> Iterator[Extraction]:
    yield from extractions
    raise InputError("bad.md: cannot read")


def test_a_failed_build_leaves_a_store_that_exports_correctly(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    extractions = extract_paths([DATA / "series"])
    with pytest.raises(InputError, match="Before this failure 10 document"):
        write_extractions(lambda: open_writer(folder), _failing(extractions), batch_triples=500)
    assert union_stamped(folder)
    for fmt, (stamped, named) in exports(folder).items():
        assert stamped == named, fmt


#: ``akg build``'s write path (``open_writer``, ``write_extractions``) with small batches, so
#: that a kill can fall between batches: arguments STORE DOCUMENT_FOLDER...
BUILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from alliance_kg.graph.load import iter_extractions, write_extractions
    from alliance_kg.graph.stamp import open_writer
    from alliance_kg.loaders.readers import collect_paths
    files = collect_paths([Path(p) for p in sys.argv[2:]])
    extractions = iter_extractions(files, jobs=1)
    write_extractions(lambda: open_writer(sys.argv[1]), extractions, batch_triples=1000)
    """
)


def test_a_killed_build_leaves_a_store_that_exports_correctly(tmp_path: Path) -> None:
    corpus = [str(DATA / "series"), str(DATA / "unseen")]
    builds = killed_builds(BUILD, tmp_path, corpus, seeds=3, span=(0.5, 0.9), after=STAMP_FILE)
    next(builds)  # the build that was not killed
    checked = 0
    for folder in builds:
        try:
            ox.Store.read_only(str(folder))
        except RuntimeError:
            # Killed while RocksDB was still making the store (its column families, its version
            # key): a read-only open refuses it, the next writer finishes making it, and no
            # batch had been written.
            finished = ox.Store(str(folder))
            assert list(finished.named_graphs()) == [], "a store with graphs refused a reader"
            del finished
        checked += union_stamped(folder)
        for fmt, (stamped, named) in exports(folder).items():
            assert stamped == named, fmt
    assert checked, "no kill fell after the store was stamped"
