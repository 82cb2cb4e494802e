"""Which prefixes a Turtle or TriG text gets: only those its IRIs can use as a plain prefixed
name (``akg:madeBy``, ``skos:prefLabel``). A local part holding ``/`` (every IRI under ``id:``,
``id:state/japan``) could only be written with an escape (``id:state\\/japan``), valid but not
what a person writes, so such IRIs are written in full and their prefix is not declared unless
another IRI uses it. ``rdf:type`` as a predicate is written ``a`` and needs no prefix.

``TurtleBody`` writes an export's sorted N-Triples lines as the Turtle Oxigraph's serialiser
writes for them, finding the prefixes used on the way, without parsing them into terms."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import BinaryIO

import pyoxigraph as ox

# An IRI of a namespace whose local part is written without escapes: letters, digits, "_", "-"
# and inner dots, up to the closing ">". Possessive, so an IRI that fails (``id:state/japan``,
# a "/") is given up at once rather than backtracked over.
_PLAIN_LOCAL = rb"[A-Za-z0-9_][\w.-]*+(?<!\.)>"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = _RDF + "type"


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


class NotWritten(Exception):
    """A statement ``TurtleBody`` leaves to Oxigraph's serialiser (a blank node, a triple term)."""


# The N-Triples text of rdf:type as a predicate once an export has marked it (export.py).
_TYPE_MARK = b"\x01"
_PROBE = b"<http://x/s> <http://x/p> "  # a statement around one object Oxigraph writes alone
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER = f"<{_XSD}integer>".encode()
_TURTLE_INTEGER = re.compile(rb"[+-]?[0-9]+")
# Datatypes whose values Turtle may write bare: left to Oxigraph, term by term.
_BARE = {f"<{_XSD}{name}>".encode() for name in ("decimal", "double", "boolean")}
_CACHED = 100_000  # terms remembered at a time (objects and predicates repeat)


class TurtleBody:
    """Writes sorted N-Triples lines as the Turtle body Oxigraph's serialiser writes for them,
    given the prefixes of ``prefixes`` that ``UsedPrefixes`` finds in them, without parsing the
    lines into terms: a subject once, then ``;`` before each further predicate and ``,`` before
    each further object, ``a`` for ``rdf:type``, bare integers, prefixed names.

    Which prefixes are used is only known at the end, and Oxigraph abbreviates any IRI of a
    declared namespace, escaping its local part (``id:state\\/japan``): such an IRI is written
    in full and its namespace noted in ``unsure``; the body is Oxigraph's when none of them is in
    ``used()``. A statement it cannot write raises ``NotWritten``."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        namespaces = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        if any(a != b and b.startswith(a) for _, a in namespaces for _, b in namespaces):
            raise NotWritten("nested namespaces")  # which one Oxigraph picks is not known here
        self._names = {f"<{ns}".encode(): name.encode() for name, ns in namespaces}
        self._namespace = re.compile(b"|".join(re.escape(ns) for ns in self._names))
        self._prefixes = dict(prefixes)
        self._plain = re.compile(_PLAIN_LOCAL)
        self._text = UsedPrefixes(prefixes)  # IRIs in literals' text count, as for a scan
        self._used: set[bytes] = set()
        self.unsure: set[str] = set()
        self._objects: dict[bytes, bytes] = {}
        self._opening: dict[bytes, bytes] = {}  # a subject's first predicate
        self._following: dict[bytes, bytes] = {}  # its others

    def used(self) -> dict[str, str]:
        """The prefixes used so far, as ``UsedPrefixes.found`` gives them."""
        names = {name.decode() for name in self._used} | set(self._text.found())
        return {k: v for k, v in self._prefixes.items() if k in names}

    def write(self, blocks: Iterable[list[bytes]], output: BinaryIO) -> None:
        """Write the statements of ``blocks`` of lines (N-Triples, sorted, ``rdf:type`` marked),
        a block at a time. Predicates and objects are looked up once written (an object with
        the line's end, sparing a copy), a predicate with what goes before it."""
        subject = predicate = b""
        objects, opening, following = self._objects, self._opening, self._following
        for block in blocks:
            parts: list[bytes] = []
            append = parts.append
            for line in block:
                s, p, o = line.split(b" ", 2)
                if s != subject:
                    if subject:
                        append(b" .\n")
                    subject, predicate = s, p
                    append(self._iri(s))
                    append(opening.get(p) or self._predicate(p, opening, b" "))
                elif p != predicate:
                    predicate = p
                    append(following.get(p) or self._predicate(p, following, b" ;\n\t"))
                else:
                    append(b" , ")
                append(objects.get(o) or self._object(o))
            output.write(b"".join(parts))
        if subject:
            output.write(b" .\n")

    def _iri(self, term: bytes) -> bytes:
        if not term.startswith(b"<") or term.startswith(b"<<"):
            raise NotWritten(term[:80].decode(errors="replace"))
        found = self._namespace.match(term)
        if found is None:
            return term
        start = found.end()
        namespace = term[:start]
        name = self._names[namespace]
        # As ``UsedPrefixes`` decides (``_PLAIN_LOCAL`` and rdf:type), so that the two agree.
        if self._plain.fullmatch(term, start) and not (name == b"rdf" and term[start:] == b"type>"):
            self._used.add(name)
            return name + b":" + term[start:-1]
        self.unsure.add(name.decode())
        return term

    def _predicate(self, term: bytes, known: dict[bytes, bytes], before: bytes) -> bytes:
        if len(known) > _CACHED:
            known.clear()
        written = b"a" if term == _TYPE_MARK else self._iri(term)
        known[term] = text = before + written + b" "
        return text

    def _object(self, line_end: bytes) -> bytes:
        if len(self._objects) > _CACHED:
            self._objects.clear()
        term = line_end[:-3]  # " .\n"
        if _TYPE_MARK in term:  # rdf:type marked inside a literal's text: restored
            return self._literal(term.replace(b" " + _TYPE_MARK + b" ", f" <{RDF_TYPE}> ".encode()))
        written = self._literal(term) if term.startswith(b'"') else self._iri(term)
        self._objects[line_end] = written
        return written

    def _literal(self, term: bytes) -> bytes:
        end = term.rindex(b'"')
        text, suffix = term[: end + 1], term[end + 1 :]
        if b"<" in text:
            self._text.scan(text)
        if not suffix or (suffix.startswith(b"@") and b"--" not in suffix):
            return term  # strings are escaped alike in both formats
        if suffix.startswith(b"^^"):
            datatype = suffix[2:]
            written = self._iri(datatype)
            if datatype == _INTEGER and _TURTLE_INTEGER.fullmatch(text, 1, end):
                return text[1:-1]
            if datatype not in _BARE:
                return text + b"^^" + written
        return self._by_oxigraph(term)

    def _by_oxigraph(self, term: bytes) -> bytes:
        """One object as Oxigraph writes it, its datatype's prefix declared if used."""
        (statement,) = ox.parse(_PROBE + term + b" .\n", format=ox.RdfFormat.N_TRIPLES)
        prefixes = self.used()
        data = ox.serialize([statement], format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
        line = data.rsplit(b"\n", 2)[-2]
        return line[len(_PROBE) : -2]
