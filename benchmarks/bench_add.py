"""Adding one statement to a store of the synthetic corpus (``synthetic.py``): ``akg build FILE``
of a statement dated after every other, ``akg build FOLDER`` of the corpus's folder with that
statement added, and ``akg build FILE`` of a statement dated on the corpus's middle day, as a
user runs them; for one or more versions of the code, interleaved.

Each version builds its own store of the corpus first (a change of the package changes every
file's fingerprint and every kept digest, so a store built by another version would be worked
out again). Then, for each round, each version adds the statement to a fresh copy of its store,
stamped as akg's own and synced (``bench_update.fresh_copy``), so that no run pays for another's
writes or for the copy's. The rounds interleave the versions, so that a busy spell of a shared
machine falls on each of them alike.

Run: ``.venv/bin/python benchmarks/bench_add.py [N ...] [--rounds R] [--code DIR ...]`` (default
100 1000, 3 rounds, this tree); ``--code`` takes a folder holding an ``alliance_kg`` package,
such as a worktree of an older commit (``git worktree add /tmp/old REV``).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_update import fresh_copy  # noqa: E402
from synthetic import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
_DATE = re.compile(r"^date: (\d{4}-\d{2}-\d{2})$", re.M)


def redated_statement(corpus: Path, target: Path, later: bool) -> Path:
    """A copy of the corpus's last statement, dated a year after every other one (``later``),
    else on the corpus's middle day (whose weights then change every later vector: README,
    "The corpus and vectors of a grown store kept")."""
    files = sorted(corpus.glob("*.md"))
    dates = {path: date.fromisoformat(_DATE.findall(path.read_text("utf-8"))[0]) for path in files}
    last = max(files, key=lambda path: (dates[path], path.name))
    ordered = sorted(dates.values())
    day = ordered[-1] + timedelta(days=365) if later else ordered[len(ordered) // 2]
    text, old = last.read_text("utf-8"), dates[last]
    text = text.replace(old.isoformat(), day.isoformat())
    text = text.replace(f"{old:%B} {old.day}, {old.year}", f"{day:%B} {day.day}, {day.year}")
    target.write_text(text, "utf-8")
    return target


def akg(code: Path, *args: str | Path) -> float:
    """Wall seconds of one ``akg`` process run from the package in ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    command = [sys.executable, "-m", "alliance_kg.cli", *map(str, args)]
    t = time.perf_counter()
    # Outside the tree, so that the package ``code`` holds is the one imported.
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=tempfile.gettempdir())
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", type=Path, action="append", help="folder holding alliance_kg")
    args = parser.parse_args()
    codes: list[Path] = args.code or [ROOT]
    print(
        f"{'documents':>9}  {'case':<20} {'code':<24} {'least s':>8} {'median s':>9} {'most s':>7}"
    )
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus"
            generate(corpus, n)
            extra = redated_statement(corpus, Path(tmp) / "s999-later-joint.md", True)
            older = redated_statement(corpus, Path(tmp) / "s998-older-joint.md", False)
            built = {code: Path(tmp) / f"built-{k}" for k, code in enumerate(codes)}
            for code, store in built.items():
                akg(code, "--store", store, "build", corpus)
            times: dict[tuple[str, Path], list[float]] = {}
            for _ in range(args.rounds):
                for case in ("statement alone", "the folder", "an older statement"):
                    for code, store in built.items():
                        copy = fresh_copy(store, Path(tmp) / "copy")
                        if case != "the folder":
                            added = extra if case == "statement alone" else older
                            seconds = akg(code, "--store", copy, "build", added)
                        else:
                            added = corpus / extra.name
                            added.write_bytes(extra.read_bytes())
                            try:
                                seconds = akg(code, "--store", copy, "build", corpus)
                            finally:
                                added.unlink()
                        times.setdefault((case, code), []).append(seconds)
            for (case, code), found in times.items():
                name = str(code)[-24:]
                middle = statistics.median(found)
                print(f"{n:>9}  {case:<20} {name:<24} {min(found):>8.2f} {middle:>9.2f} "
                      f"{max(found):>7.2f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
