"""Reading what the built graph says, by SPARQL over the store interface (``SparqlStore``):
the documents, their entities, commitments and stated meeting, each node with its labels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph

from alliance_kg.evaluate.text import normalize, normalize_date
from alliance_kg.graph.sparql import bind_values
from alliance_kg.ontology import AKG, ENTITY_TYPES, ID, PREFIXES

if TYPE_CHECKING:
    from alliance_kg.graph.sparql import SparqlStore

VIRTUAL_PLACE_IRI = str(ID["place/virtual"])
_AKG = str(AKG._NS)

_PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
# The labels of ?n, as (?lp, ?l) rows for group_nodes.
_LABELS = "OPTIONAL { ?n ?lp ?l . FILTER(?lp IN (skos:prefLabel, rdfs:label, skos:altLabel)) }"


def select(store: SparqlStore, query: str, doc: str | None = None) -> list[dict[str, Any]]:
    """Run a SELECT over the union graph; ``?doc`` in the query is bound to the ``doc`` IRI."""
    if doc is not None:
        # pyoxigraph only substitutes projected variables, so bind ?doc inside the pattern.
        query = bind_values(query, {pyoxigraph.Variable("doc"): pyoxigraph.NamedNode(doc)})
    result = store.query(_PROLOGUE + query)
    assert isinstance(result, pyoxigraph.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: sol[n] for n in names} for sol in result]


def text_of(term: Any) -> str:
    """The lexical form of an IRI or literal of a result row; "" for an unbound variable."""
    return "" if term is None else str(term.value)


@dataclass
class Node:
    """A predicted node with its labels: the display label first."""

    iri: str
    display: str
    labels: frozenset[str]


def group_nodes(rows: Iterable[dict[str, Any]], var: str) -> dict[str, Node]:
    """Group (node, property, label) rows into nodes; prefLabel, then rdfs:label, names them."""
    raw: dict[str, list[tuple[int, str]]] = {}
    rank = {
        PREFIXES["skos"] + "prefLabel": 0,
        PREFIXES["rdfs"] + "label": 1,
        PREFIXES["skos"] + "altLabel": 2,
    }
    for row in rows:
        iri = text_of(row[var])
        entry = raw.setdefault(iri, [])
        if row.get("l") is not None:
            entry.append((rank.get(text_of(row["lp"]), 3), text_of(row["l"])))
    nodes: dict[str, Node] = {}
    for iri, labels in raw.items():
        display = min(labels)[1] if labels else iri.rsplit("/", 1)[-1]
        names = frozenset(normalize(label) for _, label in labels)
        if iri == VIRTUAL_PLACE_IRI:
            names |= {"virtual"}
        nodes[iri] = Node(iri, display, names)
    return nodes


def labelled(store: SparqlStore, doc: str, pattern: str) -> dict[str, Node]:
    """The nodes ``?n`` that ``pattern`` (which may use ``?doc``) finds, with their labels."""
    return group_nodes(select(store, f"SELECT ?n ?lp ?l WHERE {{ {pattern} {_LABELS} }}", doc), "n")


def entity_nodes(store: SparqlStore, doc: str) -> tuple[list[Node], dict[str, set[str]]]:
    """The entities mentioned in ``doc``, sorted by IRI, and each one's types (local names)."""
    types = " ".join(f"akg:{t}" for t in ENTITY_TYPES)
    rows = select(
        store,
        f"SELECT ?n ?t ?lp ?l WHERE {{ VALUES ?t {{ {types} }} "
        f"?n akg:mentionedIn ?doc ; a ?t . {_LABELS} }}",
        doc,
    )
    node_types: dict[str, set[str]] = {}
    for row in rows:
        node_types.setdefault(text_of(row["n"]), set()).add(text_of(row["t"])[len(_AKG) :])
    return sorted(group_nodes(rows, "n").values(), key=lambda n: n.iri), node_types


