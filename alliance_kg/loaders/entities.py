"""Entity recognition: find the people, states, organizations, units, capabilities, places,
agreements and mechanisms a statement names.

Three sources of candidates, merged longest-first: the reference vocabulary (a token trie over
every label and alias), patterns for office titles followed by a name, and names built around a
head word ("... Regiment", "... Air Base", "Memorandum of Understanding for ..."). A second pass
adds what only the first pass makes resolvable: acronyms defined in parentheses, bare family names
of people already named, demonyms, and "the Alliance" of the two states the text is about.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from alliance_kg.loaders.gazetteer import (
    demonyms,
    family_names,
    load_gazetteer,
    slugify,
    surface_forms,
)
from alliance_kg.loaders.model import Entity, Mention

_TOKEN = re.compile(r"[^\W_]+|\S")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_END = "$end"  # trie key of the forms ending at a node


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    key: str
    rank: int  # lower wins among candidates of equal length
    alias: bool = True  # whether the surface text is a name worth keeping as an alias
    entity: Entity | None = None  # for entities not in the vocabulary
    bare: str | None = None  # a state-qualified name's key without its qualifier


# ---------------------------------------------------------------- the vocabulary trie


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _norm(token: str) -> str:
    return token.translate(_QUOTES).lower()


@lru_cache(maxsize=1)
def _trie() -> dict[str, object]:
    root: dict[str, object] = {}
    for form, keys in surface_forms().items():
        node = root
        toks = [t for t, _, _ in _tokens(form)]
        for tok in toks:
            node = node.setdefault(_norm(tok), {})  # type: ignore[assignment]
        ends = node.setdefault(_END, [])
        ends.append((toks, keys))  # type: ignore[attr-defined]
    return root


def _case_ok(form: str, seen: str) -> bool:
    """Whether ``seen`` is an acceptable spelling of the vocabulary token ``form``.

    Lower-case letters of the vocabulary match any case; a capital that starts a word must be
    a capital; any other capital (acronyms, "DoD") must match exactly: "us" is not "US".
    """
    if len(seen) < len(form):
        return False
    for i, (f, s) in enumerate(zip(form, seen, strict=False)):
        if f.isupper() and ((i == 0 and not s.isupper()) or (i > 0 and s != f)):
            return False
    return True


def _plural_stems(token: str) -> list[str]:
    low = _norm(token)
    stems = []
    if low.endswith("ies") and len(low) > 4:
        stems.append(low[:-3] + "y")
    if low.endswith("es") and len(low) > 3:
        stems.append(low[:-2])
    if low.endswith("s") and len(low) > 2:
        stems.append(low[:-1])
    return stems


def _vocabulary_candidates(text: str, toks: list[tuple[str, int, int]]) -> list[_Candidate]:
    root = _trie()
    out: list[_Candidate] = []
    for i in range(len(toks)):
        if _norm(toks[i][0]) not in root:
            continue
        ends: dict[int, str] = {}  # end offset -> key
        # A walk state: (trie node, next token index, the consumed (form, text) token pairs).
        stack: list[tuple[dict[str, object], int, list[tuple[int, bool]]]] = [(root, i, [])]
        while stack:
            node, j, used = stack.pop()
            if j < len(toks):
                tok = toks[j][0]
                child = node.get(_norm(tok))
                if isinstance(child, dict):
                    stack.append((child, j + 1, [*used, (j, False)]))
                for stem in _plural_stems(tok):
                    child = node.get(stem)
                    if isinstance(child, dict) and _END in child:
                        _keep(ends, _accept(child, toks, [*used, (j, True)], text))
                # "Marine Corps Air Station (MCAS) Futenma": skip an acronym inside a name.
                if (
                    used
                    and tok == "("
                    and j + 2 < len(toks)
                    and toks[j + 2][0] == ")"
                    and toks[j + 1][0].isupper()
                ):
                    stack.append((node, j + 3, used))
            # "the U.S" without its final period.
            dot = node.get(".")
            if (
                used
                and isinstance(dot, dict)
                and _END in dot
                and (j >= len(toks) or toks[j][0] != ".")
            ):
                _keep(ends, _accept(dot, toks, used, text))
            if used and _END in node:
                _keep(ends, _accept(node, toks, used, text))
        out += [_Candidate(toks[i][1], end, key, 0) for end, key in sorted(ends.items())]
    return out


def _keep(ends: dict[int, str], match: tuple[int, str] | None) -> None:
    if match is not None:
        ends.setdefault(match[0], match[1])


def _accept(
    node: dict[str, object],
    toks: list[tuple[str, int, int]],
    used: list[tuple[int, bool]],
    text: str,
) -> tuple[int, str] | None:
    """The end offset and key of a trie match whose spelling fits one of its forms."""
    end = toks[used[-1][0]][2]
    if end < len(text) and text[end].isalnum() and not text[end - 1].isalnum():
        return None
    for form_toks, keys in node[_END]:  # type: ignore[attr-defined]
        pairs = form_toks[: len(used)]
        if all(
            _case_ok(f[:-1] if plural and f.endswith("y") else f, toks[j][0])
            for f, (j, plural) in zip(pairs, used, strict=False)
        ):
            return end, keys[0]
    return None


# ---------------------------------------------------------------- names built on head words

_UNIT_HEADS = {
    "Regiment", "Brigade", "Division", "Battalion", "Squadron", "Wing", "Fleet", "Command",
    "Headquarters", "Cell", "Force", "Forces", "Flotilla", "Company",
}  # fmt: skip
_PLACE_HEADS = {
    "Base", "Station", "Island", "Islands", "Sea", "Strait", "Port", "Facility", "Bay", "Shoal",
    "Reef", "Airfield", "Airport", "Range", "Area", "Peninsula", "Ocean", "Prefecture",
    "Province", "Harbor", "Harbour", "Cape", "Zone",
}  # fmt: skip
_AGREEMENT_HEADS = {
    "Treaty", "Agreement", "Arrangement", "Memorandum", "Plan", "Strategy", "Review", "Accord",
    "Declaration", "Outlook", "Roadmap", "Guidelines", "Charter", "Protocol", "Convention",
    "Statement of Intent", "Framework",
}  # fmt: skip
_MECHANISM_HEADS = {
    "Dialogue", "Forum", "Mechanism", "Committee", "Council", "Consultations", "Board",
    "Commission", "Initiative", "Meeting", "Meeting-Plus",
}  # fmt: skip
# Ministries and offices, named head first ("Ministry of Foreign Affairs") or last ("Defense
# Intelligence Agency").
_ORGANIZATION_HEADS = {"Ministry", "Department", "Agency", "Office", "Secretariat"}
_CAPABILITY_HEADS = {
    "Missile", "Missiles", "Interceptor", "Vehicle", "Vehicles", "Aircraft", "Submarine",
    "Submarines", "Destroyer", "Destroyers", "Radar", "Launcher", "Fighter",
}  # fmt: skip
# Plural heads of names that also occur in the singular: "National Security Strategies" names
# the strategies the singular names, so both share one node.
_PLURAL_HEADS = {
    "Regiments": "Regiment", "Brigades": "Brigade", "Divisions": "Division",
    "Squadrons": "Squadron", "Commands": "Command", "Cells": "Cell", "Treaties": "Treaty",
    "Agreements": "Agreement", "Arrangements": "Arrangement", "Memoranda": "Memorandum",
    "Plans": "Plan", "Strategies": "Strategy", "Reviews": "Review", "Declarations": "Declaration",
    "Dialogues": "Dialogue", "Forums": "Forum", "Mechanisms": "Mechanism",
    "Committees": "Committee", "Meetings": "Meeting", "Ministries": "Ministry",
    "Departments": "Department", "Agencies": "Agency",
}  # fmt: skip
# "Group" names a unit or a mechanism only after words like these.
_GROUP_MECHANISM = {"Working", "Consultative", "Consultation", "Steering", "Contact", "Planning",
                    "Coordination", "Advisory", "Study"}  # fmt: skip
_GROUP_UNIT = {"Strike", "Ready", "Task", "Battle", "Expeditionary", "Air", "Support", "Combat",
               "Logistics", "Training", "Operations", "Surface", "Amphibious"}  # fmt: skip
_PLACE_PREFIX = {"Camp", "Fort", "Mount"}
_STOP = {
    "The", "A", "An", "This", "That", "These", "Those", "Their", "Our", "Its", "His", "Her",
    "Both", "Each", "Every", "All", "During", "In", "At", "On", "By", "To", "For", "From",
    "With", "As", "And", "Under", "Through", "Also", "After", "Before", "Since", "While", "When",
    "If", "Of", "Following", "Including", "Such", "Recognizing", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Other", "Any", "Further", "New", "Joint", "Bilateral", "Trilateral", "Multilateral",
}  # fmt: skip
_CONNECTORS = {"of", "for", "on", "and", "the", "between"}
# A final dot belongs to the word after a one-letter abbreviation: "U.S.", "Japan-U.S.".
_WORD = (
    r"(?:[A-Z][\w\-]*s['’](?= [A-Z])|[A-Z][\w&’'.\-]*[\w&](?:(?<=\.[A-Z])\.)?|[A-Z]|\d{4}|"
    r"\d{1,3}(?:st|nd|rd|th)|[“\"]?2\+2[”\"]?)"
)
_CHUNK = re.compile(
    rf"(?<![\w.\-]){_WORD}(?:(?:,? (?:and )?| (?:(?:of|for|on|and|the|between) )+){_WORD})*"
)
_ORDINAL = re.compile(
    r"^(?:\d{1,3}(?:st|nd|rd|th)|\d{4}|First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|"
    r"Ninth|Tenth|Eleventh|Twelfth|Inaugural)$"
)


def _head_type(words: list[str], i: int) -> str | None:
    word = words[i].rstrip(".")
    word = _PLURAL_HEADS.get(word, word)
    prev = words[i - 1] if i > 0 else ""
    if word == "Group":
        if prev in _GROUP_MECHANISM:
            return "Mechanism"
        return "Unit" if prev in _GROUP_UNIT else None
    if word == "Force" and prev == "Task":
        return "Unit"
    for heads, kind in (
        (_UNIT_HEADS, "Unit"),
        (_PLACE_HEADS, "Place"),
        (_AGREEMENT_HEADS, "Agreement"),
        (_MECHANISM_HEADS, "Mechanism"),
        (_CAPABILITY_HEADS, "Capability"),
        (_ORGANIZATION_HEADS, "Organization"),
    ):
        if word in heads:
            return kind
    return None


def _discovered_candidates(text: str, forms: dict[str, str]) -> list[_Candidate]:
    out: list[_Candidate] = []
    for chunk in _CHUNK.finditer(text):
        words = [(m.group(), chunk.start() + m.start()) for m in re.finditer(r"\S+", chunk.group())]
        names = _names_in_chunk(text, words)
        for start, end, kind in names:
            cand = _discovered(text, start, end, kind, forms)
            if cand is not None:
                out.append(cand)
    return out


def _names_in_chunk(text: str, words: list[tuple[str, int]]) -> list[tuple[int, int, str]]:
    """(start, end, type) of the names in a run of capitalised words."""
    plain = [w.rstrip(",") for w, _ in words]
    found: list[tuple[int, int, str]] = []
    i = len(plain) - 1
    while i >= 0:
        word = plain[i]
        if word in ("Exercise", "exercise") or (word in _PLACE_PREFIX) or word == "Article":
            i -= 1
            continue
        kind = _head_type(plain, i)
        if kind is None:
            i -= 1
            continue
        last = i
        nxt = plain[i + 1] if i + 1 < len(plain) else ""
        named_left = i > 0 and plain[i - 1] not in _CONNECTORS and plain[i - 1] != "and"
        if nxt == "between" and named_left:
            # "Force Posture Agreement between Australia and the United States": the name ends
            # at its head; "between ..." names the parties.
            pass
        elif nxt in ("of", "for", "on", "between") and i + 2 < len(plain):
            last = _head_first_end(plain, i)  # "Forum on ...", "Memorandum of Understanding ..."
        elif word in ("Base", "Station") and i + 2 == len(plain) and nxt not in _CONNECTORS:
            last = i + 1  # "Naval Base Kure", "Marine Corps Air Station Iwakuni"
        elif nxt and nxt not in _CONNECTORS and not words[i][0].endswith(","):
            # A capitalised word after the head makes it a modifier: "Force Posture".
            i -= 1
            continue
        first = i
        # Leftwards over modifiers; "and"/"the" and possessives end a head-last name.
        while (
            first > 0
            and plain[first - 1] != "the"
            and not words[first - 1][0].endswith(",")
            and not re.search(r"['’]s$|[^s]['’]$", plain[first - 1])
            # "the Philippines’ Armed Forces": a State's possessive is not part of the name.
            and not (plain[first - 1][-1] in "'’" and plain[first - 1][:-1] in _where_words())
        ):
            if plain[first - 1] == "and":
                if not _coordinated_modifier(plain, words, first, i):
                    break
                first -= 1
            elif plain[first - 1] in _CONNECTORS and (first < 2 or plain[first - 2] in _CONNECTORS):
                break
            first -= 1
        if kind == "Organization" and last > i:
            # "Media Note Office of the Spokesperson": only a State qualifies a ministry or
            # office named head first ("Philippine Department of National Defense").
            first = i - 1 if i > 0 and plain[i - 1] in _where_words() else i
        while first < i and (plain[first] in _STOP or plain[first] in _CONNECTORS):
            first += 1
        while (
            first < i and _sentence_initial(text, words[first][1]) and plain[first].endswith("ing")
        ):
            first += 1
        if first == i and last == i:
            i -= 1
            continue
        start = words[first][1]
        end = words[last][1] + len(plain[last])
        found.append((start, end, kind))
        i = first - 1
    # Prefix heads: "Camp Hansen", "Article V", "Exercise Talisman Sabre".
    for k, word in enumerate(plain[:-1]):
        nxt = plain[k + 1]
        if nxt in _CONNECTORS or nxt in _STOP:
            continue
        if word == "Article" and re.fullmatch(r"[IVXL]+|\d{1,3}", nxt):
            found.append((words[k][1], words[k + 1][1] + len(nxt), "Agreement"))
        elif word in _PLACE_PREFIX and not any(s <= words[k][1] < e for s, e, _ in found):
            found.append((words[k][1], words[k + 1][1] + len(nxt), "Place"))
        elif word == "Task" and nxt == "Force" and k + 2 < len(plain):
            if plain[k + 2] not in _CONNECTORS and plain[k + 2] not in _STOP:
                found.append((words[k][1], words[k + 2][1] + len(plain[k + 2]), "Unit"))
        elif word in ("Exercise", "exercise"):
            last = k + 1
            while last + 1 < len(plain) and plain[last + 1] not in _CONNECTORS:
                last += 1
            found.append((words[k + 1][1], words[last][1] + len(plain[last]), "Mechanism"))
    return found


def _head_first_end(plain: list[str], i: int) -> int:
    """Index of the last word of a name whose head comes first ("Ministry of Defence")."""
    last = i + 1
    for k in range(i + 2, len(plain)):
        word = plain[k]
        if word == "and" and any(_head_type(plain, j) for j in range(k + 1, len(plain))):
            break  # "Department of Defense and Department of National Defense": two names
        if plain[k - 1] not in _CONNECTORS and word in _where_words():
            break  # "Office of the Spokesperson Washington, DC": a dateline follows
        last = k
    while plain[last] in _CONNECTORS:
        last -= 1
    return last


def _coordinated_modifier(
    plain: list[str], words: list[tuple[str, int]], first: int, head: int
) -> bool:
    """Whether "A and B ..." before a head is one name ("Foreign and Defence Ministerial ...")."""
    if first < 2 or first >= head:
        return False
    before, after = plain[first - 2], plain[first]
    return (
        before[:1].isupper()
        and before not in _STOP
        and not words[first - 2][0].endswith(",")
        and before not in _where_words()
        and after not in _where_words()
        and _head_type(plain, first - 2) is None
    )


@lru_cache(maxsize=1)
def _where_words() -> frozenset[str]:
    """One-word names of States and Places, and demonyms: words that start a name of their own."""
    gaz = load_gazetteer()
    return frozenset(
        [
            form
            for form, keys in surface_forms().items()
            if " " not in form and gaz[keys[0]].type in ("State", "Place")
        ]
        + list(demonyms())
    )


def _sentence_initial(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t-▶•*")
    return not before or before[-1] in ".!?:\n"


_QUALIFIER = re.compile(r"^(?:(?:U\.S\.|US|[A-Z][a-z]+)(?:-(?:U\.S\.|US|[A-Z][a-z]+))*)\s+")


def _discovered(
    text: str, start: int, end: int, kind: str, forms: dict[str, str]
) -> _Candidate | None:
    name = text[start:end]
    if name.endswith("’s") or name.endswith("'s"):
        name, end = name[:-2], end - 2
    name = re.sub(r"\s+", " ", name)
    # "Article V of the Japan-U.S. Security Treaty": the tail is a known name of its own.
    for m in re.finditer(r" of (?:the )?", name):
        tail = forms.get(name[m.end() :])
        if tail is not None and not (kind == "Organization" and tail.startswith("state/")):
            return _discovered(text, start, start + m.start(), kind, forms) if m.start() else None
    words = name.split(" ")
    while (
        kind == "Mechanism"
        and len(words) > 2
        and (_ORDINAL.match(words[0]) or words[0] == "Annual")
    ):
        # "the Fifth Annual Security Consultative Committee": a session number, not the name.
        start += len(words[0]) + 1
        words = words[1:]
        name = " ".join(words)
    # A year or a state qualifier before a known name: "U.S.-Japan Extended Deterrence
    # Dialogue", "the 1951 U.S.-Philippines Mutual Defense Treaty".
    bare = " ".join(words[1:]) if _ORDINAL.match(words[0]) else name
    singular = _singular(name)
    # "Japan-Australia 2+2 Foreign and Defence Ministerial Consultations": "2+2" is a nickname.
    plain = re.sub(r" [“\"]?2\+2[”\"]?(?= )", "", singular)
    for candidate in dict.fromkeys((name, bare, singular, plain)):
        candidate = _known_order(candidate, forms)
        if candidate in forms:
            return _Candidate(start, end, forms[candidate], 1)
        q = _QUALIFIER.match(candidate)
        if q and _is_state_words(q.group().strip()) and candidate[q.end() :] in forms:
            return _Candidate(start, end, forms[candidate[q.end() :]], 1)
    if len(words) < 2 and not _ORDINAL.match(words[0]):
        return None
    label = singular
    key = f"{kind.lower()}/{slugify(label)}"
    base = None
    q = _QUALIFIER.match(label)
    if q and _is_state_words(q.group().strip()) and " " in label[q.end() :]:
        rest = slugify(label[q.end() :])
        base = f"{kind.lower()}/{rest}"
        parts = _qualifier_parts(q.group().strip())
        if len(parts) > 1:
            # "Japan-U.S. X" and "U.S.-Japan X" are one name: the key lists the States sorted.
            states = sorted({_state_forms().get(p) or demonyms()[p] for p in parts})
            key = f"{kind.lower()}/{'-'.join(s.split('/')[1] for s in states)}-{rest}"
    entity = Entity(key=key, type=kind, label=label)
    return _Candidate(start, end, key, 1, entity=entity, bare=base)


def _known_order(name: str, forms: dict[str, str]) -> str:
    """ "India-U.S. X" as the vocabulary writes it ("U.S.-India X"), if it knows it."""
    q = _QUALIFIER.match(name)
    if name in forms or q is None:
        return name
    parts = _qualifier_parts(q.group().strip())
    if len(parts) == 2:
        swapped = f"{parts[1]}-{parts[0]} {name[q.end() :]}"
        if swapped in forms:
            return swapped
    return name


def _singular(name: str) -> str:
    head, _, last = name.rpartition(" ")
    return f"{head} {_PLURAL_HEADS[last]}" if head and last in _PLURAL_HEADS else name


def _qualifier_parts(qualifier: str) -> list[str]:
    return re.split(r"-(?=[A-Z])", qualifier)


def _is_state_words(qualifier: str) -> bool:
    index = _state_forms()
    return all(part in index or part in demonyms() for part in _qualifier_parts(qualifier))


@lru_cache(maxsize=1)
def _state_forms() -> dict[str, str]:
    gaz = load_gazetteer()
    return {
        form: keys[0]
        for form, keys in surface_forms().items()
        if gaz[keys[0]].type == "State" and len(keys) == 1
    }


# ---------------------------------------------------------------- people

_OFFICE_FIELDS = (
    r"State for Defence|State for Foreign(?:,| and) Commonwealth(?: and Development)? Affairs|"
    r"State|Defense|Defence|War|National Defense|National Defence|Foreign Affairs|"
    r"External Affairs|Home Affairs|Trade|Finance|Foreign Affairs and Trade|Defence Industry"
)
_TITLE = re.compile(
    r"(?:(?:Deputy |Vice |Under |Assistant |Acting |Senior )?"
    r"(?:Prime Minister|Chief Cabinet Secretary|Foreign Minister|Defen[cs]e Minister|"
    r"External Affairs Minister|Foreign Secretary|Defen[cs]e Secretary|Secretary-General|"
    r"Undersecretary|Secretary|Minister|President|Chancellor|Ambassador|General|Admiral|Senator|"
    r"Commander)"
    rf"(?: (?:of|for) (?:{_OFFICE_FIELDS}))?"
    r"(?: and Minister (?:of|for) (?:" + _OFFICE_FIELDS + r"))?"
    r"|Mr\.|Ms\.|Mrs\.|Dr\.|Gen\.|Adm\.|[Tt]he Honou?rable|Hon\.)"
    r" (?P<name>(?:[A-Z][a-z\-]+(?:['’][A-Z][a-z]+)?|[A-Z]{2,}|[A-Z]\.)"
    r"(?: (?:[A-Z][a-z\-]+(?:['’][A-Z][a-z]+)?|[A-Z]{2,}|[A-Z]\.|Jr\.|III|II|IV)){0,3})"
    r"(?![\w\-])"
)
# Offices only one state has.
_OFFICE_STATE = {
    "Secretary of State": "state/united-states",
    "Secretary of Defense": "state/united-states",
    "Secretary of War": "state/united-states",
    "Secretary of National Defense": "state/philippines",
    "Secretary of Foreign Affairs": "state/philippines",
    "External Affairs Minister": "state/india",
    "Minister of External Affairs": "state/india",
    "Secretary of State for Defence": "state/united-kingdom",
    "Foreign Secretary": "state/united-kingdom",
}
_HONORIFICS = {"Mr.", "Ms.", "Mrs.", "Dr.", "Gen.", "Adm.", "the Honorable", "The Honorable",
               "the Honourable", "The Honourable", "Hon."}  # fmt: skip


def _person_candidates(text: str, forms: dict[str, str]) -> list[_Candidate]:
    gaz = load_gazetteer()
    families = family_names()
    out: list[_Candidate] = []
    single: list[tuple[int, int, str]] = []
    for m in _TITLE.finditer(text):
        words = m.group("name").split(" ")
        # Trim words that are not part of the name ("Minister Marles Said" never happens,
        # but "President Biden Administration" does).
        while words and (words[-1] in _STOP or words[-1] in forms and len(words) > 1):
            if words[-1] in forms and gaz[forms[words[-1]]].type == "Person":
                break
            words.pop()
        if not words or words[0] in _STOP:
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
            if any(w in _state_forms() for w in words):
                continue
            label = " ".join(w.capitalize() if w.isupper() and len(w) > 2 else w for w in words)
            key = f"person/{slugify(label)}"
            office = None if title in _HONORIFICS else title
            represents = (
                _OFFICE_STATE.get(title)
                or _preceding_state(text, m.start())
                or _coordinated_state(text, m.start(), out)
            )
            entity = Entity(key, "Person", label, office=office, represents=represents)
        out.append(_Candidate(m.start(), name_end, key, 0, entity=entity))
    # "Minister Ahn" after "Minister of National Defense Ahn Gyu-back": a title and one name
    # refer to a person the text introduced, whichever end of the name is the family name.
    for start, end, word in single:
        # People this text has introduced come first, then the vocabulary's family names.
        known = {c.key for c in out if word in _name_ends(c, gaz)}
        key = known.pop() if len(known) == 1 else _person_key(word, forms, families)
        if key is not None:
            out.append(_Candidate(start, end, key, 0))
    return out


def _name_ends(candidate: _Candidate, gaz: dict[str, Entity]) -> tuple[str, ...]:
    entity = candidate.entity or gaz.get(candidate.key)
    if entity is None:
        return ()
    words = entity.label.split()
    return (words[0], words[-1])


def _coordinated_state(text: str, pos: int, before: list[_Candidate]) -> str | None:
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


def _preceding_state(text: str, pos: int) -> str | None:
    before = text[max(0, pos - 30) : pos].rstrip()
    for form, key in sorted({**_state_forms(), **demonyms()}.items(), key=lambda kv: -len(kv[0])):
        if before.endswith(form) and (
            len(before) == len(form) or not before[-len(form) - 1].isalnum()
        ):
            return key
    return None


# ---------------------------------------------------------------- other rules

_COMPASS = re.compile(
    r"\b(?:northern|southern|eastern|western|central|north-eastern|north-western|"
    r"south-eastern|south-western|northeastern|northwestern|southeastern|southwestern) $"
)
_COORDINATED = re.compile(
    r"\b([A-Z][a-z]+) and ([A-Z][a-z]+) ((?:[A-Z][a-z]+ )*[A-Z][a-z]+?)(e?s)\b"
)
_ACRONYM = r"[A-Z][A-Za-z0-9&\-]*[A-Z0-9](?:\s[A-Z]{2,})?"
_DEFINED_AFTER = re.compile(rf"\A\s?\((?:the )?[“\"]?({_ACRONYM})[”\"]?\)")
_DEFINED_BEFORE = re.compile(rf"\b({_ACRONYM})\s?\($")
_NOT_DEMONYM_USE = {"language", "culture", "cuisine", "food", "descent", "heritage", "name",
                    "names", "New", "Peninsula"}  # fmt: skip
_ALLIANCE = re.compile(
    r"\b(?:([Tt]he|[Oo]ur|[Tt]heir|[Tt]his|[Tt]hat|[Ii]ts)(?: [\w’']+)? )?([Aa]lliance)\b"
)


def _coordinated_candidates(text: str, forms: dict[str, str]) -> list[_Candidate]:
    """ "East and South China Seas" names the East China Sea and the South China Sea."""
    out: list[_Candidate] = []
    for m in _COORDINATED.finditer(text):
        first = f"{m.group(1)} {m.group(3)}"
        second = f"{m.group(2)} {m.group(3)}"
        if first in forms and second in forms:
            out.append(_Candidate(m.start(1), m.end(1), forms[first], 0, alias=False))
            out.append(_Candidate(m.start(2), m.end(), forms[second], 0))
    return out


_NUMBERED = re.compile(r"\b(\d{1,3}(?:st|nd|rd|th)) ([A-Z][A-Z0-9&\-]*[A-Z0-9])\b")


def _numbered_candidates(text: str, forms: dict[str, str]) -> list[_Candidate]:
    """ "12th MLR": a numbered formation of a kind the vocabulary knows by its acronym."""
    gaz = load_gazetteer()
    out: list[_Candidate] = []
    for m in _NUMBERED.finditer(text):
        kind = gaz.get(forms.get(m.group(2), ""))
        if kind is None or kind.type != "Unit":
            continue
        label = f"{m.group(1)} {kind.label}"
        key = forms.get(label) or f"unit/{slugify(label)}"
        entity = gaz.get(key) or Entity(key, "Unit", label)
        out.append(_Candidate(m.start(), m.end(), key, 0, entity=entity))
    return out


def _compass_region(text: str, cand: _Candidate) -> _Candidate | None:
    """ "northern Australia": a region of a State or Place is a Place of its own."""
    gaz = load_gazetteer()
    entity = gaz.get(cand.key)
    if entity is None or entity.type not in ("State", "Place"):
        return None
    m = _COMPASS.search(text[max(0, cand.start - 20) : cand.start])
    if m is None:
        return None
    start = cand.start - (len(text[max(0, cand.start - 20) : cand.start]) - m.start())
    label = f"{text[start : cand.start]}{entity.label}"
    key = f"place/{slugify(label)}"
    known = gaz.get(key)
    return _Candidate(start, cand.end, key, 0, entity=known or Entity(key, "Place", label))


def _select(cands: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping candidates, longest first (the vocabulary wins ties)."""
    chosen: list[_Candidate] = []
    taken: list[tuple[int, int]] = []
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.rank, c.start, c.key)):
        if any(c.start < b and a < c.end for a, b in taken):
            continue
        chosen.append(c)
        taken.append((c.start, c.end))
    return sorted(chosen, key=lambda c: (c.start, c.end))


