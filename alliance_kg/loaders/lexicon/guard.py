"""A cheap lookahead before a long alternation of lexicon patterns, for speed alone.

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
from collections.abc import Iterable
from typing import Any

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
