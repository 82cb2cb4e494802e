"""Extraction does work in proportion to its input.

Work is counted, not timed: the number of lines of ``alliance_kg.loaders`` that run while one
document is extracted (a deterministic count). A text four times as long must cost at most
about four times as much; a rule that scans every earlier name, clause or character for each
new one makes the count grow with the square of the length and fails here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import alliance_kg.loaders
from alliance_kg.loaders.extract import extract
from alliance_kg.loaders.model import SourceDocument

LOADERS = str(Path(alliance_kg.loaders.__file__).parent)

# Runs of text that once made extraction quadratic, each repeated to make a document: names
# repeated (with commas, acronyms defined in parentheses, titles, qualifiers), abbreviations
# that keep a sentence open, one sentence of many verbs or of many relative clauses, one run of
# capitalised words, subjects of many names, lines that each need the next one.
UNITS = [
    "Okinawa ",
    "Camp Schwab, ",
    "U.S. ",
    "SCC (SCC) ",
    "Mr. Okinawa ",
    "Japan-U.S. Okinawa ",
    "Japan will reaffirm ",
    "Japan, which will defend Okinawa, ",
    "Aa.Aa.",
    "Exercise ",
    "Ministry of Defense and ",
    "Japan and Australia and ",
    "He will defend Okinawa. ",
    "Okinawa\n",
    "January 5, 2023 ",
    "The Ministers met in Tokyo on January 5, 2023. ",
]


def lines_run(text: str) -> int:
    """How many lines of the loaders run to extract a document of ``text``."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(LOADERS) else None

    doc = SourceDocument(key="scaling", path="scaling.txt", kind="text", text=text)
    sys.settrace(calls)
    try:
        extract(doc)
    finally:
        sys.settrace(None)
    return count


def document(unit: str, size: int) -> str:
    return "Japan and the United States met in Tokyo.\n\n" + unit * (size // len(unit)) + "\n"


@pytest.mark.parametrize("unit", UNITS)
def test_extraction_work_grows_linearly_with_the_text(unit: str) -> None:
    extract(SourceDocument(key="warm", path="warm.txt", kind="text", text="Japan met."))
    small, large = lines_run(document(unit, 3_000)), lines_run(document(unit, 12_000))
    # Linear work and a fixed part give a ratio under 4; quadratic work gives near 16.
    print(unit, small, large, large / small)
    assert large <= 5 * small, (unit, small, large)
