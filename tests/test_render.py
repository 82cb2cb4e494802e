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
from samples import (
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
from alliance_kg.graph.load import load_paths
from alliance_kg.graph.page_timeline import Lineage, TimelineFacts, timeline_data
from alliance_kg.graph.render import (
    NodeInfo,
    Selection,
    json_for_script,
    render_html,
    write_html,
)
from alliance_kg.loaders.readers import sample_corpus_dir

AKG_NS = "https://w3id.org/alliance-kg/ontology#"

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
        "<script>",
    ]
    assert page.count("</script>") == 4


def test_content_security_policy_allows_only_the_inline_scripts(page: str) -> None:
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = csp.group(1)
    assert policy.startswith("default-src 'none'; script-src 'sha256-")
    assert "unsafe-eval" not in policy and "script-src 'unsafe-inline'" not in policy
    # vis-network, the network view's script and the timeline view's.
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 3
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
    # A commitment is named by its first type and what it concerns; a meeting's label is whole
    # (43 characters, over the 40 other labels are shortened to).
    assert nodes[C1]["label"] == "Reaffirmation: Japan"
    assert nodes[C2]["label"] == "Opposition: United States"
    assert nodes[MEETING]["label"] == "Security Consultative Committee, 2023-01-11"
    assert nodes[DOC]["label"] == "Joint Statement of the Security Consult\u2026"
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
        ["File", ["doc-a.txt"]],
    ]
    assert c1["gist"] == "Reaffirmation: Japan"
    assert c1["label"] == "Reaffirmation by party"
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
        "import sys; sys.path.insert(0, 'tests'); from samples import sample_store; "
        "from alliance_kg.graph.render import render_html; "
        "sys.stdout.buffer.write(render_html(sample_store(reverse=True)).html.encode())"
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, check=True
    )
    assert out.stdout == page.encode("utf-8")


# ---- the timeline view -------------------------------------------------------------------


def test_timeline_of_the_sample(page: str) -> None:
    # No lineage in the sample: each commitment is in the lane of its type's lone statements.
    assert embedded(page)["timeline"] == {
        "meetings": [
            {
                "id": MEETING,
                "label": "Security Consultative Committee, 2023-01-11",
                "date": "2023-01-11",
            }
        ],
        "lanes": [
            {
                "id": "once/Reaffirmation",
                "label": "Stated once: Reaffirmation",
                "type": "Reaffirmation",
                "lineage": False,
            },
            {
                "id": "once/Opposition",
                "label": "Stated once: Opposition",
                "type": "Opposition",
                "lineage": False,
            },
        ],
        "marks": [
            {"id": C1, "lane": 0, "meeting": 0, "type": "Reaffirmation"},
            {"id": C2, "lane": 1, "meeting": 0, "type": "Opposition"},
        ],
        "types": [
            {"name": "Reaffirmation", "colour": "#4e79a7"},
            {"name": "Opposition", "colour": "#e15759"},
        ],
    }


def _node(iri: str, cls: str, **values: str) -> NodeInfo:
    node = NodeInfo(iri, cls)
    for key, value in values.items():
        node.values[key].add(value)
    return node


