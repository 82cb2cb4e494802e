"""``akg update`` on a store whose union is stamped: the graphs an update names are told from its
text (graph/updates.py ``update_scope``), the union default graph is kept in step for those alone
and the corpus-level stage keeps the records of the others. The store must end as after a full
rebuild of the union and a full read of every graph, and a failing update must write nothing."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
import pytest
from clirunner import akg

from alliance_kg.graph.links import LINKS_GRAPH, LinksState, plan_links
from alliance_kg.graph.links.read import QUERIES, read_records, records_source
from alliance_kg.graph.links.state import STATE_FILE
from alliance_kg.graph.stamp import union_stamped
from alliance_kg.graph.store import open_store, to_oxigraph
from alliance_kg.graph.totals import Totals, count_totals, read_totals
from alliance_kg.graph.update_checks import CHECK, Unchecked
from alliance_kg.graph.updates import (
    DEFAULT_WRITE,
    MAX_CHARS,
    Scope,
    apply_update,
    update_scope,
)
from alliance_kg.ontology import PREFIXES

SERIES = Path(__file__).parent / "data" / "series"
ID = "https://w3id.org/alliance-kg/id/"
NEWS = f"{ID}document/ausmin-2019-news"
SHEET = f"{ID}document/ausmin-2018-fact-sheet"
SHARED = f'<{ID}state/australia> skos:prefLabel "Australia"'
_T = TypeVar("_T")


@pytest.mark.parametrize(
    ("update", "scope"),
    [
        (
            f"DROP SILENT GRAPH <{ID}graph/links/none>",
            Scope(frozenset({f"{ID}graph/links/none"}), False),
        ),
        (
            f'INSERT DATA {{ GRAPH <{NEWS}> {{ <{NEWS}> akg:statedPlace "x" }} <{NEWS}> akg:p 1 }}',
            Scope(frozenset({NEWS}), True),
        ),
        (f"MOVE <{NEWS}> TO <{SHEET}> ; CLEAR DEFAULT", Scope(frozenset({NEWS, SHEET}), True)),
        (f"COPY DEFAULT TO <{SHEET}>", Scope(frozenset({SHEET}), False)),
        (
            f"WITH <{NEWS}> DELETE {{ ?s akg:p ?o }} WHERE {{ ?s akg:p ?o }}",
            Scope(frozenset({NEWS}), True),
        ),
        (
            f"BASE <{ID}document/> DELETE {{ GRAPH <ausmin-2019-news> {{ ?s ?p ?o }} }} "
            "WHERE { ?s ?p ?o }",
            Scope(frozenset({NEWS}), False),
        ),
        ("INSERT DATA { }", Scope(frozenset(), False)),
        ("DELETE WHERE { GRAPH ?g { ?d akg:statedPlace ?p } }", None),
        (f"INSERT {{ GRAPH ?g {{ ?s akg:p 1 }} }} WHERE {{ GRAPH ?g {{ ?s a <{ID}x> }} }}", None),
        ("DROP ALL", None),
        ("CLEAR NAMED", None),
        ("INSERT DATA { GRAPH <relative> { <a> <b> <c> } }", None),
        ("DROP GRAPH", None),
        ("# " + "x" * MAX_CHARS + f"\nDROP GRAPH <{NEWS}>", None),
        # A prefixed name's escapes stand for the characters they escape.
        (
            r"INSERT DATA { GRAPH id:document\/ausmin-2019-news { id:a\.b\/c akg:p 1 } } ; "
            r"DROP GRAPH id:document\/x\~\(1\)",
            Scope(frozenset({NEWS, f"{ID}document/x~(1)"}), False),
        ),
    ],
)
def test_the_graphs_an_update_may_change(
    update: str, scope: Scope | None, caplog: pytest.LogCaptureFixture
) -> None:
    assert update_scope(update) == scope
    # rdflib's warnings of the IRIs it makes of escaped names are not the user's concern.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("rdflib")] == []


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("built") / "store"
    result = akg(store, "build", "--jobs", "1", str(SERIES))
    assert result.exit_code == 0, result.output
    return store


def _update(folder: Path, update: str) -> tuple[int, str]:
    """``akg update`` in this process: its exit code and output. The store it opened is closed
    once collected (with the traceback of a failure, which holds it)."""
    result = akg(folder, "update", update)
    code, output = result.exit_code, result.output
    del result
    gc.collect()
    return code, output


def _stamped_copy(built: Path, folder: Path) -> Path:
    """A copy of the built store, stamped again (a copy's files are new: its stamp is stale)."""
    shutil.copytree(built, folder)
    assert _update(folder, "INSERT DATA { }")[0] == 0
    assert union_stamped(folder)
    return folder


def _records(rows: dict[str, list[tuple[str, list[tuple[str, ...]]]]]) -> dict[str, list]:
    return {q: [(g, [tuple(r) for r in found]) for g, found in rows[q] if found] for q in rows}


def _check_against_full_rebuild(folder: Path) -> None:
    """The union is the union of the named graphs, the kept records are those a full read
    gives, and the links graph is the one planned from a full read."""
    gc.collect()
    store = open_store(folder, read_only=True)
    named = {q.triple for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    default = {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert default == named
    kept = LinksState(folder).source()
    full = records_source(read_records(store))
    assert _records({q: list(kept(q)) for q in QUERIES}) == _records(
        {q: list(full(q)) for q in QUERIES}
    )
    links = {
        f"{q.subject} {q.predicate} {q.object}"
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(LINKS_GRAPH)))
    }
    triples, _ = plan_links(store)  # no records: everything read from the store
    assert links == {" ".join(str(to_oxigraph(t)) for t in triple) for triple in triples}
    del store
    gc.collect()


UPDATES = [
    # A record the stage reads changes (the 2019 news report's meeting date).
    f'INSERT DATA {{ GRAPH <{NEWS}> {{ <{NEWS}> akg:statedDate "1999-01-01"^^xsd:date }} }}',
    # A triple other graphs hold too leaves one graph: it stays in the union.
    f"DELETE DATA {{ GRAPH <{NEWS}> {{ {SHARED} }} }}",
    # A triple no other graph holds leaves: it leaves the union; and one goes into a new graph.
    f"DELETE {{ GRAPH <{SHEET}> {{ <{SHEET}> akg:sourceFile ?f }} }} "
    f"INSERT {{ GRAPH <{ID}document/copy> {{ {SHARED} . <{ID}x> akg:p ?f }} }} "
    f"WHERE {{ GRAPH <{SHEET}> {{ <{SHEET}> akg:sourceFile ?f }} }}",
    f"MOVE <{SHEET}> TO <{ID}document/moved>",
    f"PREFIX x: <http://example.org/x#>\n# a prologue, then the operation\n"
    f"INSERT DATA {{ GRAPH <{NEWS}> {{ x:a x:b x:c }} }}",
    # A graph and a subject named with escapes (``id:document\/...``).
    r"INSERT DATA { GRAPH id:document\/ausmin-2019-news { id:x\.y akg:p 1 } }",
    f"DROP GRAPH <{NEWS}> ; DROP SILENT GRAPH <{LINKS_GRAPH}>",
]


def test_updates_of_named_graphs_end_as_a_full_rebuild(built: Path, tmp_path: Path) -> None:
    folder = _stamped_copy(built, tmp_path / "store")
    for update in UPDATES:
        assert update_scope(update) is not None
        assert union_stamped(folder)
        code, output = _update(folder, update)
        assert code == 0, output
        _check_against_full_rebuild(folder)


def test_an_update_of_any_graph_ends_as_a_full_rebuild(built: Path, tmp_path: Path) -> None:
    folder = _stamped_copy(built, tmp_path / "store")
    update = "DELETE WHERE { GRAPH ?g { ?d akg:statedPlace ?p } }"
    assert update_scope(update) is None
    code, output = _update(folder, update)
    assert code == 0, output
    _check_against_full_rebuild(folder)


def _reading(folder: Path, read: Callable[[ox.Store], _T]) -> _T:
    """What ``read`` finds in the store, opened read-only, then closed (collected) again."""
    gc.collect()
    store = open_store(folder, read_only=True)
    found = read(store)
    del store
    gc.collect()
    return found


def _quads(folder: Path) -> set[ox.Quad]:
    return _reading(folder, set)


@pytest.mark.parametrize(
    "update",
    [
        # Scope known: the union is kept in step for the document's graph alone.
        f'INSERT DATA {{ GRAPH <{NEWS}> {{ <{NEWS}> akg:statedPlace "x" }} }} ; '
        f"DELETE DATA {{ GRAPH <{SHEET}> {{ {SHARED} }} }} ; CREATE GRAPH <{NEWS}>",
        # Graphs looked up, and the request holding checks: the user's error, not a check's.
        f"DELETE WHERE {{ GRAPH ?g {{ ?d akg:statedPlace ?p }} }} ; CREATE GRAPH <{NEWS}>",
        f"INSERT DATA {{ }} ; DELETE WHERE {{ GRAPH ?g {{ ?d akg:statedPlace ?p }} }} ; "
        f"CREATE GRAPH <{NEWS}>",
        # Any graph: the union is compared with every graph.
        f"WITH <{NEWS}> DELETE {{ GRAPH ?g {{ ?d akg:statedPlace ?p }} }} "
        f"WHERE {{ GRAPH ?g {{ ?d akg:statedPlace ?p }} }} ; CREATE GRAPH <{NEWS}>",
    ],
    ids=["named", "looked-up", "checked", "any"],
)
def test_a_failing_update_writes_nothing(built: Path, tmp_path: Path, update: str) -> None:
    folder = _stamped_copy(built, tmp_path / "store")
    before = _quads(folder)
    code, output = _update(folder, update)
    assert code == 1
    assert output.startswith("Error: the update failed: ")
    assert output.rstrip().endswith("nothing was written")
    assert _quads(folder) == before
    # Records of the graphs it named were forgotten: read again by the next update.
    assert _update(folder, "INSERT DATA { }")[0] == 0
    _check_against_full_rebuild(folder)


@pytest.mark.parametrize(
    ("operation", "error"),
    [
        # rdflib cannot parse it either: any graph may change.
        (
            f"INSERT DATA {{ GRAPH <{NEWS}> {{ x:a x:b }} }}",
            'line 2, column 91: expected one of "$", "\'", "\'\'\'", "(", "+", "-", ".", ":", '
            '"<", "<<", "<<(", "?"',
        ),
        # rdflib takes it (the graph is told), Oxigraph refuses it: the request holds lines
        # before this one, yet the error is placed in the user's text.
        (
            f"INSERT DATA {{ GRAPH <{NEWS}> {{ ?v x:b x:c }} }}",
            "line 2, column 97: expected one of Variables, are, not, allowed, in, INSERT, DATA",
        ),
    ],
    ids=["unparsed", "told"],
)
def test_a_syntax_error_is_placed_in_the_users_text(
    built: Path, tmp_path: Path, operation: str, error: str
) -> None:
    folder = _stamped_copy(built, tmp_path / "store")
    before = _quads(folder)
    update = f"PREFIX x: <http://example.org/x#>\n{operation}"
    code, output = _update(folder, update)
    assert code == 1
    assert output.splitlines() == [
        f"Error: {error}",
        f"  {operation}",
        " " * (int(error.split()[3][:-1]) + 1) + "^",
    ]
    assert _quads(folder) == before


def _rows(folder: Path, query: str) -> set[tuple[str, ...]]:
    gc.collect()
    store = open_store(folder, read_only=True)
    result = store.query(query, prefixes=PREFIXES)
    assert isinstance(result, ox.QuerySolutions)
    rows = {tuple(str(term.value) for term in row) for row in result}
    del store, result
    gc.collect()
    return rows


def test_an_update_of_named_graphs_reads_the_whole_union(built: Path, tmp_path: Path) -> None:
    # The update's WHERE reads the default graph, the union, which it must see whole: among
    # its triples, the document's own place, which no other graph holds.
    folder = _stamped_copy(built, tmp_path / "store")
    placed = _rows(folder, "SELECT ?g ?d WHERE { GRAPH ?g { ?d akg:statedPlace ?p } }")
    graph = sorted(placed)[0][0]
    update = (
        f'INSERT {{ GRAPH <{graph}> {{ ?d <http://example.org/note> "x" }} }} '
        "WHERE { ?d akg:statedPlace ?p }"
    )
    assert update_scope(update) == Scope(frozenset({graph}), False)
    code, output = _update(folder, update)
    assert code == 0, output
    noted = _rows(
        folder, f"SELECT ?d WHERE {{ GRAPH <{graph}> {{ ?d <http://example.org/note> ?n }} }}"
    )
    assert noted == {(d,) for _, d in placed} and (graph,) in noted
    _check_against_full_rebuild(folder)


def test_graphs_too_large_to_read_first_are_brought_in_step_with_every_graph(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alliance_kg.graph import updating

    monkeypatch.setattr(updating, "SNAPSHOT_TRIPLES", 3)
    folder = _stamped_copy(built, tmp_path / "store")
    for update in UPDATES[:3]:
        code, output = _update(folder, update)
        assert code == 0, output
        _check_against_full_rebuild(folder)


#: Updates of one operation writing graphs named by variables, each with the graphs its
#: templates write in the built store: those ``select`` finds (None: the store is not asked),
#: and those named by IRI.
LOOKED_UP = [
    (
        "DELETE WHERE { GRAPH ?g { ?d akg:statedPlace ?p } }",
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d akg:statedPlace ?p } }",
        [],
    ),
    # No graph matches: nothing may change.
    ("DELETE WHERE { GRAPH ?g { <http://example.org/none> ?p ?o } }", "", []),
    # A graph named by IRI beside one by a variable, joined on a shared subject; escapes.
    (
        f"DELETE WHERE {{ GRAPH <{NEWS}> {{ ?d akg:statedPlace ?p }} "
        r"GRAPH ?g { ?d id:x\/y ?z } }",
        "",
        [NEWS],
    ),
    ('DELETE WHERE { GRAPH ?g { ?c akg:quote ?q . ?c skos:note "x"@en } }', "", []),
    # A DELETE/INSERT whose WHERE is triple patterns and GRAPHs: the graphs its templates
    # write (not one its WHERE only reads).
    (
        "DELETE { GRAPH ?g { ?d akg:statedPlace ?p } } "
        "INSERT { GRAPH ?g { ?d akg:statedPlace <http://example.org/nowhere> } } "
        "WHERE { GRAPH ?g { ?d akg:statedPlace ?p } ?d a akg:Document }",
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d akg:statedPlace ?p } ?d a akg:Document }",
        [],
    ),
    (
        f"INSERT {{ GRAPH ?h {{ ?d akg:p 1 }} }} WHERE {{ GRAPH ?h {{ ?d akg:quote ?q }} "
        f"GRAPH <{NEWS}> {{ ?x akg:statedPlace ?z }} }}",
        "SELECT DISTINCT ?h WHERE { GRAPH ?h { ?d akg:quote ?q } }",
        [],
    ),
    # Any WHERE is asked as written: a typed literal, a filter, an optional part (a solution
    # leaving the graph unbound writes none), a union, VALUES, a sub-query, a prologue with a
    # prefix named like a keyword, comments and strings holding braces, a closing semicolon.
    (
        'DELETE WHERE { GRAPH ?g { ?d akg:statedDate "2020-07-28"^^xsd:date } }',
        'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d akg:statedDate "2020-07-28"^^xsd:date } }',
        [],
    ),
    (
        "DELETE { GRAPH ?g { ?d akg:statedPlace ?p } } WHERE { GRAPH ?g { ?d akg:statedPlace ?p } "
        'FILTER (CONTAINS(STR(?d), "2020") && STRLEN(STR(?p))<400) }',
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d akg:statedPlace ?p } "
        'FILTER (CONTAINS(STR(?d), "2020")) }',
        [],
    ),
    (
        "INSERT { GRAPH ?g { ?d akg:p 1 } } WHERE { ?d a akg:Document "
        "OPTIONAL { GRAPH ?g { ?d akg:statedPlace ?p } } }",
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d akg:statedPlace ?p } }",
        [],
    ),
    (
        "PREFIX delete: <http://example.org/> # where { DELETE {\n"
        "DELETE { GRAPH ?g { ?d delete:p ?o } } INSERT { GRAPH ?h { ?d akg:note '''}\"{''' } }\n"
        "WHERE { { GRAPH ?g { ?d akg:statedDate ?o } } UNION "
        '{ GRAPH ?h { ?d akg:statedPlace ?o FILTER (?o != "}#{") } } } # } {',
        "SELECT DISTINCT ?g WHERE { { GRAPH ?g { ?d akg:statedDate ?o } } UNION "
        "{ GRAPH ?g { ?d akg:statedPlace ?o } } }",
        [],
    ),
    (
        f"DELETE {{ GRAPH ?g {{ ?d akg:statedPlace ?p }} }} WHERE {{ VALUES ?d {{ <{NEWS}> }} "
        "GRAPH ?g { ?d akg:statedPlace ?p } }",
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{NEWS}> akg:statedPlace ?p }} }}",
        [],
    ),
    (
        "DELETE { GRAPH ?g { ?d akg:statedPlace ?p } } WHERE { { SELECT ?g WHERE { GRAPH ?g "
        "{ ?x akg:statedPlace ?y } } ORDER BY DESC(?g) LIMIT 1 } "
        "GRAPH ?g { ?d akg:statedPlace ?p } }",
        "SELECT ?g WHERE { GRAPH ?g { ?x akg:statedPlace ?y } } ORDER BY DESC(?g) LIMIT 1",
        [],
    ),
    # WITH and USING: the WHERE is asked over the dataset they make. WITH's graph takes the
    # templates' triples outside GRAPH; USING alone leaves no named graph, USING NAMED only
    # those it names.
    (
        f"WITH <{NEWS}> DELETE {{ ?d akg:statedPlace ?p }} INSERT {{ GRAPH ?g {{ ?d akg:p 1 }} }} "
        "WHERE { ?d akg:statedPlace ?p GRAPH ?g { ?d akg:statedDate ?x } }",
        f"SELECT DISTINCT ?g WHERE {{ GRAPH <{NEWS}> {{ ?d akg:statedPlace ?p }} "
        "GRAPH ?g { ?d akg:statedDate ?x } }",
        [NEWS],
    ),
    (
        f"WITH <{NEWS}> DELETE {{ GRAPH ?g {{ ?d akg:p ?o }} }} "
        "WHERE { GRAPH ?g { ?d akg:p ?o } }",
        "",
        [],
    ),
    (
        f"DELETE {{ GRAPH ?g {{ ?d akg:statedPlace ?p }} }} USING <{NEWS}> "
        f"WHERE {{ ?d akg:statedPlace ?p BIND(<{NEWS}> AS ?g) }}",
        f"SELECT DISTINCT ?g WHERE {{ GRAPH <{NEWS}> {{ ?d akg:statedPlace ?p }} "
        f"BIND(<{NEWS}> AS ?g) }}",
        [],
    ),
    (
        f"DELETE {{ GRAPH ?g {{ ?d akg:statedPlace ?p }} }} USING NAMED <{NEWS}> "
        f"USING NAMED <{SHEET}> "
        "WHERE { GRAPH ?g { ?d akg:statedPlace ?p } }",
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d akg:statedPlace ?p } "
        f"FILTER (?g IN (<{NEWS}>, <{SHEET}>)) }}",
        [],
    ),
    (
        f"DELETE {{ GRAPH ?g {{ ?d akg:statedPlace ?p }} }} USING <{NEWS}> "
        "WHERE { GRAPH ?g { ?d akg:statedPlace ?p } }",
        "",
        [],
    ),
    # Not asked: a blank node in the WHERE (rdflib labels it anew at each parse, so the
    # group read again cannot be compared); a comparison whose "<'" reads as an IRI's start
    # and hides a string's quote, so that the groups cannot be told; a codepoint escape
    # (rdflib reads one anywhere, Oxigraph in strings and names alone: one may spell a brace).
    ('DELETE WHERE { GRAPH ?g { ?d akg:statedPlace "\\u0031" } }', None, []),
    (
        "INSERT { GRAPH ?g { ?d akg:p 1 } } WHERE { GRAPH ?g { ?d akg:statedPlace [] } }",
        None,
        [],
    ),
    (
        "INSERT { GRAPH ?g { ?d akg:p 1 } } WHERE { GRAPH ?g { ?d akg:statedPlace ?p } "
        "FILTER (STR(?p) <'>' || STR(?p) = '}') }",
        None,
        [],
    ),
]


