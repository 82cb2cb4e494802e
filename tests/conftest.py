"""Shared test set-up: ``pytest --update-golden`` rewrites the expected files (golden RDF and
cookbook rows) from what the code gives now (review the diff before committing it), and
``corpus_store`` is the bundled sample corpus built once for the whole run, ``series_store``
the reports of ``tests/data/series`` likewise, ``synthetic_built`` 60 synthetic statements, and
``corpus_server`` the same corpus built into a real Oxigraph server (read them only: tests that
write build stores of their own)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from clirunner import akg
from oxigraph_server import oxigraph_server


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite expected files from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite expected files."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store holding the bundled sample corpus, built once per test run."""
    store = tmp_path_factory.mktemp("corpus") / "store"
    result = akg(store, "build")
    assert result.exit_code == 0, result.output
    return store


@pytest.fixture(scope="session")
def series_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store holding the ten reports of ``tests/data/series``, built once per run."""
    store = tmp_path_factory.mktemp("series") / "store"
    result = akg(store, "build", str(Path(__file__).parent / "data" / "series"))
    assert result.exit_code == 0, result.output
    return store


@pytest.fixture(scope="session")
def synthetic_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store of 60 synthetic statements (``benchmarks/synthetic.py``), built once per
    run: lists of several values, restated and moved deadlines, and thousands of rows."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.synthetic import generate

    folder = tmp_path_factory.mktemp("synthetic")
    generate(folder / "in", 60)
    result = akg(folder / "store", "build", str(folder / "in"))
    assert result.exit_code == 0, result.output
    return folder / "store"


@pytest.fixture(scope="session")
def corpus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a real Oxigraph server holding the bundled sample corpus, built once per run
    by ``akg build`` over HTTP."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        result = akg(url, "build")
        assert result.exit_code == 0, result.output
        yield url
