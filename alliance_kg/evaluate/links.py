"""Score what holds across documents against ``links.gold.json`` (the last section of the gold
GUIDELINES.md): meetings, each document's meeting date, lineages and conflicts.

* ``meeting pairs``: every pair of gold documents found in the graph is one item, positive when
  the two report one meeting; precision and recall over the positive pairs.
* ``meeting date per document``: the date of the meeting each document was resolved to, against
  the gold meeting's date.
* ``lineage pairs``: pairs of commitment sentences of different documents that share a lineage.
  A graph commitment stands for the gold sentence of its document it matches (the matching of
  ``evaluate``); pairs that involve an ``optional`` gold sentence outside every gold lineage
  count neither way.
* ``conflicts``: (document, field, stated value, resolved value) compared as normalised text.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from alliance_kg.evaluate.gold import GoldDocument, LinksGold
from alliance_kg.evaluate.matching import max_matching
from alliance_kg.evaluate.predicted import select, text_of
from alliance_kg.evaluate.scores import LINK_CATEGORIES, ErrorItem, LinksReport, Score
from alliance_kg.evaluate.text import contains, normalize, normalize_date, short

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore


def evaluate_links(
    store: SparqlStore, gold: LinksGold, documents: list[GoldDocument]
) -> LinksReport:
    """Score the graph's meetings, lineages and conflicts against ``gold``."""
    report = LinksReport({c: Score() for c in LINK_CATEGORIES})
    files = {
        text_of(r["f"]): text_of(r["d"])
        for r in select(store, "SELECT ?d ?f WHERE { ?d a akg:Document ; akg:sourceFile ?f }")
    }
    resolved = {
        text_of(r["d"]): (text_of(r["m"]), normalize_date(text_of(r["date"])) if r["date"] else "")
        for r in select(
            store,
            "SELECT ?d ?m ?date WHERE { ?d akg:reports ?m . OPTIONAL { ?m dct:date ?date } }",
        )
    }

    def note(category: str, kind: str, document: str, item: str) -> None:
        report.errors.append(ErrorItem(document, category, kind, item))

    gold_meeting = {doc: m for m in gold.meetings for doc in m["documents"]}
    scored = sorted(d for d in gold_meeting if d in files)
    for a, b in itertools.combinations(scored, 2):
        same_gold = gold_meeting[a] is gold_meeting[b]
        ma, mb = resolved.get(files[a], ("", ""))[0], resolved.get(files[b], ("", ""))[0]
        same = bool(ma) and ma == mb
        score = report.scores["meeting pairs"]
        if same and same_gold:
            score.tp += 1
        elif same:
            score.fp += 1
            note("meeting pairs", "false alarm", a, f"same meeting as {b}")
        elif same_gold:
            score.fn += 1
            note("meeting pairs", "miss", a, f"same meeting as {b}")
    for doc in sorted(gold_meeting):
        want = gold_meeting[doc].get("date")
        got = resolved.get(files.get(doc, ""), ("", ""))[1]
        score = report.scores["meeting date per document"]
        if want and got == normalize_date(want):
            score.tp += 1
            continue
        if got:
            score.fp += 1
            note("meeting date per document", "false alarm", doc, got)
        if want:
            score.fn += 1
            note("meeting date per document", "miss", doc, want)
    _score_lineages(store, gold, documents, files, report, note)
    _score_conflicts(store, gold, report, note)
    return report


def _score_lineages(
    store: SparqlStore,
    gold: LinksGold,
    documents: list[GoldDocument],
    files: dict[str, str],
    report: LinksReport,
    note: Any,
) -> None:
    in_lineage = {
        (m["document"], normalize(m["sentence"])) for lin in gold.lineages for m in lin["members"]
    }
    gold_pairs = set()
    for lin in gold.lineages:
        members = [(m["document"], normalize(m["sentence"])) for m in lin["members"]]
        for x, y in itertools.combinations(members, 2):
            if x[0] != y[0]:
                gold_pairs.add(frozenset((x, y)))
    ignored = {
        (d.document, normalize(c.sentence))
        for d in documents
        for c in d.commitments
        if c.optional and (d.document, normalize(c.sentence)) not in in_lineage
    }
    rows = select(
        store,
        "SELECT ?c ?q ?l ?f WHERE { ?c akg:inLineage ?l ; akg:quote ?q ; "
        "akg:statedIn/akg:sourceFile ?f }",
    )
    key_of: dict[str, tuple[str, str]] = {}
    by_doc = {d.document: d for d in documents}
    quotes: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        quotes.setdefault(text_of(row["f"]), []).append((text_of(row["c"]), text_of(row["q"])))
    for file, found in quotes.items():
        sentences = (
            [normalize(c.sentence) for c in by_doc[file].commitments] if file in by_doc else []
        )
        candidates = [
            [j for j, s in enumerate(sentences) if contains(normalize(q), s)] for _, q in found
        ]
        matching = max_matching(candidates)
        for i, (iri, quote) in enumerate(found):
            key_of[iri] = (file, sentences[matching[i]] if i in matching else normalize(quote))
    lineages: dict[str, list[str]] = {}
    for row in rows:
        lineages.setdefault(text_of(row["l"]), []).append(text_of(row["c"]))
    predicted = set()
    for group in lineages.values():
        for cx, cy in itertools.combinations(sorted(set(group)), 2):
            kx, ky = key_of[cx], key_of[cy]
            if kx[0] != ky[0] and kx not in ignored and ky not in ignored:
                predicted.add(frozenset((kx, ky)))
    score = report.scores["lineage pairs"]
    score.tp += len(predicted & gold_pairs)
    for pair in sorted(predicted - gold_pairs, key=sorted):
        score.fp += 1
        note("lineage pairs", "false alarm", *_pair_text(pair))
    for pair in sorted(gold_pairs - predicted, key=sorted):
        score.fn += 1
        note("lineage pairs", "miss", *_pair_text(pair))


def _pair_text(pair: frozenset[tuple[str, str]]) -> tuple[str, str]:
    (da, sa), (db, sb) = sorted(pair)
    return da, f"{short(sa, 50)} ~ {db}: {short(sb, 50)}"


def _score_conflicts(store: SparqlStore, gold: LinksGold, report: LinksReport, note: Any) -> None:
    rows = select(
        store,
        "SELECT ?f ?field ?stated ?resolved WHERE { ?x a akg:Conflict ; akg:conflictIn ?d ; "
        "akg:field ?field ; akg:statedValue ?stated ; akg:resolvedValue ?resolved . "
        "?d akg:sourceFile ?f }",
    )
    predicted = {
        tuple(normalize(text_of(r[k])) for k in ("f", "field", "stated", "resolved")) for r in rows
    }
    wanted = {
        tuple(normalize(str(c.get(k, ""))) for k in ("document", "field", "stated", "resolved"))
        for c in gold.conflicts
    }
    score = report.scores["conflicts"]
    score.tp += len(predicted & wanted)
    for item in sorted(predicted - wanted):
        score.fp += 1
        note("conflicts", "false alarm", item[0], " / ".join(item[1:]))
    for item in sorted(wanted - predicted):
        score.fn += 1
        note("conflicts", "miss", item[0], " / ".join(item[1:]))
