"""A build of files: which of them to extract, then their extraction and writing.

A file whose fingerprint (``loaders.fingerprint``: its bytes, its name, its sidecar, the package
and the lexicons in effect) is the one kept when its graph was written is not extracted again, in
an on-disk store that no other program wrote since (``stamp``): its graph would come out the
same."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_kg.graph.build import document_iri
from alliance_kg.graph.links import last_result
from alliance_kg.graph.load import LoadResult, iter_document_graphs, write_extractions
from alliance_kg.graph.stamp import held_for_writing, union_stamped
from alliance_kg.graph.totals import keep_counted
from alliance_kg.loaders.fingerprint import fingerprints
from alliance_kg.loaders.parallel import default_jobs
from alliance_kg.loaders.readers import document_key

if TYPE_CHECKING:
    from alliance_kg.graph.links.state import LinksState


def build_files(
    location: str | Path,
    given: Sequence[Path],
    state: Callable[[], LinksState | None],
    progress: Callable[[int, int], None] | None = None,
    jobs: int | None = None,
    force: bool = False,
) -> LoadResult:
    """Extract those of ``given`` (``readers.collect_documents``) that changed since their
    graphs were written (all of them with ``force``) into the store at ``location``, then rerun
    the corpus-level stage (``load.write_extractions``); ``state`` gives the stage's records
    kept beside an on-disk store. ``progress(done, total)`` follows the files extracted;
    ``jobs`` as ``KnowledgeGraph.build`` takes it."""
    done = 0

    def step(_path: Path) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, len(plan.files))

    # Extraction streams into batched writes (memory follows a batch); the store is locked
    # before extraction, and a build that fails before writing leaves none.
    with held_for_writing(location) as (store, check):
        kept = state()
        folder = None if kept is None else Path(location)
        plan = plan_build(given, kept, folder, force)
        last = last_result(kept) if kept is not None and not plan.files else None
        if kept is not None and last is not None:
            # Nothing to extract, and nothing written since the last stage: nothing to write.
            keep_counted(store(), kept)
            return LoadResult(0, 0, last.meetings, 0, [], last, plan.unchanged)
        workers = default_jobs(len(plan.files)) if jobs is None else jobs
        graphs = (
            iter_document_graphs(
                plan.files, step, workers, records=kept is not None, collected=True
            )
            if plan.files
            else iter(())
        )
        written = write_extractions(
            store, graphs, check=check, state=kept, jobs=jobs, prints=plan.prints
        )
        return replace(written, unchanged=plan.unchanged)


@dataclass(frozen=True)
class Plan:
    """The files to extract, in the order given; the fingerprints of their graphs (by graph
    name) to keep once they are written; how many files were skipped as unchanged."""

    files: list[Path]
    prints: dict[str, str]
    unchanged: int


def plan_build(
    files: Sequence[Path], state: LinksState | None, folder: Path | None, force: bool = False
) -> Plan:
    """Which of ``files`` to extract into the store in ``folder``, whose records ``state``
    keeps: all of them for a remote store (no state), for a store another program wrote since
    the last akg writer, and with ``force``. Call with the store held for writing."""
    if state is None or folder is None:
        return Plan(list(files), {}, 0)
    graph = {path: str(document_iri(document_key(path))) for path in files}
    prints = {graph[path]: found for path, found in fingerprints(files).items()}
    same = set() if force or not union_stamped(folder) else state.unchanged(prints)
    todo = [path for path in files if graph[path] not in same]
    kept = {name: found for name, found in prints.items() if name not in same}
    return Plan(todo, kept, len(files) - len(todo))
