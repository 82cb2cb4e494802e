"""A former cookbook text with what the current one adds to it ("Queries, eleventh round" in
the README): its lists sorted (``# sorted lists:``, since rows read by hashing meet a list's
values in another order than rows looked up) and a last key of its ``ORDER BY`` for rows equal
in every other. The former text so completed gives the rows the current text should give.

A plain module, imported by tests/test_former_texts.py and tests/test_deadline_status.py.
"""

from __future__ import annotations


def as_now(former: str, lists: str, order: str, last: str) -> str:
    """``former`` with ``# sorted lists: LISTS`` after its first line and ``last`` after its
    ``order`` line (``ORDER BY ...``, whole)."""
    heading, rest = former.split("\n", 1)
    assert f"\n{order}\n" in f"\n{rest}", order
    rest = f"\n{rest}".replace(f"\n{order}\n", f"\n{order} {last}\n")[1:]
    return f"{heading}\n# sorted lists: {lists}\n{rest}"


#: ``deadlines``: its parties and concerns sorted, the deadline's IRI last.
DEADLINES = ("parties concerns", "ORDER BY ?deadline STR(?file) STR(?clause)", "STR(?dl)")
#: ``meetings``: its participants and documents sorted, the meeting's IRI last.
MEETINGS = ("participants documents", "ORDER BY ?date STR(?meeting)", "STR(?m)")
