"""Which prefixes a Turtle or TriG text gets: only those its IRIs can use as a plain prefixed
name (``akg:madeBy``, ``skos:prefLabel``). A local part holding ``/`` (every IRI under ``id:``,
``id:state/japan``) could only be written with an escape (``id:state\\/japan``), valid but not
what a person writes, so such IRIs are written in full and their prefix is not declared unless
another IRI uses it. ``rdf:type`` as a predicate is written ``a`` and needs no prefix."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

# An IRI of a namespace whose local part is written without escapes: letters, digits, "_", "-"
# and inner dots, up to the closing ">". Possessive, so an IRI that fails (``id:state/japan``,
# a "/") is given up at once rather than backtracked over.
_PLAIN_LOCAL = rb"[A-Za-z0-9_][\w.-]*+(?<!\.)>"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


class UsedPrefixes:
    """Collects, over blocks of N-Triples or N-Quads lines, the prefixes of ``prefixes``
    that some IRI can use plainly; ``found`` gives them, in the order given."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self._prefixes = dict(prefixes)
        # One compiled search a namespace: the regex engine skips to each opening of it in C,
        # where a loop over the occurrences in Python cost seconds on a large export.
        # ``rdf:type`` as a predicate is written ``a`` and needs no prefix.
        self._left = {
            name: re.compile(
                re.escape(f"<{namespace}".encode())
                + (rb"(?!type>)" if namespace == _RDF else b"")
                + _PLAIN_LOCAL
            )
            for name, namespace in prefixes.items()
        }
        self._found: set[str] = set()

    def scan(self, block: bytes) -> None:
        """Look at the IRIs of ``block`` (whole lines)."""
        for name, pattern in list(self._left.items()):
            if pattern.search(block):
                self._found.add(name)
                del self._left[name]

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
