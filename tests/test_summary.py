"""The counts the corpus-level stage keeps in the links graph (``graph/links/summary.py``) and the
cookbook queries that read them: ``co-occurrence`` and ``commitments-by-party`` give exactly the
rows of their former text, which counted every commitment of the store, and the counts stay in
step when documents are added or removed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
from clirunner import akg

from alliance_kg.graph.links import link_corpus
from alliance_kg.ontology import ONTOLOGY_GRAPH, PREFIXES, load_ontology
from alliance_kg.queries.bounded import run_on_store
from alliance_kg.queries.cookbook import get_query

SERIES = Path(__file__).parent / "data" / "series"

#: The former texts of the three queries (before the counts were kept), unchanged.
FORMER = {
    "co-occurrence": """
SELECT ?first ?second (COUNT(DISTINCT ?c) AS ?commitments)
WHERE {
  ?c akg:concerns ?a , ?b .
  ?a skos:prefLabel ?first .
  ?b skos:prefLabel ?second .
  FILTER(STR(?a) < STR(?b))
}
GROUP BY ?first ?second
HAVING (COUNT(DISTINCT ?c) > 1)
ORDER BY DESC(?commitments) STR(?first) STR(?second)
LIMIT 20
""",
    "commitments-by-party": """
SELECT ?party (STR(?typeLabel) AS ?type) (COUNT(DISTINCT ?c) AS ?commitments)
WHERE {
  ?c a akg:Commitment ;
     akg:madeBy ?p ;
     akg:commitmentType ?t .
  ?p skos:prefLabel ?party .
  ?t skos:prefLabel ?typeLabel .
}
GROUP BY ?party ?typeLabel
ORDER BY STR(?party) DESC(?commitments) STR(?typeLabel)
""",
}

#: Every count the stage keeps, against the same count made over the commitments (the
#: co-occurrences without the query's limit).
KEPT = {
    "co-occurrence": (
        "SELECT ?a ?b ?n WHERE { ?s a akg:CoOccurrence ; akg:firstName ?a ; akg:secondName ?b ;"
        " akg:commitmentCount ?n } ORDER BY ?a ?b",
        "SELECT ?a ?b (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c akg:concerns ?x , ?y ."
        " ?x skos:prefLabel ?a . ?y skos:prefLabel ?b . FILTER(STR(?x) < STR(?y)) }"
        " GROUP BY ?a ?b HAVING (COUNT(DISTINCT ?c) > 1) ORDER BY ?a ?b",
    ),
    "commitments-by-party": (
        "SELECT ?p ?t ?n WHERE { ?s a akg:PartyTypeCount ; akg:entityName ?p ; akg:ofType ?t ;"
        " akg:commitmentCount ?n } ORDER BY ?p ?t",
        "SELECT ?p ?t (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a akg:Commitment ; akg:madeBy ?x ;"
        " akg:commitmentType ?t . ?x skos:prefLabel ?p . ?t skos:prefLabel ?l }"
        " GROUP BY ?p ?t ORDER BY ?p ?t",
    ),
}


def _former(name: str) -> str:
    prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    return prologue + FORMER[name]


def _same_rows(store_path: Path) -> list[str]:
    """Check each query against its former text and each kept count against the commitments;
    return the counts the store keeps (CSV lines)."""
    store = ox.Store.read_only(str(store_path))
    kept = []
    for name in FORMER:
        now = run_on_store(store, get_query(name).text, "csv", None, 10_000).text
        assert now == run_on_store(store, _former(name), "csv", None, 10_000).text, name
        summary, counted = KEPT[name]
        rows = run_on_store(store, summary, "csv", None, 10_000).text
        assert rows == run_on_store(store, counted, "csv", None, 10_000).text, name
        kept += rows.splitlines()[1:]
    return kept


def test_the_queries_give_the_rows_of_their_former_text_on_the_series(series_store: Path) -> None:
    assert len(_same_rows(series_store)) == 26  # many counts compared, not empty results


def test_the_queries_give_the_rows_of_their_former_text_on_the_bundled_corpus(
    corpus_store: Path,
) -> None:
    assert len(_same_rows(corpus_store)) == 20


def _csv(store: Path, name: str) -> list[str]:
    result = akg(store, "query", "-n", name, "--format", "csv")
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_the_counts_follow_documents_added_and_removed(tmp_path: Path) -> None:
    texts = sorted(SERIES.glob("*.txt"))
    assert len(texts) == 10
    first, rest = tmp_path / "first", tmp_path / "rest"
    for k, text in enumerate(texts):
        folder = first if k < 5 else rest
        folder.mkdir(exist_ok=True)
        for path in SERIES.glob(text.stem + ".*"):  # the text and its metadata
            shutil.copy(path, folder / path.name)
    store = tmp_path / "store"
    assert akg(store, "build", str(first)).exit_code == 0
    before = _same_rows(store)
    assert akg(store, "build", str(rest)).exit_code == 0
    after = _same_rows(store)
    assert before != after
    # A removed report's commitments leave the counts.
    parties = _csv(store, "commitments-by-party")
    docs = akg(store, "query", "--format", "csv", "SELECT ?d { ?d a akg:Document } ORDER BY ?d")
    doc = docs.output.splitlines()[1]
    assert akg(store, "update", f"DROP GRAPH <{doc}>").exit_code == 0
    assert _same_rows(store) != after
    assert _csv(store, "commitments-by-party") != parties


#: Entities of one name in two classes (Georgia), an entity with two preferred labels in two
#: documents (NATO) and a commitment type the ontology does not have (akg:Promise).
TRIG = """
@prefix akg: <https://w3id.org/alliance-kg/ontology#> .
@prefix id: <https://w3id.org/alliance-kg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:document\\/doc-a {
  id:document\\/doc-a a akg:Document ; akg:sourceFile "a.md" ;
      akg:statedSeries id:mechanism\\/scc ; akg:statedDate "2023-01-11"^^xsd:date ;
      akg:meetingParty id:state\\/japan , id:state\\/united-states .
  id:mechanism\\/scc a akg:Mechanism ; skos:prefLabel "Security Consultative Committee" .
  id:state\\/japan a akg:State ; skos:prefLabel "Japan" .
  id:state\\/united-states a akg:State ; skos:prefLabel "United States" .
  id:state\\/china a akg:State ; skos:prefLabel "China" .
  id:state\\/georgia a akg:State ; skos:prefLabel "Georgia" .
  id:place\\/georgia a akg:Place ; skos:prefLabel "Georgia" .
  id:organization\\/nato a akg:Organization ; skos:prefLabel "NATO" .
  id:commitment\\/doc-a\\/0-10 akg:statedIn id:document\\/doc-a ; a akg:Commitment ;
      akg:quote "one" ; akg:startOffset 0 ; akg:commitmentType akg:Pledge , akg:Reaffirmation ;
      akg:madeBy id:state\\/japan , id:state\\/united-states ;
      akg:concerns id:state\\/china , id:state\\/georgia , id:place\\/georgia ,
          id:organization\\/nato .
  id:commitment\\/doc-a\\/20-30 akg:statedIn id:document\\/doc-a ; a akg:Commitment ;
      akg:quote "two" ; akg:startOffset 20 ; akg:commitmentType akg:Pledge ;
      akg:madeBy id:state\\/japan ;
      akg:concerns id:state\\/china , id:state\\/georgia , id:state\\/united-states .
}

