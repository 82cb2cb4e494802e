"""Score a built graph against gold annotations (``*.gold.json``, see the gold GUIDELINES.md).

Matching rules, decided here once:

* Text is compared after NFKC, curly quotes and apostrophes made straight, case folding and
  whitespace collapsing (``normalize``).
* Matching is one-to-one (a maximum bipartite matching): a gold item is matched at most once,
  so a second graph node for the same real entity, or a second commitment for the same
  sentence, is a false alarm.
* Predictions that match an ``optional`` gold sentence are neither hits nor false alarms;
  unmatched optional sentences are not misses.
* Types, parties, concerns and deadlines are scored on matched (non-optional) sentence pairs
  only; a sentence the graph missed is counted once, under "commitment sentences".
* Precision is undefined (``None``, shown as ``-``) when nothing was predicted, recall when
  there was nothing to find; F1 is ``2tp / (2tp + fp + fn)``, undefined only when all three are 0.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pyoxigraph

from alliance_kg.errors import GoldError
from alliance_kg.graph.sparql import bind_values
from alliance_kg.ontology import AKG, COMMITMENT_TYPES, ENTITY_TYPES, ID, PREFIXES

if TYPE_CHECKING:
    from alliance_kg.evaluate_links import LinksReport
    from alliance_kg.graph.sparql import SparqlStore

ENTITY_CATEGORIES: tuple[str, ...] = tuple(f"entities:{t}" for t in ENTITY_TYPES)
MEETING_CATEGORIES: tuple[str, ...] = ("meeting date", "meeting place", "meeting participants")
#: Every category scored, in the order reports show them.
CATEGORIES: tuple[str, ...] = (
    "entities",
    *ENTITY_CATEGORIES,
    "commitment sentences",
    "types",
    "parties",
    "concerns",
    "deadlines",
    *MEETING_CATEGORIES,
)

VIRTUAL_PLACE_IRI = str(ID["place/virtual"])
_AKG = str(AKG._NS)


# --------------------------------------------------------------------------- gold files


@dataclass(frozen=True)
class GoldEntity:
    """One real-world entity a gold document names."""

    label: str
    type: str
    alt_types: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def names(self) -> frozenset[str]:
        """The normalised label and aliases."""
        return frozenset(normalize(n) for n in (self.label, *self.aliases))


@dataclass(frozen=True)
class GoldCommitment:
    """One commitment sentence and what it says."""

    sentence: str
    types: tuple[str, ...]
    parties: tuple[str, ...] = ()
    concerns: tuple[str, ...] = ()
    deadline: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class GoldMeeting:
    """The meeting a gold document reports; ``None`` fields are not stated by the document."""

    date: str | None
    place: str | None
    participants: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoldDocument:
    """The annotations of one document, read from ``path``."""

    path: Path
    document: str
    meeting: GoldMeeting | None
    entities: tuple[GoldEntity, ...]
    commitments: tuple[GoldCommitment, ...]


def load_gold(gold_dir: Path) -> list[GoldDocument]:
    """Read every ``*.gold.json`` file of a folder, sorted by file name.

    Raises ``GoldError`` naming the file and the position of the problem for unreadable or
    invalid JSON, missing keys, values of the wrong kind and unknown types; a folder without
    gold files, and two files annotating the same document, are errors too.
    """
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise GoldError(f"{gold_dir}: no such folder")
    # links.gold.json says what holds across the documents (evaluate_links reads it).
    paths = sorted(p for p in gold_dir.glob("*.gold.json") if p.name != "links.gold.json")
    if not paths:
        raise GoldError(f"{gold_dir}: no gold files (*.gold.json) in this folder")
    docs: list[GoldDocument] = []
    seen: dict[str, Path] = {}
    for path in paths:
        doc = _read_gold_file(path)
        if doc.document in seen:
            raise GoldError(
                f"{path}: annotates {doc.document!r}, which {seen[doc.document].name} "
                "annotates already"
            )
        seen[doc.document] = path
        docs.append(doc)
    return docs


def _read_gold_file(path: Path) -> GoldDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise GoldError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise GoldError(f"{path}: cannot be read: {exc.strerror}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GoldError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    where = _Where(path)
    obj = where.object(data, "")
    stem = path.name.removesuffix(".gold.json")
    document = stem + ".txt" if "document" not in obj else where.text(obj["document"], "document")
    meeting_raw = where.key(obj, "meeting", "")
    meeting = None
    if meeting_raw is not None:
        m = where.object(meeting_raw, "meeting")
        meeting = GoldMeeting(
            date=where.optional_text(m.get("date"), "meeting.date"),
            place=where.optional_text(m.get("place"), "meeting.place"),
            participants=where.texts(m.get("participants", []), "meeting.participants"),
        )
    entities = tuple(
        _gold_entity(where, item, f"entities[{i}]")
        for i, item in enumerate(where.array(where.key(obj, "entities", ""), "entities"))
    )
    commitments = tuple(
        _gold_commitment(where, item, f"commitments[{i}]")
        for i, item in enumerate(where.array(where.key(obj, "commitments", ""), "commitments"))
    )
    return GoldDocument(path, document, meeting, entities, commitments)


def _gold_entity(where: _Where, raw: Any, at: str) -> GoldEntity:
    obj = where.object(raw, at)
    kind = where.text(where.key(obj, "type", at), f"{at}.type")
    alt_types = where.texts(obj.get("alt_types", []), f"{at}.alt_types")
    for name, value in [(f"{at}.type", kind)] + [
        (f"{at}.alt_types[{i}]", t) for i, t in enumerate(alt_types)
    ]:
        if value not in ENTITY_TYPES:
            where.fail(
                name, f"unknown entity type {value!r} (expected one of {_list(ENTITY_TYPES)})"
            )
    return GoldEntity(
        label=where.text(where.key(obj, "label", at), f"{at}.label"),
        type=kind,
        alt_types=alt_types,
        aliases=where.texts(obj.get("aliases", []), f"{at}.aliases"),
    )


def _gold_commitment(where: _Where, raw: Any, at: str) -> GoldCommitment:
    obj = where.object(raw, at)
    types = where.texts(where.key(obj, "types", at), f"{at}.types")
    if not types:
        where.fail(f"{at}.types", "needs at least one commitment type")
    for i, kind in enumerate(types):
        if kind not in COMMITMENT_TYPES:
            where.fail(
                f"{at}.types[{i}]",
                f"unknown commitment type {kind!r} (expected one of {_list(COMMITMENT_TYPES)})",
            )
    optional = obj.get("optional", False)
    if not isinstance(optional, bool):
        where.fail(f"{at}.optional", f"expected true or false, found {_kind(optional)}")
    return GoldCommitment(
        sentence=where.text(where.key(obj, "sentence", at), f"{at}.sentence"),
        types=types,
        parties=where.texts(obj.get("parties", []), f"{at}.parties"),
        concerns=where.texts(obj.get("concerns", []), f"{at}.concerns"),
        deadline=where.optional_text(obj.get("deadline"), f"{at}.deadline"),
        optional=optional,
    )


@dataclass(frozen=True)
class _Where:
    """Checks the JSON values of one gold file; errors name the file and the JSON position."""

    path: Path

    def fail(self, at: str, problem: str) -> NoReturn:
        raise GoldError(f"{self.path}: {at}: {problem}" if at else f"{self.path}: {problem}")

    def key(self, obj: dict[str, Any], key: str, at: str) -> Any:
        if key not in obj:
            self.fail(at, f"missing key {key!r}")
        return obj[key]

    def object(self, value: Any, at: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(at, f"expected a JSON object, found {_kind(value)}")
        return value

    def array(self, value: Any, at: str) -> list[Any]:
        if not isinstance(value, list):
            self.fail(at, f"expected a list, found {_kind(value)}")
        return value

    def text(self, value: Any, at: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(at, f"expected a non-empty string, found {_kind(value)}")
        return value

    def optional_text(self, value: Any, at: str) -> str | None:
        return None if value is None else self.text(value, at)

    def texts(self, value: Any, at: str) -> tuple[str, ...]:
        return tuple(self.text(v, f"{at}[{i}]") for i, v in enumerate(self.array(value, at)))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else "a string"
    if isinstance(value, int | float):
        return "a number"
    return "a list" if isinstance(value, list) else "an object"


def _list(names: Iterable[str]) -> str:
    return ", ".join(names)


# --------------------------------------------------------------------------- scores


@dataclass
class Score:
    """Hits (tp), false alarms (fp) and misses (fn) of one category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        """tp / (tp + fp); ``None`` when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """tp / (tp + fn); ``None`` when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """The harmonic mean of precision and recall, 2tp / (2tp + fp + fn)."""
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else None

    def add(self, other: Score) -> None:
        """Add another score's counts to this one (micro-averaging)."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


@dataclass(frozen=True)
class ErrorItem:
    """One miss or false alarm: ``kind`` is ``"miss"`` or ``"false alarm"``."""

    document: str
    category: str
    kind: str
    item: str


@dataclass
class DocumentReport:
    """The scores of one gold document; ``graph_document`` is None when the graph lacks it."""

    document: str
    graph_document: str | None
    scores: dict[str, Score]
    errors: list[ErrorItem]

    @property
    def meeting_correct(self) -> bool:
        """True when the meeting's date, place and participants have no miss or false alarm."""
        return all(self.scores[c].fp == 0 and self.scores[c].fn == 0 for c in MEETING_CATEGORIES)


