"""A drawn part read alone (graph/render_part.py) gives the page that reading every drawn
resource and cutting it down gives: the same bytes for meetings, entities at each depth, a
CONSTRUCT query's result, and the same errors."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg

from alliance_kg.errors import AkgError
from alliance_kg.graph import render_part
from alliance_kg.graph.page_timeline import read_timeline
from alliance_kg.graph.render import render_html
from alliance_kg.graph.render_payload import page_data
from alliance_kg.graph.render_select import Selection, read_nodes, select
from alliance_kg.graph.render_template import fill_template
from alliance_kg.graph.store import open_store
from alliance_kg.ontology import PREFIXES

SERIES = Path(__file__).parent / "data" / "series"

SELECTIONS = [
    *(
        Selection(entity=e, depth=d)
        for e in ("Okinawa", "JAPAN ", "Lloyd J. Austin III")
        for d in (0, 1, 2)
    ),
    Selection(entity="Atlantis"),
    Selection(entity="Japan", depth=-1),
    *(Selection(meeting=day) for day in ("2023-01-11", "2024-07-28", "2020-01-01", "July 2024")),
]
SERIES_SELECTIONS = [
    *(
        Selection(entity=e, depth=d)
        for e in ("Darwin", "Marise Payne", "Australia")
        for d in (1, 2)
    ),
    *(Selection(meeting=day) for day in ("2017-06-05", "2019-08-04", "2021-09-16")),
]
OPPOSED = (
    "CONSTRUCT { ?c akg:madeBy ?p } WHERE { ?c akg:madeBy ?p ; akg:commitmentType akg:Opposition }"
)


def _whole_then_cut(
    store: ox.Store, selection: Selection, constructed: Iterable[ox.Triple] | None = None
) -> str:
    """The page as made before parts were read alone: every drawn resource read, then cut."""
    nodes = select(read_nodes(store), selection, constructed)
    return fill_template(page_data(nodes, title="t", timeline=read_timeline(store)), title="t")


def _page(
    how: str, store: ox.Store, selection: Selection, constructed: list[ox.Triple] | None = None
) -> str:
    try:
        if how == "part":
            return render_html(store, title="t", selection=selection, constructed=constructed).html
        return _whole_then_cut(store, selection, constructed)
    except AkgError as exc:
        return f"Error: {exc}"


@pytest.mark.parametrize("selection", SELECTIONS, ids=repr)
def test_a_part_of_the_sample_corpus_is_the_page_cut_from_the_whole(
    corpus_store: Path, selection: Selection
) -> None:
    store = open_store(corpus_store, read_only=True)
    expected = _page("whole", store, selection)
    assert _page("part", store, selection) == expected
    refused = selection.entity == "Atlantis" or selection.depth < 0
    refused |= selection.meeting in ("2020-01-01", "July 2024")
    assert expected.startswith("Error: ") == refused


@pytest.mark.parametrize("selection", SERIES_SELECTIONS, ids=repr)
def test_a_part_of_a_series_is_the_page_cut_from_the_whole(
    tmp_path_factory: pytest.TempPathFactory, selection: Selection
) -> None:
    folder = tmp_path_factory.getbasetemp() / "series-store"
    if not folder.exists():
        assert akg(folder, "build", str(SERIES)).exit_code == 0
    store = open_store(folder, read_only=True)
    page = _page("part", store, selection)
    assert not page.startswith("Error: ")
    assert page == _page("whole", store, selection)


def test_a_construct_querys_part_is_the_page_cut_from_the_whole(corpus_store: Path) -> None:
    store = open_store(corpus_store, read_only=True)
    found = store.query(OPPOSED, prefixes=PREFIXES)
    assert isinstance(found, ox.QueryTriples)
    triples = list(found)
    selection = Selection(construct=OPPOSED)
    assert _page("part", store, selection, triples) == _page("whole", store, selection, triples)
    nothing = Selection(construct="CONSTRUCT {} WHERE {}", origin="q.rq")
    assert _page("part", store, nothing, []) == (
        "Error: q.rq: the query's result names no node of the graph; nothing to draw"
    )


def test_a_drawn_blank_node_makes_the_page_read_the_whole_graph(tmp_path: Path) -> None:
    # No query can name a blank node, so a store drawing one is read whole, as before.
    store = tmp_path / "store"
    assert akg(store, "build").exit_code == 0
    blank = "_:b a akg:Unit ; skos:prefLabel 'Okinawa'"
    update = f"INSERT DATA {{ GRAPH <https://example.org/g> {{ {blank} }} }}"
    assert akg(store, "update", update).exit_code == 0
    opened = open_store(store, read_only=True)
    assert render_part.read_part(opened, Selection(entity="Okinawa")) is None
    selection = Selection(entity="Okinawa", depth=1)
    page = _page("part", opened, selection)
    assert page == _page("whole", opened, selection)
    assert page.count('"Okinawa"') >= 2  # the blank node is drawn beside the place
