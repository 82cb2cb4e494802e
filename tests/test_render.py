"""The HTML page of ``akg render``, checked without a browser."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from conftest_browser import (
    BLINKEN,
    C1,
    C1_QUOTE,
    C2,
    DOC,
    EDGE_COUNTS,
    JAPAN,
    MEETING,
    NODE_COUNT,
    US,
    WASHINGTON,
    XSS_QUOTE,
    sample_store,
)

from alliance_kg.errors import AkgError
from alliance_kg.graph.render import json_for_script, render_html, write_html

DATA_BLOCK = re.compile(r'<script type="application/json" id="akg-data">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(sample_store(), title="alliance-kg").html


def embedded(page: str) -> dict[str, Any]:
    blocks = DATA_BLOCK.findall(page)
    assert len(blocks) == 1
    data: dict[str, Any] = json.loads(blocks[0])
    return data


def test_page_requests_nothing_from_outside(page: str) -> None:
    # In the markup, every src/href/action is a data: URI (the blank favicon).
    markup = re.sub(r"<(script|style)\b([^>]*)>.*?</\1>", r"<\1\2></\1>", page, flags=re.S)
    refs = re.findall(r"""\b(?:src|href|action)\s*=\s*["']?([^"'\s>]*)""", markup, re.I)
    assert refs == ["data:,"]
    # Nowhere (scripts, styles, data) is a URL given to src/href or to CSS url().
    assert re.findall(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", page, re.I) == []
    styles = "".join(re.findall(r"<style>(.*?)</style>", page, re.S))
    assert styles.count("url(") == 13
    assert re.findall(r"""url\(\s*(?!["']?data:)""", styles) == []
    assert "@import" not in styles
    assert "sourceMappingURL" not in page
    # vis-network is inlined, not linked.
    assert "@version 9.1.2" in page
    assert re.findall(r"<script\b[^>]*>", markup) == [
        '<script type="application/json" id="akg-data">',
        "<script>",
        "<script>",
    ]
    assert page.count("</script>") == 3


def test_content_security_policy_allows_only_the_inline_scripts(page: str) -> None:
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = csp.group(1)
    assert policy.startswith("default-src 'none'; script-src 'sha256-")
    assert "unsafe-eval" not in policy and "script-src 'unsafe-inline'" not in policy
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_embedded_nodes_and_edges(page: str) -> None:
    data = embedded(page)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert len(data["nodes"]) == NODE_COUNT
    assert sorted(nodes) == sorted([JAPAN, US, BLINKEN, WASHINGTON, MEETING, DOC, C1, C2])
    assert Counter(n["cls"] for n in data["nodes"]) == {
        "State": 2,
        "Person": 1,
        "Place": 1,
        "Meeting": 1,
        "Document": 1,
        "Commitment": 2,
    }
    assert len(data["edges"]) == sum(EDGE_COUNTS.values()) == 12
    assert Counter(e["prop"] for e in data["edges"]) == EDGE_COUNTS
    # The madeBy triple repeated in a second named graph is one edge.
    made_by = sorted((e["from"], e["to"]) for e in data["edges"] if e["prop"] == "madeBy")
    assert made_by == sorted([(C1, US), (C2, JAPAN)])
    assert [e["id"] for e in data["edges"]] == [f"e{i}" for i in range(12)]
    assert {e["label"] for e in data["edges"]} >= {"made by", "held in", "at meeting"}
    # Ontology classes and concepts are not drawn; mentionedIn is not an edge.
    assert not any("ontology" in n["id"] for n in data["nodes"])
    assert "mentionedIn" not in {e["prop"] for e in data["edges"]}
    # Shapes and legend follow the classes present, in legend order.
    assert nodes[BLINKEN]["shape"] == "triangle" and nodes[US]["shape"] == "dot"
    assert [c["name"] for c in data["classes"]] == [
        "Person",
        "State",
        "Place",
        "Meeting",
        "Document",
        "Commitment",
    ]
    # Size grows with degree: the meeting (5 edges) outranks Washington (1).
    assert nodes[MEETING]["size"] > nodes[WASHINGTON]["size"]
    assert nodes[C1]["label"] == "Reaffirmation"
    assert data["options"]["layout"]["randomSeed"] == 20230111


def test_details_of_a_commitment_and_an_entity(page: str) -> None:
    details = embedded(page)["details"]
    c1 = details[C1]
    assert c1["quote"] == C1_QUOTE
    assert c1["span"] == "characters 100-180"
    assert c1["rows"] == [
        ["Types", ["Reaffirmation"]],
        ["Date", ["2023-01-11"]],
        ["Made by", [{"ref": US}]],
        ["Concerns", [{"ref": JAPAN}]],
        ["Meeting", [{"ref": MEETING}]],
        ["Stated in", [{"ref": DOC}]],
    ]
    japan = details[JAPAN]
    assert japan["label"] == "Japan" and japan["cls"] == "State"
    assert japan["rows"] == [
        ["Also called", ["Japanese government"]],
        ["Commitments made", [{"ref": C2}]],
        ["Commitments concerning it", [{"ref": C1}]],
        ["Mentioned in", [{"ref": DOC}]],
    ]
    assert details[BLINKEN]["rows"][:3] == [
        ["Also called", ["Blinken"]],
        ["Office", ["Secretary of State"]],
        ["Represents", [{"ref": US}]],
    ]
    assert details[DOC]["short"] == "Joint Statement of the Security Consultative Committee"


def test_quotes_cannot_break_out_of_the_data_block(page: str) -> None:
    assert "</script><script>alert(1)</script>" not in page
    assert "<img src=x" not in page
    assert "window.pwned" in page  # the payload is there, but only as escaped JSON text
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in page
    assert '\\u003cimg src=x onerror=\\"window.pwned=1\\"\\u003e' in page
    assert "\\u0026 more." in page
    assert embedded(page)["details"][C2]["quote"] == XSS_QUOTE


def test_json_for_script_escapes_markup_characters() -> None:
    text = json_for_script({"q": "</script> <!-- & -->", "b": "é"})
    assert text == '{"b":"é","q":"\\u003c/script\\u003e \\u003c!-- \\u0026 --\\u003e"}'
    assert json.loads(text) == {"q": "</script> <!-- & -->", "b": "é"}


def test_title_is_escaped() -> None:
    html = render_html(sample_store(), title='<b>"2+2" & co</b>').html
    assert "<title>&lt;b&gt;&quot;2+2&quot; &amp; co&lt;/b&gt;</title>" in html
    assert "<h1>&lt;b&gt;&quot;2+2&quot; &amp; co&lt;/b&gt;</h1>" in html
    assert embedded(html)["title"] == '<b>"2+2" & co</b>'


def test_markers_in_the_data_are_not_expanded() -> None:
    html = render_html(sample_store(xss_quote="see @@VIS_JS@@ and @@TITLE@@")).html
    assert embedded(html)["details"][C2]["quote"] == "see @@VIS_JS@@ and @@TITLE@@"
    assert html.count("@version 9.1.2") == 1


def test_same_store_same_bytes(page: str) -> None:
    assert render_html(sample_store(), title="alliance-kg").html == page
    assert render_html(sample_store(reverse=True), title="alliance-kg").html == page


def test_empty_store_renders_an_empty_graph() -> None:
    data = embedded(render_html(pyoxigraph.Store()).html)
    assert (data["nodes"], data["edges"], data["classes"], data["details"]) == ([], [], [], {})


def test_write_html_writes_the_page_atomically(tmp_path: Path, page: str) -> None:
    target = tmp_path / "out" / "graph.html"
    write_html(sample_store(), target, title="alliance-kg")
    assert target.read_bytes() == page.encode("utf-8")
    write_html(sample_store(), target, title="again")
    assert "<title>again</title>" in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in target.parent.iterdir()) == ["graph.html"]


def test_write_html_reports_an_unwritable_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(AkgError, match=r"file/graph\.html: cannot write the page: "):
        write_html(sample_store(), blocker / "graph.html")


def test_same_bytes_in_another_process(page: str) -> None:
    # Set iteration order depends on the hash seed; the page must not.
    script = (
        "import sys; sys.path.insert(0, 'tests'); from conftest_browser import sample_store; "
        "from alliance_kg.graph.render import render_html; "
        "sys.stdout.buffer.write(render_html(sample_store(reverse=True)).html.encode())"
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, check=True
    )
    assert out.stdout == page.encode("utf-8")
