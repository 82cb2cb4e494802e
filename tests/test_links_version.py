"""A query that reads what a later corpus-level stage writes (``# needs links version: N``)
refuses a store whose links graph an older stage wrote, with an error saying how to bring it up
to date, instead of answering with no rows (``queries/version.py``)."""

from __future__ import annotations

import gc
from pathlib import Path

import pyoxigraph as ox
from clirunner import akg

from alliance_kg.graph.links import LINKS_GRAPH, LINKS_VERSION
from alliance_kg.ontology import PREFIXES
from alliance_kg.queries.cookbook import cookbook, parse_query_file
from alliance_kg.queries.version import needed_version

SERIES = Path(__file__).parent / "data" / "series"
OLDER = (
    "Error: this store's links graph was written by an earlier version of akg and lacks what "
    "the query reads; run `akg update 'INSERT DATA {}'` (or build the store again), "
    "then ask again\n"
)


def test_the_heading_declares_the_version_and_is_no_part_of_the_description() -> None:
    text = "# Counts.\n# needs links version: 2\n# More.\nSELECT * WHERE { ?s ?p ?o }\n"
    assert needed_version(text) == 2
    assert needed_version("# Counts.\nSELECT * WHERE { ?s ?p ?o }  # needs links version: 2") == 0
    assert parse_query_file("counts", text).description == "Counts. More."
    needing = sorted(name for name, q in cookbook().items() if needed_version(q.text))
    assert needing == ["co-occurrence", "commitments-by-party", "deadlines", "lineage", "timeline"]
    assert all(needed_version(cookbook()[name].text) <= LINKS_VERSION for name in needing)


def test_a_store_an_older_stage_wrote_is_refused_until_akg_update(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert akg(store, "build", str(SERIES)).exit_code == 0
    fresh = akg(store, "query", "-n", "co-occurrence", "--format", "csv")
    assert fresh.exit_code == 0
    assert len(fresh.output.splitlines()) > 1
    # What a store built before the version was stated holds: no akg:linksVersion anywhere.
    opened = ox.Store(str(store))
    version = f"<{PREFIXES['akg']}linksVersion>"
    opened.update(
        f"DELETE WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?s {version} ?v }} }} ; "
        f"DELETE WHERE {{ ?s {version} ?v }}"
    )
    before = set(opened)
    del opened
    gc.collect()
    for name in ("co-occurrence", "commitments-by-party", "deadlines", "timeline"):
        older = akg(store, "query", "-n", name, "--format", "csv")
        assert older.exit_code == 1
        assert older.output == OLDER
    timeline = akg(store, "timeline", "--format", "csv")
    assert (timeline.exit_code, timeline.output) == (1, OLDER)
    assert akg(store, "query", "-n", "meetings", "--format", "csv").exit_code == 0
    assert set(ox.Store.read_only(str(store))) == before
    # akg update runs the stage again: the graph states its version and the rows come back.
    # The update the message names, which changes no graph.
    assert akg(store, "update", "INSERT DATA {}").exit_code == 0
    again = akg(store, "query", "-n", "co-occurrence", "--format", "csv")
    assert again.exit_code == 0
    assert again.output == fresh.output
