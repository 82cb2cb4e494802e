"""Scoring each gold document against what the graph says of it (the rules are those of the
package docstring), and a whole gold folder."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_kg.evaluate.gold import GoldDocument, GoldMeeting, load_gold, load_links_gold
from alliance_kg.evaluate.links import evaluate_links
from alliance_kg.evaluate.matching import GoldNames, compare_sets, compare_values, max_matching
from alliance_kg.evaluate.predicted import (
    Node,
    commitment_nodes,
    commitments,
    entity_nodes,
    find_document,
    graph_documents,
    stated_meeting,
)
from alliance_kg.evaluate.scores import CATEGORIES, DocumentReport, ErrorItem, Report, Score
from alliance_kg.evaluate.text import contains, normalize, normalize_date, short
from alliance_kg.ontology import ENTITY_TYPES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore


def evaluate(store: SparqlStore, gold: list[GoldDocument]) -> Report:
    """Score the graph in ``store`` against gold documents (see the package docstring)."""
    files = graph_documents(store)
    documents: list[DocumentReport] = []
    missing: list[str] = []
    used: set[str] = set()
    for gold_doc in gold:
        doc_iri = find_document(files, gold_doc.document)
        if doc_iri is None:
            missing.append(gold_doc.document)
        else:
            used.add(doc_iri)
        documents.append(_evaluate_document(store, gold_doc, doc_iri))
    totals = {c: Score() for c in CATEGORIES}
    for doc_report in documents:
        for c in CATEGORIES:
            totals[c].add(doc_report.scores[c])
    unscored = sorted(files[d] for d in files.keys() - used)
    return Report(totals, documents, missing, unscored)


def evaluate_folder(store: SparqlStore, gold_dir: Path) -> Report:
    """Score the graph against every gold file of ``gold_dir``: the documents' ``*.gold.json``
    and, when there is one, ``links.gold.json`` (see ``evaluate_links``)."""
    documents = load_gold(gold_dir)
    report = evaluate(store, documents)
    links = load_links_gold(gold_dir)
    if links is not None:
        report.links = evaluate_links(store, links, documents)
    return report


def _evaluate_document(store: SparqlStore, gold: GoldDocument, doc: str | None) -> DocumentReport:
    report = DocumentReport(gold.document, doc, {c: Score() for c in CATEGORIES}, [])
    names = GoldNames(gold.entities)

    def note(category: str, kind: str, items: Iterable[str]) -> None:
        for item in items:
            report.errors.append(ErrorItem(gold.document, category, kind, item))

    def count(category: str, score: Score, missed: list[str], false: list[str]) -> None:
        report.scores[category].add(score)
        note(category, "miss", missed)
        note(category, "false alarm", false)

    _score_entities(store, gold, doc, count)
    _score_commitments(store, gold, doc, names, count)
    _score_meeting(store, gold, doc, names, count)
    return report


_Count = Callable[[str, Score, list[str], list[str]], None]


def _score_entities(store: SparqlStore, gold: GoldDocument, doc: str | None, count: _Count) -> None:
    predicted, node_types = entity_nodes(store, doc) if doc is not None else ([], {})

    def kind_of(node: Node) -> str:
        return min(node_types[node.iri], key=ENTITY_TYPES.index)

    gold_names = [e.names() for e in gold.entities]
    candidates = []
    for node in predicted:
        options = [
            j
            for j, e in enumerate(gold.entities)
            if node.labels & gold_names[j] and node_types[node.iri] & {e.type, *e.alt_types}
        ]
        # Prefer the gold entity whose canonical label is the node's own name.
        options.sort(key=lambda j: normalize(gold.entities[j].label) != normalize(node.display))
        candidates.append(options)
    # A node named exactly like a gold entity has the first claim on it; duplicates come after.
    exact = [
        bool(opts) and normalize(gold.entities[opts[0]].label) == normalize(node.display)
        for node, opts in zip(predicted, candidates, strict=True)
    ]
    matching = max_matching(candidates, sorted(range(len(predicted)), key=lambda i: not exact[i]))
    matched_gold = set(matching.values())
    per_type = {t: Score() for t in ENTITY_TYPES}
    errors: dict[str, tuple[list[str], list[str]]] = {t: ([], []) for t in ENTITY_TYPES}
    for j in sorted(matched_gold):
        per_type[gold.entities[j].type].tp += 1
    for j, entity in enumerate(gold.entities):
        if j not in matched_gold:
            per_type[entity.type].fn += 1
            errors[entity.type][0].append(f"{entity.type}: {entity.label}")
    for i, node in enumerate(predicted):
        if i not in matching:
            kind = kind_of(node)
            per_type[kind].fp += 1
            errors[kind][1].append(f"{kind}: {node.display} <{node.iri}>")
    overall = Score()
    for t in ENTITY_TYPES:
        overall.add(per_type[t])
        count(f"entities:{t}", per_type[t], [], [])
    missed = [m for t in ENTITY_TYPES for m in errors[t][0]]
    false = [f for t in ENTITY_TYPES for f in errors[t][1]]
    count("entities", overall, missed, false)


def _score_commitments(
    store: SparqlStore, gold: GoldDocument, doc: str | None, names: GoldNames, count: _Count
) -> None:
    predicted = commitments(store, doc) if doc is not None else []
    required = [c for c in gold.commitments if not c.optional]
    optional = [normalize(c.sentence) for c in gold.commitments if c.optional]
    gold_norm = [normalize(c.sentence) for c in required]
    candidates = []
    for c in predicted:
        quote = normalize(c.quote)
        options = [j for j, g in enumerate(gold_norm) if contains(quote, g)]
        options.sort(key=lambda j: (gold_norm[j] != quote, abs(len(gold_norm[j]) - len(quote))))
        candidates.append(options)
    # Quotes equal to a gold sentence have the first claim on it.
    exact = [
        bool(opts) and gold_norm[opts[0]] == normalize(c.quote)
        for c, opts in zip(predicted, candidates, strict=True)
    ]
    matching = max_matching(candidates, sorted(range(len(predicted)), key=lambda i: not exact[i]))
    matched = set(matching.values())
    false = [
        short(c.quote)
        for i, c in enumerate(predicted)
        if i not in matching and not any(contains(normalize(c.quote), o) for o in optional)
    ]
    missed = [short(g.sentence) for j, g in enumerate(required) if j not in matched]
    count("commitment sentences", Score(len(matched), len(false), len(missed)), missed, false)

    nodes: dict[str, Node] = {}
    if doc is not None:
        nodes = commitment_nodes(store, doc)
    for i in sorted(matching, key=lambda i: matching[i]):
        pred, want = predicted[i], required[matching[i]]
        where = f" @ {short(want.sentence, 50)}"

        def tagged(items: list[str], where: str = where) -> list[str]:
            return [item + where for item in items]

        score, miss, fa = compare_values(pred.types, want.types)
        count("types", score, tagged(miss), tagged(fa))
        for attr in ("parties", "concerns"):
            got = [(nodes[n].display, nodes[n].labels) for n in sorted(getattr(pred, attr))]
            score, miss, fa = compare_sets(got, getattr(want, attr), names)
            count(attr, score, tagged(miss), tagged(fa))
        gold_deadline = [normalize_date(want.deadline)] if want.deadline else []
        score, miss, fa = compare_values(pred.deadlines, gold_deadline)
        count("deadlines", score, tagged(miss), tagged(fa))


def _score_meeting(
    store: SparqlStore, gold: GoldDocument, doc: str | None, names: GoldNames, count: _Count
) -> None:
    dates: list[str] = []
    places: dict[str, Node] = {}
    people: dict[str, Node] = {}
    if doc is not None:
        # What the document itself states, not the meeting it was resolved to (links.py).
        dates, places, people = stated_meeting(store, doc)
    meeting = gold.meeting or GoldMeeting(None, None, ())
    gold_date = [normalize_date(meeting.date)] if meeting.date else []
    count("meeting date", *compare_values(dates, gold_date))
    gold_place = [meeting.place] if meeting.place else []
    got_places = [(n.display, n.labels) for _, n in sorted(places.items())]
    count("meeting place", *compare_sets(got_places, gold_place, names))
    got_people = [(n.display, n.labels) for _, n in sorted(people.items())]
    count("meeting participants", *compare_sets(got_people, meeting.participants, names))
