"""The alliance-kg ontology: the Turtle file and the Python namespace that mirrors it."""

import json
from importlib.resources import files

from rdflib import Graph, Namespace

from alliance_kg.ontology.namespace import AKG

ONTOLOGY_IRI = "https://w3id.org/alliance-kg/ontology"
ID = Namespace("https://w3id.org/alliance-kg/id/")
ONTOLOGY_GRAPH = ID["graph/ontology"]

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


def load_ontology() -> Graph:
    """Parse the ontology's Turtle file into a new rdflib graph."""
    graph = Graph()
    graph.parse(ontology_path(), format="turtle")
    return graph


__all__ = [
    "AKG",
    "COMMITMENT_TYPES",
    "ENTITY_TYPES",
    "ID",
    "ONTOLOGY_GRAPH",
    "ONTOLOGY_IRI",
    "PREFIXES",
    "XSD_STRING",
    "load_ontology",
    "ontology_path",
]
