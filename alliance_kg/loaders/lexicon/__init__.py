"""The extraction lexicon: the words the extractors look for, kept as TOML data.

The package ships one file per topic (``entities.toml``, ``commitments.toml``, ``people.toml``,
``dates.toml``, ``meetings.toml``). A user adds words of their own in lexicon files of the same
shape, each table named after the package file it extends::

    [entities.heads]
    Unit = ["Detachment"]

    [commitments.predicates]
    Pledge = ["vouched to"]

User files come from the ``AKG_LEXICON`` environment variable (paths joined by ``os.pathsep``)
or from :func:`use`. Their lists are added to the package's lists; their tables are merged key
by key. Code that derives patterns from the lexicon caches them with :func:`derived`, so that
:func:`use` can drop them all when the lexicon changes.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from alliance_kg.errors import LexiconError

ENV_VAR = "AKG_LEXICON"
TOPICS = ("commitments", "dates", "entities", "meetings", "people")

T = TypeVar("T")

# The user files set by use(); None means "read them from the environment variable".
_user_paths: list[Path] | None = None
# Cache clearers of everything derived from the lexicon (see derived()).
_clearers: list[Callable[[], None]] = []


def use(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str] | None) -> None:
    """Extend the package lexicon with these user lexicon files from now on.

    ``paths`` is one path or several, merged in order. ``None`` goes back to the files named by
    ``AKG_LEXICON``; an empty list uses the package's lexicon alone. The files are read (and
    checked) at once: a missing or malformed file raises
    :class:`~alliance_kg.errors.LexiconError` and leaves the lexicon as it was.
    """
    global _user_paths
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    previous = _user_paths
    _user_paths = None if paths is None else [Path(p) for p in paths]
    _clear()
    try:
        lexicon("entities")  # read now, so that a bad file fails where it is given
    except LexiconError:
        _user_paths = previous
        _clear()
        raise


@contextmanager
def extended(paths: Iterable[str | os.PathLike[str]]) -> Iterator[None]:
    """Within the block, the lexicon in effect is extended by ``paths`` too (after the files
    already in use, so that theirs come first); afterwards it is as it was."""
    global _user_paths
    previous = _user_paths
    use([*user_paths(), *paths])
    try:
        yield
    finally:
        _user_paths = previous
        _clear()


def user_paths() -> list[Path]:
    """The user lexicon files in effect, in the order they are merged."""
    if _user_paths is not None:
        return list(_user_paths)
    value = os.environ.get(ENV_VAR, "")
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def derived(fn: Callable[[], T]) -> Callable[[], T]:
    """Cache a value computed from the lexicon (a compiled pattern) until the lexicon changes."""
    cached = lru_cache(maxsize=1)(fn)
    _clearers.append(cached.cache_clear)
    return cached


def lexicon(topic: str) -> dict[str, Any]:
    """The tables of one topic ("entities", ...): the package's, extended by the user's."""
    return _merged()[topic]


def words(topic: str, name: str) -> list[str]:
    """One list of a topic ("entities", "connectors")."""
    value = lexicon(topic)[name]
    assert isinstance(value, list)
    return value


def text(topic: str, name: str) -> str:
    """One text value of a topic ("entities", "two_plus_two_default")."""
    value = lexicon(topic)[name]
    assert isinstance(value, str)
    return value


def table(topic: str, name: str) -> dict[str, Any]:
    """One table of a topic ("entities", "heads")."""
    value = lexicon(topic)[name]
    assert isinstance(value, dict)
    return value


def _clear() -> None:
    _merged.cache_clear()
    for clear in _clearers:
        clear()


@lru_cache(maxsize=1)
def _merged() -> dict[str, dict[str, Any]]:
    folder = files("alliance_kg.loaders.lexicon")
    base = {t: tomllib.loads(folder.joinpath(f"{t}.toml").read_text("utf-8")) for t in TOPICS}
    for path in user_paths():
        extra = _read_user(path)
        for topic, tables in extra.items():
            if topic not in base:
                raise LexiconError(
                    f"{path}: unknown table [{topic}]; a lexicon extends "
                    + ", ".join(f"[{t}.…]" for t in TOPICS)
                )
            base[topic] = _merge(base[topic], tables, topic, path)
    return base


def _read_user(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise LexiconError(f"{path}: lexicon file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise LexiconError(f"{path}: cannot read the lexicon file ({err})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise LexiconError(f"{path}: not valid TOML: {err}") from None


def _merge(base: Any, extra: Any, where: str, path: Path) -> Any:
    """``base`` extended by ``extra``: lists gain new items, tables gain or merge keys.

    A table whose values are all strings (a mapping such as office -> State) takes new keys;
    any other table only takes the keys it has, so that a misspelt key is reported, not ignored.
    """
    if isinstance(base, dict):
        if not isinstance(extra, dict):
            raise LexiconError(f"{path}: [{where}] must be a table")
        out = dict(base)
        open_mapping = all(isinstance(v, str) for v in base.values())
        for key, value in extra.items():
            if key in out:
                out[key] = _merge(out[key], value, f"{where}.{key}", path)
            elif open_mapping and isinstance(value, str):
                out[key] = value
            else:
                known = ", ".join(base) if not open_mapping else "text values"
                raise LexiconError(f"{path}: unknown key {key!r} in [{where}] (expected {known})")
        return out
    if isinstance(base, list):
        if not isinstance(extra, list) or not all(isinstance(v, str) for v in extra):
            raise LexiconError(f"{path}: {where} must be a list of strings")
        return base + [v for v in extra if v not in base]
    if not isinstance(extra, type(base)):
        raise LexiconError(f"{path}: {where} must be a {type(base).__name__}")
    return extra
