"""PDF files: the text layer, pages joined, running headers, footers and page numbers removed."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from pathlib import Path

from alliance_kg.errors import InputError
from alliance_kg.loaders.readers.metadata import (
    Metadata,
    ReaderOutput,
    infer_title,
    merge,
)

# How many lines at the top and bottom of a page may be running headers or footers.
_EDGE = 2
_PAGE_NUMBER = re.compile(
    r"(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:/|of)\s*\d{1,4})?", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")
# Titles that PDF producers write for the file rather than the document.
_JUNK_TITLE = re.compile(r"untitled|.*\.(?:docx?|pdf|rtf|odt|indd)|microsoft word - .*", re.I)


def read_pdf(path: Path, data: bytes) -> ReaderOutput:
    """Read a PDF's text layer with pypdf.

    Pages are joined with a blank line (the extractor joins a sentence continued across the
    break); bare page numbers and header or footer lines repeated on most pages are removed.
    """
    from pypdf import PdfReader

    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    # pypdf logs every repair it makes to a damaged file; the user gets our error or the text.
    pypdf_log.setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{path}: PDF is encrypted")
        pages = [_page_lines(page.extract_text() or "") for page in reader.pages]
        info = reader.metadata
        raw_title = info.title if info is not None else None
        try:
            created = info.creation_date if info is not None else None
        except ValueError:  # a malformed /CreationDate is no reason to refuse the text
            created = None
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many exception types for damaged files
        raise InputError(f"{path}: cannot parse PDF: {exc}") from exc
    finally:
        pypdf_log.setLevel(level)

    text = "\n\n".join("\n".join(lines) for lines in _strip_running_lines(pages) if lines)
    if not any(c.isalnum() for c in text):
        raise InputError(f"{path}: PDF has no text layer (a scanned image?); run OCR on it first")
    text += "\n"
    title = " ".join(str(raw_title).split()) if raw_title else None
    if title is not None and _JUNK_TITLE.fullmatch(title):
        title = None
    declared = Metadata(title=title, date=created.date().isoformat() if created else None)
    return ReaderOutput(text, merge(declared, Metadata(title=infer_title(text))))


def _page_lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _shape(line: str) -> str:
    # "Page 3 of 9" and "Page 4 of 9" are the same running footer.
    return _DIGITS.sub("#", " ".join(line.split()).lower())


def _strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Pages without bare page numbers and the header/footer lines most pages repeat."""
    counts: Counter[tuple[str, str]] = Counter()
    for lines in pages:
        seen = {("top", _shape(line)) for line in lines[:_EDGE]}
        seen |= {("bottom", _shape(line)) for line in lines[-_EDGE:]}
        counts.update(seen)
    # A line on two pages of two is running; on longer documents, more than half the pages.
    threshold = max(2, len(pages) // 2 + 1)
    running = {key for key, n in counts.items() if n >= threshold}

    result: list[list[str]] = []
    for lines in pages:
        kept = list(lines)
        for _ in range(_EDGE):
            if kept and (
                _PAGE_NUMBER.fullmatch(kept[0].strip()) or ("top", _shape(kept[0])) in running
            ):
                kept.pop(0)
            if kept and (
                _PAGE_NUMBER.fullmatch(kept[-1].strip()) or ("bottom", _shape(kept[-1])) in running
            ):
                kept.pop()
        result.append(_page_lines("\n".join(kept)))
    return result
