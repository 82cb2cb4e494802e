"""How texts are compared and shown: the normalised form, dates, containment, short quotes."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
    }
)


def normalize(text: str) -> str:
    """The form texts are compared in: NFKC, straight quotes, case-folded, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return re.sub(r"\s+", " ", text).strip()


def normalize_date(value: str) -> str:
    """``"2025"``, ``"2025-03"`` or ``"2025-03-31"`` without time zone or time of day."""
    value = value.strip()
    match = re.match(r"-?\d{4}(?:-\d{2}(?:-\d{2})?)?", value)
    return match.group(0) if match else value


def contains(a: str, b: str) -> bool:
    """Whether either of two non-empty texts holds the other (a quote and a gold sentence)."""
    return bool(a) and bool(b) and (a in b or b in a)


def short(text: str, width: int = 80) -> str:
    """The text on one line, in double quotes, cut at a word with "…" when over ``width``."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= width:
        return f'"{text}"'
    cut = text[: width - 1]
    return f'"{cut.rsplit(" ", 1)[0] if " " in cut else cut}…"'
