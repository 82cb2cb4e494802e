"""The corpus-level stage (graph/links): meetings resolved across documents, conflicts,
lineages, deadline statuses, entities across documents, and `akg timeline`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import Result
from clirunner import akg

from alliance_kg.loaders.readers import sample_corpus_dir

DATA = Path(__file__).parent / "data" / "links"
SHARED_GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"
SERIES = Path(__file__).parent / "data" / "series"
HEADER = "date,meeting,types,parties,deadline,kind,status,first_stated,times_stated,quote,file"
SCC_2023 = '2023-01-11,"Security Consultative Committee, 2023-01-11"'
SCC_2024 = '2024-07-28,"Security Consultative Committee, 2024-07-28"'
MLR = (
    f'{SCC_2023},Announcement,"Japan, United States",2025,by,{{status}},2023-01-11,1,'
    '"They announced a significant upgrade to U.S. force posture in Japan, including the '
    "stationing of a Marine Littoral Regiment (MLR) by 2025—a new unit formation with advanced "
    "intelligence, surveillance, and reconnaissance, anti-ship, and transportation "
    'capabilities.",001_cb6815964ed6d868.txt'
)
MLR_12TH = (
    f'{SCC_2023},Pledge,"Japan, United States",,,,2023-01-11,1,"Optimize Force Posture: '
    "Reorganize military units, including transforming the 12th Artillery Regiment into the "
    '12th Marine Littoral Regiment.",003_08693ad3b646b5d1.txt'
)
FRF_2023 = (
    f'{SCC_2023},Reaffirmation,"Japan, United States",,,,2023-01-11,2,"They reconfirmed their '
    "commitment to the basic tenets of the 2012 Realignment Plan, including the continued "
    'construction of the Futenma Replacement Facility.",001_cb6815964ed6d868.txt'
)
FRF_2024 = (
    f'{SCC_2024},Reaffirmation,"Japan, United States",,,,2023-01-11,2,Japan and the U.S '
    "underlined the importance of accelerating bilateral work toward the total return of Marine "
    "Corps Air Station (MCAS) Futenma as early as practicable including the construction of the "
    "Futenma Replacement Facility at Henoko.,002_1fde0741a9a93315.txt"
)


def csv_lines(result: Result) -> list[str]:
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode().splitlines()


#: Each document's file and the date of the meeting it reports.
REPORTED_DATES = (
    "SELECT ?file ?date WHERE { ?d akg:sourceFile ?file ; akg:reports/dct:date ?date } "
    "ORDER BY ?file"
)


def sparql_csv(store: Path, sparql: str) -> list[str]:
    """The CSV lines ``akg query --format csv`` prints for ``sparql``."""
    return csv_lines(akg(store, "query", "--format", "csv", sparql))


@pytest.fixture(scope="module")
def corpus(corpus_store: Path) -> Path:
    return corpus_store


@pytest.mark.parametrize(
    ("entity", "as_of", "rows"),
    [
        ("Marine Littoral Regiment", "2024-01-01", [MLR.format(status="pending"), MLR_12TH]),
        ("marine littoral regiment", "2026-11-26", [MLR.format(status="passed"), MLR_12TH]),
        ("Futenma Replacement Facility", "2024-01-01", [FRF_2023]),
        ("Futenma Replacement Facility", "2026-11-26", [FRF_2023, FRF_2024]),
    ],
)
def test_timeline_of_an_entity_and_the_entities_under_it(
    corpus: Path, entity: str, as_of: str, rows: list[str]
) -> None:
    result = akg(corpus, "timeline", entity, "--as-of", as_of, "--format", "csv")
    assert csv_lines(result) == [HEADER, *rows]


def test_timeline_table_and_json(corpus: Path) -> None:
    table = akg(corpus, "timeline", "Futenma Replacement Facility", "--as-of", "2024-01-01")
    assert table.exit_code == 0
    assert table.output.splitlines()[-1] == "1 row"
    data = json.loads(akg(corpus, "timeline", "--as-of", "2026-11-26", "--format", "json").output)
    dates = [b["date"]["value"] for b in data["results"]["bindings"]]
    assert len(dates) == 106 and dates == sorted(dates)


def test_timeline_is_bounded_as_a_query_is(corpus: Path) -> None:
    # The whole timeline of a large store is more rows than the default limit: --limit raises
    # it (106 rows here), and fewer rows than a result holds are an error.
    every = akg(corpus, "timeline", "--as-of", "2026-11-26", "--format", "csv", "--limit", "106")
    assert every.exit_code == 0 and len(csv_lines(every)) == 107
    over = akg(corpus, "timeline", "--as-of", "2026-11-26", "--limit", "105")
    assert (over.exit_code, over.output.strip()) == (
        1,
        "Error: the query gives more than 105 rows (--limit 105); narrow it, add LIMIT, or "
        "raise --limit",
    )
    slow = akg(corpus, "timeline", "--timeout", "0.000001")
    assert slow.exit_code == 1 and slow.output.startswith("Error: the query was stopped after")


def test_an_unknown_entity_gets_the_closest_names(corpus: Path) -> None:
    result = akg(corpus, "timeline", "Korea")
    assert (result.exit_code, result.output.strip()) == (
        1,
        "Error: no entity is named 'Korea'; the closest: North Korea, Republic of Korea",
    )


def test_named_instance_is_narrower_than_its_kind(corpus: Path) -> None:
    result = sparql_csv(
        corpus,
        "SELECT ?narrow ?broad WHERE { ?n skos:broader ?b . ?n skos:prefLabel ?narrow . "
        "?b skos:prefLabel ?broad }",
    )
    assert result == [
        "narrow,broad",
        "12th Marine Littoral Regiment,Marine Littoral Regiment",
    ]


def test_every_document_reports_one_resolved_meeting(corpus: Path) -> None:
    result = sparql_csv(
        corpus,
        "SELECT ?file (COUNT(DISTINCT ?m) AS ?meetings) (SAMPLE(?date) AS ?on) "
        "(COUNT(DISTINCT ?c) AS ?commitments) (COUNT(DISTINCT ?cm) AS ?at) WHERE { "
        "?d akg:sourceFile ?file ; akg:reports ?m . ?m dct:date ?date . "
        "?c akg:statedIn ?d . OPTIONAL { ?c akg:atMeeting ?cm } } GROUP BY ?file ORDER BY ?file",
    )
    assert result == [
        "file,meetings,on,commitments,at",
        "000_45bebea0770f1da9.txt,1,2023-01-11,15,1",
        "001_cb6815964ed6d868.txt,1,2023-01-11,17,1",
        "002_1fde0741a9a93315.txt,1,2024-07-28,39,1",
        "003_08693ad3b646b5d1.txt,1,2023-01-11,22,1",
        "004_e85f492dbc556822.txt,1,2022-01-07,13,1",
    ]
    # What 003 itself states stays in its own graph.
    stated = sparql_csv(
        corpus,
        'SELECT ?date WHERE { GRAPH ?g { ?d akg:sourceFile "003_08693ad3b646b5d1.txt" ; '
        "akg:statedDate ?date } }",
    )
    assert stated == ["date", "2024-01-11"]


def test_build_warns_once_about_each_new_conflict(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = akg(store, "build")
    warning = (
        "Warning: 003_08693ad3b646b5d1.txt states date 2024-01-11; it reports Security "
        "Consultative Committee, 2023-01-11 (date 2023-01-11). See akg query -n conflicts."
    )
    assert [line for line in first.output.splitlines() if line.startswith("Warning")] == [warning]
    again = akg(store, "build")
    assert "Warning" not in again.output


def test_user_meeting_date_and_place_win(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    shutil.copytree(sample_corpus_dir(), folder)
    sidecar = folder / "003_08693ad3b646b5d1.meta.json"
    meta = json.loads(sidecar.read_text()) if sidecar.exists() else {}
    sidecar.write_text(json.dumps({**meta, "meeting_date": "2024-01-11"}))
    sidecar = folder / "001_cb6815964ed6d868.meta.json"
    meta = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**meta, "meeting_date": "2023-01-11", "meeting_place": "Tokyo"}))
    store = tmp_path / "store"
    result = akg(store, "build", str(folder))
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.output
    meetings = akg(store, "query", "-n", "meetings", "--format", "csv")
    assert [line.split(",")[0:3] for line in csv_lines(meetings)[1:]] == [
        ['"Security Consultative Committee', ' 2022-01-07"', "2022-01-07"],
        ['"Security Consultative Committee', ' 2023-01-11"', "2023-01-11"],
        ['"Security Consultative Committee', ' 2024-01-11"', "2024-01-11"],
        ['"Security Consultative Committee', ' 2024-07-28"', "2024-07-28"],
    ]
    # 001 says Tokyo, 000 says Washington: one each, so no place wins over the other and
    # nothing is flagged; the user's word on 001 is kept in its graph.
    assert csv_lines(akg(store, "query", "-n", "conflicts", "--format", "csv")) == [
        "file,field,stated,resolved,date,meeting,restated,evidence"
    ]
    given = sparql_csv(
        store,
        'SELECT ?date ?place WHERE { ?d akg:sourceFile "001_cb6815964ed6d868.txt" ; '
        "akg:givenDate ?date ; akg:givenPlace/skos:prefLabel ?place }",
    )
    assert given == ["date,place", "2023-01-11,Tokyo"]


def test_a_bad_meeting_date_in_a_sidecar_is_a_clear_error(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("Japan and the United States reaffirmed their alliance.\n")
    (tmp_path / "a.meta.json").write_text('{"meeting_date": "2024"}')
    result = akg(tmp_path / "store", "build", str(doc))
    assert result.exit_code == 1
    assert result.output.strip().endswith("'meeting_date' must be a day (YYYY-MM-DD): '2024'")
    assert not (tmp_path / "store").exists()


DEADLINES = "deadline,kind,status,date,parties,concerns,clause,file"
RADAR_2031 = (
    '2033,by,{status},2031-03-04,"Australia, Philippines",northern Luzon,Australia and the '
    "Philippines agreed to complete the joint coastal radar network in northern Luzon by 2033,"
    "radar-2031.md"
)
RADAR_2032 = (
    '2035,by,{status},2032-03-09,"Australia, Philippines",northern Luzon,Australia and the '
    "Philippines agreed to complete the joint coastal radar network in northern Luzon by 2035,"
    "{file}"
)


@pytest.mark.parametrize(
    ("as_of", "rows"),
    [
        ("2031-06-01", [RADAR_2031.format(status="pending")]),
        (
            "2033-06-01",
            [
                RADAR_2031.format(status="moved to 2035"),
                RADAR_2032.format(status="pending", file="radar-2032-news.md"),
                RADAR_2032.format(status="pending", file="radar-2032.md"),
            ],
        ),
        (
            "2036-01-01",
            [
                RADAR_2031.format(status="moved to 2035"),
                RADAR_2032.format(status="passed", file="radar-2032-news.md"),
                RADAR_2032.format(status="passed", file="radar-2032.md"),
            ],
        ),
    ],
)
def test_a_deadline_moved_by_a_later_meeting(tmp_path: Path, as_of: str, rows: list[str]) -> None:
    store = tmp_path / "store"
    assert akg(store, "build", str(DATA)).exit_code == 0
    result = akg(store, "query", "-n", "deadlines", "--param", f"as_of={as_of}", "--format", "csv")
    assert csv_lines(result) == [DEADLINES, *rows]


def test_an_undated_report_joins_the_one_meeting_its_named_participants_attended(
    tmp_path: Path,
) -> None:
    """The report names who led the talks only further down, in a sentence about the talks
    (no date anywhere): those people are its participants, and the one meeting of the same
    States that both attended is its meeting."""
    texts = {
        "statement-2040.md": "Minister for Defence Richard Marles and Secretary of National "
        "Defense Gilberto Teodoro met in Canberra on May 2, 2040.\n\n"
        "Australia and the Philippines agreed to expand exercises in the Sulu Sea.\n",
        "statement-2041.md": "Minister for Defence Richard Marles and Secretary of Foreign "
        "Affairs Enrique Manalo met in Manila on June 3, 2041.\n\n"
        "Australia and the Philippines agreed to cooperate on disaster relief.\n",
        "news.md": "# Neighbours talk maritime security\n\n"
        "Australia and the Philippines will deepen their maritime cooperation.\n\n"
        "Officials described the exchanges as candid.\n\n"
        "Both capitals have stepped up patrols in recent years.\n\n"
        "Analysts expect more joint exercises.\n\n"
        "The consultations were led by Australian defence minister Richard Marles and "
        "Philippine defence secretary Gilberto Teodoro.\n",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    store = tmp_path / "store"
    assert akg(store, "build", *(str(tmp_path / n) for n in texts)).exit_code == 0
    result = sparql_csv(store, REPORTED_DATES)
    assert result == [
        "file,date",
        "news.md,2040-05-02",
        "statement-2040.md,2040-05-02",
        "statement-2041.md,2041-06-03",
    ]


def test_an_undated_report_joins_a_meeting_loaded_by_an_earlier_build(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert (
        akg(store, "build", str(DATA / "radar-2031.md"), str(DATA / "radar-2032.md")).exit_code == 0
    )
    assert akg(store, "build", str(DATA / "radar-2032-news.md")).exit_code == 0
    result = sparql_csv(store, REPORTED_DATES)
    assert result == [
        "file,date",
        "radar-2031.md,2031-03-04",
        "radar-2032-news.md,2032-03-09",
        "radar-2032.md,2032-03-09",
    ]
    lineage = akg(store, "query", "-n", "lineage", "--param", "words=radar", "--format", "csv")
    assert [line.split(",")[-2:] for line in csv_lines(lineage)[1:]] == [
        ["radar-2031.md", ""],
        ["radar-2032-news.md", "radar-2031.md"],
        ["radar-2032.md", "radar-2031.md"],
    ]


def test_update_reruns_the_stage(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert akg(store, "build").exit_code == 0
    result = akg(
        store,
        "update",
        "DROP GRAPH <https://w3id.org/alliance-kg/id/document/003_08693ad3b646b5d1>",
    )
    assert result.exit_code == 0, result.output
    stats = dict(
        (line[:18].strip(), line[18:].strip()) for line in akg(store, "stats").output.splitlines()
    )
    assert (stats["Documents"], stats["Meetings"], stats["Conflicts"]) == ("4", "3", "0")


@pytest.mark.skipif(not SHARED_GOLD.is_dir(), reason="needs ../shared/gold beside the project")
def test_links_quality_on_the_bundled_corpus(corpus: Path) -> None:
    """The figures of the README's "Across meetings" section (a regression guard)."""
    result = akg(corpus, "evaluate", str(SHARED_GOLD), "--format", "json")
    links = json.loads(result.output)["links"]
    got = {c: (s["tp"], s["fp"], s["fn"]) for c, s in links.items()}
    assert got["meeting pairs"] == (3, 0, 0)
    assert got["meeting date per document"] == (5, 0, 0)
    assert got["conflicts"] == (1, 0, 0)
    assert links["lineage pairs"]["f1"] >= 0.70


