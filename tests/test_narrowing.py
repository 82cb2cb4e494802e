"""A cookbook query's narrowing gives the rows its text run alone gives, and leaves out the
blocks ``# unless narrowed: NAME`` ... ``# end unless narrowed`` that it makes redundant
(``queries.bounded.unless_narrowed``)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_kg.errors import QueryError
from alliance_kg.queries.bounded import narrowed, run_on_store, unless_narrowed
from alliance_kg.queries.cookbook import cookbook, parse_query_file

#: Parameters of the queries with a narrowing, several per query: names of entities with and
#: without narrower ones (12th Marine Littoral Regiment is under Marine Littoral Regiment), in
#: other cases, other names they go by, and a name that matches nothing.
CASES = [
    ("timeline", {"entity": "Marine Littoral Regiment", "as_of": "2026-11-26"}),
    ("timeline", {"entity": "senkakus"}),
    ("timeline", {"entity": "OKINAWA", "as_of": "2020-01-01"}),
    ("timeline", {"entity": "Atlantis"}),
    ("timeline", {"as_of": "2024-01-01"}),
    ("commitments-about", {"entity": "Okinawa"}),
    ("commitments-by-type", {"type": "Opposition", "date": "2024-07-28"}),
    ("lineage", {"words": "Article V"}),
    ("source", {"contains": "Marine Littoral Regiment"}),
]

BLOCK = """# Q.
# param: name text optional - a name
# narrow: name values
#| SELECT ?e WHERE { ?e skos:prefLabel ?name }
SELECT ?e ?label WHERE {
  ?e skos:prefLabel ?label .
  # unless narrowed: name
  FILTER(!BOUND(?name) || ?label = ?name)
  # end unless narrowed
} ORDER BY ?label
"""


def test_every_narrowed_query_in_cases() -> None:
    assert {name for name, entry in cookbook().items() if entry.narrowing} <= {
        name for name, _ in CASES
    }


@pytest.mark.parametrize(("name", "given"), CASES)
def test_a_narrowing_gives_the_rows_of_the_text_alone(
    corpus_store: Path, name: str, given: dict[str, str]
) -> None:
    entry = cookbook()[name]
    store = ox.Store.read_only(str(corpus_store))
    bound = entry.bind(given)
    fast = run_on_store(store, entry.text, "csv", bound, 10_000, (), entry.narrowing).text
    alone = run_on_store(store, entry.text, "csv", bound, 10_000, (), ()).text
    assert fast == alone
    if name == "timeline" and given.get("entity") == "Marine Littoral Regiment":
        # One commitment about the type, one about the regiment under it alone.
        assert len(fast.splitlines()) == 3
        assert "transforming the 12th Artillery Regiment into the 12th Marine" in fast


def test_a_narrowing_leaves_out_the_test_it_makes_redundant(corpus_store: Path) -> None:
    entry = cookbook()["timeline"]
    store = ox.Store.read_only(str(corpus_store))
    test = "FILTER(!BOUND(?entity) || BOUND(?named))"
    assert test in entry.text
    assert test not in narrowed(
        store, entry.text, entry.bind({"entity": "Okinawa"}), entry.narrowing
    )
    # Without the parameter, no narrowing runs and the text keeps its test.
    assert test in narrowed(store, entry.text, entry.bind({}), entry.narrowing)


def test_only_the_blocks_of_the_narrowings_that_ran_are_left_out() -> None:
    text = "a\n# unless narrowed: x\nb\n# end unless narrowed\n  #unless narrowed: y why\nc\n"
    text += "  # end unless narrowed\nd\n"
    assert unless_narrowed(text, {"x"}) == text.replace("b\n", "")
    assert unless_narrowed(text, {"y"}) == text.replace("c\n", "")
    assert unless_narrowed(text, {"x", "y"}) == text.replace("b\n", "").replace("c\n", "")
    assert unless_narrowed(text, set()) == text
    entry = parse_query_file("q", BLOCK)
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/a"), SKOS_LABEL, ox.Literal("A")))
    store.add(ox.Quad(ox.NamedNode("http://e/b"), SKOS_LABEL, ox.Literal("B")))
    found = run_on_store(
        store, entry.text, "csv", entry.bind({"name": "B"}), 10, (), entry.narrowing
    )
    assert found.text.splitlines() == ["e,label", "http://e/b,B"]
    every = run_on_store(store, entry.text, "csv", entry.bind({}), 10, (), entry.narrowing)
    assert len(every.text.splitlines()) == 3


SKOS_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("# unless narrowed: name\n", "'# unless narrowed: name' has no '# end unless narrowed'"),
        ("# end unless narrowed\n", "'# end unless narrowed' must follow a block's end or start"),
        (
            "# unless narrowed: name\n# unless narrowed: name\n# end unless narrowed\n",
            "'# unless narrowed: name' must follow a block's end or start",
        ),
        (
            "# unless narrowed: other\n# end unless narrowed\n",
            "'# unless narrowed: other' has no '# narrow:' step",
        ),
    ],
)
def test_blocks_that_do_not_pair_or_name_no_narrowing_are_errors(body: str, message: str) -> None:
    bare = unless_narrowed(BLOCK, {"name"}).replace("  # unless narrowed: name\n", "")
    bare = bare.replace("  # end unless narrowed\n", "")
    assert "unless" not in bare
    head, _, rest = bare.partition("\nSELECT")
    with pytest.raises(QueryError) as caught:
        parse_query_file("q", head + "\n" + body + "SELECT" + rest)
    assert str(caught.value) == f"q.rq: {message}"
