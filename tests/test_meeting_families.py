"""Meetings resolved family by family (graph/links/families.py) are those resolved over the whole
corpus, and a family's kept result is taken only while nothing it depends on changed."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Collection, Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg

from alliance_kg.graph.links.blocks import link_blocks
from alliance_kg.graph.links.families import Resolved, doc_families, merge_families, resolve_kept
from alliance_kg.graph.links.meetings import resolve_meetings
from alliance_kg.graph.links.read import Corpus, Doc, Entity, read_corpus
from alliance_kg.graph.links.restated import Restated
from alliance_kg.graph.links.weights import vectors

ID = "https://w3id.org/alliance-kg/id/"
STATES = [f"{ID}state/{s}" for s in ("aa", "bb", "cc", "dd")]
MECHANISMS = [f"{ID}mechanism/{m}" for m in ("first-dialogue", "second-dialogue", "third-dialogue")]
PLACES = [f"{ID}place/{p}" for p in ("north", "south")]
DAYS = ["2030-03-04", "2031-03-04", "2031-03-05", "2032-03-04", "2032-07-01"]
UNSEEN = Path(__file__).parent / "data" / "unseen"


def _entities() -> dict[str, Entity]:
    """People holding two seats of each State (so reports can name rivals), and the places."""
    out = {p: Entity(p, p.rsplit("/", 1)[-1]) for p in PLACES}
    for n, state in enumerate(STATES):
        for k in range(3):
            iri = f"{ID}person/p{n}{k}"
            office = f"office-{k % 2}"
            out[iri] = Entity(iri, f"P{n}{k}", {"Person"}, office=office, represents=state)
    return out


def _random_corpus(rng: random.Random, size: int) -> tuple[Corpus, dict[str, dict[str, set[int]]]]:
    """Reports of two mechanisms and of none, of random States, days, places and people, and
    random restated commitments between them."""
    people = [e.iri for e in _entities().values() if e.office]
    docs = []
    given: list[str | None] = [None] * 8
    for k in range(size):
        parties = set(rng.sample(STATES, rng.choice([0, 1, 2, 2, 2, 3])))
        day = rng.choice([*DAYS, None])
        docs.append(
            Doc(
                f"{ID}document/d{k:02d}", f"d{k:02d}.md", rng.choice([*MECHANISMS * 3, None]),
                day, rng.choice([None, None, "2031-03-03"]) if day == "2031-03-04" else None,
                rng.choice([*PLACES, None]), rng.choice([*given, *DAYS[:2]]),
                rng.choice([*given, *PLACES]), set(rng.sample(people, rng.randint(0, 3))),
                parties,
            )
        )  # fmt: skip
    restated: dict[str, dict[str, set[int]]] = {}
    for doc in docs:
        for other in rng.sample(docs, min(len(docs), rng.randint(0, 4))):
            if other is not doc:
                restated.setdefault(doc.iri, {})[other.iri] = set(range(rng.randint(1, 5)))
    return Corpus({d.iri: d for d in docs}, [], _entities()), restated


@pytest.mark.parametrize("seed", range(60))
def test_families_resolved_alone_give_the_whole_corpus_s_meetings(seed: int) -> None:
    rng = random.Random(seed)
    corpus, restated = _random_corpus(rng, rng.randint(2, 40))
    whole = resolve_meetings(corpus, restated)
    families = doc_families(corpus)
    parts = [
        resolve_meetings(Corpus({i: corpus.docs[i] for i in f}, [], corpus.entities), restated)
        for f in families
    ]
    merged = merge_families(parts)
    assert merged is not None
    meetings, doc_meeting, conflicts = merged
    assert list(meetings.items()) == list(whole[0].items())
    assert doc_meeting == whole[1] and conflicts == whole[2]


def test_the_random_corpora_hold_what_the_rules_compare() -> None:
    """Most corpora above are split into several families, and their rules join undated
    reports to dated meetings and find conflicts, so the test above compares them."""
    families, joined, conflicts = 0, 0, 0
    for seed in range(60):
        rng = random.Random(seed)
        corpus, restated = _random_corpus(rng, rng.randint(2, 40))
        families += len(doc_families(corpus)) > 1
        meetings, doc_meeting, found = resolve_meetings(corpus, restated)
        joined += sum(
            1 for iri, doc in corpus.docs.items()
            if iri in doc_meeting and (doc.given_date or doc.date) is None
            and meetings[doc_meeting[iri]].date is not None
        )  # fmt: skip
        conflicts += len(found)
    assert families >= 30 and joined >= 10 and conflicts >= 20


def test_a_report_of_no_mechanism_joins_the_family_of_the_states_it_holds() -> None:
    """A report naming no mechanism can report the meeting of a mechanism whose reports' States
    are its own (``meetings._same_series``): one family; another mechanism's, another."""
    a, b, c = STATES[:3]
    docs = [
        Doc(f"{ID}document/m1", "m1.md", MECHANISMS[0], DAYS[0], parties={a}),
        Doc(f"{ID}document/m2", "m2.md", MECHANISMS[0], DAYS[0], parties={b}),
        Doc(f"{ID}document/free", "free.md", None, None, parties={a, b}),
        Doc(f"{ID}document/other", "other.md", MECHANISMS[1], DAYS[1], parties={a, c}),
        Doc(f"{ID}document/none", "none.md"),  # reports no meeting
    ]
    corpus = Corpus({d.iri: d for d in docs}, [], {})
    assert doc_families(corpus) == [
        [f"{ID}document/free", f"{ID}document/m1", f"{ID}document/m2"],
        [f"{ID}document/other"],
    ]


