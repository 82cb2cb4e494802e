"""Entity names given by users: matched against every label and alias, case-insensitively;
a name that matches nothing is an error that lists the closest names instead of 0 rows."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

import pyoxigraph as ox

from alliance_kg.errors import QueryError
from alliance_kg.ontology import ENTITY_TYPES, PREFIXES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

#: How many close names an error offers.
SUGGESTIONS = 5


def check_names(store: SparqlStore, names: list[str]) -> None:
    """Raise ``QueryError`` for the first name no entity has, with the closest names."""
    if not names:
        return
    labels = entity_labels(store)
    known = {label.casefold() for label, _ in labels}
    for name in names:
        if " ".join(name.split()).casefold() in known:
            continue
        close = closest(name, labels)
        hint = f"; the closest: {', '.join(close)}" if close else ""
        raise QueryError(f"no entity is named {name!r}{hint}")


def entity_labels(store: SparqlStore) -> list[tuple[str, str]]:
    """(name, preferred label) for every label and alias of every entity."""
    classes = " ".join(f"akg:{t}" for t in ENTITY_TYPES)
    result = store.query(
        f"SELECT DISTINCT ?name ?pref WHERE {{ VALUES ?t {{ {classes} }} ?e a ?t ; "
        "skos:prefLabel ?pref ; skos:prefLabel|skos:altLabel ?name }",
        prefixes=PREFIXES,
    )
    assert isinstance(result, ox.QuerySolutions)
    return sorted((s["name"].value, s["pref"].value) for s in result if s["name"] and s["pref"])


def closest(name: str, labels: list[tuple[str, str]], n: int = SUGGESTIONS) -> list[str]:
    """Preferred labels of the entities whose names hold ``name`` as whole words (shortest
    first), then of those whose names are spelled most like it."""
    wanted = name.casefold().strip()
    pattern = re.compile(r"\b" + re.escape(wanted) + r"\b")
    out: list[str] = []
    for label, pref in sorted(labels, key=lambda lp: (len(lp[0]), lp)):
        if pattern.search(label.casefold()) and pref not in out:
            out.append(pref)
    by_name = {label.casefold(): pref for label, pref in labels}
    for match in difflib.get_close_matches(wanted, sorted(by_name), n=n * 2, cutoff=0.6):
        if by_name[match] not in out:
            out.append(by_name[match])
    return out[:n]
