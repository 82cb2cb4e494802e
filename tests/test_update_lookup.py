"""The graphs an update by variables is told to write (graph/update_lookup.py) hold every graph
it changes: updates made of many forms of ``WHERE`` (filters, optional parts, unions, MINUS,
VALUES, BIND, sub-queries, paths, typed and tagged literals, strings and comments holding
braces, prologues) are run on a store of the series, and the graphs whose triples changed are
compared with the answer asked of the store before. Updates of two such operations are run
with their checks (graph/update_checks.py): the request either changes what the update
changes, within the graphs told, or fails on a check, writing nothing."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_kg.graph.update_checks import CHECK
from alliance_kg.graph.update_data import data_scope
from alliance_kg.graph.update_lookup import Unreadable, blank, depths
from alliance_kg.graph.updates import Scope, update_scope
from alliance_kg.ontology import PREFIXES

ID = "https://w3id.org/alliance-kg/id/"
NEWS = f"<{ID}document/ausmin-2019-news>"

PROLOGUES = [
    "",
    "PREFIX delete: <http://example.org/> # a comment { with braces\n",
    f"BASE <{ID}document/> PREFIX where: <http://example.org/w#>\n",
]
TEMPLATES = [
    "DELETE {{ GRAPH ?g {{ ?d akg:statedPlace ?p }} }} WHERE {where}",
    "INSERT {{ GRAPH ?g {{ ?d <http://example.org/note> '''}}{{\"''' }} }} WHERE {where}",
    "DELETE {{ GRAPH ?g {{ ?d akg:statedPlace ?p }} }} "
    "INSERT {{ GRAPH ?g {{ ?d akg:statedPlace <http://example.org/nowhere> }} }} WHERE {where}",
    "INSERT {{ GRAPH ?h {{ ?d <http://example.org/seen> true }} }} WHERE {where}",
]
#: Patterns binding ?g (and ?h, ?d, ?p), each alone a group.
WHERES = [
    '{ GRAPH ?g { ?d akg:statedPlace ?p } FILTER (CONTAINS(STR(?d), "20") || ?p = "}") }',
    "{ GRAPH ?g { ?d akg:statedPlace ?p } OPTIONAL { GRAPH ?h { ?d akg:statedDate ?x } } }",
    "{ { GRAPH ?g { ?d akg:statedPlace ?p } } UNION { GRAPH ?h { ?d akg:statedDate ?p } } }",
    "{ GRAPH ?g { ?d akg:statedPlace ?p } MINUS { GRAPH ?g { ?d akg:statedDate ?x } } }",
    f"{{ VALUES ?d {{ {NEWS} }} GRAPH ?g {{ ?d akg:statedPlace ?p }} BIND(?g AS ?h) }}",
    "{ { SELECT ?g WHERE { GRAPH ?g { ?x akg:statedDate ?y } } ORDER BY ?g LIMIT 2 } "
    "GRAPH ?g { ?d akg:statedPlace ?p } }",
    '{ GRAPH ?g { ?d akg:statedDate "2020-07-28"^^xsd:date ; akg:statedPlace ?p } }',
    "{ GRAPH ?g { ?d akg:statedPlace/skos:prefLabel ?l } GRAPH ?h { ?d akg:statedPlace ?p } "
    '# } { a comment\n FILTER (LANG(?l) = "" || LANGMATCHES(LANG(?l), "en")) }',
    "{ GRAPH ?g { ?d akg:statedPlace ?p FILTER NOT EXISTS { ?d akg:statedDate ?x } } }",
    "{ GRAPH ?g { ?d ?q ?p } FILTER (?q = akg:statedPlace && STRLEN(STR(?p)) < 400) }",
]


@pytest.fixture(scope="module")
def quads(series_store: Path) -> list[ox.Quad]:
    store = ox.Store.read_only(str(series_store))
    return list(store)


def _by_graph(store: ox.Store) -> dict[str, set[ox.Triple]]:
    found: dict[str, set[ox.Triple]] = {}
    for quad in store:
        if isinstance(quad.graph_name, ox.NamedNode):
            found.setdefault(quad.graph_name.value, set()).add(quad.triple)
    return found


def _updates() -> list[str]:
    chosen = random.Random(11)
    updates = [
        prologue + template.format(where=where)
        for template in TEMPLATES
        for where in WHERES
        for prologue in [chosen.choice(PROLOGUES)]
    ]
    return updates


@pytest.mark.parametrize("update", _updates())
def test_the_graphs_told_hold_every_graph_the_update_changes(
    quads: list[ox.Quad], update: str
) -> None:
    scope, changed, present = _told_and_changed(quads, update)
    assert changed <= scope.graphs
    # The answer is the graphs the templates write for the WHERE's solutions: those changed,
    # and those the update wrote what they held (an INSERT of a triple already there).
    assert scope.graphs <= present


def _told_and_changed(quads: list[ox.Quad], update: str) -> tuple[Scope, set[str], set[str]]:
    """The graphs ``update`` is told to write, asked of a store of ``quads``; those it then
    changed there; and those the store held before or after."""
    store = ox.Store()
    store.extend(quads)
    scope = update_scope(update, store)
    assert scope is not None and not scope.default, update
    before = _by_graph(store)
    store.update(update, prefixes=PREFIXES)
    after = _by_graph(store)
    changed = {g for g in before.keys() | after.keys() if before.get(g) != after.get(g)}
    return scope, changed, before.keys() | after.keys()


#: What a first operation may write that a second one's WHERE then matches in other graphs.
MARKED = f"INSERT DATA {{ GRAPH {NEWS} {{ <http://example.org/m> <http://example.org/is> true }} }}"


def _several() -> list[str]:
    chosen = random.Random(12)
    singles = [template.format(where=where) for template in TEMPLATES for where in WHERES]
    marked = [
        "INSERT { GRAPH ?g { ?d akg:note 'x' } } WHERE { "
        "GRAPH ?m { <http://example.org/m> <http://example.org/is> true } "
        "GRAPH ?g { ?d akg:statedDate ?v } }",
        "DELETE { GRAPH ?g { ?d akg:statedPlace ?p } } WHERE { GRAPH ?g { ?d akg:statedPlace ?p } "
        "FILTER EXISTS { GRAPH ?m { <http://example.org/m> ?i ?t } } }",
    ]
    updates = [
        chosen.choice(PROLOGUES)
        + chosen.choice([*singles, MARKED])
        + " ;\n"
        + chosen.choice([*singles, *marked])
        + chosen.choice(["", " ;", " ; # the end"])
        for _ in range(30)
    ]
    return [*updates, f"{MARKED} ;\n{marked[0]}", f"{MARKED} ; {marked[1]} ;"]


def test_several_operations_change_what_they_are_told_or_fail_on_a_check(
    quads: list[ox.Quad],
) -> None:
    outcomes = {"told": 0, "checked": 0}
    for update in _several():
        store, plain = ox.Store(), ox.Store()
        store.extend(quads)
        plain.extend(quads)
        scope = update_scope(update, store)
        assert scope is not None and scope.request is not None and not scope.default, update
        plain.update(update, prefixes=PREFIXES)
        before = _by_graph(store)
        try:
            store.update(scope.request, prefixes=PREFIXES)
        except RuntimeError as exc:
            assert f"<{CHECK}>" in str(exc), update
            assert _by_graph(store) == before, update  # nothing written
            outcomes["checked"] += 1
            continue
        after = _by_graph(store)
        assert after == _by_graph(plain), update  # the checks change nothing
        changed = {g for g in before.keys() | after.keys() if before.get(g) != after.get(g)}
        assert changed <= scope.graphs, update
        outcomes["told"] += 1
    assert outcomes["told"] >= 20 and outcomes["checked"] >= 2, outcomes


def _under_datasets(graphs: list[str]) -> list[str]:
    """Updates of one operation under WITH or USING clauses naming random graphs of the
    series (and one not in it), each WHERE reading the default graph too."""
    chosen = random.Random(13)
    updates = []
    for template in TEMPLATES:
        for where in chosen.sample(WHERES, 3):
            picked = [f"<{g}>" for g in chosen.sample([*graphs, f"{ID}document/none"], 2)]
            # The default graph read beside the WHERE (a union, then the group).
            read = "{ { ?d a akg:Document } UNION { ?d akg:statedPlace ?p } } "
            within = "{ " + read + where + " }"
            clauses = [
                f"WITH {picked[0]} ",
                f"USING {picked[0]} ",
                f"USING NAMED {picked[0]} USING NAMED {picked[1]} ",
                f"USING {picked[0]} USING NAMED {picked[1]} ",
            ]
            clause = chosen.choice(clauses)
            if clause.startswith("WITH"):
                updates.append(clause + template.format(where=within))
            else:
                head, tail = template.split(" WHERE ")  # USING goes before the WHERE
                updates.append(f"{head} {clause}WHERE {tail}".format(where=within))
    return updates


def test_updates_under_with_or_using_are_told_the_graphs_they_change(
    quads: list[ox.Quad],
) -> None:
    graphs = sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)})
    for update in _under_datasets(graphs):
        scope, changed, present = _told_and_changed(quads, update)
        assert changed <= scope.graphs <= present, update


def test_tokens_are_given_with_the_depth_of_the_braces_around_them() -> None:
    text = 'INSERT { GRAPH ?g { ?s ?p "}{" } } # {\nWHERE { ?s ?p <urn:x#y> } ;'
    found = [(t.group(), depth) for t, depth in depths(text) if not blank(t)]
    assert found == [
        ("INSERT", 0), ("{", 0), ("GRAPH", 1), ("?", 1), ("g", 1), ("{", 1), ("?", 2), ("s", 2),
        ("?", 2), ("p", 2), ('"}{"', 2), ("}", 1), ("}", 0), ("WHERE", 0), ("{", 0), ("?", 1),
        ("s", 1), ("?", 1), ("p", 1), ("<urn:x#y>", 1), ("}", 0), (";", 0),
    ]  # fmt: skip


@pytest.mark.parametrize("text", ["} {", "INSERT DATA { { }", "INSERT DATA { } }"])
def test_braces_that_do_not_pair_are_unreadable(text: str) -> None:
    with pytest.raises(Unreadable):
        list(depths(text))
    assert data_scope(text) is None
