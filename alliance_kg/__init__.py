"""alliance-kg: diplomatic and security statements as an RDF knowledge graph.

``alliance_kg.open(location)`` gives a ``KnowledgeGraph``: ``build``, ``query``, ``cookbook``,
``timeline``, ``export``, ``render``, ``analyze``, ``network``, ``stats``, ``evaluate``,
``update``, ``serve``. ``with alliance_kg.offline():`` runs a block as every ``akg`` command
runs: any network access but to a remote store in use is refused (the processes the library
starts always are).
"""

from alliance_kg.api import DEFAULT_STORE, KnowledgeGraph, Rows, open
from alliance_kg.errors import AkgError
from alliance_kg.loaders.offline import offline

__version__ = "0.1.0"

__all__ = ["DEFAULT_STORE", "AkgError", "KnowledgeGraph", "Rows", "offline", "open"]
