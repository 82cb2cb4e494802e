"""Readers, writers and crashes: queries keep answering while another process writes the store,
a second writer gets a clear lock error, and a build killed at any moment leaves every document
wholly in or wholly out of a store that passes RocksDB's own check."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from clirunner import akg
from kills import killed_builds

from alliance_kg.loaders.readers import sample_corpus_dir

#: A writer as a build is, faster: small writes, and a flush every few (new log and table files,
#: the old ones deleted, compactions) over and over, until the file it is given exists.
WRITER = textwrap.dedent(
    """
    import os, sys
    import pyoxigraph as ox
    store = ox.Store(sys.argv[1])
    print("ready", flush=True)
    i = 0
    while not os.path.exists(sys.argv[2]):
        store.update(
            f'INSERT DATA {{ GRAPH <http://x/g{i % 50}> {{ <http://x/s{i}> <http://x/p> "{i}" }} }}'
        )
        if i % 5 == 0:
            store.flush()
        i += 1
    """
)
#: A reader: ``akg query``'s way (a child process that opens the store read-only and runs the
#: query) over and over while the writer runs; prints the answers, and the errors.
READER = textwrap.dedent(
    """
    import json, sys, time
    from alliance_kg.errors import AkgError
    from alliance_kg.queries.bounded import Bounds, query_location
    answers, errors = [], []
    # For the seconds given and until 11 answers, however busy the machine (at most a minute).
    start = time.monotonic()
    end, cap = start + float(sys.argv[2]), start + 60
    while (time.monotonic() < end or len(answers) < 11) and time.monotonic() < cap:
        try:
            output = query_location(sys.argv[1], sys.argv[3], "csv", bounds=Bounds(timeout=3))
        except AkgError as exc:
            errors.append(str(exc))
        else:
            answers.append(int(output.text.split()[1]))
    print(json.dumps([answers, errors]))
    """
)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def test_queries_answer_while_another_process_writes(tmp_path: Path) -> None:
    store = tmp_path / "store"
    ox.Store(str(store)).flush()  # an empty store, closed again
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(store), str(stop)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(store), "5", COUNT], stdout=subprocess.PIPE
        )
        for _ in range(2)
    ]
    answers: list[int] = []
    errors: list[str] = []
    try:
        for reader in readers:
            out, _ = reader.communicate(timeout=120)
            got, failed = json.loads(out)
            answers += got
            errors += failed
    finally:
        # The writer wrote all along: every answer was read while it wrote.
        stop.touch()
    assert writer.wait(timeout=60) == 0
    # Oxigraph (0.5.13) sometimes spins forever in a read-only query while another process
    # writes; --timeout stops it, with its own message. Nothing else may fail: no file of the
    # store may be found missing ("No such file or directory"), at opening or while reading.
    assert [e for e in errors if not e.startswith("the query was stopped after 3 s")] == []
    assert len(answers) > 20
    assert max(answers) > min(answers)  # they saw the writes go on


#: A writer holding the store open (and its lock) until it is told to stop.
HOLDER = textwrap.dedent(
    """
    import sys
    import pyoxigraph as ox
    store = ox.Store(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.read()
    """
)


@contextmanager
def held(store: Path) -> Iterator[None]:
    """The store held open for writing by another process, as a build holds it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "ready\n"
        yield
    finally:
        holder.communicate("")


def test_a_second_writer_gets_a_clear_lock_error(tmp_path: Path) -> None:
    store = tmp_path / "store"
    ox.Store(str(store)).flush()
    with held(store):
        update = akg(
            store, "update", "INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> 1 } }"
        )
        sample = sorted(sample_corpus_dir().glob("*.txt"))[0]
        build = akg(store, "build", str(sample))
    for result in (update, build):
        assert result.exit_code == 1
        assert result.output.splitlines()[-1].startswith(
            f"Error: store {store} is in use by another process ("
        )
        assert result.output.rstrip().endswith("wait for it to finish or use another --store")
    assert set(ox.Store.read_only(str(store))) == set()  # neither wrote anything


def document_graphs(store: ox.Store) -> dict[str, set[ox.Quad]]:
    graphs: dict[str, set[ox.Quad]] = {}
    for quad in store:
        if isinstance(quad.graph_name, ox.NamedNode) and "/document/" in quad.graph_name.value:
            graphs.setdefault(quad.graph_name.value, set()).add(quad)
    return graphs


def check_consistent(store: ox.Store) -> None:
    """The union default graph is the set union of the named graphs, and the store's indexes
    agree (each quad is found by its subject and by its predicate)."""
    quads = set(store)
    named = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in quads
        if q.graph_name != ox.DefaultGraph()
    }
    default = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in quads
        if q.graph_name == ox.DefaultGraph()
    }
    assert default == named
    by_predicate = {
        q for p in {q.predicate for q in quads} for q in store.quads_for_pattern(None, p, None)
    }
    assert by_predicate == quads


#: ``akg build``'s own write path with small batches (a few documents each), so that a kill can
#: fall between batches of a small corpus: arguments STORE DOCUMENT_FOLDER...
BUILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from alliance_kg.graph.load import iter_extractions, write_extractions
    from alliance_kg.graph.store import open_store
    from alliance_kg.loaders.readers import collect_paths
    files = collect_paths([Path(p) for p in sys.argv[2:]])
    extractions = iter_extractions(files, jobs=1)
    write_extractions(lambda: open_store(sys.argv[1]), extractions, batch_triples=1000)
    """
)
DATA = Path(__file__).parent / "data"
CORPUS = [str(sample_corpus_dir()), str(DATA / "unseen"), str(DATA / "series")]


def test_a_killed_build_leaves_each_document_whole_or_absent(tmp_path: Path) -> None:
    builds = killed_builds(BUILD, tmp_path, CORPUS, seeds=5, span=(0.45, 0.95))
    full = document_graphs(ox.Store.read_only(str(next(builds))))
    assert len(full) == 23
    for store in builds:
        opened = ox.Store(str(store))  # opened as the next writer would (replaying its log)
        for name, quads in document_graphs(opened).items():
            assert triples(quads) == triples(full[name]), f"{name} is not whole"
        check_consistent(opened)
        del opened


def triples(quads: set[ox.Quad]) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
