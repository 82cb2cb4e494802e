"""Reading and checking gold files: each document's ``*.gold.json`` and the folder's
``links.gold.json`` (see the gold GUIDELINES.md); a problem is a ``GoldError`` naming the file."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from alliance_kg.errors import GoldError
from alliance_kg.evaluate.text import normalize
from alliance_kg.ontology import COMMITMENT_TYPES, ENTITY_TYPES

#: The file of a gold folder that says what holds across its documents.
LINKS_FILE = "links.gold.json"


@dataclass(frozen=True)
class GoldEntity:
    """One real-world entity a gold document names."""

    label: str
    type: str
    alt_types: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def names(self) -> frozenset[str]:
        """The normalised label and aliases."""
        return frozenset(normalize(n) for n in (self.label, *self.aliases))


@dataclass(frozen=True)
class GoldCommitment:
    """One commitment sentence and what it says."""

    sentence: str
    types: tuple[str, ...]
    parties: tuple[str, ...] = ()
    concerns: tuple[str, ...] = ()
    deadline: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class GoldMeeting:
    """The meeting a gold document reports; ``None`` fields are not stated by the document."""

    date: str | None
    place: str | None
    participants: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoldDocument:
    """The annotations of one document, read from ``path``."""

    path: Path
    document: str
    meeting: GoldMeeting | None
    entities: tuple[GoldEntity, ...]
    commitments: tuple[GoldCommitment, ...]


def load_gold(gold_dir: Path) -> list[GoldDocument]:
    """Read every ``*.gold.json`` file of a folder, sorted by file name.

    Raises ``GoldError`` naming the file and the position of the problem for unreadable or
    invalid JSON, missing keys, values of the wrong kind and unknown types; a folder without
    gold files, and two files annotating the same document, are errors too.
    """
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise GoldError(f"{gold_dir}: no such folder")
    # links.gold.json says what holds across the documents (load_links_gold reads it).
    paths = sorted(p for p in gold_dir.glob("*.gold.json") if p.name != LINKS_FILE)
    if not paths:
        raise GoldError(f"{gold_dir}: no gold files (*.gold.json) in this folder")
    docs: list[GoldDocument] = []
    # Each document with the first gold file that annotates it; files are read one at a time,
    # so a second annotation is reported before any later file is read.
    first: dict[str, Path] = {}
    for doc in map(_read_gold_file, paths):
        other = first.setdefault(doc.document, doc.path)
        if other != doc.path:
            raise GoldError(
                f"{doc.path}: annotates {doc.document!r}, which {other.name} annotates already"
            )
        docs.append(doc)
    return docs


def _read_gold_file(path: Path) -> GoldDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise GoldError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise GoldError(f"{path}: cannot be read: {exc.strerror}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GoldError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    where = _Where(path)
    obj = where.object(data, "")
    stem = path.name.removesuffix(".gold.json")
    document = stem + ".txt" if "document" not in obj else where.text(obj["document"], "document")
    meeting_raw = where.key(obj, "meeting", "")
    meeting = None
    if meeting_raw is not None:
        m = where.object(meeting_raw, "meeting")
        meeting = GoldMeeting(
            date=where.optional_text(m.get("date"), "meeting.date"),
            place=where.optional_text(m.get("place"), "meeting.place"),
            participants=where.texts(m.get("participants", []), "meeting.participants"),
        )
    entities = tuple(
        _gold_entity(where, item, f"entities[{i}]")
        for i, item in enumerate(where.array(where.key(obj, "entities", ""), "entities"))
    )
    commitments = tuple(
        _gold_commitment(where, item, f"commitments[{i}]")
        for i, item in enumerate(where.array(where.key(obj, "commitments", ""), "commitments"))
    )
    return GoldDocument(path, document, meeting, entities, commitments)


def _gold_entity(where: _Where, raw: Any, at: str) -> GoldEntity:
    obj = where.object(raw, at)
    kind = where.text(where.key(obj, "type", at), f"{at}.type")
    alt_types = where.texts(obj.get("alt_types", []), f"{at}.alt_types")
    for name, value in [(f"{at}.type", kind)] + [
        (f"{at}.alt_types[{i}]", t) for i, t in enumerate(alt_types)
    ]:
        if value not in ENTITY_TYPES:
            where.fail(
                name, f"unknown entity type {value!r} (expected one of {_list(ENTITY_TYPES)})"
            )
    return GoldEntity(
        label=where.text(where.key(obj, "label", at), f"{at}.label"),
        type=kind,
        alt_types=alt_types,
        aliases=where.texts(obj.get("aliases", []), f"{at}.aliases"),
    )


def _gold_commitment(where: _Where, raw: Any, at: str) -> GoldCommitment:
    obj = where.object(raw, at)
    types = where.texts(where.key(obj, "types", at), f"{at}.types")
    if not types:
        where.fail(f"{at}.types", "needs at least one commitment type")
    for i, kind in enumerate(types):
        if kind not in COMMITMENT_TYPES:
            where.fail(
                f"{at}.types[{i}]",
                f"unknown commitment type {kind!r} (expected one of {_list(COMMITMENT_TYPES)})",
            )
    optional = obj.get("optional", False)
    if not isinstance(optional, bool):
        where.fail(f"{at}.optional", f"expected true or false, found {_kind(optional)}")
    return GoldCommitment(
        sentence=where.text(where.key(obj, "sentence", at), f"{at}.sentence"),
        types=types,
        parties=where.texts(obj.get("parties", []), f"{at}.parties"),
        concerns=where.texts(obj.get("concerns", []), f"{at}.concerns"),
        deadline=where.optional_text(obj.get("deadline"), f"{at}.deadline"),
        optional=optional,
    )


@dataclass(frozen=True)
class _Where:
    """Checks the JSON values of one gold file; errors name the file and the JSON position."""

    path: Path

    def fail(self, at: str, problem: str) -> NoReturn:
        raise GoldError(f"{self.path}: {at}: {problem}" if at else f"{self.path}: {problem}")

    def key(self, obj: dict[str, Any], key: str, at: str) -> Any:
        if key not in obj:
            self.fail(at, f"missing key {key!r}")
        return obj[key]

    def object(self, value: Any, at: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(at, f"expected a JSON object, found {_kind(value)}")
        return value

    def array(self, value: Any, at: str) -> list[Any]:
        if not isinstance(value, list):
            self.fail(at, f"expected a list, found {_kind(value)}")
        return value

    def text(self, value: Any, at: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(at, f"expected a non-empty string, found {_kind(value)}")
        return value

    def optional_text(self, value: Any, at: str) -> str | None:
        return None if value is None else self.text(value, at)

    def texts(self, value: Any, at: str) -> tuple[str, ...]:
        return tuple(self.text(v, f"{at}[{i}]") for i, v in enumerate(self.array(value, at)))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else "a string"
    if isinstance(value, int | float):
        return "a number"
    return "a list" if isinstance(value, list) else "an object"


def _list(names: Iterable[str]) -> str:
    return ", ".join(names)


@dataclass(frozen=True)
class LinksGold:
    """The contents of a ``links.gold.json``."""

    path: Path
    meetings: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    lineages: list[dict[str, Any]]


def load_links_gold(gold_dir: Path) -> LinksGold | None:
    """The folder's ``links.gold.json``, or None when it has none; a malformed file is a
    ``GoldError`` naming the file and the problem."""
    path = Path(gold_dir) / LINKS_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot be read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise GoldError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    if not isinstance(data, dict):
        raise GoldError(f"{path}: expected a JSON object")
    parts = {}
    for key in ("meetings", "conflicts", "lineages"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise GoldError(f"{path}: {key}: expected a list of objects")
        parts[key] = value
    for i, meeting in enumerate(parts["meetings"]):
        if not isinstance(meeting.get("documents"), list):
            raise GoldError(f"{path}: meetings[{i}]: missing list 'documents'")
    for i, lineage in enumerate(parts["lineages"]):
        members = lineage.get("members")
        if not isinstance(members, list) or not all(
            isinstance(m, dict) and "document" in m and "sentence" in m for m in members
        ):
            raise GoldError(f"{path}: lineages[{i}]: 'members' must list document and sentence")
    return LinksGold(path, parts["meetings"], parts["conflicts"], parts["lineages"])
