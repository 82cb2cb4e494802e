"""The kept corpus's commitments read a document at a time (``graph/links/kept_items.py``): the
same sequence as the list it stands for, each document decoded only when one of its
commitments is asked for, and the columns every pass reads."""

from __future__ import annotations

import random
from collections.abc import Mapping

import pytest

from alliance_kg.errors import StoreError
from alliance_kg.graph.links.kept_items import (
    KeptItems,
    columns_of,
    concerns_of,
    decoded,
    docs_of,
    encoded,
    parties_of,
)
from alliance_kg.graph.links.read import Corpus, Doc, Item, ordered_items

DOC = "https://w3id.org/alliance-kg/id/document/"
PARTIES = [frozenset(), frozenset({"a"}), frozenset({"a", "b"}), frozenset({"b", "c"})]


def _corpus(seed: int, names: list[str]) -> Corpus:
    """Documents of these names, each of 0 to 4 commitments of random parties and concerns."""
    rng = random.Random(seed)
    docs = {
        DOC + name: Doc(DOC + name, f"{name}.md", date="2020-01-0" + name[-1]) for name in names
    }
    items = [
        Item(
            f"https://w3id.org/alliance-kg/id/commitment/{name}/{k}",
            DOC + name,
            f"They pledged {rng.choice(['ships', 'aid', 'drills'])}.",
            k * 10,
            {rng.choice(["Pledge", "Request"])},
            rng.choice(PARTIES),
            set(rng.sample(["x", "y", "z"], rng.randint(0, 2))),
            [],
        )
        for name in names
        for k in range(0 if name.endswith("5") else rng.randint(1, 4))
    ]
    return Corpus(docs, ordered_items(docs, items), {})


class Loads:
    """A loader of ``corpus``'s commitments by document that counts what it was asked for."""

    def __init__(self, corpus: Corpus) -> None:
        self.by_doc: dict[str, list[Item]] = {}
        for item in corpus.items:
            self.by_doc.setdefault(item.doc, []).append(item)
        self.asked: list[list[str]] = []

    def __call__(self, docs: list[str]) -> Mapping[str, list[Item]]:
        self.asked.append(sorted(docs))
        return {doc: list(self.by_doc[doc]) for doc in docs}


def _kept(corpus: Corpus) -> tuple[dict[str, Doc], KeptItems, Loads]:
    columns = columns_of(corpus)
    assert columns is not None
    loads = Loads(corpus)
    docs, items = decoded(encoded(columns, corpus.docs), loads)
    return docs, items, loads


@pytest.mark.parametrize("seed", range(5))
def test_the_kept_items_are_the_list_they_stand_for(seed: int) -> None:
    corpus = _corpus(seed, [f"d{k}" for k in range(1, 9)])
    docs, items, loads = _kept(corpus)
    assert docs == corpus.docs
    assert len(items) == len(corpus.items)
    assert loads.asked == []
    # The columns are read without decoding any document.
    assert list(parties_of(Corpus(docs, items, {}))) == [i.parties for i in corpus.items]
    assert list(docs_of(Corpus(docs, items, {}))) == [i.doc for i in corpus.items]
    assert list(concerns_of(Corpus(docs, items, {}))) == [i.concerns for i in corpus.items]
    assert loads.asked == []
    for i in random.Random(seed).sample(range(len(items)), min(5, len(items))):
        assert items[i] == corpus.items[i]
        assert items[i - len(items)] == corpus.items[i]
    assert len(loads.asked) <= 5
    assert items[2:7] == list(corpus.items[2:7])
    assert list(items) == list(corpus.items)
    assert items == corpus.items
    with pytest.raises(IndexError):
        items[len(items)]


def test_a_document_is_decoded_once_when_first_asked_for() -> None:
    corpus = _corpus(1, ["d1", "d2", "d3"])
    _, items, loads = _kept(corpus)
    first = docs_of(corpus).index(DOC + "d2")
    items[first]
    items[first]
    items.load([DOC + "d2", DOC + "d3"])
    assert loads.asked == [[DOC + "d2"], [DOC + "d3"]]
    assert items.indexes_of([DOC + "d3", DOC + "d2"]) == [
        i for i, item in enumerate(corpus.items) if item.doc in {DOC + "d2", DOC + "d3"}
    ]


@pytest.mark.parametrize("seed", range(5))
def test_new_documents_go_where_their_keys_put_them(seed: int) -> None:
    names = [f"d{k}" for k in range(2, 9)]
    rng = random.Random(seed)
    new_names = rng.sample(["d1", "d45", "d9", "d55", "d0"], 3)
    whole = _corpus(seed, sorted(names + new_names))
    before = Corpus(
        {iri: doc for iri, doc in whole.docs.items() if iri.rsplit("/", 1)[-1] in names},
        [item for item in whole.items if item.doc.rsplit("/", 1)[-1] in names],
        {},
    )
    _, items, _ = _kept(before)
    new: dict[str, list[Item]] = {}
    for item in whole.items:
        if item.doc.rsplit("/", 1)[-1] in new_names:
            new.setdefault(item.doc, []).append(item)
    grown = items.grown(new, {iri: doc.key for iri, doc in whole.docs.items()})
    assert grown is not None
    assert list(grown) == list(whole.items)
    assert grown.columns == columns_of(whole)
    assert grown.may_hold([item.iri for item in before.items][:1]) == bool(before.items)


def test_a_new_document_of_a_kept_key_is_refused() -> None:
    corpus = _corpus(3, ["d1", "d2"])
    _, items, _ = _kept(corpus)
    twin = DOC + "elsewhere/d1"
    item = Item("https://w3id.org/alliance-kg/id/commitment/x/1", twin, "q", 1)
    keys = {**{iri: doc.key for iri, doc in corpus.docs.items()}, twin: "d1"}
    assert items.grown({twin: [item]}, keys) is None
    assert items.grown({DOC + "d1": [item]}, keys) is None  # a kept document again


def test_a_document_replaced_changes_its_columns() -> None:
    corpus = _corpus(2, ["d1", "d2", "d3"])
    _, items, _ = _kept(corpus)
    doc = next(d for d in corpus.docs if len(items.indexes_of([d])) >= 1)
    now = [item._replace(parties=frozenset({"q"})) for item in items.of_doc(doc)]
    items.replaced(doc, now)
    at = items.indexes_of([doc])
    assert [items[i] for i in at] == now
    assert {items.columns.parties[i] for i in at} == {frozenset({"q"})}
    with pytest.raises(ValueError, match="has"):
        items.replaced(doc, now[:-1] if len(now) > 1 else now * 2)


def test_kept_commitments_not_as_counted_are_an_error() -> None:
    corpus = _corpus(4, ["d1", "d2"])
    columns = columns_of(corpus)
    assert columns is not None
    doc = columns.order[0]
    _, items = decoded(encoded(columns, corpus.docs), lambda docs: {d: [] for d in docs})
    with pytest.raises(StoreError, match=f"keep other commitments of {doc} than they count"):
        items.of_doc(doc)


def test_documents_whose_commitments_interleave_have_no_columns() -> None:
    corpus = _corpus(6, ["d1", "d2"])
    one, two = (Item(f"c/{n}", DOC + d, "q", n) for n, d in ((0, "d1"), (1, "d2")))
    assert columns_of(Corpus(corpus.docs, [one, two, one._replace(iri="c/2")], {})) is None
    assert columns_of(Corpus(corpus.docs, [one, one._replace(iri="c/2"), two], {})) is not None
