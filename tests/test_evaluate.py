"""Scoring a hand-built graph against small gold files (tests/data/evaluate/)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_kg.errors import GoldError
from alliance_kg.evaluate import (
    CATEGORIES,
    GoldCommitment,
    GoldDocument,
    GoldEntity,
    GoldMeeting,
    Report,
    evaluate,
    format_report,
    load_gold,
    normalize,
)

DATA = Path(__file__).parent / "data" / "evaluate"
AKG = "https://w3id.org/alliance-kg/ontology#"
ID = "https://w3id.org/alliance-kg/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT_DATE = "http://purl.org/dc/terms/date"
XSD = "http://www.w3.org/2001/XMLSchema#"


# --------------------------------------------------------------------------- building graphs


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value if value.startswith("http") else ID + value)


def _add(store: ox.Store, doc: str, s: str, p: str, o: ox.NamedNode | ox.Literal) -> None:
    store.add(ox.Quad(_iri(s), ox.NamedNode(p), o, _iri(f"document/{doc}")))
    # What replace_graphs keeps in step: the default graph is the union of the documents.
    store.add(ox.Quad(_iri(s), ox.NamedNode(p), o, ox.DefaultGraph()))


def add_document(store: ox.Store, doc: str, source_file: str, meeting: str | None = None) -> None:
    d = f"document/{doc}"
    _add(store, doc, d, RDF_TYPE, ox.NamedNode(AKG + "Document"))
    _add(store, doc, d, AKG + "sourceFile", ox.Literal(source_file))
    if meeting is not None:
        _add(store, doc, meeting, RDF_TYPE, ox.NamedNode(AKG + "Meeting"))
        _add(store, doc, d, AKG + "reports", _iri(meeting))


def add_entity(
    store: ox.Store, doc: str, key: str, kind: str, label: str, *alt: str, mentioned: bool = True
) -> None:
    _add(store, doc, key, RDF_TYPE, ox.NamedNode(AKG + kind))
    _add(store, doc, key, SKOS + "prefLabel", ox.Literal(label))
    _add(store, doc, key, RDFS_LABEL, ox.Literal(label))
    for name in alt:
        _add(store, doc, key, SKOS + "altLabel", ox.Literal(name))
    if mentioned:
        _add(store, doc, key, AKG + "mentionedIn", _iri(f"document/{doc}"))


def add_commitment(
    store: ox.Store,
    doc: str,
    start: int,
    quote: str,
    types: list[str],
    parties: Sequence[str] = (),
    concerns: Sequence[str] = (),
    deadline: ox.Literal | None = None,
) -> None:
    c = f"commitment/{doc}/{start}-{start + len(quote)}"
    _add(store, doc, c, RDF_TYPE, ox.NamedNode(AKG + "Commitment"))
    _add(store, doc, c, AKG + "statedIn", _iri(f"document/{doc}"))
    _add(store, doc, c, AKG + "quote", ox.Literal(quote))
    _add(store, doc, c, AKG + "startOffset", ox.Literal(str(start), datatype=_iri(XSD + "integer")))
    for kind in types:
        _add(store, doc, c, AKG + "commitmentType", ox.NamedNode(AKG + kind))
    for party in parties:
        _add(store, doc, c, AKG + "madeBy", _iri(party))
    for concern in concerns:
        _add(store, doc, c, AKG + "concerns", _iri(concern))
    if deadline is not None:
        _add(store, doc, c, AKG + "deadline", deadline)


def gyear(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYear"))


def xsd_date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))


def main_store() -> ox.Store:
    """The graph scored against tests/data/evaluate/gold (a.txt, b.txt; c.txt is absent)."""
    store = ox.Store()
    add_document(store, "a", "a.txt", "meeting/scc/2023-01-11")
    add_entity(store, "a", "person/antony-blinken", "Person", "antony  BLINKEN")  # case, spaces
    add_entity(store, "a", "person/yoshimasa-hayashi", "Person", "Yoshimasa Hayashi")  # alias
    add_entity(store, "a", "state/united-states", "State", "United States", "U.S.")
    # A second node for the United States: a duplicate is a false alarm.
    add_entity(store, "a", "state/the-united-states", "State", "the United States")
    add_entity(store, "a", "state/japan", "State", "Japan")
    add_entity(store, "a", "state/prc", "State", "People\u2019s Republic of China", "China")
    add_entity(store, "a", "agreement/alliance", "Agreement", "the Alliance")  # alt_types
    add_entity(store, "a", "place/washington-d-c", "Place", "Washington, D.C.", "Washington")
    add_entity(store, "a", "organization/senkaku-islands", "Organization", "Senkaku Islands")
    add_entity(store, "a", "mechanism/quad", "Mechanism", "Quad")
    add_entity(store, "a", "person/lloyd-austin", "Person", "Lloyd Austin", mentioned=False)

    _add(store, "a", "document/a", AKG + "statedDate", xsd_date("2023-01-11"))
    _add(store, "a", "document/a", AKG + "statedPlace", _iri("place/washington-d-c"))
    for person in ("person/antony-blinken", "person/yoshimasa-hayashi", "person/lloyd-austin"):
        _add(store, "a", "document/a", AKG + "statedParticipant", _iri(person))

    us, jp = "state/united-states", "state/japan"
    # Shorter than the gold sentence: the gold contains it.
    add_commitment(
        store,
        "a",
        104,
        "reaffirmed that Article V applies to the Senkaku Islands",
        ["Reaffirmation", "Pledge"],
        [jp, us],
        ["organization/senkaku-islands"],
    )
    # Longer, other case, double space, curly apostrophe: it contains the gold sentence.
    add_commitment(
        store,
        "a",
        200,
        "In Tokyo, they  STRONGLY opposed China\u2019s coercive behavior. More News",
        ["Opposition"],
        [jp],
        ["state/prc"],
        xsd_date("2024-03-31"),
    )
    add_commitment(
        store,
        "a",
        300,
        "The United States will deploy the unit by 2025.",
        ["Pledge"],
        [us],
        ["mechanism/quad"],
        gyear("2025"),
    )
    # Matches the optional gold sentence: neither a hit nor a false alarm.
    add_commitment(store, "a", 400, "The meeting was held in Washington.", ["Announcement"])
    # Matches a gold sentence already matched: a false alarm.
    add_commitment(
        store, "a", 500, "Article V applies to the Senkaku Islands", ["Reaffirmation"], [jp]
    )
    add_commitment(store, "a", 600, "Leave a comment", ["Request"])

    # b.txt was loaded from b.html: found by its file stem.
    add_document(store, "b", "b.html", "meeting/japan-united-states/2022-01-07")
    add_entity(store, "b", "state/japan", "State", "Japan")

    _add(
        store, "b", "document/b", AKG + "statedDate", xsd_date("2022-01-07")
    )  # the gold date is null
    # The virtual place is known by its IRI even without labels.
    _add(store, "b", "document/b", AKG + "statedPlace", _iri("place/virtual"))
    add_commitment(store, "b", 0, "Japan condemned the launch.", ["Opposition"], ["state/japan"])

    add_document(store, "d", "d.txt")  # no gold file: not scored
    add_entity(store, "d", "state/japan", "State", "Japan")
    return store


@pytest.fixture(scope="module")
def report() -> Report:
    return evaluate(main_store(), load_gold(DATA / "gold"))


def counts(scores: dict, category: str) -> tuple[int, int, int]:
    s = scores[category]
    return s.tp, s.fp, s.fn


# --------------------------------------------------------------------------- scores


def test_micro_averaged_counts(report: Report) -> None:
    got = {c: counts(report.totals, c) for c in CATEGORIES}
    assert got == {
        "entities": (8, 3, 2),
        "entities:Person": (2, 0, 0),
        "entities:State": (4, 1, 0),
        "entities:Organization": (1, 1, 1),
        "entities:Unit": (0, 0, 0),
        "entities:Capability": (0, 0, 0),
        "entities:Place": (1, 0, 1),
        "entities:Agreement": (0, 0, 0),
        "entities:Mechanism": (0, 1, 0),
        "commitment sentences": (4, 2, 2),
        "types": (4, 1, 1),
        "parties": (5, 0, 1),
        "concerns": (2, 1, 0),
        "deadlines": (1, 1, 0),
        "meeting date": (1, 1, 1),
        "meeting place": (2, 0, 1),
        "meeting participants": (2, 1, 1),
    }


def test_precision_recall_f1(report: Report) -> None:
    entities = report.totals["entities"]
    assert entities.precision == pytest.approx(8 / 11)
    assert entities.recall == pytest.approx(8 / 10)
    assert entities.f1 == pytest.approx(2 * (8 / 11) * 0.8 / (8 / 11 + 0.8))
    unit = report.totals["entities:Unit"]
    assert (unit.precision, unit.recall, unit.f1) == (None, None, None)
    mechanism = report.totals["entities:Mechanism"]
    assert (mechanism.precision, mechanism.recall, mechanism.f1) == (0.0, None, 0.0)


def test_per_document_counts(report: Report) -> None:
    a, b, c = report.documents
    assert (a.document, a.graph_document) == ("a.txt", ID + "document/a")
    assert (b.document, b.graph_document) == ("b.txt", ID + "document/b")
    assert (c.document, c.graph_document) == ("c.txt", None)
    assert counts(a.scores, "entities") == (7, 3, 1)
    assert counts(a.scores, "commitment sentences") == (3, 2, 1)
    assert counts(a.scores, "meeting participants") == (2, 1, 0)
    assert counts(b.scores, "meeting date") == (0, 1, 0)
    assert counts(b.scores, "meeting place") == (1, 0, 0)
    assert counts(b.scores, "types") == (1, 0, 0)
    assert counts(c.scores, "entities") == (0, 0, 1)
    # The optional sentence of c.txt is not a miss.
    assert counts(c.scores, "commitment sentences") == (0, 0, 1)
    assert [d.meeting_correct for d in report.documents] == [False, False, False]
    assert report.meetings_correct == 0


def test_missing_and_unscored_documents(report: Report) -> None:
    assert report.missing_documents == ["c.txt"]
    assert report.unscored_documents == ["d.txt"]


def test_misses_and_false_alarms_name_each_item(report: Report) -> None:
    got = [
        (e.document, e.category, "-" if e.kind == "miss" else "+", e.item) for e in report.errors
    ]
    assert {e.kind for e in report.errors} == {"miss", "false alarm"}
    s1 = '"The Ministers reaffirmed that Article V applies…"'
    s2 = '"They strongly opposed China\'s coercive behavior."'
    s3 = '"The United States will deploy the unit by 2025."'
    senkaku = "organization/senkaku-islands"
    north_korea = "Both sides called on North Korea to abandon its programs."
    assert got == [
        ("a.txt", "entities", "-", "Place: Senkaku Islands"),
        ("a.txt", "entities", "+", f"State: the United States <{ID}state/the-united-states>"),
        ("a.txt", "entities", "+", f"Organization: Senkaku Islands <{ID}{senkaku}>"),
        ("a.txt", "entities", "+", f"Mechanism: Quad <{ID}mechanism/quad>"),
        ("a.txt", "commitment sentences", "-", f'"{north_korea}"'),
        ("a.txt", "commitment sentences", "+", '"Article V applies to the Senkaku Islands"'),
        ("a.txt", "commitment sentences", "+", '"Leave a comment"'),
        ("a.txt", "types", "+", f"Pledge @ {s1}"),
        ("a.txt", "parties", "-", f"United States @ {s2}"),
        ("a.txt", "deadlines", "+", f"2024-03-31 @ {s2}"),
        ("a.txt", "types", "-", f"Announcement @ {s3}"),
        ("a.txt", "concerns", "+", f"Quad @ {s3}"),
        ("a.txt", "meeting participants", "+", "Lloyd Austin"),
        ("b.txt", "meeting date", "+", "2022-01-07"),
        ("c.txt", "entities", "-", "Organization: Quad"),
        ("c.txt", "commitment sentences", "-", '"The Ministers welcomed the Quad."'),
        ("c.txt", "meeting date", "-", "2024-01-01"),
        ("c.txt", "meeting place", "-", "Tokyo"),
        ("c.txt", "meeting participants", "-", "Kamikawa Yoko"),
    ]  # fmt: skip


def _one_doc(
    entities: tuple[GoldEntity, ...] = (),
    commitments: tuple[GoldCommitment, ...] = (),
    meeting: GoldMeeting | None = None,
) -> list[GoldDocument]:
    return [GoldDocument(Path("x.gold.json"), "x.txt", meeting, entities, commitments)]


def test_duplicate_sentence_prediction_keeps_the_best_match() -> None:
    store = ox.Store()
    add_document(store, "x", "x.txt")
    # The first (shorter) prediction could match either gold sentence; the matching gives
    # each gold sentence its own prediction rather than leaving one unmatched.
    add_commitment(store, "x", 0, "They agreed", ["Pledge"])
    add_commitment(store, "x", 50, "They agreed to meet.", ["Pledge"])
    gold = _one_doc(
        commitments=(
            GoldCommitment("They agreed to meet.", ("Pledge",)),
            GoldCommitment("They agreed to talk.", ("Pledge",)),
        )
    )
    report = evaluate(store, gold)
    assert counts(report.totals, "commitment sentences") == (2, 0, 0)
    assert counts(report.totals, "types") == (2, 0, 0)


def test_optional_sentences_count_neither_way() -> None:
    store = ox.Store()
    add_document(store, "x", "x.txt")
    add_commitment(store, "x", 0, "They noted   the progress.", ["Endorsement"])
    add_commitment(store, "x", 40, "the progress", ["Endorsement"])
    gold = _one_doc(
        commitments=(
            GoldCommitment("They noted the progress.", ("Endorsement",), optional=True),
            GoldCommitment("They agreed to meet.", ("Pledge",), optional=True),
        )
    )
    report = evaluate(store, gold)
    assert counts(report.totals, "commitment sentences") == (0, 0, 0)
    assert counts(report.totals, "types") == (0, 0, 0)
    assert report.errors == []


def test_null_gold_meeting_fields_only_count_predictions() -> None:
    store = ox.Store()
    add_document(store, "x", "x.txt", "meeting/m/undated-x")
    _add(store, "x", "document/x", AKG + "statedPlace", _iri("place/tokyo"))
    add_entity(store, "x", "place/tokyo", "Place", "Tokyo", mentioned=False)
    report = evaluate(store, _one_doc(meeting=None))
    assert counts(report.totals, "meeting date") == (0, 0, 0)
    assert counts(report.totals, "meeting place") == (0, 1, 0)
    assert report.documents[0].meeting_correct is False
    report = evaluate(store, _one_doc(meeting=GoldMeeting(None, "Tokyo")))
    assert counts(report.totals, "meeting place") == (1, 0, 0)
    assert report.documents[0].meeting_correct is True


def test_normalize() -> None:
    assert normalize("  People\u2019s  \u201cFree\u201d\n Republic ") == 'people\'s "free" republic'
    assert normalize("STRA\u00dfE") == "strasse"


# --------------------------------------------------------------------------- output


def tiny_report() -> Report:
    store = ox.Store()
    add_document(store, "t", "t.txt")
    add_entity(store, "t", "state/japan", "State", "Japan")
    add_entity(store, "t", "place/tokyo", "Place", "Tokyo")
    add_commitment(store, "t", 0, "Japan affirmed its resolve.", ["Reaffirmation"], ["state/japan"])
    return evaluate(store, load_gold(DATA / "tiny"))


TINY_TABLE = """\
All documents (micro-averaged)
category                    P      R     F1    tp    fp    fn
entities                0.500  1.000  0.667     1     1     0
entities:Person             -      -      -     0     0     0
entities:State          1.000  1.000  1.000     1     0     0
entities:Organization       -      -      -     0     0     0
entities:Unit               -      -      -     0     0     0
entities:Capability         -      -      -     0     0     0
entities:Place          0.000      -  0.000     0     1     0
entities:Agreement          -      -      -     0     0     0
entities:Mechanism          -      -      -     0     0     0
commitment sentences    1.000  1.000  1.000     1     0     0
types                   1.000  1.000  1.000     1     0     0
parties                 1.000  1.000  1.000     1     0     0
concerns                    -      -      -     0     0     0
deadlines                   -      -      -     0     0     0
meeting date                -      -      -     0     0     0
meeting place               -      -      -     0     0     0
meeting participants        -      -      -     0     0     0
meeting all correct: 1/1 documents

