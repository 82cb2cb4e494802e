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
from collections.abc import Sequence

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


#: A literal cell of the TSV results format (N-Triples syntax) that holds no escape and no
#: other control character than ``UNIT``, Oxigraph writes raw: its text is its value, and a
#: literal of the same value and tag is written back the same way.
_PLAIN = re.compile(r'"([^"\\\x00-\x1e\x7f]*)"(@[A-Za-z0-9-]+)?')


def sorted_tsv(data: bytes, lists: dict[str, str]) -> bytes:
    """TSV results (as Oxigraph writes them) with the literals of the columns of ``lists``
    sorted (``sorted_list``), each row's cells otherwise as written. A cell whose literal holds
    no escape is sorted as text; a row with another is read by Oxigraph (``_sorted_rows``)."""
    lines = data.decode("utf-8").split("\n")
    columns = [(k, name[1:]) for k, name in enumerate(lines[0].split("\t")) if name[1:] in lists]
    if not columns:
        return data
    if not all(_PLAIN.fullmatch(f'"{lists[name]}"') for _, name in columns):
        # A separator written escaped (a tab, say): every row read by Oxigraph.
        return _sorted_rows(lines, [n for n in range(1, len(lines)) if lines[n]], columns, lists)
    others: list[int] = []
    for n in range(1, len(lines)):
        if not lines[n]:
            continue  # the end of the last row
        cells = lines[n].split("\t")
        changed = False
        for k, name in columns:
            if not cells[k]:
                continue  # unbound
            found = _PLAIN.fullmatch(cells[k])
            if found is None:
                others.append(n)
                break
            value = sorted_list(found[1], lists[name])
            if value != found[1]:
                cells[k] = f'"{value}"{found[2] or ""}'
                changed = True
        else:
            if changed:
                lines[n] = "\t".join(cells)
    return _sorted_rows(lines, others, columns, lists)


def _sorted_rows(
    lines: list[str], rows: Sequence[int], columns: list[tuple[int, str]], lists: dict[str, str]
) -> bytes:
    """The TSV lines with the lists of ``rows`` sorted, each read by Oxigraph (any escape)."""
    import pyoxigraph as ox

    if rows:
        head = "\n".join([lines[0], *(lines[n] for n in rows)]).encode("utf-8")
        parsed = ox.parse_query_results(head, format=ox.QueryResultsFormat.TSV)
        assert isinstance(parsed, ox.QuerySolutions)
        for n, row in zip(rows, parsed, strict=True):
            cells: list[str] | None = None
            for k, name in columns:
                term = row[name]
                if isinstance(term, ox.Literal):
                    value = sorted_list(term.value, lists[name])
                    if value != term.value:
                        cells = cells or lines[n].split("\t")
                        listed = (
                            ox.Literal(value, language=term.language)
                            if term.language
                            else ox.Literal(value, datatype=term.datatype)
                        )
                        cells[k] = str(listed)
            if cells is not None:
                lines[n] = "\t".join(cells)
    return "\n".join(lines).encode("utf-8")