def test_a_report_of_a_mechanism_joins_the_family_of_reports_of_none_it_holds() -> None:
    """A report of a mechanism can report a meeting whose reports name none, when their States
    are its own: it joins their family, and by its restated commitments, their meeting. A
    report holding more States joins the family too (it is compared with them), not the
    meeting."""
    a, b, c = STATES[:3]
    docs = [
        Doc(f"{ID}document/f1", "f1.md", None, DAYS[0], parties={a}),
        Doc(f"{ID}document/f2", "f2.md", None, DAYS[0], parties={b}),
        Doc(f"{ID}document/held", "held.md", MECHANISMS[0], None, parties={a, b}),
        Doc(f"{ID}document/wider", "wider.md", MECHANISMS[1], None, parties={a, b, c}),
    ]
    corpus = Corpus({d.iri: d for d in docs}, [], {})
    restated = {f"{ID}document/{d}": {f"{ID}document/f1": {1, 2, 3}} for d in ("held", "wider")}
    families = doc_families(corpus)
    assert families == [[f"{ID}document/{d}" for d in ("f1", "f2", "held", "wider")]]
    _, doc_meeting, _ = resolve_meetings(corpus, restated)
    assert doc_meeting[f"{ID}document/held"] == doc_meeting[f"{ID}document/f1"]
    assert doc_meeting[f"{ID}document/wider"] != doc_meeting[f"{ID}document/f1"]


class Memo:
    """Blocks' and families' results in dicts, counting the families found kept."""

    def __init__(self) -> None:
        self.kept: dict[str, dict[str, bytes]] = {"block": {}, "family": {}}
        self.found = 0

    def blocks(self, keys: Collection[str]) -> dict[str, bytes]:
        return {k: self.kept["block"][k] for k in keys if k in self.kept["block"]}

    def keep_blocks(self, keys: Collection[str], new: Iterable[tuple[str, bytes]]) -> None:
        self._keep("block", keys, new)

    def families(self, keys: Collection[str]) -> dict[str, bytes]:
        found = {k: self.kept["family"][k] for k in keys if k in self.kept["family"]}
        self.found += len(found)
        return found

    def keep_families(self, keys: Collection[str], new: Iterable[tuple[str, bytes]]) -> None:
        self._keep("family", keys, new)

    def _keep(self, table: str, keys: Collection[str], new: Iterable[tuple[str, bytes]]) -> None:
        self.kept[table] = {k: v for k, v in self.kept[table].items() if k in set(keys)}
        self.kept[table] |= dict(new)


@pytest.fixture(scope="module")
def unseen_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    store = tmp_path_factory.mktemp("unseen") / "store"
    assert akg(store, "build", "--jobs", "1", str(UNSEEN)).exit_code == 0
    return read_corpus(ox.Store.read_only(str(store)))


def _restated(corpus: Corpus, memo: Memo) -> Restated:
    linked = link_blocks(corpus, vectors(corpus), 0.2, 0.2, jobs=1, keep=0.3, memo=memo)
    return Restated(corpus, linked.blocks)