Misses (-) and false alarms (+):
t.txt
  entities              + Place: Tokyo <https://w3id.org/alliance-kg/id/place/tokyo>"""


def test_table_text() -> None:
    assert format_report(tiny_report()) == TINY_TABLE


def test_table_per_document_and_without_errors() -> None:
    text = format_report(tiny_report(), per_document=True, show_errors=False)
    lines = text.split("\n")
    assert lines[:20] == TINY_TABLE.split("\n")[:20]
    assert lines[20:23] == ["", "t.txt", lines[1]]
    assert lines[-1] == "meeting all correct: yes"
    assert "Misses" not in text
    assert len(lines) == 20 + 3 + 17 + 1


def test_json_output(report: Report) -> None:
    data = json.loads(format_report(report, "json", per_document=True))
    assert list(data) == [
        "totals",
        "meetings_all_correct",
        "documents_scored",
        "missing_documents",
        "unscored_documents",
        "documents",
        "errors",
    ]
    assert data["totals"]["entities"] == {
        "precision": 0.727,
        "recall": 0.8,
        "f1": 0.762,
        "tp": 8,
        "fp": 3,
        "fn": 2,
    }
    assert list(data["totals"]) == list(CATEGORIES)
    assert data["totals"]["entities:Unit"]["precision"] is None
    assert [d["document"] for d in data["documents"]] == ["a.txt", "b.txt", "c.txt"]
    assert data["documents"][2]["graph_document"] is None
    assert data["documents"][1]["scores"]["meeting date"]["fp"] == 1
    assert len(data["errors"]) == 19
    assert data["errors"][0] == {
        "document": "a.txt",
        "category": "entities",
        "kind": "miss",
        "item": "Place: Senkaku Islands",
    }
    plain = json.loads(format_report(report, "json", show_errors=False))
    assert "documents" not in plain and "errors" not in plain
    # Byte for byte the same on a second run.
    again = evaluate(main_store(), load_gold(DATA / "gold"))
    assert format_report(again, "json", per_document=True) == format_report(
        report, "json", per_document=True
    )


