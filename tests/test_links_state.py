"""The corpus-level stage's kept records (graph/links/state.py): a store built in several
builds, in any order, with documents replaced or changed by updates on the way, ends with the
same links graph, byte for byte, as one build of the same documents."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg

from alliance_kg.graph.links import LINKS_GRAPH, LinksState, corpus_source, plan_links
from alliance_kg.graph.links.state import STATE_FILE
from alliance_kg.graph.shards import write_shard
from alliance_kg.graph.store import open_store, to_oxigraph

SERIES = Path(__file__).parent / "data" / "series"
DOCS = sorted(SERIES.glob("*.txt"))


def _copy(docs: list[Path], folder: Path) -> Path:
    """The documents (and their sidecars) in a folder of their own."""
    folder.mkdir(parents=True)
    for doc in docs:
        shutil.copy(doc, folder)
        shutil.copy(doc.with_suffix(".meta.json"), folder)
    return folder


def _build(store: Path, folder: Path, *options: str) -> None:
    result = akg(store, "build", "--jobs", "1", *options, str(folder))
    assert result.exit_code == 0, result.output


def _export(store: Path) -> str:
    result = akg(store, "export", "-f", "nquads")
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def full_build(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The export of one build of the whole series."""
    store = tmp_path_factory.mktemp("full") / "store"
    _build(store, SERIES)
    return _export(store)


@pytest.mark.parametrize(
    "parts",
    [
        [DOCS[:5], DOCS[5:]],
        [DOCS[7:], DOCS[:4], DOCS[4:7]],
        [DOCS[1::2], DOCS[::2]],
    ],
    ids=["halves", "three-parts", "interleaved"],
)
def test_builds_in_parts_equal_one_build(
    tmp_path: Path, full_build: str, parts: list[list[Path]]
) -> None:
    store = tmp_path / "store"
    for k, docs in enumerate(parts):
        _build(store, _copy(docs, tmp_path / f"part{k}"))
    assert (store / STATE_FILE).is_file()
    assert _export(store) == full_build


def _move_2019_news(folder: Path) -> None:
    """Make the 2019 news report in ``folder`` state another day and place."""
    news = folder / "ausmin-2019-news.txt"
    text = news.read_text(encoding="utf-8")
    assert "August 4 in Sydney" in text
    news.write_text(text.replace("August 4 in Sydney", "July 30 in Brisbane"), encoding="utf-8")


def _changed_build(tmp_path: Path, full_build: str) -> Path:
    """A store built from the series with a version of the 2019 news report that states another
    day and place: the stage keeps a record of it, which must not outlive that version."""
    changed = _copy(DOCS, tmp_path / "changed")
    _move_2019_news(changed)
    store = tmp_path / "store"
    _build(store, changed)
    assert _export(store) != full_build
    return store


def test_a_replaced_document_is_read_again(tmp_path: Path, full_build: str) -> None:
    store = _changed_build(tmp_path, full_build)
    _build(store, SERIES)
    assert _export(store) == full_build


def test_a_document_replaced_from_a_shard_is_read_again(tmp_path: Path, full_build: str) -> None:
    store = _changed_build(tmp_path, full_build)
    write_shard(DOCS, tmp_path / "series.nq")
    result = akg(store, "load-shards", str(tmp_path / "series.nq"))
    assert result.exit_code == 0, result.output
    assert _export(store) == full_build


def _links(store: ox.Store) -> set[str]:
    rows = store.quads_for_pattern(None, None, None, ox.NamedNode(str(LINKS_GRAPH)))
    return {f"{q.subject} {q.predicate} {q.object}" for q in rows}


