"""A build writes each batch on a thread of its own while it takes in the next documents; a
failure on either side reports exactly the documents the store holds."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

import alliance_kg.graph.load as load
from alliance_kg.errors import InputError
from alliance_kg.graph.export import export_graph
from alliance_kg.graph.load import extract_paths, write_extractions
from alliance_kg.graph.sparql import SparqlStore
from alliance_kg.graph.store import open_store, replace_graph_lines
from alliance_kg.loaders.model import Extraction
from alliance_kg.loaders.readers import sample_corpus_dir

WAIT = 60.0  # seconds; only a broken overlap waits this long


def documents(taken: threading.Event) -> Iterator[Extraction]:
    """The sample statements; ``taken`` is set once the second is asked for."""
    extractions = extract_paths([sample_corpus_dir()])
    for k, extraction in enumerate(extractions):
        if k == 1:
            taken.set()
        yield extraction


def keys(store: SparqlStore) -> list[str]:
    return sorted(
        g.value.rsplit("/", 1)[-1] for g in store.named_graphs() if "/document/" in g.value
    )


def test_the_next_documents_are_taken_in_while_a_batch_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = threading.Event()
    overlapped: list[bool] = []

    def write(target: SparqlStore, graphs: dict[str, Sequence[str]]) -> None:
        if not overlapped:
            # The first batch (one document) is written only once the build has gone on to
            # take the next document: a build writing in its own thread never would.
            overlapped.append(taken.wait(WAIT))
        replace_graph_lines(target, graphs)

    monkeypatch.setattr(load, "replace_graph_lines", write)
    store = open_store(tmp_path / "store")
    result = write_extractions(store, documents(taken), batch_triples=1)
    assert overlapped == [True]
    assert result.documents == 5
    clean = open_store(tmp_path / "clean")
    write_extractions(clean, extract_paths([sample_corpus_dir()]))
    assert export_graph(store, "nquads") == export_graph(clean, "nquads")


def test_a_failure_while_a_batch_is_written_counts_that_batch_once_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extractions = extract_paths([sample_corpus_dir()])
    failing = threading.Event()
    slow: list[str] = []

    def write(target: SparqlStore, graphs: dict[str, Sequence[str]]) -> None:
        if len(graphs) == 1 and not slow:
            # The first document's batch is still being written when the next file fails.
            slow.append(next(iter(graphs)))
            assert failing.wait(WAIT)
        replace_graph_lines(target, graphs)

    def first_then_bad() -> Iterator[Extraction]:
        yield extractions[0]
        yield extractions[1]
        failing.set()
        raise InputError("zz-bad.txt: not UTF-8 text")

    monkeypatch.setattr(load, "replace_graph_lines", write)
    store = open_store(tmp_path / "store")
    with pytest.raises(InputError) as err:
        write_extractions(store, first_then_bad(), batch_triples=1)
    # The ontology rides with the first document, so its batch has two graphs; the second
    # document's batch (one graph) was being written when the failure came, and is counted.
    first, second = extractions[0].document.key, extractions[1].document.key
    assert str(err.value).startswith(
        "zz-bad.txt: not UTF-8 text. Before this failure 2 document(s) had been written, each "
        f"whole ({first} ... {second}); the documents after them were not written"
    )
    assert keys(store) == sorted([first, second])
