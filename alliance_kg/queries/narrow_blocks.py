"""Blocks of a cookbook query that depend on whether the narrowing of a parameter ran.

``# unless narrowed: NAME`` ... ``# end unless narrowed`` holds lines left out when the
narrowing of NAME runs: a test that every value the narrowing binds passes (the store would
only test again, row by row, what it found), or the form of the query that reads the whole
store. ``# when narrowed: NAME`` ... ``# end when narrowed`` holds lines kept only then: the
form that starts from the values the narrowing bound. A query that reads few rows of a large
store is fastest looked up from them; one that reads every row, joined by hashing whole
properties (README, "The whole store's listings joined by hashing"). The two forms must give
the same rows; the file run with every marker a comment holds both, and gives them too.
``# only as written: NAME`` ... ``# end only as written`` holds a test of parameter NAME that
the narrowing of NAME makes when NAME is given, and that every row passes when NAME is not:
akg leaves it out but when NAME is given and its narrowing does not run (the text run without
its steps). It is there for a SPARQL client that runs the file as written (on the whole store,
a test that every row passes still costs a lookup or a comparison for each).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from alliance_kg.errors import QueryError

_KINDS = "unless narrowed|when narrowed|only as written"
_START = re.compile(rf"#\s*({_KINDS}):\s*(\w+)\b.*")
_END = re.compile(rf"#\s*end ({_KINDS})\s*")


def block_params(text: str) -> list[tuple[str, str]]:
    """The kind (``unless narrowed``, ``when narrowed``, ``only as written``) and parameter of
    each block of ``text``, in order; ``QueryError`` for a block left open, nested, never
    opened or closed by another kind's end."""
    params: list[tuple[str, str]] = []
    opened = ""  # the kind of the block open, if any
    for line in text.splitlines():
        start, end = _START.fullmatch(line.strip()), _END.fullmatch(line.strip())
        if (start and opened) or (end and not opened):
            raise QueryError(f"'{line.strip()}' must follow a block's end or start")
        if end and end[1] != opened:
            raise QueryError(f"'{line.strip()}' ends a '# {opened}:' block")
        if start:
            params.append((start[1], start[2]))
            opened = start[1]
        elif end:
            opened = ""
    if opened:
        raise QueryError(f"'# {opened}: {params[-1][1]}' has no '# end {opened}'")
    return params


def for_narrowings(text: str, ran: Collection[str], given: Collection[str] | None = None) -> str:
    """``text`` without the lines of its blocks ``# unless narrowed: NAME`` whose NAME is in
    ``ran`` (the narrowings that ran), of its blocks ``# when narrowed: NAME`` whose NAME is
    not, and of its blocks ``# only as written: NAME`` unless NAME is in ``given`` (the
    parameters given; default: ``ran``) but not in ``ran``. The markers stay (they are
    comments)."""
    given = ran if given is None else given
    kept: list[str] = []
    dropping = False
    for line in text.splitlines(keepends=True):
        start = _START.fullmatch(line.strip())
        if start or _END.fullmatch(line.strip()):
            dropping = start is not None and (
                start[2] in ran or start[2] not in given
                if start[1] == "only as written"
                else (start[2] in ran) == (start[1] == "unless narrowed")
            )
            kept.append(line)
        elif not dropping:
            kept.append(line)
    return "".join(kept)
