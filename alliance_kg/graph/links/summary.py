"""Counts the corpus-level stage keeps in the links graph for the cookbook's aggregate queries.

``co-occurrence`` and ``commitments-by-party`` count the commitments of every group of names
over the whole store, a few rows out of every commitment; no rewrite lets the store's indexes
skip the commitments (at 106,000 commitments each took 6 to 7 s). The stage, which reads every
commitment anyway, counts them here and writes one small node per group (``akg:CoOccurrence``,
``akg:PartyTypeCount``: a few hundred triples), which the queries read instead. Because the
links graph is replaced on every build and ``akg update``, the counts stay in step with the
documents. (``third-parties`` is not counted here: its rows grow with the meetings, 28,000 at
106,000 commitments, and reading as many count nodes was no faster than counting the
commitments; README, "Performance".)

Each node is keyed by what its query groups on, names (``skos:prefLabel``) rather than entities,
and counts distinct commitments: a commitment that concerns two entities of the same name
counts once, as in the query's ``COUNT(DISTINCT ?c)``, which a sum over entities would not give.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from rdflib import RDF, Literal, URIRef

from alliance_kg.graph.links.read import Corpus, Item
from alliance_kg.graph.store import RdfTriple
from alliance_kg.ontology import AKG, COMMITMENT_TYPES, ID


class Tallies(NamedTuple):
    """What the counts are made of: how many commitments have each set of concerns, and each
    set of parties and set of types. A store that only gained commitments adds theirs to the
    last stage's (``grown.py``) instead of passing over every commitment again."""

    concerns: Counter[frozenset[str]]
    kinds: Counter[tuple[frozenset[str], frozenset[str]]]


def tallies(items: Iterable[Item]) -> Tallies:
    """The tallies of these commitments."""
    concerns: Counter[frozenset[str]] = Counter()
    kinds: Counter[tuple[frozenset[str], frozenset[str]]] = Counter()
    for item in items:
        concerns[frozenset(item.concerns)] += 1
        kinds[item.parties, frozenset(item.types)] += 1
    return Tallies(concerns, kinds)


def summary_triples(corpus: Corpus, found: Tallies | None = None) -> list[RdfTriple]:
    """The count nodes for ``corpus`` (whose tallies are ``found``, when given), in a fixed
    order."""
    if found is None:
        found = tallies(corpus.items)
    out: list[RdfTriple] = []
    for (first, second), n in sorted(co_occurrences(corpus, found.concerns).items()):
        node = ID["summary/co-occurrence/" + _digest(first, second)]
        out += [
            (node, RDF.type, AKG.CoOccurrence),
            (node, AKG.firstName, Literal(first)),
            (node, AKG.secondName, Literal(second)),
            (node, AKG.commitmentCount, Literal(n)),
        ]
    for (name, kind), n in sorted(party_types(corpus, found.kinds).items()):
        node = ID[f"summary/party-type/{_digest(name)}/{kind}"]
        out += [
            (node, RDF.type, AKG.PartyTypeCount),
            (node, AKG.entityName, Literal(name)),
            (node, AKG.ofType, URIRef(AKG[kind])),
            (node, AKG.commitmentCount, Literal(n)),
        ]
    return out


def co_occurrences(
    corpus: Corpus, per_concerns: Counter[frozenset[str]]
) -> Counter[tuple[str, str]]:
    """For each pair of names (first, second), how many commitments concern an entity of the
    first name and another of the second, the first's IRI sorting before the other's; only
    pairs of more than one commitment (``co-occurrence`` shows no others). ``per_concerns``:
    how many commitments have each set of concerns (``Tallies``): many commitments concern the
    same entities, and their pairs of names are worked out once."""
    entities = corpus.entities
    counts: Counter[tuple[str, str]] = Counter()
    for concerns, commitments in per_concerns.items():
        named = sorted(e for e in concerns if e in entities)
        pairs = {
            (first, second)
            for k, a in enumerate(named)
            for b in named[k + 1 :]
            for first in entities[a].labels
            for second in entities[b].labels
        }
        for pair in pairs:
            counts[pair] += commitments
    return Counter({pair: n for pair, n in counts.items() if n > 1})


def party_types(
    corpus: Corpus, per_kind: Counter[tuple[frozenset[str], frozenset[str]]]
) -> Counter[tuple[str, str]]:
    """For each party's name and commitment type (its local name), how many commitments of
    that type a party of that name made (``per_kind``: how many commitments have each set of
    parties and set of types). Only the ontology's types: the query shows a type by its label,
    which only they have (and any other would have no ``akg:`` term)."""
    entities = corpus.entities
    counts: Counter[tuple[str, str]] = Counter()
    for (parties, kinds), commitments in per_kind.items():
        keys = {
            (name, kind)
            for party in parties
            if party in entities
            for name in entities[party].labels
            for kind in kinds
            if kind in COMMITMENT_TYPES
        }
        for key in keys:
            counts[key] += commitments
    return counts


def _digest(*names: str) -> str:
    """A short fixed name for a tuple of names (which may hold any character)."""
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()[:16]
