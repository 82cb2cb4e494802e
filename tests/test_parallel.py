"""Extraction over worker processes (``akg build --jobs N``): the same graph, byte for byte, the
same errors, and the user lexicon in every worker."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from clirunner import akg

import alliance_kg
from alliance_kg.errors import InputError
from alliance_kg.graph.load import extract_paths
from alliance_kg.loaders import lexicon
from alliance_kg.loaders.readers import sample_corpus_dir

UNSEEN = Path(__file__).parent / "data" / "unseen"
USER_LEXICON = '[entities.heads]\nUnit = ["Detachment"]\n'
UNIT_TEXT = "Australia will host the Northern Rotational Detachment in Darwin."
UNIT_QUERY = "SELECT ?l WHERE { ?u a akg:Unit ; skos:prefLabel ?l }"


def _export(store: Path) -> bytes:
    result = akg(store, "export", "-f", "nquads")
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.mark.parametrize("corpus", [None, UNSEEN], ids=["sample-corpus", "unseen"])
def test_jobs_give_the_same_export_byte_for_byte(tmp_path: Path, corpus: Path | None) -> None:
    args = [] if corpus is None else [str(corpus)]
    exports = []
    for jobs in ("1", "2"):
        store = tmp_path / f"jobs{jobs}"
        result = akg(store, "build", "--jobs", jobs, *args)
        assert result.exit_code == 0, result.output
        exports.append(_export(store))
    assert exports[0] == exports[1]
    assert exports[0].count(b"\n") > 1000


def test_a_bad_file_among_good_ones_is_the_same_error_with_jobs(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(UNSEEN, corpus)
    store = tmp_path / "store"
    assert akg(store, "build", str(corpus)).exit_code == 0
    before = _export(store)
    # In the middle of the sorted files, so that workers have good files before and after it.
    (corpus / "m-bad.txt").write_bytes(b"\x00\x01binary\xff")
    command = [sys.executable, "-m", "alliance_kg.cli", "--store", str(store), "build"]
    runs = [
        subprocess.run([*command, "--jobs", jobs, str(corpus)], capture_output=True, text=True)
        for jobs in ("1", "2")
    ]
    assert [r.returncode for r in runs] == [1, 1]
    assert runs[0].stderr.splitlines()[-1].startswith(f"Error: {corpus / 'm-bad.txt'}: ")
    assert runs[1].stderr.splitlines()[-1] == runs[0].stderr.splitlines()[-1]
    assert "Traceback" not in runs[1].stderr
    assert _export(store) == before


def test_the_api_raises_the_same_input_error_with_jobs(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(sample_corpus_dir(), corpus)
    (corpus / "002_empty.txt").write_text("  \n")
    messages = []
    for jobs in (1, 2):
        with pytest.raises(InputError) as caught:
            alliance_kg.open(tmp_path / f"s{jobs}").build([corpus], jobs=jobs)
        messages.append(str(caught.value))
        assert not (tmp_path / f"s{jobs}").exists()
    assert messages[0] == messages[1] == f"{corpus / '002_empty.txt'}: document is empty"


def test_progress_advances_per_document_and_jobs_must_be_positive(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    kg = alliance_kg.open(tmp_path / "s")
    result = kg.build(jobs=2, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 5) for n in range(1, 6)]
    assert result.documents == 5
    with pytest.raises(InputError, match="jobs must be at least 1"):
        kg.build(jobs=0)
    assert akg(tmp_path / "s", "build", "--jobs", "0").exit_code == 2


def _unit_corpus(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a", "b", "c"):  # several files, so that the pool is used
        (corpus / f"{name}.txt").write_text(f"{UNIT_TEXT}\n{name}\n", encoding="utf-8")
    mine = tmp_path / "mine.toml"
    mine.write_text(USER_LEXICON, encoding="utf-8")
    return corpus, mine


def test_the_lexicon_option_reaches_the_workers(tmp_path: Path) -> None:
    corpus, mine = _unit_corpus(tmp_path)
    store = tmp_path / "s"
    built = akg(store, "build", "--jobs", "2", "--lexicon", str(mine), str(corpus))
    assert built.exit_code == 0, built.output
    rows = akg(store, "query", "--format", "csv", UNIT_QUERY).output
    assert rows == "l\nNorthern Rotational Detachment\n"
    assert lexicon.user_paths() == []


def test_the_lexicon_variable_reaches_the_workers(tmp_path: Path) -> None:
    corpus, mine = _unit_corpus(tmp_path)
    command = [sys.executable, "-m", "alliance_kg.cli", "--store", str(tmp_path / "s")]
    env = {**os.environ, lexicon.ENV_VAR: str(mine)}
    for args in (["build", "--jobs", "2", str(corpus)], ["query", "--format", "csv", UNIT_QUERY]):
        run = subprocess.run([*command, *args], capture_output=True, text=True, env=env)
        assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["l", "Northern Rotational Detachment"]


def test_extractions_survive_pickling() -> None:
    extractions = extract_paths([sample_corpus_dir(), UNSEEN])
    assert pickle.loads(pickle.dumps(extractions)) == extractions


def test_a_program_read_from_stdin_extracts_in_process() -> None:
    # Its main module ("<stdin>") cannot be imported by a worker: no pool, and no hang.
    program = (
        "from alliance_kg.graph.load import extract_paths\n"
        "print(len(extract_paths([sys.argv[1]], jobs=2)))\n"
    )
    run = subprocess.run(
        [sys.executable, "-", str(sample_corpus_dir())],
        input="import sys\n" + program,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "5\n"


def test_by_default_a_small_build_stays_in_process_and_a_large_one_uses_the_cores() -> None:
    from alliance_kg.loaders.parallel import DOCS_PER_WORKER, default_jobs

    assert default_jobs(5) == 1
    assert default_jobs(2 * DOCS_PER_WORKER) == min(2, os.cpu_count() or 1)
    assert default_jobs(10**6) == (os.cpu_count() or 1)


def test_workers_run_only_a_bounded_number_of_chunks_ahead_of_the_consumer() -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from alliance_kg.loaders.parallel import bounded_map

    started: list[int] = []
    lock = threading.Lock()

    def work(item: int) -> int:
        with lock:
            started.append(item)
        return item * 10

    with ThreadPoolExecutor(2) as pool:
        results = bounded_map(pool, work, list(range(100)), chunksize=3, ahead=4)
        assert next(results) == 0
        pool.shutdown(wait=True)  # whatever was submitted has run
        # The first four chunks, and the fifth submitted as the first was handed over.
        assert sorted(started) == list(range(15))
    with ThreadPoolExecutor(2) as pool:
        assert list(bounded_map(pool, work, list(range(100)), 3, 4)) == [10 * k for k in range(100)]


def test_an_error_in_a_chunk_is_raised_in_its_turn_with_none_of_its_results() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from alliance_kg.loaders.parallel import bounded_map

    def work(item: int) -> int:
        if item == 7:
            raise InputError(f"item {item}: bad")
        return item

    got: list[int] = []
    with ThreadPoolExecutor(2) as pool, pytest.raises(InputError, match="^item 7: bad$"):
        for value in bounded_map(pool, work, list(range(20)), 3, 2):
            got.append(value)
    assert got == [0, 1, 2, 3, 4, 5]
