"""The SPARQL engine of ``akg validate``: the shapes translated into queries
(``shapes_sparql.py``), run by the store, and only their violations and the labels of the nodes
at fault read back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from alliance_kg.graph.totals import count_triples
from alliance_kg.graph.validate import (
    CHECKED,
    Validation,
    Violation,
    at_fault,
    compact,
    label_of,
    path_text,
    quiet_literals,
    value_text,
)
from alliance_kg.ontology import ENTITY_TYPES, PREFIXES

if TYPE_CHECKING:
    from pathlib import Path

    import rdflib

    from alliance_kg.graph.shapes_sparql import Check
    from alliance_kg.graph.sparql import SparqlStore


def validate_in_store(
    store: SparqlStore, shapes: Path | str, triples: int | None
) -> Validation | None:
    """Check the store against the shapes of the Turtle file ``shapes`` by queries; None when
    the shapes use a part of SHACL that is not translated. ``triples``: the store's, when
    known."""
    import rdflib

    from alliance_kg.graph.shapes_sparql import DataFacts, compile_shapes

    graph = rdflib.Graph().parse(shapes, format="turtle")
    with quiet_literals():
        checks = compile_shapes(graph, DataFacts(_subclasses(store), _ill_formed(store)))
        return None if checks is None else _run(store, graph, checks, triples)


def _run(
    store: SparqlStore, shapes: rdflib.Graph, checks: list[Check], triples: int | None
) -> Validation:
    """Run each check in the store; read back only the violations and their nodes' labels.
    The embedded store runs the checks on as many threads as the machine has cores (its
    queries run without Python's lock: 1.7 times faster on two cores)."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    import pyoxigraph as ox

    from alliance_kg.graph.terms import from_oxigraph

    def rows(check: Check) -> tuple[bool, list[ox.QuerySolution]]:
        result = store.query(check.query)
        assert isinstance(result, ox.QuerySolutions)
        return any(v.value == "value" for v in result.variables), list(result)

    threads = (os.cpu_count() or 1) if isinstance(store, ox.Store) else 1
    # The SPARQL constraints first: the longest (the previous meeting's rule, 7 s of 40 at
    # 10,000 statements) would otherwise run alone at the end.
    ordered = sorted(checks, key=lambda check: check.focus is None)
    with ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(rows, ordered))
    found = []
    for check, (with_value, solutions) in zip(ordered, answers, strict=True):
        for row in solutions:
            focus = check.focus if check.focus is not None else from_oxigraph(row["this"])
            value = row["value"] if with_value else None
            node, at = at_fault(focus, None if value is None else from_oxigraph(value))
            found.append((check.message, path_text(shapes, check.path), node, at))
    labels = _labels(store, {node for _, _, node, _ in found})
    violations = sorted(
        Violation(message, path, compact(node), labels.get(node, ""), value_text(value))
        for message, path, node, value in found
    )
    if triples is None:
        triples = count_triples(store)
    return Validation(triples, _store_counts(store), violations)


def _subclasses(store: SparqlStore) -> Callable[[str], set[str]]:
    """The data graph's subclasses of each class at any depth, from its ``rdfs:subClassOf``
    triples (the ontology's few dozen), read once. The closure is taken here: Virtuoso
    refuses ``rdfs:subClassOf+`` between two variables."""
    import pyoxigraph as ox

    result = store.query(
        "SELECT DISTINCT ?sub ?class WHERE { ?sub rdfs:subClassOf ?class "
        "FILTER(isIRI(?sub) && isIRI(?class)) }",
        prefixes=PREFIXES,
    )
    assert isinstance(result, ox.QuerySolutions)
    direct = defaultdict(set)
    for row in result:
        direct[row["class"].value].add(row["sub"].value)

    def below(cls: str) -> set[str]:
        found, todo = set(), [cls]
        while todo:
            for sub in direct.get(todo.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return found

    return below


def _ill_formed(store: SparqlStore) -> Callable[[str, str | None], list[str]]:
    """The ill-formed literals of a datatype among the values of a path (all objects for
    None), as rdflib tells them (as pySHACL does): each distinct value is read once."""
    import pyoxigraph as ox

    from alliance_kg.graph.terms import from_oxigraph

    def ill_formed(datatype: str, path: str | None) -> list[str]:
        if datatype in _NEVER_ILL_FORMED:
            return []
        pattern = f"[] {path} ?v" if path else "?s ?p ?v"
        result = store.query(
            f"SELECT DISTINCT ?v WHERE {{ {pattern} FILTER(isLiteral(?v) && DATATYPE(?v) = "
            f"<{datatype}>) }}"
        )
        assert isinstance(result, ox.QuerySolutions)
        found = (row["v"] for row in result)
        return sorted(
            v.value for v in found if getattr(from_oxigraph(v), "ill_typed", None) is True
        )

    return ill_formed


# Literals of these are never ill-formed: any string is one.
_NEVER_ILL_FORMED = {
    "http://www.w3.org/2001/XMLSchema#string",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
}


def _labels(store: SparqlStore, nodes: set[Any]) -> dict[Any, str]:
    """Each node's label (``label_of``), read from the store in chunks."""
    import pyoxigraph as ox
    from rdflib import BNode

    from alliance_kg.graph.terms import from_oxigraph, to_oxigraph

    named = sorted((n for n in nodes if not isinstance(n, BNode)), key=str)
    found: dict[Any, list[tuple[int, str]]] = defaultdict(list)
    for at in range(0, len(named), 500):
        terms = " ".join(str(to_oxigraph(n)) for n in named[at : at + 500])
        result = store.query(
            f"SELECT ?node ?rank ?label WHERE {{ VALUES ?node {{ {terms} }} "
            "{ ?node rdfs:label ?label BIND(0 AS ?rank) } UNION "
            "{ ?node skos:prefLabel ?label BIND(1 AS ?rank) } }",
            prefixes=PREFIXES,
        )
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            label = row["label"]
            text = label.value if isinstance(label, ox.Literal | ox.NamedNode) else str(label)
            found[from_oxigraph(row["node"])].append((int(row["rank"].value), text))
    return {node: label_of(labels) for node, labels in found.items()}


def _store_counts(store: SparqlStore) -> dict[str, int]:
    import pyoxigraph as ox

    kinds = " ".join(
        f'("{kind}" akg:{c})'
        for kind, _, cls in CHECKED
        for c in (ENTITY_TYPES if cls == "Entity" else (cls,))
    )
    result = store.query(
        f"SELECT ?kind (COUNT(DISTINCT ?node) AS ?n) WHERE {{ VALUES (?kind ?class) {{ {kinds} }} "
        "?node a ?class } GROUP BY ?kind",
        prefixes=PREFIXES,
    )
    assert isinstance(result, ox.QuerySolutions)
    found = {row["kind"].value: int(row["n"].value) for row in result}
    return {kind: found.get(kind, 0) for kind, _, _ in CHECKED}
