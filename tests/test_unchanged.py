"""A build extracts only the files that changed since their graphs were written (the file, its
sidecar, the lexicons in effect); the store it leaves is the one a build of every file leaves."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import Result
from clirunner import akg
from test_lexicon import UNIT_TEXT, _user_file
from test_store_writes import counted_stages

import alliance_kg
from alliance_kg.errors import InputError
from alliance_kg.graph import load
from alliance_kg.loaders.readers import sample_corpus_dir

SKIPPED = "{} document(s) unchanged since their graphs were written: not extracted again " + (
    "(--force extracts them)."
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(sample_corpus_dir(), folder)
    return folder


def loaded(result: Result) -> list[str]:
    """The lines of a build's output that say what it loaded and what it left as it was."""
    assert result.exit_code == 0, result.output
    return [
        line
        for line in result.output.splitlines()
        if line.startswith("Loaded ") or "unchanged since" in line
    ]


def exported(store: Path) -> str:
    result = akg(store, "export", "-f", "nquads")
    assert result.exit_code == 0, result.output
    return result.output


def assert_a_whole_build(store: Path, corpus: Path) -> None:
    """The store is the one a build of every file of ``corpus`` into a new store leaves."""
    whole = store.with_name(f"{store.name}-whole")
    shutil.rmtree(whole, ignore_errors=True)
    akg(whole, "build", str(corpus))
    assert exported(store) == exported(whole)


def test_a_build_again_extracts_nothing_and_changes_nothing(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    akg(store, "build", str(corpus))
    before = exported(store)
    assert loaded(akg(store, "build", str(corpus))) == [
        "Loaded 0 document(s): 0 commitments, 3 meeting(s), 0 triples written.",
        SKIPPED.format(5),
    ]
    assert exported(store) == before
    assert loaded(akg(store, "build", "--force", str(corpus))) == [
        "Loaded 5 document(s): 106 commitments, 3 meeting(s), 2393 triples written."
    ]
    assert exported(store) == before


def test_changed_and_new_files_are_extracted_and_the_store_is_a_whole_build(
    corpus: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    akg(store, "build", str(corpus))
    first = sorted(corpus.glob("*.txt"))[0]
    first.write_text(first.read_text() + "\nJapan reaffirmed its commitment to the Alliance.\n")
    (corpus / "new.txt").write_text(UNIT_TEXT)
    lines = loaded(akg(store, "build", str(corpus)))
    assert lines[0].startswith("Loaded 2 document(s): ")
    assert lines[1:] == [SKIPPED.format(4)]
    assert_a_whole_build(store, corpus)


def test_a_changed_sidecar_is_a_changed_document(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    akg(store, "build", str(corpus))
    sidecar = sorted(corpus.glob("*.meta.json"))[1]
    meta = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**meta, "title": "Another title"}))
    lines = loaded(akg(store, "build", str(corpus)))
    assert lines[0].startswith("Loaded 1 document(s): ")
    assert lines[1:] == [SKIPPED.format(4)]
    assert "Another title" in exported(store)


