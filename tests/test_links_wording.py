"""How the corpus-level stage compares commitments: word forms, stop words, and lineages that
take a second sentence of one document."""

from __future__ import annotations

from alliance_kg.graph.links.lineages import THRESHOLD, find_links
from alliance_kg.graph.links.read import Corpus, Doc, Item
from alliance_kg.graph.links.wording import content_words


def test_word_forms_of_one_verb_meet() -> None:
    forms = ["modernizing", "modernization", "modernize", "modernising", "modernisation"]
    assert [content_words(f) for f in forms] == [["modern"]] * 5
    assert content_words("optimizing optimization") == ["optim", "optim"]


def test_a_partnership_is_not_the_partners() -> None:
    # "allies and partners" are other States; "their partnership" is the relationship itself.
    partner = content_words("partner")
    assert content_words("allies and partners") == partner * 2
    assert content_words("their partnership") == ["partnership"] != partner


def test_words_of_news_reports_say_nothing_about_the_commitment() -> None:
    assert content_words("According to the statement, they said today the talks were useful") == [
        "useful"
    ]


def _corpus() -> Corpus:
    docs = {d: Doc(d, f"{d}.txt") for d in ("a", "b")}
    items = [
        Item("a#0", "a", "first", 0, parties=frozenset({"x", "y"})),
        Item("b#0", "b", "second", 0, parties=frozenset({"x", "y"})),
        Item("b#1", "b", "third", 1, parties=frozenset({"x", "y"})),
    ]
    return Corpus(docs, items, {})


def test_a_second_sentence_of_one_document_joins_only_on_a_better_average() -> None:
    corpus = _corpus()
    # a#0 and b#0 are one lineage; b#1 (the same document as b#0) scores with a#0 above the
    # threshold but under the higher bar (a tenth above it) for a second sentence of a document.
    below = THRESHOLD * 1.05
    links = find_links(corpus, {(0, 1): 0.5, (0, 2): below})
    assert [(link.a, link.b) for link in links] == [(0, 1)]
    above = THRESHOLD * 1.15
    links = find_links(corpus, {(0, 1): 0.5, (0, 2): above})
    assert [(link.a, link.b) for link in links] == [(0, 1), (0, 2)]


def test_two_documents_link_at_the_threshold() -> None:
    corpus = _corpus()
    assert [(k.a, k.b) for k in find_links(corpus, {(0, 1): THRESHOLD})] == [(0, 1)]
    assert find_links(corpus, {(0, 1): THRESHOLD - 0.001}) == []
