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
    previous: dict[str, list[str]] = {}
    for met in sorted(stated):
        current: dict[str, list[str]] = defaultdict(list)
        for dl, date, kind in sorted(stated[met]):
            current[kind].append(dl)
            by_kind[kind].append((met, dl, date))
        for kind, deadlines in current.items():
            for before in previous.get(kind, []):
                out += [(URIRef(before), AKG.restatedAs, URIRef(dl)) for dl in deadlines]
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
    the IRIs."""
    meetings: dict[str, list[_Stated]] = defaultdict(list)
    for s in stated:
        meetings[s[0]].append(s)
    groups = list(meetings.values())
    out: list[RdfTriple] = []
    for g, group in enumerate(groups):
        for _, dl, date in group:
            best = ""
            for same in groups[g + 1 :]:
                # max() keeps the first of equal ranks: the first IRI.
                top = max(same, key=lambda s: rank(date, s[2]))
                if rank(date, top[2]) > best:
                    best = rank(date, top[2])
                    out.append((URIRef(dl), AKG.statusSetBy, URIRef(top[1])))
    return out
