"""Export the store as one RDF file, byte for byte the same for the same store content."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.errors import AkgError
from alliance_kg.graph.files import write_atomic
from alliance_kg.ontology import PREFIXES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its pyoxigraph format and whether it keeps the named graphs."""

    name: str
    rdf_format: ox.RdfFormat
    named_graphs: bool
    extension: str
    media_type: str


def _format(name: str, rdf_format: ox.RdfFormat, named_graphs: bool) -> ExportFormat:
    return ExportFormat(
        name, rdf_format, named_graphs, rdf_format.file_extension, rdf_format.media_type
    )


#: The export formats by the name the CLI offers. Triple formats hold the union of all graphs.
EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        _format("turtle", ox.RdfFormat.TURTLE, False),
        _format("nt", ox.RdfFormat.N_TRIPLES, False),
        _format("nquads", ox.RdfFormat.N_QUADS, True),
        _format("trig", ox.RdfFormat.TRIG, True),
        _format("jsonld", ox.RdfFormat.JSON_LD, False),
        _format("xml", ox.RdfFormat.RDF_XML, False),
    )
}


def export_graph(store: SparqlStore, fmt: str) -> bytes:
    """Serialise the store in the format named ``fmt`` (a key of ``EXPORT_FORMATS``).

    Triple formats get the distinct triples of all graphs merged; N-Quads and TriG keep each
    triple in its named graph. Statements are sorted first, so the bytes depend only on the
    store's content (blank node ids excepted, which the project never writes).
    """
    spec = EXPORT_FORMATS.get(fmt)
    if spec is None:
        raise AkgError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    # The default graph is the union of the named graphs (see store.refresh_union): each quad
    # is exported once, under the document it belongs to.
    quads = [
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if not isinstance(q.graph_name, ox.DefaultGraph)
    ]
    if spec.named_graphs:
        return serialize_sorted(quads, spec.rdf_format)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    return serialize_sorted(triples, spec.rdf_format)


def serialize_sorted(
    statements: Iterable[ox.Triple] | Iterable[ox.Quad], rdf_format: ox.RdfFormat
) -> bytes:
    """Serialise triples or quads in a fixed order, with the project prefixes where the format
    has prefixes; each subject's ``rdf:type`` comes first, Turtle-style."""
    ordered = sorted(statements, key=_sort_key)
    data = ox.serialize(ordered, format=rdf_format, prefixes=PREFIXES) or b""
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        data = _sort_prefix_lines(data)
    return data


def export_to_file(store: SparqlStore, fmt: str, path: str | Path) -> None:
    """Write ``export_graph(store, fmt)`` to ``path`` atomically (``files.write_atomic``), so
    readers never see a half-written file and a failure leaves any old file in place."""
    write_atomic(path, export_graph(store, fmt))


def _sort_key(statement: ox.Triple | ox.Quad) -> tuple[str, str, bool, str, str]:
    graph = ""
    if isinstance(statement, ox.Quad) and not isinstance(statement.graph_name, ox.DefaultGraph):
        graph = str(statement.graph_name)
    predicate = statement.predicate
    return (
        graph,
        str(statement.subject),
        predicate.value != RDF_TYPE,
        str(predicate),
        str(statement.object),
    )


def _sort_prefix_lines(data: bytes) -> bytes:
    # The serialiser's prefix order is an implementation detail; fix it ourselves.
    lines = data.split(b"\n")
    count = 0
    while count < len(lines) and lines[count].startswith(b"@prefix "):
        count += 1
    return b"\n".join(sorted(lines[:count]) + lines[count:])


__all__ = ["EXPORT_FORMATS", "ExportFormat", "export_graph", "export_to_file", "serialize_sorted"]
