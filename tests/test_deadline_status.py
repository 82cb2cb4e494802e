"""A deadline's status read from the later deadlines that set it (``akg:statusSetBy``, kept by
the corpus-level stage: ``graph/links/deadlines.py``) is the status the whole path
``akg:restatedAs+`` gives, on every day: the ``deadlines`` and ``timeline`` queries give the
bytes of their former text, which followed the path."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
from clirunner import akg
from former import DEADLINES, as_now
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_kg.graph.links.deadlines import deadline_triples, rank
from alliance_kg.ontology import AKG
from alliance_kg.queries.bounded import run_on_store
from alliance_kg.queries.cookbook import get_query

MEETINGS = ["2031-03-04", "2032-03-09", "2033-03-02", "2034-03-07"]
#: Each meeting's place and the date it gives the radar network.
RADAR = [("Manila", "2033"), ("Canberra", "2035"), ("Manila", "2033"), ("Canberra", "2034")]
MONTHS = {"03": "March"}


def _statement(met: str, place: str, by: str) -> str:
    year, month, day = met.split("-")
    return (
        "---\ntitle: Joint Statement on the Australia-Philippines Ministerial Meeting of "
        f"{year}\npublisher: Example Ministry\n---\n"
        "Minister for Defence Richard Marles and Secretary of National Defense Gilberto Teodoro "
        f"met in {place} on {MONTHS[month]} {int(day)}, {year}.\n\n"
        "Australia and the Philippines agreed to complete the joint coastal radar network in "
        f"northern Luzon by {by}.\n"
    )


#: The texts of ``deadlines`` and ``timeline`` that followed ``akg:restatedAs+`` from every
#: deadline (before ``akg:statusSetBy``).
FORMER = Path(__file__).parent / "data" / "former"


def _former(name: str) -> str:
    text = (FORMER / f"{name}.rq").read_text(encoding="utf-8")
    return as_now(text, *DEADLINES) if name == "deadlines" else text


def _both(store: ox.Store, name: str, given: dict[str, str]) -> tuple[str, str]:
    entry = get_query(name)
    bound, names = entry.bind(given), tuple(entry.entity_names(given))
    now = run_on_store(store, entry.text, "csv", bound, 100_000, names, entry.narrowing).text
    then = run_on_store(store, _former(name), "csv", bound, 100_000, names, entry.narrowing)
    return now, then.text


def test_a_deadline_moved_back_and_forth(tmp_path: Path) -> None:
    corpus = tmp_path / "radar"
    corpus.mkdir()
    for met, (place, by) in zip(MEETINGS, RADAR, strict=True):
        (corpus / f"radar-{met[:4]}.md").write_text(_statement(met, place, by), encoding="utf-8")
    store = tmp_path / "store"
    assert akg(store, "build", str(corpus)).exit_code == 0
    statuses = {}
    for as_of in ("2031-06-01", "2032-06-01", "2033-06-01", "2034-06-01"):
        result = akg(
            store, "query", "-n", "deadlines", "--param", f"as_of={as_of}", "--format", "csv"
        )
        assert result.exit_code == 0, result.output
        statuses[as_of] = [",".join(row.split(",")[:4]) for row in result.output.splitlines()[1:]]
    # The 2032 meeting's 2035 is moved to 2033 by the next meeting, then to 2034 (the highest
    # other date wins, as it did when the whole path was followed).
    assert statuses == {
        "2031-06-01": ["2033,by,pending,2031-03-04"],
        "2032-06-01": ["2033,by,moved to 2035,2031-03-04", "2035,by,pending,2032-03-09"],
        "2033-06-01": [
            "2033,by,moved to 2035,2031-03-04",
            "2033,by,pending,2033-03-02",
            "2035,by,moved to 2033,2032-03-09",
        ],
        "2034-06-01": [
            "2033,by,moved to 2035,2031-03-04",
            "2033,by,moved to 2034,2033-03-02",
            "2034,by,pending,2034-03-07",
            "2035,by,moved to 2034,2032-03-09",
        ],
    }
    opened = ox.Store.read_only(str(store))
    days = sorted({*MEETINGS, "2030-01-01", "2033-12-31", "2035-12-31", "2036-01-01"})
    for as_of in days:
        for name, extra in (
            ("deadlines", {}),
            ("timeline", {}),
            ("timeline", {"entity": "northern Luzon"}),
        ):
            now, then = _both(opened, name, {"as_of": as_of, **extra})
            assert now == then, (name, as_of)


def test_a_synthetic_corpus_gives_the_statuses_of_the_whole_path(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.synthetic import generate

    generate(tmp_path / "in", 60)
    store = tmp_path / "store"
    assert akg(store, "build", str(tmp_path / "in")).exit_code == 0
    opened = ox.Store.read_only(str(store))
    moved = 0
    for year in range(2001, 2020, 3):
        now, then = _both(opened, "deadlines", {"as_of": f"{year}-06-30"})
        assert now == then, year
        moved += now.count(",moved to ")
    assert moved > 20


Stated = dict[str, list[tuple[str, str, str]]]
_STATED = st.dictionaries(
    st.sampled_from(["2020-01-01", "2021-01-01", "2022-01-01", "2023-01-01", "2024-01-01"]),
    st.lists(
        st.tuples(
            st.sampled_from(["2025", "2026", "2027-06-30"]), st.sampled_from(["by", "start"])
        ),
        min_size=1,
        max_size=3,
    ),
    max_size=5,
)


def _numbered(drawn: dict[str, list[tuple[str, str]]]) -> Stated:
    out: Stated = {}
    for met, deadlines in drawn.items():
        out[met] = [(f"dl/{met}/{k}", date, kind) for k, (date, kind) in enumerate(deadlines)]
    return out


@settings(max_examples=300, deadline=None)
@given(_STATED)
def test_the_status_points_give_the_status_of_every_later_deadline(
    drawn: dict[str, list[tuple[str, str]]],
) -> None:
    stated = _numbered(drawn)
    met = {dl: day for day, deadlines in stated.items() for dl, _, _ in deadlines}
    date = {dl: d for deadlines in stated.values() for dl, d, _ in deadlines}
    triples = deadline_triples(stated)
    restated: dict[str, set[str]] = defaultdict(set)
    points: dict[str, set[str]] = defaultdict(set)
    for s, p, o in triples:
        (restated if p == AKG.restatedAs else points)[str(s)].add(str(o))
    assert {p for _, p, _ in triples} <= {AKG.restatedAs, AKG.statusSetBy}

    def reached(dl: str) -> set[str]:
        seen: set[str] = set()
        todo = [dl]
        while todo:
            for later in restated[todo.pop()] - seen:
                seen.add(later)
                todo.append(later)
        return seen

    for dl in met:
        path = reached(dl)
        assert points[dl] <= path
        for day in [*sorted(stated), "2019-01-01", "2030-01-01"]:
            by_path = [rank(date[dl], date[x]) for x in path if met[x] <= day]
            by_points = [rank(date[dl], date[x]) for x in points[dl] if met[x] <= day]
            assert max(by_path, default="") == max(by_points, default=""), (dl, day)
        # No point is kept that sets nothing: each raises the status over those before it.
        ranks = sorted((met[x], rank(date[dl], date[x])) for x in points[dl])
        assert all(a[1] < b[1] and a[0] < b[0] for a, b in zip(ranks, ranks[1:], strict=False))
