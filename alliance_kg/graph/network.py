"""The entity network: who commits on what, as a networkx graph, and its measures.

Nodes are the entities that commitments name as a party (``akg:madeBy``) or a concern
(``akg:concerns``); two entities are joined when one commitment names both, and the edge's
``weight`` is the number of such commitments. The States that met (``akg:meetingParty`` of the
documents reporting a commitment's meeting) are party to almost every commitment of their
meeting, so they sit between everything and hide the rest; ``set_aside_parties`` leaves them
out of that meeting's commitments (a State named by another meeting's commitments stays).

Measures are computed without random numbers (unweighted betweenness, greedy modularity), so
the same store always gives the same figures.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any, BinaryIO

import pyoxigraph

from alliance_kg.errors import AkgError
from alliance_kg.ontology import ENTITY_TYPES, PREFIXES

if TYPE_CHECKING:
    import networkx as nx

    from alliance_kg.graph.sparql import SparqlStore

AKG_NS = PREFIXES["akg"]

#: Each a single pattern, joined in Python: as one query with the commitments' class and a
#: VALUES block of the two roles, Oxigraph took 6.0 s at 126,000 commitments where the three
#: scans take 2.6 s; the States of each commitment's meeting, joined in one query, 5.1 s.
_SCAN = "SELECT ?s ?o WHERE { ?s %s ?o }"
_COMMITMENTS = "SELECT ?c WHERE { ?c a akg:Commitment }"

_QUOTES = """
SELECT ?c (MIN(?q) AS ?quote) (MIN(?d) AS ?date) WHERE {
  VALUES ?c { %s }
  ?c akg:quote ?q .
  OPTIONAL { ?c akg:atMeeting/dct:date ?d }
} GROUP BY ?c"""


def _entities_query() -> str:
    types = " ".join(f"akg:{name}" for name in ENTITY_TYPES)
    return f"""
