"""The commitment-centred parts of the ``akg render`` page: gists and the timeline view.

A commitment is named on the canvas by its gist ("Reaffirmation: Article V, Japan"), worded
like the labels the links stage gives lineages (``graph/links``). The timeline view draws the
meetings on a time axis and one lane per lineage (one commitment stated again over time), with
a mark for each commitment at its meeting; commitments no other statement restates share a
lane per type. Its data is read with SPARQL from the whole store, for every commitment or for
those of a drawn part (``akg:inLineage`` and the lineages' labels, ``akg:atMeeting`` and the
meetings' labels and dates, so that a drawn part still places its commitments) and sorted, so
the same store always gives the same page.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyoxigraph

from alliance_kg.graph.links import gist_text
from alliance_kg.ontology import AKG, COMMITMENT_TYPES, PREFIXES

if TYPE_CHECKING:
    from alliance_kg.graph.render_select import NodeInfo
    from alliance_kg.graph.sparql import SparqlStore

AKG_NS = str(AKG)

#: Colour of a timeline mark, by the commitment's first type.
TYPE_COLOURS: dict[str, str] = {
    "Reaffirmation": "#4e79a7",
    "Pledge": "#59a14f",
    "Endorsement": "#b07aa1",
    "Opposition": "#e15759",
    "Announcement": "#f28e2b",
    "Request": "#76b7b2",
}
OTHER_COLOUR = "#79706e"
#: The label of the column of commitments that no meeting is known for.
NO_MEETING = "No meeting"


@dataclass(frozen=True)
class Lineage:
    """A lineage as the links stage wrote it."""

    iri: str
    label: str
    first: str | None
    last: str | None
    meetings: int | None


@dataclass(frozen=True)
class TimelineFacts:
    """What the timeline reads from the whole store, so that a drawn part still places its
    commitments: the lineage of each commitment in one, the meetings each commitment was
    stated at, and those meetings' labels and dates."""

    lineages: dict[str, Lineage] = field(default_factory=dict)
    held_at: dict[str, set[str]] = field(default_factory=dict)
    meetings: dict[str, tuple[str, str | None]] = field(default_factory=dict)


def read_timeline(store: SparqlStore, commitments: Collection[str] | None = None) -> TimelineFacts:
    """Lineages and meetings of the store's commitments (of ``commitments`` alone, when given:
    what the timeline of a page drawing only those needs)."""
    facts = TimelineFacts(read_lineages(store, commitments))
    query = (
        "SELECT DISTINCT ?c ?m ?label ?date WHERE { VALUES_C ?c akg:atMeeting ?m . "
        "OPTIONAL { ?m rdfs:label ?label } OPTIONAL { ?m dct:date ?date } }"
    )
    for row in _rows_of(store, query, commitments):
        c, m = row["c"], row["m"]
        facts.held_at.setdefault(c, set()).add(m)
        label, date = row.get("label", m.rsplit("/", 1)[-1]), row.get("date")
        known = facts.meetings.get(m)
        # Two labels or dates of one meeting (not written by a build): the smallest.
        if known is not None:
            dates = [d for d in (date, known[1]) if d]
            label, date = min(label, known[0]), min(dates) if dates else None
        facts.meetings[m] = (label, date)
    return facts


def read_lineages(
    store: SparqlStore, commitments: Collection[str] | None = None
) -> dict[str, Lineage]:
    """The lineage of each commitment in a lineage (of ``commitments``, when given), keyed by
    the commitment's IRI."""
    query = (
        "SELECT DISTINCT ?c ?l ?label ?first ?last ?count WHERE { VALUES_C ?c akg:inLineage ?l . "
        "OPTIONAL { ?l rdfs:label ?label } OPTIONAL { ?l akg:firstStated ?first } "
        "OPTIONAL { ?l akg:lastStated ?last } OPTIONAL { ?l akg:meetingCount ?count } }"
    )
    found: dict[str, set[tuple[str, str, str, str, str]]] = {}
    for row in _rows_of(store, query, commitments):
        c, lineage = row.get("c"), row.get("l")
        if c is None or lineage is None:
            continue
        label = row.get("label") or lineage.rsplit("/", 1)[-1]
        key = (lineage, label, row.get("first", ""), row.get("last", ""), row.get("count", ""))
        found.setdefault(c, set()).add(key)
    out: dict[str, Lineage] = {}
    for c, keys in found.items():
        # A commitment in two lineages (not written by the links stage) takes the first.
        lineage, label, first, last, count = min(keys)
        meetings = int(count) if count.isdigit() else None
        out[c] = Lineage(lineage, label, first or None, last or None, meetings)
    return out


