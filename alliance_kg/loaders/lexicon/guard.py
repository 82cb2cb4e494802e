"""Cheap tests before a long alternation of lexicon patterns, for speed alone.

A guard of first characters (below), the plain words a text must contain for a pattern to
match in it (``Literals``, looked up among the text's tokens where they begin one: see
``token_index``), and the plain words a match opens with (``Openings``).

Python's regex engine tries every alternative of ``(?:a|b|...)`` at every position of the text
(with ``re.IGNORECASE`` it has no first-character shortcut at all). A lookahead of the
characters the alternatives can begin with rejects most positions in one test. It never
changes what matches: every match of an alternative begins with one of those characters (and
under ``re.IGNORECASE`` the class folds case as the alternatives do). When an alternative can
begin with something the entries do not spell out (``\\w``, ``.``, an optional first part, an
empty match), there is no guard.
"""

from __future__ import annotations

import importlib
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import Any

from alliance_kg.loaders.lexicon.token_index import TokenIndex, found_in, register, token_anchor

# The standard library's own regex parser (``re._parser``, untyped): the parse of an entry is
# the one the engine compiles, so its first characters cannot disagree with the engine's.
_parser: Any = importlib.import_module("re._parser")
_constants: Any = importlib.import_module("re._constants")


def first_chars_guard(entries: Iterable[str]) -> str:
    """``(?=[...])`` of the characters every entry's matches begin with, or ``""``."""
    chars: set[str] = set()
    for entry in entries:
        try:
            found = _firsts(list(_parser.parse(entry)))
        except re.error:
            return ""  # the full pattern reports the error
        if not found:
            return ""
        chars |= found
    if not chars:
        return ""
    return "(?=[" + "".join(re.escape(c) for c in sorted(chars)) + "])"


