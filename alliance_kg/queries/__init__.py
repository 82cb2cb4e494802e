"""Run SPARQL over the store and format the results (table, W3C CSV/TSV/JSON/XML, Turtle)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import pyoxigraph as ox

from alliance_kg.errors import FormatError, QueryError, read_bytes
from alliance_kg.graph.export import serialize_sorted
from alliance_kg.graph.sparql import bind_values, syntax_message
from alliance_kg.ontology import PREFIXES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

#: What ``run_query`` returns: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT,
#: DESCRIBE). Each can be formatted once: the solutions are read as they are formatted.
QueryResult: TypeAlias = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

#: The result formats by the name the CLI offers, with their media types.
RESULT_FORMATS: dict[str, str] = {
    "table": "text/plain",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
}

#: The formats of a CONSTRUCT or DESCRIBE result (a graph) by the name the CLI offers; ``table``
#: prints a graph as Turtle.
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

#: Every name ``akg query --format`` takes.
QUERY_FORMATS: tuple[str, ...] = (*RESULT_FORMATS, *GRAPH_FORMATS)

#: File name extensions ``akg query -o FILE`` reads the format from.
RESULT_EXTENSIONS: dict[str, str] = {
    ".txt": "table",
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".srj": "json",
    ".xml": "xml",
    ".srx": "xml",
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "jsonld",
    ".rdf": "rdfxml",
}


@dataclass(frozen=True)
class Dataset:
    """The graphs a request names as its dataset (SPARQL 1.1 Protocol ``default-graph-uri``
    and ``named-graph-uri``): ``None`` leaves the query's own or the store's in place."""

    default: tuple[str, ...] | None = None
    named: tuple[str, ...] | None = None

    def default_graph(self) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None:
        """``default_graph`` of ``pyoxigraph.Store.query``: the graphs merged as the default."""
        return None if self.default is None else [ox.NamedNode(g) for g in self.default]

    def named_graphs(self) -> list[ox.NamedNode | ox.BlankNode] | None:
        """``named_graphs`` of ``pyoxigraph.Store.query``: the graphs ``GRAPH`` can reach."""
        return None if self.named is None else [ox.NamedNode(g) for g in self.named]


_W3C_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
_MAX_CELL = 80


Substitutions: TypeAlias = dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]


def run_query(
    store: SparqlStore,
    sparql: str,
    *,
    substitutions: Substitutions | None = None,
    dataset: Dataset | None = None,
) -> QueryResult:
    """Run a SPARQL query over the union of all named graphs.

    ``GRAPH ?g`` reaches each document's graph. The prefixes of ``PREFIXES`` can be used
    without declaring them; a query's own ``PREFIX`` lines win. They are handed to the parser
    rather than pasted in front of the text, so error positions are those of the query as
    written. Invalid SPARQL raises ``QueryError`` with "line L, column C: ...".
    ``substitutions`` bind variables to RDF terms with a ``VALUES`` block opening the WHERE
    group (``graph.sparql.bind_values``), the same way on every kind of store; a value is
    never pasted into the query as raw text (a plain string is also written, as one escaped
    literal, into the filters of that group). ``dataset`` replaces the query's dataset with graphs
    of the store.
    """
    if substitutions:
        sparql = bind_values(sparql, substitutions)
    try:
        if dataset is None:
            return store.query(sparql, prefixes=PREFIXES)
        return store.query(
            sparql, prefixes=PREFIXES, default_graph=dataset.default_graph(),
            named_graphs=dataset.named_graphs(),
        )  # fmt: skip
    except SyntaxError as exc:
        raise QueryError(syntax_message(sparql, str(exc))) from exc
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryError(f"the query failed: {exc}") from exc


def format_results(result: QueryResult, fmt: str) -> str:
    """Format a query result as ``fmt`` (a key of ``RESULT_FORMATS``), ending with a newline.

    SELECT: ``table`` is fixed-width text with compact IRIs and an "N rows" line; csv, tsv, json
    and xml are the W3C SPARQL 1.1 results formats. ASK: ``true``/``false`` (json and xml as the
    W3C formats write booleans). CONSTRUCT and DESCRIBE: the format of ``GRAPH_FORMATS``, else
    Turtle with the project prefixes (``check_fits`` tells a user that asked for rows).
    """
    if fmt not in QUERY_FORMATS:
        raise QueryError(f"unknown result format {fmt!r}; use one of {', '.join(QUERY_FORMATS)}")
    if fmt in GRAPH_FORMATS and not isinstance(result, ox.QueryTriples):
        check_fits("boolean" if isinstance(result, ox.QueryBoolean) else "solutions", fmt)
    try:
        return _format(result, fmt)
    except (OSError, RuntimeError, ValueError) as exc:
        # Solutions are computed as they are read, so evaluation errors surface here.
        raise QueryError(f"the query failed: {exc}") from exc


def check_fits(kind: str, fmt: str) -> None:
    """Refuse a format that does not fit the result's ``kind`` (``solutions``, ``boolean`` or
    ``graph``): rows for a graph, or a graph format for rows or a boolean."""
    if kind == "graph" and fmt in RESULT_FORMATS and fmt != "table":
        raise FormatError(
            f"--format {fmt} does not fit a CONSTRUCT or DESCRIBE query, whose result is a "
            f"graph; use {', '.join(['table', *GRAPH_FORMATS])}"
        )
    if kind != "graph" and fmt in GRAPH_FORMATS:
        form = (
            "an ASK query, whose result is true or false"
            if kind == "boolean"
            else ("a SELECT query, whose result is rows")
        )
        raise FormatError(f"--format {fmt} does not fit {form}; use {', '.join(RESULT_FORMATS)}")


def results_format_for(path: str | Path, fmt: str | None) -> str:
    """The format of ``akg query -o PATH``: ``fmt`` if given (an error when the file's
    extension names another), else the one the extension names (``RESULT_EXTENSIONS``)."""
    implied = RESULT_EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is None:
        if implied is None:
            raise QueryError(
                f"{path}: cannot tell the results format from the name; give --format or name "
                f"the file with one of {', '.join(RESULT_EXTENSIONS)}"
            )
        return implied
    if implied is not None and implied != fmt:
        raise QueryError(f"{path}: the name says {implied} but the format asked is {fmt}")
    return fmt


def _format(result: QueryResult, fmt: str) -> str:
    if isinstance(result, ox.QueryTriples):
        return serialize_sorted(result, GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE)).decode()
    if isinstance(result, ox.QueryBoolean):
        if fmt in ("json", "xml"):
            return _serialize(result, fmt)
        return "true\n" if bool(result) else "false\n"
    if fmt == "table":
        return _table(result)
    return _serialize(result, fmt)


def load_query_file(path: str | Path) -> str:
    """Read a query file as UTF-8 text (a byte-order mark is dropped)."""
    file = Path(path)
    data = read_bytes(file, QueryError, "query file", "cannot read")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QueryError(
            f"{file}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc
    if not text.strip():
        raise QueryError(f"{file}: the query file is empty")
    return text


def compact_iri(iri: str) -> str:
    """Write an IRI as ``prefix:local`` with the longest matching project prefix, else ``<iri>``."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    if best and re.fullmatch(r"[^\s<>\"{}|^`\\]*", iri[len(PREFIXES[best]) :]):
        return f"{best}:{iri[len(PREFIXES[best]) :]}"
    return f"<{iri}>"


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """A short readable form of a term for the table: compact IRIs, bare literal values
    (``value@lang`` for language-tagged ones), ``_:id`` for blank nodes, "" when unbound."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value)
    if isinstance(term, ox.Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    return str(term)


def _table(result: ox.QuerySolutions) -> str:
    names = [v.value for v in result.variables]
    return table_text(names, [[term_text(solution[name]) for name in names] for solution in result])


def table_text(names: list[str], cells: list[list[str]]) -> str:
    """Fixed-width columns under a header, one line per row (long cells cut), then "N rows"."""
    rows = [[_sized(_cell(c)) for c in row] for row in cells]
    head = [_sized(n) for n in names]
    widths = [max([head[i][1], *(r[i][1] for r in rows)]) for i in range(len(names))]
    lines = [_row(head, widths), "  ".join("-" * w for w in widths)]
    lines += [_row(r, widths) for r in rows]
    lines.append(f"{len(rows)} row" if len(rows) == 1 else f"{len(rows)} rows")
    return "\n".join(lines) + "\n"


def _row(cells: list[tuple[str, int]], widths: list[int]) -> str:
    padded = (c + " " * (w - n) for (c, n), w in zip(cells, widths, strict=True))
    return "  ".join(padded).rstrip()


def _sized(text: str) -> tuple[str, int]:
    return text, _width(text)


def _width(text: str) -> int:
    # Wide (CJK) characters take two columns in a terminal; no ASCII character is one, so only
    # the others are looked up (most cells have none, or the "…" of a cut).
    if text.isascii():
        return len(text)
    wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in _NOT_ASCII.findall(text))
    return len(text) + wide


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def _cell(text: str) -> str:
    # One line per row: newlines and tabs in quotes would break the columns. Every whitespace
    # character but the space is unprintable, so a printable text without two spaces in a row
    # has nothing to collapse.
    if not text.isprintable() or "  " in text:
        text = _SPACES.sub(" ", text)
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


_SPACES = re.compile(r"\s+")


def _serialize(result: ox.QuerySolutions | ox.QueryBoolean, fmt: str) -> str:
    text = (result.serialize(format=_W3C_FORMATS[fmt]) or b"").decode()
    return text if text.endswith("\n") else text + "\n"


__all__ = [
    "Dataset",
    "GRAPH_FORMATS",
    "QUERY_FORMATS",
    "RESULT_EXTENSIONS",
    "RESULT_FORMATS",
    "QueryResult",
    "Substitutions",
    "check_fits",
    "compact_iri",
    "format_results",
    "load_query_file",
    "results_format_for",
    "run_query",
    "table_text",
    "term_text",
]
