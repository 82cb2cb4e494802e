"""How a lineage's deadlines were restated or moved by later meetings.

``akg:restatedAs`` links each deadline to those of the same kind the next later meeting stating
the commitment gives; ``akg:restatedAs+`` reaches every later one. A deadline's status on a day
(``deadlines`` and ``timeline`` in the cookbook) is the highest of what the later deadlines
stated by then say, ranked as those queries rank it: moved to the latest other date, before
restated. Following ``restatedAs+`` from every deadline costs a query time in the number of
restated pairs of the whole store (hundreds of thousands at 10,000 documents), whatever rows it
is asked about, so the stage also keeps the few later deadlines from whose meeting on that
status changes (``akg:statusSetBy``): for any day, the highest of them stated by then is the
highest of all of ``restatedAs+`` stated by then.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import URIRef

from alliance_kg.graph.store import RdfTriple
from alliance_kg.ontology import AKG

# A stated deadline: the date of the meeting that stated it, its IRI and its date.
_Stated = tuple[str, str, str]


def deadline_triples(stated: dict[str, list[tuple[str, str, str]]]) -> list[RdfTriple]:
    """``akg:restatedAs`` and ``akg:statusSetBy`` of one lineage's deadlines. ``stated``: for
    each date of a meeting that stated the lineage, the deadlines its statements give there
    (IRI, date, kind)."""
    by_kind: dict[str, list[_Stated]] = defaultdict(list)
    out: list[RdfTriple] = []
    restated_as = AKG.restatedAs  # a DefinedNamespace's term costs a Python call each time
    previous: dict[str, list[str]] = {}
    for met in sorted(stated):
        current: dict[str, list[str]] = defaultdict(list)
        for dl, date, kind in sorted(stated[met]):
            current[kind].append(dl)
            by_kind[kind].append((met, dl, date))
        for kind, deadlines in current.items():
            for before in previous.get(kind, []):
                out += [(URIRef(before), restated_as, URIRef(dl)) for dl in deadlines]
            previous[kind] = deadlines
    for kind in sorted(by_kind):
        out += _status_points(by_kind[kind])
    return out


def rank(date: str, later: str) -> str:
    """What a later deadline dated ``later`` says of one dated ``date``, ranked by its first
    character as the cookbook's status ranks it (a higher string wins)."""
    return "2restated" if later == date else "3moved to " + later


def _status_points(stated: list[_Stated]) -> list[RdfTriple]:
    """For each deadline, the later ones (stated at a later meeting) that raise its status
    over all stated before them; ``stated`` is in the order of the meetings' dates, then of
    the IRIs.

    Worked out from the last meeting back, once per date a deadline has, rather than by
    walking every later meeting for each deadline (quadratic in a lineage's length, and a
    lineage restated at hundreds of meetings is not rare in a large store): the points of a
    deadline of a meeting are the top of the next meeting, then the points of that top's
    own chain that rank above it."""
    meetings: dict[str, list[_Stated]] = defaultdict(list)
    for s in stated:
        meetings[s[0]].append(s)
    groups = list(meetings.values())
    dates = {date for _, _, date in stated}
    # For each date, the points of a deadline of that date stated just before group g: the
    # chain of (rank, IRI) from group g on, ranks rising.
    chains: dict[str, list[tuple[str, str]]] = {date: [] for date in dates}
    points: list[dict[str, list[tuple[str, str]]]] = [{} for _ in groups]
    for g in range(len(groups) - 1, -1, -1):
        points[g] = {date: chains[date] for date in dates}
        tops = _tops(groups[g])
        for date in dates:
            top = _top(tops, date)
            above = rank(date, top[2])
            chains[date] = [(above, top[1]), *(x for x in chains[date] if x[0] > above)]
    out: list[RdfTriple] = []
    status_set_by = AKG.statusSetBy
    for g, group in enumerate(groups):
        for _, dl, date in group:
            out += [(URIRef(dl), status_set_by, URIRef(later)) for _, later in points[g][date]]
    return out


def _tops(group: list[_Stated]) -> list[_Stated]:
    """The first deadline of the group (in its order) of each of its two latest dates."""
    firsts: dict[str, _Stated] = {}
    for s in group:
        firsts.setdefault(s[2], s)
    return [firsts[date] for date in sorted(firsts, reverse=True)[:2]] or group[:1]


def _top(tops: list[_Stated], date: str) -> _Stated:
    """What ranks highest for a deadline dated ``date`` among a meeting's deadlines (``tops``
    of them): the first of the latest other date (moved), else the first (restated)."""
    for s in tops:
        if s[2] != date:
            return s
    return tops[0]
