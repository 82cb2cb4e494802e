"""Queries that read what a later corpus-level stage writes refuse a store an older one wrote.

A query names the version of the links graph it needs in a comment line heading it
(``# needs links version: N``, as a cookbook file declares its parameters); the stage states the
version it wrote in the links graph (``akg:linksVersion``, ``graph.links.LINKS_VERSION``). A
store built before that version would answer with no rows, which reads as "none": it gets an
error saying how to bring the graph up to date instead. ``bounded.run_on_store`` checks it for
every query it runs: ``akg query -n`` and ``-f``, ``akg serve``'s ``/cookbook/NAME``, the API.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.errors import QueryError
from alliance_kg.ontology import ID_IRI, PREFIXES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

# As text: the links package (and rdflib) is not imported to run a query.
_LINKS = f"{ID_IRI}graph/links"
_VERSION = f"<{PREFIXES['akg']}linksVersion>"

#: The heading comment line naming the version a query needs.
NEEDS = re.compile(r"#\s*needs links version:\s*(\d+)\s*")


def needed_version(text: str) -> int:
    """The links graph version the heading of ``text`` declares it needs (0: none)."""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = NEEDS.fullmatch(line.rstrip())
        if match:
            return int(match[1])
    return 0


def check_links_version(store: SparqlStore, needed: int) -> None:
    """Raise ``QueryError`` when the store's links graph is older than ``needed``."""
    if needed <= 0:
        return
    # Read from the default graph, the union, and picked out here: Virtuoso 7.2 finds no triple
    # whose subject is the IRI of the graph named around it.
    result = store.query(f"SELECT ?s ?v WHERE {{ ?s {_VERSION} ?v }}")
    assert isinstance(result, ox.QuerySolutions)
    found = [
        int(row["v"].value)
        for row in result
        if isinstance(row["v"], ox.Literal)
        and row["v"].value.isdigit()
        and row["s"] == ox.NamedNode(_LINKS)
    ]
    if max(found, default=1) < needed:
        raise QueryError(
            "this store's links graph was written by an earlier version of akg and lacks what "
            "the query reads; run `akg update 'INSERT DATA {}'` (or build the store again), "
            "then ask again"
        )
