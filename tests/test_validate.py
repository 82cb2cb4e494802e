"""``akg validate``: the graph's contract (alliance_kg/ontology/shapes.ttl) holds for the graphs
the tool builds, and each rule of it, broken in a small hand-made graph, is reported with its
node and makes the command exit 1."""

from __future__ import annotations

import logging
from pathlib import Path

import pyoxigraph as ox
import pytest
from clirunner import akg
from rdflib import Graph, URIRef
from samples import CONTRACT_TRIG, contract_store

import alliance_kg
from alliance_kg.errors import AkgError
from alliance_kg.ontology import AKG, load_ontology, shapes_path

DATA = Path(__file__).parent / "data"
COMMITMENT = 'id:commitment/doc-a/100-160 "Pledge by Japan"'
JAPAN = 'id:state/japan "Japan"'
MEETING = 'id:meeting/scc/2023-01-11 "Security Consultative Committee, 2023-01-11"'
DEADLINE = "id:commitment/doc-a/100-160/deadline/130"
LINEAGE = 'id:lineage/doc-a/100-160 "Pledge: Japan will build a new command by 2025."'
CONFLICT = 'id:conflict/doc-a/place "doc-a.txt: place Osaka (resolved: Tokyo)"'
CHECKED = "1 document, 1 commitment, {entities} entities, 1 meeting, 1 lineage, 1 conflict"


def _triples(trig: str) -> int:
    """The triples of the union of the graph's named graphs and the ontology's."""
    ontology = load_ontology().serialize(format="nt").encode()
    quads = [
        *ox.parse(trig.encode(), ox.RdfFormat.TRIG),
        *ox.parse(ontology, ox.RdfFormat.N_TRIPLES),
    ]
    return len({(str(q.subject), str(q.predicate), str(q.object)) for q in quads})


#: The triples of the contract graph with the ontology (which other work may grow).
TRIPLES = _triples(CONTRACT_TRIG)


def invalid(violations: int, nodes: int, more: int, entities: int = 3) -> str:
    """The last line of the report on a broken variant of the contract graph, which holds
    ``more`` triples more than the contract graph (fewer when negative)."""
    return (
        f"Invalid: {violations} violation(s) of the graph's contract at {nodes} node(s), in "
        f"{TRIPLES + more} triples ({CHECKED.format(entities=entities)})."
    )