def test_links_quality_on_a_series_the_rules_were_not_written_on(tmp_path: Path) -> None:
    """tests/data/series: ten AUSMIN reports 2017-2021 with blind gold (a regression guard)."""
    store = tmp_path / "store"
    assert akg(store, "build", str(SERIES)).exit_code == 0
    links = json.loads(akg(store, "evaluate", str(SERIES), "--format", "json").output)["links"]
    got = {c: (s["tp"], s["fp"], s["fn"]) for c, s in links.items()}
    assert got["meeting pairs"] == (5, 0, 0)
    assert got["meeting date per document"] == (10, 0, 0)
    assert got["conflicts"] == (0, 0, 0)
    assert links["lineage pairs"]["f1"] >= 0.66


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "links.gold.json: invalid JSON at line 1, column 2: Expecting property name"),
        ('{"meetings": {}}', "links.gold.json: meetings: expected a list of objects"),
        ('{"meetings": [{"id": "m"}]}', "links.gold.json: meetings[0]: missing list 'documents'"),
        (
            '{"lineages": [{"label": "x", "members": [{"document": "a.txt"}]}]}',
            "links.gold.json: lineages[0]: 'members' must list document and sentence",
        ),
    ],
)
def test_a_malformed_links_gold_file_is_a_clear_error(
    corpus: Path, tmp_path: Path, text: str, message: str
) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    shutil.copy(SERIES / "ausmin-2017-news.gold.json", gold)
    (gold / "links.gold.json").write_text(text)
    result = akg(corpus, "evaluate", str(gold))
    assert result.exit_code == 1
    assert result.output.strip().startswith(f"Error: {gold}/")
    assert message in result.output


