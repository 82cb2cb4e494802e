"""Conventions of the command line shared with Jena's and Oxigraph's tools: ``--store`` after
the command name, ``query -o FILE`` with the format from the extension, ``--results``, ``-``
for standard input, formats that fit the query's form, exit codes 0, 1 and 2."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg, akg_args

DATA = Path(__file__).parent / "data" / "cli"
SMALL = DATA / "ausmin-2031.md"
ASK = "ASK { ?m a akg:Meeting }"
SELECT = "SELECT ?date WHERE { ?m a akg:Meeting ; dct:date ?date } ORDER BY ?date"
CONSTRUCT = "CONSTRUCT { ?m dct:date ?date } WHERE { ?m a akg:Meeting ; dct:date ?date }"


@pytest.mark.parametrize(
    "args",
    [
        ["query", "--store", "{s}", ASK],
        ["query", ASK, "--store", "{s}"],
        ["query", "--store={s}", ASK],
        ["--store", "{s}", "query", ASK],
    ],
)
def test_store_before_or_after_the_command(corpus_store: Path, args: list[str]) -> None:
    result = akg_args(*(a.replace("{s}", str(corpus_store)) for a in args))
    assert (result.exit_code, result.output) == (0, "true\n")


def test_a_store_option_after_double_dash_is_an_argument(corpus_store: Path) -> None:
    result = akg_args("--store", str(corpus_store), "query", "--", "--store")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("rows.csv", "csv"), ("rows.tsv", "tsv"), ("rows.srj", "json"), ("rows.srx", "xml")],
)
def test_query_output_file_takes_its_format_from_the_name(
    corpus_store: Path, tmp_path: Path, name: str, fmt: str
) -> None:
    out = tmp_path / name
    result = akg(corpus_store, "query", SELECT, "-o", str(out))
    assert (result.exit_code, result.output) == (0, f"Wrote {out}\n")
    printed = akg(corpus_store, "query", SELECT, "--results", fmt)
    assert out.read_bytes() == printed.stdout_bytes
    assert printed.output.count("2023-01-11") == 1


def test_query_output_of_a_graph(corpus_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "meetings.nt"
    assert akg(corpus_store, "query", CONSTRUCT, "-o", str(out)).exit_code == 0
    triples = {q.triple for q in ox.parse(out.read_bytes(), format=ox.RdfFormat.N_TRIPLES)}
    assert len(triples) == 3
    for fmt, rdf_format in [("jsonld", ox.RdfFormat.JSON_LD), ("rdfxml", ox.RdfFormat.RDF_XML)]:
        result = akg(corpus_store, "query", CONSTRUCT, "--format", fmt)
        assert result.exit_code == 0, result.output
        again = set(ox.parse(result.stdout_bytes, format=rdf_format))
        assert {q.triple for q in again} == triples
    assert akg(corpus_store, "query", CONSTRUCT).output.startswith("@prefix ")


@pytest.mark.parametrize(
    ("query", "fmt", "message"),
    [
        (
            CONSTRUCT,
            "csv",
            "Error: --format csv does not fit a CONSTRUCT or DESCRIBE query, whose result is a "
            "graph; use table, turtle, nt, jsonld, rdfxml\n",
        ),
        (
            SELECT,
            "turtle",
            "Error: --format turtle does not fit a SELECT query, whose result is rows; use "
            "table, csv, tsv, json, xml\n",
        ),
        (
            ASK,
            "nt",
            "Error: --format nt does not fit an ASK query, whose result is true or false; use "
            "table, csv, tsv, json, xml\n",
        ),
    ],
)
def test_a_format_that_does_not_fit_the_query_is_an_error(
    corpus_store: Path, query: str, fmt: str, message: str
) -> None:
    result = akg(corpus_store, "query", query, "--format", fmt)
    assert (result.exit_code, result.output) == (1, message)


def test_a_cookbook_query_in_a_graph_format_is_an_error(corpus_store: Path) -> None:
    result = akg(corpus_store, "query", "-n", "meetings", "--format", "jsonld")
    assert result.exit_code == 1
    assert result.output.startswith("Error: --format jsonld does not fit a SELECT query")


def test_query_output_name_and_format_must_agree(corpus_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.csv"
    result = akg(corpus_store, "query", SELECT, "-o", str(out), "--format", "json")
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {out}: the name says csv but the format asked is json\n",
    )
    unknown = tmp_path / "rows.dat"
    result = akg(corpus_store, "query", SELECT, "-o", str(unknown))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {unknown}: cannot tell the results format")
    assert not out.exists() and not unknown.exists()
    assert akg(corpus_store, "query", SELECT, "-o", str(unknown), "--format", "csv").exit_code == 0
    assert unknown.read_text().splitlines()[0] == "date"


def test_dash_reads_standard_input(corpus_store: Path, tmp_path: Path) -> None:
    result = akg(corpus_store, "query", "-f", "-", input=ASK)
    assert (result.exit_code, result.output) == (0, "true\n")
    page = tmp_path / "part.html"
    result = akg(corpus_store, "render", "--query", "-", "-o", str(page), input=CONSTRUCT)
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {page} (3 nodes, 0 edges)\n"
    store = tmp_path / "store"
    assert akg(store, "build", str(SMALL)).exit_code == 0
    update = 'INSERT DATA { GRAPH <urn:x:notes> { <urn:x:a> <urn:x:b> "c" } }'
    assert akg(store, "update", "-f", "-", input=update).exit_code == 0
    assert akg(store, "query", "ASK { <urn:x:a> <urn:x:b> ?c }").output == "true\n"


def test_exit_codes(corpus_store: Path) -> None:
    assert akg(corpus_store, "query", ASK).exit_code == 0
    assert akg(corpus_store, "query", "SELEC nothing").exit_code == 1  # an error: Error: ...
    usage = akg(corpus_store, "query", "-f", "-", input="  \n")
    assert (usage.exit_code, usage.output.splitlines()[-1]) == (
        2,
        "Error: standard input is empty: no query was given",
    )
    assert akg(corpus_store, "query", "--format", "yaml", ASK).exit_code == 2
    assert akg_args("no-such-command").exit_code == 2


def test_json_results_of_a_file_are_the_w3c_format(corpus_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    assert akg(corpus_store, "query", SELECT, "-o", str(out)).exit_code == 0
    data = json.loads(out.read_text())
    assert data["head"]["vars"] == ["date"]
    assert len(data["results"]["bindings"]) == 3