# Each case: what is replaced in CONTRACT_TRIG (exactly one occurrence), by what, and the
# report's lines.
CASES = {
    "no commitment type": (
        "        akg:commitmentType akg:Pledge ;\n",
        "",
        [
            "a commitment has one or more of the six commitment types [akg:commitmentType]:",
            f"  {COMMITMENT}",
            invalid(1, 1, -1),
        ],
    ),
    "a type of no scheme": (
        "akg:commitmentType akg:Pledge ;",
        "akg:commitmentType akg:Promise ;",
        [
            "a commitment has one or more of the six commitment types [akg:commitmentType]:",
            f"  {COMMITMENT} value akg:Promise",
            invalid(1, 1, +0),
        ],
    ),
    "no party": (
        "        akg:madeBy id:state\\/japan ;\n",
        "",
        [
            "a commitment is made by at least one party [akg:madeBy]:",
            f"  {COMMITMENT}",
            invalid(1, 1, -1),
        ],
    ),
    "no quote": (
        '        akg:quote "Japan will build a new command by 2025." ;\n',
        "",
        [
            "a commitment has exactly one quote, a non-empty string [akg:quote]:",
            f"  {COMMITMENT}",
            invalid(1, 1, -1),
        ],
    ),
    "a quote longer than its offsets' span": (
        "akg:endOffset 160 ;",
        "akg:endOffset 120 ;",
        [
            "a commitment's quote fits between its offsets (no longer than end - start):",
            f"  {COMMITMENT}",
            invalid(1, 1, +0),
        ],
    ),
    "start after end": (
        "akg:startOffset 100 ;",
        "akg:startOffset 170 ;",
        [
            "a commitment has exactly one start offset, an integer of at least 0, less than the "
            "end offset [akg:startOffset]:",
            f"  {COMMITMENT} value 170",
            "a commitment's quote fits between its offsets (no longer than end - start):",
            f"  {COMMITMENT}",
            invalid(2, 1, +0),
        ],
    ),
    "a negative offset": (
        "akg:startOffset 100 ;",
        "akg:startOffset -5 ;",
        [
            "a commitment has exactly one start offset, an integer of at least 0, less than the "
            "end offset [akg:startOffset]:",
            f"  {COMMITMENT} value -5",
            invalid(1, 1, +0),
        ],
    ),
    "no document": (
        "        akg:statedIn id:document\\/doc-a ;\n",
        "",
        [
            "a commitment is stated in exactly one document [akg:statedIn]:",
            f"  {COMMITMENT}",
            invalid(1, 1, -1),
        ],
    ),
    "not at its document's meeting": (
        "akg:atMeeting id:meeting\\/scc\\/2023-01-11 ;",
        "",
        [
            "a commitment is at the meeting its document reports, and only there:",
            f"  {COMMITMENT}",
            invalid(1, 1, -1),
        ],
    ),
    "two preferred labels": (
        'skos:prefLabel "Japan" ;',
        'skos:prefLabel "Japan" , "Nippon" ;',
        [
            "an entity has exactly one preferred label [skos:prefLabel]:",
            f"  {JAPAN}",
            invalid(1, 1, +1),
        ],
    ),
    "no preferred label": (
        'skos:prefLabel "Japan" ; ',
        "",
        [
            "an entity has exactly one preferred label [skos:prefLabel]:",
            f"  {JAPAN}",
            invalid(1, 1, -1),
        ],
    ),
    "a type outside the ontology": (
        "id:state\\/japan a akg:State ;",
        "id:state\\/japan a akg:Country ;",
        [
            "an entity has exactly one type, one of the eight entity types [rdf:type]:",
            f"  {JAPAN} value akg:Country",
            invalid(1, 1, +0, entities=2),
        ],
    ),
    "mentioned nowhere": (
        "akg:mentionedIn id:document\\/doc-a .\n    id:mechanism",
        ".\n    id:mechanism",
        ["an entity is mentioned in some document:", f"  {JAPAN}", invalid(1, 1, -1)],
    ),
    "a party nothing describes": (
        "akg:madeBy id:state\\/japan ;",
        "akg:madeBy id:state\\/japan , id:state\\/korea ;",
        [
            "an entity has exactly one preferred label [skos:prefLabel]:",
            "  id:state/korea",
            "an entity has exactly one type, one of the eight entity types [rdf:type]:",
            "  id:state/korea",
            "an entity is mentioned in some document:",
            "  id:state/korea",
            invalid(3, 1, +1),
        ],
    ),
    "a meeting without the series its report names": (
        "        akg:series id:mechanism\\/scc ;\n",
        "",
        [
            "a meeting has the series that a document reporting it names:",
            f"  {MEETING}",
            invalid(1, 1, -1),
        ],
    ),
    "a meeting that follows itself": (
        "        akg:series id:mechanism\\/scc ;\n",
        "        akg:series id:mechanism\\/scc ;\n"
        "        akg:previousMeeting id:meeting\\/scc\\/2023-01-11 ;\n",
        [
            "a meeting's previous meeting is the last one of its series before it:",
            f"  {MEETING}",
            invalid(1, 1, +1),
        ],
    ),
    "a previous meeting that is a document": (
        "        akg:series id:mechanism\\/scc ;\n",
        "        akg:series id:mechanism\\/scc ;\n"
        "        akg:previousMeeting id:document\\/doc-a ;\n",
        [
            "a meeting has at most one previous meeting, a meeting [akg:previousMeeting]:",
            f"  {MEETING} value id:document/doc-a",
            "a meeting's previous meeting is the last one of its series before it:",
            f"  {MEETING}",
            invalid(2, 1, +1),
        ],
    ),
    "a meeting no document reports": (
        "    id:document\\/doc-a akg:reports id:meeting\\/scc\\/2023-01-11 .\n",
        "",
        [
            "a commitment is at the meeting its document reports, and only there:",
            f"  {COMMITMENT}",
            "a meeting is reported by at least one document [^akg:reports]:",
            f"  {MEETING}",
            invalid(2, 2, -1),
        ],
    ),
    "an ill-typed date": (
        'dct:date "2023-01-11"^^xsd:date ;\n        akg:sourceFile',
        'dct:date "2023-13-45"^^xsd:date ;\n        akg:sourceFile',
        [
            "a document's date is one xsd:date [dct:date]:",
            '  id:document/doc-a "Joint Statement" value "2023-13-45"^^xsd:date',
            invalid(1, 1, +0),
        ],
    ),
    "an untyped date": (
        'dct:date "2023-01-11"^^xsd:date ;\n        akg:startDate',
        'dct:date "2023-01-11" ;\n        akg:startDate',
        [
            "a meeting's date is one xsd:date [dct:date]:",
            f'  {MEETING} value "2023-01-11"',
            # No longer a date, the last day cannot be compared with the first.
            "a meeting's first day is one xsd:date before its last [akg:startDate]:",
            f'  {MEETING} value "2023-01-10"^^xsd:date',
            invalid(2, 1, +0),
        ],
    ),
    "a first day after the last": (
        'akg:startDate "2023-01-10"',
        'akg:startDate "2023-01-12"',
        [
            "a meeting's first day is one xsd:date before its last [akg:startDate]:",
            f'  {MEETING} value "2023-01-12"^^xsd:date',
            invalid(1, 1, +0),
        ],
    ),
    "an untyped deadline": (
        'akg:deadlineDate "2025"^^xsd:gYear',
        'akg:deadlineDate "2025"',
        [
            "a deadline has exactly one date, an xsd:date or an xsd:gYear [akg:deadlineDate]:",
            f'  {DEADLINE} value "2025"',
            invalid(1, 1, +0),
        ],
    ),
    "a deadline of no kind": (
        'akg:deadlineKind "by"',
        'akg:deadlineKind "until"',
        [
            'a deadline\'s kind is "by" or "start" [akg:deadlineKind]:',
            f'  {DEADLINE} value "until"',
            invalid(1, 1, +0),
        ],
    ),
    "a deadline of no commitment": (
        " ;\n        akg:hasDeadline id:commitment\\/doc-a\\/100-160\\/deadline\\/130 .",
        " .",
        [
            "a deadline belongs to a commitment [^akg:hasDeadline]:",
            f"  {DEADLINE}",
            invalid(1, 1, -1),
        ],
    ),
    "a digest that is not one": (
        'akg:sha256 "07e949e265a6892e85727f2caa20ed6472c941421d5ebacda74d2448d010ca21"',
        'akg:sha256 "07E9"',
        [
            "a document has exactly one SHA-256 of its text (64 hex digits) [akg:sha256]:",
            '  id:document/doc-a "Joint Statement" value "07E9"',
            invalid(1, 1, +0),
        ],
    ),
    "an empty lineage": (
        " ;\n        akg:inLineage id:lineage\\/doc-a\\/100-160 .",
        " .",
        [
            "a lineage holds at least one commitment [^akg:inLineage]:",
            f"  {LINEAGE}",
            invalid(1, 1, -1),
        ],
    ),
    "a lineage first stated after it was last": (
        'akg:firstStated "2023-01-11"',
        'akg:firstStated "2023-02-11"',
        [
            "a lineage is first stated on one xsd:date, not after it was last stated "
            "[akg:firstStated]:",
            f'  {LINEAGE} value "2023-02-11"^^xsd:date',
            invalid(1, 1, +0),
        ],
    ),
    "a lineage without its meeting count": (
        "        akg:meetingCount 1 .",
        "        .",
        [
            "a lineage has exactly one meeting count, an integer of at least 0 [akg:meetingCount]:",
            f"  {LINEAGE}",
            invalid(1, 1, -1),
        ],
    ),
    "a lineage without its lineage text": (
        "        akg:lineageText ",
        "        rdfs:comment ",
        [
            "a lineage has exactly one lineage text, a string [akg:lineageText]:",
            f"  {LINEAGE}",
            invalid(1, 1, +0),
        ],
    ),
    "a lineage with a lineage text in a language": (
        "by 2025.''' ;",
        "by 2025.'''@en ;",
        [
            "a lineage has exactly one lineage text, a string [akg:lineageText]:",
            f'  {LINEAGE} value "Pledge: Japan will build a new command by 2025.\\nJapan will '
            'build a new command by 2025."',
            invalid(1, 1, +0),
        ],
    ),
    "a conflict about no known field": (
        'akg:field "place" ;',
        'akg:field "venue" ;',
        [
            'a conflict\'s field is "date", "place" or "participants" [akg:field]:',
            f'  {CONFLICT} value "venue"',
            invalid(1, 1, +0),
        ],
    ),
    "a conflict in no document": (
        "        akg:conflictIn id:document\\/doc-a ;\n",
        "",
        [
            "a conflict is in exactly one document [akg:conflictIn]:",
            f"  {CONFLICT}",
            invalid(1, 1, -1),
        ],
    ),
    "a conflict about a document, not a meeting": (
        "akg:aboutMeeting id:meeting\\/scc\\/2023-01-11 ;",
        "akg:aboutMeeting id:document\\/doc-a ;",
        [
            "a conflict is about exactly one meeting [akg:aboutMeeting]:",
            f"  {CONFLICT} value id:document/doc-a",
            invalid(1, 1, +0),
        ],
    ),
    "a conflict without its stated value": (
        '        akg:statedValue "Osaka" ;\n',
        "",
        [
            "a conflict has exactly one stated value [akg:statedValue]:",
            f"  {CONFLICT}",
            invalid(1, 1, -1),
        ],
    ),
    "an end offset as text": (
        "akg:endOffset 160 ;",
        'akg:endOffset "160" ;',
        [
            "a commitment has exactly one end offset, an integer [akg:endOffset]:",
            f'  {COMMITMENT} value "160"',
            "a commitment has exactly one start offset, an integer of at least 0, less than the "
            "end offset [akg:startOffset]:",
            f"  {COMMITMENT} value 100",
            invalid(2, 1, +0),
        ],
    ),
    "at two meetings": (
        "akg:atMeeting id:meeting\\/scc\\/2023-01-11 ;",
        "akg:atMeeting id:meeting\\/scc\\/2023-01-11 , id:meeting\\/scc\\/2024-01-01 ;",
        [
            "a commitment is at one meeting at most [akg:atMeeting]:",
            f"  {COMMITMENT}",
            f"  {COMMITMENT} value id:meeting/scc/2024-01-01",
            "a commitment is at the meeting its document reports, and only there:",
            f"  {COMMITMENT}",
            invalid(3, 1, +1),
        ],
    ),
    "in two lineages": (
        " ;\n        akg:inLineage id:lineage\\/doc-a\\/100-160 .",
        " ;\n        akg:inLineage id:lineage\\/doc-a\\/100-160 , id:lineage\\/doc-a\\/1-2 .",
        [
            "a commitment is in at most one lineage [akg:inLineage]:",
            f"  {COMMITMENT}",
            f"  {COMMITMENT} value id:lineage/doc-a/1-2",
            invalid(2, 1, +1),
        ],
    ),
    "restating a document": (
        " ;\n        akg:inLineage id:lineage\\/doc-a\\/100-160 .",
        " ;\n        akg:inLineage id:lineage\\/doc-a\\/100-160 ;\n"
        "        akg:restates id:document\\/doc-a .",
        [
            "a commitment restates commitments only [akg:restates]:",
            f"  {COMMITMENT} value id:document/doc-a",
            invalid(1, 1, +1),
        ],
    ),
    "a deadline that is a mechanism": (
        "akg:hasDeadline id:commitment\\/doc-a\\/100-160\\/deadline\\/130 .",
        "akg:hasDeadline id:commitment\\/doc-a\\/100-160\\/deadline\\/130 , id:mechanism\\/scc .",
        [
            "a commitment's deadlines are deadlines [akg:hasDeadline]:",
            f"  {COMMITMENT} value id:mechanism/scc",
            invalid(1, 1, +1),
        ],
    ),
    "an untyped commitment deadline": (
        'akg:deadline "2025"^^xsd:gYear',
        'akg:deadline "2025"',
        [
            "a commitment's deadline is an xsd:date or an xsd:gYear [akg:deadline]:",
            f'  {COMMITMENT} value "2025"',
            invalid(1, 1, +0),
        ],
    ),
    "a deadline without its clause": (
        '        akg:clause "build a new command by 2025" .',
        "        .",
        [
            "a deadline has exactly one clause [akg:clause]:",
            f"  {DEADLINE}",
            invalid(1, 1, -1),
        ],
    ),
    "a deadline restated as a mechanism": (
        'akg:deadlineKind "by" ;',
        'akg:deadlineKind "by" ;\n        akg:restatedAs id:mechanism\\/scc ;',
        [
            "a deadline is restated as deadlines only [akg:restatedAs]:",
            f"  {DEADLINE} value id:mechanism/scc",
            invalid(1, 1, +1),
        ],
    ),
    "a document without its source file": (
        '        akg:sourceFile "doc-a.txt" ;\n',
        "",
        [
            "a document has exactly one source file [akg:sourceFile]:",
            '  id:document/doc-a "Joint Statement"',
            invalid(1, 1, -1),
        ],
    ),
    "a document reporting two meetings": (
        "akg:reports id:meeting\\/scc\\/2023-01-11 .",
        "akg:reports id:meeting\\/scc\\/2023-01-11 , id:meeting\\/scc\\/2024-01-01 .",
        [
            "a commitment is at the meeting its document reports, and only there:",
            f"  {COMMITMENT}",
            "a document reports at most one meeting [akg:reports]:",
            '  id:document/doc-a "Joint Statement"',
            '  id:document/doc-a "Joint Statement" value id:meeting/scc/2024-01-01',
            invalid(3, 2, +1),
        ],
    ),
    "a stated date in words": (
        'akg:statedDate "2023-01-11"^^xsd:date',
        'akg:statedDate "January 11"',
        [
            "a document's stated meeting date is one xsd:date [akg:statedDate]:",
            '  id:document/doc-a "Joint Statement" value "January 11"',
            invalid(1, 1, +0),
        ],
    ),
    "a stated first day with a time": (
        'akg:statedDate "2023-01-11"^^xsd:date ;',
        'akg:statedDate "2023-01-11"^^xsd:date ;\n'
        '        akg:statedStartDate "2023-01-10T00:00:00"^^xsd:dateTime ;',
        [
            "a document's stated first day is one xsd:date [akg:statedStartDate]:",
            '  id:document/doc-a "Joint Statement" value "2023-01-10T00:00:00"^^xsd:dateTime',
            invalid(1, 1, +1),
        ],
    ),
    "a given date that is a year": (
        'akg:statedDate "2023-01-11"^^xsd:date ;',
        'akg:statedDate "2023-01-11"^^xsd:date ;\n        akg:givenDate "2023"^^xsd:gYear ;',
        [
            "a document's given meeting date is one xsd:date [akg:givenDate]:",
            '  id:document/doc-a "Joint Statement" value "2023"^^xsd:gYear',
            invalid(1, 1, +1),
        ],
    ),
    "a meeting without its label": (
        '        rdfs:label "Security Consultative Committee, 2023-01-11" ;\n',
        "",
        [
            "a meeting has exactly one label [rdfs:label]:",
            "  id:meeting/scc/2023-01-11",
            invalid(1, 1, -1),
        ],
    ),
    "a series that is a place": (
        "akg:series id:mechanism\\/scc ;",
        "akg:series id:place\\/tokyo ;",
        [
            "a meeting has the series that a document reporting it names:",
            f"  {MEETING}",
            "a meeting's series is one mechanism [akg:series]:",
            f"  {MEETING} value id:place/tokyo",
            invalid(2, 1, +0),
        ],
    ),
    "a meeting in two places": (
        "akg:heldIn id:place\\/tokyo .",
        "akg:heldIn id:place\\/tokyo , id:state\\/japan .",
        [
            "a meeting is held in at most one place [akg:heldIn]:",
            f"  {MEETING}",
            f"  {MEETING} value id:state/japan",
            invalid(2, 1, +1),
        ],
    ),
    "a participant that is a state": (
        "akg:heldIn id:place\\/tokyo .",
        "akg:heldIn id:place\\/tokyo ;\n        akg:participant id:state\\/japan .",
        [
            "a meeting's participants are persons [akg:participant]:",
            f"  {MEETING} value id:state/japan",
            invalid(1, 1, +1),
        ],
    ),
    "mentioned in a meeting": (
        "akg:mentionedIn id:document\\/doc-a .\n    id:mechanism",
        "akg:mentionedIn id:document\\/doc-a , id:meeting\\/scc\\/2023-01-11 .\n    id:mechanism",
        [
            "an entity is mentioned in documents only [akg:mentionedIn]:",
            f"  {JAPAN} value id:meeting/scc/2023-01-11",
            invalid(1, 1, +1),
        ],
    ),
    "a lineage without its label": (
        '        rdfs:label "Pledge: Japan will build a new command by 2025." ;\n',
        "",
        [
            "a lineage has exactly one label [rdfs:label]:",
            "  id:lineage/doc-a/100-160",
            invalid(1, 1, -1),
        ],
    ),
    "a lineage last stated as text": (
        'akg:lastStated "2023-01-11"^^xsd:date',
        'akg:lastStated "2023-01-11"',
        [
            "a lineage is first stated on one xsd:date, not after it was last stated "
            "[akg:firstStated]:",
            f'  {LINEAGE} value "2023-01-11"^^xsd:date',
            "a lineage is last stated on one xsd:date [akg:lastStated]:",
            f'  {LINEAGE} value "2023-01-11"',
            invalid(2, 1, +0),
        ],
    ),
    "a conflict without its label": (
        '        rdfs:label "doc-a.txt: place Osaka (resolved: Tokyo)" ;\n',
        "",
        [
            "a conflict has exactly one label [rdfs:label]:",
            "  id:conflict/doc-a/place",
            invalid(1, 1, -1),
        ],
    ),
    "a conflict without its resolved value": (
        '        akg:resolvedValue "Tokyo" ;\n',
        "",
        [
            "a conflict has exactly one resolved value [akg:resolvedValue]:",
            f"  {CONFLICT}",
            invalid(1, 1, -1),
        ],
    ),
    "a conflict with a negative count": (
        "akg:restatedCount 0 ;",
        "akg:restatedCount -1 ;",
        [
            "a conflict has exactly one restated count, an integer of at least 0 "
            "[akg:restatedCount]:",
            f"  {CONFLICT} value -1",
            invalid(1, 1, +0),
        ],
    ),
    "a conflict without its evidence": (
        ' ;\n        akg:evidence "1 other report(s) of the meeting" .',
        " .",
        [
            "a conflict has exactly one evidence text [akg:evidence]:",
            f"  {CONFLICT}",
            invalid(1, 1, -1),
        ],
    ),
}


