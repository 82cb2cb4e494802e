"""The endpoint in a real browser: the query page runs a cookbook query and one's own, and a
page of another origin can read the answers only when akg serve runs with --cors."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_visit import ARTIFACTS
from serve_process import akg_serve


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from clirunner import akg

    store = tmp_path_factory.mktemp("endpoint") / "store"
    assert akg(store, "build").exit_code == 0
    return store


def test_the_query_page_runs_cookbook_queries_and_own_queries(browser: Any, corpus: Path) -> None:
    with akg_serve(corpus) as endpoint:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(endpoint.removesuffix("sparql") + "query")
        page.select_option("#akg-cookbook", "meetings")
        assert "PREFIX akg:" in page.input_value("#akg-query")
        page.click("#akg-run")
        page.wait_for_function("() => document.querySelectorAll('#akg-results tr').length > 1")
        rows = page.locator("#akg-results tr")
        assert rows.count() == 4  # the header and the three meetings
        assert "2023-01-11" in rows.nth(2).text_content()
        page.select_option("#akg-cookbook", "commitments-about")
        page.fill("#akg-param-entity", "Okinawa")
        page.click("#akg-run")
        # The first column of commitments-about is the entity, that of meetings the date.
        page.wait_for_function(
            "() => document.querySelector('#akg-results th').textContent === 'entity'"
        )
        assert page.text_content("#akg-status") == "3 row(s)"  # as akg query -n gives
        assert page.locator("#akg-results tr").count() == 4
        page.select_option("#akg-cookbook", "")
        page.fill("#akg-query", "ASK { ?m a akg:Meeting }")
        page.click("#akg-run")
        page.wait_for_function("() => document.querySelector('#akg-results p') !== null")
        assert page.text_content("#akg-results p") == "true"
        page.fill("#akg-query", "SELEC oops")
        page.click("#akg-run")
        page.wait_for_function(
            "() => document.getElementById('akg-status').className === 'akg-error'"
        )
        assert page.text_content("#akg-status").startswith("Error 400: ")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "query-page.png"))
        assert errors == []
        context.close()


@pytest.fixture
def other_origin(tmp_path: Path) -> Iterator[str]:
    """A plain web server of another origin (another port) serving one empty page."""
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>elsewhere</title>", "utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


FETCH = """async (url) => {
  try {
    const response = await fetch(url, {headers: {Accept: "application/sparql-results+json"}});
    const data = await response.json();
    return data.results.bindings.length;
  } catch (error) {
    return String(error);
  }
}"""


@pytest.mark.parametrize("cors", [True, False])
def test_a_page_of_another_origin(
    browser: Any, corpus: Path, other_origin: str, cors: bool
) -> None:
    with akg_serve(corpus, *(["--cors"] if cors else [])) as endpoint:
        context = browser.new_context()
        page = context.new_page()
        page.goto(other_origin)
        url = endpoint + "?query=" + "SELECT%20%3Fm%20WHERE%20%7B%20%3Fm%20a%20akg%3AMeeting%20%7D"
        got = page.evaluate(FETCH, url)
        context.close()
    assert got == (3 if cors else "TypeError: Failed to fetch")
