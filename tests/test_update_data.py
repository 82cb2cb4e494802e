"""The graphs an update of data alone writes, told by Oxigraph's parser (graph/update_data.py):
each ``DELETE DATA`` read as ``INSERT DATA`` on an empty store in memory."""

from __future__ import annotations

import pytest

from alliance_kg.graph.update_data import data_scope

ID = "https://w3id.org/alliance-kg/id/"
NEWS = f"{ID}document/ausmin-2019-news"


@pytest.mark.parametrize(
    ("update", "told"),
    [
        (f'INSERT DATA {{ GRAPH <{NEWS}> {{ <{NEWS}> akg:p "x" }} }}', ({NEWS}, False)),
        # DELETE DATA names the graphs it removes from; a prologue, a closing semicolon,
        # strings and comments holding braces, semicolons and keywords, lower case.
        (
            "PREFIX x: <http://example.org/x#> # DROP ALL {\n"
            f'insert data {{ GRAPH <{NEWS}> {{ x:a x:b "}} ; DROP ALL {{" }} }} ;\n'
            "DELETE DATA { GRAPH x:g { x:a x:b '''{'''@en } } ;",
            ({NEWS, "http://example.org/x#g"}, False),
        ),
        # Prefixed names with escapes, and a codepoint escape inside a string.
        (
            r'INSERT DATA { GRAPH id:document\/ausmin-2019-news { id:a\.b akg:p "\u007D" } }',
            ({NEWS}, False),
        ),
        (
            "BASE <http://example.org/> INSERT DATA { GRAPH <g> { <s> <p> <o> } }",
            ({"http://example.org/g"}, False),
        ),
        # Triples outside GRAPH write the default graph; an empty graph writes nothing.
        (
            f"INSERT DATA {{ <{NEWS}> akg:p 1 GRAPH <{NEWS}> {{ <{NEWS}> akg:p 2 }} }}",
            ({NEWS}, True),
        ),
        ("DELETE DATA { GRAPH <http://example.org/g> { } }", (set(), False)),
        # Other forms, and what Oxigraph cannot read: not told here.
        ("INSERT DATA { } ; DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", None),
        (f"DROP GRAPH <{NEWS}>", None),
        (f"INSERT DATA {{ GRAPH <{NEWS}> {{ <a> <b> <c> }} }}", None),  # relative IRIs, no base
        ("INSERT DATA { GRAPH <http://example.org/g> { <http://a/b> } }", None),
        ("INSERT { GRAPH <http://example.org/g> { <http://a/b> <http://a/c> 1 } } WHERE { }", None),
        ("INSERT DATA { } DATA { }", None),
    ],
)
def test_the_graphs_an_update_of_data_writes(
    update: str, told: tuple[set[str], bool] | None
) -> None:
    found = data_scope(update)
    assert (None if found is None else (set(found[0]), found[1])) == told
