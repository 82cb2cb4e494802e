"""Which prefixes a Turtle or TriG text gets: only those its IRIs can use as a plain prefixed
name (``akg:madeBy``, ``skos:prefLabel``). A local part holding ``/`` (every IRI under ``id:``,
``id:state/japan``) could only be written with an escape (``id:state\\/japan``), valid but not
what a person writes, so such IRIs are written in full and their prefix is not declared unless
another IRI uses it. ``rdf:type`` as a predicate is written ``a`` and needs no prefix."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

# A local part written without escapes: letters, digits, "_", "-" and inner dots.
_PLAIN_LOCAL = re.compile(rb"[A-Za-z0-9_](?:[\w.-]*[\w-])?")
_RDF_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


class UsedPrefixes:
    """Collects, over blocks of N-Triples or N-Quads lines, the prefixes of ``prefixes``
    that some IRI can use plainly; ``found`` gives them, in the order given."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self._prefixes = dict(prefixes)
        self._left = {name: f"<{namespace}".encode() for name, namespace in prefixes.items()}
        self._found: set[str] = set()

    def scan(self, block: bytes) -> None:
        """Look at the IRIs of ``block`` (whole lines)."""
        if not self._left:
            return
        text = block.replace(_RDF_TYPE, b"") if b"#type>" in block else block
        for name, opening in list(self._left.items()):
            start = text.find(opening)
            while start >= 0:
                end = text.find(b">", start)
                if _PLAIN_LOCAL.fullmatch(text, start + len(opening), end):
                    self._found.add(name)
                    del self._left[name]
                    break
                start = text.find(opening, end)

    def found(self) -> dict[str, str]:
        """The prefixes seen in use, with their namespaces."""
        return {k: v for k, v in self._prefixes.items() if k in self._found}


def prefixes_for(
    statements: Iterable[ox.Triple | ox.Quad], prefixes: Mapping[str, str]
) -> dict[str, str]:
    """``UsedPrefixes`` over statements held in memory (a query's result)."""
    used = UsedPrefixes(prefixes)
    used.scan(b"".join(f"{s}\n".encode() for s in statements))
    return used.found()
