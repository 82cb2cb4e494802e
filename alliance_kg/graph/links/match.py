"""The stage's record queries (``read.QUERIES``) answered over one graph's triples in memory.

A build's worker makes each document's graph and reads its record there
(``read.graph_records``); loading the graph into a store of its own and running the queries
cost as much as extracting the document. The patterns of ``QUERIES`` are basic graph patterns
whose predicates are IRIs or alternatives of IRIs (``p|q``); this answers them with a
nested-loop join over the triples, indexed by predicate and by predicate and subject, and gives
the rows Oxigraph gives: terms are compared as terms (an IRI never equals a literal of the same
text), and an alternative of predicates gives each subject and object once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeAlias

import pyoxigraph as ox

from alliance_kg.graph.terms import OxTerm as Term
from alliance_kg.ontology import PREFIXES

#: A position of a pattern: a variable's name, or a term.
Slot: TypeAlias = "str | Term"
#: A compiled triple pattern: subject, the predicates any of which matches, object.
Pattern: TypeAlias = "tuple[Slot, tuple[ox.NamedNode, ...], Slot]"

_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")


def compile_pattern(text: str) -> list[Pattern]:
    """The triple patterns of a pattern of ``QUERIES`` (``?s p ?o ; q ?x . ?x r ?v``, predicates
    ``a``, a prefixed name or alternatives of them); ``ValueError`` for any other syntax."""
    patterns: list[Pattern] = []
    for block in text.split(" . "):
        subject, *rest = block.split(None, 1)
        if not rest:
            raise ValueError(f"a subject without predicates in {text!r}")
        for part in rest[0].split(" ; "):
            words = part.split()
            if len(words) != 2:
                raise ValueError(f"not a predicate and an object: {part!r} in {text!r}")
            predicates = tuple(_iri(p) for p in words[0].split("|"))
            patterns.append((_slot(subject), predicates, _slot(words[1])))
    return patterns


def _slot(word: str) -> Slot:
    return word[1:] if word.startswith("?") else _iri(word)


def _iri(word: str) -> ox.NamedNode:
    if word == "a":
        return _TYPE
    if word.startswith("<") and word.endswith(">"):
        return ox.NamedNode(word[1:-1])
    prefix, sep, local = word.partition(":")
    if not sep or prefix not in PREFIXES:
        raise ValueError(f"not an IRI or a known prefixed name: {word!r}")
    return ox.NamedNode(PREFIXES[prefix] + local)


class GraphIndex:
    """One graph's triples, indexed for ``solutions``."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.by_predicate: dict[Term, list[tuple[Term, Term]]] = {}
        self.by_subject: dict[tuple[Term, Term], list[Term]] = {}
        for triple in triples:
            s, p, o = triple.subject, triple.predicate, triple.object
            if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
                # Never in a graph akg writes (``terms.graph_lines`` refuses them).
                raise ValueError(f"a quoted triple in a document's graph: {triple}")
            self.by_predicate.setdefault(p, []).append((s, o))
            self.by_subject.setdefault((p, s), []).append(o)

    def pairs(
        self, predicates: tuple[ox.NamedNode, ...], subject: Term | None
    ) -> list[tuple[Term, Term]]:
        """The (subject, object) pairs of any of the predicates, each once, of ``subject`` only
        when it is given."""
        found: list[tuple[Term, Term]] = []
        for p in predicates:
            if subject is None:
                found += self.by_predicate.get(p, ())
            else:
                found += ((subject, o) for o in self.by_subject.get((p, subject), ()))
        return list(dict.fromkeys(found)) if len(predicates) > 1 else found


def solutions(
    index: GraphIndex, patterns: list[Pattern], bound: dict[str, Term]
) -> Iterator[dict[str, Term]]:
    """Every solution of the patterns that extends ``bound``."""
    if not patterns:
        yield bound
        return
    (s, predicates, o), rest = patterns[0], patterns[1:]
    subject = s if not isinstance(s, str) else bound.get(s)
    for found_s, found_o in index.pairs(predicates, subject):
        solution = _bind(bound, s, found_s)
        if solution is not None:
            solution = _bind(solution, o, found_o)
        if solution is not None:
            yield from solutions(index, rest, solution)


def _bind(bound: dict[str, Term], slot: Slot, term: Term) -> dict[str, Term] | None:
    if not isinstance(slot, str):
        return bound if slot == term else None
    held = bound.get(slot)
    if held is None:
        return {**bound, slot: term}
    return bound if held == term else None
