"""``benchmarks/listing_floor.py`` on 60 synthetic statements: a row for each listing, with the
rows and columns akg gives, and floors that list as many rows (the script checks each)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]


def test_listing_floor_table(synthetic_built: Path) -> None:
    store = ox.Store.read_only(str(synthetic_built))
    found = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/alliance-kg/ontology#Commitment> }"
    )
    assert isinstance(found, ox.QuerySolutions)
    commitments = int(next(iter(found))["n"].value)
    del store
    done = subprocess.run(
        [sys.executable, "benchmarks/listing_floor.py", "--store", str(synthetic_built)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "| query | rows | columns | akg end to end, s | floor unsorted, s | floor sorted, s |"
    )
    table = {
        cells[0]: cells[1:] for cells in (line.strip("| ").split(" | ") for line in lines[2:7])
    }
    assert list(table) == [
        "commitments-by-type type=Pledge",
        "deadlines as_of=2026-11-26",
        "lineage words=Darwin",
        "source",
        "timeline as_of=2026-11-26",
    ]
    assert [table[name][1] for name in table] == ["6", "8", "9", "8", "11"]
    assert table["source"][0] == table["timeline as_of=2026-11-26"][0] == str(commitments)
    assert all(0 < int(cells[0]) <= commitments for cells in table.values())
    assert all(float(cell) >= 0 for cells in table.values() for cell in cells[2:])
    assert lines[7:] == ["", f"{commitments} commitments; columns past 8 not counted in a floor."]
