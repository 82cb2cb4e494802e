"""Terms between rdflib (the graph builders) and pyoxigraph (the store): conversions both
ways, the quads of a named graph, and triples checked before they are written."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TypeAlias

import pyoxigraph as ox

from alliance_kg.errors import StoreError
from alliance_kg.ontology import XSD_STRING

if TYPE_CHECKING:
    from rdflib.term import Node

#: A term of a pyoxigraph quad's subject, predicate or object position.
OxTerm: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
#: A triple as the graph builders produce it: three rdflib terms (a name for annotations:
#: rdflib is imported only by the functions that convert, not by readers of the store).
RdfTriple: TypeAlias = "tuple[Node, Node, Node]"


def to_oxigraph(term: Node | OxTerm) -> OxTerm:
    """Convert an rdflib term (URIRef, BNode, Literal) to the pyoxigraph term it stands for.

    pyoxigraph terms pass through. Raises ``ValueError`` for an invalid IRI, language tag or
    blank node id, and ``TypeError`` for anything else (variables, graphs, RDF-star triples).
    """
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term that can be stored: {term!r}")


def quads_of(graph: str, triples: Iterable[RdfTriple]) -> Iterator[ox.Quad]:
    """The triples as pyoxigraph quads of the named graph ``graph`` (for ``Store.extend``)."""
    name = ox.NamedNode(graph)
    for s, p, o in triples:
        yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name)  # type: ignore[arg-type]


def from_oxigraph(term: OxTerm) -> Node:
    """Convert a pyoxigraph term to rdflib; ``xsd:string`` literals become plain literals."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            # rdflib writes plain literals for xsd:string; keep round trips equal.
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"not a pyoxigraph term that rdflib can hold: {term!r}")


def rdflib_kinds() -> tuple[type, type]:
    """rdflib's ``Literal`` and ``URIRef``, imported by the writers only (not by readers)."""
    from rdflib import Literal, URIRef

    return Literal, URIRef


def graph_lines(name: str, triples: Iterable[RdfTriple]) -> list[str]:
    """The N-Triples lines of the triples of graph ``name``, each checked: ``StoreError`` for a
    literal subject, a predicate that is not an IRI, or a term that is invalid."""
    return list(map(_Lines(name).line, triples))


class _Lines:
    """Makes checked lines, the text of each term made once (a graph names a commitment or a
    meeting in many triples)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.texts: dict[Node | OxTerm, str] = {}
        literal, self.iri = rdflib_kinds()
        # Made once: a union of classes is a new object each time it is written out.
        self.literals, self.iris = literal | ox.Literal, self.iri | ox.NamedNode

    def line(self, triple: RdfTriple) -> str:
        texts = self.texts
        try:
            s, p, o = triple
            if isinstance(s, self.literals) or not isinstance(p, self.iris):
                raise ValueError("a literal subject or a predicate that is not an IRI")
            return (
                f"{texts.get(s) or self.text(s)} {texts.get(p) or self.text(p)} "
                f"{texts.get(o) or self.text(o)} ."
            )
        except (ValueError, TypeError) as exc:
            raise StoreError(
                f"graph <{self.name}>: cannot store triple {_show(triple)}: {exc}; nothing was "
                "written"
            ) from exc

    def text(self, term: Node | OxTerm) -> str:
        # N-Triples syntax of a checked term is also valid in a SPARQL INSERT DATA block.
        node = ox.NamedNode(str(term)) if isinstance(term, self.iri) else to_oxigraph(term)
        text = self.texts[term] = str(node)
        return text


def _show(triple: Iterable[object]) -> str:
    return "(" + ", ".join(repr(t) for t in triple) + ")"