def test_unknown_format_is_rejected(report: Report) -> None:
    with pytest.raises(ValueError, match="unknown report format 'csv'"):
        format_report(report, "csv")


# --------------------------------------------------------------------------- gold files


def test_load_gold_reads_every_file() -> None:
    docs = load_gold(DATA / "gold")
    assert [(d.path.name, d.document) for d in docs] == [
        ("a.gold.json", "a.txt"),
        ("b.gold.json", "b.txt"),
        ("c.gold.json", "c.txt"),
    ]
    a = docs[0]
    assert a.meeting == GoldMeeting(
        "2023-01-11", "Washington, D.C.", ("Antony Blinken", "Hayashi Yoshimasa")
    )
    assert a.entities[5] == GoldEntity(
        "U.S.-Japan Alliance", "Organization", ("Agreement",), ("the Alliance",)
    )
    assert a.commitments[2].deadline == "2025"
    assert [c.optional for c in a.commitments] == [False, False, False, True, False]
    # Without a "document" key the gold file's stem names the document.
    assert load_gold(DATA / "tiny")[0].document == "t.txt"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def gold_as_graph(golds: list[GoldDocument]) -> ox.Store:
    """A graph that says exactly what the gold files say, in the shape of a build.

    Entities of several documents share one IRI, so the union merges their labels as it does
    for a real build.
    """
    store = ox.Store()
    for gold in golds:
        doc = Path(gold.document).stem
        meeting = f"meeting/{doc}" if gold.meeting else None
        add_document(store, doc, gold.document, meeting)
        keys: dict[str, str] = {}
        for e in gold.entities:
            key = f"{e.type.lower()}/{_slug(e.label)}"
            add_entity(store, doc, key, e.type, e.label, *e.aliases)
            for name in (*e.aliases, e.label):
                keys[name] = key

        def key_of(label: str, keys: dict[str, str] = keys) -> str:
            return keys.get(label, f"thing/{_slug(label)}")

        for i, c in enumerate(gold.commitments):
            parties = [key_of(p) for p in c.parties]
            concerns = [key_of(p) for p in c.concerns]
            deadline = gyear(c.deadline) if c.deadline else None
            add_commitment(store, doc, i, c.sentence, list(c.types), parties, concerns, deadline)
        if meeting and gold.meeting:
            if gold.meeting.date:
                _add(store, doc, f"document/{doc}", AKG + "statedDate", xsd_date(gold.meeting.date))
            place = gold.meeting.place
            if place:
                place_key = "place/virtual" if place == "virtual" else key_of(place)
                _add(store, doc, f"document/{doc}", AKG + "statedPlace", _iri(place_key))
            for person in gold.meeting.participants:
                _add(store, doc, f"document/{doc}", AKG + "statedParticipant", _iri(key_of(person)))
    return store


