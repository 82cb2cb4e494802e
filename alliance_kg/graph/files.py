"""The one way alliance-kg writes a file for the user (``akg export -o``, ``akg render -o``)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from alliance_kg.errors import AkgError


def write_atomic(
    path: str | Path, data: bytes, *, what: str = "", make_folder: bool = False
) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename, so
    readers never see a half-written file and a failure leaves any old file in place.

    The file gets the ordinary mode the umask gives (``mkstemp`` would make it private).
    ``make_folder`` creates missing folders; without it a missing folder is an error. Errors
    are ``AkgError("PATH: cannot write[ WHAT]: reason")``, ``what`` naming the thing written.
    """
    with atomic_output(path, what=what, make_folder=make_folder) as out:
        out.write(data)


@contextlib.contextmanager
def atomic_output(
    path: str | Path, *, what: str = "", make_folder: bool = False
) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s new content to, as ``write_atomic`` writes it: the
    file replaces ``path`` when the ``with`` block ends without an error, and is removed if
    the block raises. For content made while it is written (an export of a large store)."""
    target = Path(path)
    folder = target.parent
    failed = f"{target}: cannot write {what}" if what else f"{target}: cannot write"
    if not make_folder and not folder.is_dir():
        raise AkgError(f"{failed}: folder {folder} does not exist")
    try:
        if make_folder:
            folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise AkgError(f"{failed}: {exc.strerror or exc}") from exc
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise AkgError(f"{failed}: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


__all__ = ["atomic_output", "write_atomic"]
