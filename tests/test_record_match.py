"""A build's worker reads each document's record (what the corpus-level stage needs of it) from
the graph's lines in memory; the rows are exactly those the same queries give in a store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_kg.graph.build import document_graph
from alliance_kg.graph.links.match import compile_pattern
from alliance_kg.graph.links.read import QUERIES, Rows, graph_records, read_records
from alliance_kg.graph.store import in_graph
from alliance_kg.loaders.parallel import extract_file
from alliance_kg.loaders.readers import collect_paths, sample_corpus_dir

DATA = Path(__file__).parent / "data"
GRAPH = "https://w3id.org/alliance-kg/id/document/d"
AKG = "https://w3id.org/alliance-kg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def in_a_store(name: str, lines: list[str]) -> Rows:
    """The record as the stage reads it from a store holding the graph."""
    store = ox.Store()
    store.load("".join(in_graph(ox.NamedNode(name), lines)), format=ox.RdfFormat.N_QUADS)
    return read_records(store).get(name, {})


FOLDERS = [sample_corpus_dir(), *(DATA / d for d in ("series", "unseen", "links", "cli"))]


def test_every_document_has_the_rows_a_store_gives(tmp_path: Path) -> None:
    # A statement whose metadata gives the meeting's date and place (``akg:givenDate``, ...).
    given = tmp_path / "given.md"
    text = (DATA / "cli" / "ausmin-2031.md").read_text(encoding="utf-8")
    given.write_text(
        text.replace("---\n", "---\nmeeting_date: 2031-05-02\nmeeting_place: Perth\n", 1),
        encoding="utf-8",
    )
    found: set[str] = set()
    paths = collect_paths(FOLDERS)
    for path in [*paths, given]:
        graph = document_graph(extract_file(path))
        record = graph_records(graph.name, graph.lines)
        assert record == in_a_store(graph.name, graph.lines), path
        found |= set(record)
    # Every query's pattern was compared on rows.
    assert found == set(QUERIES)
    assert len(paths) > 20


def lines(*triples: tuple[str, str, str]) -> list[str]:
    return [f"{s} {p} {o} ." for s, p, o in triples]


C, D = "<https://w3id.org/alliance-kg/id/c1>", f"<{GRAPH}>"


@pytest.mark.parametrize(
    "graph",
    [
        # The commitment is stated in a literal that reads as the document's IRI: no row.
        lines(
            (C, f"<{AKG}statedIn>", f'"{GRAPH}"'),
            (C, f"<{AKG}quote>", '"We agree."'),
            (C, f"<{AKG}startOffset>", '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ),
        # Two commitments, one in another document.
        lines(
            (C, f"<{AKG}statedIn>", D),
            (C, f"<{AKG}quote>", '"We agree."'),
            (C, f"<{AKG}startOffset>", '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'),
            ("<https://w3id.org/alliance-kg/id/c2>", f"<{AKG}statedIn>", "<http://x/other>"),
            ("<https://w3id.org/alliance-kg/id/c2>", f"<{AKG}quote>", '"Other."'),
        ),
        # The same name as an alternative label and a demonym: one row, as in the store.
        lines(
            ("<http://x/e>", f"<{SKOS}altLabel>", '"Japanese"'),
            ("<http://x/e>", f"<{AKG}demonym>", '"Japanese"'),
            ("<http://x/e>", f"<{AKG}demonym>", '"Nipponese"'),
            ("<http://x/e>", f"<{SKOS}prefLabel>", '"Japan"'),
            ("<http://x/e>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", f"<{AKG}State>"),
        ),
        # A line given twice is one triple; a deadline joins over two subjects.
        lines(
            (C, f"<{AKG}hasDeadline>", "<http://x/dl>"),
            (C, f"<{AKG}hasDeadline>", "<http://x/dl>"),
            ("<http://x/dl>", f"<{AKG}deadlineDate>", '"2030"'),
            ("<http://x/dl>", f"<{AKG}deadlineKind>", '"by"'),
            ("<http://x/dl2>", f"<{AKG}deadlineDate>", '"2031"'),
        ),
    ],
)
def test_rows_are_those_of_a_store(graph: list[str]) -> None:
    assert graph_records(GRAPH, graph) == in_a_store(GRAPH, graph)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("?d akg:sourceFile", "not a predicate and an object"),
        ("?d", "a subject without predicates"),
        ("?d nope:x ?v", "not an IRI or a known prefixed name"),
    ],
)
def test_a_pattern_of_another_syntax_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compile_pattern(text)
