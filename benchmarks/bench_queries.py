"""Time every cookbook query on a large store: end to end (as ``akg query -n`` runs it: a child
process opens the store read-only, checks the query and formats the rows) and the same text
run directly in pyoxigraph and, on the smaller sizes, in rdflib's in-memory Dataset.

Run: ``.venv/bin/python benchmarks/bench_queries.py [N ...]`` (documents; default 500 5000, about
10k and 100k commitments). The store holds copies of the sample statements (as in
``bench_links.py``), the links graph and the union default graph, written to disk in a temporary
folder (``--keep FOLDER``: in FOLDER, kept and reused by the next run); the store is then opened
as a user would open it after the build.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_links import shifted  # noqa: E402

from alliance_kg.graph.build import document_iri, extraction_graph  # noqa: E402
from alliance_kg.graph.links import LINKS_GRAPH, corpus_links  # noqa: E402
from alliance_kg.graph.links.read import read_corpus  # noqa: E402
from alliance_kg.graph.load import BATCH_TRIPLES, extract_paths  # noqa: E402
from alliance_kg.graph.store import quads_of, refresh_union  # noqa: E402
from alliance_kg.graph.storefiles import compact_after  # noqa: E402
from alliance_kg.ontology import ONTOLOGY_GRAPH, PREFIXES, load_ontology  # noqa: E402
from alliance_kg.queries.bounded import (  # noqa: E402
    Bounds,
    Narrowing,
    Substitutions,
    narrowed,
    query_location,
)
from alliance_kg.queries.cookbook import cookbook  # noqa: E402
from alliance_kg.queries.lists import declared, unit_separated  # noqa: E402

#: A value for each parameter the cookbook queries take (entities of the sample corpus).
PARAMS = {
    "entity": "Okinawa",
    "type": "Pledge",
    "date": "2023-01-11",
    "words": "Article V",
    "contains": "Marine Littoral Regiment",
    "as_of": "2026-11-26",
}


def build(folder: Path, documents: int) -> int:
    """Write ``documents`` copies' graphs, the ontology and links graphs (as ``akg build``
    writes them: the cookbook reads the labels of commitment types from the ontology; the
    documents in batches of ``BATCH_TRIPLES``, the store compacted after a large write) and the
    union; return commitments."""
    base = extract_paths([_sample()])
    store = ox.Store(str(folder))
    store.bulk_extend(quads_of(str(ONTOLOGY_GRAPH), load_ontology()))
    batch: list[ox.Quad] = []
    written = 0
    for n in range(documents):
        extraction = shifted(base[n % len(base)], n // len(base))
        name = str(document_iri(extraction.document.key))
        batch += quads_of(name, extraction_graph(extraction))
        if len(batch) >= BATCH_TRIPLES or n == documents - 1:
            store.bulk_extend(batch)
            written += len(batch)
            batch = []
    corpus = read_corpus(store)
    triples, _ = corpus_links(corpus)
    store.bulk_extend(quads_of(str(LINKS_GRAPH), triples))
    refresh_union(store)
    store.flush()
    compact_after(store, written, "benchmark store")
    return len(corpus.items)


def _commitments(folder: Path) -> int:
    store = ox.Store.read_only(str(folder))
    found = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?c a akg:Commitment }", prefixes=PREFIXES)
    assert isinstance(found, ox.QuerySolutions)
    return int(next(iter(found))["n"].value)


def _sample() -> Path:
    from alliance_kg.loaders.readers import sample_corpus_dir

    return sample_corpus_dir()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[500, 5000])
    parser.add_argument("--rdflib-up-to", type=int, default=1000, help="documents")
    parser.add_argument(
        "--rdflib-timeout", type=float, default=300, help="seconds a query may take in rdflib"
    )
    parser.add_argument(
        "--keep", type=Path, metavar="FOLDER",
        help="write each store to FOLDER/N (N documents) and keep it; a store already there "
        "is reused as it is (its links graph is that of the code that wrote it)",
    )  # fmt: skip
    args = parser.parse_args()
    for documents in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = (args.keep or Path(tmp)) / (str(documents) if args.keep else "store")
            t0 = time.perf_counter()
            if folder.exists():
                commitments = _commitments(folder)
                print(f"\n{documents} documents, {commitments} commitments (store reused)")
            else:
                folder.parent.mkdir(parents=True, exist_ok=True)
                commitments = build(folder, documents)
                print(f"\n{documents} documents, {commitments} commitments "
                      f"(store written in {time.perf_counter() - t0:.1f} s)")  # fmt: skip
            # akg and pyoxigraph first: the end-to-end run forks a child with a memory limit,
            # which a parent holding rdflib's copy of a large store would leave no room.
            rows = []
            for name, entry in sorted(cookbook().items()):
                given = {p.name: PARAMS[p.name] for p in entry.params if p.name in PARAMS}
                t1 = time.perf_counter()
                try:
                    query_location(
                        folder, entry.text, "csv", substitutions=entry.bind(given),
                        bounds=Bounds(timeout=120, limit=10**7),
                        names=tuple(entry.entity_names(given)), narrowing=entry.narrowing,
                    )  # fmt: skip
                    end_to_end = f"{time.perf_counter() - t1:7.3f}"
                except Exception as exc:  # noqa: BLE001 - a failed query is a row of the table
                    end_to_end = f"{type(exc).__name__:>7}"
                seconds, text = _direct(folder, entry.text, entry.bind(given), entry.narrowing)
                rows.append((name, end_to_end, seconds, text))
                print(
                    f"  {name}: akg {end_to_end.strip()} s, pyoxigraph {seconds:.3f} s", flush=True
                )
            dataset = _rdflib(folder) if documents <= args.rdflib_up_to else None
            print(
                f"{'query':<22} {'akg s':>7} {'pyoxigraph s':>12} {'rdflib s':>9} "
                f"{'rdflib/pyoxigraph':>17}"
            )
            for name, end_to_end, seconds, text in rows:
                via_rdflib = _in_rdflib(dataset, text, args.rdflib_timeout)
                print(
                    f"{name:<22} {end_to_end} {seconds:>12.3f} {via_rdflib:>9} "
                    f"{_ratio(via_rdflib, seconds):>17}",
                    flush=True,
                )


def _ratio(via_rdflib: str, seconds: float) -> str:
    """rdflib's time over pyoxigraph's (">N" for a query stopped at N seconds), or "-" where
    rdflib gave no answer; pyoxigraph's time counts as at least a millisecond."""
    shown = via_rdflib.lstrip(">")
    if not shown.replace(".", "").isdigit():
        return "-"
    return f"{via_rdflib[: len(via_rdflib) - len(shown)]}{float(shown) / max(seconds, 0.001):.0f}x"


