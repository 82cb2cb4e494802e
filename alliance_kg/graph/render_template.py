"""The HTML of the ``akg render`` page (``graph/render.py``): the project's template with
vis-network's JavaScript and CSS inlined from the copy pyvis ships, the page's own scripts
(``templates/network.js``, ``timeline.js``) and the data as JSON in a
``<script type="application/json">`` block. The page loads nothing from the network: a
Content-Security-Policy allows only its own inline scripts (by hash) and data: images.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib.resources import files
from typing import Any

from alliance_kg.errors import AkgError

VIS_PACKAGE = "pyvis"

VIS_JS = "lib/vis-9.1.2/vis-network.min.js"

VIS_CSS = "lib/vis-9.1.2/vis-network.css"

_MARKER = re.compile(r"@@([A-Z_]+)@@")


def fill_template(payload: dict[str, Any], *, title: str) -> str:
    """Put the data, vis-network and the page's script into the HTML template."""
    vis_js = _script_safe(_strip_source_map(_package_text(VIS_PACKAGE, VIS_JS)))
    vis_css = re.sub(r"</(style)", r"<\\/\1", _package_text(VIS_PACKAGE, VIS_CSS), flags=re.I)
    app_js = _script_safe(_package_text("alliance_kg.graph", "templates/network.js"))
    timeline_js = _script_safe(_package_text("alliance_kg.graph", "templates/timeline.js"))
    template = _package_text("alliance_kg.graph", "templates/network.html")
    hashes = " ".join(f"'sha256-{_sha256_b64(s)}'" for s in (vis_js, app_js, timeline_js))
    parts = {
        "TITLE": html.escape(title),
        "CSP": (
            f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
            "img-src data:; base-uri 'none'; form-action 'none'"
        ),
        "VIS_CSS": vis_css,
        "VIS_JS": vis_js,
        "APP_JS": app_js,
        "TIMELINE_JS": timeline_js,
        "DATA": json_for_script(payload),
    }
    # One pass over the template only, so a marker inside the data is never expanded.
    return _MARKER.sub(lambda m: parts[m.group(1)], template)


def json_for_script(value: Any) -> str:
    """JSON that cannot end the ``<script>`` element holding it, nor start markup in it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _package_text(package: str, name: str) -> str:
    try:
        return files(package).joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise AkgError(
            f"cannot read {name} from the installed {package} package ({exc}); "
            "reinstall alliance-kg with its dependencies"
        ) from exc


def _strip_source_map(js: str) -> str:
    # The .map file is not shipped, and a page that works offline should not ask for it.
    return re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "\n", js)


def _script_safe(js: str) -> str:
    # "</script" inside an inline script would end it; "<\/script" means the same in JS.
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


def _sha256_b64(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