id:document\\/doc-b {
  id:document\\/doc-b a akg:Document ; akg:sourceFile "b.md" ;
      akg:statedSeries id:mechanism\\/scc ; akg:statedDate "2023-01-11"^^xsd:date .
  id:mechanism\\/scc a akg:Mechanism ; skos:prefLabel "Security Consultative Committee" .
  id:state\\/china a akg:State ; skos:prefLabel "China" .
  id:state\\/georgia a akg:State ; skos:prefLabel "Georgia" .
  id:place\\/georgia a akg:Place ; skos:prefLabel "Georgia" .
  id:organization\\/nato a akg:Organization ;
      skos:prefLabel "North Atlantic Treaty Organization" .
  id:commitment\\/doc-b\\/0-10 akg:statedIn id:document\\/doc-b ; a akg:Commitment ;
      akg:quote "three" ; akg:startOffset 0 ; akg:commitmentType akg:Opposition ;
      akg:madeBy id:state\\/china , id:organization\\/nato ;
      akg:concerns id:state\\/china , id:place\\/georgia , id:state\\/georgia ,
          id:organization\\/nato .
  id:commitment\\/doc-b\\/20-30 akg:statedIn id:document\\/doc-b ; a akg:Commitment ;
      akg:quote "four" ; akg:startOffset 20 ; akg:commitmentType akg:Pledge , akg:Promise ;
      akg:madeBy id:state\\/georgia , id:place\\/georgia ;
      akg:concerns id:state\\/georgia , id:place\\/georgia , id:organization\\/nato .
}
"""


def test_names_shared_by_entities_count_each_commitment_once() -> None:
    store = ox.Store()
    store.load(TRIG.encode(), format=ox.RdfFormat.TRIG)
    ontology = load_ontology().serialize(format="nt").encode()
    store.load(ontology, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    link_corpus(store)
    from alliance_kg.graph.store import refresh_union

    refresh_union(store)
    got = {}
    for name in FORMER:
        now = run_on_store(store, get_query(name).text, "csv", None, 10_000).text
        assert now == run_on_store(store, _former(name), "csv", None, 10_000).text, name
        got[name] = now.splitlines()
    # By IRI: organization/nato < place/georgia < state/china < state/georgia. Each commitment
    # counts once under a pair of names, however many pairs of entities bear them.
    assert got["co-occurrence"][1:] == [
        "China,Georgia,3",
        "Georgia,Georgia,3",
        "NATO,Georgia,3",
        "North Atlantic Treaty Organization,Georgia,3",
        "Georgia,China,2",
        "NATO,China,2",
        "North Atlantic Treaty Organization,China,2",
    ]
    # Commitment four was made by both Georgias: one Pledge; NATO made three under both names.
    assert got["commitments-by-party"][1:] == [
        "China,Opposition,1",
        "Georgia,Pledge,1",
        "Japan,Pledge,2",
        "Japan,Reaffirmation,1",
        "NATO,Opposition,1",
        "North Atlantic Treaty Organization,Opposition,1",
        "United States,Pledge,1",
        "United States,Reaffirmation,1",
    ]
