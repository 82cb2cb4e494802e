"""Deadlines and start dates of a commitment: "by March 31, 2025", "beginning in FY2027"."""

from __future__ import annotations

import re

from alliance_kg.loaders import dates
from alliance_kg.loaders.lexicon import derived
from alliance_kg.loaders.model import Deadline, Sentence

_YEAR = r"((?:19|20)\d{2})"
_ANY_YEAR = re.compile(r"(?:19|20)\d{2}")


@derived
def _deadline_patterns() -> list[tuple[re.Pattern[str], str]]:
    """Each pattern with the kind of date it gives: a deadline ("by") or a start ("start")."""
    month_names = "(?:" + "|".join(dates.month_names()) + ")"
    return [
        (re.compile(r"\bby (" + month_names + r") (\d{1,2}), " + _YEAR), "by"),
        (
            re.compile(
                r"\b(?:by|no later than|before|until) (?:the (?:end|middle|start|beginning) of )?"
                r"(?:(?:early|mid|late)[- ])?(?:"
                + month_names
                + r" )?(?:(?:fiscal year|FY|JFY|CY)\s?)?"
                + _YEAR
                + r"\b"
            ),
            "by",
        ),
        (
            re.compile(
                r"\b(?:beginning|starting|commencing|from|as early as|as of) (?:in )?"
                r"(?:(?:early|mid|late)[- ])?(?:"
                + month_names
                + r" )?(?:(?:fiscal year|FY|JFY)\s?)?"
                + _YEAR
                + r"\b"
            ),
            "start",
        ),
    ]


# Where the clause that holds a deadline begins and ends inside its sentence.
_CLAUSE_BREAK = re.compile(r"[,;:\u2014\u2013]|\s-\s")


def deadlines(text: str, sentence: Sentence) -> list[Deadline]:
    """Every deadline and start date of the sentence, each with its own clause."""
    # Every pattern ends in a year: a sentence without one (most) has no deadline, found by
    # one cheap search instead of three patterns tried at every word.
    if not _ANY_YEAR.search(text, sentence.start, sentence.end):
        return []
    body = text[sentence.start : sentence.end]
    found: list[tuple[int, int, str, str]] = []
    for pattern, kind in _deadline_patterns():
        for m in pattern.finditer(body):
            if any(a < m.end() and m.start() < b for a, b, _, _ in found):
                continue
            if m.lastindex == 3:  # "by March 31, 2025"
                month = dates.months()[m.group(1).lower()]
                date = f"{int(m.group(3)):04d}-{month:02d}-{int(m.group(2)):02d}"
            else:
                date = m.group(1)
            found.append((m.start(), m.end(), date, kind))
    found.sort()
    spans = [(a, b) for a, b, _, _ in found]
    # A break inside a date ("March 31, 2027") is no break; a deadline ends the clause before.
    breaks = [
        (m.start(), m.end())
        for m in _CLAUSE_BREAK.finditer(body)
        if not any(a <= m.start() < b for a, b in spans)
    ]
    out: list[Deadline] = []
    for i, (a, b, date, kind) in enumerate(found):
        start = max([e for s_, e in breaks if e <= a] + [found[i - 1][1] if i else 0])
        end = min([s_ for s_, _ in breaks if s_ >= b] + [len(body)])
        # The clause without the spaces and the full stop around it.
        while start < end and body[start].isspace():
            start += 1
        while end > start and (body[end - 1].isspace() or body[end - 1] == "."):
            end -= 1
        clause = " ".join(body[start:end].split())
        out.append(Deadline(date, kind, sentence.start + start, sentence.start + end, clause))
    return out