def add_commitment_facts(store: SparqlStore, nodes: dict[str, NodeInfo]) -> None:
    """Give each commitment its gist and the files of the documents stating it (read from the
    whole store, so a drawn part keeps them when the entities or documents are left out)."""
    query = "SELECT DISTINCT ?c ?f WHERE { ?c a akg:Commitment ; akg:statedIn/akg:sourceFile ?f }"
    for row in _rows(store, query):
        node = nodes.get(row.get("c", ""))
        if node is not None and "f" in row:
            node.values["file"].add(row["f"])
    for node in nodes.values():
        if node.cls == "Commitment":
            node.values["gist"] = {gist(node, nodes)}


def gist(node: NodeInfo, nodes: dict[str, NodeInfo]) -> str:
    """What a commitment is, in a few words: its first type and what it concerns (or the first
    words of its quote), (``graph.links.gist_text``)."""
    types = commitment_types(node)
    concerns = [
        label for iri in node.out.get("concerns", ()) if (label := node_label(nodes.get(iri)))
    ]
    return gist_text(types[0] if types else None, concerns, node.first("quote") or "")


def timeline_data(nodes: dict[str, NodeInfo], facts: TimelineFacts) -> dict[str, Any]:
    """The timeline view of the drawn commitments: meeting columns in date order (undated ones
    last; the drawn meetings and those of the drawn commitments), lanes (lineages in the order
    they were first stated, then one lane per type for the commitments in no lineage), one mark
    per commitment, by index into both, and the colour of each commitment type present."""
    commitments = sorted((i for i, n in nodes.items() if n.cls == "Commitment"), key=natural_key)
    held_at = {
        c: nodes[c].out.get("atMeeting", set()) | facts.held_at.get(c, set()) for c in commitments
    }
    known = {i: (node_label(n), n.first("date")) for i, n in nodes.items() if n.cls == "Meeting"}
    for meeting in {m for ms in held_at.values() for m in ms} - known.keys():
        known[meeting] = facts.meetings.get(meeting, (meeting.rsplit("/", 1)[-1], None))
    meetings = sorted(known, key=lambda m: (known[m][1] is None, known[m][1] or "", known[m][0], m))
    column = {iri: k for k, iri in enumerate(meetings)}
    columns: list[dict[str, Any]] = [
        {"id": m, "label": known[m][0], "date": known[m][1]} for m in meetings
    ]
    at: dict[str, int] = {}
    for c in commitments:
        held = sorted(column[m] for m in held_at[c])
        if not held:
            if not columns or columns[-1]["id"] is not None:
                columns.append({"id": None, "label": NO_MEETING, "date": None})
            held = [len(columns) - 1]
        at[c] = held[0]

    lineages = facts.lineages
    lane_key = {
        c: lineages[c].iri if c in lineages else "once/" + _first_type(nodes[c])
        for c in commitments
    }
    lanes = _lanes(nodes, lineages, lane_key, at)
    lane_of = {lane["id"]: k for k, lane in enumerate(lanes)}
    marks: list[dict[str, Any]] = [
        {"id": c, "lane": lane_of[lane_key[c]], "meeting": at[c], "type": _first_type(nodes[c])}
        for c in commitments
    ]
    marks.sort(key=lambda m: (m["lane"], m["meeting"], natural_key(m["id"])))
    kinds = sorted({m["type"] for m in marks} | {lane["type"] for lane in lanes}, key=_type_rank)
    return {
        "meetings": columns,
        "lanes": lanes,
        "marks": marks,
        "types": [{"name": t, "colour": TYPE_COLOURS.get(t, OTHER_COLOUR)} for t in kinds],
    }


