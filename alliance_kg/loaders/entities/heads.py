"""Names built on head words: "12th Marine Littoral Regiment", "Naval Base Kure",
"Memorandum of Understanding on ...", "Camp Hansen", "Article V", "Exercise Talisman Sabre".

A name is a run of capitalised words (and connectors such as "of") around a head word of the
lexicon; the head gives the name's type.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate, repeat

from alliance_kg.loaders import lexicon
from alliance_kg.loaders.entities.base import (
    Candidate,
    connectors,
    is_state_words,
    qualifier_parts,
    state_forms,
    stop_led_places,
    stop_words,
    token_lines,
    tokens,
    where_words,
)
from alliance_kg.loaders.gazetteer import demonyms, slugify
from alliance_kg.loaders.model import Entity

# A final dot belongs to the word after a one-letter abbreviation: "U.S.", "Japan-U.S.".
_WORD = (
    r"(?:[A-Z][\w\-]*s['’](?= [A-Z])|[A-Z][\w&’'.\-]*[\w&](?:(?<=\.[A-Z])\.)?|[A-Z]|\d{4}|"
    r"\d{1,3}(?:st|nd|rd|th)|[“\"]?2\+2[”\"]?)"
)

# _WORD as the first word of a run, its first character taken first: a pattern that opens
# with a character class lets the regex engine skip in C to the next capital, digit or quote,
# where one opening with a lookbehind is tried at every position of the text. Each branch
# checks (by lookbehind) the first character that _WORD's branch of the same order begins with,
# then matches the rest of it; ``(?<![\w.\-].)`` is the run's own "no word before it".
_FIRST_WORD = (
    r"[A-Z\d“\"](?<![\w.\-].)"
    r"(?:(?<=[A-Z])(?:[\w\-]*s['’](?= [A-Z])|[\w&’'.\-]*[\w&](?:(?<=\.[A-Z])\.)?|)|"
    r"(?<=\d)(?:\d{3}|\d{0,2}(?:st|nd|rd|th))|"
    r"(?<=[“\"])2\+2[”\"]?|(?<=2)\+2[”\"]?)"
)

# The most words of a run of capitalised words read as one (see discovered_candidates).
MAX_NAME_RUN = 64


@lexicon.derived
def _chunk() -> re.Pattern[str]:
    """A run of capitalised words, joined by spaces, commas and connectors."""
    joins = "|".join(map(re.escape, lexicon.words("entities", "connectors")))
    # The same matches as (?<![\w.\-]){_WORD}(?:...)*, found faster (see _FIRST_WORD).
    return re.compile(rf"{_FIRST_WORD}(?:(?:,? (?:and )?| (?:(?:{joins}) )+){_WORD})*")


@lexicon.derived
def _ordinal() -> re.Pattern[str]:
    """A session number before a mechanism's name: "Fifth", "2nd", "2024"."""
    ordinals = "|".join(map(re.escape, lexicon.words("entities", "ordinals")))
    return re.compile(r"^(?:\d{1,3}(?:st|nd|rd|th)|\d{4}|" + ordinals + r")$")


@lexicon.derived
def _heads() -> list[tuple[frozenset[str], str]]:
    """The head words of each entity type, in the order the types are tried."""
    return [(frozenset(w), kind) for kind, w in lexicon.table("entities", "heads").items()]


@lexicon.derived
def _plural_heads() -> dict[str, str]:
    return dict(lexicon.table("entities", "plural_heads"))


@lexicon.derived
def _group_qualifiers() -> dict[str, frozenset[str]]:
    """Entity type -> the words before "Group" that make it a head of that type."""
    return {k: frozenset(w) for k, w in lexicon.table("entities", "group_qualifiers").items()}


@lexicon.derived
def _place_prefixes() -> frozenset[str]:
    return frozenset(lexicon.words("entities", "place_prefixes"))


@lexicon.derived
def _triggers() -> frozenset[str]:
    """The words (less a final comma or dot) that a run of capitalised words must hold for
    _names_in_chunk to find a name in it: a head (or its plural), "Group", a prefix head."""
    heads = {w for words, _ in _heads() for w in words} | set(_plural_heads())
    prefixes = {"Group", "Article", "Task", "Exercise", "exercise"} | _place_prefixes()
    return frozenset(heads | prefixes)


