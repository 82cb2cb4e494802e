"""Where the lexicon's plain pieces of text begin at a token of a document, for speed alone.

``guard.Literals`` finds the pieces of a pattern's entries ("reaffirm", "committed to") in a
document by ``str.find`` passes over its whole text: some ninety passes for the commitment
patterns, most of them for pieces the document never holds. A piece that every match holds at
a token's start (behind a word boundary of its entry, or after a space or a sign of its own:
" to") can instead be looked up among the document's tokens, which the entity recognition
has already cut: a token either is the piece's first word ("committed" for "committed to") or
begins with the whole piece ("reaffirm" in "reaffirmed").

Which of the pieces a token can begin is a property of the token's lower-cased spelling alone:
it is worked out once per spelling and kept, so that a document costs one lookup per token
(in C) and a little work per token that begins a piece. The pieces (``register``) come from
the lexicon when its patterns are built.
"""

from __future__ import annotations

from itertools import compress, count, repeat

# The pieces' parts from a token's start (their "cores"): a core that holds a character after
# its first word needs a token spelt as that word ("committed to" -> "committed"); a core of
# letters and digits alone, a token beginning with it ("reaffirm" -> "reaffirmed").
_exact: dict[str, list[str]] = {}
_prefix: dict[int, dict[str, list[str]]] = {}
_cores: set[str] = set()
# The cores each lower-cased spelling of a token begins (an empty tuple: none), for the
# spellings already read. Past _MAX_SEEN spellings the memory is freed (only the speed depends
# on what is kept).
_begun: dict[str, tuple[str, ...]] = {}
_MAX_SEEN = 200_000
# A core whose first word is this short or shorter ("to", "is", "are") is among the commonest
# words of English: one str.find pass in C over the text finds its places for less than the
# work per token the index does at each of them.
_COMMON_WORD = 3
# What the lookup of a spelling not read yet gives.
_UNREAD: tuple[str, ...] = ("",)


def token_anchor(piece: str, at_token: bool) -> int | None:
    """An offset in ``piece`` (lower-cased ASCII) where a token of the text begins wherever
    the piece occurs in a match: 0 if ``at_token`` (a word boundary lies before it in every
    entry) and it begins with a letter or a digit, or a letter or digit after a character
    that is neither; the first of them whose word is not a common one (``_COMMON_WORD``).
    None if there is none: the piece is then searched for in the text."""
    for i in range(len(piece)):
        begins = piece[i - 1].isalnum() is False if i else at_token
        if begins and piece[i].isalnum() and len(_first_word(piece[i:])) > _COMMON_WORD:
            return i
    return None


def _first_word(core: str) -> str:
    end = 0
    while end < len(core) and core[end].isalnum():
        end += 1
    return core[:end]


def register(core: str) -> None:
    """Make ``core`` (a piece from its token's start on) one that a TokenIndex finds."""
    if core in _cores:
        return
    _cores.add(core)
    word = _first_word(core)
    if word != core:
        _exact.setdefault(word, []).append(core)
    else:
        _prefix.setdefault(len(core), {}).setdefault(core, []).append(core)
    # The spellings already read were read without this core.
    _begun.clear()


def _cores_begun(spelling: str) -> tuple[str, ...]:
    """The cores that a token spelt ``spelling`` (lower-cased) begins."""
    found = list(_exact.get(spelling, ()))
    for length, cores in _prefix.items():
        found += cores.get(spelling[:length], ()) if len(spelling) >= length else ()
    return tuple(found)


class TokenIndex:
    """The tokens of one text that begin a registered core, by core."""

    def __init__(self, starts: list[int], norms: list[str]) -> None:
        """``starts``: each token's offset in the text; ``norms``: its lower-cased spelling."""
        if len(_begun) > _MAX_SEEN:
            _begun.clear()
        #: The cores known when the index was made (one registered later is searched for).
        self.known = frozenset(_cores)
        # One lookup per token, in C (_UNREAD, which is true, for a spelling not read yet);
        # then work only at the tokens that begin a core, or were not read before.
        begun = list(map(_begun.get, norms, repeat(_UNREAD)))
        #: The offsets of the tokens that begin each core.
        self.starts: dict[str, list[int]] = {}
        for i in compress(count(), begun):
            found = begun[i]
            if found is _UNREAD:
                found = _begun[norms[i]] = _cores_begun(norms[i])
            for core in found:
                self.starts.setdefault(core, []).append(starts[i])


def found_in(piece: str, low: str) -> list[int]:
    """Every place of ``piece`` in ``low``, in order, by ``str.find`` passes over the text."""
    out = []
    at = low.find(piece)
    while at >= 0:
        out.append(at)
        at = low.find(piece, at + 1)
    return out
