"""Document metadata: sidecar files, YAML front matter, and what the text itself gives.

Precedence, highest first: the sidecar ``NAME.meta.json``, the front matter, then what a reader
infers (HTML ``<meta>`` tags, PDF document info, the first line of the text).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from alliance_kg.errors import InputError

SIDECAR_SUFFIX = ".meta.json"

# Keys of a sidecar or front matter, and the field each one sets; the first key listed for a
# field wins when several are given.
_KEYS: dict[str, str] = {
    "title": "title",
    "publisher": "publisher",
    "source_url": "source_url",
    "url": "source_url",
    "source": "source_url",
    "date": "date",
    "meeting_date": "meeting_date",
    "meeting_place": "meeting_place",
}

_YEAR = re.compile(r"\d{4}")
_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")


@dataclass(frozen=True)
class Metadata:
    """What is known about a document besides its text; ``None`` where unknown."""

    title: str | None = None
    publisher: str | None = None
    source_url: str | None = None
    date: str | None = None  # "YYYY-MM-DD" or "YYYY"
    # The user's word on the meeting the document reports; it wins over what is inferred.
    meeting_date: str | None = None  # "YYYY-MM-DD"
    meeting_place: str | None = None  # a place name, or "virtual"


def merge(*layers: Metadata) -> Metadata:
    """Combine metadata field by field; the first layer that knows a field wins."""
    values: dict[str, str | None] = {}
    for f in fields(Metadata):
        values[f.name] = next(
            (getattr(m, f.name) for m in layers if getattr(m, f.name) is not None), None
        )
    return Metadata(**values)


def normalise_date(value: object, origin: str, key: str = "date") -> str | None:
    """An ISO date ("YYYY-MM-DD", a date-time, or a bare year) as "YYYY-MM-DD" or "YYYY".

    Raises ``InputError`` naming ``origin`` and ``key`` when the value is not such a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        text = value.strip()
        if _YEAR.fullmatch(text):
            return text
        m = _DAY.fullmatch(text)
        if m:
            try:
                return dt.date.fromisoformat(m.group(1)).isoformat()
            except ValueError:
                pass
    raise InputError(f"{origin}: {key!r} is not an ISO date (YYYY-MM-DD or YYYY): {value!r}")


def parse_date(value: str | None) -> str | None:
    """Like ``normalise_date`` for dates found in a page, where a bad value is just ignored."""
    try:
        return normalise_date(value, "")
    except InputError:
        return None


def is_absolute_url(value: str) -> bool:
    """Whether ``value`` can stand as an IRI: a scheme, a colon and no spaces or quotes."""
    return _URL.fullmatch(value) is not None


def metadata_from_mapping(
    mapping: Mapping[object, object], origin: str, *, strict: bool
) -> Metadata:
    """Metadata from a sidecar's or front matter's keys.

    ``strict`` rejects unknown keys (a sidecar is ours, so an unknown key is a typo); front
    matter may carry keys of other tools, which are ignored.
    """
    if strict:
        for key in mapping:
            if not isinstance(key, str) or key not in _KEYS:
                expected = ", ".join(sorted(_KEYS))
                raise InputError(f"{origin}: unknown key {key!r} (expected one of: {expected})")
    values: dict[str, str | None] = {}
    for key, name in _KEYS.items():
        if values.get(name) is not None or key not in mapping:
            continue
        value = mapping[key]
        if name == "date":
            values[name] = normalise_date(value, origin)
            continue
        if name == "meeting_date":
            day = normalise_date(value, origin, key)
            if day is not None and len(day) != 10:
                raise InputError(f"{origin}: {key!r} must be a day (YYYY-MM-DD): {value!r}")
            values[name] = day
            continue
        if value is None:
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise InputError(f"{origin}: {key!r} must be a string, not {type(value).__name__}")
        text = " ".join(value.split())
        if name == "source_url" and text and not is_absolute_url(text):
            raise InputError(f"{origin}: {key!r} is not an absolute URL: {value!r}")
        values[name] = text or None
    return Metadata(**values)


