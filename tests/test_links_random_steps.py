"""A store changed step by step, in a random but seeded order (statements added, their dates
moved a year or removed, sentences dropped, copies under other names, documents dropped by
`akg update`), holds after every step the links graph that the stage works out afresh from its
documents: what the kept records, blocks, parts and digests save is never a different graph.
And one step such orders seldom take: a user's date on one report that moves the meeting of
another report's commitments, which are in another block."""

from __future__ import annotations

import random
import re
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg

from alliance_kg.graph.links import LINKS_GRAPH, plan_links
from alliance_kg.graph.store import open_store, to_oxigraph
from alliance_kg.ontology import ID, PREFIXES

DATE = re.compile(r"^date: (\d{4})-(\d\d)-(\d\d)$", re.MULTILINE)
GIVEN = re.compile(r"^meeting_date: .*\n", re.MULTILINE)
SAID = re.compile(r" on [A-Z][a-z]+ \d+, \d{4}\.")
MONTHS = "January February March April May June July August September October November December"


def _links(store: Path) -> tuple[set[str], set[str]]:
    """The store's links graph, and the one the stage works out afresh, as lines."""
    opened = open_store(store, read_only=True)
    triples, _ = plan_links(opened)  # no records kept: every graph read from the store
    fresh = {" ".join(str(to_oxigraph(t)) for t in triple) for triple in triples}
    quads = opened.quads_for_pattern(None, None, None, ox.NamedNode(str(LINKS_GRAPH)))
    return {f"{q.subject} {q.predicate} {q.object}" for q in quads}, fresh


def _dated(path: Path, year: int, month: int, day: int) -> None:
    text = DATE.sub(f"date: {year}-{month:02d}-{day:02d}", path.read_text(encoding="utf-8"))
    said = f" on {MONTHS.split()[month - 1]} {day}, {year}."
    path.write_text(SAID.sub(said, text), encoding="utf-8")


def _step(rng: random.Random, pool: list[Path], docs: Path, store: Path, step: int) -> None:
    files = sorted(docs.iterdir())
    kind = rng.choice(["add", "slip", "slip", "given", "undate", "drop-sentence", "copy", "drop"])
    if kind == "add" or not files:
        for path in rng.sample(pool, 3):
            shutil.copy(path, docs)
    elif kind == "slip":
        # Another statement's day, with the year kept or one off: meetings join and part.
        moved, other = rng.sample(files, 2) if len(files) > 1 else (files[0], files[0])
        found = DATE.search(other.read_text(encoding="utf-8"))
        if found:
            year = int(found[1]) + rng.choice([-1, 0, 1])
            _dated(moved, year, int(found[2]), int(found[3]))
    elif kind == "given":
        # The user's meeting date (front matter), another statement's day: it outranks what
        # every report of that meeting states, whatever block their commitments are in.
        path, other = rng.choice(files), rng.choice(files)
        found = DATE.search(other.read_text(encoding="utf-8"))
        text = GIVEN.sub("", path.read_text(encoding="utf-8"))
        if found and text.startswith("---\n"):
            text = text.replace(
                "---\n", f"---\nmeeting_date: {found[1]}-{found[2]}-{found[3]}\n", 1
            )
        path.write_text(text, encoding="utf-8")
    elif kind == "undate":
        path = rng.choice(files)
        text = DATE.sub("", path.read_text(encoding="utf-8"))
        path.write_text(SAID.sub(".", text), encoding="utf-8")
    elif kind == "drop-sentence":
        path = rng.choice(files)
        paragraphs = path.read_text(encoding="utf-8").split("\n\n")
        if len(paragraphs) > 4:
            del paragraphs[rng.randrange(3, len(paragraphs))]
            path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    elif kind == "copy":
        path = rng.choice(files)
        shutil.copy(path, docs / f"copy{step}-{path.name}")
    else:
        path = rng.choice(files)
        path.unlink()
        update = (
            "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { "
            f'?g akg:sourceFile "{path.name}" . ?s ?p ?o }} }}'
        )
        result = akg(store, "update", update)
        assert result.exit_code == 0, result.output
        return
    if any(docs.iterdir()):
        result = akg(store, "build", "--jobs", "1", str(docs))
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("seed", [3, 11])
def test_after_every_step_the_links_graph_is_the_one_worked_out_afresh(
    tmp_path: Path, seed: int
) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.synthetic import generate

    rng = random.Random(seed)
    pool = generate(tmp_path / "pool", 30, seed=seed)
    docs, store = tmp_path / "docs", tmp_path / "store"
    docs.mkdir()
    for path in rng.sample(pool, 8):
        shutil.copy(path, docs)
    assert akg(store, "build", "--jobs", "1", str(docs)).exit_code == 0
    for step in range(10):
        _step(rng, pool, docs, store, step)
        kept, fresh = _links(store)
        assert kept == fresh, f"step {step}"
    assert len(kept) > 500


REPORT = """---
title: Australia-Japan ministerial consultations{given}
---
Australia and Japan held their ministerial consultations in Canberra on {day}, 2031.

{sentences}
"""


def test_a_user_date_on_one_report_moves_the_meeting_of_anothers_commitments(
    tmp_path: Path,
) -> None:
    # The two reports' commitments have other parties, so they are in other blocks: the user's
    # date on the second report moves the meeting (March 4-6 and March 6 overlap; the user's
    # day wins) while the first report's block stays as it was. Its part of the links graph
    # must be written again all the same (``parts.part_key`` holds its meeting and date).
    docs, store = tmp_path / "docs", tmp_path / "store"
    docs.mkdir()
    first = "\n".join(
        f"Australia and Japan {said}."
        for said in (
            "resolved to station the 3rd Logistics Regiment in Darwin",
            "reaffirmed their commitment to the Reciprocal Access Agreement",
            "strongly opposed coercive actions in the South China Sea",
        )
    )
    second = "Japan pledged to deploy Aegis destroyers to Okinawa."
    (docs / "a.md").write_text(REPORT.format(given="", day="March 4-6", sentences=first))
    for given in ("", "\nmeeting_date: 2031-03-05"):
        report = REPORT.format(given=given, day="March 6", sentences=second)
        (docs / "b.md").write_text(report)
        assert akg(store, "build", "--jobs", "1", str(docs)).exit_code == 0
    kept, fresh = _links(store)
    assert kept == fresh
    at = f"<{PREFIXES['akg']}atMeeting>"
    meetings = {line.rsplit(" ", 1)[1] for line in kept if f" {at} " in line}
    assert meetings == {f"<{ID}meeting/australia-japan/2031-03-05>"}
