"""``GROUP_CONCAT`` lists in a fixed order, whatever plan the store chose.

SPARQL leaves the order of a ``GROUP_CONCAT`` list open, and Oxigraph concatenates the values in
the order its plan meets them: the same query gives "United States, Japan" when it joins every
commitment by a hash join and "Japan, United States" when it starts from a few (a ``VALUES``
block). A query names the list columns it wants ordered in a comment line heading it
(``# sorted lists: NAME ...``, as a cookbook file declares its parameters); they are run with a
separator no value holds (``UNIT``) and each list is then sorted by code point and joined with
the query's own separator, so that a separator inside a value (a party named "Korea, Republic
of") cannot split it. ``bounded.run_on_store`` does so for every query it runs: ``akg query -n``
and ``-f``, ``akg serve``'s ``/cookbook/NAME``, the Python API.
"""

from __future__ import annotations

import re

from alliance_kg.errors import QueryError

#: The separator the lists are run with: the ASCII unit separator, which no text of a document
#: keeps (a raw character, not an escape, so the query needs no parse tree to be checked).
UNIT = "\x1f"

#: The heading comment line naming the lists to sort.
DECLARED = re.compile(r"#\s*sorted lists:((?:[ \t]+\w+)+)[ \t]*")
_CONCAT = re.compile(
    r"""(GROUP_CONCAT\s*\((?:[^;()"]|\([^()]*\))*;\s*separator\s*=\s*)"([^"\\]*)"(\s*\)\s+AS\s+\?(\w+)\s*\))""",
    re.IGNORECASE,
)


def declared(text: str) -> tuple[str, ...]:
    """The columns named by ``# sorted lists:`` lines among the comment lines heading ``text``."""
    columns: list[str] = []
    for line in text.lstrip().splitlines():
        if not line.startswith("#"):
            break
        found = DECLARED.fullmatch(line.rstrip())
        if found:
            columns.extend(found[1].split())
    return tuple(columns)


def unit_separated(text: str, columns: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """``text`` with the ``GROUP_CONCAT`` of each of ``columns`` separated by ``UNIT``, and
    each column's own separator. A column with no such aggregate is an error."""
    separators: dict[str, str] = {}
    if not columns:
        return text, separators

    def unit(match: re.Match[str]) -> str:
        if match[4] not in columns:
            return match[0]
        separators[match[4]] = match[2]
        return f'{match[1]}"{UNIT}"{match[3]}'

    out = _CONCAT.sub(unit, text)
    missing = [c for c in columns if c not in separators]
    if missing:
        raise QueryError(f'no GROUP_CONCAT(...; separator="...") AS ?{missing[0]} to sort')
    return out, separators


def sorted_list(value: str, separator: str) -> str:
    """A list run with ``UNIT`` as its values sorted and joined by ``separator``."""
    return separator.join(sorted(value.split(UNIT)))
