"""The shortcuts that make extraction faster find exactly what the plain patterns find.

Each fast form below is compared with the plain form it stands for, on every text of the
bundled, unseen and series corpora and on strings made to hit its edges.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from alliance_kg.loaders import commitments, dates, gazetteer, lexicon
from alliance_kg.loaders.entities import coreference, demonyms, heads, rules
from alliance_kg.loaders.lexicon.guard import (
    Literals,
    finditer_at,
    finditer_near,
    lowered,
    occurs_in,
)
from alliance_kg.loaders.readers import collect_paths, read_document, sample_corpus_dir
from alliance_kg.loaders.sentences import collapse, segment

DATA = Path(__file__).parent / "data"
EDGES = [
    "2023-01-02 x2023-01-02 _2023-01-02 12023-01-02 \n2020-10-10",
    " 5 May 2023, a5 May, 15 June, 1 Jan, 123 Jan, ٣ May, x٣ May 2020",
    '2+2 meeting "2+2" Japan “2+2” X x2+2 22+2 2nd 12th Marine 1234 X A.B. C',
    "U.S.-Japan Alliance, Ministers’ Meeting, Allies' Forces, a\nB -A .A A 2 “",
    "East and South China Seas xEast and South China Seas 12th MLR x12th MLR 3rd AB",
    "Japan-Australia alliance _Japan- Korean- aKorean-",
    "near Camp Hansen and Mount Fuji, under Article V, with Task Force Ares in Exercise Keen Sword",
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    paths = collect_paths([sample_corpus_dir(), DATA / "unseen", DATA / "series"])
    return [read_document(p).text for p in paths] + EDGES


def _same_matches(fast: re.Pattern[str], plain: re.Pattern[str], texts: list[str]) -> None:
    for text in texts:
        got = [(m.span(), m.groups()) for m in fast.finditer(text)]
        assert got == [(m.span(), m.groups()) for m in plain.finditer(text)], text[:60]


def test_patterns_opening_with_a_character_find_what_a_leading_word_boundary_finds(
    texts: list[str],
) -> None:
    joins = "|".join(map(re.escape, lexicon.words("entities", "connectors")))
    word = heads._WORD
    chunk = re.compile(rf"(?<![\w.\-]){word}(?:(?:,? (?:and )?| (?:(?:{joins}) )+){word})*")
    mdy, dmy = dates._patterns()
    plain = {
        heads._chunk(): chunk,
        dates._ISO: re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
        dmy: re.compile(r"\b(?P<day>\d{1,2})" + dmy.pattern.split(r"\d?)", 1)[1], dmy.flags),
        rules._COORDINATED: re.compile(
            r"\b([A-Z][a-z]+) and ([A-Z][a-z]+) ((?:[A-Z][a-z]+ )*[A-Z][a-z]+?)(e?s)\b"
        ),
        rules._NUMBERED: re.compile(r"\b(\d{1,3}(?:st|nd|rd|th)) ([A-Z][A-Z0-9&\-]*[A-Z0-9])\b"),
        rules._CAPITALISED: re.compile(r"\b[A-Z][a-z]+(?=[- ])"),
    }
    for fast, slow in plain.items():
        assert fast.pattern != slow.pattern
        _same_matches(fast, slow, texts)


def test_demonyms_are_found_at_word_starts_as_with_a_word_boundary(texts: list[str]) -> None:
    names = sorted(gazetteer.demonyms(), key=len, reverse=True)
    plain = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")(?= (\w+))")
    edges = ["Japanese forces xJapanese forces _Australian side 1Korean people .Philippine x"]
    _same_matches(demonyms._mention_pattern(), plain, [*texts, *edges])


def test_month_first_dates_are_tried_where_a_month_name_occurs(texts: list[str]) -> None:
    mdy, _ = dates._patterns()
    names = dates._month_names()
    assert names is not None
    edges = ["May 5, MAY 6 2023, xMay 7, Sept. 8, sEPT 9-10, 2024, mid-June 3", "ſept 5 İan 3"]
    for text in [*texts, *edges]:
        starts = names.positions(lowered(text))
        got = [(m.span(), m.groups()) for m in finditer_at(mdy, text, starts)]
        assert got == [(m.span(), m.groups()) for m in mdy.finditer(text)], text[:60]
    assert [d.start for d in dates.find_dates(edges[0])] == [0, 7, 27, 36, 57]


@pytest.mark.parametrize("acronym", ["MLR", "SCC", "JSDF HQ", "US", "2+2", "A-B"])
def test_acronym_uses_are_the_matches_of_the_acronym_pattern(
    acronym: str, texts: list[str]
) -> None:
    plain = re.compile(
        rf"(?<![\w\-])(?:(\d{{1,3}}(?:st|nd|rd|th)) )?{re.escape(acronym)}(?![\w\-])"
    )
    edge = (
        f"12th {acronym} 3rd {acronym}{acronym} x{acronym} 101st {acronym} and {acronym}-x "
        f"1st  {acronym}"
    )
    for text in [*texts, edge, f"{acronym}{acronym} {acronym}"]:
        got = [(m.span(), m.groups()) for m in coreference.acronym_uses(text, acronym)]
        assert got == [(m.span(), m.groups()) for m in plain.finditer(text)]


@pytest.mark.parametrize("family", ["Kishi", "Austin", "Ahn", "Ó Brien", "-x", "ß"])
def test_family_name_patterns_find_what_word_boundaries_find(family: str) -> None:
    plain = re.compile(rf"\b(?:{re.escape(family)}|{re.escape(family.upper())})\b")
    text = f"{family} {family.upper()} x{family} {family}x _{family} 1{family} .{family}\n{family}"
    _same_matches(coreference._family_pattern(family), plain, [text, text.replace(" ", "")])


def test_line_markers_are_removed_as_by_sub(texts: list[str]) -> None:
    from alliance_kg.loaders import sentences

    edges = ["## Title", "- (1) a) item", "  #x", "1. 2) x", "x - y", "", "\t-\titem"]
    lines = [line for text in texts for line in text.splitlines()] + edges
    for marker in (sentences._MD_HEADING, sentences._BULLET):
        for line in lines:
            assert sentences._unmarked(line, marker) == marker.sub("", line), line


def test_collapse_is_the_regex_collapse() -> None:
    edges = ["a b", " a", "a ", "a  b", "a\xa0b", "a\u2009b", "a\tb", "a\x1fb", "ab, c."]
    for text in [" a \u3000 b\t\n", "\x1c a\x85b\u2028", "", "   ", "x", *edges]:
        assert collapse(text) == re.sub(r"\s+", " ", text).strip()


def test_runs_are_read_for_triggers_as_word_by_word(texts: list[str]) -> None:
    triggers = heads._triggers()
    edges = ["Joint Committee, Air Base. Group", "Air Base.", "Marine Forces,.", "X Y", "Base"]
    for text in [*texts, *edges]:
        for run in [c.group() for c in heads._chunk().finditer(text)] + edges:
            slow = any(heads._has_trigger(w, triggers) for w in run.split())
            assert heads._holds_trigger(run, triggers) == slow, run


def test_runs_without_a_trigger_word_hold_no_name(texts: list[str]) -> None:
    """discovered_candidates passes over such runs without reading them."""
    skipped = 0
    for text in texts:
        for chunk in heads._chunk().finditer(text):
            run = chunk.group()
            if " " in run and any(heads._has_trigger(w, heads._triggers()) for w in run.split()):
                continue
            words = [(m.group(), chunk.start() + m.start()) for m in re.finditer(r"\S+", run)]
            assert heads._names_in_chunk(text, words) == []
            skipped += 1
    assert skipped > 1000


def test_runs_with_a_trigger_are_read_in_the_lines_holding_a_trigger_token(
    texts: list[str],
) -> None:
    """discovered_candidates reads only those lines (heads._trigger_lines_chunks)."""
    triggers = heads._triggers()
    pieces = ["Joint", "Committee", "Air", "Base.", "of", "the", "and", "Meeting-Plus", "(Group"]
    pieces += ["Group,", "x", "Forces", "2+2", "U.S.", "Statement", "Intent", "Camp", "Article"]
    made = _made_texts(pieces, 6, 5000)

    def named(runs: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
        return [
            m.span() for m in runs if " " in m.group() and heads._holds_trigger(m.group(), triggers)
        ]

    for text in [*texts, *made]:
        assert named(heads._trigger_lines_chunks(text)) == named(heads._chunk().finditer(text))


def test_the_tokens_kept_are_those_of_the_text_last_asked_about() -> None:
    from alliance_kg.loaders.entities import base

    assert base.token_columns("Japan") == (["Japan"], [0], [5])
    assert base.token_columns("".join(["x", "Japan"])) == (["xJapan"], [0], [6])
    assert base.token_columns("Japan")[0] == ["Japan"]


@pytest.mark.parametrize(
    ("entries", "pieces"),
    [
        (["condemn(?:ed|s)", r"\bwill(?! be able)"], ["condemn", "will"]),
        (["(?:is|are) (?:deeply )?concerned"], ["concerned"]),
        ([r"(?<!which )\bWILL (?:\w+ )?to"], ["will "]),
        (["(?:re)affirm"], ["reaffirm"]),  # a group of plain letters joins its neighbours
        ([r"expressed (?:its|their) (?:\w+ )?determination"], ["expressed "]),  # bounded lead
        ([r"shared (?:its|their) views", r"\w+ly"], ["shared ", "ly"]),  # the longest run
        ([r"shared (?:its|their) views", r"\w+"], None),  # an entry with no letters to find
        (["é+t"], ["t"]),  # ASCII only
        (["é+"], None),
        (["(unbalanced"], None),
    ],
)
def test_literals_are_the_plain_words_every_match_holds(
    entries: list[str], pieces: list[str] | None
) -> None:
    assert Literals(entries)._pieces == pieces


def test_a_text_with_a_case_trap_is_always_searched() -> None:
    # "ı" (dotless i) matches "i" without regard to case but does not lower-case to it.
    assert re.search("affirm", "REAFFıRMED", re.IGNORECASE)
    assert "affirm" not in "REAFFıRMED".lower()
    assert lowered("REAFFıRMED") is None
    assert Literals(["affirm"]).positions(lowered("REAFFıRMED")) is None
    assert occurs_in(None, 0, 1)
    assert Literals(["affirm"]).positions(lowered("REAFFIRMED, affirm")) == [2, 12]
    assert not occurs_in([2, 12], 3, 12)


def test_no_sentence_holding_a_match_is_passed_over(texts: list[str]) -> None:
    checked = 0
    for text in texts:
        words = commitments._Words(text)
        for sentence in segment(text)[0]:
            body = text[sentence.start : sentence.end]
            typed = [
                *zip(commitments._predicate_res(), words.predicates, strict=True),
                *zip(commitments._complements(), words.complements, strict=True),
            ]
            for (pattern, _, _), where in typed:
                if pattern.search(body):
                    assert occurs_in(where, sentence.start, sentence.end), body
                    checked += 1
    assert checked > 200


def test_extraction_pauses_the_garbage_collector_only_while_it_runs() -> None:
    import gc

    from alliance_kg.loaders.extract import extract
    from alliance_kg.loaders.model import SourceDocument

    doc = SourceDocument("k", "k.txt", "text", "Japan and Australia agreed to cooperate.")
    assert gc.isenabled()
    assert extract(doc).commitments
    assert gc.isenabled()
    gc.disable()
    try:
        extract(doc)
        assert not gc.isenabled()  # the caller's choice stands
    finally:
        gc.enable()
    with pytest.raises(AttributeError):
        extract(None)  # type: ignore[arg-type]
    assert gc.isenabled()


def _made_texts(pieces: list[str], seed: int, count: int) -> list[str]:
    """Short texts made of ``pieces`` joined by spaces, line breaks, hyphens or nothing."""
    import random

    rng = random.Random(seed)
    joins = [" ", " ", "  ", "", "\n", "-", "_"]
    return [
        "".join(rng.choice(pieces) + rng.choice(joins) for _ in range(rng.randint(1, 9)))
        for _ in range(count)
    ]


def test_alliance_searches_near_each_alliance_find_the_finditer_matches(texts: list[str]) -> None:
    pieces = ["the", "The", "our", "Their", "its", "That", "new", "U.S.-Japan", "alliance"]
    pieces += ["Alliance", "Alliances", "Alliance’s", "xAlliance", "’", ","]
    made = _made_texts(pieces, seed=3, count=5000)
    _same_matches_of(coreference._alliance_matches, coreference._ALLIANCE, [*texts, *made])


def test_demonym_patterns_are_tried_where_a_demonym_begins(texts: list[str]) -> None:
    pieces = ["South Korean", "Korean", "North", "Japanese", "side", "officials", "and", "x"]
    made = _made_texts(pieces + ["American", "U.S.", "delegation", "Papua New Guinean"], 4, 5000)
    for pattern in (demonyms._mention_pattern(), demonyms._side_pattern()):
        _same_matches_of(
            lambda text, p=pattern: finditer_at(p, text, demonyms.demonym_starts(text)),
            pattern,
            [*texts, *made],
        )
    # The starts found at the tokens: where a demonym begins after no word character and
    # ends before no letter or digit (every one of them, found name by name).
    names = gazetteer.demonyms()
    for text in [*texts, *made, "_Japanese x", "Japanesex", "US-Japanese", "Japanese"]:
        slow = set()
        for name in names:
            at = text.find(name)
            while at >= 0:
                end = at + len(name)
                if not re.match(r"\w", text[at - 1 : at]) and not text[end : end + 1].isalnum():
                    slow.add(at)
                at = text.find(name, at + 1)
        assert demonyms.demonym_starts(text) == sorted(slow), text
    # rules.pair_alliances: the capitalised words that are demonyms, tried only there.
    made = _made_texts(pieces + ["-", "Japanese-", "-Korean", "Korean-", "Philippine"], 5, 5000)
    for text in [*texts, *made]:
        slow = [
            m.span() for m in rules._CAPITALISED.finditer(text) if m.group() in gazetteer.demonyms()
        ]
        fast = finditer_at(rules._CAPITALISED, text, demonyms.demonym_starts(text))
        assert [m.span() for m in fast if m.group() in gazetteer.demonyms()] == slow, text
    # The starts kept are those of the text object last scanned, never of another text.
    assert demonyms.demonym_starts("Japanese side") == [0]
    assert demonyms.demonym_starts("".join(["x", "Japanese side"])) == []


def test_pair_alliances_of_demonyms_are_found() -> None:
    """rules.pair_alliances reads its demonyms where the demonym scan found one begins."""
    text = "the Japanese-Philippine alliance, the Korean-Japanese Alliance and "
    text += "Japanese-Japanese alliance\nAustralian-American alliance"
    assert [(c.start, c.end, c.key) for c in rules.pair_alliances(text, [])] == [
        (4, 32, "organization/japan-philippines-alliance"),
        (94, 122, "organization/u-s-australia-alliance"),
    ]


def test_meeting_words_are_found_as_without_their_guard(texts: list[str]) -> None:
    from alliance_kg.loaders import meetings

    for name, fast in (("cues", meetings._meeting_cue()), ("virtual", meetings._virtual())):
        plain = re.compile(
            r"\b(?:" + "|".join(lexicon.words("meetings", name)) + r")\b", re.IGNORECASE
        )
        assert fast.pattern != plain.pattern
        edges = ["MET, Met; xmet 2 + 2, 2+2 Talks VIRTUALLY Online videoconference _online"]
        _same_matches(fast, plain, [*texts, *edges])


def test_collective_subjects_are_found_as_without_their_guard(texts: list[str]) -> None:
    from alliance_kg.loaders import parties

    entries = "|".join(lexicon.words("commitments", "collective_subjects"))
    plain = re.compile(r"\b(?:" + entries + r")\b", re.IGNORECASE)
    assert parties._collective().pattern != plain.pattern
    edges = ["The Ministers, THE TWO MINISTERS, both sides, xboth sides, the allies, They"]
    _same_matches(parties._collective(), plain, [*texts, *edges])


def _same_matches_of(
    fast: Callable[[str], Iterable[re.Match[str]]], plain: re.Pattern[str], texts: list[str]
) -> None:
    for text in texts:
        got = [(m.span(), m.groups()) for m in fast(text)]
        assert got == [(m.span(), m.groups()) for m in plain.finditer(text)], text[:60]


@pytest.mark.parametrize(
    ("entries", "lead"),
    [
        (["condemn(?:ed|s)", r"\bwill(?! be able)"], 0),
        (["(?:is|are) (?:deeply )?concerned"], 11),  # "are deeply " before "concerned"
        ([r"(?<!which )\bWILL (?:\w+ )?to", "x{2,3}yz"], 3),
        ([r"\w+ly"], None),  # any number of characters before "ly"
        # "determination" (the longest run) lies any number of characters into a match
        ([r"expressed (?:its|their) (?:\w+ )?determination"], 0),  # "expressed " instead
        ([r"(?:its|their) (?:\w+ )?determination"], None),  # a space alone is never taken
        ([r"\w+"], None),  # no piece at all
    ],
)
def test_literals_bound_what_a_match_holds_before_its_piece(
    entries: list[str], lead: int | None
) -> None:
    assert Literals(entries).lead == lead


def test_predicates_tried_near_their_words_find_what_finditer_finds(texts: list[str]) -> None:
    edges = [
        "The Ministers are deeply concerned and are concerned; they were, concerned",
        "They shared the view, shared a view and shared their understanding. They condemned it.",
        "Japan and Australia will cooperate; goodwill; They welcomed and strongly welcomed it.",
    ]
    typed = [*commitments._predicate_res(), *commitments._complements()]
    near = 0
    for text in [*texts, *edges]:
        low = lowered(text)
        for sentence in segment(text)[0]:
            body = text[sentence.start : sentence.end]
            for pattern, _, literals in typed:
                where = literals.positions(low)
                at = literals.near(where, sentence.start, sentence.end)
                fast = finditer_near(pattern, body, at, literals.lead)
                got = [(m.span(), m.groups()) for m in fast]
                assert got == [(m.span(), m.groups()) for m in pattern.finditer(body)], body
                near += at is not None and bool(got)
    assert near > 200


def test_attributions_are_searched_only_where_one_can_be(texts: list[str]) -> None:
    edges = [
        "According to the Ministry, Japan will act.",
        "ACCORDİNG to X, they agreed.",  # a capital I with a dot matches "i" regardless of case
        "“We will stand together,” Austin said.",
        '"We will act", the Minister stated',
        "Japan will act, officials said.",
    ]
    found = 0
    for text in [*texts, *edges]:
        for body in [text[s.start : s.end] for s in segment(text)[0]]:
            fast = commitments._attributed(body)
            plain = commitments._attribution().search(body)
            assert (fast and fast.span()) == (plain and plain.span()), body
            found += plain is not None
    assert found > 5


def test_compass_adjectives_are_searched_only_before_a_space_after_their_last_letter(
    texts: list[str],
) -> None:
    edges = ["in northern Japan, southern \nKyushu, Northern X, northern\nY, northern  Z, westernA"]
    found = 0
    for text in [*texts, *edges]:
        for at in range(len(text) + 1):
            fast = rules._compass_before(text, at)
            plain = rules._compass().search(text[max(0, at - 20) : at])
            assert (fast and fast.span()) == (plain and plain.span()), text[max(0, at - 20) : at]
            found += plain is not None
    assert found >= 3


def test_tokens_are_normalised_as_one_by_one(texts: list[str]) -> None:
    from alliance_kg.loaders.entities import base, vocabulary

    edges = ["People’s “Army” ‘x’ ΣΑΣ İstanbul ǅx ß Straße U.S. Japan’s", "'\"’‘“”"]
    for text in [*texts, *edges]:
        words = base.token_columns(text)[0]
        assert base.token_norms(text) == [vocabulary._norm(w) for w in words]
        assert list(zip(*base.token_columns(text), strict=True)) == base.tokens(text)


def test_the_state_before_a_person_is_found_as_by_testing_every_name(texts: list[str]) -> None:
    from alliance_kg.loaders.entities import people

    def slow(text: str, pos: int) -> str | None:
        before = text[max(0, pos - 30) : pos].rstrip()
        for form, key in people._state_words():
            if before.endswith(form) and (
                len(before) == len(form) or not before[-len(form) - 1].isalnum()
            ):
                return key
        return None

    edges = ["Japanese Minister X", "the South Korean  Minister", "xJapan Minister", "Japan"]
    edges += ["Equatorial Guinea Minister X", "South Sudan  Minister", "xEquatorial Guinea"]
    found = 0
    for text in [*texts, *edges]:
        step = 1 if text in edges else 3  # every offset of the edges, every third of the texts
        for pos in [*range(0, len(text) + 1, step), len(text)]:
            assert people._preceding_state(text, pos) == slow(text, pos), text[:pos][-30:]
            found += slow(text, pos) is not None
    assert found > 100


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("The Joint Planning Office (JPOX) met. JPOX will act.", [(10, 25), (27, 31), (38, 42)]),
        ("Joint Planning Office(JPOX) and JPOX", [(6, 21), (22, 26), (32, 36)]),
    ],
)
def test_acronyms_defined_next_to_a_parenthesis_are_found(
    text: str, spans: list[tuple[int, int]]
) -> None:
    """acronym_mentions looks for a definition only at the parentheses of the text."""
    from alliance_kg.loaders.entities import recognize

    mentions = recognize(text)[1]
    assert [(m.start, m.end) for m in mentions] == spans
    assert {m.entity for m in mentions} == {"organization/planning-office"}
