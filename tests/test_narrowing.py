"""A cookbook query's narrowing gives the rows its text run alone gives, leaves out the blocks
``# unless narrowed: NAME`` ... ``# end unless narrowed`` that it makes redundant, and keeps the
blocks ``# when narrowed: NAME`` ... ``# end when narrowed`` only when it runs, and blocks ``#
only as written: NAME`` only when NAME is given but not narrowed (``queries.narrow_blocks``)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_kg.errors import QueryError
from alliance_kg.queries import run_query
from alliance_kg.queries.bounded import format_limited, narrowed, run_on_store
from alliance_kg.queries.cookbook import cookbook, parse_query_file
from alliance_kg.queries.narrow_blocks import for_narrowings

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


def test_a_narrowing_leaves_out_the_whole_store_form_and_keeps_the_lookups(
    corpus_store: Path,
) -> None:
    entry = cookbook()["timeline"]
    store = ox.Store.read_only(str(corpus_store))
    test = "FILTER(!BOUND(?entity) || BOUND(?named))"
    hashed = "{ SELECT ?c ?quote WHERE { ?c akg:quote ?quote } }"
    looked_up = "  ?c a akg:Commitment ;\n     akg:quote ?quote ;"
    assert all(part in entry.text for part in (test, hashed, looked_up))
    fast = narrowed(store, entry.text, entry.bind({"entity": "Okinawa"}), entry.narrowing)
    assert test not in fast and hashed not in fast and looked_up in fast
    # Without the parameter, no narrowing runs: the text keeps the whole store's form, and
    # leaves out the form that looks up what a narrowing found and the test, which every row
    # passes. Given but not narrowed (the text run without its steps), the test is kept.
    every = narrowed(store, entry.text, entry.bind({}), entry.narrowing)
    assert test not in every and hashed in every and looked_up not in every
    alone = narrowed(store, entry.text, entry.bind({"entity": "Okinawa"}), ())
    assert test in alone and hashed in alone and looked_up not in alone


def test_only_the_blocks_of_the_narrowings_that_ran_are_left_out() -> None:
    text = "a\n# unless narrowed: x\nb\n# end unless narrowed\n  #unless narrowed: y why\nc\n"
    text += "  # end unless narrowed\nd\n"
    assert for_narrowings(text, {"x"}) == text.replace("b\n", "")
    assert for_narrowings(text, {"y"}) == text.replace("c\n", "")
    assert for_narrowings(text, {"x", "y"}) == text.replace("b\n", "").replace("c\n", "")
    assert for_narrowings(text, set()) == text
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


def test_a_when_block_is_kept_only_when_its_narrowing_ran() -> None:
    text = "L1\n# when narrowed: x\nL2\n# end when narrowed\n# unless narrowed: x\nL3\n"
    text += "# end unless narrowed\n  # when narrowed: y why\nL4\n  # end when narrowed\nL5\n"
    assert for_narrowings(text, set()) == text.replace("L2\n", "").replace("L4\n", "")
    assert for_narrowings(text, {"x"}) == text.replace("L3\n", "").replace("L4\n", "")
    assert for_narrowings(text, {"y"}) == text.replace("L2\n", "")
    assert for_narrowings(text, {"x", "y"}) == text.replace("L3\n", "")
    # Two forms that give the same rows: the narrowed one starts from the values found.
    entry = parse_query_file("q", FORMS)
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/a"), SKOS_LABEL, ox.Literal("A")))
    store.add(ox.Quad(ox.NamedNode("http://e/b"), SKOS_LABEL, ox.Literal("B")))
    for given, rows in [({"name": "B"}, ["http://e/b,B"]), ({}, ["http://e/a,A", "http://e/b,B"])]:
        bound = entry.bind(given)
        found = run_on_store(store, entry.text, "csv", bound, 10, (), entry.narrowing).text
        alone = run_on_store(store, entry.text, "csv", bound, 10, (), ()).text
        assert found.splitlines() == ["e,label", *rows] == alone.splitlines()
    fast = narrowed(store, entry.text, entry.bind({"name": "B"}), entry.narrowing)
    assert "{ SELECT ?e ?label" not in fast and "?e skos:prefLabel ?label ." in fast
    every = narrowed(store, entry.text, entry.bind({}), entry.narrowing)
    assert "{ SELECT ?e ?label" in every and "?e skos:prefLabel ?label ." not in every


def test_a_server_process_narrows_a_query_given_by_name(tmp_path: Path) -> None:
    """``akg serve`` runs a cookbook query as ``akg query -n`` does (``bounded.Given``): its
    narrowing runs, and the form the blocks keep for it is the one run."""
    from alliance_kg.queries.bounded import Bounds, Given
    from alliance_kg.queries.runner import Runner

    written = ox.Store(str(tmp_path / "store"))
    written.add(ox.Quad(ox.NamedNode("http://e/a"), SKOS_LABEL, ox.Literal("A")))
    written.add(ox.Quad(ox.NamedNode("http://e/b"), SKOS_LABEL, ox.Literal("B")))
    written.flush()
    del written
    entry = parse_query_file("q", MARKED)
    runner = Runner(tmp_path / "store", Bounds())
    for given, rows in [
        ({"name": "B"}, ["http://e/b,looked up"]),
        ({}, ["http://e/a,whole store", "http://e/b,whole store"]),
    ]:
        found = Given(entry.bind(given), entry.narrowing)
        for run in (runner.query, runner.query_apart):
            assert run(entry.text, "csv", None, found).text.splitlines() == ["e,form", *rows]
    # Without it, the text as written: both forms, so no row (the forms bind ?form apart).
    assert runner.query(entry.text, "csv", None).text.splitlines() == ["e,form"]


#: Two forms that give different rows, to tell which one ran.
MARKED = """# Q.
# param: name text optional - a name
# narrow: name values
#| SELECT ?e WHERE { ?e skos:prefLabel ?name }
SELECT ?e ?form WHERE {
  ?e skos:prefLabel ?label .
  # unless narrowed: name
  FILTER(!BOUND(?name) || ?label = ?name)
  { BIND("whole store" AS ?form) }
  # end unless narrowed
  # when narrowed: name
  { BIND("looked up" AS ?form) }
  # end when narrowed
} ORDER BY ?e
"""


FORMS = """# Q.
# param: name text optional - a name
# narrow: name values
#| SELECT ?e WHERE { ?e skos:prefLabel ?name }
SELECT ?e ?label WHERE {
  # unless narrowed: name
  { SELECT ?e ?label WHERE { ?e skos:prefLabel ?label } }
  FILTER(!BOUND(?name) || ?label = ?name)
  # end unless narrowed
  # when narrowed: name
  ?e skos:prefLabel ?label .
  # end when narrowed
} ORDER BY ?label
"""


def test_a_block_only_as_written_is_kept_only_for_a_parameter_given_but_not_narrowed() -> None:
    text = "L1\n# only as written: x\nL2\n# end only as written\n  # only as written: y why\n"
    text += "L3\n  # end only as written\nL4\n"
    assert for_narrowings(text, set()) == text.replace("L2\n", "").replace("L3\n", "")
    assert for_narrowings(text, {"x"}) == text.replace("L2\n", "").replace("L3\n", "")
    assert for_narrowings(text, {"x"}, {"x", "y"}) == text.replace("L2\n", "")
    assert for_narrowings(text, set(), {"x", "y"}) == text
    entry = parse_query_file("q", WRITTEN)
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/a"), SKOS_LABEL, ox.Literal("A")))
    store.add(ox.Quad(ox.NamedNode("http://e/b"), SKOS_LABEL, ox.Literal("B")))
    test = "FILTER(!BOUND(?name) || ?label = ?name)"
    for given, rows in [({"name": "B"}, ["http://e/b,B"]), ({}, ["http://e/a,A", "http://e/b,B"])]:
        bound = entry.bind(given)
        # Narrowed or not given, the test is left out; given without the narrowing, kept.
        assert test not in narrowed(store, entry.text, bound, entry.narrowing)
        assert (test in narrowed(store, entry.text, bound, ())) == bool(given)
        found = run_on_store(store, entry.text, "csv", bound, 10, (), entry.narrowing).text
        alone = run_on_store(store, entry.text, "csv", bound, 10, (), ()).text
        written = run_query(store, entry.text, substitutions=bound)
        assert found.splitlines() == ["e,label", *rows] == alone.splitlines()
        assert format_limited(written, "csv", 10).splitlines() == found.splitlines()


#: A test of the parameter that its narrowing makes, kept only for a client running the file.
WRITTEN = """# Q.
# param: name text optional - a name
# narrow: name values
#| SELECT ?e WHERE { ?e skos:prefLabel ?name }
SELECT ?e ?label WHERE {
  ?e skos:prefLabel ?label .
  # only as written: name
  FILTER(!BOUND(?name) || ?label = ?name)
  # end only as written
} ORDER BY ?label
"""


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
        (
            "# when narrowed: other\n# end when narrowed\n",
            "'# when narrowed: other' has no '# narrow:' step",
        ),
        ("# when narrowed: name\n", "'# when narrowed: name' has no '# end when narrowed'"),
        ("# end when narrowed\n", "'# end when narrowed' must follow a block's end or start"),
        (
            "# when narrowed: name\n# end unless narrowed\n",
            "'# end unless narrowed' ends a '# when narrowed:' block",
        ),
        (
            "# unless narrowed: name\n# when narrowed: name\n# end when narrowed\n",
            "'# when narrowed: name' must follow a block's end or start",
        ),
        ("# only as written: name\n", "'# only as written: name' has no '# end only as written'"),
        (
            "# only as written: other\n# end only as written\n",
            "'# only as written: other' has no '# narrow:' step",
        ),
        (
            "# only as written: name\n# end unless narrowed\n",
            "'# end unless narrowed' ends a '# only as written:' block",
        ),
        (
            "# when narrowed: name\n# only as written: name\n# end only as written\n",
            "'# only as written: name' must follow a block's end or start",
        ),
    ],
)
def test_blocks_that_do_not_pair_or_name_no_narrowing_are_errors(body: str, message: str) -> None:
    bare = for_narrowings(BLOCK, {"name"}).replace("  # unless narrowed: name\n", "")
    bare = bare.replace("  # end unless narrowed\n", "")
    assert "unless" not in bare
    head, _, rest = bare.partition("\nSELECT")
    with pytest.raises(QueryError) as caught:
        parse_query_file("q", head + "\n" + body + "SELECT" + rest)
    assert str(caught.value) == f"q.rq: {message}"
