"""The reference vocabulary: states, organizations, people, places and domain terms.

The Turtle files in ``gazetteer/`` use the ontology's own terms (``skos:prefLabel``,
``skos:altLabel``, ``akg:demonym``, ``akg:office``, ``akg:represents``, ``skos:exactMatch``,
``geo:hasGeometry``/``geo:asWKT``), so the build can copy an entry straight into the graph.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib.resources import files

from rdflib.namespace import RDF, SKOS, Namespace

from alliance_kg.loaders import lexicon
from alliance_kg.loaders.model import Entity
from alliance_kg.ontology import AKG, ENTITY_TYPES, ID

GEO = Namespace("http://www.opengis.net/ont/geosparql#")
WIKIDATA = "http://www.wikidata.org/entity/"


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A lower-case ASCII slug: "People's Republic of China" -> "peoples-republic-of-china"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    # ASCII by now: "’" is gone already, "'" is the one apostrophe left to drop.
    return _NOT_SLUG.sub("-", text.lower().replace("'", "")).strip("-")


def gazetteer_files() -> list[str]:
    """Paths of the gazetteer's Turtle files, in a fixed order."""
    folder = files("alliance_kg.loaders").joinpath("gazetteer")
    return sorted(str(p) for p in folder.iterdir() if p.name.endswith(".ttl"))


def gazetteer_triples() -> dict[str, dict[str, list[str]]]:
    """Every gazetteer file's triples: each subject's objects (their values: IRIs and lexical
    forms) by predicate, in the files' order. Parsed by pyoxigraph, a tenth of the time rdflib
    took (0.03 against 0.31 s), which every process that extracts used to pay once."""
    import pyoxigraph as ox

    found: dict[str, dict[str, list[str]]] = {}
    for path in gazetteer_files():
        for quad in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
            objects = found.setdefault(quad.subject.value, {})
            objects.setdefault(quad.predicate.value, []).append(quad.object.value)
    return found


@lru_cache(maxsize=1)
def load_gazetteer() -> dict[str, Entity]:
    """All vocabulary entries as Entities keyed by ``"<type>/<slug>"`` (parsed once)."""
    triples = gazetteer_triples()
    prefix = str(ID)
    types = {str(AKG[name]): name for name in ENTITY_TYPES}

    def value(subject: str, predicate: str) -> str | None:
        objects = triples.get(subject, {}).get(predicate)
        return objects[0] if objects else None

    typed = sorted(
        (subject, cls)
        for subject, objects in triples.items()
        for cls in objects.get(str(RDF.type), ())
        if cls in types and subject.startswith(prefix)
    )
    out: dict[str, Entity] = {}
    for subject, cls in typed:
        key = subject[len(prefix) :]
        objects = triples[subject]
        office = value(subject, str(AKG.office))
        represents = value(subject, str(AKG.represents))
        match = value(subject, str(SKOS.exactMatch))
        geometry = value(subject, str(GEO.hasGeometry))
        wkt = value(geometry, str(GEO.asWKT)) if geometry is not None else None
        out[key] = Entity(
            key=key,
            type=types[cls],
            label=str(value(subject, str(SKOS.prefLabel))),
            aliases=frozenset(objects.get(str(SKOS.altLabel), ())),
            office=office,
            represents=represents[len(prefix) :] if represents is not None else None,
            demonyms=frozenset(objects.get(str(AKG.demonym), ())),
            wikidata=match[len(WIKIDATA) :] if match is not None else None,
            wkt=wkt,
        )
    return out


def _variants(form: str) -> list[str]:
    """A form plus the spellings writers use for the same name ("U.S. Navy" -> "US Navy")."""
    out = [form]
    if form.startswith("U.S. "):
        out += ["US " + form[5:], "United States " + form[5:]]
    # A middle initial without its full stop, as many styles write it ("Michael R Pompeo").
    bare = _INITIAL.sub(r"\1", form)
    if bare != form:
        out.append(bare)
    return out


_INITIAL = re.compile(r"(?<= )([A-Z])\.(?= [A-Z])")


@lru_cache(maxsize=1)
def surface_forms() -> dict[str, tuple[str, ...]]:
    """Every label and alias of the vocabulary mapped to the keys it can name."""
    found: dict[str, list[str]] = {}
    for key, entity in load_gazetteer().items():
        for form in (entity.label, *sorted(entity.aliases)):
            if form.lower().startswith("the "):
                form = form[4:]
            for variant in _variants(form):
                keys = found.setdefault(variant, [])
                if key not in keys:
                    keys.append(key)
    return {form: tuple(keys) for form, keys in found.items()}


def family_name(entity: Entity) -> str:
    """The family name of a vocabulary person (first word for the States of the lexicon's
    ``family_first`` list)."""
    suffixes = lexicon.words("people", "name_suffixes")
    words = [w for w in entity.label.split() if w not in suffixes]
    if entity.represents in lexicon.words("people", "family_first"):
        return words[0]
    return words[-1]


@lexicon.derived
def family_names() -> dict[str, str]:
    """Family name -> person key, for family names only one vocabulary person bears."""
    seen: dict[str, list[str]] = {}
    for key, entity in load_gazetteer().items():
        if entity.type == "Person":
            seen.setdefault(family_name(entity), []).append(key)
    return {name: keys[0] for name, keys in seen.items() if len(keys) == 1}


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Demonym -> State key ("Japanese" -> "state/japan")."""
    out: dict[str, str] = {}
    for key, entity in load_gazetteer().items():
        for demonym in entity.demonyms:
            out.setdefault(demonym, key)
    return out
