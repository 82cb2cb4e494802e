"""Rule 3 of the meetings (graph/links/meetings.py) where lone reports point at each other: a
lone report joins another meeting only when that meeting stays where it is."""

from __future__ import annotations

from alliance_kg.graph.links.meetings import resolve_meetings
from alliance_kg.graph.links.read import Corpus, Doc

SERIES = "https://w3id.org/alliance-kg/id/mechanism/test-dialogue"


def _doc(key: str, date: str) -> Doc:
    return Doc(f"https://w3id.org/alliance-kg/id/doc/{key}", f"{key}.md", SERIES, date)


def _resolved(docs: list[Doc], restates: dict[str, dict[str, int]]) -> dict[str, list[str]]:
    """Each meeting's key and its reports' keys, and each conflict as ``doc: field``.
    ``restates[a][b]``: how many of a's commitments restate b's (indexes made up per doc)."""
    by_key = {d.key: d for d in docs}
    restated = {
        by_key[a].iri: {by_key[b].iri: set(range(n)) for b, n in counts.items()}
        for a, counts in restates.items()
    }
    meetings, doc_meeting, conflicts = resolve_meetings(
        Corpus({d.iri: d for d in docs}, [], {}), restated
    )
    assert sorted(doc_meeting) == sorted(d.iri for d in docs)  # every report in one meeting
    out = {m.key: sorted(iri.rsplit("/", 1)[-1] for iri in m.docs) for m in meetings.values()}
    out["conflicts"] = [f"{c.doc.rsplit('/', 1)[-1]}: {c.field}" for c in conflicts]
    return out


def test_a_lone_report_joins_a_backed_meeting_of_its_day_a_year_off() -> None:
    docs = [_doc("a", "2031-03-04"), _doc("b", "2032-03-04"), _doc("c", "2032-03-04")]
    assert _resolved(docs, {"a": {"b": 4, "c": 4}}) == {
        "meeting/test-dialogue/2032-03-04": ["a", "b", "c"],
        "conflicts": ["a: date"],
    }


def test_two_lone_reports_that_are_each_others_slip_both_stay() -> None:
    docs = [_doc("a", "2031-03-04"), _doc("b", "2032-03-04")]
    assert _resolved(docs, {"a": {"b": 4}, "b": {"a": 4}}) == {
        "meeting/test-dialogue/2031-03-04": ["a"],
        "meeting/test-dialogue/2032-03-04": ["b"],
        "conflicts": [],
    }


def test_a_lone_report_does_not_follow_one_that_moves_away() -> None:
    """a (2031) restates b (2032) most, and b, lone too, joins the backed 2033 meeting: a stays,
    since its year is two off the meeting b joins (it was lost from every meeting before)."""
    docs = [_doc(k, d) for k, d in (("a", "2031-03-04"), ("b", "2032-03-04"))]
    docs += [_doc("c", "2033-03-04"), _doc("d", "2033-03-04")]
    assert _resolved(docs, {"a": {"b": 5, "c": 3}, "b": {"c": 4, "d": 4}}) == {
        "meeting/test-dialogue/2031-03-04": ["a"],
        "meeting/test-dialogue/2033-03-04": ["b", "c", "d"],
        "conflicts": ["b: date"],
    }