def _free(chosen: list[_Candidate], start: int, end: int) -> bool:
    return not any(start < c.end and c.start < end for c in chosen)


def _alliance_entity(states: list[str]) -> Entity:
    gaz = load_gazetteer()
    pair = frozenset(states)
    for entity in _alliances():
        if entity[0] == pair:
            return gaz[entity[1]]
    labels = [gaz[k].label for k in sorted(states, key=lambda k: k != "state/united-states")]
    label = "-".join(labels) + " Alliance"
    return Entity(f"organization/{slugify(label)}", "Organization", label)


@lru_cache(maxsize=1)
def _alliances() -> list[tuple[frozenset[str], str]]:
    """The vocabulary's bilateral alliances with the pair of States each joins."""
    out = []
    forms = _state_forms()
    for key, entity in load_gazetteer().items():
        if entity.type == "Organization" and entity.label.endswith(" Alliance"):
            parts = re.split(r"-(?=[A-Z])", entity.label[: -len(" Alliance")])
            keys = frozenset(forms[p] for p in parts if p in forms)
            if len(parts) == 2 and len(keys) == 2:
                out.append((keys, key))
    return out


# ---------------------------------------------------------------- recognition


def recognize(text: str) -> tuple[dict[str, Entity], list[Mention]]:
    """Find every entity ``text`` names: the Entities by key and all Mentions, by start."""
    gaz = load_gazetteer()
    forms = {form: keys[0] for form, keys in surface_forms().items()}
    toks = _tokens(text)

    cands = _vocabulary_candidates(text, toks)
    cands += [r for c in cands if (r := _compass_region(text, c)) is not None]
    cands += _pair_alliances(text, cands)
    cands += _discovered_candidates(text, forms)
    cands += _person_candidates(text, forms)
    cands += _coordinated_candidates(text, forms)
    cands += _numbered_candidates(text, forms)
    chosen = _select(cands)
    extra: dict[str, Entity] = {c.key: c.entity for c in chosen if c.entity is not None}

    chosen += _acronym_mentions(text, chosen, extra)
    chosen = sorted(chosen, key=lambda c: (c.start, c.end))
    chosen += _family_mentions(text, chosen)
    chosen += _demonym_mentions(text, chosen)
    chosen = sorted(chosen, key=lambda c: (c.start, c.end))
    alliance = _document_alliance(text, chosen, gaz)
    if alliance is not None:
        extra.setdefault(alliance[0].key, alliance[0])
        chosen += alliance[1]
    chosen = _resolve_two_plus_two(text, chosen, gaz, extra)
    chosen = _merge_qualified(chosen, extra)

    entities: dict[str, Entity] = {}
    surfaces: dict[str, set[str]] = {}
    mentions: list[Mention] = []
    for c in sorted(chosen, key=lambda c: (c.start, c.end, c.key)):
        surface = text[c.start : c.end]
        mentions.append(Mention(c.start, c.end, surface, c.key))
        if c.key not in entities:
            entities[c.key] = gaz[c.key] if c.key in gaz else extra[c.key]
        if c.alias:
            surfaces.setdefault(c.key, set()).add(name_form(surface, entities[c.key].type))
    for key, entity in entities.items():
        if key not in gaz and entity.type != "Person":
            # A discovered name's label is its longest full form.
            # (Singular and plural forms share a node; the label keeps the singular.)
            last = entity.label.rsplit(" ", 1)[-1]
            full = [s for s in surfaces.get(key, set()) if " " in s and s.endswith(last)]
            entity = replace(entity, label=max([entity.label, *full], key=lambda s: (len(s), s)))
        aliases = (entity.aliases | surfaces.get(key, set())) - {entity.label}
        entities[key] = replace(entity, aliases=frozenset(aliases))
    return entities, mentions