def test_timeline_orders_meetings_lanes_and_marks() -> None:
    base = "https://w3id.org/alliance-kg/id/"
    m22, m23 = base + "meeting/s/2022-01-07", base + "meeting/s/2023-01-11"
    undated = base + "meeting/s/undated-doc"
    nodes = {
        m23: _node(m23, "Meeting", label="S, 2023-01-11", date="2023-01-11"),
        undated: _node(undated, "Meeting", label="S (undated)"),
        m22: _node(m22, "Meeting", label="S, 2022-01-07", date="2022-01-07"),
    }
    marks = {  # commitment: (types, meeting)
        "c/doc/10-20": ({"Pledge"}, m22),
        "c/doc/9-15": ({"Reaffirmation", "Pledge"}, m23),
        "c/doc/100-120": ({"Reaffirmation"}, m23),
        "c/doc/30-40": ({"Opposition"}, undated),
        "c/doc/50-60": ({"Request"}, None),
        "c/doc/70-80": ({"Reaffirmation"}, m23),
        "c/doc/90-95": ({"Reaffirmation"}, m23),
    }
    for name, (types, meeting) in marks.items():
        node = NodeInfo(base + name, "Commitment")
        node.values["commitmentType"] |= {AKG_NS + t for t in types}
        if meeting:
            node.out["atMeeting"].add(meeting)
        nodes[node.iri] = node
    early = Lineage(base + "lineage/a", "Pledge: Japan", "2022-01-07", "2023-01-11", 2)
    late = Lineage(base + "lineage/b", "Words without a type", "2023-01-11", "2023-01-11", 1)
    lineages = {
        base + "c/doc/10-20": early,
        base + "c/doc/9-15": early,
        base + "c/doc/100-120": late,
        base + "c/doc/70-80": late,
    }
    timeline = timeline_data(nodes, TimelineFacts(lineages))
    # Dated meetings in date order, then the undated, then the commitments without a meeting.
    assert timeline["meetings"] == [
        {"id": m22, "label": "S, 2022-01-07", "date": "2022-01-07"},
        {"id": m23, "label": "S, 2023-01-11", "date": "2023-01-11"},
        {"id": undated, "label": "S (undated)", "date": None},
        {"id": None, "label": "No meeting", "date": None},
    ]
    # Lineages by the meeting they were first stated at; then lone statements in type order.
    assert [(lane["id"], lane["label"], lane["type"]) for lane in timeline["lanes"]] == [
        (base + "lineage/a", "Pledge: Japan", "Pledge"),
        (base + "lineage/b", "Words without a type", "Reaffirmation"),
        ("once/Reaffirmation", "Stated once: Reaffirmation", "Reaffirmation"),
        ("once/Opposition", "Stated once: Opposition", "Opposition"),
        ("once/Request", "Stated once: Request", "Request"),
    ]
    assert timeline["lanes"][0] == {
        "id": base + "lineage/a",
        "label": "Pledge: Japan",
        "type": "Pledge",
        "lineage": True,
        "first": "2022-01-07",
        "last": "2023-01-11",
        "meetings": 2,
    }
    # A mark is coloured by the commitment's first type (alphabetically, as in its gist).
    assert [
        (m["id"].removeprefix(base), m["lane"], m["meeting"], m["type"]) for m in timeline["marks"]
    ] == [
        ("c/doc/10-20", 0, 0, "Pledge"),
        ("c/doc/9-15", 0, 1, "Pledge"),
        ("c/doc/70-80", 1, 1, "Reaffirmation"),
        ("c/doc/100-120", 1, 1, "Reaffirmation"),
        ("c/doc/90-95", 2, 1, "Reaffirmation"),
        ("c/doc/30-40", 3, 2, "Opposition"),
        ("c/doc/50-60", 4, 3, "Request"),
    ]
    assert [t["name"] for t in timeline["types"]] == [
        "Reaffirmation",
        "Pledge",
        "Opposition",
        "Request",
    ]


@pytest.fixture(scope="module")
def corpus() -> tuple[pyoxigraph.Store, str]:
    store = pyoxigraph.Store()
    load_paths(store, [sample_corpus_dir()])
    return store, render_html(store, title="U.S.-Japan 2+2 statements").html