def test_an_update_is_followed_by_a_full_read(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _build(store, SERIES)
    # Move the 2018 fact sheet's stated date: its meeting changes (a graph the stage had read).
    update = (
        "DELETE { GRAPH ?g { ?d akg:statedDate ?x } } INSERT { GRAPH ?g { ?d akg:statedDate "
        '"2018-09-02"^^xsd:date } } WHERE { GRAPH ?g { ?d akg:sourceFile '
        '"ausmin-2018-fact-sheet.txt" ; akg:statedDate ?x } }'
    )
    result = akg(store, "update", update)
    assert result.exit_code == 0, result.output
    opened = open_store(store)
    written = _links(opened)
    triples, _ = plan_links(opened)  # no records: everything read from the store
    expected = {" ".join(str(to_oxigraph(t)) for t in triple) for triple in triples}
    assert written == expected
    assert any("2018-09-02" in line for line in written)


def test_planning_with_documents_about_to_be_written(tmp_path: Path) -> None:
    # plan_links(store, new) puts the graphs of ``new`` in place of the store's; with kept
    # records it must plan what it plans reading everything, and what one build writes.
    later = _copy(DOCS[4:], tmp_path / "later")  # the 2019 reports are in both parts
    _move_2019_news(later)
    whole = _copy(DOCS[:4], tmp_path / "whole")
    for doc in later.iterdir():
        shutil.copy(doc, whole)
    _build(tmp_path / "whole-store", whole)
    _build(tmp_path / "first", _copy(DOCS[:6], tmp_path / "earlier"))
    _build(tmp_path / "second", later)
    expected = _links(open_store(tmp_path / "whole-store"))
    store, new = open_store(tmp_path / "first"), open_store(tmp_path / "second")
    for state in (None, LinksState(tmp_path / "first")):
        triples, _ = plan_links(store, new, state)
        planned = {" ".join(str(to_oxigraph(t)) for t in triple) for triple in triples}
        assert planned == expected


def _set_date(store: Path, date: str, version: str | None = None) -> None:
    """Change the stated date the kept record of the 2018 fact sheet holds (and the version)."""
    with closing(sqlite3.connect(store / STATE_FILE)) as db, db:
        (body,) = db.execute(
            "SELECT body FROM record WHERE graph LIKE '%ausmin-2018-fact-sheet' AND query = 'date'"
        ).fetchone()
        db.execute(
            "UPDATE record SET body = ? WHERE graph LIKE '%ausmin-2018-fact-sheet' "
            "AND query = 'date'",
            (json.dumps([[date]]),),
        )
        assert json.loads(body) != [[date]]
        if version is not None:
            db.execute("UPDATE meta SET value = ? WHERE key = 'version'", (version,))


def test_kept_records_are_what_a_build_reads(tmp_path: Path, full_build: str) -> None:
    # A build of the 2021 reports alone takes the 2018 fact sheet from its kept record: a
    # record changed behind the stage's back shows (so the store is not read again)...
    store = tmp_path / "store"
    _build(store, SERIES)
    recent = _copy([d for d in DOCS if "2021" in d.name], tmp_path / "recent")
    _set_date(store, "2018-09-02")
    # --force: the 2021 reports are unchanged, and a build with nothing to extract runs no stage.
    _build(store, recent, "--force")
    assert '"2018-09-02"' in _export(store)
    # ...unless the file is of another version, when everything is read again.
    _set_date(store, "2018-09-03", version="another")
    _build(store, recent, "--force")
    assert _export(store) == full_build


def test_an_unreadable_records_file_is_an_error_naming_it(tmp_path: Path, full_build: str) -> None:
    store = tmp_path / "store"
    _build(store, SERIES)
    (store / STATE_FILE).write_bytes(b"not a database " * 100)
    result = akg(store, "build", "--jobs", "1", str(SERIES))
    assert result.exit_code == 1
    assert f"{store / STATE_FILE}: cannot use the links stage's records: " in result.output
    assert "delete this file (the next build reads the store again)" in result.output
    assert "Traceback" not in result.output
    (store / STATE_FILE).unlink()
    _build(store, SERIES)
    assert _export(store) == full_build


def _records(folder: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    with closing(sqlite3.connect(folder / STATE_FILE)) as db:
        record = db.execute("SELECT graph, query, body FROM record ORDER BY 1, 2").fetchall()
        known = db.execute("SELECT graph FROM known ORDER BY 1").fetchall()
    return record, known


def test_the_records_a_build_keeps_are_those_read_from_the_store(tmp_path: Path) -> None:
    # The build's workers read each document's record from the graph they made; reading every
    # graph back from the finished store gives the same rows, graph by graph.
    store = tmp_path / "store"
    result = akg(store, "build", "--jobs", "2", str(SERIES))
    assert result.exit_code == 0, result.output
    kept, known = _records(store)
    reread = tmp_path / "reread"
    reread.mkdir()
    corpus_source(open_store(store, read_only=True), LinksState(reread))
    assert _records(reread) == (kept, known)
    documents = {f"https://w3id.org/alliance-kg/id/document/{d.stem}" for d in DOCS}
    assert documents <= {g for (g,) in known}
    assert {g for g, _, _ in kept} >= documents


def test_an_update_oxigraph_refuses_keeps_every_record(tmp_path: Path) -> None:
    # rdflib cannot read it, so which graphs it may change cannot be told: it is refused before
    # the records are dropped, and the store's folder (its state file too) is as it was.
    store = tmp_path / "store"
    _build(store, SERIES)
    graphs = [g for g in _graph_names(store) if g != str(LINKS_GRAPH)]
    kept = (store / STATE_FILE).read_bytes()
    result = akg(store, "update", "INSERT DATA { <https://example.org/a> <https://example.org/b> }")
    assert result.exit_code == 1
    assert result.output.startswith("Error: line 1, column 63: expected one of ")
    assert (store / STATE_FILE).read_bytes() == kept
    assert LinksState(store).known(graphs) == set(graphs)


def _graph_names(store: Path) -> list[str]:
    return sorted(g.value for g in ox.Store.read_only(str(store)).named_graphs())
