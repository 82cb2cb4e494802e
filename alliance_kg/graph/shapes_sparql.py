"""SHACL shapes translated into SPARQL queries that the store runs itself, so that checking
the graph's contract neither copies the store into rdflib nor walks it in Python.

Each constraint becomes one SELECT whose rows are its violations: the focus node (``?this``)
and, for a constraint on values, the value at fault (``?value``). Rows are ``DISTINCT``, since
the default graph of a server such as Virtuoso repeats a triple that several named graphs hold.

Only the part of SHACL Core that a contract of this kind needs is translated (``_VALUE_TESTS``,
``_NODE_KEYS``, ``_PROPERTY_KEYS``); ``compile_shapes`` gives ``None`` for shapes using
anything else, and the caller checks with pySHACL instead. Where pySHACL departs from the
SHACL specification, the queries keep to the specification: a comparison (``sh:lessThan``,
``sh:minInclusive``) is SPARQL's, so values of two kinds (a date and a number) never compare,
where pySHACL orders them by their datatypes' names; ``sh:pattern`` is SPARQL's ``REGEX``
(XPath syntax), where pySHACL uses Python's ``re``. Which literals are ill-formed is found
by rdflib, as pySHACL does, among the distinct values of the datatype (``DataFacts``): the
stores' casts disagree (Virtuoso casts "2025" to an xsd:gYear of "2025-01-01").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alliance_kg.graph.shapes_read import (
    SH,
    Unsupported,
    count,
    integer,
    keys_within,
    members,
    message_of,
    objects,
    one,
    read_from,
    required,
    said,
    sh,
)

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

RDF_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_NODE_KINDS = {
    "IRI": "isIRI({x})",
    "Literal": "isLiteral({x})",
    "BlankNode": "isBlank({x})",
    "BlankNodeOrIRI": "!isLiteral({x})",
    "BlankNodeOrLiteral": "!isIRI({x})",
    "IRIOrLiteral": "!isBlank({x})",
}
_COMPARED = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
# Constraints on each value node, checked by a test of the node alone (``_value_test``).
_VALUE_TESTS = {
    "datatype",
    "class",
    "nodeKind",
    "in",
    "minLength",
    "maxLength",
    "pattern",
    "flags",
    *_COMPARED,
}
_TARGETS = ("targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf")
_NODE_KEYS = {*_TARGETS, "property", "sparql", "or", "message", *_VALUE_TESTS}
_PROPERTY_KEYS = {"path", "minCount", "maxCount", "lessThan", "lessThanOrEquals", "or"}
_PROPERTY_KEYS |= {"message", *_VALUE_TESTS}


@dataclass(frozen=True)
class DataFacts:
    """What the queries need to know of the data graph beforehand."""

    #: The subclasses of a class (by IRI), at any depth (``rdfs:subClassOf+``).
    subclasses: Callable[[str], Iterable[str]]
    #: The lexical forms of the literals of a datatype (by IRI) that are ill-formed, among the
    #: values of a path (in SPARQL), or among all objects for None.
    ill_formed: Callable[[str, str | None], Iterable[str]]


@dataclass(frozen=True)
class Check:
    """One constraint as a query: its rows are the violations (``?this``, and ``?value`` for
    a value at fault); ``focus`` is the focus node when the query itself does not give it
    (a SPARQL constraint run for its one target node)."""

    message: str
    path: Node | None  # the constraint's path (an IRI, or a blank node with sh:inversePath)
    query: str
    focus: Node | None = None


def compile_shapes(shapes: rdflib.Graph, data: DataFacts) -> list[Check] | None:
    """The checks of every node shape of ``shapes``, in a fixed order; ``None`` when a shape
    uses something this module does not translate (the caller then runs pySHACL)."""
    try:
        return list(_checks(shapes, data))
    except Unsupported:
        return None


def _checks(g: rdflib.Graph, data: DataFacts) -> Iterator[Check]:
    from rdflib import URIRef

    shapes = sorted(
        {s for t in _TARGETS for s in g.subjects(URIRef(SH + t), None)}, key=lambda s: str(s)
    )
    # Every node that says something in SHACL must be one the translation reads from the
    # shapes with targets: a shape without a target of its own (a class's implicit target, say)
    # would be left unchecked. A property shape with targets is left to pySHACL too.
    if said(g) - read_from(g, shapes) or any(g.value(s, URIRef(SH + "path")) for s in shapes):
        raise Unsupported
    for shape in shapes:
        keys_within(g, shape, _NODE_KEYS)
        focus = _focus(g, shape, data)
        message = message_of(g, shape)
        # A node-level constraint reports the focus node as its value: none is kept.
        tests = [("", test) for test in _tests(g, shape, "?this", data, None)]
        for joined, test in [*tests, *_or(g, shape, "?this", data, None)]:
            query = f"SELECT DISTINCT ?this WHERE {{ {focus} {joined} FILTER(!{test}) }}"
            yield Check(required(message), None, query)
        for prop in objects(g, shape, "property"):
            yield from _property_checks(g, prop, focus, data)
        for constraint in objects(g, shape, "sparql"):
            yield from _sparql_checks(g, shape, constraint)


def _property_checks(g: rdflib.Graph, prop: Node, focus: str, data: DataFacts) -> Iterator[Check]:
    keys_within(g, prop, _PROPERTY_KEYS)
    path_node = one(g, prop, "path")
    path = _path(g, path_node)
    message = required(message_of(g, prop))
    low, high = integer(g, prop, "minCount"), integer(g, prop, "maxCount")
    if low is not None or high is not None:
        having = []
        if low is not None:
            having.append(f"COUNT(DISTINCT ?value) < {low}")
        if high is not None:
            having.append(f"COUNT(DISTINCT ?value) > {high}")
        yield Check(
            message,
            path_node,
            f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?value }} }} "
            f"GROUP BY ?this HAVING ({' || '.join(having)})",
        )
    # The values joined by OPTIONAL, which makes Oxigraph start from the focus nodes: it
    # started from every rdf:type triple of the store for the entities' types (12 times slower).
    # A sub-query, so that the tests (an EXISTS) never meet ?value unbound.
    values = (
        f"{{ SELECT ?this ?value WHERE {{ {focus} OPTIONAL {{ ?this {path} ?value }} "
        "FILTER(BOUND(?value)) } }"
    )
    tests = [("", test) for test in _tests(g, prop, "?value", data, path)]
    for joined, test in [*tests, *_or(g, prop, "?value", data, path)]:
        query = f"SELECT DISTINCT ?this ?value WHERE {{ {values} {joined} FILTER(!{test}) }}"
        yield Check(message, path_node, query)
    for key, op in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
        for other in objects(g, prop, key):
            # One result for each pair of values that fails, as the specification has it.
            yield Check(
                message,
                path_node,
                f"SELECT DISTINCT ?this ?value ?other WHERE {{ {values} ?this {_iri(other)} "
                f"?other FILTER(!COALESCE(?value {op} ?other, false)) }}",
            )


def _sparql_checks(g: rdflib.Graph, shape: Node, constraint: Node) -> Iterator[Check]:
    """A SPARQL constraint, run once for each target node with ``$this`` bound to it."""
    import pyoxigraph as ox
    from rdflib import URIRef

    from alliance_kg.graph.sparql import bind_values
    from alliance_kg.graph.terms import to_oxigraph

    if any(g.value(shape, URIRef(SH + t)) is not None for t in _TARGETS if t != "targetNode"):
        raise Unsupported  # run once for each of many focus nodes: left to pySHACL
    keys_within(g, constraint, {"select", "message", "prefixes"})
    message = required(message_of(g, constraint))
    if "{$" in message or "{?" in message:
        raise Unsupported  # a message template
    select = str(one(g, constraint, "select"))
    prefixes = "".join(
        f"PREFIX {one(g, d, 'prefix')}: <{one(g, d, 'namespace')}>\n"
        for holder in objects(g, constraint, "prefixes")
        for d in sorted(objects(g, holder, "declare"), key=lambda d: str(one(g, d, "prefix")))
    )
    for target in sorted(objects(g, shape, "targetNode"), key=lambda t: str(t)):
        bound = bind_values(select, {ox.Variable("this"): to_oxigraph(target)})
        yield Check(message, None, prefixes + bound, focus=target)


def _focus(g: rdflib.Graph, shape: Node, data: DataFacts) -> str:
    """A sub-query giving each focus node of the shape once, as ``?this``: one group for each
    kind of target, listing its classes (with their subclasses) or properties (fewer groups
    than one a target, which Virtuoso could not plan)."""
    groups = []
    classes = objects(g, shape, "targetClass")
    if classes:
        listed = " ".join(sorted({c for k in classes for c in _classes(k, data)}))
        groups.append(f"{{ VALUES ?target {{ {listed} }} ?this a ?target }}")
    kinds = {
        "targetNode": "BIND(?target AS ?this)",
        "targetObjectsOf": "[] ?target ?this",
        "targetSubjectsOf": "?this ?target []",
    }
    for kind, pattern in kinds.items():
        targets = objects(g, shape, kind)
        if targets:
            listed = " ".join(_iri(t) if kind != "targetNode" else _term(t) for t in targets)
            groups.append(f"{{ VALUES ?target {{ {listed} }} {pattern} }}")
    return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(groups)} }} }}"


def _classes(cls: Node, data: DataFacts) -> list[str]:
    """The class and its subclasses, as the data graph has them (``rdfs:subClassOf*``), each
    in SPARQL syntax: a node is an instance of the class when it has one of them as a type."""
    return [f"<{c}>" for c in sorted({str(cls), *data.subclasses(str(cls))})]


def _tests(g: rdflib.Graph, shape: Node, x: str, data: DataFacts, path: str | None) -> list[str]:
    """The value tests a node shape or property shape puts on the node ``x``: each an
    expression that is true when the node keeps it (false, never an error, otherwise)."""
    keys = sorted(_VALUE_TESTS)
    return [test for key in keys for test in _value_test(g, shape, key, x, data, path)]


def _value_test(
    g: rdflib.Graph, shape: Node, key: str, x: str, data: DataFacts, path: str | None
) -> Iterator[str]:
    from rdflib import Literal

    for value in objects(g, shape, key):
        if key == "datatype":
            test = f"isLiteral({x}) && DATATYPE({x}) = {_iri(value)}"
            ill_formed = [_term(Literal(t)) for t in data.ill_formed(str(value), path)]
            if ill_formed:
                test += f" && !(STR({x}) IN ({', '.join(ill_formed)}))"
        elif key == "class":
            listed = ", ".join(_classes(value, data))
            test = f"EXISTS {{ {x} a ?instanceOf FILTER(?instanceOf IN ({listed})) }}"
        elif key == "nodeKind":
            kind = str(value).removeprefix(SH)
            if kind not in _NODE_KINDS:
                raise Unsupported
            test = _NODE_KINDS[kind].format(x=x)
        elif key == "in":
            test = " || ".join(_same(x, t) for t in members(g, value)) or "false"
        elif key in ("minLength", "maxLength"):
            op = ">=" if key == "minLength" else "<="
            test = f"!isBlank({x}) && STRLEN(STR({x})) {op} {count(value)}"
        elif key == "pattern":
            flags = g.value(shape, sh("flags"))
            extra = "" if flags is None else f", {_term(flags)}"
            test = f"!isBlank({x}) && REGEX(STR({x}), {_term(value)}{extra})"
        elif key == "flags":
            continue  # read with sh:pattern
        else:
            test = f"{x} {_COMPARED[key]} {_term(value)}"
        yield f"COALESCE({test}, false)"


def _or(
    g: rdflib.Graph, shape: Node, x: str, data: DataFacts, path: str | None
) -> list[tuple[str, str]]:
    """``sh:or``, each as the patterns it joins and a test that is true when the node ``x``
    keeps one of the member shapes: a set of value tests, or a property shape asking for at
    least one value. The latter is a count joined by ``OPTIONAL``, not an ``EXISTS``, which
    Virtuoso could not plan with the node in the object position."""
    found = []
    for head in objects(g, shape, "or"):
        joined: list[str] = []
        alternatives: list[str] = []
        for member in members(g, head):
            if g.value(member, sh("path")) is None:
                keys_within(g, member, _VALUE_TESTS)
                tests = _tests(g, member, x, data, path)
                alternatives.append("(" + (" && ".join(tests) or "true") + ")")
                continue
            keys_within(g, member, {"path", "minCount"})
            if integer(g, member, "minCount") != 1:
                raise Unsupported
            member_path = _path(g, one(g, member, "path"))
            n = f"?n{len(joined)}"
            counted = f"SELECT {x} (COUNT(*) AS {n}) WHERE {{ {x} {member_path} [] }} GROUP BY {x}"
            joined.append(f"OPTIONAL {{ {counted} }}")
            alternatives.append(f"BOUND({n})")
        found.append((" ".join(joined), "(" + (" || ".join(alternatives) or "false") + ")"))
    return found


def _path(g: rdflib.Graph, node: Node) -> str:
    """A predicate path or an inverse one, in SPARQL."""
    from rdflib import BNode, URIRef

    if isinstance(node, URIRef):
        return _iri(node)
    if isinstance(node, BNode):
        keys_within(g, node, {"inversePath"})
        inverse = one(g, node, "inversePath")
        if isinstance(inverse, URIRef):
            return "^" + _iri(inverse)
    raise Unsupported


def _iri(node: Node) -> str:
    from rdflib import URIRef

    if not isinstance(node, URIRef):
        raise Unsupported
    return f"<{node}>"


def _same(x: str, node: Node) -> str:
    """A test that ``x`` is the term ``node``, spelled out part by part: Virtuoso's
    ``sameTerm`` does not hold of an IRI and itself, and ``=`` compares literals by value."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    if isinstance(node, URIRef):
        return f"(isIRI({x}) && STR({x}) = {_term(Literal(str(node)))})"
    if not isinstance(node, Literal):
        raise Unsupported
    datatype = URIRef(node.datatype or (RDF_LANG if node.language else XSD.string))
    return (
        f"(isLiteral({x}) && STR({x}) = {_term(Literal(str(node)))} && "
        f"DATATYPE({x}) = {_iri(datatype)} && LANG({x}) = {_term(Literal(node.language or ''))})"
    )


def _term(node: Node) -> str:
    """A term of the shapes in SPARQL syntax (its N-Triples form)."""
    from rdflib import BNode

    if isinstance(node, BNode):
        raise Unsupported
    return str(node.n3())