@pytest.mark.parametrize(("update", "select", "named"), LOOKED_UP)
def test_an_update_by_variables_is_told_by_the_graphs_it_writes(
    built: Path, tmp_path: Path, update: str, select: str | None, named: list[str]
) -> None:
    folder = _stamped_copy(built, tmp_path / "store")
    found = set(named)
    if select:
        found |= {g for (g,) in _rows(folder, select)}
    gc.collect()
    store = open_store(folder)
    scope = update_scope(update, store)
    del store
    gc.collect()
    assert scope == (None if select is None else Scope(frozenset(found), False))
    assert update_scope(update) is None  # the text alone cannot tell
    code, output = _update(folder, update)
    assert code == 0, output
    _check_against_full_rebuild(folder)


#: Updates of several operations, some naming graphs by variables, each with the graphs its
#: operations' WHEREs find before it runs (``select``) and those named by IRI.
SEVERAL = [
    (
        "INSERT DATA { } ; DELETE WHERE { GRAPH ?g { ?d akg:statedPlace ?p } }",
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d akg:statedPlace ?p } }",
        [],
    ),
    # Two by variables, the second's WHERE matching less once the first ran; a prologue, a
    # closing semicolon, semicolons inside groups and strings, a comment between operations.
    (
        "PREFIX x: <http://example.org/x#>\n"
        "DELETE { GRAPH ?g { ?d akg:statedPlace ?p } } WHERE { GRAPH ?g { ?d akg:statedPlace ?p ;"
        ' a akg:Document } FILTER (CONTAINS(STR(?d), "2019")) } ; # the first; then\n'
        "INSERT { GRAPH ?h { ?d x:note 'a ; b' } } WHERE { GRAPH ?h { ?d akg:statedPlace ?p } } ;",
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d akg:statedPlace ?p } }",
        [],
    ),
    # A graph by IRI between them; the first's graphs are none, the second's the news report.
    (
        "DELETE WHERE { GRAPH ?g { ?d akg:statedPlace <http://example.org/none> } } ;\n"
        f"DROP SILENT GRAPH <{ID}document/none> ;\n"
        f"INSERT {{ GRAPH ?g {{ ?d akg:p 1 }} }} WHERE {{ GRAPH ?g {{ ?d a akg:Document }} "
        f"VALUES ?d {{ <{NEWS}> }} }}",
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{NEWS}> a akg:Document }} }}",
        [f"{ID}document/none"],
    ),
]


