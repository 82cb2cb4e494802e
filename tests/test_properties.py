"""Properties that hold for any input, checked on inputs Hypothesis makes (with a fixed seed,
so a run is repeatable): any file loads or fails with an ``AkgError``; any graph built exports
in every format to what a strict parser reads back as the same graph; the default graph is
always the set union of the named graphs."""

from __future__ import annotations

import tempfile
from pathlib import Path
from xml.parsers import expat

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_kg.errors import AkgError
from alliance_kg.graph.build import extraction_graph
from alliance_kg.graph.export import EXPORT_FORMATS, export_graph
from alliance_kg.graph.load import iter_extractions, write_extractions
from alliance_kg.loaders.extract import extract
from alliance_kg.loaders.readers import read_document

# Pieces of statements (names, verbs, dates, punctuation, markup, controls, other scripts) and
# any character: texts that reach every stage of extraction, not only its first refusal.
PIECES = [
    "Japan", "the United States", "Australia", "U.S.", "Japan-U.S.", "Secretary Blinken",
    "Minister Hayashi", "the Ministers", "the Alliance", "SCC", "(SCC)", "Camp Schwab",
    "Okinawa", "Tokyo", "will", "reaffirmed", "defend", "support", "oppose", "met in",
    "on January 5, 2023", "by 2025", "which", "that", ".", ",", ":", "\n", "\n\n", "- ", "# ",
    '"', "'", "“", "”", "&", "<b>", "</p>", "\x01", "\x0c", "\x1b[31m", "\u202e", "é", "中",
    "🙂", "---\ntitle: x\n---\n",
]  # fmt: skip
TEXTS = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(st.characters(exclude_categories=["Cs"]))),
    max_size=40,
).map(" ".join)
SUFFIXES = st.sampled_from([".txt", ".md", ".html", ""])


def bounded(examples: int) -> settings:
    """A fixed seed, no example database, no per-example deadline, this many examples."""
    return settings(
        derandomize=True,
        deadline=None,
        database=None,
        max_examples=examples,
        suppress_health_check=[HealthCheck.too_slow],
    )


@bounded(60)
@given(text=TEXTS, suffix=SUFFIXES)
def test_any_text_loads_or_fails_with_an_akg_error(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"doc{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            graph = list(extraction_graph(extract(read_document(path))))
        except AkgError as exc:
            assert str(exc).startswith(str(path))  # the message names the file
        else:
            assert graph


@bounded(30)
@given(data=st.binary(max_size=300), suffix=SUFFIXES)
def test_any_bytes_load_or_fail_with_an_akg_error(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"doc{suffix}"
        path.write_bytes(data)
        try:
            extract(read_document(path))
        except AkgError as exc:
            assert str(exc).startswith(str(path))


def named_quads(store: ox.Store) -> set[ox.Quad]:
    return {q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}


STATEMENTS = TEXTS.map(lambda t: f"Japan will defend Okinawa. {t}")


@bounded(12)
@given(texts=st.lists(STATEMENTS, min_size=1, max_size=3))
def test_any_built_graph_exports_in_every_format_as_the_same_graph(texts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for n, text in enumerate(texts):
            (Path(folder) / f"doc{n}.txt").write_text(text, encoding="utf-8")
        store = ox.Store()
        write_extractions(store, iter_extractions([folder]))
    quads = named_quads(store)
    union = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    default = {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert default == union  # the default graph is the set union of the named graphs
    for name, spec in EXPORT_FORMATS.items():
        data = export_graph(store, name)
        if name == "xml":
            expat.ParserCreate().Parse(data, True)  # well-formed XML 1.0
        read = list(ox.parse(data, spec.rdf_format))
        if spec.named_graphs:
            assert set(read) == quads, name
        else:
            assert {q.triple for q in read} == union, name
