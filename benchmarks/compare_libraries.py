"""Score the extraction with the project's rules against kept libraries doing the same step.

Run: ``.venv/bin/pip install -e '.[compare]'`` once, then
``.venv/bin/python benchmarks/compare_libraries.py [--texts DIR --gold DIR] ...``
(several pairs may be given; the default is the bundled corpus against ``../shared/gold`` or
the copy kept under ``tests/data/evaluate/corpus-gold``).

Variants, each scored with ``akg evaluate``'s own scorer on an in-memory store:

- ``rules``: the pipeline as shipped.
- ``pysbd``: sentence boundaries inside each paragraph from pySBD instead of
  ``sentences.split_sentences`` (furniture, headings and list items are still the project's).
- ``dateparser``: meeting dates from ``dateparser.search.search_dates`` instead of
  ``dates.find_dates``.

trafilatura (HTML main text) is compared separately with ``--html FILE ...``: it prints which
paragraphs each extractor keeps, because no gold set of HTML pages exists yet.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alliance_kg.evaluate import evaluate, load_gold  # noqa: E402
from alliance_kg.graph.load import extract_paths, write_extractions  # noqa: E402
from alliance_kg.loaders import meetings, sentences  # noqa: E402
from alliance_kg.loaders.dates import DateMention  # noqa: E402
from alliance_kg.loaders.readers import sample_corpus_dir  # noqa: E402

COLUMNS = (
    "entities",
    "commitment sentences",
    "types",
    "parties",
    "concerns",
    "deadlines",
    "meeting date",
)


def pysbd_split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` found by pySBD."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    spans = []
    for part in segmenter.segment(text[start:end]):
        a, b = start + part.start, start + part.end
        while b > a and text[b - 1].isspace():
            b -= 1
        if text[a:b].strip():
            spans.append((a, b))
    return spans


_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def dateparser_find(text: str) -> list[DateMention]:
    """Day-precise date mentions found by dateparser, located back in the text."""
    from dateparser.search import search_dates

    found = (
        search_dates(
            text,
            languages=["en"],
            settings={"REQUIRE_PARTS": ["day", "month"], "PREFER_DATES_FROM": "past"},
        )
        or []
    )
    mentions: list[DateMention] = []
    cursor = 0
    for surface, value in found:
        at = text.find(surface, cursor)
        if at < 0:
            continue
        cursor = at + len(surface)
        year = value.year if _YEAR.search(surface) else None
        mentions.append(DateMention(at, cursor, year, value.month, value.day))
    return mentions


@contextmanager
def patched(module: object, name: str, replacement: Callable[..., object]) -> Iterator[None]:
    """Swap one function of a module for the duration of a variant."""
    original = getattr(module, name)
    setattr(module, name, replacement)
    try:
        yield
    finally:
        setattr(module, name, original)


VARIANTS: dict[str, Callable[[], contextmanager[None]]] = {  # type: ignore[type-arg]
    "rules": lambda: patched(sentences, "split_sentences", sentences.split_sentences),
    "pysbd": lambda: patched(sentences, "split_sentences", pysbd_split),
    "dateparser": lambda: patched(meetings, "find_dates", dateparser_find),
}


def score(texts: Path, gold: Path) -> tuple[dict[str, float | None], float]:
    """Extract the texts, load them into a fresh in-memory store and score against gold."""
    started = time.perf_counter()
    extractions = extract_paths([texts])
    elapsed = time.perf_counter() - started
    store = ox.Store()
    write_extractions(store, extractions)
    report = evaluate(store, load_gold(gold))
    return {c: report.totals[c].f1 for c in COLUMNS}, elapsed


def compare_html(paths: list[Path]) -> None:
    """Print the paragraphs the project's HTML reader and trafilatura keep from each page."""
    import trafilatura

    from alliance_kg.loaders.readers import read_document

    for path in paths:
        ours = read_document(path).text
        theirs = trafilatura.extract(path.read_text(encoding="utf-8"), favor_recall=True) or ""
        print(f"== {path}")
        for name, text in (("alliance-kg", ours), ("trafilatura", theirs)):
            paras = [p.strip() for p in text.split("\n") if p.strip()]
            print(f"-- {name}: {len(paras)} lines, {len(text)} characters")
            for p in paras:
                print(f"   {p[:100]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=Path, action="append", default=[])
    parser.add_argument("--gold", type=Path, action="append", default=[])
    parser.add_argument("--html", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    if args.html:
        compare_html(args.html)
        return
    pairs = list(zip(args.texts, args.gold, strict=True))
    if not pairs:
        shared = ROOT.parent / "shared" / "gold"
        gold = shared if shared.is_dir() else ROOT / "tests/data/evaluate/corpus-gold"
        pairs = [(sample_corpus_dir(), gold)]
    for texts, gold in pairs:
        print(f"{texts} against {gold}")
        print(f"{'variant':<12}" + "".join(f"{c[:12]:>14}" for c in COLUMNS) + f"{'extract s':>12}")
        for name, variant in VARIANTS.items():
            with variant():
                figures, elapsed = score(texts, gold)
            cells = "".join(
                f"{'-' if v is None else f'{v:.3f}':>14}" for v in figures.values()
            )
            print(f"{name:<12}{cells}{elapsed:>12.2f}")


if __name__ == "__main__":
    main()