@pytest.mark.parametrize(("update", "select", "named"), SEVERAL)
def test_an_update_of_several_operations_is_told_and_checked_as_it_runs(
    built: Path, tmp_path: Path, update: str, select: str, named: list[str]
) -> None:
    folder = _stamped_copy(built, tmp_path / "store")
    found = set(named) | {g for (g,) in _rows(folder, select)}
    gc.collect()
    store = open_store(folder, read_only=True)  # a writer's open would stale the stamp
    scope = update_scope(update, store)
    del store
    gc.collect()
    assert scope is not None and (scope.graphs, scope.default) == (frozenset(found), False)
    assert scope.request is not None and f"CREATE GRAPH <{CHECK}>" in scope.request
    assert update_scope(update) is None  # the text alone cannot tell
    _keep_counts(folder)
    code, output = _update(folder, update)
    assert code == 0, output
    # Told: the store's counts were moved, not forgotten; the checks' graph is not left.
    assert read_totals(LinksState(folder).totals()) == _counts(folder)
    assert (CHECK,) not in _rows(folder, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    _check_against_full_rebuild(folder)


def _counts(folder: Path) -> Totals:
    return _reading(folder, count_totals)


def _keep_counts(folder: Path) -> None:
    """The store's counts kept beside it, which a told update moves and an untold one forgets."""
    LinksState(folder).keep_totals(_counts(folder).text())


def test_several_operations_one_of_them_under_with_or_using_are_not_split() -> None:
    # A check reads the store's own dataset, not the one WITH or USING make.
    place = "GRAPH ?g { ?d akg:statedPlace ?p }"
    for clause in (f"WITH <{NEWS}> ", ""):
        using = "" if clause else f"USING NAMED <{NEWS}> "
        update = f"INSERT DATA {{ }} ; {clause}DELETE {{ {place} }} {using}WHERE {{ {place} }}"
        assert update_scope(update, ox.Store()) is None


def test_a_later_operation_binding_graphs_not_told_runs_as_an_update_of_any_graph(
    built: Path, tmp_path: Path
) -> None:
    # The second operation's WHERE matches only once the first wrote the marker: asked before,
    # it finds no graph; its check makes the request fail, and it runs again untold.
    folder = _stamped_copy(built, tmp_path / "store")
    marker = "<http://example.org/marker> <http://example.org/is> true"
    update = (
        f"INSERT DATA {{ GRAPH <{NEWS}> {{ {marker} }} }} ;\n"
        f"DELETE {{ GRAPH ?g {{ ?d akg:statedPlace ?p }} }} "
        f"WHERE {{ GRAPH <{NEWS}> {{ {marker} }} GRAPH ?g {{ ?d akg:statedPlace ?p }} }}"
    )
    placed = _rows(folder, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d akg:statedPlace ?p } }")
    assert len(placed) > 1
    gc.collect()
    store = open_store(folder, read_only=True)  # a writer's open would stale the stamp
    scope = update_scope(update, store)
    # The request fails on the check alone, and writes nothing.
    memory = ox.Store()
    memory.extend(store)
    assert scope is not None and scope.graphs == {NEWS} and scope.request is not None
    with pytest.raises(Unchecked):
        apply_update(memory, update, checked=scope.request)
    assert set(memory) == set(store)
    del store, memory
    gc.collect()
    _keep_counts(folder)
    code, output = _update(folder, update)
    assert code == 0, output
    assert _rows(folder, "SELECT ?g WHERE { GRAPH ?g { ?d akg:statedPlace ?p } }") == set()
    assert LinksState(folder).totals() is None  # forgotten: any graph may have changed
    _check_against_full_rebuild(folder)