def _has_trigger(word: str, triggers: frozenset[str]) -> bool:
    """Whether a word of a run, as _names_in_chunk reads it, is one of ``triggers``."""
    plain = word.rstrip(",")
    return plain in triggers or plain.rstrip(".") in triggers


def _holds_trigger(run: str, triggers: frozenset[str]) -> bool:
    """Whether a word of ``run`` is one of ``triggers`` as ``_has_trigger`` reads it (set
    lookups of all the words at once)."""
    plain = list(map(str.rstrip, run.split(), repeat(",")))
    return not triggers.isdisjoint(plain) or not triggers.isdisjoint(
        map(str.rstrip, plain, repeat("."))
    )


_NON_SPACE = re.compile(r"\S+")


def _head_type(words: list[str], i: int) -> str | None:
    word = words[i].rstrip(".")
    word = _plural_heads().get(word, word)
    prev = words[i - 1] if i > 0 else ""
    if word == "Group":
        return next((k for k, before in _group_qualifiers().items() if prev in before), None)
    for heads, kind in _heads():
        if word in heads:
            return kind
    return None


def discovered_candidates(text: str, forms: dict[str, str]) -> list[Candidate]:
    """Names built on a head word; ``forms`` maps vocabulary names to keys."""
    out: list[Candidate] = []
    triggers = _triggers()
    for chunk in _trigger_lines_chunks(text):
        run = chunk.group()
        # Most runs are one word, or hold no word a name is built on: they hold no name (see
        # _triggers), and are passed over before any work on their words.
        if " " not in run or not _holds_trigger(run, triggers):
            continue
        found = [(m.group(), chunk.start() + m.start()) for m in _NON_SPACE.finditer(run)]
        # A name is never this long: a longer run of capitalised words is read in pieces, so
        # that the work in a piece (whose rules look across its words) stays bounded.
        for at in range(0, len(found), MAX_NAME_RUN):
            for start, end, kind in _names_in_chunk(text, found[at : at + MAX_NAME_RUN]):
                cand = _discovered(text, start, end, kind, forms)
                if cand is not None:
                    out.append(cand)
    return out


@lexicon.derived
def _trigger_tokens() -> frozenset[str]:
    """The first token (base.tokens) of each of _triggers()."""
    return frozenset(found[0][0] for found in map(tokens, _triggers()) if found)


def _trigger_lines_chunks(text: str) -> Iterator[re.Match[str]]:
    """``_chunk().finditer(text)``, less the runs of the lines that hold none of
    ``_trigger_tokens()``: a word of a run is a whole token of the text, so a run holding a
    trigger holds its first token, and a run never holds a line break (see token_lines)."""
    for begin, end in token_lines(text, _trigger_tokens()):
        for m in _chunk().finditer(text, begin):
            if m.start() >= end:
                break
            yield m


_POSSESSIVE = re.compile(r"['’]s$|[^s]['’]$")
_SPACES = re.compile(r"\s+")
_OF_THE = re.compile(r" of (?:the )?")
_TWO_PLUS_TWO = re.compile(r" [“\"]?2\+2[”\"]?(?= )")  # holds "2+2": tried only where it occurs


