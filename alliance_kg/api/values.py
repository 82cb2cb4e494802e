"""Query results and parameters as Python values: ``Rows``, and the conversions the API
makes between its callers' values and Oxigraph's terms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from alliance_kg.errors import QueryError

if TYPE_CHECKING:
    import rdflib

    from alliance_kg.queries.bounded import QueryOutput


class Rows(list[dict[str, Any]]):
    """The rows of a SELECT, each a dict from variable name to value (unbound: ``None``).

    IRIs are ``str``; literals are their Python values (``int``, ``datetime.date``, ...)
    where rdflib knows the datatype, else their text; blank nodes are ``"_:name"``.
    """

    def __init__(self, variables: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
        super().__init__(rows)
        self.variables = list(variables)

    def to_dataframe(self) -> Any:
        """The rows as a ``pandas.DataFrame`` (pandas must be installed), columns in order."""
        try:
            import pandas
        except ImportError as exc:
            raise QueryError("to_dataframe needs pandas: pip install pandas") from exc
        return pandas.DataFrame(list(self), columns=self.variables)


def to_terms(params: Mapping[str, Any]) -> dict[Any, Any]:
    import pyoxigraph as ox

    from alliance_kg.graph.store import to_oxigraph

    out: dict[Any, Any] = {}
    for name, value in params.items():
        if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
            term = value
        else:
            from rdflib import Literal
            from rdflib.term import Identifier

            term = to_oxigraph(value if isinstance(value, Identifier) else Literal(value))
        out[ox.Variable(name)] = term
    return out


def decoded(output: QueryOutput) -> Rows | bool | rdflib.Graph:
    """The JSON (SELECT, ASK) or Turtle (graphs) text of a bounded query as Python values."""
    import json

    if output.kind == "graph":
        import rdflib

        return rdflib.Graph().parse(data=output.text, format="turtle")
    data = json.loads(output.text)
    if "boolean" in data:
        return bool(data["boolean"])
    variables = data["head"]["vars"]
    rows = [
        {v: _value(row[v]) if v in row else None for v in variables}
        for row in data["results"]["bindings"]
    ]
    return Rows(variables, rows)


def _value(term: dict[str, str]) -> Any:
    kind, text = term["type"], term["value"]
    if kind == "uri":
        return text
    if kind == "bnode":
        return f"_:{text}"
    from rdflib import Literal, URIRef

    datatype = term.get("datatype")
    literal = Literal(
        text, lang=term.get("xml:lang"), datatype=URIRef(datatype) if datatype else None
    )
    value = literal.toPython()
    # A language-tagged string (or an unknown datatype) stays a Literal: give its text.
    return str(value) if isinstance(value, Literal) else value