def test_the_contract_graph_is_valid(tmp_path: Path) -> None:
    contract_store(tmp_path / "s")
    result = akg(tmp_path / "s", "validate")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Valid: {TRIPLES} triples keep the graph's contract ({CHECKED.format(entities=3)}).\n"
    )


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_each_broken_rule_is_reported(tmp_path: Path, case: str, engine: str) -> None:
    old, new, lines = CASES[case]
    assert CONTRACT_TRIG.count(old) == 1, old
    contract_store(tmp_path / "s", CONTRACT_TRIG.replace(old, new))
    result = akg(tmp_path / "s", "validate", "--engine", engine)
    assert result.exit_code == 1
    assert result.output.splitlines() == lines


def test_an_ill_typed_literal_is_reported_not_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # rdflib logs a warning with a traceback for each literal it cannot convert; in a terminal
    # that would print a traceback before the report.
    old, new, lines = CASES["an ill-typed date"]
    contract_store(tmp_path / "s", CONTRACT_TRIG.replace(old, new))
    with caplog.at_level(logging.WARNING):
        result = akg(tmp_path / "s", "validate")
    assert result.output.splitlines() == lines
    assert [r.getMessage() for r in caplog.records if r.name.startswith("rdflib")] == []


def test_an_ill_formed_first_day_of_a_lineage_is_reported(tmp_path: Path) -> None:
    # pySHACL fails comparing it with the last day (a TypeError): before the queries, the
    # command printed a traceback.
    trig = CONTRACT_TRIG.replace('akg:firstStated "2023-01-11"', 'akg:firstStated "2023-13-45"')
    contract_store(tmp_path / "s", trig)
    result = akg(tmp_path / "s", "validate")
    assert result.exit_code == 1
    value = f'  {LINEAGE} value "2023-13-45"^^xsd:date'
    assert result.output.splitlines() == [
        "a lineage is first stated on one xsd:date, not after it was last stated "
        "[akg:firstStated]:",
        value,  # not an xsd:date
        value,  # not comparable with the last day
        invalid(2, 1, +0),
    ]
    by_pyshacl = akg(tmp_path / "s", "validate", "--engine", "pyshacl")
    assert by_pyshacl.exit_code == 1
    assert by_pyshacl.output == (
        "Error: pySHACL could not check the graph (TypeError: '<=' not supported between "
        "instances of 'Literal' and 'Literal'); the queries of `akg validate --engine sparql` "
        "can, unless the shapes use what they leave to pySHACL\n"
    )


