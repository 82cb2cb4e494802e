"""What the recognizers share: the candidate name, tokens, and the words that start a name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, count
from operator import attrgetter

from alliance_kg.loaders.dates import month_names
from alliance_kg.loaders.gazetteer import demonyms, load_gazetteer, surface_forms
from alliance_kg.loaders.lexicon import derived, words
from alliance_kg.loaders.model import Entity
from alliance_kg.loaders.spans import Taken

#: The sort key of candidates and mentions by place: (start, end), made in C (no call of a
#: Python function per item).
SPAN = attrgetter("start", "end")
_TOKEN = re.compile(r"[^\W_]+|\S")
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")


@dataclass(frozen=True, init=False)
class Candidate:
    """A possible mention: a span of the text and the key of the entity it would name."""

    start: int
    end: int
    key: str
    rank: int  # lower wins among candidates of equal length
    alias: bool = True  # whether the surface text is a name worth keeping as an alias
    entity: Entity | None = None  # for entities not in the vocabulary
    bare: str | None = None  # a state-qualified name's key without its qualifier

    def __init__(
        self,
        start: int,
        end: int,
        key: str,
        rank: int,
        alias: bool = True,
        entity: Entity | None = None,
        bare: str | None = None,
    ) -> None:
        # As Mention's (model.py).
        fields = {"start": start, "end": end, "key": key, "rank": rank, "alias": alias}
        fields["entity"], fields["bare"] = entity, bare
        object.__setattr__(self, "__dict__", fields)


def tokens(text: str) -> list[tuple[str, int, int]]:
    """The words and single signs of ``text`` with their offsets."""
    return [(text[a:b], a, b) for a, b in map(re.Match.span, _TOKEN.finditer(text))]


def token_columns(text: str) -> tuple[list[str], list[int], list[int]]:
    """``tokens(text)`` as three lists: the tokens, their starts and their ends.

    Made without a match object per token: split on the tokens (kept, at odd indices,
    between the runs of text around them), then each piece's end is the running sum of
    the pieces' lengths (all loops in C). The columns of the text last asked about are
    kept, not made again."""
    global _last_columns
    last = _last_columns  # read once: another thread may replace it (each pair stays whole)
    if last is None or last[0] is not text:
        pieces = _TOKEN_SPLIT.split(text)
        offsets = list(accumulate(map(len, pieces)))
        last = _last_columns = (text, (pieces[1::2], offsets[0:-1:2], offsets[1::2]))
    return last[1]


def token_norms(text: str) -> list[str]:
    """Each token of ``token_columns(text)`` lower-cased, a quote as the plain quote it stands
    for (the vocabulary's trie keys); those of the text last asked about are kept.

    Made by a few passes in C over all of them: the tokens are joined by spaces, which no
    token holds and no lower-casing makes or reads across (a space is neither cased nor
    ignored by casing, so even a final sigma lower-cases as in its token alone)."""
    global _last_norms
    last = _last_norms  # read once, as in token_columns
    if last is None or last[0] is not text:
        words = token_columns(text)[0]
        joined = " ".join(words)
        for quote, plain in PLAIN_QUOTES.items():
            joined = joined.replace(quote, plain)
        last = _last_norms = (text, joined.lower().split(" ") if words else [])
    return last[1]


#: The plain quote each typographic one stands for in a vocabulary name.
PLAIN_QUOTES = {"’": "'", "‘": "'", "“": '"', "”": '"'}
_last_norms: tuple[str, list[str]] | None = None


# The last text cut into tokens and its columns: the vocabulary and the names built on head
# words ask for the same text object one after the other (see token_columns). The lists are
# read, never changed, by those who ask.
_last_columns: tuple[str, tuple[list[str], list[int], list[int]]] | None = None


def token_lines(text: str, keys: frozenset[str]) -> Iterator[tuple[int, int]]:
    """The start and end (its line break, or the text's end) of each line of ``text`` holding
    one of ``keys`` as a token, in order: a pattern that never matches across a line break
    and whose matches worth reading hold one of them is read only in those lines, where
    most statements' lines hold none of a few words."""
    words, starts, _ = token_columns(text)
    end = -1  # the end of the line last given
    for k in compress(count(), map(keys.__contains__, words)):
        if starts[k] > end:
            end = text.find("\n", starts[k])
            end = len(text) if end < 0 else end
            yield text.rfind("\n", 0, starts[k]) + 1, end


def select(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates, longest first (the vocabulary wins ties)."""
    chosen: list[Candidate] = []
    taken = Taken(max((c.end for c in cands), default=0))
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.rank, c.start, c.key)):
        if not taken.overlaps(c.start, c.end):
            chosen.append(c)
            taken.add(c.start, c.end)
    return sorted(chosen, key=SPAN)


@lru_cache(maxsize=1)
def where_words() -> frozenset[str]:
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


@lru_cache(maxsize=1)
def state_forms() -> dict[str, str]:
    """Name -> key of the vocabulary's States, for names only one State has."""
    gaz = load_gazetteer()
    return {
        form: keys[0]
        for form, keys in surface_forms().items()
        if gaz[keys[0]].type == "State" and len(keys) == 1
    }


def qualifier_parts(qualifier: str) -> list[str]:
    """ "Japan-U.S." -> ["Japan", "U.S."]."""
    return re.split(r"-(?=[A-Z])", qualifier)


def is_state_words(qualifier: str) -> bool:
    """Whether a qualifier ("Japan-U.S.", "Australian") names only States."""
    index = state_forms()
    return all(part in index or part in demonyms() for part in qualifier_parts(qualifier))


@derived
def stop_words() -> frozenset[str]:
    """Capitalised words that never start a name: the lexicon's stop words and the months."""
    return frozenset(words("entities", "stop_words")) | frozenset(month_names())


@derived
def stop_led_places() -> tuple[str, ...]:
    """Names of States and Places whose first word is a stop word ("New Zealand", "New Delhi"):
    a name built on a head word keeps such a first word where one of them begins there."""
    gaz, stops = load_gazetteer(), stop_words()
    return tuple(
        sorted(
            form
            for form, keys in surface_forms().items()
            if form.split(" ", 1)[0] in stops
            and " " in form
            and gaz[keys[0]].type in ("State", "Place")
        )
    )


@derived
def connectors() -> frozenset[str]:
    """Lower-case words allowed inside a name ("Ministry of Defence")."""
    return frozenset(words("entities", "connectors"))
