"""alliance-kg: diplomatic and security statements as an RDF knowledge graph."""

__version__ = "0.1.0"
