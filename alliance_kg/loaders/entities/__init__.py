"""Entity recognition: find the people, states, organizations, units, capabilities, places,
agreements and mechanisms a statement names.

Three sources of candidates, merged longest-first: the reference vocabulary (a token trie over
every label and alias), patterns for office titles followed by a name, and names built around a
head word ("... Regiment", "... Air Base", "Memorandum of Understanding for ..."). A second pass
adds what only the first pass makes resolvable: acronyms defined in parentheses, bare family names
of people already named, demonyms, and "the Alliance" of the two states the text is about.

The words these rules look for (head words, titles, stop words) are data: see
``alliance_kg/loaders/lexicon/``.
"""

from __future__ import annotations

from dataclasses import replace
from operator import attrgetter

from alliance_kg.loaders.entities.base import SPAN, select
from alliance_kg.loaders.entities.coreference import (
    acronym_mentions,
    document_alliance,
    family_mentions,
    merge_qualified,
    resolve_two_plus_two,
)
from alliance_kg.loaders.entities.demonyms import demonym_mentions
from alliance_kg.loaders.entities.heads import discovered_candidates
from alliance_kg.loaders.entities.people import name_form, person_candidates, stated_office
from alliance_kg.loaders.entities.rules import (
    compass_region,
    coordinated_candidates,
    numbered_candidates,
    pair_alliances,
)
from alliance_kg.loaders.entities.vocabulary import vocabulary_candidates
from alliance_kg.loaders.gazetteer import load_gazetteer, surface_forms
from alliance_kg.loaders.lexicon import derived
from alliance_kg.loaders.model import Entity, Mention

__all__ = ["name_form", "recognize"]


@derived
def _first_keys() -> dict[str, str]:
    """Each vocabulary name's first entity key (built once, not once per document)."""
    return {form: keys[0] for form, keys in surface_forms().items()}


def recognize(text: str) -> tuple[dict[str, Entity], list[Mention]]:
    """Find every entity ``text`` names: the Entities by key and all Mentions, by start."""
    gaz = load_gazetteer()
    forms = _first_keys()
    cands = vocabulary_candidates(text)
    cands += [r for c in cands if (r := compass_region(text, c)) is not None]
    cands += pair_alliances(text, cands)
    cands += discovered_candidates(text, forms)
    cands += person_candidates(text, forms)
    cands += coordinated_candidates(text, forms)
    cands += numbered_candidates(text, forms)
    chosen = select(cands)
    extra: dict[str, Entity] = {c.key: c.entity for c in chosen if c.entity is not None}

    chosen += acronym_mentions(text, chosen, extra)
    chosen = sorted(chosen, key=SPAN)
    chosen += family_mentions(text, chosen)
    chosen += demonym_mentions(text, chosen)
    chosen = sorted(chosen, key=SPAN)
    alliance = document_alliance(text, chosen, gaz)
    if alliance is not None:
        extra.setdefault(alliance[0].key, alliance[0])
        chosen += alliance[1]
    chosen = resolve_two_plus_two(text, chosen, gaz, extra)
    chosen = merge_qualified(chosen, extra)

    entities: dict[str, Entity] = {}
    surfaces: dict[str, set[str]] = {}
    mentions: list[Mention] = []
    # The office the text's title gives a person the vocabulary knows, where it names another.
    offices: dict[str, str] = {}
    for c in sorted(chosen, key=attrgetter("start", "end", "key")):
        surface = text[c.start : c.end]
        mentions.append(Mention(c.start, c.end, surface, c.key))
        if c.key not in entities:
            entities[c.key] = gaz[c.key] if c.key in gaz else extra[c.key]
        if c.key in gaz and c.key not in offices and entities[c.key].type == "Person":
            office = stated_office(text, c.start, c.end, gaz[c.key])
            if office is not None:
                offices[c.key] = office
        if c.alias:
            surfaces.setdefault(c.key, set()).add(name_form(surface, entities[c.key].type))
    for key, office in offices.items():
        entities[key] = replace(entities[key], office=office)
    for key, entity in entities.items():
        if key not in gaz and entity.type != "Person":
            # A discovered name's label is its longest full form.
            # (Singular and plural forms share a node; the label keeps the singular.)
            last = entity.label.rsplit(" ", 1)[-1]
            full = [s for s in surfaces.get(key, set()) if " " in s and s.endswith(last)]
            entity = replace(entity, label=max([entity.label, *full], key=lambda s: (len(s), s)))
        aliases = (entity.aliases | surfaces.get(key, set())) - {entity.label}
        # An entity whose aliases stay as they are is kept (a frozen value), not copied.
        entities[key] = entity if aliases == entity.aliases else replace(entity, aliases=aliases)
    return entities, mentions
