"""JSON-LD export: compacted with the project's own context (``ontology/context.jsonld``), one
named graph per document kept, node objects one after another as they stream.

The sorted N-Quads export (``export.write_export``) already comes graph by graph and subject by
subject, so each node object is made from a run of lines and written at once: memory holds one
subject's statements, never the store. IRIs are written as compact IRIs (``id:state/japan``,
``akg:madeBy``) with the context's prefixes, so a JSON-LD processor expands them back to the
same graph, and a person can read them.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from typing import Any, BinaryIO

import pyoxigraph as ox

from alliance_kg.errors import AkgError
from alliance_kg.ontology import PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"
XSD_STRING = PREFIXES["xsd"] + "string"
# Longest namespaces first, so the most specific prefix wins.
_NAMESPACES = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def write_jsonld(store: Any, output: BinaryIO) -> None:
    """Write the store's named graphs to ``output`` as one compacted JSON-LD document: the
    context, then ``@graph`` holding one object per named graph (``@id``, ``@graph``), each
    holding its nodes; the same store gives the same bytes."""
    from alliance_kg.graph.export import write_export

    # The export is written whole before it is read (``write_export`` writes, it does not
    # yield), so its lines are spooled to a temporary file rather than held in memory.
    with tempfile.TemporaryFile() as spool:
        write_export(store, "nquads", spool)
        spool.seek(0)
        _write_graphs(ox.parse(spool, format=ox.RdfFormat.N_QUADS), output)


def _write_graphs(quads: Iterable[ox.Quad], output: BinaryIO) -> None:
    output.write(b'{\n  "@context": ' + _dumps(PREFIXES, 2) + b',\n  "@graph": [')
    graph: Any = None
    run: list[ox.Quad] = []
    for quad in quads:
        if run and (quad.graph_name != graph or quad.subject != run[0].subject):
            output.write(b"        " + _dumps(_node(run), 8))
            output.write(b"\n" if quad.graph_name != graph else b",\n")
            run = []
        if quad.graph_name != graph:
            if graph is not None:
                output.write(b"      ]\n    },")
            graph = quad.graph_name
            output.write(b'\n    {\n      "@id": ' + _dumps(_compact(_term_text(graph)), 0))
            output.write(b',\n      "@graph": [\n')
        run.append(quad)
    if run:
        output.write(b"        " + _dumps(_node(run), 8) + b"\n      ]\n    }")
    output.write(b"\n  ]\n}\n")


def _node(quads: list[ox.Quad]) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": _compact(_term_text(quads[0].subject))}
    typed = [q for q in quads if q.predicate.value == RDF_TYPE and _is_iri(q.object)]
    types = [_compact(_term_text(q.object)) for q in typed]
    if types:
        node["@type"] = types[0] if len(types) == 1 else types
    for quad in quads:
        if quad.predicate.value == RDF_TYPE and _is_iri(quad.object):
            continue
        key = _compact(quad.predicate.value)
        value = _object(quad.object)
        if key not in node:
            node[key] = value
        elif isinstance(node[key], list):
            node[key].append(value)
        else:
            node[key] = [node[key], value]
    return node


def _is_iri(term: Any) -> bool:
    return isinstance(term, ox.NamedNode | ox.BlankNode)


def _object(term: Any) -> Any:
    if isinstance(term, ox.Triple):
        raise AkgError("JSON-LD cannot hold a quoted triple (RDF-star); export as nquads or trig")
    if isinstance(term, ox.NamedNode):
        return {"@id": _compact(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": _compact(term.datatype.value)}


def _term_text(term: Any) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term.value)


def _compact(iri: str) -> str:
    for prefix, namespace in _NAMESPACES:
        # A suffix starting with "//" would read as an absolute IRI, not a compact one.
        if iri.startswith(namespace) and not iri[len(namespace) :].startswith("//"):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _dumps(value: Any, indent: int) -> bytes:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + " " * indent).encode("utf-8")
