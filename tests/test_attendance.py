"""``attendance`` gives each participant the office and the State that the meeting's own reports
state, not every office the person held in any document of the store."""

from __future__ import annotations

from pathlib import Path

from clirunner import akg

#: Two meetings of one series, two years apart, at which Jane Roe and Ken Sato swap offices.
#: Only the second report names their State: the first meeting shows it too (a report that
#: names no State for a participant gives way to the other reports), where the Secretaries,
#: whose States no report names, show none.
REPORTS = {
    "scc-2019.txt": (
        "2019-04-19",
        "Secretary of State Mike Pompeo met Defence Minister Jane Roe and Foreign Minister "
        "Ken Sato in Washington for the U.S.-Japan Security Consultative Committee.",
    ),
    "scc-2021.txt": (
        "2021-03-16",
        "Secretary of Defense Lloyd Austin met Japanese Foreign Minister Jane Roe and "
        "Defence Minister Ken Sato in Tokyo for the U.S.-Japan Security Consultative Committee.",
    ),
}


def _attendance(folder: Path, reports: dict[str, tuple[str, str]]) -> list[str]:
    """The rows of ``attendance`` (CSV lines) on a build of ``reports``: name -> (meeting
    date, the sentence naming who met)."""
    corpus = folder / "in"
    corpus.mkdir()
    for name, (day, text) in reports.items():
        front = f"---\ntitle: Security Consultative Committee\nmeeting_date: {day}\n---\n"
        body = "The Ministers reaffirmed the importance of the Alliance for regional peace."
        (corpus / name).write_text(f"{front}{text}\n\n{body}\n", encoding="utf-8")
    assert akg(folder / "store", "build", str(corpus)).exit_code == 0
    result = akg(folder / "store", "query", "-n", "attendance", "--format", "csv")
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


MEETING = {
    "2019": '2019-04-19,"Security Consultative Committee, 2019-04-19"',
    "2021": '2021-03-16,"Security Consultative Committee, 2021-03-16"',
}


def test_each_meeting_shows_the_office_its_reports_give(tmp_path: Path) -> None:
    assert _attendance(tmp_path, REPORTS) == [
        "date,meeting,person,office,state",
        f"{MEETING['2019']},Mike Pompeo,Secretary of State,",
        f"{MEETING['2019']},Jane Roe,Defence Minister,Japan",
        f"{MEETING['2019']},Ken Sato,Foreign Minister,Japan",
        f"{MEETING['2021']},Lloyd Austin,Secretary of Defense,",
        f"{MEETING['2021']},Jane Roe,Foreign Minister,Japan",
        f"{MEETING['2021']},Ken Sato,Defence Minister,Japan",
    ]


def test_an_office_no_report_of_the_meeting_names_comes_from_the_others(tmp_path: Path) -> None:
    # The second report names Jane Roe without a title ("Ms."): she is shown in the office
    # the first gives her.
    reports = {
        "scc-2019.txt": (
            "2019-04-19",
            "Secretary of State Mike Pompeo met Defence Minister Jane Roe in Washington for the "
            "U.S.-Japan Security Consultative Committee.",
        ),
        "scc-2021.txt": (
            "2021-03-16",
            "Secretary of Defense Lloyd Austin met Ms. Jane Roe in Tokyo for the U.S.-Japan "
            "Security Consultative Committee.",
        ),
    }
    assert _attendance(tmp_path, reports) == [
        "date,meeting,person,office,state",
        f"{MEETING['2019']},Jane Roe,Defence Minister,",
        f"{MEETING['2019']},Mike Pompeo,Secretary of State,",
        f"{MEETING['2021']},Jane Roe,Defence Minister,",
        f"{MEETING['2021']},Lloyd Austin,Secretary of Defense,",
    ]


def test_people_the_vocabulary_knows_are_shown_in_the_office_of_that_day(tmp_path: Path) -> None:
    # The vocabulary holds Kono as Minister of Defense and Iwaya as Minister for Foreign
    # Affairs, their last offices; in April 2019 each held the other portfolio. (No report
    # names their State.)
    reports = {
        "scc-2019.txt": (
            "2019-04-19",
            "Secretary of State Mike Pompeo met Foreign Minister Taro Kono and Defense Minister "
            "Takeshi Iwaya in Washington for the U.S.-Japan Security Consultative Committee.",
        ),
        "scc-2021.txt": (
            "2021-03-16",
            "Secretary of Defense Lloyd Austin met Mr. Taro Kono and Foreign Minister Takeshi "
            "Iwaya in Tokyo for the U.S.-Japan Security Consultative Committee.",
        ),
    }
    assert _attendance(tmp_path, reports) == [
        "date,meeting,person,office,state",
        f"{MEETING['2019']},Iwaya Takeshi,Defense Minister,",
        f"{MEETING['2019']},Kono Taro,Foreign Minister,",
        f"{MEETING['2019']},Mike Pompeo,Secretary of State,",
        f"{MEETING['2021']},Iwaya Takeshi,Minister for Foreign Affairs,",
        f"{MEETING['2021']},Kono Taro,Minister of Defense,",
        f"{MEETING['2021']},Lloyd Austin,Secretary of Defense,",
    ]