def _direct(
    folder: Path,
    text: str,
    substitutions: Substitutions,
    narrowing: tuple[Narrowing, ...],
) -> tuple[float, str]:
    """The seconds pyoxigraph takes for the query as akg runs it in the query's process (its
    narrowing queries, then the narrowed text, every row read), and that narrowed text with the
    parameters' values in it (what rdflib is given)."""
    from alliance_kg.graph.sparql import bind_values

    store = ox.Store.read_only(str(folder))
    text, _ = unit_separated(text, declared(text))
    t = time.perf_counter()
    text = narrowed(store, text, substitutions, narrowing)
    # The values bound as akg binds them (a VALUES block), the text rdflib is given.
    text = bind_values(text, substitutions) if substitutions else text
    result = store.query(text, prefixes=PREFIXES)
    if not isinstance(result, ox.QueryBoolean):
        for _ in result:
            pass
    return time.perf_counter() - t, text


def _rdflib(folder: Path) -> object:
    import rdflib

    store = ox.Store.read_only(str(folder))
    dataset = rdflib.Dataset(default_union=False)
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    dataset.parse(data=data, format="nquads")
    # The union default graph lives in the store's default graph: copy it too.
    default = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    dataset.default_graph.parse(data=default, format="nt")
    return dataset


def _in_rdflib(dataset: object, sparql: str, timeout: float) -> str:
    """The seconds rdflib takes for ``sparql`` (every row read), in a child forked with the
    loaded dataset so that a query past ``timeout`` seconds can be stopped; or why it failed."""
    if dataset is None:
        return "-"
    prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run the query, write what happened, leave at once
        os.close(read)
        t = time.perf_counter()
        try:
            list(dataset.query(prologue + sparql))  # type: ignore[attr-defined]
            answer = f"{time.perf_counter() - t:.3f}"
        except Exception as exc:  # noqa: BLE001 - rdflib's failure is the measurement
            answer = type(exc).__name__
        os.write(write, answer.encode())
        os._exit(0)
    os.close(write)
    ready, _, _ = select.select([read], [], [], timeout)
    if not ready:
        os.kill(pid, signal.SIGKILL)
        answer = f">{timeout:.0f}"
    else:
        answer = os.read(read, 200).decode() or "died"
    os.waitpid(pid, 0)
    os.close(read)
    return answer


if __name__ == "__main__":
    main()
