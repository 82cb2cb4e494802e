"""The Turtle export written from sorted N-Triples lines (``turtle_style.TurtleBody``): the same
bytes as Oxigraph's own serialiser given the same statements and prefixes, or, where it cannot
tell, Oxigraph's serialiser itself."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_kg.graph import export
from alliance_kg.graph.export import export_graph
from alliance_kg.ontology import PREFIXES

AKG, IDS, PROV, RDF, SKOS, XSD = (PREFIXES[n] for n in ("akg", "id", "prov", "rdf", "skos", "xsd"))
FAST = export._write_turtle
GRAPH = ox.NamedNode(f"{IDS}document/d1")


def _node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=_node(datatype))


def _store(path: Path, statements: Sequence[tuple[object, str, object]]) -> ox.Store:
    store = ox.Store(str(path))
    store.extend(ox.Quad(s, _node(p), o, GRAPH) for s, p, o in statements)  # type: ignore[arg-type]
    return store


def _exports(
    store: ox.Store, monkeypatch: pytest.MonkeyPatch, folder: Path | None = None
) -> tuple[bytes, bytes, list[bool]]:
    """The Turtle export as made, with whether the fast path wrote it, and as Oxigraph's
    serialiser writes it (the fast path turned off)."""
    taken: list[bool] = []

    def recorded(*args: object) -> bool:
        taken.append(FAST(*args))  # type: ignore[arg-type]
        return taken[-1]

    monkeypatch.setattr(export, "_write_turtle", recorded)
    made = export_graph(store, "turtle", folder)
    monkeypatch.setattr(export, "_write_turtle", lambda *args: False)
    return made, export_graph(store, "turtle", folder), taken


COMMITMENT = _node(f"{IDS}commitment/d1/0-10")
JAPAN = _node(f"{IDS}state/japan")
TRICKY = [
    (COMMITMENT, f"{RDF}type", _node(f"{AKG}Commitment")),
    (COMMITMENT, f"{RDF}type", _node(f"{AKG}Pledge")),
    (COMMITMENT, f"{AKG}madeBy", JAPAN),
    (COMMITMENT, f"{AKG}madeBy", _node("http://example.org/other")),
    (COMMITMENT, f"{AKG}quote", ox.Literal('Japan "pledged"\nto act\t\\ é 日本 \x01 \x7f')),
    (COMMITMENT, f"{AKG}quote", ox.Literal(f"type <{RDF}type> inside")),
    (COMMITMENT, f"{AKG}note", ox.Literal(f"see <{PROV}used> and <{SKOS}bad/one>")),
    (COMMITMENT, f"{AKG}label", ox.Literal("Japon", language="fr")),
    (COMMITMENT, f"{AKG}label", ox.Literal("Japan", language="en-GB")),
    (COMMITMENT, f"{AKG}year", _typed("2025", f"{XSD}gYear")),
    (COMMITMENT, f"{AKG}count", _typed("12", f"{XSD}integer")),
    (COMMITMENT, f"{AKG}count", _typed("-05", f"{XSD}integer")),
    (COMMITMENT, f"{AKG}count", _typed("+7", f"{XSD}integer")),
    (COMMITMENT, f"{AKG}count", _typed("1.5", f"{XSD}integer")),
    (COMMITMENT, f"{AKG}size", _typed("1.5", f"{XSD}decimal")),
    (COMMITMENT, f"{AKG}size", _typed("2", f"{XSD}decimal")),
    (COMMITMENT, f"{AKG}size", _typed("1e3", f"{XSD}double")),
    (COMMITMENT, f"{AKG}size", _typed("NaN", f"{XSD}double")),
    (COMMITMENT, f"{AKG}flag", _typed("true", f"{XSD}boolean")),
    (COMMITMENT, f"{AKG}flag", _typed("1", f"{XSD}boolean")),
    (
        COMMITMENT,
        f"{AKG}where",
        _typed("POINT(1 2)", "http://www.opengis.net/ont/geosparql#wktLiteral"),
    ),
    (COMMITMENT, f"{AKG}odd", _typed("x", "http://example.org/type")),
    (JAPAN, f"{SKOS}prefLabel", ox.Literal("Japan")),
    (JAPAN, f"{AKG}kind", _node(f"{RDF}type")),
    (JAPAN, "http://example.org/p.q", _node(f"{AKG}a.b-c_d")),
    (_node("http://example.org/s"), f"{AKG}empty", ox.Literal("")),
]


def test_tricky_statements_are_written_as_oxigraph_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made, oxigraph, taken = _exports(_store(tmp_path / "s", TRICKY), monkeypatch)
    assert taken == [True]
    assert made == oxigraph
    text = made.decode()
    # The prefixes are those used; prov only in a literal's text, rdf only as rdf:type.
    assert [line for line in text.splitlines() if line.startswith("@prefix")] == [
        f"@prefix akg: <{AKG}> .",
        "@prefix geo: <http://www.opengis.net/ont/geosparql#> .",
        f"@prefix prov: <{PROV}> .",
        f"@prefix skos: <{SKOS}> .",
        f"@prefix xsd: <{XSD}> .",
    ]
    assert f"<{COMMITMENT.value}> a akg:Commitment , akg:Pledge ;\n" in text
    # The store keeps integers' canonical forms (-05 is -5): TurtleBody is given what it holds.
    assert '\takg:count -5 , "1.5"^^xsd:integer , 12 , 7 ;\n' in text
    assert '\takg:size 1.5 , "1000"^^xsd:double , "2"^^xsd:decimal , "NaN"^^xsd:double ;\n' in text
    assert f"\takg:kind <{RDF}type> .\n" in text


def test_bundled_corpus_is_written_as_oxigraph_writes_it(
    corpus_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ox.Store.read_only(str(corpus_store))
    # From the default graph (the store is stamped) and from the named graphs.
    for folder in (corpus_store, None):
        made, oxigraph, taken = _exports(store, monkeypatch, folder)
        assert taken == [True]
        assert made == oxigraph
        assert made.startswith(b"@prefix akg: ")


OTHER = _node("http://example.org/s")


@pytest.mark.parametrize(
    ("statement", "escaped"),
    [
        # id:state/japan has a "/" and id:plain declares "id": Oxigraph escapes the "/".
        (
            (JAPAN, f"{AKG}sameAs", _node(f"{IDS}plain")),
            b"id:state\\/japan akg:sameAs id:plain .\n",
        ),
        # akg is declared, and Oxigraph escapes a final ".".
        (
            (OTHER, f"{AKG}end", _node(f"{AKG}ends.")),
            b"<http://example.org/s> akg:end akg:ends\\. .\n",
        ),
    ],
)
def test_a_prefix_used_and_an_escaped_name_go_to_oxigraph(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    statement: tuple[ox.NamedNode, str, ox.NamedNode],
    escaped: bytes,
) -> None:
    # The fast body wrote the IRI in full, not knowing yet that its prefix would be declared.
    statements = [statement, (_node(f"{IDS}plain"), f"{AKG}label", ox.Literal("x"))]
    made, oxigraph, taken = _exports(_store(tmp_path / "s", statements), monkeypatch)
    assert taken == [False]
    assert made == oxigraph
    assert escaped in made


def test_blank_nodes_go_to_oxigraph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    statements = [
        (ox.BlankNode("b1"), f"{AKG}label", ox.Literal("x")),
        (JAPAN, f"{AKG}label", ox.Literal("y")),
    ]
    made, oxigraph, taken = _exports(_store(tmp_path / "s", statements), monkeypatch)
    assert taken == [False]
    assert made == oxigraph


def test_empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made, oxigraph, taken = _exports(ox.Store(str(tmp_path / "s")), monkeypatch)
    assert (made, oxigraph, taken) == (b"", b"", [True])


def test_lines_not_canonical_are_written_as_oxigraph_writes_them() -> None:
    import io

    from alliance_kg.graph.turtle_style import TurtleBody

    s, p = "<http://example.org/s>", f"<{AKG}count>"
    values = ['"+7"', '"-05"', '"007"', '" 7"', '"7 "', '"+"', '""', '"\u0663"', '"1.0"']
    lines = sorted(f"{s} {p} {v}^^<{XSD}integer> .\n".encode() for v in values)
    body = TurtleBody(PREFIXES)
    out = io.BytesIO()
    body.write([lines], out)
    statements = ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES)
    expected = ox.serialize(statements, format=ox.RdfFormat.TURTLE, prefixes=body.used())
    head, body_text = (expected or b"").split(b"\n<", 1)
    assert b"<" + body_text == out.getvalue()
    assert sorted(head.splitlines()) == [
        f"@prefix {n}: <{PREFIXES[n]}> .".encode() for n in ("akg", "xsd")
    ]
    assert out.getvalue().startswith(
        f'{s} akg:count " 7"^^xsd:integer , ""^^xsd:integer , "+"^^xsd:integer , '
        "+7 , -05 , 007 ,".encode()
    )


@pytest.mark.parametrize("unique", [True, False])
def test_run_sorter_merges_runs_a_block_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unique: bool
) -> None:
    import random

    from alliance_kg.graph import export_sort

    # Runs of about 2 kB read back 100 bytes at a time: many runs, many blocks, and lines
    # repeated within a run, across runs and at the blocks' bounds.
    monkeypatch.setattr(export_sort, "CHUNK", 100)
    rng = random.Random(5)
    lines = [f"<s{rng.randrange(300):03}> <p> {rng.randrange(9)} .\n".encode() for _ in range(3000)]
    sorter = export_sort.RunSorter(tmp_path, unique, 2000)
    for start in range(0, len(lines), 7):
        chunk = lines[start : start + 7]
        sorter.add(chunk, sum(map(len, chunk)))
    assert len(list(tmp_path.iterdir())) > 20
    blocks = list(sorter.blocks())
    assert len(blocks) > 20
    merged = [line for block in blocks for line in block]
    assert merged == (sorted(set(lines)) if unique else sorted(lines))
    assert list(tmp_path.iterdir()) == []
