"""The N-Triples lines of an export, sorted in memory that does not grow with the store: a graph's
dump is taken as Oxigraph writes it, cut into runs of a given size sorted in memory
(spilled to temporary files) and merged a block at a time, each block sorted by Python's own
sort, which merges sorted runs in C, instead of a merge in Python line by line."""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024  # bytes of lines handled at a time (a dump's, a spilled run's)
# rdf:type as a predicate becomes a control character: N-Triples escapes those, so it sorts
# first and is met nowhere else, and the mark is undone exactly. (As an object, at a line's end,
# it is left alone; inside a literal it is marked and restored, the line's place only moved.)
TYPE = b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
MARK = b" \x01 "


class RunSorter:
    """Collects N-Triples lines and gives them back sorted (without repeats if ``unique``), in
    blocks (``blocks``); runs of ``run_bytes`` are sorted and written to ``folder``."""

    def __init__(self, folder: Path, unique: bool, run_bytes: int) -> None:
        self._folder = folder
        self._run_bytes = run_bytes
        self._unique = unique
        self._runs: list[Path] = []
        self._run: list[bytes] = []
        self._size = 0

    def add(self, lines: list[bytes], size: int) -> None:
        """Take ``lines`` (whole, ``size`` bytes in all)."""
        self._run += lines
        self._size += size
        if self._size >= self._run_bytes:
            path = self._folder / f"run-{len(self._runs)}"
            path.write_bytes(b"".join(self._sorted_run()))
            self._runs.append(path)
            self._run, self._size = [], 0

    def _sorted_run(self) -> list[bytes]:
        self._run.sort()
        return list(dict.fromkeys(self._run)) if self._unique else self._run

    def blocks(self) -> Iterator[list[bytes]]:
        """The lines sorted, a block at a time; the runs' files are removed at the end.

        A block is every line not above the least of the last lines read from each run: no
        line still unread can come before it (the runs are sorted), and the run whose last
        line it is has been read to the end of what was read, so each block makes progress."""
        last = self._sorted_run()
        self._run, self._size = [], 0
        with contextlib.ExitStack() as stack:
            # Each source: the lines read, how many of them were handed out, and its file.
            sources: list[tuple[list[bytes], int, BinaryIO | None]] = [(last, 0, None)]
            for path in self._runs:
                opened = stack.enter_context(path.open("rb"))
                sources.append((opened.readlines(CHUNK), 0, opened))
            while sources := [source for source in sources if len(source[0]) > source[1]]:
                bound = min(read[-1] for read, _, _ in sources)
                block: list[bytes] = []
                for n, (read, start, file) in enumerate(sources):
                    cut = bisect.bisect_right(read, bound, start)
                    block += read[start:cut]
                    if cut == len(read) and file is not None:
                        sources[n] = (file.readlines(CHUNK), 0, file)
                    else:
                        sources[n] = (read, cut, file)
                block.sort()
                # A line at the bound is in this block from every run (no run repeats one).
                yield list(dict.fromkeys(block)) if self._unique else block
        for path in self._runs:
            path.unlink()
        self._runs = []


class DumpSink:
    """A binary file for Oxigraph's N-Triples dumps: their lines, with ``rdf:type`` marked, go
    to ``sorter`` as they come, so that a whole graph is never held."""

    def __init__(self, sorter: RunSorter) -> None:
        self._sorter = sorter
        self._pending = bytearray()

    def write(self, data: bytes) -> int:
        """Take what the serialiser writes; whole lines are handed on once ``CHUNK`` is met."""
        self._pending += data
        if len(self._pending) >= CHUNK:
            cut = self._pending.rfind(b"\n") + 1
            self._hand(bytes(self._pending[:cut]))
            del self._pending[:cut]
        return len(data)

    def flush(self) -> None:
        """Nothing to do: lines are handed on in ``write`` and ``close``."""

    def close(self) -> None:
        """Hand on the last lines (a dump ends with a newline)."""
        if self._pending:
            self._hand(bytes(self._pending))
            self._pending.clear()

    def _hand(self, text: bytes) -> None:
        marked = text.replace(TYPE, MARK).replace(MARK + b".\n", TYPE + b".\n")
        self._sorter.add(marked.splitlines(keepends=True), len(marked))


__all__ = ["CHUNK", "MARK", "TYPE", "DumpSink", "RunSorter"]
