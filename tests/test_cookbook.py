"""The SPARQL cookbook on the bundled corpus: exact rows, in the embedded store and in real
Oxigraph and Virtuoso servers reached over HTTP; parameters bound as RDF terms."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg
from virtuoso_server import CONCAT, VIRTUOSO_DIFFERS, virtuoso_server
from virtuoso_server import ENV as VIRTUOSO_ENV

from alliance_kg.errors import QueryError
from alliance_kg.queries.bounded import Narrowing, narrowed, run_on_store
from alliance_kg.queries.cookbook import cookbook, describe, get_query, parse_query_file
from alliance_kg.queries.safety import parse_tree_needed

EXPECTED = Path(__file__).parent / "data" / "cookbook"
#: The parameters each query's expected rows were made with.
PARAMS: dict[str, list[str]] = {
    "commitments-about": ["entity=Okinawa"],
    "commitments-by-type": ["type=Opposition", "date=2024-07-28"],
    "deadlines": ["as_of=2026-11-26"],
    "dropped-since": ["date=2024-07-28"],
    "lineage": ["words=Article V"],
    "new-at-meeting": ["date=2024-07-28"],
    "source": ["contains=Marine Littoral Regiment"],
    "timeline": ["entity=senkakus", "as_of=2026-11-26"],
}


@pytest.fixture(scope="module")
def embedded(corpus_store: Path) -> str:
    return str(corpus_store)


@pytest.fixture(scope="module")
def server(corpus_server: str) -> str:
    return corpus_server


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as url:
        result = akg(url, "build", env=VIRTUOSO_ENV)
        assert result.exit_code == 0, result.output
        yield url


#: Where Virtuoso's rows differ with the parameters of ``PARAMS`` (bound, ``?date`` is compared
#: as it should be; the parties are listed in another order, but by the queries that sort their
#: lists, ``# sorted lists:``, which give the same bytes).
VIRTUOSO_ROWS_DIFFER = {
    name: why
    for name, why in {
        **VIRTUOSO_DIFFERS,
        "commitments-about": CONCAT,
        "commitments-by-type": CONCAT,
    }.items()
    if why != CONCAT or not cookbook()[name].lists
}
#: The environment each kind of store is used with.
ENVS = {"embedded": {}, "server": {}, "virtuoso": VIRTUOSO_ENV}


def test_every_cookbook_query_has_expected_rows() -> None:
    assert sorted(cookbook()) == sorted(p.stem for p in EXPECTED.glob("*.csv"))
    assert len(cookbook()) >= 10


@pytest.mark.parametrize("where", ["embedded", "server", "virtuoso"])
@pytest.mark.parametrize("name", sorted(cookbook()))
def test_cookbook_rows(
    request: pytest.FixtureRequest, where: str, name: str, update_golden: bool
) -> None:
    """The same rows from the embedded store and from Oxigraph and Virtuoso over HTTP (where
    Virtuoso answers otherwise, ``VIRTUOSO_ROWS_DIFFER`` says why)."""
    if where == "virtuoso" and name in VIRTUOSO_ROWS_DIFFER:
        request.applymarker(pytest.mark.xfail(reason=VIRTUOSO_ROWS_DIFFER[name], strict=True))
    store = request.getfixturevalue(where)
    params = [a for p in PARAMS.get(name, []) for a in ("--param", p)]
    result = akg(store, "query", "-n", name, *params, "--format", "csv", env=ENVS[where])
    assert result.exit_code == 0, result.output
    if update_golden and where == "embedded":
        (EXPECTED / f"{name}.csv").write_bytes(result.stdout_bytes)
    assert result.output == (EXPECTED / f"{name}.csv").read_text(encoding="utf-8")


def test_a_cookbook_query_on_the_embedded_store_does_not_import_rdflib(embedded: str) -> None:
    """Importing rdflib costs about a fifth of a second, more than a small query: ``akg query
    -n`` on the embedded store reads with Oxigraph alone, in the command's process and in the
    child that runs the query. (A process of its own, unlike the other tests, for Python's
    record of what it imports.)"""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "alliance_kg.cli", "--store", embedded]
        + ["query", "-n", "conflicts", "--format", "csv"],
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr.decode()
    assert run.stdout == (EXPECTED / "conflicts.csv").read_bytes()
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in run.stderr.decode().splitlines()
        if line.startswith("import time:")
    }
    # The record covers the child too: it alone imports the module that checks names.
    assert {"alliance_kg.queries.cookbook", "alliance_kg.queries.names"} <= imported
    assert sorted(m for m in imported if m.split(".")[0] == "rdflib") == []


def test_no_cookbook_query_needs_the_parse_tree() -> None:
    """A text holding the words FROM or SERVICE anywhere, comments included, is checked with
    rdflib's parse tree before it runs (``safety.parse_tree_needed``): 0.2 s more, and the
    import of rdflib. So no cookbook text, nor any of its narrowing queries, holds them."""
    texts = {
        f"{name} {k}": text
        for name, entry in cookbook().items()
        for k, text in enumerate([entry.text, *(step.text for step in entry.narrowing)])
    }
    assert len(texts) > len(cookbook())
    assert [key for key, text in texts.items() if parse_tree_needed(text)] == []


#: The columns the cookbook fills with GROUP_CONCAT, and their separators.
LISTS = {"types": "/", "parties": ", ", "concerns": ", ", "participants": ", ", "documents": ", "}


def _lists_sorted(text: str) -> list[list[str]]:
    """The CSV rows, each GROUP_CONCAT list's values sorted."""
    rows = list(csv.reader(io.StringIO(text)))
    seps = [LISTS.get(column) for column in rows[0]]
    return [
        [
            cell if sep is None else sep.join(sorted(cell.split(sep)))
            for cell, sep in zip(row, seps, strict=True)
        ]
        for row in rows
    ]


