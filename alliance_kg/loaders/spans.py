"""Spans of a text already taken by a mention, looked up by offset."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["Taken"]


class Taken:
    """The spans already taken in a text of ``size`` characters, so that whether a span overlaps
    one of them is a lookup over the span's own offsets, never a scan of every span taken (a long
    document has tens of thousands of mentions)."""

    def __init__(self, size: int, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._covered = bytearray(size + 2)  # offsets inside a non-empty span
        self._inner = bytearray(size + 2)  # positions strictly between a span's ends
        self._points = bytearray(size + 2)  # positions of empty spans
        for start, end in spans:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        """Take the span ``[start, end)``."""
        if start < end:
            self._covered[start:end] = b"\x01" * (end - start)
            self._inner[start + 1 : end] = b"\x01" * (end - start - 1)
        else:
            self._points[start] = 1

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a taken span (``start < b and a < end``)."""
        if start < end:
            return (
                self._covered.find(1, start, end) != -1
                or self._points.find(1, start + 1, end) != -1
            )
        return bool(self._inner[start])  # an empty span overlaps a span strictly around it only

    def covers(self, offset: int) -> bool:
        """Whether a taken span holds the character at ``offset`` (``a <= offset < b``)."""
        return bool(self._covered[offset])
