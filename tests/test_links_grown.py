"""The stage takes the corpus and word vectors the last stage kept when the store only gained
statements dated after every other (``graph/links/grown.py``), and reads the corpus and works
every vector out again otherwise; the links graph is the one worked out afresh either way.

The stores here are small, so the least number of commitments weighed together
(``weights.WEIGHED_FROM``, 2,000) is lowered to 40 for them; one test keeps it and checks
that a store of fewer commitments works every vector out."""

from __future__ import annotations

import marshal
import random
import shutil
import sqlite3
import sys
from collections.abc import Callable, Collection, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from clirunner import akg
from test_links_random_steps import DATE, SAID, _dated, _links

import alliance_kg.graph.links as links
from alliance_kg.graph.links import weights
from alliance_kg.graph.links.grown import Weighing
from alliance_kg.graph.links.kept_items import docs_of, parties_of
from alliance_kg.graph.links.read import Corpus, Item, RowSource, corpus_of
from alliance_kg.graph.links.state import LinksState
from alliance_kg.graph.links.summary import tallies
from alliance_kg.ontology import ID


class Ways(list[bool]):
    """For each stage run, whether it read the corpus and worked every vector out; and the
    corpus and weighing of the last."""

    last: tuple[Corpus, Weighing]


@pytest.fixture
def ways(monkeypatch: pytest.MonkeyPatch) -> Iterator[Ways]:
    """The ways the stages of the test weighed (``Weighing.every``), with the least number of
    commitments weighed together lowered to 40."""
    monkeypatch.setattr(weights, "WEIGHED_FROM", 40)
    found = Ways()
    grown_corpus = links.grown_corpus

    def spied(
        kept: LinksState, source: RowSource, numbers: tuple[float, ...]
    ) -> tuple[Corpus, Weighing]:
        corpus, result = grown_corpus(kept, source, numbers)
        found.append(result.every)
        found.last = corpus, result
        return corpus, result

    monkeypatch.setattr(links, "grown_corpus", spied)
    yield found


def _pool(tmp_path: Path, seed: int = 5) -> list[Path]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.synthetic import generate

    return generate(tmp_path / "pool", 24, seed=seed)


def _year(path: Path) -> int:
    found = DATE.search(path.read_text(encoding="utf-8"))
    assert found is not None
    return int(found[1])


def _built(tmp_path: Path, count: int = 14) -> tuple[Path, Path, list[Path]]:
    """A store of the pool's ``count`` earliest statements; the folder they were built from;
    the other statements."""
    pool = sorted(_pool(tmp_path), key=lambda p: (_year(p), p.name))
    docs, store = tmp_path / "docs", tmp_path / "store"
    docs.mkdir()
    for path in pool[:count]:
        shutil.copy(path, docs)
    assert akg(store, "build", "--jobs", "1", str(docs)).exit_code == 0
    return docs, store, pool[count:]


def _later(source: Path, docs: Path, name: str, year: int, month: int = 3, day: int = 9) -> Path:
    """A copy of ``source`` in ``docs``, dated as given."""
    path = docs / name
    shutil.copy(source, path)
    _dated(path, year, month, day)
    return path


def _last_year(docs: Path) -> int:
    return max(_year(p) for p in docs.iterdir())


def _as_read_afresh(store: Path, corpus: Corpus) -> Corpus:
    """The corpus read afresh from the store's records, which the stage's must equal in its
    documents, commitments and entities (its dangling rows may be more)."""
    afresh = corpus_of(LinksState(store).source())
    assert (corpus.docs, corpus.items, corpus.entities) == (
        afresh.docs,
        afresh.items,
        afresh.entities,
    )
    return afresh


def _same(store: Path) -> None:
    kept, fresh = _links(store)
    assert kept == fresh
    assert len(kept) > 300


