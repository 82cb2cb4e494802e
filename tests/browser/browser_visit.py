"""The browser the page tests drive (Debian's chromium) and ``Visit``, one page opened in it.

A plain module, imported by tests/browser/conftest.py and tests/browser/test_render_browser.py.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("AKG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Screenshots the browser tests keep, in the project's test-artifacts folder.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class Visit:
    """A page opened from file:// (with ``fragment``, e.g. "#timeline") with every non-file
    request recorded and aborted."""

    def __init__(self, browser: Any, path: Path, fragment: str = "") -> None:
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 860})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.goto(path.as_uri() + fragment)
        self.page.wait_for_function("() => window.akg && window.akg.stabilized === true")

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def panel_text(self) -> str:
        return str(self.page.locator("#akg-panel").text_content())
