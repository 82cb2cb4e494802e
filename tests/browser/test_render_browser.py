"""The rendered page in a real browser: Debian's chromium driven by Playwright, fully offline.

Needs /usr/bin/chromium (or the browser named by AKG_CHROMIUM); without it these tests fail,
unless AKG_SKIP_BROWSER=1 is set. The browser and page fixtures are in tests/browser/conftest.py,
``Visit`` in tests/browser/browser_visit.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import samples
from browser_visit import ARTIFACTS, Visit
from samples import C1, C2, DOC, JAPAN, MEETING, US, WASHINGTON

from alliance_kg.graph.load import load_paths
from alliance_kg.graph.render import NodeInfo, fill_template, page_data, write_html
from alliance_kg.graph.store import open_store
from alliance_kg.loaders.readers import sample_corpus_dir

pytestmark = pytest.mark.browser


def test_loads_offline_without_errors(visit: Visit) -> None:
    assert visit.outside == []
    assert visit.errors == []
    assert visit.page.title() == "2+2 <test> graph"
    assert visit.page.locator("h1").text_content() == "2+2 <test> graph"
    assert visit.js("akg.nodes.length") == samples.NODE_COUNT
    # The drawn edges, and two hidden party -> entity edges for the "hide commitments" view.
    assert visit.js("akg.edges.get({filter: e => !e.hidden}).length") == sum(
        samples.EDGE_COUNTS.values()
    )
    assert visit.js("akg.edges.get({filter: e => e.hidden}).map(e => e.id)") == ["d0", "d1"]
    assert visit.js("akg.network.body.data.nodes.length") == samples.NODE_COUNT
    # The layout settled and the physics was switched off.
    assert visit.js("akg.network.physics.physicsEnabled") is False
    assert visit.page.locator("#akg-summary").text_content() == "8 nodes, 12 edges"


def test_legend_lists_the_classes_present(visit: Visit) -> None:
    names = visit.page.locator("#akg-legend .akg-class-name").all_text_contents()
    assert names == ["Person", "State", "Place", "Meeting", "Document", "Commitment"]
    counts = visit.page.locator("#akg-legend .akg-count").all_text_contents()
    assert counts == ["(1)", "(2)", "(1)", "(1)", "(1)", "(2)"]


def test_unticking_a_class_hides_its_nodes(visit: Visit) -> None:
    hidden_states = "akg.nodes.get({filter: n => n.cls === 'State'}).map(n => !!n.hidden)"
    visible = "akg.network.body.nodeIndices.length"
    assert visit.js(hidden_states) == [False, False]
    assert visit.js(visible) == samples.NODE_COUNT
    visit.page.locator("#akg-legend li[data-cls='State'] input").uncheck()
    assert visit.js(hidden_states) == [True, True]
    assert visit.js(visible) == samples.NODE_COUNT - 2
    assert visit.js("akg.nodes.get({filter: n => n.hidden}).length") == 2
    visit.page.locator("#akg-legend li[data-cls='State'] input").check()
    assert visit.js(hidden_states) == [False, False]
    assert visit.js(visible) == samples.NODE_COUNT


def test_search_selects_and_focuses_a_node(visit: Visit) -> None:
    visit.page.locator("#akg-search").fill("japan")
    visit.page.locator("#akg-search").press("Enter")
    assert visit.js("akg.network.getSelectedNodes()") == [JAPAN]
    # The view moves (animated) until Japan is in its centre.
    visit.page.wait_for_function(
        "(id) => { const v = akg.network.getViewPosition();"
        " const p = akg.network.getPositions([id])[id];"
        " return Math.abs(v.x - p.x) < 1 && Math.abs(v.y - p.y) < 1; }",
        arg=JAPAN,
        timeout=5000,
    )
    assert visit.page.locator("#akg-panel h3").text_content() == "Japan"
    panel = visit.panel_text()
    assert "Japanese government" in panel
    assert "Commitments concerning it" in panel
    # Another name finds the node too, and a miss says so.
    visit.page.locator("#akg-search").fill("U.S.")
    visit.page.locator("#akg-search").press("Enter")
    assert visit.js("akg.network.getSelectedNodes()") == [US]
    visit.page.locator("#akg-search").fill("no such thing")
    visit.page.locator("#akg-search").press("Enter")
    assert visit.page.locator("#akg-search-status").text_content() == "No match"


def _node_point(visit: Visit, iri: str) -> tuple[float, float]:
    """Where the node is on the screen, after centring the view on it."""
    visit.js("(id) => akg.network.focus(id, {scale: 1.5})", iri)
    box = visit.page.locator("#akg-network").bounding_box()
    dom = visit.js("(id) => akg.network.canvasToDOM(akg.network.getPositions([id])[id])", iri)
    return box["x"] + dom["x"], box["y"] + dom["y"]


def _click_node(visit: Visit, iri: str) -> None:
    visit.page.mouse.click(*_node_point(visit, iri))


def test_clicking_a_commitment_shows_its_quote(visit: Visit) -> None:
    _click_node(visit, C1)
    assert visit.js("akg.network.getSelectedNodes()") == [C1]
    assert visit.page.locator("#akg-panel blockquote").text_content() == samples.C1_QUOTE
    panel = visit.panel_text()
    for text in (
        "Reaffirmation",
        "United States",
        "Security Consultative Committee, 2023-01-11",
        "2023-01-11",
        "Joint Statement of the Security Consultative Committee",
    ):
        assert text in panel
    # A party in the panel is a link to its node.
    visit.page.locator("#akg-panel button", has_text="United States").first.click()
    assert visit.js("akg.network.getSelectedNodes()") == [US]
    ARTIFACTS.mkdir(exist_ok=True)
    _click_node(visit, C1)
    visit.js("akg.network.fit()")
    # Rest the pointer on an empty corner of the canvas, so no tooltip covers the graph.
    box = visit.page.locator("#akg-network").bounding_box()
    visit.page.mouse.move(box["x"] + 8, box["y"] + 8)
    visit.page.wait_for_timeout(300)
    visit.page.screenshot(path=str(ARTIFACTS / "render.png"))


def test_xss_payloads_stay_text(visit: Visit) -> None:
    _click_node(visit, C2)
    assert visit.js("akg.network.getSelectedNodes()") == [C2]
    assert visit.page.locator("#akg-panel blockquote").text_content() == samples.XSS_QUOTE
    assert samples.XSS_QUOTE in visit.panel_text()
    assert visit.page.locator("#akg-panel img, #akg-panel script").count() == 0
    # The tooltip shows the quote as text too.
    x, y = _node_point(visit, C2)
    visit.page.mouse.move(x + 2, y + 2)
    tip = visit.page.locator("div.vis-tooltip")
    tip.wait_for(state="visible")
    assert "Opposition by party" in str(tip.text_content())
    assert samples.XSS_QUOTE[:60] in str(tip.text_content())
    assert tip.locator("img, script").count() == 0
    assert visit.js("typeof window.pwned") == "undefined"
    assert visit.page.locator("body img").count() == 0
    assert visit.errors == []
    assert visit.outside == []


HIDDEN = "akg.nodes.get({filter: n => n.hidden}).map(n => n.id).sort()"
SHOWN_EDGES = "akg.network.body.edgeIndices.length"


def test_commitment_type_filter_hides_commitments_of_that_type_only(visit: Visit) -> None:
    assert visit.page.locator("#akg-types span").all_text_contents() == [
        "Reaffirmation",
        "Opposition",
    ]
    visit.page.locator("#akg-types li[data-type='Reaffirmation'] input").uncheck()
    assert visit.js(HIDDEN) == [C1]
    assert visit.page.locator("#akg-summary").text_content() == "8 nodes, 12 edges (7 nodes shown)"
    visit.page.locator("#akg-types li[data-type='Opposition'] input").uncheck()
    assert visit.js(HIDDEN) == sorted([C1, C2])
    visit.page.locator("#akg-types li[data-type='Reaffirmation'] input").check()
    assert visit.js(HIDDEN) == [C2]


def test_date_range_hides_what_falls_outside(visit: Visit) -> None:
    assert visit.page.locator("#akg-date-from").input_value() == "2023-01-11"
    assert visit.page.locator("#akg-date-to").input_value() == "2023-01-11"
    visit.page.locator("#akg-date-from").fill("2023-01-12")
    visit.page.locator("#akg-date-from").dispatch_event("change")
    # Commitments, the meeting and the document are dated; entities never hide by date.
    assert visit.js(HIDDEN) == sorted([C1, C2, MEETING, DOC])
    visit.page.locator("#akg-date-from").fill("2023-01-01")
    visit.page.locator("#akg-date-from").dispatch_event("change")
    assert visit.js(HIDDEN) == []


def test_hiding_commitments_draws_parties_to_what_they_concern(visit: Visit) -> None:
    before = visit.js(SHOWN_EDGES)
    visit.page.locator("#akg-direct").check()
    assert visit.js(HIDDEN) == sorted([C1, C2])
    direct = "akg.edges.get({filter: e => !e.hidden && e.id.startsWith('d')})"
    assert visit.js(direct + ".map(e => [e.from, e.to, e.label])") == [
        [JAPAN, US, "Opposition"],
        [US, JAPAN, "Reaffirmation"],
    ]
    # The type filter applies to the direct edges too.
    visit.page.locator("#akg-types li[data-type='Opposition'] input").uncheck()
    assert visit.js(direct + ".length") == 1
    visit.page.locator("#akg-direct").uncheck()
    visit.page.locator("#akg-types li[data-type='Opposition'] input").check()
    assert visit.js(HIDDEN) == []
    assert visit.js(SHOWN_EDGES) == before


def test_search_brings_the_neighbourhood_into_view(visit: Visit) -> None:
    visit.page.locator("#akg-search").fill("Washington")
    visit.page.locator("#akg-search").press("Enter")
    assert visit.js("akg.network.getSelectedNodes()") == [WASHINGTON]
    assert visit.js("akg.neighbourhood") == [MEETING]
    visit.page.wait_for_timeout(600)
    box = visit.page.locator("#akg-network").bounding_box()
    for iri in (WASHINGTON, MEETING):
        point = visit.js("(id) => akg.network.canvasToDOM(akg.network.getPositions([id])[id])", iri)
        assert 0 <= point["x"] <= box["width"] and 0 <= point["y"] <= box["height"], iri
    # A node hidden by a filter is shown again when searched for.
    visit.page.locator("#akg-types li[data-type='Reaffirmation'] input").uncheck()
    visit.js("(id) => akg.select(id)", C1)
    assert visit.js(HIDDEN) == []


@pytest.fixture(scope="module")
def corpus_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    folder = tmp_path_factory.mktemp("corpus")
    store = open_store(folder / "store")
    load_paths(store, [sample_corpus_dir()])
    page = write_html(store, folder / "corpus.html", title="U.S.-Japan 2+2 statements")
    return folder / "corpus.html", page.nodes, page.edges


def test_bundled_corpus_page_works_offline_and_is_kept_as_a_screenshot(
    browser: Any, corpus_page: tuple[Path, int, int]
) -> None:
    path, node_count, edge_count = corpus_page
    visit = Visit(browser, path)
    try:
        assert visit.outside == [] and visit.errors == []
        assert visit.js("akg.nodes.length") == node_count
        assert visit.js("akg.edges.get({filter: e => !e.hidden}).length") == edge_count
        assert visit.js("akg.data.fixed") is False
        visit.page.locator("#akg-search").fill("Okinawa")
        visit.page.locator("#akg-search").press("Enter")
        visit.page.wait_for_timeout(800)
        ARTIFACTS.mkdir(exist_ok=True)
        visit.page.screenshot(path=str(ARTIFACTS / "corpus-okinawa.png"))
        visit.js("akg.network.fit()")
        box = visit.page.locator("#akg-network").bounding_box()
        visit.page.mouse.move(box["x"] + 8, box["y"] + 8)
        visit.page.wait_for_timeout(300)
        visit.page.screenshot(path=str(ARTIFACTS / "corpus.png"))
    finally:
        visit.context.close()


TIMELINE_TAB = "#akg-tab-timeline"


def _mark(visit: Visit, iri: str) -> Any:
    return visit.page.locator(f'#akg-timeline .akg-tl-mark[data-id="{iri}"]')


def test_timeline_view_of_the_sample(visit: Visit) -> None:
    assert visit.page.locator("#akg-timeline").is_hidden()
    visit.page.locator(TIMELINE_TAB).click()
    assert visit.page.locator("#akg-timeline").is_visible()
    assert visit.page.locator(TIMELINE_TAB).get_attribute("aria-selected") == "true"
    assert visit.page.locator("#akg-tab-network").get_attribute("aria-selected") == "false"
    # The class legend does not apply to the timeline and is put away.
    assert visit.page.locator("#akg-classes").is_hidden()
    assert visit.page.locator(".akg-tl-meeting .akg-tl-date").all_text_contents() == ["2023-01-11"]
    assert visit.page.locator(".akg-tl-lane").all_text_contents() == [
        "Stated once: Reaffirmation",
        "Stated once: Opposition",
    ]
    assert visit.page.locator(".akg-tl-mark").count() == 2
    assert visit.page.locator(".akg-tl-meeting .akg-tl-count").all_text_contents() == [
        "2 commitments",
        "2 new, 0 restated",
    ]
    # Hovering a mark shows its gist, parties, meeting, date, file and quote, as text.
    _mark(visit, C2).hover()
    tip = visit.page.locator("#akg-tl-tip")
    tip.wait_for(state="visible")
    assert tip.locator("div").all_text_contents() == [
        "Types: Opposition",
        "Parties: Japan",
        "Meeting: Security Consultative Committee, 2023-01-11",
        "Date: 2023-01-11",
        "File: doc-a.txt",
        samples.XSS_QUOTE[:89].rstrip() + "\u2026",
    ]
    assert tip.locator("strong").text_content() == "Opposition: United States"
    # Clicking it shows the commitment in the side panel.
    _mark(visit, C2).click()
    assert visit.page.locator("#akg-panel blockquote").text_content() == samples.XSS_QUOTE
    assert visit.page.locator("#akg-panel h3").text_content() == "Opposition by party"
    assert "doc-a.txt" in visit.panel_text()
    assert (
        visit.page.locator("#akg-timeline img, #akg-timeline script, #akg-panel img").count() == 0
    )
    assert visit.js("typeof window.pwned") == "undefined"
    # The type filter applies: unticking Opposition leaves one lane and one mark.
    visit.page.locator("#akg-types li[data-type='Opposition'] input").uncheck()
    assert visit.page.locator(".akg-tl-lane").all_text_contents() == ["Stated once: Reaffirmation"]
    assert visit.page.locator(".akg-tl-mark").count() == 1
    assert visit.page.locator("#akg-tl-legend li.akg-off").all_text_contents() == ["Opposition"]
    # So does the legend of the timeline, which ticks the sidebar's box.
    visit.page.locator("#akg-tl-legend li[data-type='Opposition']").click()
    assert visit.page.locator("#akg-types li[data-type='Opposition'] input").is_checked()
    assert visit.page.locator(".akg-tl-mark").count() == 2
    # A date range that leaves out the meeting empties the view.
    visit.page.locator("#akg-date-to").fill("2023-01-10")
    visit.page.locator("#akg-date-to").dispatch_event("change")
    assert visit.page.locator(".akg-tl-mark").count() == 0
    assert visit.page.locator("#akg-tl-empty").text_content() == (
        "No meeting or commitment to place on a timeline."
    )
    visit.page.locator("#akg-tab-network").click()
    assert visit.page.locator("#akg-timeline").is_hidden()
    assert visit.page.locator("#akg-classes").is_visible()
    assert visit.errors == [] and visit.outside == []


def test_search_in_the_timeline_selects_the_mark(visit: Visit) -> None:
    visit.page.locator(TIMELINE_TAB).click()
    visit.page.locator("#akg-search").fill("unwavering commitment")
    visit.page.locator("#akg-search").press("Enter")
    assert visit.js("akg.timeline.selected") == C1
    assert visit.page.locator(".akg-tl-mark.akg-selected").get_attribute("data-id") == C1
    assert visit.page.locator("#akg-panel blockquote").text_content() == samples.C1_QUOTE
    # A node that is not a commitment is shown in the network view.
    visit.page.locator("#akg-search").fill("Japan")
    visit.page.locator("#akg-search").press("Enter")
    assert visit.page.locator("#akg-timeline").is_hidden()
    assert visit.js("akg.network.getSelectedNodes()") == [JAPAN]


def test_timeline_opens_from_the_address(browser: Any, page_file: Path) -> None:
    visit = Visit(browser, page_file, "#timeline")
    try:
        assert visit.page.locator("#akg-timeline").is_visible()
        assert visit.page.locator(".akg-tl-mark").count() == 2
    finally:
        visit.context.close()


def _expected_counts(timeline: dict[str, Any]) -> list[str]:
    """The column heads' counts, worked out here from the page data: commitments at each
    meeting; new (in no lineage, or one no earlier meeting stated) and restated; and how many
    of the previous meeting's were not stated again (in no lineage, or one left out here)."""
    chained = {k for k, lane in enumerate(timeline["lanes"]) if lane["lineage"]}
    at = [[m for m in timeline["marks"] if m["meeting"] == k] for k in range(3)]
    out: list[str] = []
    seen: set[int] = set()
    for k, here in enumerate(at):
        fresh = sum(m["lane"] not in chained or m["lane"] not in seen for m in here)
        out += [f"{len(here)} commitments", f"{fresh} new, {len(here) - fresh} restated"]
        if k:
            lanes_here = {m["lane"] for m in here}
            gone = sum(m["lane"] not in chained or m["lane"] not in lanes_here for m in at[k - 1])
            out.append(f"{gone} not stated again")
        seen |= {m["lane"] for m in here}
    return out


