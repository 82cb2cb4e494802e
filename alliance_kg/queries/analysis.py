"""Network analysis as rows: centrality, communities and paths of the entity network
(``graph/network.py``), formatted as a table, CSV or JSON like the other results."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from alliance_kg.errors import QueryError
from alliance_kg.graph.network import commitment_facts, measures, read_network, shortest_path
from alliance_kg.queries import table_text

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

#: The measures ``akg analyze`` computes.
ANALYSES = ("centrality", "communities", "path")
ANALYSIS_FORMATS = ("table", "csv", "json")


def analysis_rows(
    store: SparqlStore,
    analysis: str,
    *,
    set_aside_parties: bool = False,
    top: int | None = None,
    between: tuple[str, str] | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows of one analysis (a name of ``ANALYSES``) of the entity network.

    ``centrality``: each entity's commitments, degree and betweenness centrality and community,
    most between first (``top`` keeps the first rows). ``communities``: each community's size
    and members, most engaged first. ``path``: the steps of the shortest chain of commitments
    joining the two entities of ``between``, each with the commitment that explains it.
    """
    if analysis not in ANALYSES:
        raise QueryError(f"unknown analysis {analysis!r}; use one of {', '.join(ANALYSES)}")
    if (analysis == "path") != (between is not None):
        raise QueryError("a path needs two entities, and only a path takes them")
    if top is not None and top < 1:
        raise QueryError("top must be at least 1")
    graph = read_network(store, set_aside_parties=set_aside_parties)
    if analysis == "path":
        assert between is not None
        return _path(store, graph, *between)
    found = measures(graph)
    nodes = graph.nodes
    if analysis == "communities":
        members: dict[int, list[str]] = defaultdict(list)
        for node, m in found.items():
            members[m.community].append(node)
        columns = ["community", "size", "members"]
        rows = []
        for k in sorted(members):
            ranked = sorted(members[k], key=lambda n: (-nodes[n]["commitments"], nodes[n]["label"]))
            labels = "; ".join(nodes[n]["label"] for n in ranked)
            rows.append({"community": k, "size": len(ranked), "members": labels})
        return columns, rows
    columns = ["entity", "type", "commitments", "degree", "betweenness", "community"]
    order = sorted(
        found, key=lambda n: (-found[n].betweenness, -found[n].degree, nodes[n]["label"], n)
    )
    rows = [
        {
            "entity": nodes[n]["label"],
            "type": nodes[n]["type"],
            "commitments": nodes[n]["commitments"],
            "degree": round(found[n].degree, 6),
            "betweenness": round(found[n].betweenness, 6),
            "community": found[n].community,
        }
        for n in order
    ]
    return columns, rows[:top]


def _path(
    store: SparqlStore, graph: Any, start: str, end: str
) -> tuple[list[str], list[dict[str, Any]]]:
    steps = shortest_path(graph, start, end)
    facts = commitment_facts(store, [s.commitment for s in steps])
    columns = ["step", "from", "to", "commitments", "date", "quote"]
    rows = []
    for k, step in enumerate(steps, 1):
        quote, date = facts.get(step.commitment, ("", ""))
        rows.append(
            {
                "step": k,
                "from": graph.nodes[step.source]["label"],
                "to": graph.nodes[step.target]["label"],
                "commitments": step.commitments,
                "date": date,
                "quote": quote,
            }
        )
    return columns, rows


def format_rows(columns: list[str], rows: list[dict[str, Any]], fmt: str) -> str:
    """Rows as ``table`` (figures to three decimals), ``csv`` or ``json`` (a list of
    objects), ending with a newline."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    if fmt == "table":
        return table_text(columns, [[_shown(row[c]) for c in columns] for row in rows])
    raise QueryError(f"unknown format {fmt!r}; use one of {', '.join(ANALYSIS_FORMATS)}")


def _shown(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)
