"""People named after a title: "Foreign Minister Hayashi Yoshimasa", "Ms. KAMIKAWA Yoko",
"Secretary of Defense Lloyd Austin"; a title with one name ("Minister Ahn") refers to a person
the text or the vocabulary knows. Titles, offices and honorifics come from lexicon/people.toml.
"""

from __future__ import annotations

import re

from alliance_kg.loaders import lexicon
from alliance_kg.loaders.entities.base import Candidate, state_forms, stop_words
from alliance_kg.loaders.gazetteer import demonyms, family_names, load_gazetteer, slugify
from alliance_kg.loaders.lexicon.guard import Openings, finditer_at, guarded
from alliance_kg.loaders.model import Entity


def _alternatives(name: str) -> str:
    return "|".join(re.escape(w) for w in lexicon.words("people", name))


@lexicon.derived
def _title() -> re.Pattern[str]:
    """A title or an honorific, then a name of up to four capitalised words."""
    fields = _alternatives("office_fields")
    modifiers = _alternatives("title_modifiers")
    # Behind the guard of its first letters (only faster: lexicon/guard.py).
    return guarded(
        rf"(?:(?:(?:{modifiers}) )?(?:{_alternatives('titles')})"
        rf"(?: (?:of|for) (?:{fields}))?"
        rf"(?: and Minister (?:of|for) (?:{fields}))?"
        rf"|{_alternatives('honorifics')})"
        r" (?P<name>(?:[A-Z][a-z\-]+(?:['’][A-Z][a-z]+)?|[A-Z]{2,}|[A-Z]\.)"
        r"(?: (?:[A-Z][a-z\-]+(?:['’][A-Z][a-z]+)?|[A-Z]{2,}|[A-Z]\.|Jr\.|III|II|IV)){0,3})"
        r"(?![\w\-])"
    )


@lexicon.derived
def _title_openings() -> Openings:
    """Where a match of ``_title()`` can begin: at a title's modifier, a title or an honorific
    (the words of each, plain text), found by a few ``str.find`` passes (see guard.Openings)."""
    names = ("title_modifiers", "titles", "honorifics")
    return Openings(re.escape(w) for name in names for w in lexicon.words("people", name))


@lexicon.derived
def _honorifics() -> frozenset[str]:
    return frozenset(lexicon.words("people", "honorifics"))


def person_candidates(text: str, forms: dict[str, str]) -> list[Candidate]:
    """People named after a title; ``forms`` maps vocabulary names to keys."""
    gaz = load_gazetteer()
    families = family_names()
    out: list[Candidate] = []
    single: list[tuple[int, int, str]] = []
    for m in finditer_at(_title(), text, _title_openings().starts(text)):
        words = m.group("name").split(" ")
        # Trim words that are not part of the name ("Minister Marles Said" never happens,
        # but "President Biden Administration" does).
        while words and (words[-1] in stop_words() or words[-1] in forms and len(words) > 1):
            if words[-1] in forms and gaz[forms[words[-1]]].type == "Person":
                break
            words.pop()
        if not words or words[0] in stop_words():
            continue
        name = " ".join(words)
        name_end = m.start("name") + len(name)
        title = text[m.start() : m.start("name")].strip()
        if len(words) == 1:
            single.append((m.start(), name_end, words[0]))
            continue
        key = _person_key(name, forms, families)
        entity = None
        if key is None:
            if any(w in state_forms() for w in words):
                continue
            label = " ".join(w.capitalize() if w.isupper() and len(w) > 2 else w for w in words)
            key = f"person/{slugify(label)}"
            office = None if title in _honorifics() else title
            represents = (
                lexicon.table("people", "office_states").get(title)
                or _preceding_state(text, m.start())
                or _coordinated_state(text, m.start(), out)
            )
            entity = Entity(key, "Person", label, office=office, represents=represents)
        out.append(Candidate(m.start(), name_end, key, 0, entity=entity))
    # "Minister Ahn" after "Minister of National Defense Ahn Gyu-back": a title and one name
    # refer to a person the text introduced, whichever end of the name is the family name.
    for start, end, word in single:
        # People this text has introduced come first, then the vocabulary's family names.
        known = {c.key for c in out if word in _name_ends(c, gaz)}
        key = known.pop() if len(known) == 1 else _person_key(word, forms, families)
        if key is not None:
            out.append(Candidate(start, end, key, 0))
    return out


