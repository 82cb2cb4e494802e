"""What the SPARQL 1.1 Protocol asks of ``akg serve`` besides running queries: content
negotiation (``Accept`` for rows and booleans, and separately for graphs), the dataset a
request names (``default-graph-uri``, ``named-graph-uri``), CORS headers and the service
description. Plain functions, so the HTTP handler (``server.py``) stays a thin dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

#: Media types of SELECT and ASK results, with the result format that writes each.
SOLUTION_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: Media types of CONSTRUCT and DESCRIBE results (graphs), with their format names.
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}
#: The media type each format is answered with.
FORMAT_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
#: Headers of every answer when ``akg serve --cors`` is on: any origin may read the results.
CORS_HEADERS: dict[str, str] = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "3600",
}


@dataclass(frozen=True)
class Choice:
    """The formats an ``Accept`` header allows: for rows and booleans, and for graphs
    (``None``: the client takes none of those we write)."""

    solutions: str | None
    graph: str | None


# Clients send the same few Accept headers again and again; working one out is a tenth of the
# endpoint's own time for a trivial query. Bounded, so varied headers cannot grow it.
@lru_cache(maxsize=256)
def negotiate(accept: str | None) -> Choice:
    """The best format of each kind for an ``Accept`` header (RFC 9110: the most specific
    range that matches a type gives its weight; ties go to the type listed first, then to
    our order). No header, or ``*/*``, gives SPARQL JSON and Turtle."""
    ranges = _ranges(accept or "*/*")
    return Choice(_best(ranges, SOLUTION_TYPES), _best(ranges, GRAPH_TYPES))


def _ranges(accept: str) -> list[tuple[str, float, int]]:
    out = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        weight = 1.0
        for param in fields[1:]:
            if param.lower().startswith("q="):
                try:
                    weight = max(0.0, min(1.0, float(param[2:])))
                except ValueError:
                    weight = 0.0
        out.append((media, weight, position))
    return out


def _best(ranges: list[tuple[str, float, int]], types: dict[str, str]) -> str | None:
    best: tuple[float, int, int, str] | None = None
    for order, (media, fmt) in enumerate(types.items()):
        major = media.split("/")[0]
        matches = [
            (specificity, weight, position)
            for candidate, weight, position in ranges
            for specificity in [
                2
                if candidate == media
                else 1
                if candidate == f"{major}/*"
                else 0
                if candidate == "*/*"
                else -1
            ]
            if specificity >= 0
        ]
        if not matches:
            continue
        _, weight, position = max(matches, key=lambda m: (m[0], -m[2]))
        if weight <= 0:
            continue
        candidate_key = (-weight, position, order, fmt)
        if best is None or candidate_key < best:
            best = candidate_key
    return best[3] if best else None


def dataset(params: dict[str, list[str]]) -> tuple[list[str] | None, list[str] | None]:
    """The request's dataset: the IRIs of ``default-graph-uri`` and ``named-graph-uri``
    (``None`` where the request names none, so the query's own or the store's apply)."""
    default = params.get("default-graph-uri") or None
    named = params.get("named-graph-uri") or None
    return default, named


def service_description(endpoint: str) -> str:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``, as Turtle."""
    formats = " ".join(
        f"<http://www.w3.org/ns/formats/{name}>"
        for name in (
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "Turtle",
            "N-Triples",
            "JSON-LD",
            "RDF_XML",
        )
    )
    return (
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
        "@prefix dct: <http://purl.org/dc/terms/> .\n\n"
        f"<{endpoint}> a sd:Service ;\n"
        f"    sd:endpoint <{endpoint}> ;\n"
        "    sd:supportedLanguage sd:SPARQL11Query ;\n"
        "    sd:feature sd:UnionDefaultGraph ;\n"
        f"    sd:resultFormat {formats.replace(' ', ' , ')} ;\n"
        '    dct:description "alliance-kg: a read-only endpoint over statements of alliances '
        '(no updates, no SERVICE; time and row limits)." .\n'
    )


@lru_cache(maxsize=256)
def host_refusal(host: str, names: frozenset[str]) -> str | None:
    """Why a request's ``Host`` header is refused, or None. A web page whose name an attacker
    points at 127.0.0.1 (DNS rebinding) sends its own name: only IP addresses, localhost names
    and ``names`` (lower case: the name listened on, ``--allow-host`` names) are answered."""
    name = host_name(host)
    if name is None:
        return f"the Host header {host!r} is not a host name\n"
    if is_address(name) or name == "localhost" or name.endswith(".localhost"):
        return None
    if name in names:
        return None
    return (
        f"this server does not answer to the name {name!r}; start akg serve with "
        f"--allow-host {name} to accept it\n"
    )


def length_refusal(text: str | None, limit: int) -> tuple[int, str, str] | None:
    """The answer (status, media type, text) refusing a POST whose ``Content-Length`` is
    ``text``, or None: a body must have a length (411) that is a number (400) of at most
    ``limit`` bytes (413), so that no more than that is ever read."""
    if text is None:
        return 411, "text/plain", "a POST needs a Content-Length header\n"
    if not text.strip().isdigit():
        return 400, "text/plain", f"Content-Length {text!r} is not a number of bytes\n"
    if int(text) > limit:
        return 413, "text/plain", f"the request is larger than {limit} bytes\n"
    return None


def host_name(host: str) -> str | None:
    """The name of a ``Host`` header without its port, lower case; None if it is malformed."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[1:end] if end > 0 else None
    name, _, port = host.partition(":")
    if not name or (port and not port.isdigit()):
        return None
    return name.rstrip(".")


def is_address(name: str) -> bool:
    """Whether a host name is an IP address (a name no DNS answer can re-point)."""
    import ipaddress

    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