def _merge_qualified(chosen: list[_Candidate], extra: dict[str, Entity]) -> list[_Candidate]:
    """ "the Maritime Dialogue" after "the Philippines-U.S. Maritime Dialogue" is that dialogue.

    A discovered name takes the node of the one state-qualified name it is the rest of.
    """
    qualified: dict[str, set[str]] = {}
    for c in chosen:
        if c.bare is not None:
            qualified.setdefault(c.bare, set()).add(c.key)
    target = {bare: keys.pop() for bare, keys in qualified.items() if len(keys) == 1}
    merged = []
    for c in chosen:
        if c.key in target and c.key in extra and c.key != target[c.key]:
            c = replace(c, key=target[c.key], entity=None)
        merged.append(c)
    return merged


def name_form(surface: str, entity_type: str) -> str:
    """A mention's text as a name: whitespace collapsed, a person's title left out
    ("Ms. KAMIKAWA Yoko" -> "KAMIKAWA Yoko"), so that it can serve as an alias."""
    form = re.sub(r"\s+", " ", surface).strip()
    titled = _TITLE.match(form) if entity_type == "Person" else None
    return form[titled.start("name") :] if titled is not None else form


def _pair_alliances(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """ "Japan-Australia alliance", "U.S.-Philippine alliance": two States (or their
    demonyms) joined by a hyphen before "alliance"."""
    gaz = load_gazetteer()
    sides = [(c.start, c.end, c.key) for c in cands if c.key in gaz and gaz[c.key].type == "State"]
    for m in re.finditer(r"\b[A-Z][a-z]+(?=[- ])", text):
        key = demonyms().get(m.group())
        if key is not None:
            sides.append((m.start(), m.end(), key))
    sides.sort()
    out = []
    for (a_start, a_end, a), (b_start, b_end, b) in zip(sides, sides[1:], strict=False):
        if a != b and text[a_end:b_start] == "-" and re.match(r" [Aa]lliance\b", text[b_end:]):
            entity = _alliance_entity([a, b])
            out.append(_Candidate(a_start, b_end + 9, entity.key, 0, entity=entity))
    return out


def _acronym_mentions(
    text: str, chosen: list[_Candidate], extra: dict[str, Entity]
) -> list[_Candidate]:
    """Acronyms defined in parentheses, then every later bare use of them."""
    defined: dict[str, str] = {}
    out: list[_Candidate] = []
    for c in chosen:
        after = _DEFINED_AFTER.match(text[c.end : c.end + 40])
        if after and after.group(1) not in ("The",):
            acr = after.group(1)
            defined.setdefault(acr, c.key)
        before = _DEFINED_BEFORE.search(text[max(0, c.start - 20) : c.start])
        if before:
            defined.setdefault(before.group(1), c.key)
    taken = list(chosen)
    for acr, key in sorted(defined.items()):
        for m in re.finditer(
            rf"(?<![\w\-])(?:(\d{{1,3}}(?:st|nd|rd|th)) )?{re.escape(acr)}(?![\w\-])", text
        ):
            if not _free(taken, m.start(), m.end()):
                continue
            target = key
            if m.group(1):
                # "12th MLR": the numbered formation of the defined kind.
                base = extra.get(key) or load_gazetteer().get(key)
                if base is None:
                    continue
                label = f"{m.group(1)} {base.label}"
                target = surface_forms().get(label, (f"{base.type.lower()}/{slugify(label)}",))[0]
                if target not in load_gazetteer():
                    extra.setdefault(target, Entity(target, base.type, label))
            cand = _Candidate(m.start(), m.end(), target, 0)
            out.append(cand)
            taken.append(cand)
    return out


def _family_mentions(text: str, chosen: list[_Candidate]) -> list[_Candidate]:
    """Bare family names of the vocabulary people the text has already named."""
    gaz = load_gazetteer()
    people = {c.key for c in chosen if c.key in gaz and gaz[c.key].type == "Person"}
    out: list[_Candidate] = []
    for family, key in family_names().items():
        if key not in people:
            continue
        for m in re.finditer(rf"\b(?:{re.escape(family)}|{re.escape(family.upper())})\b", text):
            if _free(chosen, m.start(), m.end()) and _free(out, m.start(), m.end()):
                out.append(_Candidate(m.start(), m.end(), key, 0))
    return out


@lru_cache(maxsize=1)
def _demonym_pattern() -> re.Pattern[str]:
    names = sorted(demonyms(), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")(?= (\w+))")


def _demonym_mentions(text: str, chosen: list[_Candidate]) -> list[_Candidate]:
    """ "Japanese forces", "the Japanese side": an adjective naming a State's people or assets."""
    out: list[_Candidate] = []
    for m in _demonym_pattern().finditer(text):
        if m.group(2) in _NOT_DEMONYM_USE or not _free(chosen, m.start(), m.end()):
            continue
        out.append(_Candidate(m.start(1), m.end(1), demonyms()[m.group(1)], 2, alias=False))
    return out


def _document_alliance(
    text: str, chosen: list[_Candidate], gaz: dict[str, Entity]
) -> tuple[Entity, list[_Candidate]] | None:
    """ "the Alliance": the alliance the text names, else that of the two States it names most."""
    counts: Counter[str] = Counter()
    for c in chosen:
        entity = gaz.get(c.key)
        if entity is not None and entity.type == "State":
            counts[c.key] += 1
        elif entity is not None and entity.represents:
            counts[entity.represents] += 1
    known = {key for _, key in _alliances()}
    named: Counter[str] = Counter()
    pairs: dict[str, Entity] = {}
    for c in chosen:
        if c.key in known:
            named[c.key] += 1
        elif (
            c.entity is not None
            and c.key.startswith("organization/")
            and c.entity.label.endswith(" Alliance")
        ):
            named[c.key] += 1
            pairs[c.key] = c.entity
    if named:
        # "the ROK-US alliance ... the Alliance": the alliance the text last named outright.
        spans = sorted((c.start, c.key) for c in chosen if c.key in named)
        out = []
        for m in _bare_alliance_mentions(text, chosen, spans[0][1]):
            before = [key for start, key in spans if start < m.start]
            out.append(replace(m, key=before[-1]) if before else m)
        key = spans[0][1]
        return gaz.get(key) or pairs[key], out
    if len(counts) < 2:
        return None
    first: dict[str, int] = {}
    for c in chosen:
        entity = gaz.get(c.key)
        first.setdefault(entity.represents or c.key if entity else c.key, c.start)
    top = sorted(counts, key=lambda k: (-counts[k], first[k]))[:2]
    entity = _alliance_entity(top)
    out = _bare_alliance_mentions(text, chosen, entity.key)
    return (entity, out) if out else None


def _bare_alliance_mentions(text: str, chosen: list[_Candidate], key: str) -> list[_Candidate]:
    return [
        _Candidate(m.start(2), m.end(2), key, 0)
        for m in _ALLIANCE.finditer(text)
        if (m.group(1) or m.group(2) == "Alliance") and _free(chosen, m.start(2), m.end(2))
    ]


def _resolve_two_plus_two(
    text: str, chosen: list[_Candidate], gaz: dict[str, Entity], extra: dict[str, Entity]
) -> list[_Candidate]:
    """A bare "2+2" ("the Japan-Australia 2+2") is the ministerial mechanism the text names in
    full, the SCC only when it names none."""
    scc = "mechanism/security-consultative-committee"
    bare = re.compile(
        r"(?:[\w.\-]+ )?[“\"]?2\+2[”\"]?(?: meetings?)?|"
        r"[“\"]?2\+2[”\"]?(?: (?:Ministerial|Dialogue|Meeting|meetings?))+"
    )

    def entity(c: _Candidate) -> Entity | None:
        return gaz.get(c.key) or extra.get(c.key)

    def named_in_full(c: _Candidate) -> bool:
        e = entity(c)
        return (
            e is not None
            and e.type == "Mechanism"
            and re.search(r"2\+2|Ministerial|Ministers", e.label) is not None
            and not bare.fullmatch(text[c.start : c.end])
        )

    others = [c.key for c in chosen if c.key != scc and named_in_full(c)]
    others.sort(key=lambda k: "2+2" not in (gaz.get(k) or extra[k]).label)
    if not others:
        return chosen
    out = []
    for c in chosen:
        e = entity(c)
        if (
            c.key != others[0]
            and (c.key == scc or (e is not None and e.type == "Mechanism" and c.key in extra))
            and bare.fullmatch(text[c.start : c.end])
        ):
            c = replace(c, key=others[0], entity=None)
        out.append(c)
    return out
