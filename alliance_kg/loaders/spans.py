"""Spans of a text already taken by a mention, looked up by offset."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["Taken"]


class Taken:
    """The spans already taken in a text of ``size`` characters, so that whether a span overlaps
    one of them is a lookup over the span's own offsets, never a scan of every span taken (a long
    document has tens of thousands of mentions)."""

    def __init__(self, size: int, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._size = size
        self._covered = bytearray(size + 2)  # offsets inside a non-empty span
        self._spans: list[tuple[int, int]] = []  # the non-empty spans, in the order taken
        # Made only when needed (most texts never need them): the positions strictly between
        # a span's ends, at the first question about an empty span; the positions of the
        # empty spans, at the first one taken.
        self._inner: bytearray | None = None
        self._points: bytearray | None = None
        covered, taken = self._covered, self._spans
        for start, end in spans:  # add() of each span, without a call per span
            if start < end:
                covered[start:end] = b"\x01" * (end - start)
                taken.append((start, end))
            else:
                self.add(start, end)

    def add(self, start: int, end: int) -> None:
        """Take the span ``[start, end)``."""
        if start < end:
            self._covered[start:end] = b"\x01" * (end - start)
            self._spans.append((start, end))
            if self._inner is not None:
                self._inner[start + 1 : end] = b"\x01" * (end - start - 1)
        else:
            if self._points is None:
                self._points = bytearray(self._size + 2)
            self._points[start] = 1

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a taken span (``start < b and a < end``)."""
        if start < end:
            return self._covered.find(1, start, end) != -1 or (
                self._points is not None and self._points.find(1, start + 1, end) != -1
            )
        if self._inner is None:
            self._inner = bytearray(self._size + 2)
            for a, b in self._spans:
                self._inner[a + 1 : b] = b"\x01" * (b - a - 1)
        return bool(self._inner[start])  # an empty span overlaps a span strictly around it only

    def covers(self, offset: int) -> bool:
        """Whether a taken span holds the character at ``offset`` (``a <= offset < b``)."""
        return bool(self._covered[offset])
