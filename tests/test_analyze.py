"""Network analysis of the bundled corpus (``akg analyze``), the entity network's GraphML and
GEXF exports read back by networkx, and the export format taken from the file name."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from clirunner import akg

import alliance_kg

EXPECTED = Path(__file__).parent / "data" / "analyze"
#: Each expected file and the arguments of ``akg analyze`` that print it.
RUNS: dict[str, list[str]] = {
    "centrality-top10.txt": ["centrality", "--top", "10"],
    "centrality-aside.csv": ["centrality", "--set-aside-parties", "--format", "csv"],
    "communities-aside.txt": ["communities", "--set-aside-parties"],
    "path-taiwan-okinawa.txt": ["path", "Taiwan", "Okinawa"],
    "path-korea-senkaku-aside.json": [
        "path",
        "north korea",
        "Senkaku Islands",
        "--set-aside-parties",
        "--format",
        "json",
    ],  # fmt: skip
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_analysis_output_is_exact(corpus_store: Path, name: str, update_golden: bool) -> None:
    result = akg(corpus_store, "analyze", *RUNS[name])
    assert result.exit_code == 0, result.output
    if update_golden:
        (EXPECTED / name).write_bytes(result.stdout_bytes)
    assert result.output == (EXPECTED / name).read_text(encoding="utf-8")


def test_the_same_analysis_from_a_remote_server(corpus_store: Path, corpus_server: str) -> None:
    args = ["analyze", "centrality", "--set-aside-parties", "--format", "csv"]
    assert akg(corpus_server, *args).output == akg(corpus_store, *args).output


def test_the_states_that_met_dominate_until_set_aside(corpus_store: Path) -> None:
    kg = alliance_kg.open(corpus_store)
    rows = kg.analyze("centrality", top=3)
    assert [(r["entity"], r["betweenness"]) for r in rows[:2]] == [
        ("Japan", 0.453648),
        ("United States", 0.453648),
    ]
    assert rows[2]["betweenness"] < 0.01
    aside = kg.analyze("centrality", set_aside_parties=True)
    assert "Japan" not in {r["entity"] for r in aside}
    assert aside[0]["entity"] == "U.S.-Japan Alliance"
    graph = kg.network()
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (68, 229)
    assert graph.nodes["https://w3id.org/alliance-kg/id/state/japan"]["commitments"] == 104


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["path", "Taiwan", "Atlantis"], "Error: no entity named 'Atlantis' in the network\n"),
        (
            ["path", "Taiwan", "Okinawa", "--set-aside-parties"],
            "Error: no chain of commitments joins Taiwan and Okinawa\n",
        ),
        (["path", "japan", "Japan"], "Error: give two different entities\n"),
        (
            ["path", "Korea", "Japan"],
            "Error: no entity named 'Korea' in the network; did you mean Korean Peninsula, "
            "North Korea, Republic of Korea?\n",
        ),
    ],
)
def test_analysis_errors(corpus_store: Path, args: list[str], message: str) -> None:
    result = akg(corpus_store, "analyze", *args)
    assert (result.exit_code, result.output) == (1, message)


@pytest.mark.parametrize("suffix", ["graphml", "gexf"])
def test_network_files_open_in_networkx(corpus_store: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"network.{suffix}"
    result = akg(corpus_store, "export", "-o", str(out))
    assert (result.exit_code, result.output) == (0, f"Wrote {out}\n")
    graph = nx.read_graphml(out) if suffix == "graphml" else nx.read_gexf(out)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (68, 229)
    japan = graph.nodes["https://w3id.org/alliance-kg/id/state/japan"]
    okinawa = "https://w3id.org/alliance-kg/id/place/okinawa"
    assert japan["label"] == "Japan"
    assert (japan["type"], japan["commitments"], japan["community"]) == ("State", 104, 1)
    assert japan["betweenness"] == pytest.approx(0.453648)
    edge = graph.edges["https://w3id.org/alliance-kg/id/state/japan", okinawa]
    assert edge["weight"] == 3
    assert edge["commitment"].startswith("https://w3id.org/alliance-kg/id/commitment/")
    again = tmp_path / f"again.{suffix}"
    assert akg(corpus_store, "export", "-f", suffix, "-o", str(again)).exit_code == 0
    assert again.read_bytes() == out.read_bytes()
    assert b"lastmodifieddate" not in out.read_bytes()


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("g.nq", ox.RdfFormat.N_QUADS), ("g.nt", ox.RdfFormat.N_TRIPLES), ("g.rdf", None)],
)
def test_the_format_follows_the_file_name(
    corpus_store: Path, tmp_path: Path, name: str, fmt: ox.RdfFormat | None
) -> None:
    out = tmp_path / name
    assert akg(corpus_store, "export", "-o", str(out)).exit_code == 0
    data = out.read_bytes()
    if fmt is None:
        assert data.startswith(b"<?xml")
        fmt = ox.RdfFormat.RDF_XML
    quads = list(ox.parse(data, format=fmt))
    assert len(quads) > 1000
    if name.endswith(".nq"):
        assert all(str(q.graph_name).startswith("<https://w3id.org/alliance-kg/id/") for q in quads)


def test_a_format_that_contradicts_the_name_is_refused(corpus_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.nq"
    result = akg(corpus_store, "export", "-f", "turtle", "-o", str(out))
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {out}: the name says nquads but the format asked is turtle\n",
    )
    assert not out.exists()
    unknown = tmp_path / "graph.dat"
    result = akg(corpus_store, "export", "-o", str(unknown))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {unknown}: cannot tell the format from the name;")
    assert not unknown.exists()
    # A name without a known extension is fine when the format is given.
    assert akg(corpus_store, "export", "-f", "nt", "-o", str(unknown)).exit_code == 0
    assert unknown.read_bytes().startswith(b"<https://w3id.org/alliance-kg/id/")


def test_the_page_shows_the_measures_on_request(corpus_store: Path, tmp_path: Path) -> None:
    import json
    import re

    def payload(*flags: str) -> dict[str, object]:
        out = tmp_path / "page.html"
        assert akg(corpus_store, "render", "-o", str(out), *flags).exit_code == 0
        block = re.search(r'id="akg-data">(.*?)</script>', out.read_text(), re.S)
        assert block is not None
        data: dict[str, object] = json.loads(block.group(1))
        return data

    plain, measured = payload(), payload("--measures")
    alliance = "https://w3id.org/alliance-kg/id/organization/u-s-japan-alliance"
    by_id = {n["id"]: n for n in measured["nodes"]}  # type: ignore[attr-defined]
    assert not any("color" in n for n in plain["nodes"])  # type: ignore[attr-defined]
    # The most between entity (with the States that met set aside) is drawn largest, in the
    # colour of the first community; Japan is not in that network and keeps its usual style.
    assert by_id[alliance]["size"] == 40
    assert by_id[alliance]["color"]["background"] == "#1f77b4"
    assert "color" not in by_id["https://w3id.org/alliance-kg/id/state/japan"]
    assert sum("color" in n for n in by_id.values()) == 66
    rows = measured["details"][alliance]["rows"]  # type: ignore[index]
    assert rows[-3:] == [
        ["Betweenness", ["0.116"]],
        ["Degree centrality", ["0.123"]],
        ["Community", ["1"]],
    ]