@pytest.mark.parametrize(
    "update",
    [
        'INSERT DATA { <http://example.org/a> <http://example.org/b> "c" }',
        # What a user may mean as "everywhere": the union's triples, which stay in their graphs.
        "DELETE WHERE { ?c akg:madeBy ?s }",
        "DELETE { ?d akg:statedPlace ?p } WHERE { GRAPH ?g { ?d akg:statedPlace ?p } }",
        f'INSERT DATA {{ GRAPH <{NEWS}> {{ <{NEWS}> akg:p "x" }} <{NEWS}> akg:p "y" }}',
        "CLEAR DEFAULT",
        f"COPY <{NEWS}> TO DEFAULT",
        f"MOVE DEFAULT TO <{ID}document/all>",
        "DELETE WHERE { GRAPH ?g { ?d akg:statedPlace ?p } ?d ?q ?r }",
        # A later operation, after one that writes named graphs alone.
        "DELETE WHERE { GRAPH ?g { ?d akg:statedPlace ?p } } ; "
        "INSERT { ?d akg:p 1 } WHERE { GRAPH ?g { ?d akg:statedDate ?x } }",
    ],
)
def test_an_update_that_writes_the_default_graph_is_refused_unrun(
    built: Path, tmp_path: Path, update: str
) -> None:
    # The default graph is the union, brought back after every update: the change would be
    # lost, so the update is refused before anything is written or forgotten.
    folder = _stamped_copy(built, tmp_path / "store")
    before, kept = _quads(folder), (folder / STATE_FILE).read_bytes()
    code, output = _update(folder, update)
    assert (code, output) == (1, f"Error: {DEFAULT_WRITE}\n")
    assert _quads(folder) == before
    assert (folder / STATE_FILE).read_bytes() == kept
    assert union_stamped(folder)


