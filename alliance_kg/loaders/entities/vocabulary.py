"""The vocabulary trie: every label and alias of the reference vocabulary, matched token by token.

Matching allows plural endings ("Littoral Regiments"), an acronym inside a name ("Marine Corps
Air Station (MCAS) Futenma") and "the U.S" without its final period.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import compress, count
from typing import Any

from alliance_kg.loaders.entities.base import (
    PLAIN_QUOTES,
    Candidate,
    token_columns,
    token_norms,
    tokens,
)
from alliance_kg.loaders.gazetteer import surface_forms

_QUOTES = str.maketrans(PLAIN_QUOTES)
_END = "$end"  # trie key of the forms ending at a node


def _norm(token: str) -> str:
    return token.translate(_QUOTES).lower()


@lru_cache(maxsize=1)
def _trie() -> dict[str, Any]:
    root: dict[str, Any] = {}
    for form, keys in surface_forms().items():
        node = root
        toks = [t for t, _, _ in tokens(form)]
        for tok in toks:
            node = node.setdefault(_norm(tok), {})
        ends = node.setdefault(_END, [])
        ends.append((toks, keys))
    return root


@lru_cache(maxsize=65536)
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


@lru_cache(maxsize=8192)
def _plural_stems(low: str) -> tuple[str, ...]:
    """The singular forms a normalised token may be the plural of."""
    stems = []
    if low.endswith("ies") and len(low) > 4:
        stems.append(low[:-3] + "y")
    if low.endswith("es") and len(low) > 3:
        stems.append(low[:-2])
    if low.endswith("s") and len(low) > 2:
        stems.append(low[:-1])
    return tuple(stems)


def vocabulary_candidates(text: str) -> list[Candidate]:
    """Every span of ``text`` that spells a vocabulary name."""
    root = _trie()
    words, starts, ends = token_columns(text)
    # Each token's trie key, once: the walks below revisit tokens many times. A token never
    # spells _END ("$" is a token of its own), so a child found by a token is a node.
    norms = token_norms(text)
    n = len(words)
    out: list[Candidate] = []
    for i in compress(count(), map(root.__contains__, norms)):
        named: dict[int, str] = {}  # end offset -> key
        # A walk state: (trie node, next token index, the indices of the tokens consumed).
        # The first step, from the root, is taken here: its token is a key of the root, and no
        # acronym is skipped nor name ended before a first token.
        norm = norms[i]
        stack: list[tuple[dict[str, Any], int, tuple[int, ...]]] = [(root[norm], i + 1, (i,))]
        if norm[-1] == "s":  # only such a token has plural stems
            _plurals(named, root, norm, i, (), words, ends, text)
        while stack:
            node, j, used = stack.pop()
            if j < n:
                norm = norms[j]
                child = node.get(norm)
                if child is not None:
                    stack.append((child, j + 1, (*used, j)))
                if norm[-1] == "s":
                    _plurals(named, node, norm, j, used, words, ends, text)
                # "Marine Corps Air Station (MCAS) Futenma": skip an acronym inside a name.
                if words[j] == "(" and j + 2 < n and words[j + 2] == ")" and words[j + 1].isupper():
                    stack.append((node, j + 3, used))
            # "the U.S" without its final period.
            dot = node.get(".")
            if dot is not None and _END in dot and (j >= n or words[j] != "."):
                _keep(named, _accept(dot, words, ends, used, text))
            if _END in node:
                _keep(named, _accept(node, words, ends, used, text))
        if named:  # most walks find no name: no list is built for them
            out += [Candidate(starts[i], end, key, 0) for end, key in sorted(named.items())]
    return out


def _plurals(
    named: dict[int, str],
    node: dict[str, Any],
    norm: str,
    j: int,
    used: tuple[int, ...],
    words: list[str],
    ends: list[int],
    text: str,
) -> None:
    """Keep the names that end at token ``j`` read as the plural of a child of ``node``."""
    for stem in _plural_stems(norm):
        child = node.get(stem)
        if child is not None and _END in child:
            _keep(named, _accept(child, words, ends, (*used, j), text, plural=True))


def _keep(named: dict[int, str], match: tuple[int, str] | None) -> None:
    if match is not None:
        named.setdefault(match[0], match[1])


def _accept(
    node: dict[str, Any],
    words: list[str],
    ends: list[int],
    used: tuple[int, ...],
    text: str,
    plural: bool = False,
) -> tuple[int, str] | None:
    """The end offset and key of a trie match whose spelling fits one of its forms (the
    tokens ``used``; with ``plural``, the last one is read as a plural)."""
    end = ends[used[-1]]
    if end < len(text) and text[end].isalnum() and not text[end - 1].isalnum():
        return None
    seen = list(map(words.__getitem__, used))
    last = len(used) - 1
    for form_toks, keys in node[_END]:
        if form_toks == seen:  # spelt as the vocabulary spells it (_case_ok of equal tokens)
            return end, keys[0]
        pairs = form_toks[: len(used)]
        if all(
            _case_ok(f[:-1] if plural and k == last and f.endswith("y") else f, s)
            for k, (f, s) in enumerate(zip(pairs, seen, strict=False))
        ):
            return end, keys[0]
    return None