def test_another_lexicon_extracts_every_file_again(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(UNIT_TEXT)
    store = tmp_path / "store"
    akg(store, "build", str(corpus))
    query = "SELECT ?l WHERE { ?u a akg:Unit ; skos:prefLabel ?l }"
    assert akg(store, "query", "--format", "csv", query).output == "l\n"
    mine = _user_file(tmp_path)
    lines = loaded(akg(store, "build", "--lexicon", str(mine), str(corpus)))
    assert lines[0].startswith("Loaded 1 document(s): ") and lines[1:] == []
    assert akg(store, "query", "--format", "csv", query).output == (
        "l\nNorthern Rotational Detachment\n"
    )
    # The lexicon is part of the fingerprint: the same one again extracts nothing; none, all.
    assert loaded(akg(store, "build", "--lexicon", str(mine), str(corpus)))[1:] == [
        SKIPPED.format(1)
    ]
    assert loaded(akg(store, "build", str(corpus)))[0].startswith("Loaded 1 document(s): ")


def test_a_store_another_program_wrote_is_extracted_whole(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    akg(store, "build", str(corpus))
    # Another program removes a document's title: its graph is no longer what the build wrote.
    other = ox.Store(str(store))
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    removed = list(other.quads_for_pattern(None, title, None, None))
    assert removed
    for quad in removed:
        other.remove(quad)
    other.flush()
    del other
    assert loaded(akg(store, "build", str(corpus))) == [
        "Loaded 5 document(s): 106 commitments, 3 meeting(s), 2393 triples written."
    ]
    assert_a_whole_build(store, corpus)


def test_a_graph_an_update_changed_is_extracted_again(corpus: Path, tmp_path: Path) -> None:
    # An update forgets the records, and the fingerprints with them, of the graphs it may change.
    store = tmp_path / "store"
    akg(store, "build", str(corpus))

    def built_again_after(update: str, extracted: int) -> None:
        """The update, then a build that extracts that many of the five documents again."""
        assert akg(store, "update", update).exit_code == 0
        lines = loaded(akg(store, "build", str(corpus)))
        assert lines[0].startswith(f"Loaded {extracted} document(s): ")
        assert lines[1:] == [SKIPPED.format(5 - extracted)]
        assert_a_whole_build(store, corpus)

    graph = "https://w3id.org/alliance-kg/id/document/001_cb6815964ed6d868"
    built_again_after(f"INSERT DATA {{ GRAPH <{graph}> {{ <{graph}> <http://x/note> 1 }} }}", 1)
    # A DELETE WHERE naming its graphs by a variable changes those its pattern matches: the
    # four documents with a title.
    title = "?d <http://purl.org/dc/terms/title> ?t"
    built_again_after(f"DELETE WHERE {{ GRAPH ?g {{ {title} }} }}", 4)
    # One whose graphs cannot be told (a second operation under WITH, which the checks of
    # several operations cannot read as it does) may change every graph.
    every = (
        f"INSERT DATA {{ }} ; WITH <http://example.org/none> DELETE {{ GRAPH ?g {{ {title} }} }} "
    )
    every += f"WHERE {{ GRAPH ?g {{ {title} }} }}"
    assert akg(store, "update", every).exit_code == 0
    assert loaded(akg(store, "build", str(corpus))) == [
        "Loaded 5 document(s): 106 commitments, 3 meeting(s), 2393 triples written."
    ]
    assert_a_whole_build(store, corpus)


def test_with_nothing_to_extract_the_stage_does_not_run_again(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kg = alliance_kg.open(tmp_path / "store")
    first = kg.build([corpus])
    before = exported(tmp_path / "store")

    def no_stage(*_: object, **__: object) -> None:
        raise AssertionError("the corpus-level stage ran")

    monkeypatch.setattr(load, "link_corpus", no_stage)
    again = kg.build([corpus])
    assert (again.documents, again.unchanged, again.triples, again.graphs) == (0, 5, 0, [])
    # What the last stage found, its new conflicts none (they were new to the first build).
    assert first.links.new_conflicts and again.links == replace(first.links, new_conflicts=[])
    assert exported(tmp_path / "store") == before


def test_a_write_since_the_last_stage_makes_the_stage_run_again(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kg = alliance_kg.open(tmp_path / "store")
    kg.build([corpus])
    first = sorted(corpus.glob("*.txt"))[0]
    first.write_text(first.read_text() + "\nJapan reaffirmed its commitment to the Alliance.\n")
    (corpus / "zz-bad.txt").write_bytes(b"caf\xe9\n")
    monkeypatch.setattr(load, "BATCH_TRIPLES", 1)
    with pytest.raises(InputError, match="1 document"):
        kg.build([corpus])  # the changed statement written, the stage not run
    (corpus / "zz-bad.txt").unlink()
    ran = counted_stages(monkeypatch)
    again = kg.build([corpus])
    assert (again.documents, again.unchanged, len(ran)) == (0, 5, 1)
    assert_a_whole_build(tmp_path / "store", corpus)


def test_a_build_lists_its_files_once(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alliance_kg.loaders.readers as readers

    calls: list[list[str]] = []
    listed = readers.collect_documents

    def spied(paths: list[Path]) -> list[Path]:
        calls.append([Path(p).name for p in paths])
        return listed(paths)

    monkeypatch.setattr(readers, "collect_documents", spied)
    monkeypatch.setattr(load, "collect_documents", spied)
    store = tmp_path / "store"
    assert loaded(akg(store, "build", str(corpus)))[0].startswith("Loaded 5 document(s): ")
    assert calls == [["corpus"]]
    # The files that changed are extracted without being listed again.
    first = sorted(corpus.glob("*.txt"))[0]
    first.write_text(first.read_text() + "\nJapan reaffirmed its commitment to the Alliance.\n")
    assert loaded(akg(store, "build", str(corpus)))[0].startswith("Loaded 1 document(s): ")
    assert calls == [["corpus"], ["corpus"]]
    assert_a_whole_build(store, corpus)  # a third build, of a new store
    # ``iter_extractions`` of paths not listed yet lists them, when first asked.
    found = load.iter_extractions([first])
    assert len(calls) == 3
    assert len(list(found)) == 1
    assert calls[3:] == [[first.name]]
