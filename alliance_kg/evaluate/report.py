"""Reports as text: a fixed-width ``table`` or ``json``."""

from __future__ import annotations

import json
from typing import Any

from alliance_kg.evaluate.scores import Report, Score


def format_report(
    report: Report, fmt: str = "table", per_document: bool = False, show_errors: bool = True
) -> str:
    """Render a report as a text ``table`` or as ``json``; both end without a newline."""
    if fmt == "json":
        return _format_json(report, per_document, show_errors)
    if fmt != "table":
        raise ValueError(f"unknown report format {fmt!r} (expected table or json)")
    lines = ["All documents (micro-averaged)", *_table(report.totals)]
    lines.append(
        f"meeting all correct: {report.meetings_correct}/{len(report.documents)} documents"
    )
    if report.links is not None:
        lines += ["", "Across documents (links.gold.json)", *_table(report.links.scores)]
    if report.missing_documents:
        lines.append("not in the graph: " + ", ".join(report.missing_documents))
    if per_document:
        for doc in report.documents:
            state = "" if doc.graph_document else " (not in the graph)"
            lines += ["", f"{doc.document}{state}", *_table(doc.scores)]
            lines.append(f"meeting all correct: {'yes' if doc.meeting_correct else 'no'}")
    if show_errors:
        errors = report.errors + (report.links.errors if report.links else [])
        lines += [
            "",
            "Misses (-) and false alarms (+):" if errors else "No misses or false alarms.",
        ]
        current = None
        for e in errors:
            if e.document != current:
                current = e.document
                lines.append(e.document)
            sign = "-" if e.kind == "miss" else "+"
            lines.append(f"  {e.category:<21} {sign} {e.item}")
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _table(scores: dict[str, Score]) -> list[str]:
    width = max(22, *(len(c) for c in scores))
    rows = [f"{'category':<{width}} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for c in scores:
        s = scores[c]
        rows.append(
            f"{c:<{width}} {_fmt(s.precision):>6} {_fmt(s.recall):>6} {_fmt(s.f1):>6} "
            f"{s.tp:>5} {s.fp:>5} {s.fn:>5}"
        )
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _score_json(scores: dict[str, Score]) -> dict[str, dict[str, Any]]:
    return {
        c: {
            "precision": _round(s.precision),
            "recall": _round(s.recall),
            "f1": _round(s.f1),
            "tp": s.tp,
            "fp": s.fp,
            "fn": s.fn,
        }
        for c, s in scores.items()
    }


def _format_json(report: Report, per_document: bool, show_errors: bool) -> str:
    data: dict[str, Any] = {
        "totals": _score_json(report.totals),
        "meetings_all_correct": report.meetings_correct,
        "documents_scored": len(report.documents),
        "missing_documents": report.missing_documents,
        "unscored_documents": report.unscored_documents,
    }
    if report.links is not None:
        data["links"] = _score_json(report.links.scores)
    if per_document:
        data["documents"] = [
            {
                "document": d.document,
                "graph_document": d.graph_document,
                "scores": _score_json(d.scores),
                "meeting_all_correct": d.meeting_correct,
            }
            for d in report.documents
        ]
    if show_errors:
        data["errors"] = [
            {"document": e.document, "category": e.category, "kind": e.kind, "item": e.item}
            for e in report.errors + (report.links.errors if report.links else [])
        ]
    return json.dumps(data, indent=2, ensure_ascii=False)
