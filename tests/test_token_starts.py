"""Patterns tried only where their words begin (titles) or looked up among a document's tokens
(the commitment patterns' pieces) find exactly what the plain patterns find.

Each fast form is compared with the plain pattern on every text of the bundled, unseen and
series corpora and on strings made to hit its edges.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alliance_kg.loaders import commitments
from alliance_kg.loaders.entities import base, people
from alliance_kg.loaders.lexicon.guard import (
    Literals,
    Openings,
    finditer_at,
    finditer_near,
    lowered,
)
from alliance_kg.loaders.lexicon.token_index import TokenIndex, token_anchor
from alliance_kg.loaders.readers import collect_paths, read_document, sample_corpus_dir
from alliance_kg.loaders.sentences import segment

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def texts() -> list[str]:
    paths = collect_paths([sample_corpus_dir(), DATA / "unseen", DATA / "series"])
    return [read_document(p).text for p in paths]


def _index(text: str) -> TokenIndex:
    return TokenIndex(base.token_columns(text)[1], base.token_norms(text))


def test_titles_are_found_where_their_openings_occur_as_everywhere(texts: list[str]) -> None:
    edges = [
        # A modifier opens the match, not the title after it.
        "Deputy Prime Minister Richard Marles and Senior Vice Minister Ab Cd met.",
        # Inside a word: the pattern has no word boundary before a title.
        "XMinister Foo Bar, co-Secretary Jane Roe and theMr. Kim",
        "the Honorable Jane Doe, The Honourable John Roe, Mr. KAMIKAWA Yoko, Gen. Lee",
        "Minister Minister Ahn and Foreign Minister\nHayashi",
    ]
    openings = people._title_openings()
    found = 0
    for text in [*texts, *edges]:
        fast = finditer_at(people._title(), text, openings.starts(text))
        got = [(m.span(), m.group("name")) for m in fast]
        assert got == [(m.span(), m.group("name")) for m in people._title().finditer(text)]
        found += len(got)
    assert found > 50
    assert [m.span() for m in finditer_at(people._title(), edges[0], openings.starts(edges[0]))][
        0
    ] == (0, 36)


@pytest.mark.parametrize(
    ("entries", "text", "starts"),
    [
        ([r"Mr\.", "Prime Minister"], "Mr. A, Prime Minister B, xMr. C", [0, 7, 26]),
        ([r"\bMr\.", r"(?<!x)Ms\."], "Mr. Ms.", [0, 4]),  # zero-width parts consume nothing
        (["Mr", "Mrs"], "Mrs", [0]),  # "Mrs" occurs only where "Mr" does
        ([r"(?:Deputy )?Minister"], "Minister", None),  # an optional opening: anywhere
        ([r"[Mm]inister"], "minister", None),
        ([], "Minister", None),
    ],
)
def test_openings_are_the_places_of_each_entrys_first_plain_characters(
    entries: list[str], text: str, starts: list[int] | None
) -> None:
    assert Openings(entries).starts(text) == starts


def test_commitment_pieces_looked_up_among_tokens_find_what_finditer_finds(
    texts: list[str],
) -> None:
    edges = [
        "They Reaffirmed it, (reaffirmed it), re-affirmed it, _reaffirmed and xreaffirmed it.",
        "The Ministers are  committed to act; are\ncommitted to; is committed to peace.",
        "They are ready to act, stand ready to help; highlighted with concern the launches.",
        "They expressed their opposition to it and their strong opposition; voiced concern.",
        "ΣΑΣ reaffirmed; Straße welcomed; they welcomed the PRC’s welcome.",
    ]
    typed = [*commitments._predicate_res(), *commitments._complements()]
    near = 0
    for text in [*texts, *edges]:
        low, index = lowered(text), _index(text)
        for sentence in segment(text)[0]:
            body = text[sentence.start : sentence.end]
            for pattern, _, literals in typed:
                where = literals.positions(low, index)
                at = literals.near(where, sentence.start, sentence.end)
                got = [m.span() for m in finditer_near(pattern, body, at, literals.lead)]
                assert got == [m.span() for m in pattern.finditer(body)], body
                near += at is not None and bool(got)
    assert near > 200


def _near_matches(pattern: re.Pattern[str], literals: Literals, text: str) -> list[tuple[int, int]]:
    where = literals.positions(lowered(text), _index(text))
    at = literals.near(where, 0, len(text))
    return [m.span() for m in finditer_near(pattern, text, at, literals.lead)]


@pytest.mark.parametrize(
    ("entries", "bounded", "text", "spans"),
    [
        # No word boundary before the piece: a match holds it inside a token ("xreaffirm").
        ([r"x?reaffirm"], False, "They xreaffirmed it", [(5, 14)]),
        ([r"x?reaffirm"], True, "They xreaffirmed it", [(5, 14)]),
        # "reaffirm" begins a token in its own entry, but not in the longer piece it stands for.
        ([r"\breaffirm\b", r"x?reaffirmed"], False, "They xreaffirmed it", [(5, 16)]),
        # The boundary lies before the entry: its piece begins a token wherever it matches.
        ([r"reaffirm(?:ed|s)"], True, "(Reaffirmed) reaffirms", [(1, 11), (13, 22)]),
        # A token begins inside the piece, after a space ("ready"), wherever it occurs.
        ([r"stand ready to"], False, "we stand ready to; xstand ready to", [(3, 17), (20, 34)]),
    ],
)
def test_a_piece_is_looked_up_among_tokens_only_where_a_match_begins_a_token_with_it(
    entries: list[str], bounded: bool, text: str, spans: list[tuple[int, int]]
) -> None:
    prefix = r"\b" if bounded else ""
    pattern = re.compile(prefix + "(?:" + "|".join(entries) + ")", re.IGNORECASE)
    assert [m.span() for m in pattern.finditer(text)] == spans
    assert _near_matches(pattern, Literals(entries, bounded=bounded), text) == spans


def test_a_piece_registered_after_the_index_was_made_is_searched_for() -> None:
    text = "They zzqreaffirmed it."
    index = _index(text)  # made before the pattern below registered its piece
    literals = Literals([r"zzqreaffirm(?:ed|s)"], bounded=True)
    assert literals.positions(lowered(text), index) == [5]


@pytest.mark.parametrize(
    ("piece", "at_token", "anchor"),
    [
        ("reaffirm", True, 0),
        ("reaffirm", False, None),  # the piece may lie inside a token
        (" opposition", False, 1),
        ("is committed", True, 3),  # "is" is a common word: found by "committed"
        ("to ", True, None),  # common words alone are searched for in the text
        ("a-bcde", False, 2),
    ],
)
def test_a_piece_is_anchored_at_a_token_it_always_begins(
    piece: str, at_token: bool, anchor: int | None
) -> None:
    assert token_anchor(piece, at_token) == anchor