def _lanes(
    nodes: dict[str, NodeInfo],
    lineages: dict[str, Lineage],
    lane_key: dict[str, str],
    at: dict[str, int],
) -> list[dict[str, Any]]:
    groups: dict[str, list[str]] = {}
    for c, key in lane_key.items():
        groups.setdefault(key, []).append(c)
    found = {lineages[c].iri: lineages[c] for c in lane_key if c in lineages}

    def first_stated(key: str) -> tuple[int, int, str, str]:
        cols = [at[c] for c in groups[key]]
        return min(cols), max(cols), found[key].label, key

    lanes: list[dict[str, Any]] = []
    for key in sorted(found, key=first_stated):
        lineage = found[key]
        # The label starts with the type of the lineage's first statement.
        kind = lineage.label.split(":", 1)[0]
        if kind not in COMMITMENT_TYPES:
            kind = _first_type(nodes[min(groups[key], key=lambda c: (at[c], natural_key(c)))])
        lanes.append(
            {
                "id": key,
                "label": lineage.label,
                "type": kind,
                "lineage": True,
                "first": lineage.first,
                "last": lineage.last,
                "meetings": lineage.meetings,
            }
        )
    once = sorted((k.removeprefix("once/") for k in groups if k not in found), key=_type_rank)
    for kind in once:
        lanes.append(
            {"id": "once/" + kind, "label": f"Stated once: {kind}", "type": kind, "lineage": False}
        )
    return lanes


def _type_rank(kind: str) -> tuple[int, str]:
    order = COMMITMENT_TYPES.index(kind) if kind in COMMITMENT_TYPES else len(COMMITMENT_TYPES)
    return order, kind


def commitment_types(node: NodeInfo) -> list[str]:
    """The local names of the commitment's types, sorted."""
    return sorted(t.removeprefix(AKG_NS) for t in node.values["commitmentType"])


def commitment_dates(node: NodeInfo, nodes: dict[str, NodeInfo]) -> list[str]:
    """The commitment's date: its meeting's, or failing that its document's."""
    for prop in ("atMeeting", "statedIn"):
        dates = sorted({d for m in node.out.get(prop, ()) for d in nodes[m].values["date"]})
        if dates:
            return dates
    return []


def natural_key(iri: str) -> list[Any]:
    """Sort key by which commitment/doc/99-120 comes before commitment/doc/1000-1050."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", iri)]


def _first_type(node: NodeInfo) -> str:
    types = commitment_types(node)
    return types[0] if types else "Commitment"


def node_label(node: NodeInfo | None) -> str:
    """A node's name: its preferred label, label or title, else the end of its IRI."""
    if node is None:
        return ""
    label = node.first("prefLabel", "label", "title")
    return label if label is not None else node.iri.rsplit("/", 1)[-1]


#: How many IRIs one query names in its VALUES block.
CHUNK = 500


def _rows_of(
    store: SparqlStore, query: str, commitments: Collection[str] | None
) -> Iterator[dict[str, str]]:
    """The rows of ``query`` with its ``VALUES_C`` mark gone (every commitment), or made a
    VALUES block of ``commitments`` (some at a time)."""
    if commitments is None:
        yield from _rows(store, query.replace("VALUES_C ", ""))
        return
    for block in values_blocks("?c", commitments):
        yield from _rows(store, query.replace("VALUES_C ", block + " "))


def values_blocks(name: str, iris: Collection[str]) -> Iterator[str]:
    """VALUES blocks naming ``iris`` (sorted) for the variable ``name``, ``CHUNK`` at a time."""
    given = sorted(iris)
    for start in range(0, len(given), CHUNK):
        values = " ".join(f"<{iri}>" for iri in given[start : start + CHUNK])
        yield f"VALUES {name} {{ {values} }}"


def _rows(store: SparqlStore, query: str) -> list[dict[str, str]]:
    result = store.query(query, prefixes=PREFIXES)
    assert isinstance(result, pyoxigraph.QuerySolutions)
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        terms = {name: solution[name] for name in names}
        rows.append({name: term.value for name, term in terms.items() if term is not None})
    return rows