def sidecar_candidates(path: Path) -> list[Path]:
    """Where a document's sidecar may be, most specific first.

    ``statement.txt.meta.json`` beats ``statement.meta.json`` (which a ``statement.pdf`` beside
    it would share).
    """
    return [path.with_name(name) for name in sidecar_names(path)]


def sidecar_names(path: Path) -> list[str]:
    """The names of ``sidecar_candidates``, in the document's folder."""
    names = [path.name + SIDECAR_SUFFIX]
    if path.suffix:
        names.append(path.stem + SIDECAR_SUFFIX)
    return names


def read_sidecar(path: Path) -> Metadata | None:
    """The metadata of the sidecar beside ``path``, or ``None`` when it has none."""
    sidecar = next((c for c in sidecar_candidates(path) if c.is_file()), None)
    if sidecar is None:
        return None
    data = sidecar.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{sidecar}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} "
            f"at offset {exc.start})"
        ) from exc
    try:
        mapping = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{sidecar}: malformed metadata sidecar: {exc.msg} "
            f"(line {exc.lineno}, column {exc.colno})"
        ) from exc
    if not isinstance(mapping, dict):
        raise InputError(f"{sidecar}: metadata sidecar must be a JSON object")
    return metadata_from_mapping(mapping, str(sidecar), strict=True)


# Front matter opens with a "key:" line; a text opening with a "---" rule and prose is not it.
_YAML_KEY = re.compile(r"\s*[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|$)", re.MULTILINE)
_FRONT_MATTER = re.compile(r"---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def split_front_matter(text: str, path: Path) -> tuple[str, Metadata]:
    """Remove YAML front matter (``---`` ... ``---`` at the very top) and read its metadata.

    ``text`` must already have ``\\n`` newlines and no BOM. A ``---`` line with no closing line,
    or one not followed by a ``key:`` line, is a Markdown rule, not front matter, and stays.
    """
    m = _FRONT_MATTER.match(text)
    if m is None or not _YAML_KEY.match(m.group(1) or ""):
        return text, Metadata()
    import yaml

    try:
        mapping = yaml.safe_load(m.group(1) or "")
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" (line {mark.line + 2})"  # +1 for 1-based, +1 for the opening "---"
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"{path}: malformed front matter: {problem}{where}") from exc
    except ValueError as exc:
        # YAML reads "2023-13-45" as a date and Python refuses it ("month must be in 1..12").
        raise InputError(f"{path}: malformed front matter: an impossible date ({exc})") from exc
    if mapping is None:
        mapping = {}
    if not isinstance(mapping, dict):
        raise InputError(f"{path}: malformed front matter: not a mapping of keys to values")
    return text[m.end() :], metadata_from_mapping(mapping, f"{path} (front matter)", strict=False)


_HEADING_MARK = re.compile(r"^\s*#{1,6}\s+|\s+#+\s*$")
_DATE_LINE = re.compile(
    r"^(?:\w+day,?\s+)?(?:\w+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+\w+\.?,?\s+\d{4}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})$",
    re.IGNORECASE,
)


def infer_title(text: str) -> str | None:
    """The title a text opens with, if it opens with one.

    Leading lines that are a bare date or number are skipped (a dateline, a page number); the
    first other line is the title if it reads like one: short and not ending like a sentence.
    A text that opens with prose has no title.
    """
    for raw in text.split("\n"):
        line = _HEADING_MARK.sub("", raw).strip()
        if not line:
            continue
        if line.isdigit() or _DATE_LINE.match(line):
            continue
        line = " ".join(line.split())
        if len(line) > 150 or line[-1] in ".,;:!?" or sum(c.isalpha() for c in line) < 2:
            return None
        return line
    return None


@dataclass(frozen=True)
class ReaderOutput:
    """What a reader makes of a file's bytes: the main text and the metadata found in it."""

    text: str
    metadata: Metadata
