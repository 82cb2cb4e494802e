"""Document readers: find the documents under some paths and read each into a SourceDocument.

Each input kind has a reader, ``(path, bytes) -> ReaderOutput``; a file's kind comes from its
suffix, or from its first bytes when the suffix says nothing. Metadata comes from a
``NAME.meta.json`` sidecar, YAML front matter, or what the document itself gives, in that order.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from importlib.resources import files
from pathlib import Path

from alliance_kg.errors import InputError, read_bytes
from alliance_kg.loaders.model import SourceDocument
from alliance_kg.loaders.readers.html import read_html
from alliance_kg.loaders.readers.metadata import (
    SIDECAR_SUFFIX,
    Metadata,
    ReaderOutput,
    merge,
    read_sidecar,
)
from alliance_kg.loaders.readers.pdf import read_pdf
from alliance_kg.loaders.readers.text import check_size, read_text

__all__ = [
    "READERS",
    "SUFFIXES",
    "Metadata",
    "Reader",
    "ReaderOutput",
    "collect_paths",
    "detect_kind",
    "collect_documents",
    "document_key",
    "read_document",
    "sample_corpus_dir",
    "xml_safe",
]

Reader = Callable[[Path, bytes], ReaderOutput]

#: The reader of each input kind; Markdown is read as text.
READERS: dict[str, Reader] = {"text": read_text, "html": read_html, "pdf": read_pdf}

#: The kind of each file suffix a reader handles (lower case).
SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}

_SNIFF_BYTES = 1024
# Zero-width characters and stray BOMs: a document of these and whitespace is empty.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_HTML_START = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
    re.IGNORECASE | re.DOTALL,
)
# Files a folder of documents holds that are not documents: its own description and licence.
_NOT_DOCUMENTS = re.compile(r"(?:readme|licen[cs]e|copying|changelog)(?:\.[^.]*)?", re.I)


def detect_kind(path: Path, head: bytes | None = None) -> str | None:
    """The kind of the file at ``path`` (a key of ``READERS``), or ``None`` if unsupported.

    The suffix decides; for another suffix or none, the first bytes (``head``, read from the
    file when not given) are sniffed for the PDF magic number or an HTML start tag. A file with
    no suffix that is neither is taken for plain text.
    """
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is not None:
        return kind
    if head is None:
        try:
            with path.open("rb") as f:
                head = f.read(_SNIFF_BYTES)
        except OSError as exc:
            raise InputError(f"{path}: cannot be read: {exc.strerror}") from exc
    head = head[:_SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if _HTML_START.match(head):
        return "html"
    if not path.suffix:
        return "text"
    return None


def sample_corpus_dir() -> Path:
    """The folder of the bundled sample corpus (five U.S.-Japan "2+2" documents)."""
    return Path(str(files("alliance_kg").joinpath("sample_corpus")))


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _wanted_in_folder(name: str) -> bool:
    return (
        not _is_hidden(name)
        and not name.endswith(SIDECAR_SUFFIX)
        and not _NOT_DOCUMENTS.fullmatch(name)
        and _suffix(name) in SUFFIXES
    )


def _suffix(name: str) -> str:
    """``Path(name).suffix``, lower case, without making a path (10,000 of them cost 0.03 s)."""
    i = name.rfind(".")
    return name[i:].lower() if 0 < i < len(name) - 1 else ""


def collect_paths(paths: Sequence[str | Path]) -> list[Path]:
    """The document files named by ``paths``: files as given, folders searched recursively.

    Within a folder, hidden files and folders, ``*.meta.json`` sidecars, README/LICENSE files
    and files of unsupported suffixes are skipped, and files are sorted by their path relative
    to the folder. A file named explicitly must be of a supported kind. Paths keep the order
    given; a file reached twice is listed once.
    """
    found: list[Path] = []
    seen: set[str] = set()

    def add(path: Path, resolved: str) -> None:
        if resolved not in seen:
            seen.add(resolved)
            found.append(path)

    for given in paths:
        path = Path(given)
        if path.is_dir():
            in_folder: list[tuple[tuple[str, ...], Path, str]] = []
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not _is_hidden(d) and d != "__pycache__")
                base, real = Path(root), os.path.realpath(root)
                inside = base.relative_to(path).parts
                for name in names:
                    if _wanted_in_folder(name):
                        # The folder resolved once (os.walk does not enter linked folders):
                        # a file's own path then, unless the file is itself a link.
                        joined = os.path.join(root, name)
                        link = os.path.islink(joined)
                        resolved = os.path.realpath(joined) if link else os.path.join(real, name)
                        in_folder.append(((*inside, name), base / name, resolved))
            for _, file, resolved in sorted(in_folder):
                add(file, resolved)
        elif path.is_file():
            if detect_kind(path) is None:
                raise InputError(_unsupported(path))
            add(path, str(path.resolve()))
        elif path.exists():
            raise InputError(f"{path}: not a regular file (a FIFO, socket or device)")
        else:
            raise InputError(f"{path}: no such file or directory")
    return found


def _unsupported(path: Path) -> str:
    suffixes = ", ".join(sorted(SUFFIXES))
    return f"{path}: unsupported kind of document (supported suffixes: {suffixes})"


def document_key(path: Path) -> str:
    """A stable slug of the file name without its extension: lower case, ``[a-z0-9_-]``.

    ``000_45bebea0770f1da9.txt`` gives ``000_45bebea0770f1da9``; ``Joint Statement (2023).md``
    gives ``joint-statement-2023``. A name with no Latin letter or digit gets ``doc-`` and a
    hash of the name.
    """
    stem = path.stem if path.suffix else path.name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_]+", "-", ascii_stem.lower()).strip("-_")
    if slug:
        return slug
    return "doc-" + hashlib.sha256(stem.encode()).hexdigest()[:12]


def collect_documents(paths: Sequence[str | Path]) -> list[Path]:
    """``collect_paths``, with an ``InputError`` when it finds no file, or two files of one
    document key (which would write one graph)."""
    files = collect_paths(paths)
    if not files:
        raise InputError(f"{', '.join(str(p) for p in paths)}: no documents to load")
    by_key: dict[str, Path] = {}
    for path in files:
        key = document_key(path)
        if key in by_key:
            raise InputError(
                f"{path}: has the same document key {key!r} as {by_key[key]}; rename one of them"
            )
        by_key[key] = path
    return files


def read_document(path: Path) -> SourceDocument:
    """Read one document file: its main text and its metadata.

    Raises ``InputError`` naming the file when it is missing, of an unsupported kind, binary,
    not UTF-8, empty, an unreadable PDF or one without text, or when its sidecar or front
    matter is malformed.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a document")
    data = read_bytes(path, InputError, "file or directory", "cannot be read")
    kind = detect_kind(path, data)
    if kind is None:
        raise InputError(_unsupported(path))
    output = READERS[kind](path, data)
    text = xml_safe(output.text)
    if all(c.isspace() or c in _INVISIBLE for c in text):
        raise InputError(f"{path}: document is empty")
    check_size(path, text)
    metadata = merge(read_sidecar(path) or Metadata(), output.metadata)
    return SourceDocument(
        key=document_key(path),
        path=xml_safe(str(path)),
        kind=kind,
        text=text,
        title=_safe(metadata.title),
        publisher=_safe(metadata.publisher),
        source_url=_safe(metadata.source_url),
        date=_safe(metadata.date),
        meeting_date=_safe(metadata.meeting_date),
        meeting_place=_safe(metadata.meeting_place),
    )


# Characters XML 1.0 cannot carry: controls other than tab and line breaks, lone surrogates,
# U+FFFE and U+FFFF. Read documents have them replaced, one character for one (offsets into
# the text hold), so that every export format, RDF/XML too, can write any graph built from
# documents. The controls that end a line (VT, FF, FS, GS, RS) become line breaks, as
# str.splitlines() read them; the others spaces.
_LINE_CONTROLS = "\x0b\x0c\x1c\x1d\x1e"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot carry replaced (a line break or a space)."""
    if _NOT_XML.search(text) is None:
        return text
    return _NOT_XML.sub(lambda m: "\n" if m.group() in _LINE_CONTROLS else " ", text)


def _safe(value: str | None) -> str | None:
    return None if value is None else xml_safe(value)