def _names_in_chunk(text: str, words: list[tuple[str, int]]) -> list[tuple[int, int, str]]:
    """(start, end, type) of the names in a run of capitalised words."""
    plain = [w.rstrip(",") for w, _ in words]
    found: list[tuple[int, int, str]] = []
    i = len(plain) - 1
    while i >= 0:
        word = plain[i]
        if word in ("Exercise", "exercise") or (word in _place_prefixes()) or word == "Article":
            i -= 1
            continue
        kind = _head_type(plain, i)
        if kind is None:
            i -= 1
            continue
        last = i
        nxt = plain[i + 1] if i + 1 < len(plain) else ""
        named_left = i > 0 and plain[i - 1] not in connectors() and plain[i - 1] != "and"
        if nxt == "between" and named_left:
            # "Force Posture Agreement between Australia and the United States": the name ends
            # at its head; "between ..." names the parties.
            pass
        elif nxt in ("of", "for", "on", "between") and i + 2 < len(plain):
            last = _head_first_end(plain, i)  # "Forum on ...", "Memorandum of Understanding ..."
        elif word in ("Base", "Station") and i + 2 == len(plain) and nxt not in connectors():
            last = i + 1  # "Naval Base Kure", "Marine Corps Air Station Iwakuni"
        elif nxt and nxt not in connectors() and not words[i][0].endswith(","):
            # A capitalised word after the head makes it a modifier: "Force Posture".
            i -= 1
            continue
        first = i
        # Leftwards over modifiers; "and"/"the" and possessives end a head-last name.
        while (
            first > 0
            and plain[first - 1] != "the"
            and not words[first - 1][0].endswith(",")
            and not _POSSESSIVE.search(plain[first - 1])
            # "the Philippines’ Armed Forces": a State's possessive is not part of the name.
            and not (plain[first - 1][-1] in "'’" and plain[first - 1][:-1] in where_words())
        ):
            if plain[first - 1] == "and":
                if not _coordinated_modifier(plain, words, first, i):
                    break
                first -= 1
            elif plain[first - 1] in connectors() and (
                first < 2 or plain[first - 2] in connectors()
            ):
                break
            first -= 1
        if kind == "Organization" and last > i:
            # "Media Note Office of the Spokesperson": only a State qualifies a ministry or
            # office named head first ("Philippine Department of National Defense").
            first = i - 1 if i > 0 and plain[i - 1] in where_words() else i
        while first < i and (plain[first] in stop_words() or plain[first] in connectors()):
            if _place_at(text, words[first][1]):
                break  # "New Zealand-United Kingdom ... Consultations" keeps its "New"
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
    head_last = _Inside([(s, e) for s, e, _ in found])
    reach = 0  # the end of the prefix-head names found so far (each starts at or before k)
    for k, word in enumerate(plain[:-1]):
        nxt = plain[k + 1]
        if nxt in connectors() or nxt in stop_words():
            continue
        at = words[k][1]
        if word == "Article" and re.fullmatch(r"[IVXL]+|\d{1,3}", nxt):
            found.append((at, words[k + 1][1] + len(nxt), "Agreement"))
        elif word in _place_prefixes() and not (at < reach or head_last.holds(at)):
            found.append((at, words[k + 1][1] + len(nxt), "Place"))
        elif word == "Task" and nxt == "Force" and k + 2 < len(plain):
            if plain[k + 2] not in connectors() and plain[k + 2] not in stop_words():
                found.append((at, words[k + 2][1] + len(plain[k + 2]), "Unit"))
        elif word in ("Exercise", "exercise"):
            last = k + 1
            while last + 1 < len(plain) and plain[last + 1] not in connectors():
                last += 1
            found.append((words[k + 1][1], words[last][1] + len(plain[last]), "Mechanism"))
        else:
            continue
        reach = max(reach, found[-1][1])
    return found


