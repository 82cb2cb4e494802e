"""The ontology's documentation as one HTML page, made from ``akg.ttl`` itself: its metadata,
then every class, property and concept with its label, definition and links between them.
Nothing is loaded from the network; the same ontology always gives the same bytes."""

from __future__ import annotations

from html import escape

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from alliance_kg.ontology import ONTOLOGY_IRI, PREFIXES, load_ontology
from alliance_kg.ontology.namespace import AKG

VANN = "http://purl.org/vocab/vann/"
_KINDS = (
    ("classes", "Classes", OWL.Class),
    ("object-properties", "Object properties", OWL.ObjectProperty),
    ("datatype-properties", "Datatype properties", OWL.DatatypeProperty),
    ("concepts", "Concepts", SKOS.Concept),
)
_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
  color: #1b1f23; }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid #d0d7de; margin-top: 2.2rem; }
section.term { margin: 1.2rem 0; padding: .6rem .9rem; border-left: 3px solid #4e79a7;
  background: #f6f8fa; }
section.term h3 { margin: 0; font-size: 1.05rem; } code { font-size: .9em; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0 0; }
dt { color: #57606a; } dd { margin: 0; }
nav a { margin-right: 1rem; }
"""


def ontology_html(graph: Graph | None = None) -> str:
    """The documentation page of the ontology (``graph``: default, the shipped ``akg.ttl``)."""
    graph = graph if graph is not None else load_ontology()
    ontology = URIRef(ONTOLOGY_IRI)
    title = _text(graph, ontology, DCTERMS.title) or "alliance-kg ontology"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(_text(graph, ontology, DCTERMS.description))}</p>",
        "<dl>",
        _row("IRI", _link(ontology)),
        _row("Version", escape(_text(graph, ontology, OWL.versionInfo))),
    ]
    for label, predicate in (
        ("Version IRI", OWL.versionIRI),
        ("Preferred prefix", URIRef(VANN + "preferredNamespacePrefix")),
        ("Namespace", URIRef(VANN + "preferredNamespaceUri")),
        ("Creator", DCTERMS.creator),
        ("Licence", DCTERMS.license),
    ):
        value = graph.value(ontology, predicate)
        if value is not None:
            parts.append(_row(label, _value(value)))
    parts.append("</dl><nav>")
    terms = {key: _terms(graph, cls) for key, _, cls in _KINDS}
    parts += [f'<a href="#{key}">{heading}</a>' for key, heading, _ in _KINDS if terms[key]]
    parts.append("</nav>")
    for key, heading, _ in _KINDS:
        if terms[key]:
            parts.append(f'<h2 id="{key}">{heading}</h2>')
            parts += [_term(graph, term) for term in terms[key]]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _terms(graph: Graph, cls: URIRef) -> list[URIRef]:
    found = {s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)}
    return sorted(t for t in found if str(t).startswith(str(AKG)))


def _term(graph: Graph, term: URIRef) -> str:
    name = _curie(term)
    label = _text(graph, term, RDFS.label) or _text(graph, term, SKOS.prefLabel) or name
    rows = [_row("IRI", f"<code>{escape(str(term))}</code>")]
    for heading, predicate in (
        ("Subclass of", RDFS.subClassOf),
        ("Subproperty of", RDFS.subPropertyOf),
        ("Domain", RDFS.domain),
        ("Range", RDFS.range),
        ("In scheme", SKOS.inScheme),
        ("Equivalent to", OWL.equivalentClass),
    ):
        values = sorted(graph.objects(term, predicate), key=str)
        if values:
            rows.append(_row(heading, ", ".join(_value(v) for v in values)))
    users = sorted(set(graph.subjects(RDFS.domain, term)), key=str)
    if users:
        rows.append(_row("Properties", ", ".join(_value(u) for u in users)))
    described = _text(graph, term, RDFS.comment) or _text(graph, term, SKOS.definition)
    anchor = escape(str(term).removeprefix(str(AKG)))
    return (
        f'<section class="term" id="{anchor}"><h3>{escape(label)} <code>{escape(name)}</code>'
        f"</h3><p>{escape(described)}</p><dl>{''.join(rows)}</dl></section>"
    )


def _text(graph: Graph, subject: URIRef, predicate: URIRef) -> str:
    values = sorted(str(v) for v in graph.objects(subject, predicate) if isinstance(v, Literal))
    return values[0] if values else ""


def _row(heading: str, html: str) -> str:
    return f"<dt>{escape(heading)}</dt><dd>{html}</dd>"


def _value(value: object) -> str:
    if isinstance(value, URIRef):
        return _link(value)
    return escape(str(value))


def _link(iri: URIRef) -> str:
    text = str(iri)
    # Terms of this ontology link to their section of the page; others to themselves.
    href = "#" + text.removeprefix(str(AKG)) if text.startswith(str(AKG)) else text
    return f'<a href="{escape(href)}"><code>{escape(_curie(iri))}</code></a>'


def _curie(iri: URIRef) -> str:
    text = str(iri)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text
