"""``akg:previousMeeting`` (links graph): each dated meeting of a series mechanism points to the
meeting of its series held last before it, and the cookbook's ``dropped-since`` and
``new-at-meeting``, which follow that link, give exactly the rows of their former text, which
compared every meeting with every earlier one of its series."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg

from alliance_kg.graph.links.by_meeting import previous_meetings
from alliance_kg.graph.links.meetings import Meeting
from alliance_kg.ontology import PREFIXES
from alliance_kg.queries.bounded import run_on_store
from alliance_kg.queries.cookbook import get_query

SERIES = Path(__file__).parent / "data" / "series"
AUSMIN = "meeting/australia-united-states-ministerial-consultations/"

#: What the former texts said from the meetings up to the test of each commitment: every meeting
#: of the series before ?date and none between, and a FILTER NOT EXISTS.
FORMER = {
    "dropped-since": """
  ?m a akg:Meeting ; dct:date ?date ; akg:series ?series ; rdfs:label ?meeting .
  ?p a akg:Meeting ; akg:series ?series ; dct:date ?previous_date ; rdfs:label ?previous .
  FILTER(?previous_date < ?date)
  FILTER NOT EXISTS {
    ?between a akg:Meeting ; akg:series ?series ; dct:date ?betweenDate .
    FILTER(?betweenDate > ?previous_date && ?betweenDate < ?date)
  }
  ?c akg:atMeeting ?p ;
     akg:quote ?quote ;
     akg:commitmentType/skos:prefLabel ?typeName ;
     akg:statedIn/akg:sourceFile ?file .
  FILTER NOT EXISTS { ?c akg:inLineage ?l . ?later akg:inLineage ?l ; akg:atMeeting ?m }
""",
    "new-at-meeting": """
  ?m a akg:Meeting ; dct:date ?date ; akg:series ?series ; rdfs:label ?meeting .
  ?p a akg:Meeting ; akg:series ?series ; dct:date ?previousDate ; rdfs:label ?previous .
  FILTER(?previousDate < ?date)
  FILTER NOT EXISTS {
    ?between a akg:Meeting ; akg:series ?series ; dct:date ?betweenDate .
    FILTER(?betweenDate > ?previousDate && ?betweenDate < ?date)
  }
  ?c akg:atMeeting ?m ;
     akg:quote ?quote ;
     akg:commitmentType/skos:prefLabel ?typeName ;
     akg:statedIn/akg:sourceFile ?file .
  FILTER NOT EXISTS { ?c akg:inLineage ?l . ?earlier akg:inLineage ?l ; akg:atMeeting ?p }
""",
}
#: The former texts' last lines: each commitment's parties (the hash join whose order the
#: ``parties`` lists keep), closing the WHERE group.
PARTIES = "  OPTIONAL { ?c akg:madeBy/skos:prefLabel ?party }\n}\n"
DAYS = "SELECT DISTINCT ?d WHERE { ?m a akg:Meeting ; dct:date ?d }"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def _meeting(key: str, series: str | None, date: str | None) -> Meeting:
    return Meeting(key, series, (), date)


def test_each_dated_meeting_of_a_series_follows_the_last_one_before_it() -> None:
    meetings = [
        _meeting("a/2019", "scc", "2019-04-19"),
        _meeting("a/2023", "scc", "2023-01-11"),
        _meeting("a/2021", "scc", "2021-03-16"),
        _meeting("a/undated-x", "scc", None),
        _meeting("b/2020", "ausmin", "2020-07-28"),
        _meeting("b/2022", "ausmin", "2022-12-06"),
        _meeting("japan-united-states/2020", None, "2020-01-01"),
        _meeting("japan-united-states/2022", None, "2022-01-01"),
    ]
    got = previous_meetings({m.key: m for m in reversed(meetings)})
    assert got == [("a/2021", "a/2019"), ("a/2023", "a/2021"), ("b/2022", "b/2020")]


def test_meetings_of_one_day_all_follow_the_same_previous_ones() -> None:
    # Keys hold the series and the day, so a build never makes two; the link still says what
    # the former query said if it did.
    meetings = [
        _meeting("x/1", "scc", "2020-01-01"),
        _meeting("y/2", "scc", "2021-01-01"),
        _meeting("z/2", "scc", "2021-01-01"),
        _meeting("w/3", "scc", "2022-01-01"),
    ]
    assert previous_meetings({m.key: m for m in meetings}) == [
        ("w/3", "y/2"),
        ("w/3", "z/2"),
        ("y/2", "x/1"),
        ("z/2", "x/1"),
    ]


def test_the_series_meetings_are_linked_in_date_order(series_store: Path) -> None:
    result = akg(
        series_store,
        "query",
        "--format",
        "csv",
        "SELECT ?m ?p WHERE { GRAPH id:graph\\/links { ?m akg:previousMeeting ?p } } ORDER BY ?m",
    )
    assert result.exit_code == 0, result.output
    base = "https://w3id.org/alliance-kg/id/" + AUSMIN
    assert result.output.splitlines() == [
        "m,p",
        f"{base}2018-07-24,{base}2017-06-05",
        f"{base}2019-08-04,{base}2018-07-24",
        f"{base}2020-07-28,{base}2019-08-04",
        f"{base}2021-09-16,{base}2020-07-28",
    ]


@pytest.mark.parametrize("name", sorted(FORMER))
def test_the_linked_queries_give_the_rows_of_the_paired_ones(series_store: Path, name: str) -> None:
    entry = get_query(name)
    start = entry.text.index("  # The previous meeting of its series")
    end = entry.text.index("GROUP BY")
    former = entry.text[:start] + FORMER[name] + PARTIES + entry.text[end:]
    store = ox.Store.read_only(str(series_store))
    found = store.query(DAYS, prefixes=PREFIXES)
    assert isinstance(found, ox.QuerySolutions)
    days = [row["d"].value for row in found]
    assert len(days) == 5
    rows = 0
    for day in [*sorted(days), "2016-01-01"]:
        date = {ox.Variable("date"): ox.Literal(day, datatype=ox.NamedNode(XSD_DATE))}
        linked = run_on_store(store, entry.text, "csv", date, 10_000).text
        assert linked == run_on_store(store, former, "csv", date, 10_000).text, day
        rows += linked.count("\n") - 1
    assert rows > 40  # the series has rows for both queries: the comparison is not empty
