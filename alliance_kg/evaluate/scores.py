"""What scoring produces: the categories, a category's counts, and the reports that hold them."""

from __future__ import annotations

from dataclasses import dataclass, field

from alliance_kg.ontology import ENTITY_TYPES

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
#: The categories of what holds across documents (``links.gold.json``), in report order.
LINK_CATEGORIES: tuple[str, ...] = (
    "meeting pairs",
    "meeting date per document",
    "lineage pairs",
    "conflicts",
)


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
class LinksReport:
    """Scores of the cross-document categories, with misses and false alarms."""

    scores: dict[str, Score]
    errors: list[ErrorItem] = field(default_factory=list)


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
