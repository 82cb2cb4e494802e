"""HTML pages: the main text of the article, without the site's furniture."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_kg.errors import InputError
from alliance_kg.loaders.readers.metadata import (
    Metadata,
    ReaderOutput,
    is_absolute_url,
    parse_date,
)
from alliance_kg.loaders.readers.text import decode_text

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

# Elements that never hold the statement's text. <header> is kept inside an article or main
# element, where it holds the article's heading rather than the site's banner.
# fmt: off
_DROP_TAGS = frozenset({
    "script", "style", "nav", "footer", "aside", "form", "noscript", "iframe", "svg", "button",
    "figcaption", "template", "select", "textarea", "input", "dialog", "object", "embed", "canvas",
    "audio", "video", "map",
})
_DROP_ROLES = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog",
    "alertdialog", "toolbar",
})
# Words of a class or id that mark furniture: menus, share bars, cookie banners, comments,
# subscribe boxes, related articles, breadcrumbs, ads.
_FURNITURE_WORDS = frozenset({
    "nav", "navbar", "navigation", "menu", "menubar", "breadcrumb", "breadcrumbs", "share",
    "shares", "sharing", "sharebar", "social", "cookie", "cookies", "consent", "gdpr", "comment",
    "comments", "disqus", "respond", "subscribe", "subscription", "newsletter", "signup",
    "related", "recommended", "recommendations", "promo", "advert", "adverts", "advertisement",
    "ad", "ads", "sidebar", "widget", "widgets", "popup", "modal", "skip", "pagination", "pager",
    "masthead", "banner", "footer", "copyright",
})
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "div", "dl",
    "dt", "fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "thead", "tfoot", "tr", "ul",
})
# fmt: on
# Containers that are never dropped for their class: a "has-sidebar" body is still the page.
_STRUCTURAL = frozenset({"html", "body", "main", "article"})
_CELL_TAGS = frozenset({"td", "th"})
_LIST_TAGS = frozenset({"ul", "ol"})
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
_WS = re.compile(r"\s+")
_BREAK = "\x00"  # stands for <br> until inline whitespace is collapsed


def read_html(path: Path, data: bytes) -> ReaderOutput:
    """Read an HTML page: its main text, and metadata from its head.

    The main text is that of the longest ``<article>``, else ``<main>`` (or ``role=main``),
    else the body, with furniture dropped. Block elements are separated by blank lines,
    headings stand on their own lines, list items are lines starting with ``- ``.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_text(path, data), "html.parser")
    metadata = _head_metadata(soup)
    _drop_furniture(soup)
    main = _main_element(soup)
    depth = _depth(main)
    if depth > MAX_DEPTH:
        raise InputError(
            f"{path}: HTML elements nested {depth} deep, more than the {MAX_DEPTH} a page is "
            "read to; not read"
        )
    text = "\n\n".join(_blocks(main))
    return ReaderOutput(text + "\n" if text else "", metadata)


#: How deep elements may nest in the part of a page that is read: far more than pages have
#: (a few dozen), and few enough for the reader, which follows the nesting, to stay in
#: Python's call depth.
MAX_DEPTH = 256


def _depth(node: Tag | BeautifulSoup) -> int:
    """How deep elements nest under ``node`` (walked with a stack, not by recursion)."""
    from bs4 import Tag

    deepest = 0
    stack = [(node, 0)]
    while stack:
        tag, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in tag.children if isinstance(child, Tag))
    return deepest


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if tag is not None:
            content = " ".join(str(tag.get("content") or "").split())
            if content:
                return content
    return None


def _head_metadata(soup: BeautifulSoup) -> Metadata:
    title = _meta(soup, "og:title")
    for tag_name in ("title", "h1"):
        tag = soup.find(tag_name)
        if title is None and tag is not None:
            title = " ".join(tag.get_text(" ").split()) or None
    date = parse_date(_meta(soup, "article:published_time", "date", "dc.date", "dcterms.date"))
    if date is None:
        time = soup.find("time", attrs={"datetime": True})
        if time is not None:
            date = parse_date(str(time.get("datetime")))
    source = None
    for link in soup.find_all("link", href=True):
        rel = link.get_attribute_list("rel")
        if "canonical" in rel and is_absolute_url(str(link["href"]).strip()):
            source = str(link["href"]).strip()
            break
    return Metadata(
        title=title, publisher=_meta(soup, "og:site_name"), source_url=source, date=date
    )