def _name_ends(candidate: Candidate, gaz: dict[str, Entity]) -> tuple[str, ...]:
    entity = candidate.entity or gaz.get(candidate.key)
    if entity is None:
        return ()
    words = entity.label.split()
    return (words[0], words[-1])


def _coordinated_state(text: str, pos: int, before: list[Candidate]) -> str | None:
    """ "Korean Minister A and Minister B": B shares the State of the person just named."""
    if not before or not re.search(r"(?:,|\band)\s*$", text[before[-1].end : pos]):
        return None
    if pos - before[-1].end > 8:
        return None
    previous = before[-1].entity or load_gazetteer().get(before[-1].key)
    return previous.represents if previous is not None else None


def _person_key(name: str, forms: dict[str, str], families: dict[str, str]) -> str | None:
    gaz = load_gazetteer()
    # "Gilberto C. Teodoro", "Lloyd J. Austin III": middle initials and suffixes vary by text.
    bare = re.sub(r",?\s+(?:Jr\.?|Sr\.?|II|III|IV)$", "", re.sub(r"\s[A-Z]\.(?=\s)", "", name))
    for variant in (name, _title_case(name), bare, _title_case(bare)):
        key = forms.get(variant)
        if key and gaz[key].type == "Person":
            return key
    words = name.split(" ")
    if len(words) == 1:
        return families.get(_title_case(words[0]))
    return None


def _title_case(name: str) -> str:
    return " ".join(w.capitalize() if w.isupper() and len(w) > 2 else w for w in name.split(" "))


@lexicon.derived
def _state_words() -> list[tuple[str, str]]:
    """Names and demonyms of States with their keys, longest first (sorted once, not per name)."""
    return sorted({**state_forms(), **demonyms()}.items(), key=lambda kv: -len(kv[0]))


@lexicon.derived
def _state_word_lengths() -> tuple[dict[str, str], list[int]]:
    """``_state_words`` as a mapping, with the lengths of its names, longest first."""
    words = dict(_state_words())
    return words, sorted({len(form) for form in words}, reverse=True)


def _preceding_state(text: str, pos: int) -> str | None:
    """The State named (as a whole word) at the end of the text before ``pos``: the longest
    name that ends there, found by one lookup per length of name, not a test of every name."""
    before = text[max(0, pos - 30) : pos].rstrip()
    words, lengths = _state_word_lengths()
    for length in lengths:
        if length > len(before):
            continue
        key = words.get(before[len(before) - length :])
        if key is not None and (len(before) == length or not before[-length - 1].isalnum()):
            return key
    return None


def name_form(surface: str, entity_type: str) -> str:
    """A mention's text as a name: whitespace collapsed, a person's title left out
    ("Ms. KAMIKAWA Yoko" -> "KAMIKAWA Yoko"), so that it can serve as an alias."""
    form = " ".join(surface.split())  # as re.sub(r"\s+", " ", surface).strip(), faster
    titled = _title().match(form) if entity_type == "Person" else None
    return form[titled.start("name") :] if titled is not None else form


def stated_office(text: str, start: int, end: int, known: Entity) -> str | None:
    """The office a text gives the person it names at ``text[start:end]``, whom the vocabulary
    knows, where it names another office than the vocabulary's (``known.office``): ministers
    change portfolios, and a statement names the office held that day. The office is the
    mention's own title ("Foreign Minister Kono"), else a title set off by a comma just before
    it ("the Minister for Defence, Senator Marise Payne") or just after it ("Penny Wong,
    Minister for Foreign Affairs,"). None where there is none, where the title names no office
    (a bare title, a rank, an honorific) or the words before it make it a former office
    ("then-Foreign Minister")."""
    titled = _title().match(text, start, end)
    title = None
    if titled is not None and titled.end() == end and not _former(text, start):
        title = text[start : titled.start("name")].strip()
    kinds = _office_kinds(title) if title is not None else None
    if not kinds:
        title = _title_set_off(text, start, end)
        kinds = _office_kinds(title) if title is not None else None
    if title is None or not kinds:
        return None
    if known.office is not None and kinds <= (_office_kinds(known.office) or frozenset()):
        return None
    return " ".join(title.split())


