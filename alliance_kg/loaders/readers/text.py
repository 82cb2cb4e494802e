"""Plain text and Markdown: the text is kept as it is, since character offsets refer to it."""

from __future__ import annotations

import os
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
    encoding = "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # its byte-order mark says which; decoding drops the mark
    else:
        nul = data.find(b"\x00")
        utf16 = _utf16_kind(data) if nul >= 0 else None
        if utf16 is not None:
            raise InputError(
                f"{path}: {utf16} text without a byte-order mark; convert it to UTF-8 "
                f"(e.g. iconv -f {utf16} -t UTF-8)"
            )
        if nul >= 0:
            raise InputError(
                f"{path}: binary content (NUL byte at offset {nul}), not a text document"
            )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise InputError(f"{path}: not valid UTF-16 text ({exc.reason})") from exc
        raise InputError(
            f"{path}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc
    controls = sum(map(text.count, _CONTROL))
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
    text = decode_text(path, data)
    check_size(path, text)  # before the work on a text that would be refused anyway
    text, declared = split_front_matter(text, path)
    return ReaderOutput(text, merge(declared, Metadata(title=infer_title(text))))


def _utf16_kind(data: bytes) -> str | None:
    """ "UTF-16LE" or "UTF-16BE" when the bytes read as such (mostly ASCII text): a NUL at
    every other byte of most of the start, and few at the bytes between; else ``None``."""
    head = data[:2048]
    pairs = len(head) // 2
    evens, odds = head[0::2].count(0), head[1::2].count(0)
    if pairs == 0 or min(evens, odds) * 10 >= pairs or max(evens, odds) * 10 < pairs * 8:
        return None
    return "UTF-16LE" if odds > evens else "UTF-16BE"


#: The environment variable that sets the most characters of text one document may have.
MAX_CHARS_ENV = "AKG_MAX_DOCUMENT_CHARS"
# Far beyond any statement (the longest of the corpora has some 10,000 characters; a 300-page
# report some 1,000,000), and extracted in about ten seconds.
DEFAULT_MAX_CHARS = 1_000_000


def max_document_chars() -> int:
    """The most characters of text a document may have: ``AKG_MAX_DOCUMENT_CHARS`` or 1,000,000."""
    value = os.environ.get(MAX_CHARS_ENV, "").strip()
    if not value:
        return DEFAULT_MAX_CHARS
    if not value.isdigit() or int(value) < 1:
        raise InputError(f"{MAX_CHARS_ENV}={value!r}: not a positive whole number of characters")
    return int(value)


def check_size(path: Path, text: str) -> None:
    """Refuse (``InputError``) a document of more characters of text than the limit."""
    limit = max_document_chars()
    if len(text) > limit:
        raise InputError(
            f"{path}: {len(text):,} characters of text, more than the limit of {limit:,} "
            f"for one document (set {MAX_CHARS_ENV} to allow more)"
        )