class _Inside:
    """Spans, asked whether one of them holds an offset: a bisection, not a scan of them all."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self._starts = [s for s, _ in spans]
        self._reach = list(accumulate((e for _, e in spans), max))

    def holds(self, offset: int) -> bool:
        """Whether ``start <= offset < end`` for one of the spans."""
        i = bisect_right(self._starts, offset)
        return i > 0 and self._reach[i - 1] > offset


def _head_first_end(plain: list[str], i: int) -> int:
    """Index of the last word of a name whose head comes first ("Ministry of Defence")."""
    last = i + 1
    for k in range(i + 2, len(plain)):
        word = plain[k]
        if word == "and" and any(_head_type(plain, j) for j in range(k + 1, len(plain))):
            break  # "Department of Defense and Department of National Defense": two names
        if plain[k - 1] not in connectors() and word in where_words():
            break  # "Office of the Spokesperson Washington, DC": a dateline follows
        last = k
    while plain[last] in connectors():
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
        and before not in stop_words()
        and not words[first - 2][0].endswith(",")
        and before not in where_words()
        and after not in where_words()
        and _head_type(plain, first - 2) is None
    )


def _place_at(text: str, pos: int) -> bool:
    """Whether a State or Place whose name starts with a stop word begins at ``pos``."""
    for name in stop_led_places():
        end = pos + len(name)
        if text.startswith(name, pos) and not (end < len(text) and text[end].isalnum()):
            return True
    return False


def _sentence_initial(text: str, pos: int) -> bool:
    # Walks back over the few marks before the word; a slice of all the text before it would
    # make every call cost the length of the document.
    while pos > 0 and text[pos - 1] in " \t-▶•*":
        pos -= 1
    return pos == 0 or text[pos - 1] in ".!?:\n"


_QUALIFIER = re.compile(r"^(?:(?:U\.S\.|US|[A-Z][a-z]+)(?:-(?:U\.S\.|US|[A-Z][a-z]+))*)\s+")


def _discovered(
    text: str, start: int, end: int, kind: str, forms: dict[str, str]
) -> Candidate | None:
    name = text[start:end]
    if name.endswith("’s") or name.endswith("'s"):
        name, end = name[:-2], end - 2
    name = _SPACES.sub(" ", name)
    # "Article V of the Japan-U.S. Security Treaty": the tail is a known name of its own.
    for m in _OF_THE.finditer(name):
        tail = forms.get(name[m.end() :])
        if tail is not None and not (kind == "Organization" and tail.startswith("state/")):
            return _discovered(text, start, start + m.start(), kind, forms) if m.start() else None
    words = name.split(" ")
    while (
        kind == "Mechanism"
        and len(words) > 2
        and (_ordinal().match(words[0]) or words[0] == "Annual")
    ):
        # "the Fifth Annual Security Consultative Committee": a session number, not the name.
        start += len(words[0]) + 1
        words = words[1:]
        name = " ".join(words)
    # A year or a state qualifier before a known name: "U.S.-Japan Extended Deterrence
    # Dialogue", "the 1951 U.S.-Philippines Mutual Defense Treaty".
    bare = " ".join(words[1:]) if _ordinal().match(words[0]) else name
    singular = _singular(name)
    # "Japan-Australia 2+2 Foreign and Defence Ministerial Consultations": "2+2" is a nickname.
    plain = _TWO_PLUS_TWO.sub("", singular) if "2+2" in singular else singular
    for candidate in dict.fromkeys((name, bare, singular, plain)):
        candidate = _known_order(candidate, forms)
        if candidate in forms:
            return Candidate(start, end, forms[candidate], 1)
        q = _QUALIFIER.match(candidate)
        if q and is_state_words(q.group().strip()) and candidate[q.end() :] in forms:
            return Candidate(start, end, forms[candidate[q.end() :]], 1)
    if len(words) < 2 and not _ordinal().match(words[0]):
        return None
    label = singular
    key = f"{kind.lower()}/{slugify(label)}"
    base = None
    q = _QUALIFIER.match(label)
    if q and is_state_words(q.group().strip()) and " " in label[q.end() :]:
        rest = slugify(label[q.end() :])
        base = f"{kind.lower()}/{rest}"
        parts = qualifier_parts(q.group().strip())
        if len(parts) > 1:
            # "Japan-U.S. X" and "U.S.-Japan X" are one name: the key lists the States sorted.
            states = sorted({state_forms().get(p) or demonyms()[p] for p in parts})
            key = f"{kind.lower()}/{'-'.join(s.split('/')[1] for s in states)}-{rest}"
    entity = Entity(key=key, type=kind, label=label)
    return Candidate(start, end, key, 1, entity=entity, bare=base)


def _known_order(name: str, forms: dict[str, str]) -> str:
    """ "India-U.S. X" as the vocabulary writes it ("U.S.-India X"), if it knows it."""
    q = _QUALIFIER.match(name)
    if name in forms or q is None:
        return name
    parts = qualifier_parts(q.group().strip())
    if len(parts) == 2:
        swapped = f"{parts[1]}-{parts[0]} {name[q.end() :]}"
        if swapped in forms:
            return swapped
    return name


def _singular(name: str) -> str:
    head, _, last = name.rpartition(" ")
    return f"{head} {_plural_heads()[last]}" if head and last in _plural_heads() else name
