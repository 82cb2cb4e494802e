"""Which graphs an update made of data alone (``INSERT DATA``, ``DELETE DATA``) writes, told by
Oxigraph's own parser at any length: the update, each ``DELETE DATA`` read as ``INSERT DATA``,
is run on an empty store in memory, whose graphs are then those the data names.

rdflib's parser, which tells the graphs of other updates (``updates.update_scope``), takes
about a second per 10,000 characters, so a long update (a user's batch of notes, a script's
corrections) used to be treated as one that may change any graph; Oxigraph reads a megabyte in
milliseconds.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from alliance_kg.graph.update_lookup import Unreadable, blank, depths
from alliance_kg.ontology import PREFIXES


# Asked twice of one update (whether it writes the default graph, then where): kept for the
# second; ``updating.update_store`` clears it, so that no long update is held after it.
@lru_cache(maxsize=1)
def data_scope(update: str) -> tuple[frozenset[str], bool] | None:
    """The named graphs an update of ``INSERT DATA`` and ``DELETE DATA`` operations alone
    writes, and whether it writes the default graph; None for an update of any other form, or
    one Oxigraph cannot parse (its run reports that)."""
    inserted = _as_inserts(update)
    if inserted is None:
        return None
    memory = ox.Store()
    try:
        memory.update(inserted, prefixes=PREFIXES)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        return None
    graphs = frozenset(g.value for g in memory.named_graphs() if isinstance(g, ox.NamedNode))
    default = next(iter(memory.quads_for_pattern(None, None, None, ox.DefaultGraph())), None)
    return graphs, default is not None


def _as_inserts(update: str) -> str | None:
    """The update with each ``DELETE DATA`` keyword made ``INSERT``; None unless everything
    outside its groups is a prologue, ``INSERT DATA``, ``DELETE DATA`` and semicolons."""
    out: list[str] = []
    last = 0
    expect = ""  # what the prologue or an operation needs next at the top level
    try:
        for token, depth in depths(update):
            kind, text = token.lastgroup, token.group()
            if kind == "open" and depth == 0:
                if expect != "{":
                    return None
                expect = ""
                continue
            if depth or kind == "close" or blank(token):
                continue
            word = text.upper()
            if expect in ("name", "iri"):
                expect = "iri" if expect == "name" else ""  # a prefix's name, then an IRI
            elif expect == "DATA" and word == "DATA":
                expect = "{"
            elif not expect and word == "PREFIX":
                expect = "name"
            elif not expect and word == "BASE":
                expect = "iri"
            elif not expect and word in ("INSERT", "DELETE"):
                if word == "DELETE":
                    out += [update[last : token.start()], "INSERT"]
                    last = token.end()
                expect = "DATA"
            elif expect or text != ";":
                return None
    except Unreadable:
        return None
    if expect:
        return None
    return "".join([*out, update[last:]])
