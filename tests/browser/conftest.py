"""Fixtures of the browser tests only: the chromium instance, the sample page and a visit.

Kept here, below tests/browser/, so that the other tests neither load nor need them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_visit import CHROMIUM, CHROMIUM_ARGS, Visit
from samples import sample_store

from alliance_kg.graph.render import write_html


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("AKG_SKIP_BROWSER") == "1":
            pytest.skip("AKG_SKIP_BROWSER=1 and no chromium")
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium), "
            "or set AKG_SKIP_BROWSER=1 to skip the browser tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("render") / "graph.html"
    write_html(sample_store(), path, title="2+2 <test> graph")
    return path


@pytest.fixture
def visit(browser: Any, page_file: Path) -> Iterator[Visit]:
    v = Visit(browser, page_file)
    yield v
    v.context.close()
