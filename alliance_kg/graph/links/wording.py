"""The words commitments are compared by: tokens, stop words and synonyms from ``wording.toml``."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

_WORD = re.compile(r"[a-z][a-z-]*[a-z]|[a-z]")
# Suffixes stripped so that "modernizing", "modernization" and "modernize" meet (the
# longest first: "-izing" before "-ing", which would leave "moderniz").
_SUFFIXES = (
    "izations", "ization", "isations", "isation", "ations", "ation", "ments", "ment", "ities",
    "ity", "izing", "ising", "ings", "ing", "ized", "izes", "ize", "ised", "ises", "ise", "ness",
    "ers", "er", "ed", "es", "s", "al", "ly", "ive",
)  # fmt: skip


@dataclass(frozen=True)
class Wording:
    """Stop words, synonym groups (by stem) and ordinal words, as read from the data file."""

    stop: frozenset[str]
    synonyms: dict[str, str]
    ordinals: frozenset[str]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem: the word without one common suffix, keeping at least four letters."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=1)
def wording() -> Wording:
    """The package's ``wording.toml``."""
    text = files("alliance_kg.graph.links").joinpath("wording.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    synonyms: dict[str, str] = {}
    for group in data["synonyms"]:
        words = group.split()
        for word in words:
            synonyms[stem(word)] = stem(words[0])
    return Wording(
        stop=frozenset(data["stop_words"].split()),
        synonyms=synonyms,
        ordinals=frozenset(data["ordinal_words"].split()),
    )


def content_words(text: str) -> list[str]:
    """The stems of the words of ``text`` that say what it is about, synonyms merged."""
    text = text.lower().replace("\u2019", "'").replace("'s", "")
    out: list[str] = []
    for word in _WORD.findall(text):
        out += _word_stems(word)
    return out


@lru_cache(maxsize=65536)
def _word_stems(word: str) -> tuple[str, ...]:
    # A word's stems, worked out once: statements repeat their words thousands of times.
    w = wording()
    out = []
    for part in word.split("-"):
        if len(part) > 2 and part not in w.stop:
            s = stem(part)
            out.append(w.synonyms.get(s, s))
    return tuple(out)