SERIES_TEXT = """---
title: Australia-Japan ministerial meeting
---
Australia and Japan held their ministerial consultations in {place} on {date}.

Australia and Japan resolved to station the 3rd Logistics Regiment in Darwin.
Australia and Japan reaffirmed their commitment to the Reciprocal Access Agreement.
Australia and Japan welcomed the launch of the Maritime Security Dialogue.
Australia and Japan strongly opposed coercive actions in the South China Sea.
"""


@pytest.mark.parametrize(
    ("later", "joined"),
    [
        ("March 4, 2036", False),  # same day and month five years on: a meeting of its own
        ("March 4, 2032", True),  # the year one off: a slip, so one meeting and a conflict
    ],
)
def test_a_lone_report_joins_another_meeting_only_when_its_year_slipped_by_one(
    tmp_path: Path, later: str, joined: bool
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    # Two reports back the 2031 meeting; the third report stands alone on its date.
    for name in ("a.md", "b.md"):
        (folder / name).write_text(SERIES_TEXT.format(place="Canberra", date="March 4, 2031"))
    (folder / "c.md").write_text(SERIES_TEXT.format(place="Canberra", date=later))
    store = tmp_path / "store"
    result = akg(store, "build", str(folder))
    assert result.exit_code == 0, result.output
    meetings = csv_lines(akg(store, "query", "-n", "meetings", "--format", "csv"))
    conflicts = csv_lines(akg(store, "query", "-n", "conflicts", "--format", "csv"))
    assert len(meetings) == (2 if joined else 3)  # with the header line
    assert len(conflicts) == (2 if joined else 1)


def test_two_lone_reports_a_year_apart_on_one_day_stay_two_meetings(tmp_path: Path) -> None:
    """Each restates the other's meeting and is the other's year one off: neither date outvotes
    the other, so neither report joins the other's meeting (both did, and the stage failed)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, date in (("a.md", "March 4, 2031"), ("b.md", "March 4, 2032")):
        (folder / name).write_text(SERIES_TEXT.format(place="Canberra", date=date))
    store = tmp_path / "store"
    result = akg(store, "build", str(folder))
    assert result.exit_code == 0, result.output
    meetings = csv_lines(akg(store, "query", "-n", "meetings", "--format", "csv"))
    assert meetings[1:] == [
        f'"Maritime Security Dialogue, {day}",{day},Canberra,,{name}'
        for day, name in (("2031-03-04", "a.md"), ("2032-03-04", "b.md"))
    ]
    assert csv_lines(akg(store, "query", "-n", "conflicts", "--format", "csv"))[1:] == []
