"""Export the store as one RDF file, byte for byte the same for the same store content, streamed
through Oxigraph's serialisers in memory that does not grow with the store."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, cast

import pyoxigraph as ox

from alliance_kg.errors import AkgError
from alliance_kg.graph.export_sort import CHUNK, MARK, TYPE, DumpSink, RunSorter
from alliance_kg.graph.files import atomic_output
from alliance_kg.graph.stamp import union_stamped
from alliance_kg.graph.turtle_style import NotWritten, TurtleBody, UsedPrefixes, prefixes_for
from alliance_kg.ontology import PREFIXES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: Bytes of N-Triples lines an export sorts in memory at a time; more go to temporary files.
RUN_BYTES = 32 * 1024 * 1024


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
        _format("jsonld", ox.RdfFormat.JSON_LD, True),
        _format("xml", ox.RdfFormat.RDF_XML, False),
    )
}


def export_graph(store: SparqlStore, fmt: str, folder: str | Path | None = None) -> bytes:
    """Serialise the store in the format named ``fmt`` (a key of ``EXPORT_FORMATS``).

    Triple formats get the distinct triples of all graphs merged; N-Quads and TriG keep each
    triple in its named graph. Statements come in a fixed order (``write_export``), so the
    bytes depend only on the store's content (blank node ids excepted, which the project never
    writes). ``folder``: the on-disk store's folder, whose stamp may let a triple format read
    the default graph (``write_export``).
    """
    buffer = io.BytesIO()
    write_export(store, fmt, buffer, folder)
    return buffer.getvalue()


def write_export(
    store: SparqlStore, fmt: str, output: BinaryIO, folder: str | Path | None = None
) -> None:
    """Write the export of ``export_graph`` to ``output`` as it is made, in memory that does not
    grow with the store: each graph is dumped by Oxigraph's serialiser as N-Triples straight
    into a sorter (``export_sort``: runs of at most ``RUN_BYTES`` spilled to temporary files
    and merged), and the sorted lines are written as they are (N-Triples, N-Quads), as Turtle
    by ``turtle_style.TurtleBody``, or through Oxigraph's serialiser for ``fmt``.

    The order is by graph (quad formats), subject, ``rdf:type`` first, predicate and object, all
    as N-Triples text. Oxigraph's own index order does not depend on the order of the writes
    either, but follows hashes of the terms; sorted text reads better and is what earlier
    exports did, byte for byte.

    A triple format reads the default graph alone, which holds each triple once, when
    ``folder`` is given and its stamp says that only akg wrote the store (``graph.stamp``), so
    that the default graph is exactly the union of the named graphs: the same bytes, from about
    half the quads. Check the stamp after ``store`` was opened (``stamp.union_stamped``).
    """
    spec = EXPORT_FORMATS.get(fmt)
    if spec is None:
        raise AkgError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "jsonld":
        # Compacted with the project's context, named graphs kept (``jsonld.py``).
        from alliance_kg.graph.jsonld import write_jsonld

        write_jsonld(store, output)
        return
    # The default graph is the union of the named graphs (see store.replace_graphs): each quad
    # is exported once, under the document it belongs to. Triple formats read that copy only
    # where the stamp vouches for it: else the named graphs, since only they say what the
    # documents state (a triple written into the default graph by another tool is no
    # document's), and Oxigraph cannot check that the copy is their union for less than reading
    # them (README "Performance", "Export").
    held: dict[Any, list[ox.Triple]] | None = None
    graphs: list[Any]
    if isinstance(store, ox.Store) and not spec.named_graphs and _stamped(folder):
        graphs = [ox.DefaultGraph()]
    elif isinstance(store, ox.Store):
        graphs = sorted(store.named_graphs(), key=str)
    else:
        # A remote store is read whole in any case (RemoteStore.quads_for_pattern); group it.
        held = defaultdict(list)
        for quad in store.quads_for_pattern(None, None, None, None):
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                held[quad.graph_name].append(quad.triple)
        graphs = sorted(held, key=str)
    with tempfile.TemporaryDirectory(prefix="akg-export-") as tmp:
        folder = Path(tmp)
        # The default graph holds each triple once; merged named graphs may repeat one.
        unique = graphs != [ox.DefaultGraph()]
        blocks: Iterator[bytes]
        if spec.named_graphs:
            blocks = (
                _to_nquads(_text(block), str(graph).encode())
                for graph in graphs
                for block in _sorted(store, held, [graph], folder, False)
            )
        else:
            blocks = (_text(block) for block in _sorted(store, held, graphs, folder, unique))
        if spec.rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
            # The sorted lines are already what Oxigraph's serialiser writes.
            for block in blocks:
                output.write(block)
            return
        # Turtle is written from the sorted lines themselves where it can be (in less than half
        # the time Oxigraph takes to parse them and write Turtle); where it cannot tell that
        # the result is Oxigraph's, Oxigraph writes it below, from the graphs read again.
        if spec.rdf_format == ox.RdfFormat.TURTLE and _write_turtle(
            _sorted(store, held, graphs, folder, unique), folder, output
        ):
            return
        line_format = ox.RdfFormat.N_QUADS if spec.named_graphs else ox.RdfFormat.N_TRIPLES
        if spec.rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            # The prefixes are declared first, so which are used is found in a first pass over
            # the sorted lines, spooled to a file for the second (turtle_style.py).
            used = UsedPrefixes(PREFIXES)
            with (folder / "sorted.nq").open("w+b") as spool:
                for block in blocks:
                    used.scan(block)
                    spool.write(block)
                spool.seek(0)
                sorter = _PrefixesSorted(output)
                ox.serialize(
                    ox.parse(spool, format=line_format),
                    cast(IO[bytes], sorter),
                    spec.rdf_format,
                    prefixes=used.found(),
                )
                sorter.finish()
            return
        statements: Iterator[Any] = chain.from_iterable(
            ox.parse(b, format=line_format) for b in blocks
        )
        if spec.rdf_format == ox.RdfFormat.RDF_XML:
            statements = _xml_safe(statements)
        ox.serialize(statements, output, spec.rdf_format, prefixes=PREFIXES)


def _write_turtle(blocks: Iterator[list[bytes]], folder: Path, output: BinaryIO) -> bool:
    """Write the Turtle of the sorted, marked N-Triples lines of ``blocks`` to ``output`` without
    Oxigraph's parser and serialiser (``TurtleBody``), the body spooled in ``folder`` until the
    prefixes are known. False, with nothing written, where the body may not be Oxigraph's: the
    caller then has Oxigraph write it."""
    try:
        body = TurtleBody(PREFIXES)
        with (folder / "body.ttl").open("w+b") as spool:
            body.write(blocks, spool)
            used = body.used()
            if body.unsure & used.keys():
                return False
            head = sorted(f"@prefix {name}: <{iri}> .\n".encode() for name, iri in used.items())
            output.write(b"".join(head))
            spool.seek(0)
            shutil.copyfileobj(spool, output, CHUNK)
        return True
    except NotWritten:
        return False
    finally:
        if isinstance(blocks, Generator):
            blocks.close()


# What XML 1.0 cannot carry. Documents never bring it (the readers replace it), but a SPARQL
# Update or a shard can: RDF/XML with it would be read by no XML parser.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(statements: Iterable[Any]) -> Iterator[Any]:
    """The statements, checked: ``AkgError`` at a literal RDF/XML cannot write."""
    for statement in statements:
        term = statement.object
        if isinstance(term, ox.Literal) and (bad := _NOT_XML.search(term.value)):
            subject = statement.subject.value
            raise AkgError(
                f"cannot export RDF/XML: the value {term.value[:40]!r} of <{subject}> holds "
                f"U+{ord(bad.group()):04X}, which XML 1.0 cannot carry; export another format, "
                "or remove the character with akg update"
            )
        yield statement


def serialize_sorted(
    statements: Iterable[ox.Triple] | Iterable[ox.Quad], rdf_format: ox.RdfFormat
) -> bytes:
    """Serialise triples or quads held in memory (a query's result) in the order of exports,
    with the project prefixes where the format has prefixes."""
    ordered = sorted(statements, key=_sort_key)
    prefixes = prefixes_for(ordered, PREFIXES)
    data = ox.serialize(ordered, format=rdf_format, prefixes=prefixes) or b""
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        data = _sort_prefix_lines(data)
    return data


def export_to_file(
    store: SparqlStore, fmt: str, path: str | Path, folder: str | Path | None = None
) -> None:
    """Write the export to ``path`` as it is made, atomically (``files.atomic_output``), so
    readers never see a half-written file and a failure leaves any old file in place.
    ``folder``: as for ``write_export``."""
    with atomic_output(path) as output:
        write_export(store, fmt, output, folder)


def _stamped(folder: str | Path | None) -> bool:
    return folder is not None and union_stamped(folder)


def _sorted(
    store: SparqlStore,
    held: dict[Any, list[ox.Triple]] | None,
    graphs: list[Any],
    folder: Path,
    unique: bool,
) -> Iterator[list[bytes]]:
    """The N-Triples lines of ``graphs`` (from ``held`` if given, else the store), with
    ``rdf:type`` predicates marked to sort first, sorted (without repeats if ``unique``), in
    blocks: each graph is dumped by Oxigraph straight into the sorter (``export_sort``)."""
    sorter = RunSorter(folder, unique, RUN_BYTES)
    sink = DumpSink(sorter)
    for graph in graphs:
        if held is not None:
            ox.serialize(held[graph], cast(IO[bytes], sink), ox.RdfFormat.N_TRIPLES)
        else:
            assert isinstance(store, ox.Store)
            store.dump(cast(IO[bytes], sink), ox.RdfFormat.N_TRIPLES, from_graph=graph)
    sink.close()
    yield from sorter.blocks()


def _text(lines: list[bytes]) -> bytes:
    """A block of sorted lines as text for the serialisers, with ``rdf:type`` written back."""
    return b"".join(lines).replace(MARK, TYPE)


def _to_nquads(block: bytes, graph: bytes) -> bytes:
    # N-Triples lines end in " .\n" and hold no other newline (one is escaped in a literal).
    return block.replace(b" .\n", b" " + graph + b" .\n")


class _PrefixesSorted:
    """A writer that passes everything through but the opening ``@prefix`` lines, which it
    sorts: the serialiser's prefix order is an implementation detail."""

    def __init__(self, output: BinaryIO) -> None:
        self._output = output
        self._head: bytearray | None = bytearray()

    def write(self, data: bytes) -> int:
        if self._head is None:
            return self._output.write(data)
        self._head += data
        complete = self._head[: self._head.rfind(b"\n") + 1]
        if any(not line.startswith(b"@prefix ") for line in complete.splitlines()):
            self.finish()
        return len(data)

    def flush(self) -> None:
        self._output.flush()

    def finish(self) -> None:
        """Write out the held head (once the serialiser is done, if it is all prefixes)."""
        if self._head is not None:
            head, self._head = bytes(self._head), None
            self._output.write(_sort_prefix_lines(head))


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


__all__ = [
    "EXPORT_FORMATS",
    "ExportFormat",
    "export_graph",
    "export_to_file",
    "serialize_sorted",
    "write_export",
]