@pytest.mark.parametrize(
    "name", sorted(n for n, why in VIRTUOSO_ROWS_DIFFER.items() if why == CONCAT)
)
def test_virtuoso_lists_the_same_values_in_another_order(
    embedded: str, virtuoso: str, name: str
) -> None:
    """Where GROUP_CONCAT's order is Virtuoso's only difference, the rows, their order and
    every other cell are the embedded store's (with the test's parameters, and without any
    where none is needed)."""
    entry = cookbook()[name]
    runs = [PARAMS.get(name, [])]
    if runs[0] and all(p.optional or p.default is not None for p in entry.params):
        runs.append([])
    for given in runs:
        params = [a for p in given for a in ("--param", p)]
        rows = [
            akg(store, "query", "-n", name, *params, "--format", "csv", env=env)
            for store, env in ((embedded, {}), (virtuoso, VIRTUOSO_ENV))
        ]
        assert [r.exit_code for r in rows] == [0, 0], rows[1].output
        assert _lists_sorted(rows[1].output) == _lists_sorted(rows[0].output), given
        assert len(rows[0].output.splitlines()) > 1


def test_queries_lists_names_descriptions_and_parameters(embedded: str) -> None:
    result = akg(embedded, "queries")
    assert result.exit_code == 0
    assert result.output == describe(cookbook())
    lines = result.output.splitlines()
    assert lines[0] == "attendance"
    assert lines[1] == "    Who attended which meeting, in which office, for which State."
    assert (
        "    --param date=...  (date, optional) the date of the meeting (YYYY-MM-DD); all "
        "meetings when left out"
    ) in lines
    assert lines[-1] == "Run one with: akg query -n NAME [--param KEY=VALUE ...]"


