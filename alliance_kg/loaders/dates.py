"""Dates as statements write them: "January 11, 2023", "On Mar 16", "January 6-7, 2022"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import attrgetter

from alliance_kg.loaders.lexicon import derived, table
from alliance_kg.loaders.lexicon.guard import Literals, finditer_at, lowered
from alliance_kg.loaders.spans import Taken


@derived
def months() -> dict[str, int]:
    """Month name or abbreviation, lower case -> month number ("sept" -> 9), from the lexicon."""
    out: dict[str, int] = {}
    for number, (name, short) in enumerate(table("dates", "months").items(), start=1):
        for form in (name, *short):
            out.setdefault(form.lower(), number)
    return out


def month_names() -> list[str]:
    """The months' full names as text writes them ("January")."""
    return list(table("dates", "months"))


@derived
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The month-first ("January 6-7, 2022") and day-first ("6-7 January 2022") patterns."""
    month = r"(?P<month>" + "|".join(sorted(months(), key=len, reverse=True)) + r")\.?"
    # A lookahead of the months' first letters lets the engine skip most positions at once
    # instead of trying every month name there (only for plain names, as the lexicon has).
    firsts = {form[0] for form in months() if form}
    guard = f"(?=[{''.join(sorted(firsts))}])" if all(c.isalpha() for c in firsts) else ""
    mdy = re.compile(
        r"\b"
        + guard
        + month
        + r"\s+(?P<day>\d{1,2})(?:\s*[-–]\s*(?P<day2>\d{1,2}))?(?:st|nd|rd|th)?"
        r"(?:,?\s+(?P<year>(?:19|20)\d{2}))?\b",
        re.IGNORECASE,
    )
    # "\b(?P<day>\d{1,2})" with the "\b" checked after the first digit (see _ISO).
    dmy = re.compile(
        r"(?P<day>\d(?<!\w.)\d?)(?:\s*[-–]\s*(?P<day2>\d{1,2}))?\s+"
        + month
        + r"(?:\s+(?P<year>(?:19|20)\d{2}))?\b",
        re.IGNORECASE,
    )
    return mdy, dmy


@derived
def _month_names() -> Literals | None:
    """The months' names and abbreviations, as the words one of which a month-first date
    begins with: each piece is a whole name (plain ASCII letters), so where it occurs is where
    such a date can begin. None for a lexicon with other names: they are searched as before."""
    forms = list(months())
    if not all(re.fullmatch("[a-z]+", form) for form in forms):
        return None
    return Literals(forms)


# "\b(?P<year>(?:19|20)\d{2})-...": the word boundary is checked by a lookbehind after the
# first digits, so that the pattern opens with characters the regex engine skips to in C
# (a pattern opening with "\b" is tried at every position of the text). Same matches.
_ISO = re.compile(r"(?P<year>(?:19|20)(?<!\w..)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})\b")


@dataclass(frozen=True)
class DateMention:
    """A date found in text; ``year`` is None when the text leaves it out."""

    start: int
    end: int
    year: int | None
    month: int
    day: int
    first_day: int | None = None  # for ranges such as "January 6-7"

    def iso(self, default_year: int | None = None) -> str | None:
        """The ISO date of the (last) day, completing the year from ``default_year``."""
        year = self.year or default_year
        if year is None or not _valid(year, self.month, self.day):
            return None
        return f"{year:04d}-{self.month:02d}-{self.day:02d}"

    def iso_start(self, default_year: int | None = None) -> str | None:
        """The ISO date of the first day of a range, or None for a single day."""
        year = self.year or default_year
        if self.first_day is None or year is None or not _valid(year, self.month, self.first_day):
            return None
        return f"{year:04d}-{self.month:02d}-{self.first_day:02d}"


def _valid(year: int, month: int, day: int) -> bool:
    import datetime

    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def find_dates(text: str) -> list[DateMention]:
    """Every date mention in the text, in order; overlapping forms keep the first found."""
    found: list[DateMention] = []
    taken = Taken(len(text))

    def add(m: re.Match[str], month: int) -> None:
        if taken.overlaps(m.start(), m.end()):
            return
        day2 = m.groupdict().get("day2")
        day = int(day2 or m.group("day"))
        first = int(m.group("day")) if day2 else None
        year = int(m.group("year")) if m.group("year") else None
        found.append(DateMention(m.start(), m.end(), year, month, day, first))
        taken.add(m.start(), m.end())

    for m in _ISO.finditer(text):
        add(m, int(m.group("month")))
    mdy, dmy = _patterns()
    # A month-first date begins with a month's name: it is tried only where one occurs in the
    # lower-cased text (the case-insensitive pattern alone is tried at every word).
    names = _month_names()
    mdy_starts = names.positions(lowered(text)) if names is not None else None
    for pattern, starts in ((mdy, mdy_starts), (dmy, None)):
        for m in finditer_at(pattern, text, starts):
            add(m, months()[m.group("month").lower()])
    # "may" is also a verb: keep "May 5" only when a year follows or it starts a phrase.
    found = [
        d
        for d in found
        if not (text[d.start : d.start + 3].lower() == "may" and text[d.start] == "m")
    ]
    return sorted(found, key=attrgetter("start"))
