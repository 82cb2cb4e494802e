"""The one exception family of alliance-kg; the CLI turns it into ``Error: ...`` and exit 1."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path


class AkgError(Exception):
    """Base class of every error alliance-kg reports to a user."""


class InputError(AkgError):
    """A document cannot be read: missing, binary, not UTF-8, empty or of an unknown kind."""


class QueryError(AkgError):
    """A SPARQL query is invalid or cannot be run."""


class QueryDiedError(QueryError):
    """A query's process ended without a result (a crash, or its memory bound)."""


class QueryMemoryError(QueryDiedError):
    """A query needed more memory than its bound (``--max-memory``)."""


class FormatError(QueryError):
    """A results format that does not fit the query's form (rows asked of a CONSTRUCT)."""


class StoreError(AkgError):
    """The store cannot be opened or written (locked by another process, corrupt, missing)."""


class GoldError(AkgError):
    """A gold annotation file is missing or not in the expected format."""


class LexiconError(AkgError):
    """A user lexicon file is missing, not valid TOML, or does not fit the package's tables."""


def read_bytes(path: Path, error: type[AkgError], what: str, unreadable: str) -> bytes:
    """The bytes of the file ``path``, or ``error`` naming it: "PATH: no such WHAT", "PATH: is
    a folder, not a WHAT", or "PATH: UNREADABLE: reason"."""
    try:
        if not stat.S_ISREG(path.stat().st_mode) and not path.is_dir():
            # A FIFO or a device would block the read or never end.
            raise error(f"{path}: not a regular file (a FIFO, socket or device)")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise error(f"{path}: no such {what}") from exc
    except IsADirectoryError as exc:
        raise error(f"{path}: is a folder, not a {what}") from exc
    except OSError as exc:
        raise error(f"{path}: {unreadable}: {exc.strerror or exc}") from exc


# Control characters other than line breaks and tabs (C0, DEL, C1). In text for a person's
# terminal they are shown escaped, so that a document's text cannot move the cursor, retitle
# the window or rewrite what was printed.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` for a terminal: its control characters, but newlines and tabs, as ``\\xNN``."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@contextlib.contextmanager
def writing(stream: str) -> Iterator[None]:
    """The command line's writes to ``stream`` (standard output): a failure (a full disk)
    raises ``AkgError("cannot write to STREAM: reason")``; a pipe whose reader went away
    (``akg export | head``) ends the command quietly with status 1."""
    try:
        yield
    except BrokenPipeError:
        # Standard output to /dev/null, so that the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
    except OSError as exc:
        raise AkgError(f"cannot write to {stream}: {exc.strerror or exc}") from exc
