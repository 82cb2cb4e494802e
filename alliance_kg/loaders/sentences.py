"""Lines, page furniture, headings, list items and sentences of a statement's text.

Statements arrive as text with their quirks: bullets (``-``, ``▶``), numbered paragraphs
(``(1)``), lines broken mid-sentence and across page breaks, ``U.S.`` abbreviations, image
captions and site furniture. Everything here works on character offsets into the original
text, so a sentence can always be traced back to where it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from alliance_kg.loaders.model import Sentence

# A line that is wholly site furniture, wherever it stands.
_FURNITURE_LINE = re.compile(
    r"""^(?:
        original\ source.*|more\ news|related\ (?:articles|posts|stories|news)|
        leave\ a\ (?:comment|reply).*|subscribe.*|enter\ your\ e-?mail.*|back\ to\ top|
        share(?:\ this)?(?:\ (?:article|story|page))?:?|print(?:\ this)?|read\ more.*|
        advertisement|sources?:.*|copyright.*|©.*|all\ rights\ reserved.*|follow\ us.*|
        tags?:.*|posted\ (?:in|on|by)\ .*|click\ here.*|sign\ up.*|\d{1,4}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Fragments that mark a line as furniture: captions and post metadata, and a bar between
# words ("Home | News"). One pattern per kind of fragment, each tried only on a line holding
# its word (see _furniture_fragment).
_FURNITURE_CAPTION = re.compile(
    r"\((?:image|photo|picture)\s*(?:credit|courtesy|source)?s?\s*:", re.IGNORECASE
)
_FURNITURE_PHOTO = re.compile(r"\bphoto(?:graph)?\s*(?:credit|by)\b", re.IGNORECASE)
_FURNITURE_COMMENTS = re.compile(r"\bNo Comments\b|\bComments? on\b", re.IGNORECASE)
_FURNITURE_BAR = re.compile(r"\S\s\|\s\S")
# Furniture that ends an article: whatever follows it is the site's, not the statement's.
_END_OF_ARTICLE = re.compile(
    r"^(?:related\ (?:articles|posts|stories|news)|leave\ a\ (?:comment|reply).*|"
    r"copyright.*|©.*|subscribe.*|more\ news|share(?:\ this)?.*)$",
    re.IGNORECASE | re.VERBOSE,
)
_BULLET = re.compile(
    r"^[ \t]*(?:(?:[-*•▶►‣◦–—·]|\(\d{1,2}\)|\d{1,2}[.)]|\([a-z]\)|[a-z]\))[ \t]+)+"
)
_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+")
_TERMINAL = ".!?:;"
_CLOSERS = "\"'”’)]"

# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "st", "jr", "sr", "no", "nos", "gen", "lt", "col", "adm"]
    + ["maj", "capt", "sgt", "rep", "sen", "gov", "amb", "hon", "prof", "vs", "etc", "e.g"]
    + ["i.e", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov"]
    + ["dec", "inc", "co", "corp", "ltd", "a.m", "p.m", "approx", "dept", "fig", "est"]
)
# After an initialism such as "U.S." a sentence ends only if one of these words follows:
# in these statements "U.S." is far more often an adjective ("U.S. forces").
_SENTENCE_STARTERS = frozenset(
    [
        "The",
        "They",
        "This",
        "These",
        "Those",
        "It",
        "Its",
        "We",
        "Our",
        "He",
        "She",
        "His",
        "Her",
        "Both",
        "In",
        "On",
        "At",
        "During",
        "As",
        "After",
        "Before",
        "Since",
        "While",
        "When",
        "Japan's",
        "A",
        "An",
        "Their",
        "There",
        "However",
        "Additionally",
        "Also",
        "Further",
        "Furthermore",
        "Moreover",
        "Meanwhile",
    ]
)


@dataclass(frozen=True, init=False)
class Line:
    """One line of the text with its role."""

    start: int  # offset of the first character of the content (after any marker)
    end: int  # offset just after the last non-space character
    kind: str  # "blank" | "furniture" | "heading" | "item" | "text"
    marker: str = ""  # the bullet or number that introduced an item

    def __init__(self, start: int, end: int, kind: str, marker: str = "") -> None:
        # As Mention's (model.py).
        fields = {"start": start, "end": end, "kind": kind, "marker": marker}
        object.__setattr__(self, "__dict__", fields)


@dataclass(frozen=True, init=False)
class Paragraph:
    """A run of lines that forms running text, or one list item."""

    start: int
    end: int
    is_item: bool
    marker: str = ""

    def __init__(self, start: int, end: int, is_item: bool, marker: str = "") -> None:
        # As Mention's (model.py).
        fields = {"start": start, "end": end, "is_item": is_item, "marker": marker}
        object.__setattr__(self, "__dict__", fields)


def collapse(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    # str.split() and the regex ``\s`` agree on what whitespace is; split and join run in C
    # without building a piece for every single space, as ``re.sub`` does.
    # Every whitespace character but the ASCII space is unprintable: a printable text without
    # two spaces in a row nor one at either end is already collapsed, and is not split into
    # its words (most lines and sentences are).
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def classify_lines(text: str) -> list[Line]:
    """Split the text into lines and give each its role (furniture, heading, item, text)."""
    raw: list[tuple[int, int]] = []
    pos = 0
    for chunk in text.splitlines(keepends=True):
        body = chunk.rstrip("\r\n")
        raw.append((pos, pos + len(body)))
        pos += len(chunk)

    seen: set[str] = set()
    lines: list[Line] = []
    article_ended = False
    total = len(text) or 1
    for start, end in raw:
        content = text[start:end]
        stripped = content.strip()
        if not stripped:
            lines.append(Line(start, start, "blank"))
            continue
        lead = len(content) - len(content.lstrip())
        cstart, cend = start + lead, start + len(content.rstrip())
        norm = collapse(stripped).lower()
        plain = _unmarked(_unmarked(stripped, _MD_HEADING), _BULLET).strip()
        if (
            article_ended
            or _FURNITURE_LINE.match(plain)
            or _furniture_fragment(stripped, norm)
            or (norm in seen and len(norm) > 3)
        ):
            if _END_OF_ARTICLE.match(plain) and start / total > 0.5:
                article_ended = True
            lines.append(Line(cstart, cend, "furniture"))
            continue
        seen.add(norm)
        if _MD_HEADING.match(content):
            m = _MD_HEADING.match(content)
            assert m is not None
            lines.append(Line(start + m.end(), cend, "heading"))
            continue
        bullet = _BULLET.match(content)
        if bullet:
            lines.append(Line(start + bullet.end(), cend, "item", bullet.group().strip()))
            continue
        lines.append(Line(cstart, cend, "text"))

    return _mark_headings(text, lines)


def _unmarked(line: str, marker: re.Pattern[str]) -> str:
    """``marker.sub("", line)`` for a pattern anchored at the start ("^", which matches
    nowhere else): one try at the start, not a search through the line."""
    m = marker.match(line)
    return line[m.end() :] if m else line


def _furniture_fragment(line: str, low: str) -> bool:
    """Whether ``line`` (``low``: the line lower-cased) holds a fragment of furniture.

    The regex engine tries a pattern that opens with "\\b" at every position of the line; the
    word each pattern must contain is looked for first (in C, in the lower-cased line, where
    it is plain ASCII letters that no other character lower-cases to)."""
    return bool(
        ("(" in line and _FURNITURE_CAPTION.search(line))
        or ("photo" in low and _FURNITURE_PHOTO.search(line))
        or ("comment" in low and _FURNITURE_COMMENTS.search(line))
        or ("|" in line and _FURNITURE_BAR.search(line))
    )


def _mark_headings(text: str, lines: list[Line]) -> list[Line]:
    """Turn short unpunctuated text lines that do not run on into the next one into headings."""
    out = list(lines)
    for i, line in enumerate(lines):
        if line.kind != "text":
            continue
        content = text[line.start : line.end]
        nxt = _next_content(text, lines, i)
        bare = content.rstrip(_CLOSERS) or content
        if bare[-1] in _TERMINAL or bare[-1] == ",":
            continue
        if content[-1] == "-" or (nxt is not None and nxt[:1].islower()):
            continue  # a sentence broken across lines or a page break
        letters = "".join(filter(str.isalpha, content))  # counted by loops in C
        words = content.split()
        upper = letters and sum(map(str.isupper, letters)) / len(letters) > 0.8
        if upper or len(words) <= 14:
            out[i] = Line(line.start, line.end, "heading")
    return out


def _next_content(text: str, lines: list[Line], i: int) -> str | None:
    for line in islice(lines, i + 1, None):  # not a copy of the rest of the list for each line
        if line.kind == "blank":
            continue
        if line.kind == "furniture":
            return None
        return text[line.start : line.end]
    return None


def paragraphs(text: str, lines: list[Line]) -> list[Paragraph]:
    """Group lines into paragraphs: items stand alone, broken sentences are joined."""
    paras: list[Paragraph] = []
    current: Paragraph | None = None

    def flush() -> None:
        nonlocal current
        if current is not None:
            paras.append(current)
        current = None

    for line in lines:
        if line.kind in ("furniture", "heading"):
            flush()
            continue
        if line.kind == "blank":
            continue  # a blank line ends a paragraph only if the next line starts anew
        content = text[line.start : line.end]
        if current is not None:
            tail = text[current.start : current.end].rstrip()
            runs_on = tail[-1] not in _TERMINAL + _CLOSERS or tail.endswith("-")
            if line.kind == "text" and runs_on and (content[:1].islower() or tail[-1] in ",-"):
                current = Paragraph(current.start, line.end, current.is_item, current.marker)
                continue
            joined = line.kind == "text" and not _blank_between(text, current.end, line.start)
            if joined and runs_on and not current.is_item:
                current = Paragraph(current.start, line.end, False)
                continue
            flush()
        current = Paragraph(line.start, line.end, line.kind == "item", line.marker)
    flush()
    return paras


def _blank_between(text: str, a: int, b: int) -> bool:
    return text.count("\n", a, b) > 1


_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"“'‘(\[]?[A-Z0-9]|[A-Z][a-z])")


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentence spans."""
    spans: list[tuple[int, int]] = []
    s = start
    chunk = text[start:end]
    for m in _BOUNDARY.finditer(chunk):
        cut = start + m.end()
        if not _is_boundary(text, start + m.start(), cut, s):
            continue
        spans.append((s, cut))
        s = cut
        while s < end and text[s].isspace():
            s += 1
    if s < end:
        spans.append((s, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


_NEXT_WORD = re.compile(r"\s*[\"“'‘(\[]?([A-Za-z0-9'’]+)")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
# How far back from a dot the word it ends is read: the word's last characters decide, and a
# bound keeps each dot's cost from growing with a sentence that never ends.
_LONGEST_WORD = 64


def _word_before(text: str, dot: int, sent_start: int) -> str:
    """The last whitespace-separated word of ``text[sent_start:dot]`` (at most its last
    ``_LONGEST_WORD`` characters), found by walking back from the dot."""
    end = dot
    while end > sent_start and text[end - 1].isspace():
        end -= 1
    # The text after the last whitespace (str.split's whitespace is str.isspace's), split in C.
    last = text[max(sent_start, end - _LONGEST_WORD) : end].rsplit(None, 1)
    return last[-1] if last else ""


def _is_boundary(text: str, dot: int, cut: int, sent_start: int) -> bool:
    if text[dot] != ".":
        return True
    token = _word_before(text, dot, sent_start)
    token = token.lstrip("“\"'‘(").split("-")[-1]
    nxt_match = _NEXT_WORD.match(text, cut)
    nxt = nxt_match.group(1) if nxt_match else ""
    if cut < len(text) and not text[cut].isspace():
        # "beyond.For": only a lower-case word glued to a capital ends a sentence.
        return len(token) >= 3 and token.isalpha() and token.islower()
    low = token.lower().rstrip(".")
    if low in _ABBREVIATIONS:
        return False
    if len(token) == 1 and "A" <= token <= "Z":  # an initial, as in "Antony J. Blinken"
        return False
    if _DOTTED.fullmatch(token):  # "U.S", "D.C" before the final dot
        return nxt in _SENTENCE_STARTERS
    return True


def segment(text: str) -> tuple[list[Sentence], list[Line]]:
    """Return the sentences of a text (list items completing a lead-in marked) and its lines."""
    lines = classify_lines(text)
    return sentences_of(text, paragraphs(text, lines)), lines


def sentences_of(text: str, paras: list[Paragraph]) -> list[Sentence]:
    """The sentences of the paragraphs ``paras`` of ``text``, as ``segment`` finds them."""
    sentences: list[Sentence] = []
    lead_in: Sentence | None = None
    for para in paras:
        spans = split_sentences(text, para.start, para.end)
        if not spans:
            continue
        para_sentences: list[Sentence] = []
        for n, (a, b) in enumerate(spans):
            completes = para.is_item and n == 0 and para.marker[:1] not in "(0123456789"
            owner = lead_in if completes else None
            para_sentences.append(Sentence(a, b, collapse(text[a:b]), lead_in=owner))
        sentences.extend(para_sentences)
        last = para_sentences[-1]
        if last.text.endswith(":"):
            lead_in = last
        elif not para.is_item:
            lead_in = None
    return sentences


def furniture_spans(lines: list[Line]) -> list[tuple[int, int]]:
    """Offsets of the furniture lines, to be blanked before entity recognition."""
    return [(line.start, line.end) for line in lines if line.kind == "furniture"]


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace the characters of the spans with spaces, keeping every other offset."""
    out, at = [], 0  # pieces joined once, each span blanked a line at a time (in C)
    for a, b in sorted(spans):
        a = max(a, at)
        if a < b:
            out += [text[at:a], "\n".join(" " * len(p) for p in text[a:b].split("\n"))]
            at = b
    return "".join([*out, text[at:]]) if out else text