@dataclass
class Report:
    """Micro-averaged scores over all gold documents, and each document's own."""

    totals: dict[str, Score]
    documents: list[DocumentReport]
    #: Gold documents with no counterpart in the graph (all their items count as misses).
    missing_documents: list[str]
    #: Documents of the graph that no gold file annotates (not scored).
    unscored_documents: list[str]
    #: Scores of what holds across documents, when the folder has a links.gold.json.
    links: LinksReport | None = None

    @property
    def errors(self) -> list[ErrorItem]:
        """Every miss and false alarm, document by document."""
        return [e for d in self.documents for e in d.errors]

    @property
    def meetings_correct(self) -> int:
        """How many documents have their meeting entirely right."""
        return sum(d.meeting_correct for d in self.documents)


# --------------------------------------------------------------------------- matching


_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
    }
)


def normalize(text: str) -> str:
    """The form texts are compared in: NFKC, straight quotes, case-folded, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return re.sub(r"\s+", " ", text).strip()


def normalize_date(value: str) -> str:
    """``"2025"``, ``"2025-03"`` or ``"2025-03-31"`` without time zone or time of day."""
    value = value.strip()
    match = re.match(r"-?\d{4}(?:-\d{2}(?:-\d{2})?)?", value)
    return match.group(0) if match else value


def _max_matching(
    candidates: Sequence[Sequence[int]], order: Iterable[int] | None = None
) -> dict[int, int]:
    """A maximum one-to-one matching; ``candidates[i]`` lists, best first, what i may match.

    Augmenting paths (Kuhn): items taken earlier in ``order`` keep their preferred partner
    unless giving it up lets one more item be matched. Returns {item: partner}.
    """
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in candidates[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(candidates)) if order is None else order:
        augment(i, set())
    return {i: j for j, i in owner.items()}


@dataclass
class _GoldNames:
    """Resolves names used in one gold file to the names of its entities."""

    entities: tuple[GoldEntity, ...]
    by_name: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for i, entity in enumerate(self.entities):
            for name in sorted(entity.names()):
                self.by_name.setdefault(name, []).append(i)

    def names_of(self, label: str) -> frozenset[str]:
        """The label with the aliases of the gold entity it names (if any)."""
        names = {normalize(label)}
        # The entity whose canonical label it is wins over one that merely has it as alias.
        hits = self.by_name.get(normalize(label), [])
        exact = [i for i in hits if normalize(self.entities[i].label) == normalize(label)]
        for i in (exact or hits)[:1]:
            names |= self.entities[i].names()
        return frozenset(names)

    def canonical(self, labels: frozenset[str], preferred: Sequence[str]) -> str | None:
        """The gold label naming a predicted node, trying the ``preferred`` labels first."""
        for label in preferred:
            if labels & self.names_of(label):
                return label
        for entity in self.entities:
            if labels & entity.names():
                return entity.label
        return None


def _compare_sets(
    predicted: Iterable[tuple[str, frozenset[str]]],
    gold: Sequence[str],
    names: _GoldNames,
) -> tuple[Score, list[str], list[str]]:
    """Compare predicted nodes (display name, normalised labels) with gold canonical labels.

    Each predicted node becomes the gold label it names (or its own display name); the two
    sides are then compared as sets. Returns the score, the missed and the false labels.
    """
    gold_keys = {normalize(g): g for g in gold}
    pred_keys: dict[str, str] = {}
    for display, labels in predicted:
        canonical = names.canonical(labels, gold) or display
        pred_keys.setdefault(normalize(canonical), canonical)
    hits = gold_keys.keys() & pred_keys.keys()
    missed = sorted(gold_keys[k] for k in gold_keys.keys() - hits)
    false = sorted(pred_keys[k] for k in pred_keys.keys() - hits)
    return Score(len(hits), len(false), len(missed)), missed, false


def _compare_values(
    predicted: Iterable[str], gold: Iterable[str]
) -> tuple[Score, list[str], list[str]]:
    pred = set(predicted)
    gold_set = set(gold)
    missed = sorted(gold_set - pred)
    false = sorted(pred - gold_set)
    return Score(len(pred & gold_set), len(false), len(missed)), missed, false


# --------------------------------------------------------------------------- the graph


_PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def _select(store: SparqlStore, query: str, doc: str | None = None) -> list[dict[str, Any]]:
    """Run a SELECT over the union graph; ``?doc`` in the query is bound to the ``doc`` IRI."""
    if doc is not None:
        # pyoxigraph only substitutes projected variables, so bind ?doc inside the pattern.
        query = bind_values(query, {pyoxigraph.Variable("doc"): pyoxigraph.NamedNode(doc)})
    result = store.query(_PROLOGUE + query)
    assert isinstance(result, pyoxigraph.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: sol[n] for n in names} for sol in result]


def _value(term: Any) -> str:
    return "" if term is None else str(term.value)


@dataclass
class _Node:
    """A predicted node with its labels: the display label first."""

    iri: str
    display: str
    labels: frozenset[str]


def _nodes(rows: Iterable[dict[str, Any]], var: str) -> dict[str, _Node]:
    """Group (node, property, label) rows into nodes; prefLabel, then rdfs:label, names them."""
    raw: dict[str, list[tuple[int, str]]] = {}
    rank = {
        PREFIXES["skos"] + "prefLabel": 0,
        PREFIXES["rdfs"] + "label": 1,
        PREFIXES["skos"] + "altLabel": 2,
    }
    for row in rows:
        iri = _value(row[var])
        entry = raw.setdefault(iri, [])
        if row.get("l") is not None:
            entry.append((rank.get(_value(row["lp"]), 3), _value(row["l"])))
    nodes: dict[str, _Node] = {}
    for iri, labels in raw.items():
        display = min(labels)[1] if labels else iri.rsplit("/", 1)[-1]
        names = frozenset(normalize(label) for _, label in labels)
        if iri == VIRTUAL_PLACE_IRI:
            names |= {"virtual"}
        nodes[iri] = _Node(iri, display, names)
    return nodes


def _labelled(store: SparqlStore, doc: str, pattern: str) -> dict[str, _Node]:
    """The nodes ``?n`` that ``pattern`` (which may use ``?doc``) finds, with their labels."""
    query = (
        f"SELECT ?n ?lp ?l WHERE {{ {pattern} "
        "OPTIONAL { ?n ?lp ?l . FILTER(?lp IN (skos:prefLabel, rdfs:label, skos:altLabel)) } }"
    )
    return _nodes(_select(store, query, doc), "n")


def _graph_documents(store: SparqlStore) -> dict[str, str]:
    rows = _select(store, "SELECT ?d ?f WHERE { ?d a akg:Document ; akg:sourceFile ?f }")
    files: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: (_value(r["d"]), _value(r["f"]))):
        files.setdefault(_value(row["d"]), _value(row["f"]))
    return files


def _find_document(files: dict[str, str], name: str) -> str | None:
    exact = [d for d, f in files.items() if f == name]
    if exact:
        return exact[0]
    stem = Path(name).stem
    by_stem = [d for d, f in files.items() if Path(f).stem == stem]
    return by_stem[0] if by_stem else None


@dataclass
class _Commitment:
    iri: str
    quote: str
    start: int
    types: set[str] = field(default_factory=set)
    parties: set[str] = field(default_factory=set)
    concerns: set[str] = field(default_factory=set)
    deadlines: set[str] = field(default_factory=set)


def _commitments(store: SparqlStore, doc: str) -> list[_Commitment]:
    rows = _select(
        store,
        "SELECT ?c ?q ?s WHERE { ?c a akg:Commitment ; akg:statedIn ?doc . "
        "OPTIONAL { ?c akg:quote ?q } OPTIONAL { ?c akg:startOffset ?s } }",
        doc,
    )
    found: dict[str, _Commitment] = {}
    for row in rows:
        iri = _value(row["c"])
        start = _value(row["s"])
        found.setdefault(
            iri, _Commitment(iri, _value(row["q"]), int(start) if start.isdigit() else 0)
        )
    for prop, attr in [
        ("akg:commitmentType", "types"),
        ("akg:madeBy", "parties"),
        ("akg:concerns", "concerns"),
        ("akg:deadline", "deadlines"),
    ]:
        rows = _select(
            store,
            f"SELECT ?c ?v WHERE {{ ?c a akg:Commitment ; akg:statedIn ?doc ; {prop} ?v }}",
            doc,
        )
        for row in rows:
            value = _value(row["v"])
            if attr == "types" and value.startswith(_AKG):
                value = value[len(_AKG) :]
            elif attr == "deadlines":
                value = normalize_date(value)
            getattr(found[_value(row["c"])], attr).add(value)
    return sorted(found.values(), key=lambda c: (c.start, c.iri))


# --------------------------------------------------------------------------- evaluation


def evaluate(store: SparqlStore, gold: list[GoldDocument]) -> Report:
    """Score the graph in ``store`` against gold documents (see the module docstring)."""
    files = _graph_documents(store)
    documents: list[DocumentReport] = []
    missing: list[str] = []
    used: set[str] = set()
    for gold_doc in gold:
        doc_iri = _find_document(files, gold_doc.document)
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
    from alliance_kg.evaluate_links import evaluate_links, load_links_gold

    documents = load_gold(gold_dir)
    report = evaluate(store, documents)
    links = load_links_gold(gold_dir)
    if links is not None:
        report.links = evaluate_links(store, links, documents)
    return report


def _evaluate_document(store: SparqlStore, gold: GoldDocument, doc: str | None) -> DocumentReport:
    report = DocumentReport(gold.document, doc, {c: Score() for c in CATEGORIES}, [])
    names = _GoldNames(gold.entities)

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
    rows: list[dict[str, Any]] = []
    if doc is not None:
        types = " ".join(f"akg:{t}" for t in ENTITY_TYPES)
        rows = _select(
            store,
            f"SELECT ?n ?t ?lp ?l WHERE {{ VALUES ?t {{ {types} }} "
            "?n akg:mentionedIn ?doc ; a ?t . "
            "OPTIONAL { ?n ?lp ?l . FILTER(?lp IN (skos:prefLabel, rdfs:label, skos:altLabel)) } }",
            doc,
        )
    nodes = _nodes(rows, "n")
    node_types: dict[str, set[str]] = {}
    for row in rows:
        node_types.setdefault(_value(row["n"]), set()).add(_value(row["t"])[len(_AKG) :])
    predicted = sorted(nodes.values(), key=lambda n: n.iri)

    def kind_of(node: _Node) -> str:
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
    matching = _max_matching(candidates, sorted(range(len(predicted)), key=lambda i: not exact[i]))
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


def _contains(a: str, b: str) -> bool:
    return bool(a) and bool(b) and (a in b or b in a)


def _score_commitments(
    store: SparqlStore,
    gold: GoldDocument,
    doc: str | None,
    names: _GoldNames,
    count: _Count,
) -> None:
    predicted = _commitments(store, doc) if doc is not None else []
    required = [c for c in gold.commitments if not c.optional]
    optional = [normalize(c.sentence) for c in gold.commitments if c.optional]
    gold_norm = [normalize(c.sentence) for c in required]
    candidates = []
    for c in predicted:
        quote = normalize(c.quote)
        options = [j for j, g in enumerate(gold_norm) if _contains(quote, g)]
        options.sort(key=lambda j: (gold_norm[j] != quote, abs(len(gold_norm[j]) - len(quote))))
        candidates.append(options)
    # Quotes equal to a gold sentence have the first claim on it.
    exact = [
        bool(opts) and gold_norm[opts[0]] == normalize(c.quote)
        for c, opts in zip(predicted, candidates, strict=True)
    ]
    matching = _max_matching(candidates, sorted(range(len(predicted)), key=lambda i: not exact[i]))
    matched = set(matching.values())
    false = [
        _short(c.quote)
        for i, c in enumerate(predicted)
        if i not in matching and not any(_contains(normalize(c.quote), o) for o in optional)
    ]
    missed = [_short(g.sentence) for j, g in enumerate(required) if j not in matched]
    count("commitment sentences", Score(len(matched), len(false), len(missed)), missed, false)

    nodes: dict[str, _Node] = {}
    if doc is not None:
        nodes = _labelled(
            store,
            doc,
            "?c a akg:Commitment ; akg:statedIn ?doc . "
            "{ ?c akg:madeBy ?n } UNION { ?c akg:concerns ?n }",
        )
    for i in sorted(matching, key=lambda i: matching[i]):
        pred, want = predicted[i], required[matching[i]]
        where = f" @ {_short(want.sentence, 50)}"

        def tagged(items: list[str], where: str = where) -> list[str]:
            return [item + where for item in items]

        score, miss, fa = _compare_values(pred.types, want.types)
        count("types", score, tagged(miss), tagged(fa))
        for attr in ("parties", "concerns"):
            got = [(nodes[n].display, nodes[n].labels) for n in sorted(getattr(pred, attr))]
            score, miss, fa = _compare_sets(got, getattr(want, attr), names)
            count(attr, score, tagged(miss), tagged(fa))
        gold_deadline = [normalize_date(want.deadline)] if want.deadline else []
        score, miss, fa = _compare_values(pred.deadlines, gold_deadline)
        count("deadlines", score, tagged(miss), tagged(fa))


def _score_meeting(
    store: SparqlStore,
    gold: GoldDocument,
    doc: str | None,
    names: _GoldNames,
    count: _Count,
) -> None:
    dates: list[str] = []
    places: dict[str, _Node] = {}
    people: dict[str, _Node] = {}
    if doc is not None:
        # What the document itself states (the user's metadata first), not the meeting the
        # corpus-level stage resolved it to: evaluate_links scores that.
        rows = _select(
            store,
            "SELECT ?date WHERE { { ?doc akg:givenDate ?date } UNION "
            "{ ?doc akg:statedDate ?date FILTER NOT EXISTS { ?doc akg:givenDate ?g } } }",
            doc,
        )
        dates = [normalize_date(_value(r["date"])) for r in rows]
        places = _labelled(
            store,
            doc,
            "{ ?doc akg:givenPlace ?n } UNION "
            "{ ?doc akg:statedPlace ?n FILTER NOT EXISTS { ?doc akg:givenPlace ?g } }",
        )
        people = _labelled(store, doc, "?doc akg:statedParticipant ?n .")
    meeting = gold.meeting or GoldMeeting(None, None, ())
    gold_date = [normalize_date(meeting.date)] if meeting.date else []
    count("meeting date", *_compare_values(dates, gold_date))
    gold_place = [meeting.place] if meeting.place else []
    got_places = [(n.display, n.labels) for _, n in sorted(places.items())]
    count("meeting place", *_compare_sets(got_places, gold_place, names))
    got_people = [(n.display, n.labels) for _, n in sorted(people.items())]
    count("meeting participants", *_compare_sets(got_people, meeting.participants, names))


def _short(text: str, width: int = 80) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= width:
        return f'"{text}"'
    cut = text[: width - 1]
    return f'"{cut.rsplit(" ", 1)[0] if " " in cut else cut}…"'


# --------------------------------------------------------------------------- output


def format_report(
    report: Report, fmt: str = "table", per_document: bool = False, show_errors: bool = True
) -> str:
    """Render a report as a text ``table`` or as ``json``; both end without a newline."""
    if fmt == "json":
        return _format_json(report, per_document, show_errors)
    if fmt != "table":
        raise ValueError(f"unknown report format {fmt!r} (expected table or json)")
    lines = ["All documents (micro-averaged)", *_table(report.totals)]
    lines.append(
        f"meeting all correct: {report.meetings_correct}/{len(report.documents)} documents"
    )
    if report.links is not None:
        lines += ["", "Across documents (links.gold.json)", *_table(report.links.scores)]
    if report.missing_documents:
        lines.append("not in the graph: " + ", ".join(report.missing_documents))
    if per_document:
        for doc in report.documents:
            state = "" if doc.graph_document else " (not in the graph)"
            lines += ["", f"{doc.document}{state}", *_table(doc.scores)]
            lines.append(f"meeting all correct: {'yes' if doc.meeting_correct else 'no'}")
    if show_errors:
        errors = report.errors + (report.links.errors if report.links else [])
        lines += [
            "",
            "Misses (-) and false alarms (+):" if errors else "No misses or false alarms.",
        ]
        current = None
        for e in errors:
            if e.document != current:
                current = e.document
                lines.append(e.document)
            sign = "-" if e.kind == "miss" else "+"
            lines.append(f"  {e.category:<21} {sign} {e.item}")
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _table(scores: dict[str, Score]) -> list[str]:
    width = max(22, *(len(c) for c in scores))
    rows = [f"{'category':<{width}} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for c in scores:
        s = scores[c]
        rows.append(
            f"{c:<{width}} {_fmt(s.precision):>6} {_fmt(s.recall):>6} {_fmt(s.f1):>6} "
            f"{s.tp:>5} {s.fp:>5} {s.fn:>5}"
        )
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _score_json(scores: dict[str, Score]) -> dict[str, dict[str, Any]]:
    return {
        c: {
            "precision": _round(s.precision),
            "recall": _round(s.recall),
            "f1": _round(s.f1),
            "tp": s.tp,
            "fp": s.fp,
            "fn": s.fn,
        }
        for c, s in scores.items()
    }


def _format_json(report: Report, per_document: bool, show_errors: bool) -> str:
    data: dict[str, Any] = {
        "totals": _score_json(report.totals),
        "meetings_all_correct": report.meetings_correct,
        "documents_scored": len(report.documents),
        "missing_documents": report.missing_documents,
        "unscored_documents": report.unscored_documents,
    }
    if report.links is not None:
        data["links"] = _score_json(report.links.scores)
    if per_document:
        data["documents"] = [
            {
                "document": d.document,
                "graph_document": d.graph_document,
                "scores": _score_json(d.scores),
                "meeting_all_correct": d.meeting_correct,
            }
            for d in report.documents
        ]
    if show_errors:
        data["errors"] = [
            {"document": e.document, "category": e.category, "kind": e.kind, "item": e.item}
            for e in report.errors + (report.links.errors if report.links else [])
        ]
    return json.dumps(data, indent=2, ensure_ascii=False)
