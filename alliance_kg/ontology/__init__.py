"""The alliance-kg ontology: the Turtle file and the Python namespace that mirrors it.

``AKG``, ``ID`` and ``ONTOLOGY_GRAPH`` are rdflib terms made on first use (PEP 562), so that
what needs only the prefixes and names here (``akg query`` on the embedded store) does not
import rdflib, a fifth of a second.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph, Namespace, URIRef

    from alliance_kg.ontology.namespace import AKG

    ID: Namespace
    ONTOLOGY_GRAPH: URIRef

ONTOLOGY_IRI = "https://w3id.org/alliance-kg/ontology"
#: The namespace of the graph's nodes (``ID``), as text.
ID_IRI = "https://w3id.org/alliance-kg/id/"

#: The entity types of the annotation guidelines, in the order they are shown.
ENTITY_TYPES: tuple[str, ...] = (
    "Person",
    "State",
    "Organization",
    "Unit",
    "Capability",
    "Place",
    "Agreement",
    "Mechanism",
)

#: The six commitment types, as local names of SKOS concepts in the ontology.
COMMITMENT_TYPES: tuple[str, ...] = (
    "Reaffirmation",
    "Pledge",
    "Endorsement",
    "Opposition",
    "Announcement",
    "Request",
)

#: The prefixes every output of the project uses (Turtle, SPARQL, JSON-LD), read from the
#: JSON-LD context shipped beside the ontology (``context.jsonld``), which users can use too.
PREFIXES: dict[str, str] = json.loads(
    files("alliance_kg.ontology").joinpath("context.jsonld").read_text(encoding="utf-8")
)["@context"]
#: The datatype of plain string literals, compared as text by both stores.
XSD_STRING = PREFIXES["xsd"] + "string"


def ontology_path() -> str:
    """Return the path of the ontology's Turtle file inside the installed package."""
    return str(files("alliance_kg.ontology").joinpath("akg.ttl"))


def shapes_path() -> str:
    """Return the path of the graph's SHACL shapes (``akg validate``) inside the package."""
    return str(files("alliance_kg.ontology").joinpath("shapes.ttl"))


def load_ontology() -> Graph:
    """Parse the ontology's Turtle file into a new rdflib graph."""
    from rdflib import Graph

    graph = Graph()
    graph.parse(ontology_path(), format="turtle")
    return graph


def __getattr__(name: str) -> Any:
    """The rdflib terms of this module, made (and kept) on first use."""
    value: Any
    if name == "AKG":
        from alliance_kg.ontology import namespace

        value = namespace.AKG
    elif name == "ID":
        from rdflib import Namespace

        value = Namespace(ID_IRI)
    elif name == "ONTOLOGY_GRAPH":
        value = __getattr__("ID")["graph/ontology"]
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = [
    "AKG",
    "COMMITMENT_TYPES",
    "ENTITY_TYPES",
    "ID",
    "ID_IRI",
    "ONTOLOGY_GRAPH",
    "ONTOLOGY_IRI",
    "PREFIXES",
    "XSD_STRING",
    "load_ontology",
    "ontology_path",
    "shapes_path",
]
