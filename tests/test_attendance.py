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


def test_each_meeting_shows_the_office_its_reports_give(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    for name, (day, text) in REPORTS.items():
        front = f"---\ntitle: Security Consultative Committee\nmeeting_date: {day}\n---\n"
        body = "The Ministers reaffirmed the importance of the Alliance for regional peace."
        (corpus / name).write_text(f"{front}{text}\n\n{body}\n", encoding="utf-8")
    assert akg(tmp_path / "store", "build", str(corpus)).exit_code == 0
    result = akg(tmp_path / "store", "query", "-n", "attendance", "--format", "csv")
    assert result.exit_code == 0, result.output
    meeting = {
        "2019": '2019-04-19,"Security Consultative Committee, 2019-04-19"',
        "2021": '2021-03-16,"Security Consultative Committee, 2021-03-16"',
    }
    assert result.output.splitlines() == [
        "date,meeting,person,office,state",
        f"{meeting['2019']},Mike Pompeo,Secretary of State,",
        f"{meeting['2019']},Jane Roe,Defence Minister,Japan",
        f"{meeting['2019']},Ken Sato,Foreign Minister,Japan",
        f"{meeting['2021']},Lloyd Austin,Secretary of Defense,",
        f"{meeting['2021']},Jane Roe,Foreign Minister,Japan",
        f"{meeting['2021']},Ken Sato,Defence Minister,Japan",
    ]
