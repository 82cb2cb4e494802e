"""Reading SHACL shapes for their translation into queries (``shapes_sparql.py``): the
constraints a node holds, and whether the translation reads every node that says something in
SHACL (else ``Unsupported``, and pySHACL checks the graph)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_LIST = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#first",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest",
)
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
#: Annotations a shape may carry, which check nothing.
IGNORED = {RDF_TYPE, f"{_RDFS}label", f"{_RDFS}comment", f"{SH}name", f"{SH}description"}


class Unsupported(Exception):
    """The shapes use a part of SHACL that is not translated."""


def said(g: rdflib.Graph) -> set[Node]:
    """The nodes of the shapes graph with a SHACL term as predicate, or that are classes."""
    from rdflib import OWL, RDF, RDFS

    said = {s for s, p in g.subject_predicates() if str(p).startswith(SH)}
    return said | set(g.subjects(RDF.type, RDFS.Class)) | set(g.subjects(RDF.type, OWL.Class))


def read_from(g: rdflib.Graph, shapes: list[Node]) -> set[Node]:
    """The shapes and every node the translation reads from them (property shapes, members,
    paths, SPARQL constraints and their prefixes), and the lists that hold them."""
    from rdflib import BNode

    keys = {sh(k) for k in ("property", "sparql", "or", "path", "prefixes", "declare")}
    seen, todo = set(shapes), list(shapes)
    while todo:
        for p, o in g.predicate_objects(todo.pop()):
            listed = p in keys or str(p) in RDF_LIST
            if (listed or isinstance(o, BNode)) and o not in seen:
                seen.add(o)
                todo.append(o)
    return seen


def keys_within(g: rdflib.Graph, node: Node, allowed: set[str]) -> None:
    """Raise ``Unsupported`` when the node has a predicate outside ``allowed`` (SHACL terms
    by local name) and the ignored annotations."""
    for p in set(g.predicates(node, None)):
        text = str(p)
        if text in IGNORED:
            continue
        if not (text.startswith(SH) and text.removeprefix(SH) in allowed):
            raise Unsupported


def message_of(g: rdflib.Graph, node: Node) -> str | None:
    messages = list(objects(g, node, "message"))
    if len(messages) > 1:
        raise Unsupported  # pySHACL would report one of them, in no fixed order
    return str(messages[0]) if messages else None


def required(message: str | None) -> str:
    if message is None:
        raise Unsupported  # pySHACL writes a message of its own, worded its way
    return message


def objects(g: rdflib.Graph, node: Node, key: str) -> list[Node]:
    return sorted(g.objects(node, sh(key)), key=lambda n: (type(n).__name__, str(n)))


def one(g: rdflib.Graph, node: Node, key: str) -> Node:
    found = objects(g, node, key)
    if len(found) != 1:
        raise Unsupported
    return found[0]


def integer(g: rdflib.Graph, node: Node, key: str) -> int | None:
    found = objects(g, node, key)
    if not found:
        return None
    if len(found) > 1:
        raise Unsupported
    return count(found[0])


def count(node: Node) -> int:
    from rdflib import Literal

    if not isinstance(node, Literal) or not isinstance(node.value, int):
        raise Unsupported
    return int(node.value)


def members(g: rdflib.Graph, head: Node) -> list[Node]:
    from rdflib.collection import Collection

    return list(Collection(g, head))


def sh(local: str) -> rdflib.URIRef:
    from rdflib import URIRef

    return URIRef(SH + local)