def test_bundled_corpus_timeline(browser: Any, corpus_page: tuple[Path, int, int]) -> None:
    visit = Visit(browser, corpus_page[0])
    try:
        visit.page.locator(TIMELINE_TAB).click()
        timeline = visit.js("akg.data.timeline")
        lanes = [lane["label"] for lane in timeline["lanes"]]
        # Three meeting columns, left to right in date order.
        columns = visit.page.locator(".akg-tl-meeting")
        assert columns.count() == 3
        assert visit.page.locator(".akg-tl-meeting .akg-tl-date").all_text_contents() == [
            "2022-01-07",
            "2023-01-11",
            "2024-07-28",
        ]
        xs = [columns.nth(k).bounding_box()["x"] for k in range(3)]
        assert xs == sorted(xs)
        assert visit.page.locator(".akg-tl-meeting .akg-tl-count").all_text_contents() == (
            _expected_counts(timeline)
        )
        assert [c for c in _expected_counts(timeline) if c.endswith(" commitments")] == [
            "13 commitments",
            "54 commitments",
            "39 commitments",
        ]
        # One labelled lane per lineage and per type of lone statement, one mark per commitment.
        assert visit.page.locator(".akg-tl-lane").count() == len(lanes) > 6
        assert visit.page.locator(".akg-tl-lane-name > title").all_text_contents()[0] == (
            lanes[0] + " (stated at 2 meetings, 2022-01-07 to 2023-01-11)"
        )
        assert visit.page.locator(".akg-tl-mark").count() == 106
        assert visit.js("[akg.timeline.columns, akg.timeline.lanes, akg.timeline.drawn]") == [
            3,
            len(lanes),
            106,
        ]
        # No two marks overlap, and no lane label runs into the plot.
        closest = visit.js(
            """() => {
              const c = Array.from(document.querySelectorAll('.akg-tl-mark circle'))
                .map(e => [Number(e.getAttribute('cx')), Number(e.getAttribute('cy'))]);
              let least = Infinity;
              for (let i = 0; i < c.length; i++) for (let j = i + 1; j < c.length; j++)
                least = Math.min(least, Math.hypot(c[i][0] - c[j][0], c[i][1] - c[j][1]));
              return least; }"""
        )
        assert closest >= 11
        widest = visit.js(
            "Math.max(...Array.from(document.querySelectorAll('.akg-tl-lane'))"
            ".map(t => t.getBBox().x + t.getBBox().width))"
        )
        first_mark = visit.js(
            "Math.min(...Array.from(document.querySelectorAll('.akg-tl-mark circle'))"
            ".map(c => Number(c.getAttribute('cx')) - Number(c.getAttribute('r'))))"
        )
        assert widest < first_mark
        # Article V: reaffirmed in 2023 and 2024, two marks joined by a line.
        lane = lanes.index("Reaffirmation: Article V, Japan, Japan-U.S. Security Treaty")
        ids = visit.js(f"akg.data.timeline.marks.filter(m => m.lane === {lane}).map(m => m.id)")
        assert len(ids) == 2
        _mark(visit, ids[0]).click()
        quote = visit.js("(id) => akg.data.details[id].quote", ids[0])
        assert visit.page.locator("#akg-panel blockquote").text_content() == quote
        assert "Article V" in quote
        assert visit.outside == [] and visit.errors == []
        visit.page.mouse.move(5, 5)
        ARTIFACTS.mkdir(exist_ok=True)
        visit.page.screenshot(path=str(ARTIFACTS / "corpus-timeline.png"))
    finally:
        visit.context.close()