def test_labels_are_printed_safe_for_a_terminal(tmp_path: Path) -> None:
    trig = CONTRACT_TRIG.replace(
        'rdfs:label "Pledge by Japan"', 'rdfs:label "Pledge\\u001b]0;x\\u0007"'
    )
    contract_store(tmp_path / "s", trig.replace("        akg:madeBy id:state\\/japan ;\n", ""))
    result = akg(tmp_path / "s", "validate")
    assert result.output.splitlines()[1] == (
        '  id:commitment/doc-a/100-160 "Pledge\\u001b]0;x\\u0007"'
    )
    assert "\x1b" not in result.output


@pytest.mark.parametrize("folder", [None, "unseen", "series"])
def test_the_graphs_the_tool_builds_are_valid(tmp_path: Path, folder: str | None) -> None:
    paths = [] if folder is None else [str(DATA / folder)]
    built = akg(tmp_path / "s", "build", *paths)
    assert built.exit_code == 0, built.output
    # The build's own one-line check, then the command's.
    assert built.output.splitlines()[-1].startswith("Valid: ")
    result = akg(tmp_path / "s", "validate")
    assert result.exit_code == 0, result.output
    assert result.output == built.output.splitlines()[-1] + "\n"


def test_the_api_returns_the_violations(tmp_path: Path) -> None:
    contract_store(
        tmp_path / "s", CONTRACT_TRIG.replace('akg:deadlineKind "by"', 'akg:deadlineKind "until"')
    )
    kg = alliance_kg.open(tmp_path / "s")
    checked = kg.validate()
    assert not checked.conforms
    assert [(v.node, v.path, v.value) for v in checked.violations] == [
        (DEADLINE, "akg:deadlineKind", '"until"')
    ]
    assert checked.counts == {
        "document": 1,
        "commitment": 1,
        "entity": 3,
        "meeting": 1,
        "lineage": 1,
        "conflict": 1,
    }
    # Over the size a build checks, nothing is read and the summary says so.
    skipped = kg.validate(max_triples=TRIPLES - 1)
    assert skipped.skipped and skipped.conforms
    assert skipped.summary() == (
        f"Not validated after the build: {TRIPLES} triples is more than a build checks; "
        "run `akg validate`."
    )


