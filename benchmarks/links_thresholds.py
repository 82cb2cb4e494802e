"""Precision and recall of the corpus-level stage at several lineage thresholds.

Run: ``.venv/bin/python benchmarks/links_thresholds.py [--texts DIR --gold DIR] [T ...]``
(default: the bundled corpus against ../shared/gold, then tests/data/series against itself;
thresholds 0.1 to 0.4). For each threshold it prints the meeting pairs and lineage pairs that
``akg evaluate`` would give, twice: on the graph the extraction built ("as built"), and with
the gold annotations standing in for the extraction ("gold extraction": the gold sentences,
parties and concerns), which measures the linking on its own.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alliance_kg.evaluate import Score, evaluate_links, load_gold, load_links_gold  # noqa: E402
from alliance_kg.graph.links import LINKS_GRAPH, corpus_links  # noqa: E402
from alliance_kg.graph.links.lineages import components, find_links, scored_pairs  # noqa: E402
from alliance_kg.graph.links.read import Corpus, Doc, Entity, Item, read_corpus  # noqa: E402
from alliance_kg.graph.links.weights import vectors  # noqa: E402
from alliance_kg.graph.load import load_paths  # noqa: E402
from alliance_kg.graph.store import replace_graphs  # noqa: E402
from alliance_kg.loaders.readers import sample_corpus_dir  # noqa: E402


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def gold_corpus(gold_dir: Path) -> tuple[Corpus, set[frozenset[tuple[str, str]]]]:
    """A corpus made of the gold annotations, and the gold lineage pairs."""
    docs: dict[str, Doc] = {}
    items: list[Item] = []
    entities: dict[str, Entity] = {}
    for path in sorted(gold_dir.glob("*.gold.json")):
        if path.name == "links.gold.json":
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        name = data["document"]
        docs[name] = Doc(name, name)
        for e in data["entities"]:
            entities.setdefault(
                e["label"], Entity(e["label"], e["label"], {e["type"]}, set(e.get("aliases", [])))
            )
        for k, c in enumerate(data["commitments"]):
            items.append(
                Item(f"{name}#{k}", name, c["sentence"], k, set(c["types"]),
                     frozenset(c["parties"]), set(c["concerns"]))
            )  # fmt: skip
    links = json.loads((gold_dir / "links.gold.json").read_text(encoding="utf-8"))
    pairs = set()
    for lineage in links["lineages"]:
        members = [(m["document"], _norm(m["sentence"])) for m in lineage["members"]]
        pairs |= {frozenset(p) for p in itertools.combinations(members, 2) if p[0][0] != p[1][0]}
    return Corpus(docs, items, entities), pairs


def gold_extraction_score(corpus: Corpus, gold: set[frozenset[tuple[str, str]]], t: float) -> Score:
    vecs = vectors(corpus)
    groups = components(len(corpus.items), find_links(corpus, scored_pairs(corpus, vecs, t), t))
    found = set()
    for group in groups:
        for a, b in itertools.combinations(group, 2):
            x, y = corpus.items[a], corpus.items[b]
            if x.doc != y.doc:
                found.add(frozenset(((x.doc, _norm(x.quote)), (y.doc, _norm(y.quote)))))
    return Score(len(found & gold), len(found - gold), len(gold - found))


def fmt(score: Score) -> str:
    def f(v: float | None) -> str:
        return "    -" if v is None else f"{v:.3f}"

    return f"{f(score.precision)} {f(score.recall)} {f(score.f1)}"


def report(texts: Path, gold_dir: Path, thresholds: list[float]) -> None:
    store = ox.Store()
    load_paths(store, [texts])
    corpus = read_corpus(store)
    links_gold = load_links_gold(gold_dir)
    assert links_gold is not None, f"{gold_dir} has no links.gold.json"
    documents = load_gold(gold_dir)
    by_gold, gold_pairs = gold_corpus(gold_dir)
    print(f"\n{texts} against {gold_dir}")
    print(f"{'threshold':>9}  {'meeting pairs P R F1':<20}  {'lineage pairs (as built)':<24}  "
          "lineage pairs (gold extraction)")  # fmt: skip
    for t in thresholds:
        triples, _ = corpus_links(corpus, t)
        replace_graphs(store, {str(LINKS_GRAPH): triples})
        scores = evaluate_links(store, links_gold, documents).scores
        print(
            f"{t:>9.2f}  {fmt(scores['meeting pairs']):<20}  {fmt(scores['lineage pairs']):<24}  "
            f"{fmt(gold_extraction_score(by_gold, gold_pairs, t))}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("thresholds", nargs="*", type=float,
                        default=[0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4])  # fmt: skip
    parser.add_argument("--texts", type=Path)
    parser.add_argument("--gold", type=Path)
    args = parser.parse_args()
    if args.texts and args.gold:
        sets = [(args.texts, args.gold)]
    else:
        series = ROOT / "tests" / "data" / "series"
        sets = [(sample_corpus_dir(), ROOT.parent / "shared" / "gold"), (series, series)]
    for texts, gold_dir in sets:
        report(texts, gold_dir, args.thresholds)


if __name__ == "__main__":
    main()
