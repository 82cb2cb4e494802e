"""Plain text and Markdown: the text is kept as it is, since character offsets refer to it."""

from __future__ import annotations

from pathlib import Path

from alliance_kg.errors import InputError
from alliance_kg.loaders.readers.metadata import (
    Metadata,
    ReaderOutput,
    infer_title,
    merge,
    split_front_matter,
)

_BOM = "\ufeff"
# Control characters other than tab, newlines and form feed: a text made of many is binary.
_CONTROL = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r\f") | {"\x7f"}


def decode_text(path: Path, data: bytes) -> str:
    """Decode a text file's bytes: UTF-8, BOM stripped, newlines normalised to ``\\n``.

    Raises ``InputError`` for binary content and for bytes that are not UTF-8.
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{path}: binary content (NUL byte at offset {nul}), not a text document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc
    controls = sum(1 for c in text if c in _CONTROL)
    if controls and controls * 10 > len(text):
        raise InputError(
            f"{path}: binary content ({controls} control characters), not a text document"
        )
    if text.startswith(_BOM):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path, data: bytes) -> ReaderOutput:
    """Read a plain text or Markdown file.

    Only the BOM, ``\\r`` newlines and YAML front matter are removed; Markdown markup (``## X``
    headings, ``-`` items) stays, since the extractor reads it.
    """
    text, declared = split_front_matter(decode_text(path, data), path)
    return ReaderOutput(text, merge(declared, Metadata(title=infer_title(text))))