def guarded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)`` behind the guard of its first characters."""
    return re.compile(first_chars_guard([pattern]) + pattern, flags)


def _firsts(items: list[tuple[Any, Any]]) -> set[str] | None:
    """The characters a match of the parsed sequence ``items`` can begin with; None: any."""
    c = _constants
    if not items:
        return None  # an empty match
    op, av = items[0]
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):  # \b, ^, lookarounds: zero-width
        return _firsts(items[1:])
    if op is c.LITERAL:
        return {chr(av)}
    if op is c.SUBPATTERN:
        return _firsts(list(av[-1]))
    if op is c.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            found = _firsts(list(branch))
            if found is None:
                return None
            out |= found
        return out
    if op is c.IN and all(kind is c.LITERAL for kind, _ in av):
        return {chr(code) for _, code in av}
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        inner = _firsts(list(av[2]))
        if av[0] >= 1 or inner is None:
            return inner
        rest = _firsts(items[1:])  # an optional part: a match may begin after it
        return None if rest is None else inner | rest
    return None


# Characters that match an ASCII letter without regard to case but do not lower-case to it
# one for one: with one of them in a text, its lower-cased form cannot stand for a
# case-insensitive match (see Literals).
_CASE_TRAPS = "\u0130\u0131\u017f\u212a"  # İ ı ſ K (Kelvin)


# The last text lowered and its lowered form (see lowered).
_last: tuple[str, str | None] | None = None


def lowered(text: str) -> str | None:
    """``text.lower()``, where a case-insensitive match of ASCII letters in ``text`` is the same
    letters in it; None where it is not (a text holding one of ``_CASE_TRAPS``).

    The dates and the commitments ask for the same text object one after the other: the
    last answer is kept, not lower-cased again (a pass over every character)."""
    global _last
    last = _last  # read once: another thread may replace it (each pair stays whole)
    if last is None or last[0] is not text:
        low = text.lower() if text.isascii() or not any(c in text for c in _CASE_TRAPS) else None
        last = _last = (text, low)
    return last[1]


# A bound on Literals.lead past which the starts of a match are not worth listing.
_MAX_LEAD = 64


class Literals:
    """For a pattern made of lexicon entries, one piece of plain text per entry that every
    match of that entry holds, lower-cased: a text lacking all of them cannot match.

    Python's regex engine tries a case-insensitive alternation at every position of a text;
    finding a few words once in the whole lower-cased document is far cheaper, and most
    sentences hold none of a pattern's words, so they need not be searched with it. Each piece
    is a run of literal ASCII characters outside any optional or repeated part ("concerned"
    for ``(?:is|are) (?:deeply )?concerned``); when an entry has none, the pattern is always
    tried.
    """

    def __init__(self, entries: Iterable[str], bounded: bool = False) -> None:
        """``bounded``: the pattern puts a word boundary (``\\b``, without ``re.ASCII``) before
        every entry, so that a piece opening an entry with a letter or a digit opens a token."""
        pieces: list[str] = []
        at_token: dict[str, bool] = {}  # whether each piece is at a token start in every entry
        #: The most characters a match can hold before its entry's piece (None: no bound).
        self.lead: int | None = 0
        for entry in entries:
            try:
                piece, lead, boundary = _piece(_runs(_parser.parse(entry), bounded))
            except re.error:
                piece, lead, boundary = "", 0, False
            if not piece:
                self._pieces: list[str] | None = None
                self.lead = None
                return
            pieces.append(piece.lower())
            at_token[pieces[-1]] = at_token.get(pieces[-1], True) and boundary
            self.lead = None if self.lead is None or lead > _MAX_LEAD else max(self.lead, lead)
        self._pieces = list(dict.fromkeys(pieces))
        # A piece that begins with another one occurs only where that one does: the pieces
        # looked for are those that begin with no other (the same positions, fewer scans).
        self._finds = [
            p for p in self._pieces if not any(q != p and p.startswith(q) for q in self._pieces)
        ]
        # The pieces found through a TokenIndex: (piece, offset of a token's start in it, the
        # piece from there); the others are searched for in the text.
        self._anchored: list[tuple[str, int, str]] = []
        self._searched: list[str] = []
        for q in self._finds:
            covered = [at_token[p] for p in self._pieces if p.startswith(q)]
            anchor = token_anchor(q, all(covered))
            if anchor is None:
                self._searched.append(q)
            else:
                self._anchored.append((q, anchor, q[anchor:]))
                register(q[anchor:])

    def positions(self, low: str | None, index: TokenIndex | None = None) -> list[int] | None:
        """Where the pieces occur in a text whose ``lowered()`` form is ``low``, in order (every
        position where one begins, overlapping ones too); None where the pattern is always to
        be tried.

        With the ``index`` of the text's tokens, a piece that a match holds at a token's start
        (or that holds a token's start itself, " ready to") is looked up among the tokens
        instead of searched for through the text: its places where no token begins there are
        left out, and no match holds the piece there."""
        if low is None or self._pieces is None:
            return None
        found: list[int] = []
        searched = self._searched if index is not None else self._finds
        for piece in searched:
            at = low.find(piece)
            while at >= 0:
                found.append(at)
                at = low.find(piece, at + 1)
        if index is not None:
            for piece, anchor, core in self._anchored:
                if core not in index.known:  # registered after the index was made
                    found += found_in(piece, low)
                elif core in index.starts:
                    found += [
                        at
                        for start in index.starts[core]
                        if (at := start - anchor) >= 0 and low.startswith(piece, at)
                    ]
        return sorted(found)

    def near(self, positions: list[int] | None, start: int, end: int) -> list[int] | None:
        """The ``positions`` of the pieces in the text that start in ``[start, end)``, counted
        from ``start``: a match in ``text[start:end]`` holds one of them, at most ``lead``
        characters after its own start (see finditer_near). None: where that is not known."""
        if positions is None or self.lead is None:
            return None
        inside = positions[bisect_left(positions, start) : bisect_left(positions, end)]
        return [q - start for q in inside]


# The fewest characters of a piece chosen for the bound on its lead (see _piece).
_MIN_BOUNDED_PIECE = 3


def _piece(runs: list[tuple[str, int, bool]]) -> tuple[str, int, bool]:
    r"""The run of an entry its matches are found by, with its lead (and whether a word
    boundary lies before it): the longest one, or the longest one at most ``_MAX_LEAD``
    characters into a match if the longest lies further ("expressed " rather than
    "determination" for ``expressed (?:its|their) (?:\w+ )?determination``): without a bound
    on every entry's lead, a pattern is searched for across every sentence holding one of its
    pieces, not only near them. A bounded run of fewer than ``_MIN_BOUNDED_PIECE`` characters
    (a space) occurs nearly everywhere, and is not taken."""
    longest = max(runs, key=lambda r: len(r[0]), default=("", 0, False))
    if longest[1] <= _MAX_LEAD:
        return longest
    bounded = [r for r in runs if r[1] <= _MAX_LEAD and len(r[0]) >= _MIN_BOUNDED_PIECE]
    return max(bounded, key=lambda r: len(r[0]), default=longest)


def occurs_in(positions: list[int] | None, start: int, end: int) -> bool:
    """Whether ``Literals.positions`` has one in ``[start, end)`` (always, for None): else a
    match of its pattern cannot lie in that span of the text."""
    if positions is None:
        return True
    i = bisect_left(positions, start)
    return i < len(positions) and positions[i] < end


def _runs(parsed: Any, bounded: bool = False) -> list[tuple[str, int, bool]]:
    """The runs of literal ASCII characters that every match of the parsed entry holds,
    each contiguous in the text (zero-width assertions between its characters), with the
    most characters a match can hold before each run, and whether a word boundary (``\\b``)
    lies just before it (``bounded``: one lies before the entry)."""
    c = _constants
    items = list(parsed)
    runs = [("", 0, bounded)]
    for k, (op, av) in enumerate(items):
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            if op is c.AT and av is c.AT_BOUNDARY and not runs[-1][0]:
                runs[-1] = ("", 0, True)
            continue  # zero-width: the characters around it are adjacent in the text
        if op is c.LITERAL and av < 128:
            more = chr(av)
        elif op is c.SUBPATTERN and _all_literal(list(av[-1])):
            more = "".join(chr(code) for _, code in av[-1])
        else:
            runs.append(("", 0, False))
            continue
        run, lead, boundary = runs[-1]
        if not run:  # the width of what comes before the run, where the run begins
            lead = _parser.SubPattern(parsed.state, items[:k]).getwidth()[1]
        runs[-1] = (run + more, lead, boundary)
    return [run for run in runs if run[0]]


def _all_literal(items: list[tuple[Any, Any]]) -> bool:
    c = _constants
    return all(op is c.LITERAL and av < 128 for op, av in items)


def finditer_near(
    pattern: re.Pattern[str], text: str, near: list[int] | None, lead: int | None
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, for a pattern that never matches the empty string and every
    match of which holds one of the offsets ``near`` (sorted) at most ``lead`` characters after
    its start (None: no such offsets are known).

    No match starts from where the last one ended (``pos``) to ``lead`` characters before the
    first offset from ``pos`` on, so a search from there finds the same next match as
    finditer; with no offset left, there is none, and the rest of the text is not scanned."""
    if near is None or lead is None:
        yield from pattern.finditer(text)
        return
    pos, i = 0, 0
    while (i := bisect_left(near, pos, i)) < len(near):
        m = pattern.search(text, max(pos, near[i] - lead))
        if m is None:
            return
        yield m
        pos = m.end()


def finditer_at(
    pattern: re.Pattern[str], text: str, starts: Iterable[int] | None
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, trying the pattern only at ``starts``: every position where
    a match can begin (None: anywhere), for a pattern that never matches the empty string.

    As finditer does, each search takes the first position from where the previous match
    ended; ``match(text, q)`` tries the pattern at ``q`` exactly as a search reaching ``q``
    does (lookbehinds and word boundaries see the text before ``q``)."""
    if starts is None:
        yield from pattern.finditer(text)
        return
    pos = 0
    for q in sorted(set(starts)):
        if q >= pos and (m := pattern.match(text, q)) is not None:
            yield m
            pos = m.end()


class Openings:
    """For a case-sensitive pattern made of lexicon entries, the plain text each entry's
    matches open with: a match can begin only where one of them occurs in the text.

    Python's regex engine tries a pattern behind a lookahead guard (``guarded``) at every
    position of the text, and its long alternation at every position the guard lets by (every
    capital, say); a few ``str.find`` passes over the text for the entries' openings ("Prime
    Minister", "Mr.") find the few places where a match can begin. An entry that does not open
    with a literal character leaves the pattern tried everywhere (``starts`` gives None)."""

    def __init__(self, entries: Iterable[str]) -> None:
        found: list[str] = []
        for entry in entries:
            try:
                opening = _opening(list(_parser.parse(entry)))
            except re.error:
                opening = ""
            if not opening:
                found = []
                break
            found.append(opening)
        # An opening that begins with another occurs only where that one does. No entries,
        # or one without an opening: None, the pattern is tried everywhere.
        self._finds: list[str] | None = [
            p for p in dict.fromkeys(found) if not any(q != p and p.startswith(q) for q in found)
        ] or None

    def starts(self, text: str) -> list[int] | None:
        """Every offset of ``text`` where an entry's opening occurs, in order (None: any)."""
        if self._finds is None:
            return None
        out: list[int] = []
        for opening in self._finds:
            at = text.find(opening)
            while at >= 0:
                out.append(at)
                at = text.find(opening, at + 1)
        return sorted(set(out))


def _opening(items: list[tuple[Any, Any]]) -> str:
    """The literal characters the parsed sequence ``items`` opens with (after zero-width
    assertions, which consume nothing), up to its first part that is not one."""
    c = _constants
    out = ""
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT) and not out:
            continue
        if op is c.LITERAL:
            out += chr(av)
        elif op is c.SUBPATTERN and _all_plain(list(av[-1])):
            out += "".join(chr(code) for _, code in av[-1])
        else:
            break
    return out


def _all_plain(items: list[tuple[Any, Any]]) -> bool:
    return bool(items) and all(op is _constants.LITERAL for op, _ in items)