@pytest.mark.parametrize("where", ["embedded", "server"])
def test_a_hostile_parameter_is_one_string_that_matches_nothing(
    request: pytest.FixtureRequest, where: str
) -> None:
    store = request.getfixturevalue(where)
    before = akg(store, "export", "-f", "nquads").stdout_bytes
    hostile = 'Okinawa" } ; DROP ALL ; {'
    result = akg(
        store, "query", "-n", "source", "--param", f"contains={hostile}", "--format", "csv"
    )
    assert result.exit_code == 0, result.output
    assert result.output == "contains,date,file,start,end,title,source,quote\n"
    # An entity name is looked up first: no entity has it, so nothing runs.
    result = akg(store, "query", "-n", "commitments-about", "--param", f"entity={hostile}")
    assert (result.exit_code, result.output.strip()) == (
        1,
        f"Error: no entity is named {hostile!r}",
    )
    assert akg(store, "export", "-f", "nquads").stdout_bytes == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "nope"], "Error: no cookbook query 'nope'; akg queries lists them"),
        (
            ["-n", "commitments-about"],
            "Error: query 'commitments-about' needs --param entity=... (the entity's name or "
            "another name it goes by, in any case (e.g. Okinawa))",
        ),
        (
            ["-n", "timeline", "--param", "entity=Guam", "--param", "colour=red"],
            "Error: query 'timeline' has no parameter 'colour' (parameters: entity, as_of)",
        ),
        (
            ["-n", "deadlines", "--param", "as_of=2024-13-45"],
            "Error: query 'deadlines', parameter as_of: '2024-13-45' is not a date (YYYY-MM-DD)",
        ),
        (
            ["-n", "timeline", "--param", "entity=Korea"],
            "Error: no entity is named 'Korea'; the closest: North Korea, Republic of Korea",
        ),
        (
            ["-n", "commitments-by-type", "--param", "type=Promise"],
            "Error: query 'commitments-by-type', parameter type: 'Promise' is not one of "
            "Reaffirmation, Pledge, Endorsement, Opposition, Announcement, Request",
        ),
        (
            ["-n", "commitments-by-type", "--param", "date=July 2024"],
            "Error: query 'commitments-by-type', parameter date: 'July 2024' is not a date "
            "(YYYY-MM-DD)",
        ),
    ],
)
def test_parameter_errors(embedded: str, args: list[str], message: str) -> None:
    result = akg(embedded, "query", *args)
    assert (result.exit_code, result.output.strip()) == (1, message)


def test_a_parameter_without_a_value_or_key_is_a_usage_error(embedded: str) -> None:
    result = akg(embedded, "query", "-n", "commitments-about", "--param", "entity")
    assert result.exit_code == 2
    assert "'entity' is not KEY=VALUE" in result.output


def test_query_file_headers() -> None:
    entry = parse_query_file(
        "x",
        "# Line one.\n# Line two.\n# param: when date optional - a day\n"
        "# param: kind commitment-type = Pledge - a type\nSELECT ?when ?kind {}\n",
    )
    assert entry.description == "Line one. Line two."
    assert [(p.name, p.kind, p.default, p.optional) for p in entry.params] == [
        ("when", "date", None, True),
        ("kind", "commitment-type", "Pledge", False),
    ]


def test_narrowing_headers_are_kept_apart_from_the_description() -> None:
    entry = parse_query_file(
        "x",
        "# Line one.\n# param: who entity - a name\n# narrow: who\n#| SELECT ?e WHERE {\n"
        "#|   ?e ?p ?who }\n# Line two.\nSELECT ?e {}\n",
    )
    assert entry.description == "Line one. Line two."
    assert entry.narrowing == (Narrowing("who", " SELECT ?e WHERE {\n   ?e ?p ?who }"),)


