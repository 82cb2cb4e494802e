"""The least time Oxigraph takes to list as many rows and columns as a cookbook listing gives.

Issue 11 asks every cookbook query to answer in under 1 s at 100,000 commitments. A few of
them list tens of thousands of rows (every commitment of a type, every deadline, a lineage of
thousands of statements, every commitment's source or timeline). This measures, beside each
such query as ``akg query -n`` runs it end to end, a floor: the same number of rows and
columns (up to eight), each column a single-valued property of a commitment read by one pattern,
in a sub-select joined by hashing or looked up for each row, whichever is faster here, written as
TSV by Oxigraph's own writer; unsorted, and sorted by one key made by the query (``CONCAT``:
sorting by a stored string itself costs three to four times more, since Oxigraph reads its
value at each comparison). A real listing reads more (several patterns for a column, lists of
several values, grouping), so the floor is generous: where even it passes 1 s, a text that
reads each of its columns by a pattern cannot meet the target on that store and machine.

Run: ``.venv/bin/python benchmarks/listing_floor.py --store STORE`` on a built store (e.g.
the first 7,930 files by name of ``python benchmarks/synthetic.py DOCS --documents 10000``,
about 100,000 commitments, built with ``akg --store STORE build``); without ``--store``, on a
store of ``--documents N`` synthetic statements built in a temporary folder (default 1,000, as
``make bench`` runs it). ``--rounds N``: runs of each (the best is kept).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
AKG = "https://w3id.org/alliance-kg/ontology#"

#: The listings (a cookbook query and its parameters) and the single-valued properties of a
#: commitment that a floor's columns read (every commitment has each once).
LISTINGS = [
    ("commitments-by-type", ["type=Pledge"]),
    ("deadlines", ["as_of=2026-11-26"]),
    ("lineage", ["words=Darwin"]),
    ("source", []),
    ("timeline", ["as_of=2026-11-26"]),
]
PROPERTIES = [
    f"<{AKG}quote>",
    f"<{AKG}statedIn>",
    f"<{AKG}commitmentType>",
    f"<{AKG}atMeeting>",
    f"<{AKG}startOffset>",
    f"<{AKG}endOffset>",
    "<http://www.w3.org/2000/01/rdf-schema#label>",
]


def akg_listing(store: str, name: str, params: list[str]) -> tuple[float, int, int]:
    """Seconds ``akg query -n NAME`` takes end to end (TSV), and its rows and columns."""
    command = [sys.executable, "-m", "alliance_kg.cli", "--store", store, "query", "-n", name]
    for param in params:
        command += ["-p", param]
    command += ["--format", "tsv", "--limit", "10000000", "--timeout", "600"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    lines = done.stdout.decode().splitlines()
    return seconds, len(lines) - 1, len(lines[0].split("\t"))


def floor_queries(rows: int, columns: int, order: bool) -> list[str]:
    """Two texts listing ``rows`` commitments in ``columns`` columns: the commitments and each
    property in sub-selects joined by hashing, and the properties looked up for each."""
    props = PROPERTIES[: columns - 1]
    names = " ".join(["?c", *(f"?v{k}" for k in range(len(props)))])
    first = f"{{ SELECT ?c WHERE {{ ?c a <{AKG}Commitment> }} LIMIT {rows} }}"
    hashed = "".join(
        f" {{ SELECT ?c ?v{k} WHERE {{ ?c {p} ?v{k} }} }}" for k, p in enumerate(props)
    )
    looked = "".join(f" ?c {p} ?v{k} ." for k, p in enumerate(props))
    key = f"CONCAT('~', STR({'?v0' if props else '?c'}))"
    tail = f" ORDER BY {key}" if order else ""
    return [
        f"SELECT {names} WHERE {{ {first}{hashed} }}{tail}",
        f"SELECT {names} WHERE {{ {first}{looked} }}{tail}",
    ]


def timed(store: ox.Store, text: str, rounds: int) -> tuple[float, int]:
    """The best of ``rounds`` runs of ``text``, its rows written as TSV, and the rows."""
    best, count = float("inf"), 0
    for _ in range(rounds):
        start = time.perf_counter()
        out = io.BytesIO()
        result = store.query(text, use_default_graph_as_union=False)
        assert isinstance(result, ox.QuerySolutions)
        result.serialize(out, ox.QueryResultsFormat.TSV)
        best = min(best, time.perf_counter() - start)
        count = out.getvalue().count(b"\n") - 1
    return best, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", help="a store built by akg (default: one built here)")
    parser.add_argument("--documents", type=int, default=1000, help="synthetic, without --store")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.store is None:
        with tempfile.TemporaryDirectory() as folder:
            args.store = built(Path(folder), args.documents)
            listings(args.store, args.rounds)
    else:
        listings(args.store, args.rounds)


def built(folder: Path, documents: int) -> str:
    """A store of ``documents`` synthetic statements (``synthetic.py``) built by ``akg build``."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.synthetic import generate

    generate(folder / "in", documents)
    store = str(folder / "store")
    command = [sys.executable, "-m", "alliance_kg.cli", "--store", store, "build"]
    subprocess.run([*command, str(folder / "in")], capture_output=True, check=True, cwd=ROOT)
    return store


def listings(store_path: str, rounds: int) -> None:
    """Print the table of each listing beside its floors."""
    commitments = 0
    print("| query | rows | columns | akg end to end, s | floor unsorted, s | floor sorted, s |")
    print("|---|---|---|---|---|---|")
    for name, params in LISTINGS:
        seconds, rows, columns = akg_listing(store_path, name, params)
        store = ox.Store.read_only(store_path)
        if not commitments:
            found = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c a <{AKG}Commitment> }}")
            assert isinstance(found, ox.QuerySolutions)
            commitments = int(next(iter(found))["n"].value)
        floors: list[float] = []
        for order in (False, True):
            times = []
            for text in floor_queries(rows, min(columns, len(PROPERTIES) + 1), order):
                took, listed = timed(store, text, rounds)
                assert listed == min(rows, commitments), (listed, rows)
                times.append(took)
            floors.append(min(times))
        del store
        label = " ".join([name, *params])
        print(
            f"| {label} | {rows} | {columns} | {seconds:.2f} | {floors[0]:.2f} | {floors[1]:.2f} |"
        )
    print(
        f"\n{commitments} commitments; columns past {len(PROPERTIES) + 1} not counted in a floor."
    )


if __name__ == "__main__":
    main()