def test_kept_families_are_taken_until_what_they_depend_on_changes(unseen_corpus: Corpus) -> None:
    memo = Memo()
    corpus = unseen_corpus
    families = doc_families(corpus)
    assert len(families) == 8
    whole = resolve_meetings(corpus, _restated(corpus, Memo()))
    assert resolve_kept(corpus, _restated(corpus, memo), memo) == _sorted(whole)
    assert memo.found == 0 and len(memo.kept["family"]) == 8
    assert resolve_kept(corpus, _restated(corpus, memo), memo) == _sorted(whole)
    assert memo.found == 8
    # A report's place, and the office of a person another report names: each family again.
    first, second = families[0][0], families[1][0]
    person = sorted(corpus.docs[second].participants)[0]
    docs = dict(corpus.docs)
    docs[first] = dataclasses.replace(docs[first], place=f"{ID}place/elsewhere")
    entities = dict(corpus.entities)
    entities[person] = dataclasses.replace(entities[person], office="another office")
    changed = Corpus(docs, corpus.items, entities)
    memo.found = 0
    found = resolve_kept(changed, _restated(changed, memo), memo)
    assert found == _sorted(resolve_meetings(changed, _restated(changed, Memo())))
    assert memo.found == 6 and len(memo.kept["family"]) == 8


def test_a_family_is_resolved_again_when_a_block_of_its_commitments_changes(
    unseen_corpus: Corpus,
) -> None:
    """The pairs of a block are the restated commitments a family counts: new words in a
    commitment (which weigh the later commitments' words anew) make each family with
    commitments in a changed block resolved again, and only those."""
    memo = Memo()
    corpus = unseen_corpus
    before = _restated(corpus, memo)
    resolve_kept(corpus, before, memo)
    k, item = next((k, i) for k, i in enumerate(corpus.items) if i.parties)
    items = list(corpus.items)
    items[k] = item._replace(quote=item.quote + " They also agreed to build a new harbour.")
    changed = Corpus(corpus.docs, items, corpus.entities)
    after = _restated(changed, memo)
    same = [f for f in doc_families(corpus) if before.block_keys(f) == after.block_keys(f)]
    assert 0 < len(same) < 8
    memo.found = 0
    found = resolve_kept(changed, after, memo)
    assert found == _sorted(resolve_meetings(changed, _restated(changed, Memo())))
    assert memo.found == len(same)


def test_without_a_memo_of_families_the_meetings_are_resolved_whole(unseen_corpus: Corpus) -> None:
    restated = _restated(unseen_corpus, Memo())
    assert resolve_kept(unseen_corpus, restated, None) == resolve_meetings(unseen_corpus, restated)


def _sorted(result: Resolved) -> Resolved:
    """A result with its documents' meetings in the order ``merge_families`` gives."""
    meetings, doc_meeting, conflicts = result
    return meetings, dict(sorted(doc_meeting.items())), conflicts


def _held(corpus: Corpus, shared: bool) -> Corpus:
    """The corpus with each document's strings made anew: the names of the people it names one
    string each across documents (``shared``), or a string of their own in each."""
    names: dict[str, str] = {}

    def name(text: str) -> str:
        made = "".join(list(text))  # an equal string that is another object
        return names.setdefault(text, made) if shared else made

    docs = {
        iri: dataclasses.replace(
            doc, file=name(doc.file), participants={name(p) for p in doc.participants}
        )
        for iri, doc in corpus.docs.items()
    }
    return Corpus(docs, corpus.items, corpus.entities)


@pytest.mark.parametrize("seed", range(3))
def test_kept_families_are_taken_whatever_objects_hold_the_same_documents(seed: int) -> None:
    """The documents a stage keeps are read back as other objects than those read from the
    store (one string for a person named by many reports): equal documents find their
    families kept, whichever objects hold them."""
    corpus, _ = _random_corpus(random.Random(seed), 30)
    corpus = Corpus(corpus.docs, [], _entities())
    memo = Memo()
    apart, shared = _held(corpus, False), _held(corpus, True)
    assert apart.docs == shared.docs == corpus.docs
    resolve_kept(apart, Restated(apart, []), memo)
    memo.found = 0
    whole = resolve_meetings(shared, {})
    assert resolve_kept(shared, Restated(shared, []), memo) == _sorted(whole)
    assert memo.found == len(doc_families(corpus)) >= 1