def test_a_statement_dated_after_every_other_keeps_the_earlier_vectors(
    tmp_path: Path, ways: Ways
) -> None:
    docs, store, rest = _built(tmp_path)
    assert ways == [True]  # a first build works every vector out
    path = _later(rest[0], tmp_path, "later.md", _last_year(docs) + 1)
    assert akg(store, "build", "--jobs", "1", str(path)).exit_code == 0
    assert ways == [True, False]
    _same(store)
    # The corpus and vectors the stage took, kept and worked out, are those worked out afresh
    # from the records it read (its dangling rows may be more).
    corpus, taken = ways.last
    afresh = _as_read_afresh(store, corpus)
    assert list(corpus.docs) == list(afresh.docs)
    assert list(corpus.entities) == list(afresh.entities)
    assert corpus.dangling >= afresh.dangling
    assert list(taken.vectors) == weights.vectors(corpus)
    assert taken.keys  # the blocks without the new statement's commitments
    # The summary's tallies: the kept ones and the new commitments', those of every commitment.
    assert taken.tallies == tallies(afresh.items)
    assert sum(taken.tallies.kinds.values()) == len(afresh.items)


def test_a_later_statement_decodes_only_the_kept_documents_and_blocks_it_reads_whole(
    tmp_path: Path, ways: Ways, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The kept commitments are decoded by document when asked for (``kept_items.py``): those of
    # the block the new statement joins, and of no party; the other passes read the columns.
    docs, store, rest = _built(tmp_path)
    asked: list[str] = []
    read: list[str] = []
    kept_items, kept_blocks = LinksState.kept_items, LinksState.blocks
    with closing(sqlite3.connect(LinksState(store).path)) as db:
        blocks = {key for (key,) in db.execute("SELECT key FROM block")}

    def spied(state: LinksState, graphs: Collection[str]) -> dict[str, list[Item]]:
        asked.extend(graphs)
        return kept_items(state, graphs)

    def blocks_read(state: LinksState, keys: Collection[str]) -> dict[str, bytes]:
        found = kept_blocks(state, keys)
        read.extend(found)
        return found

    monkeypatch.setattr(LinksState, "kept_items", spied)
    monkeypatch.setattr(LinksState, "blocks", blocks_read)
    path = _later(rest[0], tmp_path, "later.md", _last_year(docs) + 1)
    assert akg(store, "build", "--jobs", "1", str(path)).exit_code == 0
    decoded = list(asked)
    # The blocks' kept results read: that of the block the statement joins (linked on from
    # it), and any the meetings ask about; not the others (``linked.Block``).
    assert 1 <= len(set(read)) < len(blocks) and set(read) <= blocks
    assert ways == [True, False]
    corpus, _ = ways.last
    parties, of = parties_of(corpus), docs_of(corpus)
    new = {doc for doc in of if doc.endswith("/later")}
    joined = {p for p, doc in zip(parties, of, strict=True) if doc in new} - {frozenset()}
    whole = {doc for p, doc in zip(parties, of, strict=True) if p in joined or not p}
    assert len(decoded) == len(set(decoded))  # each document decoded once
    assert set(decoded) == whole - new
    assert 0 < len(decoded) < len(set(of)) - 1
    _same(store)


def test_statements_added_one_after_another_keep_the_vectors(tmp_path: Path, ways: Ways) -> None:
    docs, store, rest = _built(tmp_path)
    year = _last_year(docs)
    for k, source in enumerate(rest[:3]):
        path = _later(source, tmp_path, f"later{k}.md", year + 1 + k)
        assert akg(store, "build", "--jobs", "1", str(path)).exit_code == 0
        _same(store)
    assert ways == [True, False, False, False]


def test_an_undated_report_keeps_the_earlier_vectors(tmp_path: Path, ways: Ways) -> None:
    # Undated commitments come after every day in the weighing, so the earlier vectors stay,
    # though they come first in the walk for candidates (``lineages.scored_pairs``).
    docs, store, rest = _built(tmp_path)
    source = [p for p in sorted(docs.iterdir()) if p.name.endswith("-news.md")][-1]
    path = tmp_path / "undated.md"
    path.write_text(SAID.sub(".", DATE.sub("", source.read_text(encoding="utf-8"))))
    assert akg(store, "build", "--jobs", "1", str(path)).exit_code == 0
    assert ways == [True, False]
    _same(store)
    # A later statement comes before the undated ones in the weighing: they are weighed
    # again after it, and their blocks linked again; the other vectors stay.
    later = _later(rest[0], tmp_path, "later.md", _last_year(docs) + 1)
    assert akg(store, "build", "--jobs", "1", str(later)).exit_code == 0
    assert ways == [True, False, False]
    _same(store)
    corpus, taken = ways.last
    assert list(taken.vectors) == weights.vectors(corpus)
    assert f"{ID}document/undated" in taken.made  # its vectors kept again


def _update(store: Path, update: str) -> None:
    result = akg(store, "update", update)
    assert result.exit_code == 0, result.output


def _replace(store: Path, graph: str, subject: str, predicate: str, value: str) -> None:
    """An ``akg update`` giving ``subject`` this one ``predicate`` value in ``graph`` (an IRI in
    brackets, or a variable: every graph that states one)."""
    said = f"{subject} {predicate}"
    _update(
        store,
        f"DELETE {{ GRAPH {graph} {{ {said} ?old }} }} "
        f"INSERT {{ GRAPH {graph} {{ {said} {value} }} }} "
        f"WHERE {{ GRAPH {graph} {{ {said} ?old }} }}",
    )


def test_a_document_whose_meeting_changed_keeps_the_vectors(tmp_path: Path, ways: Ways) -> None:
    # What a document states of its meeting (its place, people, States and first day) is read
    # by the meetings alone: its commitments, their vectors and the blocks stay as kept.
    docs, store, rest = _built(tmp_path)
    first = _one(
        store, "SELECT ?d WHERE { GRAPH ?d { ?d akg:statedPlace ?p } } ORDER BY ?d LIMIT 1"
    )
    other = _one(
        store,
        f"SELECT ?p WHERE {{ ?x akg:statedPlace ?p "
        f"FILTER NOT EXISTS {{ <{first}> akg:statedPlace ?p }} }} ORDER BY ?p LIMIT 1",
    )
    _replace(store, f"<{first}>", f"<{first}>", "akg:statedPlace", f"<{other}>")
    assert ways == [True, False]
    _same(store)
    corpus, taken = ways.last
    assert corpus.docs[first].place == other
    _as_read_afresh(store, corpus)
    assert first in taken.made  # kept again as it is now
    # People left out of a report, and another first day: the same.
    person = _one(
        store,
        f"SELECT ?p WHERE {{ GRAPH <{first}> {{ <{first}> akg:statedParticipant ?p }} }} "
        "ORDER BY ?p LIMIT 1",
    )
    start = '"2001-01-01"^^xsd:date'
    _update(
        store,
        f"DELETE DATA {{ GRAPH <{first}> {{ <{first}> akg:statedParticipant <{person}> }} }} ; "
        f"INSERT DATA {{ GRAPH <{first}> {{ <{first}> akg:statedStartDate {start} }} }}",
    )
    assert ways == [True, False, False]
    _same(store)
    assert person not in ways.last[0].docs[first].participants
    # A later statement then keeps the vectors as before.
    later = _later(rest[0], tmp_path, "later.md", _last_year(docs) + 1)
    assert akg(store, "build", "--jobs", "1", str(later)).exit_code == 0
    assert ways == [True, False, False, False]
    _same(store)


def _retype(store: Path, commitment: str, kind: str) -> None:
    """An ``akg update`` giving a commitment this type alone, where its type is stated."""
    _replace(store, "?g", f"<{commitment}>", "akg:commitmentType", f"akg:{kind}")


def test_a_commitment_edited_in_its_own_graph_keeps_the_vectors(tmp_path: Path, ways: Ways) -> None:
    # Its type and concerns: the other commitments' vectors stay, its own while its words do,
    # and the blocks of its parties are linked again.
    docs, store, rest = _built(tmp_path)
    query = "SELECT ?c WHERE { GRAPH ?g { ?c akg:restates ?x } } ORDER BY ?c LIMIT 1"
    restated = _one(store, query)
    _retype(store, restated, "Opposition")
    concern = _one(store, f"SELECT ?e WHERE {{ <{restated}> akg:concerns ?e }} ORDER BY ?e LIMIT 1")
    _update(store, f"DELETE WHERE {{ GRAPH ?g {{ <{restated}> akg:concerns <{concern}> }} }}")
    assert ways == [True, False, False]
    _same(store)
    corpus, taken = ways.last
    afresh = _as_read_afresh(store, corpus)
    assert list(taken.vectors) == weights.vectors(corpus)
    assert taken.tallies == tallies(afresh.items)
    # A later statement then keeps the vectors as before.
    later = _later(rest[0], tmp_path, "later.md", _last_year(docs) + 1)
    assert akg(store, "build", "--jobs", "1", str(later)).exit_code == 0
    assert ways == [True, False, False, False]
    _same(store)


def _requoted(docs: Path, store: Path, rest: list[Path], _: Path) -> None:
    # Another sentence: other words, which every later vector counts.
    first = _one(store, "SELECT ?c WHERE { GRAPH ?g { ?c akg:quote ?q } } ORDER BY ?c LIMIT 1")
    _replace(store, "?g", f"<{first}>", "akg:quote", '"The Ministers welcomed a new treaty."')


def test_a_meeting_edited_beside_a_row_of_another_graph_keeps_that_row(
    tmp_path: Path, ways: Ways
) -> None:
    # A graph of the user's gives a commitment another concern; then its document's place
    # changes. The commitment stays as every graph's rows make it, the user's row with them.
    docs, store, rest = _built(tmp_path)
    query = "SELECT ?c ?d WHERE { GRAPH ?d { ?c akg:statedIn ?d . ?d akg:statedPlace ?p } }"
    commitment, doc = _one(store, query + " ORDER BY ?c LIMIT 1").split(",")
    _insert(store, f"{ID}graph/mine", f"<{commitment}> akg:concerns <{ID}place/nowhere>")
    _replace(store, f"<{doc}>", f"<{doc}>", "akg:statedPlace", f"<{ID}place/elsewhere>")
    assert ways == [True, True, False]
    _same(store)
    corpus, _ = ways.last
    assert corpus.items == corpus_of(LinksState(store).source()).items
    assert any(f"{ID}place/nowhere" in item.concerns for item in corpus.items)


def test_a_commitment_edited_beside_a_row_of_another_graph_works_every_vector_out(
    tmp_path: Path, ways: Ways
) -> None:
    # A graph of the user's names an earlier commitment: which graph's rows made a kept
    # commitment can no longer be told, so a commitment's edit works every vector out.
    docs, store, rest = _built(tmp_path)
    query = "SELECT ?c WHERE { GRAPH ?g { ?c akg:restates ?x } } ORDER BY ?c LIMIT 1"
    restated = _one(store, query)
    _insert(store, f"{ID}graph/mine", f"<{restated}> akg:concerns <{ID}place/nowhere>")
    _retype(store, restated, "Opposition")
    assert ways == [True, True, True]
    _same(store)


def _redated(docs: Path, store: Path, rest: list[Path], _: Path) -> None:
    # A document's date orders its commitments among the others: every vector from it on.
    first = _one(store, "SELECT ?d WHERE { GRAPH ?d { ?d akg:statedDate ?x } } ORDER BY ?d LIMIT 1")
    _replace(store, f"<{first}>", f"<{first}>", "akg:statedDate", '"1990-01-01"^^xsd:date')


def _earlier(docs: Path, store: Path, rest: list[Path], tmp_path: Path) -> None:
    path = _later(rest[0], tmp_path, "earlier.md", min(_year(p) for p in docs.iterdir()))
    assert akg(store, "build", "--jobs", "1", str(path)).exit_code == 0


def _last_day(docs: Path, store: Path, rest: list[Path], tmp_path: Path) -> None:
    last = max(DATE.search(p.read_text(encoding="utf-8"))[0] for p in docs.iterdir())  # type: ignore[index]
    year, month, day = (int(x) for x in last[6:].split("-"))
    path = _later(rest[0], tmp_path, "same-day.md", year, month, day)
    assert akg(store, "build", "--jobs", "1", str(path)).exit_code == 0


def _names_an_earlier_commitment(docs: Path, store: Path, rest: list[Path], _: Path) -> None:
    # A graph of the user's saying that an earlier commitment restated by others opposes: its
    # words stay, but its pairs score less (``lineages.STANCE``), and its block's digest is
    # another.
    query = "SELECT ?c WHERE { GRAPH ?g { ?c akg:restates ?x } } ORDER BY ?c LIMIT 1"
    _insert(store, f"{ID}graph/mine", f"<{_one(store, query)}> akg:commitmentType akg:Opposition")


def _takes_an_earlier_commitment(docs: Path, store: Path, rest: list[Path], _: Path) -> None:
    # A document of the user's, before every other in the order of names, that states an
    # earlier commitment: the commitment is now its (the first graph's statement wins).
    first = _one(store, "SELECT ?c WHERE { GRAPH ?d { ?c akg:statedIn ?d } } ORDER BY ?c LIMIT 1")
    mine = f"{ID}a-mine"
    said = f'<{first}> akg:statedIn <{mine}> ; akg:quote "Mine." ; akg:startOffset 0'
    _insert(store, mine, f'<{mine}> a akg:Document ; akg:sourceFile "mine.md" . {said}')


def _renames_a_party(docs: Path, store: Path, rest: list[Path], _: Path) -> None:
    # Another name of a party, which the words of its commitments leave out.
    party = _one(store, "SELECT ?p WHERE { GRAPH ?d { ?c akg:madeBy ?p } } ORDER BY ?p LIMIT 1")
    _insert(store, f"{ID}graph/mine", f'<{party}> skos:altLabel "Cooperation"')


def _rewrites_an_earlier_statement(docs: Path, store: Path, rest: list[Path], _: Path) -> None:
    path = sorted(docs.iterdir())[0]
    paragraphs = path.read_text(encoding="utf-8").split("\n\n")
    del paragraphs[3]
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    assert akg(store, "build", "--jobs", "1", str(docs)).exit_code == 0


def _drops_an_earlier_statement(docs: Path, store: Path, rest: list[Path], _: Path) -> None:
    path = sorted(docs.iterdir())[-1]
    update = (
        "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { "
        f'?g akg:sourceFile "{path.name}" . ?s ?p ?o }} }}'
    )
    assert akg(store, "update", update).exit_code == 0


def _insert(store: Path, graph: str, triples: str) -> None:
    """``akg update`` that puts these triples (Turtle) in a graph of the user's."""
    result = akg(store, "update", f"INSERT DATA {{ GRAPH <{graph}> {{ {triples} }} }}")
    assert result.exit_code == 0, result.output


def _one(store: Path, query: str) -> str:
    result = akg(store, "query", "--format", "csv", query)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()[1].strip()


@pytest.mark.parametrize(
    "change",
    [
        _earlier,
        _last_day,
        _names_an_earlier_commitment,
        _takes_an_earlier_commitment,
        _renames_a_party,
        _rewrites_an_earlier_statement,
        _drops_an_earlier_statement,
        _redated,
        _requoted,
    ],
)
def test_any_other_change_works_every_vector_out(
    tmp_path: Path, ways: Ways, change: Callable[[Path, Path, list[Path], Path], None]
) -> None:
    docs, store, rest = _built(tmp_path)
    change(docs, store, rest, tmp_path)
    assert ways == [True, True]
    _same(store)


def test_a_statement_written_again_the_same_keeps_the_vectors(tmp_path: Path, ways: Ways) -> None:
    # The ontology's graph is written again by every build, and a statement by --force: the
    # same records, so nothing the vectors came from changed.
    docs, store, _ = _built(tmp_path)
    path = sorted(docs.iterdir())[0]
    assert akg(store, "build", "--jobs", "1", "--force", str(path)).exit_code == 0
    assert ways == [True, False]
    _same(store)


def test_a_store_of_fewer_commitments_than_weighed_together_works_every_vector_out(
    tmp_path: Path, ways: Ways, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(weights, "WEIGHED_FROM", 2000)
    docs, store, rest = _built(tmp_path)
    path = _later(rest[0], tmp_path, "later.md", _last_year(docs) + 1)
    assert akg(store, "build", "--jobs", "1", str(path)).exit_code == 0
    assert ways == [True, True]
    _same(store)


def test_kept_vectors_that_cannot_be_read_are_reported(tmp_path: Path, ways: Ways) -> None:
    import sqlite3

    docs, store, rest = _built(tmp_path)
    state = LinksState(store)
    with sqlite3.connect(state.path) as db:
        db.execute("UPDATE kept SET weights = x'00'")
    path = _later(rest[0], tmp_path, "later.md", _last_year(docs) + 1)
    result = akg(store, "build", "--jobs", "1", str(path))
    assert result.exit_code == 1
    assert "cannot use the links stage's records: the vectors of " in result.output
    assert "delete this file" in result.output


#: Kept commitments that are not as ``state_corpus.items_blob`` writes them: text, bytes that
#: are not marshalled, marshalled bytes cut short, a commitment's row of seven fields, of nine.
_NOT_KEPT = [
    ("'[1, 2]'", ()),
    ("x'00'", ()),
    ("substr(doc, 1, length(doc) / 2)", ()),
    ("?", (marshal.dumps([("c",) * 7]),)),
    ("?", (marshal.dumps([("c",) * 9]),)),
]


@pytest.mark.parametrize(("value", "given"), _NOT_KEPT)
def test_kept_documents_that_cannot_be_read_are_read_afresh(
    tmp_path: Path, ways: Ways, value: str, given: tuple[bytes, ...]
) -> None:
    import sqlite3

    docs, store, rest = _built(tmp_path)
    with sqlite3.connect(LinksState(store).path) as db:
        db.execute(f"UPDATE kept SET doc = {value}", given)
    path = _later(rest[0], tmp_path, "later.md", _last_year(docs) + 1)
    assert akg(store, "build", "--jobs", "1", str(path)).exit_code == 0
    assert ways == [True, True]
    _same(store)


def _moves_a_meeting(store: Path, rng: random.Random) -> None:
    """An ``akg update`` giving a document that states a place another place."""
    query = "SELECT DISTINCT ?d ?p WHERE { GRAPH ?d { ?d akg:statedPlace ?p } } ORDER BY ?d ?p"
    result = akg(store, "query", "--format", "csv", query)
    rows = [line.split(",") for line in result.output.splitlines()[1:]]
    doc = rng.choice(rows)[0]
    place = rng.choice(sorted({p for _, p in rows}))
    _replace(store, f"<{doc}>", f"<{doc}>", "akg:statedPlace", f"<{place.strip()}>")


def _retypes_one(store: Path, rng: random.Random) -> None:
    """An ``akg update`` giving a commitment another type, in its own graph."""
    query = "SELECT ?c WHERE { GRAPH ?g { ?c akg:statedIn ?g } } ORDER BY ?c"
    result = akg(store, "query", "--format", "csv", query)
    commitment = rng.choice(result.output.splitlines()[1:]).strip()
    _retype(store, commitment, rng.choice(["Pledge", "Opposition", "Reaffirmation"]))


@pytest.mark.parametrize("seed", [1, 2, 7])
def test_random_later_statements_and_changes_give_the_graph_worked_out_afresh(
    tmp_path: Path, ways: Ways, seed: int
) -> None:
    rng = random.Random(seed)
    docs, store, rest = _built(tmp_path, 10)
    year = _last_year(docs)
    for step in range(8):
        kinds = ["later", "later", "later", "earlier", "force", "meeting", "meeting", "type"]
        kind = rng.choice(kinds)
        if kind in ("meeting", "type"):
            (_moves_a_meeting if kind == "meeting" else _retypes_one)(store, rng)
            kept, fresh = _links(store)
            assert kept == fresh, f"step {step}"
            continue
        if kind == "later":
            year += rng.choice([0, 1])
            path = _later(rng.choice(rest), docs, f"s{step}.md", year, rng.randint(1, 12), 9)
        elif kind == "earlier":
            path = _later(rng.choice(rest), docs, f"s{step}.md", year - 3)
        else:
            path = rng.choice(sorted(docs.iterdir()))
        args = ["--force"] if kind == "force" else []
        assert akg(store, "build", "--jobs", "1", *args, str(path)).exit_code == 0
        kept, fresh = _links(store)
        assert kept == fresh, f"step {step}"
    assert False in ways and ways.count(True) >= 2