@pytest.mark.parametrize(
    ("head", "message"),
    [
        ("# Q.\n#| SELECT ?e {}\n", "x.rq: a '#|' line must follow '# narrow: PARAM'"),
        ("# Q.\n# narrow: who\n#| SELECT ?e {}\n", "x.rq: '# narrow: who' needs a parameter"),
        ("# Q.\n# param: who text - a name\n# narrow: who\n", "x.rq: '# narrow: who' needs a"),
    ],
)
def test_narrowing_header_errors(head: str, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse_query_file("x", head + "SELECT ?e {}\n")
    assert str(raised.value).startswith(message)


QUERY = "SELECT ?e ?label WHERE { ?e skos:prefLabel ?label } ORDER BY ?label"
#: Finds the entity named ?name, and leaves ?other unbound: only ?e is restricted.
NARROW = Narrowing("name", "SELECT ?e ?other WHERE { ?e skos:prefLabel ?name }")


def test_a_narrowing_query_restricts_the_query_to_what_it_finds(corpus_store: Path) -> None:
    store = ox.Store.read_only(str(corpus_store))
    name = {ox.Variable("name"): ox.Literal("Okinawa")}
    narrowed = run_on_store(store, QUERY, "csv", name, 100, (), (NARROW,)).text
    assert narrowed.splitlines() == [
        "e,label",
        "https://w3id.org/alliance-kg/id/place/okinawa,Okinawa",
    ]
    # Without the parameter the narrowing query does not run, and every label is there.
    whole = run_on_store(store, QUERY, "csv", {}, 1000, (), (NARROW,)).text
    assert len(whole.splitlines()) > 50
    assert "Okinawa" in whole
    # A narrowing query that finds nothing leaves nothing.
    unknown = {ox.Variable("name"): ox.Literal("Atlantis")}
    assert run_on_store(store, QUERY, "csv", unknown, 100, (), (NARROW,)).text == "e,label\r\n"


def test_a_narrowing_binds_all_it_finds_in_one_block(corpus_store: Path) -> None:
    """``commitments-by-type`` narrows a date to its commitments and their type: one block of
    both (not one per variable), which shares ?type with the parameters' own block, so that
    Oxigraph starts with the commitments found (README, "Queries, eighth round")."""
    entry = get_query("commitments-by-type")
    store = ox.Store.read_only(str(corpus_store))
    given = entry.bind({"type": "Reaffirmation", "date": "2023-01-11"})
    text = narrowed(store, entry.text, given, entry.narrowing)
    start = text.index("VALUES (")
    block = text[start : text.index("}", start) + 1]
    rows = block[block.index("{") + 1 : -1].split(") (")
    reaffirmation = "<https://w3id.org/alliance-kg/ontology#Reaffirmation>"
    assert block.startswith("VALUES (?c ?type) { (<https://w3id.org/alliance-kg/id/commitment/")
    assert all(row.strip(" ()").endswith(reaffirmation) for row in rows)
    found = run_on_store(store, entry.text, "csv", given, 100, (), entry.narrowing).text
    assert len(rows) == len(found.splitlines()) - 1 == 21


def test_each_narrowing_query_is_restricted_by_the_ones_before(corpus_store: Path) -> None:
    store = ox.Store.read_only(str(corpus_store))
    name = {ox.Variable("name"): ox.Literal("Okinawa")}
    # Alone, the second would find every entity with a label.
    chain = (NARROW, Narrowing("name", "SELECT ?e WHERE { ?e skos:prefLabel ?any }"))
    assert run_on_store(store, QUERY, "csv", name, 100, (), chain).text.splitlines() == [
        "e,label",
        "https://w3id.org/alliance-kg/id/place/okinawa,Okinawa",
    ]


def test_a_values_narrowing_binds_what_it_finds_with_a_values_block(corpus_store: Path) -> None:
    entry = parse_query_file(
        "x", "# Q.\n# param: name text - a name\n# narrow: name values\n#| SELECT ?e WHERE {\n"
        "#|   ?e skos:prefLabel ?name }\n" + QUERY,
    )  # fmt: skip
    assert entry.narrowing == (
        Narrowing("name", " SELECT ?e WHERE {\n   ?e skos:prefLabel ?name }", True),
    )
    store = ox.Store.read_only(str(corpus_store))
    name = {ox.Variable("name"): ox.Literal("Okinawa")}
    assert narrowed(store, QUERY, name, entry.narrowing) == (
        "SELECT ?e ?label WHERE { VALUES (?e) "
        "{ (<https://w3id.org/alliance-kg/id/place/okinawa>) }\n"
        " ?e skos:prefLabel ?label } ORDER BY ?label"
    )
    assert run_on_store(store, QUERY, "csv", name, 100, (), entry.narrowing).text.splitlines() == [
        "e,label",
        "https://w3id.org/alliance-kg/id/place/okinawa,Okinawa",
    ]
    unknown = {ox.Variable("name"): ox.Literal("Atlantis")}
    assert (
        run_on_store(store, QUERY, "csv", unknown, 100, (), entry.narrowing).text == "e,label\r\n"
    )
