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
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliance_kg.errors import GoldError
from alliance_kg.evaluate import (
    ErrorItem,
    GoldDocument,
    Score,
    _contains,
    _max_matching,
    _select,
    _short,
    _value,
    normalize,
    normalize_date,
)

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

LINKS_FILE = "links.gold.json"
LINK_CATEGORIES: tuple[str, ...] = (
    "meeting pairs",
    "meeting date per document",
    "lineage pairs",
    "conflicts",
)


@dataclass(frozen=True)
class LinksGold:
    """The contents of a ``links.gold.json``."""

    path: Path
    meetings: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    lineages: list[dict[str, Any]]


@dataclass
class LinksReport:
    """Scores of the cross-document categories, with misses and false alarms."""

    scores: dict[str, Score]
    errors: list[ErrorItem] = field(default_factory=list)


def load_links_gold(gold_dir: Path) -> LinksGold | None:
    """The folder's ``links.gold.json``, or None when it has none; a malformed file is a
    ``GoldError`` naming the file and the problem."""
    path = Path(gold_dir) / LINKS_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot be read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise GoldError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    if not isinstance(data, dict):
        raise GoldError(f"{path}: expected a JSON object")
    parts = {}
    for key in ("meetings", "conflicts", "lineages"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise GoldError(f"{path}: {key}: expected a list of objects")
        parts[key] = value
    for i, meeting in enumerate(parts["meetings"]):
        if not isinstance(meeting.get("documents"), list):
            raise GoldError(f"{path}: meetings[{i}]: missing list 'documents'")
    for i, lineage in enumerate(parts["lineages"]):
        members = lineage.get("members")
        if not isinstance(members, list) or not all(
            isinstance(m, dict) and "document" in m and "sentence" in m for m in members
        ):
            raise GoldError(f"{path}: lineages[{i}]: 'members' must list document and sentence")
    return LinksGold(path, parts["meetings"], parts["conflicts"], parts["lineages"])


def evaluate_links(
    store: SparqlStore, gold: LinksGold, documents: list[GoldDocument]
) -> LinksReport:
    """Score the graph's meetings, lineages and conflicts against ``gold``."""
    report = LinksReport({c: Score() for c in LINK_CATEGORIES})
    files = {
        _value(r["f"]): _value(r["d"])
        for r in _select(store, "SELECT ?d ?f WHERE { ?d a akg:Document ; akg:sourceFile ?f }")
    }
    resolved = {
        _value(r["d"]): (_value(r["m"]), normalize_date(_value(r["date"])) if r["date"] else "")
        for r in _select(
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
    rows = _select(
        store,
        "SELECT ?c ?q ?l ?f WHERE { ?c akg:inLineage ?l ; akg:quote ?q ; "
        "akg:statedIn/akg:sourceFile ?f }",
    )
    key_of: dict[str, tuple[str, str]] = {}
    by_doc = {d.document: d for d in documents}
    quotes: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        quotes.setdefault(_value(row["f"]), []).append((_value(row["c"]), _value(row["q"])))
    for file, found in quotes.items():
        sentences = (
            [normalize(c.sentence) for c in by_doc[file].commitments] if file in by_doc else []
        )
        candidates = [
            [j for j, s in enumerate(sentences) if _contains(normalize(q), s)] for _, q in found
        ]
        matching = _max_matching(candidates)
        for i, (iri, quote) in enumerate(found):
            key_of[iri] = (file, sentences[matching[i]] if i in matching else normalize(quote))
    lineages: dict[str, list[str]] = {}
    for row in rows:
        lineages.setdefault(_value(row["l"]), []).append(_value(row["c"]))
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
    return da, f"{_short(sa, 50)} ~ {db}: {_short(sb, 50)}"


def _score_conflicts(store: SparqlStore, gold: LinksGold, report: LinksReport, note: Any) -> None:
    rows = _select(
        store,
        "SELECT ?f ?field ?stated ?resolved WHERE { ?x a akg:Conflict ; akg:conflictIn ?d ; "
        "akg:field ?field ; akg:statedValue ?stated ; akg:resolvedValue ?resolved . "
        "?d akg:sourceFile ?f }",
    )
    predicted = {
        tuple(normalize(_value(r[k])) for k in ("f", "field", "stated", "resolved")) for r in rows
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