def _title_set_off(text: str, start: int, end: int) -> str | None:
    """A title set off by a comma just before the name at ``text[start:end]``, unless a former
    office, else one just after it."""
    window = text[max(0, start - 120) : start]
    # The patterns only where a comma is next to the name (most mentions have none).
    if window.rstrip().endswith(","):
        found = _title_before().search(window)
        if found is not None and not _former(window, found.start("title")):
            return found.group("title")
    if text.startswith((",", " "), end):
        found = _title_after().match(text, end, end + 120)
        if found is not None:
            return found.group("title")
    return None


@lexicon.derived
def _office_title() -> str:
    """A title that may name an office, with the field after it: the title part of ``_title``
    without honorifics."""
    fields = _alternatives("office_fields")
    return (
        rf"(?:(?:{_alternatives('title_modifiers')}) )?(?:{_alternatives('titles')})"
        rf"(?: (?:of|for) (?:{fields}))?(?: and Minister (?:of|for) (?:{fields}))?"
    )


@lexicon.derived
def _title_before() -> re.Pattern[str]:
    """A title and a comma ending the text before a name: "the Minister for Defence, "."""
    return re.compile(rf"(?<![\w\-])(?P<title>{_office_title()}),\s*$")


@lexicon.derived
def _title_after() -> re.Pattern[str]:
    """A comma and a title after a name (post-nominal letters between), ending where no other
    name follows: "Penny Wong, Minister for Foreign Affairs," but not "Wong, Minister Marles"."""
    return re.compile(
        rf"(?: [A-Z]{{2,4}})*,\s*(?P<title>{_office_title()})(?=\s*(?:[,.;:)]|and\b|$)|\s+[a-z])"
    )


Kind = tuple[tuple[str, ...], str, str]


def _office_kinds(office: str) -> frozenset[Kind] | None:
    """What an office or a title names, as (modifiers, role, field) for each office it joins
    with "and Minister": the field after ``office_synonyms``, the role only where there is no
    field ("Prime Minister"). None for an honorific or a title that names no office."""
    if office in _honorifics():
        return None
    kinds = set()
    for part in re.split(r" and (?=Minister )", office):
        kind = _office_kind(part.split())
        if kind is None:
            return None
        kinds.add(kind)
    return frozenset(kinds)


def _office_kind(words: list[str]) -> Kind | None:
    modifiers = lexicon.words("people", "title_modifiers")
    lead = []
    while len(words) > 1 and words[0] in modifiers:
        lead.append(words.pop(0))
    rest = " ".join(words)
    fields, bare = _office_fields(), lexicon.words("people", "bare_titles")
    found = re.fullmatch(r"(.+?) (?:of|for) (.+)", rest)
    if found is not None:
        field = found.group(2)
    else:
        # "Foreign Minister", "External Affairs Minister": the field before a bare title.
        head, _, role = rest.rpartition(" ")
        field = head if role in bare and head in fields else ""
    if not field and rest in bare:
        return None
    synonyms: dict[str, str] = lexicon.table("people", "office_synonyms")
    return tuple(lead), "" if field else rest, synonyms.get(field, field)


@lexicon.derived
def _office_fields() -> frozenset[str]:
    """The fields a title may name before its bare title: office fields and their synonyms."""
    return frozenset(lexicon.words("people", "office_fields")) | frozenset(
        lexicon.table("people", "office_synonyms")
    )


def _former(text: str, start: int) -> bool:
    """Whether a former-office marker ends just before ``start`` ("former ", "then-")."""
    before = text[max(0, start - 12) : start]
    for marker in lexicon.words("people", "former_markers"):
        for form in (marker, marker + " "):
            if before.endswith(form) and not before[: -len(form)][-1:].isalnum():
                return True
    return False
