"""What a careless or hostile user can feed akg: each case ends in ``Error:`` naming the file
and what is wrong (never a traceback), or is read safely."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.parsers import expat

import pytest
import rdflib
from clirunner import akg

from alliance_kg.api import KnowledgeGraph
from alliance_kg.errors import StoreError, terminal_safe
from alliance_kg.graph.store import open_store
from alliance_kg.loaders.readers import read_document

PLEDGE = "Japan and the United States will defend Okinawa.\n"
AKG = [sys.executable, "-m", "alliance_kg.cli"]


def run_akg(*args: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """akg in a process of its own (for real standard streams and a lock of its own)."""
    return subprocess.run(
        [*AKG, *args], stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120
    )


# Encodings, kinds of file, sizes


def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    for encoding in ("utf-16", "utf-16-be"):
        path = tmp_path / f"{encoding}.txt"
        bom = b"\xfe\xff" if encoding == "utf-16-be" else b""
        path.write_bytes(bom + PLEDGE.encode(encoding))
        assert read_document(path).text == PLEDGE


def test_utf16_without_a_byte_order_mark_is_named(tmp_path: Path) -> None:
    path = tmp_path / "le.txt"
    path.write_bytes(PLEDGE.encode("utf-16-le"))
    result = akg(tmp_path / "s", "build", str(path))
    assert result.exit_code == 1
    assert result.output.endswith(
        f"Error: {path}: UTF-16LE text without a byte-order mark; convert it to UTF-8 "
        "(e.g. iconv -f UTF-16LE -t UTF-8)\n"
    )
    assert not (tmp_path / "s").exists()


def test_a_fifo_is_not_a_regular_file(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    named = akg(tmp_path / "s", "build", str(fifo))
    assert named.exit_code == 1
    assert named.output.endswith(f"Error: {fifo}: not a regular file (a FIFO, socket or device)\n")
    # Met in a folder, or given as a query file, it is refused instead of blocking forever.
    in_folder = akg(tmp_path / "s", "build", str(folder))
    assert in_folder.exit_code == 1
    assert in_folder.output.endswith(
        f"Error: {fifo}: not a regular file (a FIFO, socket or device)\n"
    )
    query = akg(tmp_path / "s", "query", "-f", str(fifo))
    assert query.exit_code == 1
    assert query.output.endswith(f"Error: {fifo}: not a regular file (a FIFO, socket or device)\n")


def test_a_document_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(PLEDGE * 4, encoding="utf-8")  # 196 characters
    store = tmp_path / "s"
    refused = akg(store, "build", str(path), env={"AKG_MAX_DOCUMENT_CHARS": "195"})
    assert refused.exit_code == 1
    assert refused.output.endswith(
        f"Error: {path}: 196 characters of text, more than the limit of 195 for one document "
        "(set AKG_MAX_DOCUMENT_CHARS to allow more)\n"
    )
    assert not store.exists()
    assert akg(store, "build", str(path), env={"AKG_MAX_DOCUMENT_CHARS": "196"}).exit_code == 0
    bad = akg(store, "build", str(path), env={"AKG_MAX_DOCUMENT_CHARS": "lots"})
    assert bad.output.endswith(
        "Error: AKG_MAX_DOCUMENT_CHARS='lots': not a positive whole number of characters\n"
    )


def test_the_default_limit_refuses_a_huge_single_line(tmp_path: Path) -> None:
    path = tmp_path / "line.txt"
    path.write_text("Okinawa " * 125_001, encoding="utf-8")  # 1,000,008 characters, one line
    result = akg(tmp_path / "s", "build", str(path))
    assert result.exit_code == 1
    assert result.output.endswith(
        f"Error: {path}: 1,000,008 characters of text, more than the limit of 1,000,000 for "
        "one document (set AKG_MAX_DOCUMENT_CHARS to allow more)\n"
    )


# Markup and metadata


def nested_html(depth: int) -> str:
    return f"<html><body>{'<div>' * depth}<p>{PLEDGE}</p>{'</div>' * depth}</body></html>"


def test_deeply_nested_html_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text(nested_html(2_000), encoding="utf-8")
    result = akg(tmp_path / "s", "build", str(path))
    assert result.exit_code == 1
    assert result.output.endswith(
        f"Error: {path}: HTML elements nested 2001 deep, more than the 256 a page is read to; "
        "not read\n"
    )
    path.write_text(nested_html(254), encoding="utf-8")  # the <p> at 255, its text read
    assert read_document(path).text == PLEDGE


def test_an_impossible_date_in_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"---\ntitle: A\ndate: 2023-13-45\n---\n{PLEDGE}", encoding="utf-8")
    result = akg(tmp_path / "s", "build", str(path))
    assert result.exit_code == 1
    assert result.output.endswith(
        f"Error: {path}: malformed front matter: an impossible date (month must be in 1..12)\n"
    )


# Control characters: XML-safe in the graph, terminal-safe on screen


def test_control_characters_of_a_document_never_reach_rdf_xml(tmp_path: Path) -> None:
    path = tmp_path / "ctl.txt"
    path.write_text(
        "Joint \x01Statement\x0c\n\nJapan and the United States will defend \x1b[31mOkinawa.\n",
        encoding="utf-8",
    )
    document = read_document(path)
    # One character for one: offsets into the text hold; a form feed still ends a line.
    assert document.text == (
        "Joint  Statement\n\n\nJapan and the United States will defend  [31mOkinawa.\n"
    )
    store = tmp_path / "s"
    assert akg(store, "build", str(path)).exit_code == 0
    exported = tmp_path / "g.rdf"
    assert akg(store, "export", "-f", "xml", "-o", str(exported)).exit_code == 0
    data = exported.read_bytes()
    expat.ParserCreate().Parse(data, True)  # well-formed XML 1.0, or an ExpatError
    graph = rdflib.Graph().parse(data=data, format="xml")
    quotes = {str(o) for o in graph.objects(None, rdflib.URIRef(_akg("quote")))}
    assert quotes == {"Japan and the United States will defend [31mOkinawa."}


def test_rdf_xml_refuses_a_control_character_an_update_wrote(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert akg(store, "build", str(_write(tmp_path / "a.txt", PLEDGE))).exit_code == 0
    update = 'INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> "x\\u0001y" } }'
    assert akg(store, "update", update).exit_code == 0
    result = akg(store, "export", "-f", "xml", "-o", str(tmp_path / "g.rdf"))
    assert result.exit_code == 1
    assert result.output == (
        "Error: cannot export RDF/XML: the value 'x\\x01y' of <urn:a> holds U+0001, which "
        "XML 1.0 cannot carry; export another format, or remove the character with akg update\n"
    )
    assert not (tmp_path / "g.rdf").exists()
    assert akg(store, "export", "-f", "nquads").exit_code == 0


def _akg(name: str) -> str:
    return f"https://w3id.org/alliance-kg/ontology#{name}"


def test_terminal_escapes_are_shown_not_obeyed(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert akg(store, "build", str(_write(tmp_path / "a.txt", PLEDGE))).exit_code == 0
    hostile = "x\\u001b]0;pwned\\u0007\\u009b2J"
    update = f'INSERT DATA {{ GRAPH <urn:x> {{ <urn:a> <urn:b> "{hostile}" }} }}'
    assert akg(store, "update", update).exit_code == 0
    query = "SELECT ?o WHERE { <urn:a> <urn:b> ?o }"
    table = akg(store, "query", query)
    assert table.exit_code == 0
    assert "\x1b" not in table.output and "\x9b" not in table.output
    assert "\nx\\x1b]0;pwned\\x07\\x9b2J\n" in table.output
    # Machine formats stay exact.
    csv = akg(store, "query", "--format", "csv", query)
    assert csv.output == "o\nx\x1b]0;pwned\x07\x9b2J\n"
    # An error message names the file as given, escaped.
    missing = akg(store, "build", "no\x1b[2Jsuch.txt")
    assert missing.output == "Error: no\\x1b[2Jsuch.txt: no such file or directory\n"
    assert terminal_safe("tab\tnewline\n") == "tab\tnewline\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# Output that cannot be written


@pytest.mark.parametrize("args", [["stats"], ["export"], ["query", "-n", "meetings"]])
def test_a_full_standard_output_is_an_error(corpus_store: Path, args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = run_akg("--store", str(corpus_store), *args, stdout=full.fileno())
    assert done.returncode == 1
    assert done.stderr == "Error: cannot write to standard output: No space left on device\n"


def test_a_closed_pipe_ends_quietly(corpus_store: Path) -> None:
    process = subprocess.Popen(
        [*AKG, "--store", str(corpus_store), "export", "-f", "nquads"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()
    assert process.wait(timeout=60) == 1
    assert process.stderr.read() == b""


# The store during a build


def test_the_lock_is_taken_before_extraction(tmp_path: Path) -> None:
    store = tmp_path / "s"
    docs = tmp_path / "docs"
    docs.mkdir()
    _write(docs / "a.txt", PLEDGE)
    (docs / "b.txt").write_bytes(b"\x00binary")  # extraction would fail on it
    holder = open_store(store)  # another writer holds the store
    done = run_akg("--store", str(store), "build", str(docs))
    assert done.returncode == 1
    assert done.stderr.startswith(f"Error: store {store} is in use by another process (")
    del holder


def test_a_build_failing_before_writing_leaves_no_store(tmp_path: Path) -> None:
    bad = tmp_path / "b.txt"
    bad.write_bytes(b"\x00binary")
    for store in (tmp_path / "new", tmp_path / "empty"):
        if store.name == "empty":
            store.mkdir()
        result = akg(store, "build", str(bad))
        assert result.exit_code == 1
        assert store.exists() == (store.name == "empty")
        assert not store.exists() or list(store.iterdir()) == []


def test_a_store_deleted_during_the_build_is_no_success(tmp_path: Path) -> None:
    store = tmp_path / "s"
    docs = [_write(tmp_path / f"d{i}.txt", PLEDGE) for i in range(3)]

    def delete_the_store(done: int, total: int) -> None:
        if done == 1:
            shutil.rmtree(store)

    with pytest.raises(StoreError) as failure:
        KnowledgeGraph(store).build(docs, progress=delete_the_store, jobs=1)
    assert str(failure.value).startswith(f"store {store} was deleted or replaced while the build")


def test_a_damaged_store_is_not_blamed_on_another_writer(
    corpus_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s"
    shutil.copytree(corpus_store, store)
    (store / "CURRENT").write_text("garbage\n")
    result = akg(store, "stats")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: cannot open store {store}: its files are damaged (Corruption: CURRENT file "
        "corrupted); build the graph again into a new store folder (akg --store NEW build ...)\n"
    )


def test_the_endpoint_log_shows_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    from alliance_kg.queries.server import _Handler

    class Request:
        def address_string(self) -> str:
            return "127.0.0.1"

    _Handler.log_message(Request(), '"%s" %s', "GET /\x1b]0;pwned\x07 HTTP/1.1", "404")  # type: ignore[arg-type]
    assert capsys.readouterr().err == '127.0.0.1 "GET /\\x1b]0;pwned\\x07 HTTP/1.1" 404\n'
