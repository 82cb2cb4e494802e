"""Which graphs an update of several operations writes when some of them name their graphs by
variables (``GRAPH ?g``): each such operation's ``WHERE`` is asked of the store before the
update runs (``update_lookup.py``), and the answer is checked inside the update's own
transaction, since an earlier operation may make a later ``WHERE`` match other graphs.

The check is an operation put before each such operation after the first: it writes, into a
graph of its own (``CHECK``), each graph the operation's ``WHERE`` binds now that is not among
those told, and is followed by ``CREATE GRAPH`` of that graph, which fails when the graph holds
anything, and by ``DROP GRAPH``. So either every graph the update writes was told, or the whole
request fails, writing nothing (``Unchecked``), and ``akg update`` runs it again as an update
that may change any graph. The request is read again by rdflib, which must find the user's
operations in it as it found them in the update.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from alliance_kg.graph.update_lookup import TOKEN, Lookup, Unreadable, blank, depths, lookup_of

#: The graph the checks write into; never left in the store (the request drops it or fails).
CHECK = "urn:x-alliance-kg:update-check"


class Unchecked(Exception):
    """The update's checks found a graph it writes that was not told: nothing was written."""


@dataclass(frozen=True)
class Several:
    """An update of several operations, as far as telling its graphs needs: the lookups of
    those naming graphs by variables (by index among rdflib's operations, ``at`` placed in the
    update's text) and rdflib's reading of every operation."""

    lookups: tuple[tuple[int, Lookup], ...]
    operations: tuple[Any, ...]


def several_of(
    update: str, operations: Sequence[Any], by_variables: Sequence[int], declared: str
) -> Several | None:
    """The lookups of ``update``'s operations of ``by_variables`` (indexes into rdflib's
    ``operations``); None when the text cannot be split into as many operations, a later one
    has a prologue of its own, or one of them cannot be looked up (``lookup_of``) or reads
    another dataset (``WITH``, ``USING``)."""
    spans = _spans(update)
    if spans is None or len(spans) != len(operations):
        return None
    first = update[spans[0][0] : spans[0][1]]
    prologue = first[: _body(first)]
    lookups: list[tuple[int, Lookup]] = []
    for k in by_variables:
        start, end = spans[k]
        text = update[start:end]
        if k and _body(text) != _first_token(text):
            return None  # a later prologue: Oxigraph's requests hold none
        found = lookup_of(operations[k], text, declared + (prologue if k else ""))
        # The checks read the store's own dataset: an operation under WITH or USING is not split.
        if found is None or (found.default_graphs, found.named_graphs) != (None, None):
            return None
        lookups.append((k, replace(found, at=start + found.at)))
    return Several(tuple(lookups), tuple(operations))


def checked_request(
    update: str, several: Several, told: frozenset[str], declared: str
) -> str | None:
    """The update with a check (``CHECK``) before each operation after the first that names
    its graphs by variables; None when rdflib does not read the user's operations in it as in
    the update."""
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    checks = [(lookup.at, _check(lookup, told)) for k, lookup in several.lookups if k]
    if not checks:
        return update
    parts, last = [], 0
    for at, check in checks:
        parts += [update[last:at], check]
        last = at
    request = "".join([*parts, update[last:]])
    try:
        found = translateUpdate(parseUpdate(declared + request)).algebra
    except Exception:  # noqa: BLE001 - not read as the update was: not checked
        return None
    checked = {k for k, _ in several.lookups if k}
    expected: list[Any] = []
    for k, operation in enumerate(several.operations):
        expected += [None, None, None] if k in checked else []
        expected.append(operation)
    if len(found) != len(expected):
        return None
    for was, now in zip(expected, found, strict=True):
        if now != was if was is not None else now.name not in ("Modify", "Create", "Drop"):
            return None
    return request


def _check(lookup: Lookup, told: frozenset[str]) -> str:
    """The operations that make the request fail when the lookup's ``WHERE`` binds a graph
    variable to anything but an IRI of ``told`` (an unbound one writes no graph)."""
    names = ", ".join(f"<{name}>" for name in sorted(told))
    records = " . ".join(f"?{v} <{CHECK}> ?{v}" for v in lookup.variables)
    outside = " || ".join(f"?{v} NOT IN ({names})" for v in lookup.variables)
    return (
        f"INSERT {{ GRAPH <{CHECK}> {{ {records} }} }} WHERE {{ {lookup.group}\n"
        f"FILTER ({outside}) }} ;\nCREATE GRAPH <{CHECK}> ; DROP GRAPH <{CHECK}> ;\n"
    )


def _spans(update: str) -> list[tuple[int, int]] | None:
    """Where each operation of the update is in its text: split at the semicolons outside any
    group, a closing one left out. None for a codepoint escape (one may spell a brace or a
    semicolon the tokens do not see) or unpaired braces."""
    if "\\u" in update.lower():
        return None
    spans, start = [], 0
    try:
        for token, depth in depths(update):
            if depth == 0 and token.group() == ";":
                spans.append((start, token.start()))
                start = token.end()
    except Unreadable:
        return None
    if any(not blank(t) for t in TOKEN.finditer(update, start)):
        spans.append((start, len(update)))
    return spans


def _first_token(text: str) -> int:
    """Where the text's first token other than whitespace and comments is."""
    return next((t.start() for t in TOKEN.finditer(text) if not blank(t)), len(text))


def _body(text: str) -> int:
    """Where an operation's text ends its prologue (``PREFIX`` and ``BASE`` declarations)."""
    tokens = [t for t in TOKEN.finditer(text) if not blank(t)]
    k = 0
    while k < len(tokens):
        word = tokens[k].group().upper()
        if word == "PREFIX":
            k += 3  # the keyword, the prefix's name and its IRI
        elif word == "BASE":
            k += 2
        else:
            return tokens[k].start()
    return len(text)
