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

The modules, each importing only those above it (and errors, ontology, graph):

* ``text``: the normalised form texts are compared in, dates, short quotes.
* ``gold``: reading and checking ``*.gold.json`` and ``links.gold.json``.
* ``scores``: the categories, ``Score`` and the reports.
* ``matching``: one-to-one matching of predicted to gold items, and comparing their values.
* ``predicted``: what the built graph says, read by SPARQL through ``SparqlStore``.
* ``links``: scoring what holds across documents (meetings, lineages, conflicts).
* ``documents``: scoring each document, and a whole gold folder.
* ``report``: the table and JSON reports.
"""

from alliance_kg.evaluate.documents import evaluate, evaluate_folder
from alliance_kg.evaluate.gold import (
    LINKS_FILE,
    GoldCommitment,
    GoldDocument,
    GoldEntity,
    GoldMeeting,
    LinksGold,
    load_gold,
    load_links_gold,
)
from alliance_kg.evaluate.links import evaluate_links
from alliance_kg.evaluate.predicted import VIRTUAL_PLACE_IRI
from alliance_kg.evaluate.report import format_report
from alliance_kg.evaluate.scores import (
    CATEGORIES,
    ENTITY_CATEGORIES,
    LINK_CATEGORIES,
    MEETING_CATEGORIES,
    DocumentReport,
    ErrorItem,
    LinksReport,
    Report,
    Score,
)
from alliance_kg.evaluate.text import normalize, normalize_date

__all__ = [
    "CATEGORIES",
    "ENTITY_CATEGORIES",
    "LINKS_FILE",
    "LINK_CATEGORIES",
    "MEETING_CATEGORIES",
    "VIRTUAL_PLACE_IRI",
    "DocumentReport",
    "ErrorItem",
    "GoldCommitment",
    "GoldDocument",
    "GoldEntity",
    "GoldMeeting",
    "LinksGold",
    "LinksReport",
    "Report",
    "Score",
    "evaluate",
    "evaluate_folder",
    "evaluate_links",
    "format_report",
    "load_gold",
    "load_links_gold",
    "normalize",
    "normalize_date",
]