@pytest.mark.parametrize(
    "update",
    [
        # WITH names the graph the templates' triples go into (and the WHERE reads, so its
        # pattern names another); COPY and ADD read the default graph into a named one.
        "WITH <{g}> INSERT { ?d akg:p 1 } WHERE { GRAPH ?x { ?d akg:statedPlace ?p } }",
        "COPY DEFAULT TO <{g}>",
        "ADD DEFAULT TO <{g}>",
    ],
)
def test_an_update_that_writes_named_graphs_alone_runs(
    built: Path, tmp_path: Path, update: str
) -> None:
    folder = _stamped_copy(built, tmp_path / "store")
    graph = f"{ID}document/notes"
    code, output = _update(folder, update.replace("{g}", graph))
    assert code == 0, output
    assert (graph,) in _rows(folder, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    _check_against_full_rebuild(folder)


def _notes(count: int, graph: str) -> str:
    """An update of data alone longer than rdflib is asked to read: notes on the news report."""
    notes = [
        f'<{NEWS}> <http://example.org/note> "note {k}: checked by hand" .' for k in range(count)
    ]
    return f"INSERT DATA {{ GRAPH {graph} {{\n" + "\n".join(notes) + "\n} }"


def test_a_long_update_of_data_is_told_by_oxigraph(built: Path, tmp_path: Path) -> None:
    folder = _stamped_copy(built, tmp_path / "store")
    update = (
        _notes(200, f"<{ID}document/notes>")
        + f" ;\nDELETE DATA {{ GRAPH <{NEWS}> {{ {SHARED} }} }}"
    )
    assert len(update) > MAX_CHARS
    assert update_scope(update) == Scope(frozenset({f"{ID}document/notes", NEWS}), False)
    _keep_counts(folder)
    code, output = _update(folder, update)
    assert code == 0, output
    assert read_totals(LinksState(folder).totals()) == _counts(folder)  # told: moved
    _check_against_full_rebuild(folder)


def test_a_long_update_of_data_into_the_default_graph_is_refused(
    built: Path, tmp_path: Path
) -> None:
    folder = _stamped_copy(built, tmp_path / "store")
    before = _quads(folder)
    update = _notes(200, f"<{ID}document/notes>") + f" ; INSERT DATA {{ <{NEWS}> akg:p 1 }}"
    assert len(update) > MAX_CHARS
    assert _update(folder, update) == (1, f"Error: {DEFAULT_WRITE}\n")
    assert _quads(folder) == before
