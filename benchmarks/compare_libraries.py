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

trafilatura (HTML main text) is compared with ``--html-from DIR``: every ``.txt`` statement of
DIR is wrapped in the same news-site page (navigation, share bar, related articles, comments,
footer), and the pages are scored twice, read by the project's HTML reader and as the text
``trafilatura.extract`` keeps. ``--html FILE ...`` prints what each extractor keeps of a page.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alliance_kg.evaluate import CATEGORIES, MEETING_CATEGORIES, evaluate, load_gold  # noqa: E402
from alliance_kg.graph.load import extract_paths, write_extractions  # noqa: E402
from alliance_kg.loaders import meetings, sentences  # noqa: E402
from alliance_kg.loaders.dates import DateMention  # noqa: E402
from alliance_kg.loaders.readers import sample_corpus_dir  # noqa: E402

# The overall categories of ``akg evaluate`` (not per entity type) and the meeting date.
COLUMNS = tuple(c for c in CATEGORIES if ":" not in c and c not in MEETING_CATEGORIES[1:])


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


VARIANTS: dict[str, Callable[[], AbstractContextManager[None]]] = {
    "rules": nullcontext,
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


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Example News</title></head>
<body>
<header><a href="/">Example News</a>
<nav><ul><li><a href="/world">World</a></li><li><a href="/defence">Defence</a></li>
<li><a href="/asia">Asia</a></li><li><a href="/subscribe">Subscribe</a></li></ul></nav></header>
<div class="share">Share this article: <a href="#">Facebook</a> <a href="#">X</a></div>
<main><article><h1>{title}</h1>
{body}
</article></main>
<aside><h2>Related articles</h2><ul>
<li><a href="/a">Leaders meet in Canberra to discuss trade</a></li>
<li><a href="/b">Navy commissions new frigate in a ceremony</a></li></ul></aside>
<section class="comments"><h2>Leave a comment</h2>
<p>Reader: The ministers agreed to nothing new, as usual.</p></section>
<footer><p>Copyright 2026 Example News. All rights reserved.</p>
<p>Sign up for our newsletter</p></footer>
</body></html>
"""


def as_page(text: str) -> str:
    """A statement as the article of a news-site page: paragraphs, list items, a heading."""
    lines = text.strip().split("\n")
    parts: list[str] = []
    items: list[str] = []
    for line in lines[1:]:
        line = line.strip()
        if line.startswith(("- ", "* ", "• ")):
            items.append(f"<li>{html.escape(line[2:])}</li>")
            continue
        if items:
            parts.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if line:
            parts.append(f"<p>{html.escape(line)}</p>")
    if items:
        parts.append("<ul>" + "".join(items) + "</ul>")
    return _PAGE.format(title=html.escape(lines[0].strip()), body="\n".join(parts))


def score_html(texts: Path, gold: Path) -> None:
    """Score the statements of ``texts`` read from news-site pages by both extractors."""
    import trafilatura

    with tempfile.TemporaryDirectory() as tmp:
        pages, kept = Path(tmp, "pages"), Path(tmp, "trafilatura")
        pages.mkdir()
        kept.mkdir()
        for path in sorted(texts.glob("*.txt")):
            page = as_page(path.read_text(encoding="utf-8"))
            (pages / f"{path.stem}.html").write_text(page, encoding="utf-8")
            main_text = trafilatura.extract(page, include_comments=False) or ""
            (kept / path.stem).with_suffix(".txt").write_text(main_text, encoding="utf-8")
        print(f"{texts} as news-site pages, against {gold}")
        print(f"{'reader':<12}" + "".join(f"{c[:12]:>14}" for c in COLUMNS))
        for name, folder in (("alliance-kg", pages), ("trafilatura", kept)):
            figures, _ = score(folder, gold)
            cells = "".join(f"{'-' if v is None else f'{v:.3f}':>14}" for v in figures.values())
            print(f"{name:<12}{cells}")


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
    parser.add_argument("--html-from", type=Path)
    args = parser.parse_args()
    if args.html:
        compare_html(args.html)
        return
    if args.html_from:
        score_html(args.html_from, args.gold[0] if args.gold else args.html_from)
        return
    pairs = list(zip(args.texts, args.gold, strict=True))
    if not pairs:
        shared = ROOT.parent / "shared" / "gold"
        gold = shared if shared.is_dir() else ROOT / "tests/data/evaluate/corpus-gold"
        pairs = [(sample_corpus_dir(), gold)]
    for texts, gold in pairs:
        extract_paths([texts])  # warm the vocabulary caches so the first variant is not charged
        print(f"{texts} against {gold}")
        print(f"{'variant':<12}" + "".join(f"{c[:12]:>14}" for c in COLUMNS) + f"{'extract s':>12}")
        for name, variant in VARIANTS.items():
            with variant():
                figures, elapsed = score(texts, gold)
            cells = "".join(f"{'-' if v is None else f'{v:.3f}':>14}" for v in figures.values())
            print(f"{name:<12}{cells}{elapsed:>12.2f}")


if __name__ == "__main__":
    main()