SELECT ?e ?type (MIN(?l) AS ?label) WHERE {{
  VALUES ?type {{ {types} }}
  ?e a ?type ; skos:prefLabel ?l .
}} GROUP BY ?e ?type"""


def read_network(store: SparqlStore, *, set_aside_parties: bool = False) -> nx.Graph:
    """The entity network of ``store`` (see the module's docstring).

    Node attributes: ``label``, ``type`` (an entity class of the ontology) and ``commitments``
    (how many commitments name it). Edge attributes: ``weight`` (commitments naming both) and
    ``commitment`` (the IRI of the first of them, to explain the tie).
    """
    import networkx as nx

    entities: dict[str, tuple[str, str]] = {}
    rank = {name: i for i, name in enumerate(ENTITY_TYPES)}
    for e, kind, label in _select(store, _entities_query()):
        kind = kind.removeprefix(AKG_NS)
        # An entity typed twice takes the type listed first in the ontology, as the page does.
        if e not in entities or rank[kind] < rank[entities[e][1]]:
            entities[e] = (label, kind)
    commitments = {c for (c,) in _select(store, _COMMITMENTS)}
    named: dict[str, set[str]] = defaultdict(set)
    for role in ("akg:madeBy", "akg:concerns"):
        for c, e in _select(store, _SCAN % role):
            if c in commitments and e in entities:
                named[c].add(e)
    if set_aside_parties:
        for c, e in _meeting_parties(store, commitments):
            if c in named:
                named[c].discard(e)

    graph = nx.Graph()
    counts: dict[str, int] = defaultdict(int)
    ties: dict[tuple[str, str], list[str]] = defaultdict(list)
    for c in sorted(named):
        members = sorted(named[c])
        for e in members:
            counts[e] += 1
        for a, b in combinations(members, 2):
            ties[(a, b)].append(c)
    for e in sorted(counts):
        label, kind = entities[e]
        graph.add_node(e, label=label, type=kind, commitments=counts[e])
    for (a, b), tied in sorted(ties.items()):
        graph.add_edge(a, b, weight=len(tied), commitment=tied[0])
    return graph


def _meeting_parties(store: SparqlStore, commitments: set[str]) -> Iterator[tuple[str, str]]:
    """(commitment, State) for each State that met (``akg:meetingParty`` of a document
    reporting the commitment's meeting)."""
    parties: dict[str, set[str]] = defaultdict(set)
    for doc, e in _select(store, _SCAN % "akg:meetingParty"):
        parties[doc].add(e)
    at_meeting: dict[str, set[str]] = defaultdict(set)
    for doc, m in _select(store, _SCAN % "akg:reports"):
        at_meeting[m] |= parties.get(doc, set())
    for c, m in _select(store, _SCAN % "akg:atMeeting"):
        if c in commitments:
            for e in at_meeting.get(m, ()):
                yield c, e


@dataclass(frozen=True)
class Measures:
    """Centrality and community of one node of the entity network."""

    degree: float  # degree centrality: share of the other nodes it is tied to
    betweenness: float  # share of shortest paths between other nodes that pass through it
    community: int  # 1 for the largest community, 2 for the next, ...


def measures(graph: nx.Graph) -> dict[str, Measures]:
    """Degree and betweenness centrality (both normalised to 0..1) and the community of each
    node; communities by greedy modularity maximisation, numbered largest first (ties by
    their first node's IRI)."""
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    degree = nx.degree_centrality(graph)
    betweenness = nx.betweenness_centrality(graph)
    found = nx.community.greedy_modularity_communities(graph, weight="weight")
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    community = {node: k for k, members in enumerate(ordered, 1) for node in members}
    return {
        node: Measures(degree[node], betweenness[node], community[node])
        for node in sorted(graph.nodes)
    }


def find_node(graph: nx.Graph, name: str) -> str:
    """The node whose label (or IRI) is ``name``, ignoring case; an error naming the closest
    labels when there is none."""
    wanted = name.strip().casefold()
    for node, data in sorted(graph.nodes(data=True)):
        if data["label"].casefold() == wanted or node.casefold() == wanted:
            return str(node)
    close = sorted(
        data["label"] for _, data in graph.nodes(data=True) if wanted in data["label"].casefold()
    )
    hint = f"; did you mean {', '.join(close[:5])}?" if close else ""
    raise AkgError(f"no entity named {name!r} in the network{hint}")


@dataclass(frozen=True)
class Step:
    """One tie of a path: from one entity to the next through a commitment naming both."""

    source: str
    target: str
    commitment: str
    commitments: int  # how many commitments name both


def shortest_path(graph: nx.Graph, start: str, end: str) -> list[Step]:
    """The shortest chain of entities from ``start`` to ``end`` (labels or IRIs), each tie
    explained by a commitment naming both; among chains of one length, the one whose entity
    IRIs come first in order, so the answer is stable."""
    import networkx as nx

    a, b = find_node(graph, start), find_node(graph, end)
    if a == b:
        raise AkgError("give two different entities")
    paths = nx.all_shortest_paths(graph, a, b)
    try:
        path = min(paths)
    except nx.NetworkXNoPath:
        raise AkgError(
            f"no chain of commitments joins {graph.nodes[a]['label']} and {graph.nodes[b]['label']}"
        ) from None
    return [
        Step(x, y, graph.edges[x, y]["commitment"], graph.edges[x, y]["weight"])
        for x, y in zip(path, path[1:], strict=False)
    ]


def commitment_facts(store: SparqlStore, iris: list[str]) -> dict[str, tuple[str, str]]:
    """The quote and meeting date ("" when unknown) of each commitment of ``iris``."""
    if not iris:
        return {}
    values = " ".join(f"<{iri}>" for iri in sorted(set(iris)))
    return {c: (quote, date or "") for c, quote, date in _select(store, _QUOTES % values)}


def _select(store: SparqlStore, query: str) -> list[tuple[Any, ...]]:
    prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    solutions = store.query(prologue + query)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    return [tuple(None if t is None else t.value for t in solution) for solution in solutions]


#: Files of the entity network that graph tools (Gephi, Cytoscape, yEd) open, by format name.
NETWORK_FORMATS = ("graphml", "gexf")


def write_network(store: SparqlStore, fmt: str, output: BinaryIO) -> None:
    """Write the entity network as GraphML or GEXF (networkx's writers) to ``output``, with
    each node's ``label``, ``type``, ``commitments``, ``degree``, ``betweenness`` and
    ``community`` (``measures``) and each edge's ``weight`` and ``commitment``. The same store
    gives the same bytes: GEXF's optional modification date is left out."""
    import networkx as nx

    graph = read_network(store)
    for node, found in measures(graph).items():
        graph.nodes[node].update(
            degree=round(found.degree, 6),
            betweenness=round(found.betweenness, 6),
            community=found.community,
        )
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, buffer, encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(graph, buffer, encoding="utf-8")
    else:
        raise AkgError(f"unknown network format {fmt!r}; use one of {', '.join(NETWORK_FORMATS)}")
    output.write(re.sub(rb' lastmodifieddate="[^"]*"', b"", buffer.getvalue(), count=1))
