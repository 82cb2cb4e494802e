"""The first-character guards before lexicon alternations: faster, and the same matches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alliance_kg.loaders import commitments, parties
from alliance_kg.loaders.entities import coreference, people
from alliance_kg.loaders.lexicon.guard import Literals, first_chars_guard
from alliance_kg.loaders.readers import collect_paths, read_document, sample_corpus_dir

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("entries", "guard"),
    [
        (["condemn(?:ed|s)", "oppos(?:ed|es)"], "(?=[co])"),
        ([r"\bto (?:oppose|counter)", "[ab]c", "x+y", "a|b"], "(?=[abtx])"),
        (["(?:re)?affirm", "a?b"], "(?=[abr])"),  # an optional first part, or what follows
        (["(a?)b"], ""),  # a group that may match nothing: no guard (it could be finer)
        (["(?:re)?"], ""),  # a match may be empty
        ([r"\w+"], ""),
        ([""], ""),
        (["(unbalanced"], ""),
        ([], ""),
    ],
)
def test_the_guard_lists_what_a_match_can_begin_with(entries: list[str], guard: str) -> None:
    assert first_chars_guard(entries) == guard


def test_guarded_patterns_match_exactly_as_unguarded_ones() -> None:
    texts = [
        read_document(p).text
        for p in collect_paths([sample_corpus_dir(), DATA / "unseen", DATA / "series"])
    ]
    compiled = [
        *commitments._predicate_res(),
        *commitments._complements(),
        *commitments._item_verbs(),
        (people._title(), "Person"),
        (coreference._ALLIANCE, "Alliance"),
        (parties._preposition_before(), ""),
    ]
    guarded = [p for p, *_ in compiled if "(?=[" in p.pattern]
    assert len(guarded) >= 13  # the predicates and item verbs of every type, some complements
    for pattern in guarded:
        unguarded = re.compile(
            re.sub(r"\(\?=\[[^\]]*\]\)", "", pattern.pattern, count=1), pattern.flags
        )
        for text in texts:
            got = [m.span() for m in pattern.finditer(text)]
            assert got == [m.span() for m in unguarded.finditer(text)]


def test_literals_look_for_the_pieces_no_other_piece_begins() -> None:
    literals = Literals(["january", "jan", "sept(?:ember)?", "sep", "may", "mayor"])
    assert literals._finds == ["jan", "sep", "may"]
    low = "jan. 5, january 6, sept 7, sep 8, the mayor in may; ja n"
    every = sorted(
        {i for p in literals._pieces or [] for i in range(len(low)) if low[i:].startswith(p)}
    )
    assert literals.positions(low) == every == [0, 8, 19, 27, 38, 47]