def large_nodes(entities: int = 100, commitments: int = 500) -> dict[str, NodeInfo]:
    """A made-up graph over the size from which pages get a fixed layout."""
    base = "https://w3id.org/alliance-kg/id/"
    nodes: dict[str, NodeInfo] = {}
    for i in range(entities):
        node = NodeInfo(f"{base}state/s{i}", "State")
        node.values["prefLabel"].add(f"State {i}")
        nodes[node.iri] = node
    for i in range(commitments):
        c = NodeInfo(f"{base}commitment/doc/{i}", "Commitment")
        c.values["commitmentType"].add(AKG_NS + ("Pledge" if i % 2 else "Reaffirmation"))
        c.values["quote"].add(f"Made-up commitment {i}.")
        for prop, j in (("madeBy", i % entities), ("concerns", (i * 7 + 3) % entities)):
            target = f"{base}state/s{j}"
            c.out[prop].add(target)
            nodes[target].into[prop].add(c.iri)
        nodes[c.iri] = c
    return nodes


AKG_NS = "https://w3id.org/alliance-kg/ontology#"


def test_large_graph_gets_a_fixed_layout_and_is_ready_at_once(browser: Any, tmp_path: Path) -> None:
    nodes = large_nodes()
    payload = page_data(nodes, title="large")
    path = tmp_path / "large.html"
    path.write_text(fill_template(payload, title="large"), encoding="utf-8")
    visit = Visit(browser, path)
    try:
        assert visit.outside == [] and visit.errors == []
        assert visit.js("akg.data.fixed") is True
        assert visit.js("akg.nodes.length") == 600
        assert visit.js("akg.network.physics.physicsEnabled") is False
        # Every node is where the page put it: no physics moved it.
        first = sorted(nodes)[0]
        placed = visit.js("(id) => akg.nodes.get(id)", first)
        drawn = visit.js("(id) => akg.network.getPositions([id])[id]", first)
        assert (drawn["x"], drawn["y"]) == (placed["x"], placed["y"])
        # Tooltips are built on the first hover.
        assert "title" not in placed
        x, y = _node_point(visit, first)
        visit.page.mouse.move(x, y)
        visit.page.mouse.move(x + 1, y + 1)
        tip = visit.page.locator("div.vis-tooltip")
        tip.wait_for(state="visible")
        box = visit.page.locator("#akg-network").bounding_box()
        under = visit.js(
            "(p) => akg.network.getNodeAt(p)", {"x": x + 1 - box["x"], "y": y + 1 - box["y"]}
        )
        assert visit.js("(id) => akg.data.details[id].label", under) in str(tip.text_content())
    finally:
        visit.context.close()