def _is_furniture(tag: Tag) -> bool:
    if tag.name in _DROP_TAGS:
        return True
    if tag.name == "header" and tag.find_parent(["article", "main"]) is None:
        return True
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    if tag.name in _STRUCTURAL:
        return False
    if str(tag.get("role", "")).lower() in _DROP_ROLES:
        return True
    names = [*tag.get_attribute_list("class"), str(tag.get("id") or "")]
    for name in names:
        words = _WORD_SPLIT.split(name)
        if any(w.lower() in _FURNITURE_WORDS for w in words if w):
            return True
    return False


def _drop_furniture(soup: BeautifulSoup) -> None:
    from bs4 import Comment, Tag

    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    # Listed first, dropped after: decomposing while iterating would skip elements.
    doomed = [t for t in soup.find_all(True) if isinstance(t, Tag) and _is_furniture(t)]
    for tag in doomed:
        if not tag.decomposed:
            tag.decompose()


def _main_element(soup: BeautifulSoup) -> Tag | BeautifulSoup:
    articles = soup.find_all("article")
    if articles:
        # Teasers of other articles are <article> too; the statement is the longest.
        return max(articles, key=lambda a: len(a.get_text(" ", strip=True)))
    main = soup.find("main") or soup.find(True, attrs={"role": "main"})
    if main is not None:
        return main
    return soup.body or soup


def _inline(parts: list[str]) -> str:
    lines = (_WS.sub(" ", piece).strip() for piece in "".join(parts).split(_BREAK))
    return "\n".join(line for line in lines if line)


def _blocks(node: Tag | BeautifulSoup, depth: int = 0) -> list[str]:
    """The text blocks under ``node``, in document order."""
    from bs4 import NavigableString, Tag

    blocks: list[str] = []
    parts: list[str] = []

    def flush() -> None:
        text = _inline(parts)
        parts.clear()
        if text:
            blocks.append(text)

    for child in node.children:
        if isinstance(child, NavigableString):
            # Only plain strings are text; comments, doctypes and CDATA are subclasses.
            if type(child) is NavigableString:
                parts.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        if child.name == "br":
            parts.append(_BREAK)
        elif child.name in _LIST_TAGS:
            flush()
            lines = _list_lines(child, depth)
            if lines:
                blocks.append("\n".join(lines))
        elif child.name == "pre":
            flush()
            text = child.get_text().strip("\n")
            if text.strip():
                blocks.append(text)
        elif child.name in _BLOCK_TAGS:
            flush()
            blocks.extend(_blocks(child, depth))
        elif child.name in _CELL_TAGS:
            parts.extend([" ", _inline(["\n\n".join(_blocks(child, depth))]), " "])
        else:
            inner = _blocks(child, depth)
            # An inline element holding blocks (a <span> around <p>s) keeps them apart.
            if len(inner) > 1:
                flush()
                blocks.extend(inner)
            elif inner:
                parts.append(" " if _starts_with_space(child) else "")
                parts.append(inner[0].replace("\n", _BREAK))
                parts.append(" " if _ends_with_space(child) else "")
    flush()
    return blocks


def _starts_with_space(tag: Tag) -> bool:
    text = tag.get_text()
    return bool(text) and text[0].isspace()


def _ends_with_space(tag: Tag) -> bool:
    text = tag.get_text()
    return bool(text) and text[-1].isspace()


def _list_lines(list_tag: Tag, depth: int) -> list[str]:
    """A list as lines ``- item``, nested lists indented by two spaces a level."""
    from bs4 import Tag

    lines: list[str] = []
    indent = "  " * depth
    for item in list_tag.find_all("li", recursive=False):
        if not isinstance(item, Tag):
            continue
        nested = [c for c in item.children if isinstance(c, Tag) and c.name in _LIST_TAGS]
        for sub in nested:
            sub.extract()
        text = " ".join(_blocks(item, depth + 1)).replace("\n", " ")
        if text:
            lines.append(f"{indent}- {text}")
        for sub in nested:
            lines.extend(_list_lines(sub, depth + 1))
    return lines