def _count(store: pyoxigraph.Store, where: str) -> int:
    prologue = "PREFIX akg: <https://w3id.org/alliance-kg/ontology#>\n"
    result = store.query(prologue + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")
    assert isinstance(result, pyoxigraph.QuerySolutions)
    return int(next(iter(result))["n"].value)  # type: ignore[union-attr]


def test_timeline_of_the_bundled_corpus(corpus: tuple[pyoxigraph.Store, str]) -> None:
    store, page = corpus
    data = embedded(page)
    timeline = data["timeline"]
    base = "https://w3id.org/alliance-kg/id/meeting/security-consultative-committee/"
    assert timeline["meetings"] == [
        {"id": base + d, "label": f"Security Consultative Committee, {d}", "date": d}
        for d in ("2022-01-07", "2023-01-11", "2024-07-28")
    ]
    lanes = timeline["lanes"]
    chained = [lane for lane in lanes if lane["lineage"]]
    assert len(chained) == _count(store, "?x a akg:Lineage") > 0
    result = store.query(
        "SELECT ?label WHERE { ?l a <https://w3id.org/alliance-kg/ontology#Lineage> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    assert isinstance(result, pyoxigraph.QuerySolutions)
    assert sorted(lane["label"] for lane in chained) == sorted(row["label"].value for row in result)  # type: ignore[union-attr]
    # Lineage lanes first, then one lane per type of the commitments stated once.
    assert lanes[: len(chained)] == chained
    assert [lane["label"] for lane in lanes[len(chained) :]] == [
        "Stated once: Reaffirmation",
        "Stated once: Pledge",
        "Stated once: Endorsement",
        "Stated once: Opposition",
        "Stated once: Announcement",
        "Stated once: Request",
    ]
    # One mark per commitment, in the column of its meeting.
    marks = timeline["marks"]
    assert len(marks) == len({m["id"] for m in marks}) == _count(store, "?x a akg:Commitment")
    assert len(marks) == 106
    dates = {n["id"]: n.get("date") for n in data["nodes"]}
    assert all(timeline["meetings"][m["meeting"]]["date"] == dates[m["id"]] for m in marks)
    assert [sum(m["meeting"] == k for m in marks) for k in range(3)] == [13, 54, 39]
    # Lanes are in the order their lineage was first stated, and marks sorted by lane.
    first = [min(m["meeting"] for m in marks if m["lane"] == k) for k in range(len(chained))]
    assert first == sorted(first)
    assert marks == sorted(marks, key=lambda m: (m["lane"], m["meeting"]))
    # Article V was reaffirmed at the 2023 and the 2024 meeting.
    article_v = [
        k for k, lane in enumerate(lanes) if lane["label"].startswith("Reaffirmation: Article V")
    ]
    assert len(article_v) == 1
    assert [m["meeting"] for m in marks if m["lane"] == article_v[0]] == [1, 2]
    assert (
        lanes[article_v[0]]["label"]
        == "Reaffirmation: Article V, Japan, Japan-U.S. Security Treaty"
    )
    assert (lanes[article_v[0]]["first"], lanes[article_v[0]]["last"]) == (
        "2023-01-11",
        "2024-07-28",
    )


def test_timeline_of_a_part_places_commitments_at_their_meetings(
    corpus: tuple[pyoxigraph.Store, str],
) -> None:
    # Okinawa and the commitments about it are drawn, not the meetings: the timeline still
    # has the columns of the meetings those commitments were stated at.
    page = render_html(corpus[0], selection=Selection(entity="Okinawa")).html
    data = embedded(page)
    assert sorted(n["cls"] for n in data["nodes"]) == ["Commitment"] * 3 + ["Place"]
    timeline = data["timeline"]
    assert [m["date"] for m in timeline["meetings"]] == ["2023-01-11", "2024-07-28"]
    assert timeline["meetings"][0]["label"] == "Security Consultative Committee, 2023-01-11"
    assert len(timeline["marks"]) == 3
    for mark in timeline["marks"]:
        held_at = f"<{AKG_NS}atMeeting>/<http://purl.org/dc/terms/date>"
        result = corpus[0].query(f"SELECT ?d WHERE {{ <{mark['id']}> {held_at} ?d }}")
        assert isinstance(result, pyoxigraph.QuerySolutions)
        held = [row["d"].value for row in result]  # type: ignore[union-attr]
        assert held == [timeline["meetings"][mark["meeting"]]["date"]]


def test_bundled_corpus_labels(corpus: tuple[pyoxigraph.Store, str]) -> None:
    nodes = {n["id"]: n for n in embedded(corpus[1])["nodes"]}
    meetings = sorted(n["label"] for n in nodes.values() if n["cls"] == "Meeting")
    assert meetings == [
        "Security Consultative Committee, 2022-01-07",
        "Security Consultative Committee, 2023-01-11",
        "Security Consultative Committee, 2024-07-28",
    ]
    # A commitment's canvas label is its gist, shortened to 40 characters.
    details = embedded(corpus[1])["details"]
    for iri, node in nodes.items():
        if node["cls"] == "Commitment":
            gist = details[iri]["gist"]
            assert node["label"] == (gist if len(gist) <= 40 else gist[:39].rstrip() + "\u2026")
    # Worded like the lineages' labels: a lineage is named by the gist of its first statement,
    # whose IRI its own repeats (id:lineage/<doc>/<span> for id:commitment/<doc>/<span>).
    result = corpus[0].query(
        "SELECT ?l ?label WHERE { ?l a <https://w3id.org/alliance-kg/ontology#Lineage> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    assert isinstance(result, pyoxigraph.QuerySolutions)
    labels = {row["l"].value: row["label"].value for row in result}  # type: ignore[union-attr]
    assert len(labels) == _count(corpus[0], "?x a akg:Lineage") > 0
    for iri, label in labels.items():
        assert details[iri.replace("/lineage/", "/commitment/")]["gist"] == label
    article_v = [n for n in nodes.values() if n["label"].startswith("Reaffirmation: Article V")]
    assert [n["label"] for n in article_v] == ["Reaffirmation: Article V, Japan, Japan-\u2026"] * 2


def test_bundled_corpus_same_bytes_in_another_process(corpus: tuple[pyoxigraph.Store, str]) -> None:
    script = (
        "import sys, pyoxigraph; from alliance_kg.graph.load import load_paths; "
        "from alliance_kg.loaders.readers import sample_corpus_dir; "
        "from alliance_kg.graph.render import render_html; s = pyoxigraph.Store(); "
        "load_paths(s, [sample_corpus_dir()]); "
        "sys.stdout.buffer.write(render_html(s, title='U.S.-Japan 2+2 statements').html.encode())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, check=True)
    assert out.stdout == corpus[1].encode("utf-8")
