"""Extract a large corpus on Dask, one N-Quads shard per partition, then load the shards.

    pip install -e '.[dask]'
    python benchmarks/dask_extract.py CORPUS_DIR shards/ --partitions 64          # local processes
    python benchmarks/dask_extract.py CORPUS_DIR shards/ --scheduler tcp://host:8786
    akg --store akg-store load-shards shards/

See docs/dask.md. Extraction is a pure function of a document, so partitions need nothing from
each other; the corpus-level stage (meetings, lineages, conflicts) needs the whole corpus and
runs once, in ``load-shards``. Workers use the lexicon named by ``AKG_LEXICON`` on each worker.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import dask
import dask.bag as db

from alliance_kg.graph.shards import write_shard
from alliance_kg.loaders.readers import collect_paths


def write_shards(
    files: list[Path], out_dir: Path, partitions: int, scheduler: str | None = None
) -> list[Path]:
    """Extract ``files`` in ``partitions`` Dask partitions, each writing ``shard-NNNNN.nq`` to
    ``out_dir``; return the shard paths. ``scheduler``: a Dask scheduler name
    ("synchronous", "processes") or a distributed scheduler's address; None: Dask's default."""
    out_dir.mkdir(parents=True, exist_ok=True)
    bag = db.from_sequence([str(f) for f in files], npartitions=partitions)
    shards = [out_dir / f"shard-{i:05d}.nq" for i in range(bag.npartitions)]
    # A partition is a list of paths; write_shard runs once per partition, on a worker.
    tasks = [
        dask.delayed(write_shard)(part, str(shard))
        for part, shard in zip(bag.to_delayed(), shards, strict=True)
    ]
    if scheduler is not None and "://" in scheduler:
        from dask.distributed import Client  # needs the "distributed" package

        with Client(scheduler):
            dask.compute(*tasks)
    else:
        dask.compute(*tasks, scheduler=scheduler)
    return shards


def main() -> None:
    """Parse the arguments and write the shards."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+", type=Path, help="document files or folders")
    parser.add_argument("out", type=Path, help="folder for the shards")
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--scheduler", default="processes")
    args = parser.parse_args()
    shards = write_shards(collect_paths(args.corpus), args.out, args.partitions, args.scheduler)
    print(f"{len(shards)} shard(s) in {args.out}; load them with: akg load-shards {args.out}")


if __name__ == "__main__":
    main()