def test_bundled_corpus_page_with_network_measures(browser: Any, tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    load_paths(store, [sample_corpus_dir()])
    path = tmp_path / "measures.html"
    write_html(store, path, title="U.S.-Japan 2+2 statements", measures=True)
    visit = Visit(browser, path)
    try:
        assert visit.outside == [] and visit.errors == []
        note = visit.page.locator("#akg-classes .akg-measured")
        assert note.text_content() == (
            "Entities sized by betweenness and coloured by community (akg analyze)."
        )
        alliance = "https://w3id.org/alliance-kg/id/organization/u-s-japan-alliance"
        drawn = visit.js("(id) => akg.nodes.get(id)", alliance)
        assert (drawn["size"], drawn["color"]["background"]) == (40, "#1f77b4")
        # The vis-network canvas draws it in that colour (read back from its own node body).
        body = visit.js("(id) => akg.network.body.nodes[id].options.color.background", alliance)
        assert body == "#1f77b4"
        visit.page.locator("#akg-search").fill("U.S.-Japan Alliance")
        visit.page.locator("#akg-search").press("Enter")
        visit.page.wait_for_timeout(800)
        assert "Betweenness0.116" in visit.panel_text().replace(" ", "")
        ARTIFACTS.mkdir(exist_ok=True)
        visit.page.screenshot(path=str(ARTIFACTS / "corpus-measures.png"))
    finally:
        visit.context.close()
