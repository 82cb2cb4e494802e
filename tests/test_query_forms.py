"""Cookbook queries that read the whole store joined by hashing (README, "The whole store's
listings joined by hashing") give the bytes of the form that looks each row up: ``timeline``,
``commitments-by-type`` and ``source`` hold both (``# unless narrowed:`` / ``# when
narrowed:``), the whole store's form taken when no narrowing runs; ``attendance`` only the new
one. Each is compared with its former text, which held the tests akg now leaves out (``# only
as written:``)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_kg.ontology import COMMITMENT_TYPES
from alliance_kg.queries import run_query
from alliance_kg.queries.bounded import format_limited, run_on_store
from alliance_kg.queries.cookbook import cookbook, get_query
from alliance_kg.queries.lists import unit_separated
from alliance_kg.queries.narrow_blocks import for_narrowings

#: The former WHERE group's first lines of ``attendance``: meetings, participants, their names
#: and the meetings' dates looked up for each meeting and participant.
FORMER_ATTENDANCE = """    ?m a akg:Meeting ; rdfs:label ?meeting ; akg:participant ?p .
    ?p skos:prefLabel ?person .
    OPTIONAL { ?m dct:date ?date }
"""
STORES = ["corpus_store", "series_store", "synthetic_built"]
#: ``timeline`` and ``source`` before the whole store's form (``timeline-lookups.rq``,
#: ``source-lookups.rq``): looked up for each commitment, with or without a narrowing.
FORMER = Path(__file__).parent / "data" / "former"


def _store(which: str, request: pytest.FixtureRequest) -> ox.Store:
    return ox.Store.read_only(str(request.getfixturevalue(which)))


@pytest.fixture(params=STORES)
def built(request: pytest.FixtureRequest) -> tuple[str, ox.Store]:
    """Each store of ``STORES``, by name, opened read-only."""
    return request.param, _store(request.param, request)


def _forms(name: str, param: str) -> tuple[str, str]:
    """The text as run without the narrowing of ``param`` (the whole store's form), and the
    text with the form that looks up what the narrowing finds instead, each without its
    markers (``run_on_store`` would otherwise take the blocks again by the narrowings run)."""
    text = get_query(name).text
    hashed, looked_up = (_unmarked(for_narrowings(text, ran)) for ran in ((), (param,)))
    assert "{ SELECT ?c ?quote WHERE { ?c akg:quote ?quote } }" in hashed
    assert "{ SELECT ?c ?quote WHERE" not in looked_up and hashed != looked_up
    return hashed, looked_up


def _unmarked(text: str) -> str:
    markers = ("# unless narrowed:", "# when narrowed:", "# only as written:", "# end ")
    return "".join(
        line for line in text.splitlines(keepends=True) if not line.strip().startswith(markers)
    )


def _as_akg(store: ox.Store, name: str, given: dict[str, str]) -> str:
    """The CSV ``akg query -n`` gives: the query narrowed, with its lists sorted."""
    entry = get_query(name)
    bound = entry.bind(given)
    return run_on_store(store, entry.text, "csv", bound, 1_000_000, (), entry.narrowing).text


def _lists(text: str, column: int) -> int:
    """The rows whose cell ``column`` holds a list of two values or more."""
    return sum(", " in row[column] for row in csv.reader(io.StringIO(text)))


def test_the_whole_store_timeline_gives_the_bytes_of_its_former_text(
    built: tuple[str, ox.Store],
) -> None:
    which, store = built
    hashed, looked_up = _forms("timeline", "entity")
    former = (FORMER / "timeline-lookups.rq").read_text(encoding="utf-8")
    assert "# when narrowed:" not in former
    rows = lists = moved = 0
    for as_of in ["2001-06-30", "2010-06-30", "2016-06-30", "2024-07-28", "2030-01-01"]:
        now = _as_akg(store, "timeline", {"as_of": as_of})
        bound = get_query("timeline").bind({"as_of": as_of})
        assert now == run_on_store(store, hashed, "csv", bound, 1_000_000).text
        assert now == run_on_store(store, former, "csv", bound, 1_000_000).text, as_of
        assert now == run_on_store(store, looked_up, "csv", bound, 1_000_000).text, as_of
        rows += now.count("\n") - 1
        lists += _lists(now, 3)
        moved += now.count(",moved to ")
    assert rows > 50 and lists > 5
    if which == "synthetic_built":
        assert rows > 1_000 and moved > 10


def test_commitments_by_type_of_every_meeting_give_the_bytes_of_their_lookups(
    built: tuple[str, ox.Store],
) -> None:
    _, store = built
    _, looked_up = _forms("commitments-by-type", "date")
    rows = lists = 0
    for kind in COMMITMENT_TYPES:
        now = _as_akg(store, "commitments-by-type", {"type": kind})
        bound = get_query("commitments-by-type").bind({"type": kind})
        assert now == run_on_store(store, looked_up, "csv", bound, 1_000_000).text, kind
        rows += now.count("\n") - 1
        lists += _lists(now, 3) + _lists(now, 4)
    assert rows > 20 and lists > 5


def test_source_gives_the_bytes_of_its_former_text(built: tuple[str, ox.Store]) -> None:
    which, store = built
    hashed, looked_up = _forms("source", "contains")
    assert "COALESCE(CONTAINS" not in hashed + looked_up  # the test only as written
    former = (FORMER / "source-lookups.rq").read_text(encoding="utf-8")
    assert "# when narrowed:" not in former and "COALESCE(CONTAINS" in former
    now = _as_akg(store, "source", {})
    assert now == run_on_store(store, hashed, "csv", {}, 1_000_000).text
    assert now == run_on_store(store, looked_up, "csv", {}, 1_000_000).text
    entry = get_query("source")
    assert now == run_on_store(store, former, "csv", {}, 1_000_000, (), entry.narrowing).text
    rows = now.count("\n") - 1
    assert rows > (500 if which == "synthetic_built" else 50)
    found = 0
    for words in ["Okinawa", "deterrence", "the Alliance", "Darwin", "no such words"]:
        bound = entry.bind({"contains": words})
        akg = _as_akg(store, "source", {"contains": words})
        assert akg == run_on_store(store, former, "csv", bound, 1_000_000, (), entry.narrowing).text
        found += akg.count("\n") - 1
    assert 0 < found < 5 * rows


def test_attendance_gives_the_bytes_of_its_former_text(built: tuple[str, ox.Store]) -> None:
    text = get_query("attendance").text
    start = text.index("    # Each property read once")
    end = text.index("    # The office and the State as the meeting's own reports give them")
    former = text[:start] + FORMER_ATTENDANCE + text[end:]
    assert former != text
    _, store = built
    now = run_on_store(store, text, "csv", {}, 1_000_000).text
    assert now == run_on_store(store, former, "csv", {}, 1_000_000).text
    assert now.count("\n") > 10


@pytest.mark.parametrize("which", ["corpus_store", "series_store"])
def test_the_file_as_written_holds_both_forms_and_gives_the_same_bytes(
    which: str, request: pytest.FixtureRequest
) -> None:
    """Run by another SPARQL client, a file's markers are comments: both forms are joined, and
    the rows are those akg gives."""
    store = _store(which, request)
    cases = [
        ("timeline", {"as_of": "2026-11-26"}),
        ("timeline", {"entity": "Okinawa", "as_of": "2026-11-26"}),
        ("timeline", {"entity": "Marine Littoral Regiment"}),
        ("commitments-by-type", {"type": "Pledge"}),
        ("commitments-by-type", {"type": "Opposition", "date": "2024-07-28"}),
        ("source", {}),
        ("source", {"contains": "Okinawa"}),
    ]
    rows = 0
    for name, given in cases:
        entry = get_query(name)
        bound = entry.bind(given)
        now = run_on_store(store, entry.text, "csv", bound, 100_000, (), entry.narrowing).text
        text, lists = unit_separated(entry.text, entry.lists)
        written = format_limited(run_query(store, text, substitutions=bound), "csv", 100_000, lists)
        assert now == written, (name, given)
        rows += now.count("\n") - 1
    assert rows > 20


def test_the_queries_with_two_forms_are_those_compared_here() -> None:
    both = {name for name, entry in cookbook().items() if "# when narrowed:" in entry.text}
    assert both == {"timeline", "commitments-by-type", "source"}
