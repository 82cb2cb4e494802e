"""Sentence segmentation, furniture, headings and list items on statement-like text."""

from alliance_kg.loaders.dates import find_dates
from alliance_kg.loaders.sentences import blank_spans, classify_lines, furniture_spans, segment


def _texts(text: str) -> list[str]:
    return [s.text for s in segment(text)[0]]


def test_us_abbreviation_does_not_end_a_sentence() -> None:
    text = (
        "Japan and the U.S. reaffirmed Article V of the Japan-U.S. Security Treaty. "
        "They welcomed U.S. MQ-9 deployments to Washington, D.C. The Ministers agreed."
    )
    assert _texts(text) == [
        "Japan and the U.S. reaffirmed Article V of the Japan-U.S. Security Treaty.",
        "They welcomed U.S. MQ-9 deployments to Washington, D.C.",
        "The Ministers agreed.",
    ]


def test_sentence_broken_by_blank_line_and_page_break_is_joined() -> None:
    text = (
        "(1) Japan and the U.S. condemned coercion of\n\ncountries and co-\n\nproduction limits.\n"
    )
    sentences, _ = segment(text)
    assert [s.text for s in sentences] == [
        "Japan and the U.S. condemned coercion of countries and co- production limits."
    ]
    assert sentences[0].start == 4
    assert text[sentences[0].end - 1] == "."


def test_headings_bullets_and_lead_in() -> None:
    text = (
        "OPTIMIZE ALLIANCE POSTURE\n"
        "A Crucial Partnership\n"
        "The two countries agreed to:\n"
        "- Enhance Planning: Improve coordination.\n"
        "- ▶ Optimize Posture: Reorganize units. This is analysis.\n"
        "Afterwards they left.\n"
    )
    sentences, lines = segment(text)
    assert [ln.kind for ln in lines[:2]] == ["heading", "heading"]
    assert [s.text for s in sentences] == [
        "The two countries agreed to:",
        "Enhance Planning: Improve coordination.",
        "Optimize Posture: Reorganize units.",
        "This is analysis.",
        "Afterwards they left.",
    ]
    lead = sentences[0]
    assert sentences[1].lead_in == lead and sentences[2].lead_in == lead
    assert sentences[3].lead_in is None and sentences[4].lead_in is None


def test_numbered_paragraphs_do_not_complete_a_lead_in() -> None:
    sentences, _ = segment("The Ministers decided:\n(1) Japan will act.\n(2) They agreed.\n")
    assert [s.lead_in for s in sentences[1:]] == [None, None]


def test_furniture_lines_and_trailing_site_boilerplate() -> None:
    text = (
        "Title of the story\n\n"
        "47\n"
        "Antony J. Blinken | United States Secretary of State\n"
        "The Ministers welcomed the plan.\n"
        "Two ministers met in Liverpool. (Image Credit: AFP)\n"
        "The Ministers welcomed the plan.\n"
        "They also condemned the launch.\n"
        "Related Articles\n"
        "Our institute writes reports for officials.\n"
        "Leave a comment\n"
    )
    _, lines = segment(text)
    furniture = [text[ln.start : ln.end] for ln in lines if ln.kind == "furniture"]
    assert furniture == [
        "47",
        "Antony J. Blinken | United States Secretary of State",
        "Two ministers met in Liverpool. (Image Credit: AFP)",
        "The Ministers welcomed the plan.",
        "Related Articles",
        "Our institute writes reports for officials.",
        "Leave a comment",
    ]
    assert _texts(text) == ["The Ministers welcomed the plan.", "They also condemned the launch."]


def test_blanking_keeps_offsets() -> None:
    text = "Keep this.\nMore News\nAnd this.\n"
    lines = classify_lines(text)
    blanked = blank_spans(text, furniture_spans(lines))
    assert len(blanked) == len(text)
    assert blanked == "Keep this.\n         \nAnd this.\n"


def test_quotes_split_inside_and_after() -> None:
    text = "Austin said, “We know it. It remains strong,” Secretary Austin added."
    assert _texts(text) == [
        "Austin said, “We know it.",
        "It remains strong,” Secretary Austin added.",
    ]


def test_dates_in_written_forms() -> None:
    text = "On January 6-7, 2022 and on July 28, then Mar 16, 2023 and 11 January 2023."
    found = [(d.iso(2024), d.iso_start(2024)) for d in find_dates(text)]
    assert found == [
        ("2022-01-07", "2022-01-06"),
        ("2024-07-28", None),
        ("2023-03-16", None),
        ("2023-01-11", None),
    ]
