"""Shared test options: ``pytest --update-golden`` rewrites the expected files (golden RDF and
cookbook rows) from what the code gives now; review the diff before committing it."""

from __future__ import annotations

import pytest


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
