"""alliance-kg: diplomatic and security statements as an RDF knowledge graph.

``alliance_kg.open(location)`` gives a ``KnowledgeGraph``: ``build``, ``query``, ``cookbook``,
``timeline``, ``export``, ``render``, ``analyze``, ``network``, ``stats``, ``evaluate``,
``update``, ``serve``.
"""

from alliance_kg.api import DEFAULT_STORE, KnowledgeGraph, Rows, open
from alliance_kg.errors import AkgError

__version__ = "0.1.0"

__all__ = ["DEFAULT_STORE", "AkgError", "KnowledgeGraph", "Rows", "open"]
