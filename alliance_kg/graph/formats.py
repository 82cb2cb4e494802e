"""Which export format a file gets, and the one place exports are dispatched: RDF formats to
``export.py``, the entity network's GraphML and GEXF to ``network.py``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from alliance_kg.errors import AkgError
from alliance_kg.graph.export import EXPORT_FORMATS, write_export
from alliance_kg.graph.files import atomic_output
from alliance_kg.graph.network import NETWORK_FORMATS, write_network

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

#: Every format ``akg export`` writes.
ALL_FORMATS: tuple[str, ...] = (*EXPORT_FORMATS, *NETWORK_FORMATS)

#: File name extensions and the format they mean, as other RDF and graph tools read them.
EXTENSIONS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
    ".graphml": "graphml",
    ".gexf": "gexf",
}


def choose_format(fmt: str | None, path: str | Path | None) -> str:
    """The format to write: ``fmt`` if given, else the one ``path``'s extension names, else
    Turtle (standard output). A format that contradicts the extension, or an extension that
    names none when no format is given, is an error: the file would mislead its readers."""
    if fmt is not None and fmt not in ALL_FORMATS:
        raise AkgError(f"unknown export format {fmt!r}; use one of {', '.join(ALL_FORMATS)}")
    if path is None:
        return fmt or "turtle"
    suffix = Path(path).suffix.lower()
    implied = EXTENSIONS.get(suffix)
    if fmt is None:
        if implied is None:
            known = ", ".join(EXTENSIONS)
            raise AkgError(
                f"{path}: cannot tell the format from the name; give -f FORMAT or name the "
                f"file with one of {known}"
            )
        return implied
    if implied is not None and implied != fmt:
        raise AkgError(f"{path}: the name says {implied} but the format asked is {fmt}")
    return fmt


def write_any(
    store: SparqlStore, fmt: str, output: BinaryIO, folder: str | Path | None = None
) -> None:
    """Write the export in ``fmt`` (a name of ``ALL_FORMATS``) to ``output``; ``folder``: the
    on-disk store's folder, whose stamp may spare reading the named graphs (``write_export``)."""
    if fmt in NETWORK_FORMATS:
        write_network(store, fmt, output)
    else:
        write_export(store, fmt, output, folder)


def export_file(
    store: SparqlStore, fmt: str | None, path: str | Path, folder: str | Path | None = None
) -> str:
    """Write the export to ``path`` atomically in the format ``choose_format`` picks; return
    the format."""
    chosen = choose_format(fmt, path)
    with atomic_output(path) as output:
        write_any(store, chosen, output, folder)
    return chosen


__all__ = ["ALL_FORMATS", "EXTENSIONS", "choose_format", "export_file", "write_any"]