def test_the_command_offers_the_library_s_engines() -> None:
    # The command writes the engines out rather than import them (rdflib at start-up).
    from alliance_kg.cli.checks import ENGINES as offered
    from alliance_kg.graph.validate import ENGINES

    assert offered == ENGINES


def test_an_unknown_engine_is_refused(tmp_path: Path) -> None:
    contract_store(tmp_path / "s")
    result = akg(tmp_path / "s", "validate", "--engine", "jena")
    assert result.exit_code == 2
    assert "Invalid value for '--engine': 'jena' is not one of 'sparql', 'pyshacl'." in (
        result.output
    )
    with pytest.raises(AkgError, match="unknown validation engine 'jena'; use one of sparql, "):
        alliance_kg.open(tmp_path / "s").validate(engine="jena")


def test_validate_needs_a_store(tmp_path: Path) -> None:
    result = akg(tmp_path / "none", "validate")
    assert result.exit_code == 1
    assert result.output == f"Error: no store at {tmp_path / 'none'}; run `akg build` first\n"


def test_the_shapes_name_only_terms_of_the_ontology() -> None:
    # A misspelt property in a shape would check nothing and never fail.
    shapes = Graph().parse(shapes_path(), format="turtle")
    used = {
        str(term)[len(str(AKG)) :]
        for triple in shapes
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(str(AKG))
    }
    defined = {
        str(s)[len(str(AKG)) :]
        for s in load_ontology().subjects()
        if isinstance(s, URIRef) and str(s).startswith(str(AKG))
    }
    assert used and used <= defined, used - defined