def commitment_nodes(store: SparqlStore, doc: str) -> dict[str, Node]:
    """The parties and concerns of the commitments stated in ``doc``, by IRI."""
    return labelled(
        store,
        doc,
        "?c a akg:Commitment ; akg:statedIn ?doc . "
        "{ ?c akg:madeBy ?n } UNION { ?c akg:concerns ?n }",
    )


def stated_meeting(
    store: SparqlStore, doc: str
) -> tuple[list[str], dict[str, Node], dict[str, Node]]:
    """The dates, places and participants of the meeting ``doc`` states.

    What the document itself states (the user's metadata first), not the meeting the
    corpus-level stage resolved it to: the links scoring (``links.py``) scores that.
    """
    rows = select(
        store,
        "SELECT ?date WHERE { { ?doc akg:givenDate ?date } UNION "
        "{ ?doc akg:statedDate ?date FILTER NOT EXISTS { ?doc akg:givenDate ?g } } }",
        doc,
    )
    dates = [normalize_date(text_of(r["date"])) for r in rows]
    places = labelled(
        store,
        doc,
        "{ ?doc akg:givenPlace ?n } UNION "
        "{ ?doc akg:statedPlace ?n FILTER NOT EXISTS { ?doc akg:givenPlace ?g } }",
    )
    people = labelled(store, doc, "?doc akg:statedParticipant ?n .")
    return dates, places, people


def graph_documents(store: SparqlStore) -> dict[str, str]:
    """The graph's documents: IRI -> source file name (the first, should one have two)."""
    rows = select(store, "SELECT ?d ?f WHERE { ?d a akg:Document ; akg:sourceFile ?f }")
    files: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: (text_of(r["d"]), text_of(r["f"]))):
        files.setdefault(text_of(row["d"]), text_of(row["f"]))
    return files


def find_document(files: dict[str, str], name: str) -> str | None:
    """The document of ``files`` (from ``graph_documents``) whose file is ``name``, else the
    first whose file has the same stem; None when there is none."""
    exact = [d for d, f in files.items() if f == name]
    if exact:
        return exact[0]
    stem = Path(name).stem
    by_stem = [d for d, f in files.items() if Path(f).stem == stem]
    return by_stem[0] if by_stem else None


@dataclass
class PredictedCommitment:
    """A commitment of the graph, with its types (local names), parties and concerns (IRIs)
    and deadlines (normalised dates)."""

    iri: str
    quote: str
    start: int
    types: set[str] = field(default_factory=set)
    parties: set[str] = field(default_factory=set)
    concerns: set[str] = field(default_factory=set)
    deadlines: set[str] = field(default_factory=set)


def commitments(store: SparqlStore, doc: str) -> list[PredictedCommitment]:
    """The commitments stated in ``doc``, in the order of the text."""
    rows = select(
        store,
        "SELECT ?c ?q ?s WHERE { ?c a akg:Commitment ; akg:statedIn ?doc . "
        "OPTIONAL { ?c akg:quote ?q } OPTIONAL { ?c akg:startOffset ?s } }",
        doc,
    )
    found: dict[str, PredictedCommitment] = {}
    for row in rows:
        iri = text_of(row["c"])
        start = text_of(row["s"])
        found.setdefault(
            iri, PredictedCommitment(iri, text_of(row["q"]), int(start) if start.isdigit() else 0)
        )
    for prop, attr in [
        ("akg:commitmentType", "types"),
        ("akg:madeBy", "parties"),
        ("akg:concerns", "concerns"),
        ("akg:deadline", "deadlines"),
    ]:
        rows = select(
            store,
            f"SELECT ?c ?v WHERE {{ ?c a akg:Commitment ; akg:statedIn ?doc ; {prop} ?v }}",
            doc,
        )
        for row in rows:
            value = text_of(row["v"])
            if attr == "types" and value.startswith(_AKG):
                value = value[len(_AKG) :]
            elif attr == "deadlines":
                value = normalize_date(value)
            getattr(found[text_of(row["c"])], attr).add(value)
    return sorted(found.values(), key=lambda c: (c.start, c.iri))
