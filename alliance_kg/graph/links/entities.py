"""Named instances of generic entities: "12th Marine Littoral Regiment" is a "Marine Littoral
Regiment" (``skos:broader``), so asking about the kind finds the instances too."""

from __future__ import annotations

import re

from alliance_kg.graph.links.read import Corpus
from alliance_kg.graph.links.wording import wording

_NUMBERED = re.compile(r"(?:\d+(?:st|nd|rd|th)?|[IVX]+)", re.IGNORECASE)


def broader_links(corpus: Corpus) -> list[tuple[str, str]]:
    """(narrow, broad) pairs: an entity whose label is an ordinal or number followed by the
    whole label of another entity of the same type."""
    ordinals = wording().ordinals
    by_label: dict[tuple[str, str], str] = {}
    for entity in corpus.entities.values():
        for kind in entity.types:
            by_label.setdefault((kind, entity.label.casefold()), entity.iri)
    out = []
    for entity in sorted(corpus.entities.values(), key=lambda e: e.iri):
        first, _, rest = entity.label.partition(" ")
        if not rest or not (_NUMBERED.fullmatch(first) or first.casefold() in ordinals):
            continue
        for kind in sorted(entity.types):
            broad = by_label.get((kind, rest.casefold()))
            if broad is not None and broad != entity.iri:
                out.append((entity.iri, broad))
                break
    return out