def test_corpus_gold_scores_itself_perfectly() -> None:
    golds = load_gold(DATA / "corpus-gold")
    assert len(golds) == 5
    assert sum(len(d.commitments) for d in golds) == 123
    report = evaluate(gold_as_graph(golds), golds)
    assert report.errors == []
    assert report.meetings_correct == 5
    assert {c: counts(report.totals, c) for c in CATEGORIES} == {
        "entities": (144, 0, 0),
        "entities:Person": (17, 0, 0),
        "entities:State": (30, 0, 0),
        "entities:Organization": (23, 0, 0),
        "entities:Unit": (8, 0, 0),
        "entities:Capability": (9, 0, 0),
        "entities:Place": (33, 0, 0),
        "entities:Agreement": (14, 0, 0),
        "entities:Mechanism": (10, 0, 0),
        "commitment sentences": (103, 0, 0),  # the 20 optional sentences count neither way
        "types": (130, 0, 0),
        "parties": (193, 0, 0),
        "concerns": (147, 0, 0),
        "deadlines": (2, 0, 0),
        "meeting date": (4, 0, 0),
        "meeting place": (4, 0, 0),
        "meeting participants": (16, 0, 0),
    }


def _write(folder: Path, name: str, data: object) -> Path:
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


VALID = {
    "document": "x.txt",
    "meeting": None,
    "entities": [{"label": "Japan", "type": "State"}],
    "commitments": [{"sentence": "Japan agreed.", "types": ["Pledge"]}],
}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            '{"document": "x.txt",\n  "meeting": }',
            "invalid JSON at line 2, column 14: Expecting value",
        ),
        ("[]", "expected a JSON object, found a list"),
        ({**VALID, "entities": None}, "entities: expected a list, found null"),
        ({k: v for k, v in VALID.items() if k != "commitments"}, "missing key 'commitments'"),
        ({**VALID, "entities": [{"label": "Japan"}]}, "entities[0]: missing key 'type'"),
        (
            {**VALID, "entities": [{"label": "Japan", "type": "Country"}]},
            "entities[0].type: unknown entity type 'Country' (expected one of Person, State, "
            "Organization, Unit, Capability, Place, Agreement, Mechanism)",
        ),
        (
            {**VALID, "entities": [{"label": "Japan", "type": "State", "alt_types": ["Nation"]}]},
            "entities[0].alt_types[0]: unknown entity type 'Nation' (expected one of Person, "
            "State, Organization, Unit, Capability, Place, Agreement, Mechanism)",
        ),
        (
            {**VALID, "commitments": [{"sentence": "x", "types": ["Pledge", "Promise"]}]},
            "commitments[0].types[1]: unknown commitment type 'Promise' (expected one of "
            "Reaffirmation, Pledge, Endorsement, Opposition, Announcement, Request)",
        ),
        (
            {**VALID, "commitments": [{"sentence": "x", "types": []}]},
            "commitments[0].types: needs at least one commitment type",
        ),
        (
            {**VALID, "commitments": [{"sentence": " ", "types": ["Pledge"]}]},
            "commitments[0].sentence: expected a non-empty string, found an empty string",
        ),
        (
            {**VALID, "commitments": [{"sentence": "x", "types": ["Pledge"], "optional": "yes"}]},
            "commitments[0].optional: expected true or false, found a string",
        ),
        (
            {**VALID, "meeting": {"date": 2023, "place": None}},
            "meeting.date: expected a non-empty string, found a number",
        ),
    ],
)
def test_invalid_gold_file(tmp_path: Path, content: object, problem: str) -> None:
    path = _write(tmp_path, "x.gold.json", content)
    with pytest.raises(GoldError) as excinfo:
        load_gold(tmp_path)
    assert str(excinfo.value) == f"{path}: {problem}"


def test_gold_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "x.gold.json"
    path.write_bytes(b'{"document": "\xff"}')
    with pytest.raises(GoldError) as excinfo:
        load_gold(tmp_path)
    assert str(excinfo.value) == f"{path}: not UTF-8 text (byte 14)"


def test_empty_or_missing_gold_folder(tmp_path: Path) -> None:
    _write(tmp_path, "notes.json", VALID)  # not a *.gold.json file
    with pytest.raises(GoldError) as excinfo:
        load_gold(tmp_path)
    assert str(excinfo.value) == f"{tmp_path}: no gold files (*.gold.json) in this folder"
    with pytest.raises(GoldError) as excinfo:
        load_gold(tmp_path / "nowhere")
    assert str(excinfo.value) == f"{tmp_path / 'nowhere'}: no such folder"


def test_two_gold_files_for_one_document(tmp_path: Path) -> None:
    _write(tmp_path, "a.gold.json", VALID)
    second = _write(tmp_path, "b.gold.json", VALID)
    with pytest.raises(GoldError) as excinfo:
        load_gold(tmp_path)
    assert str(excinfo.value) == f"{second}: annotates 'x.txt', which a.gold.json annotates already"
