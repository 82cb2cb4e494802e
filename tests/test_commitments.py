"""Commitment detection, types, parties, concerns and deadlines on made-up statements."""

import re

from alliance_kg.loaders.commitments import Context, extract_commitments
from alliance_kg.loaders.model import Entity, Mention
from alliance_kg.loaders.sentences import segment

ENTITIES = {
    "state/australia": Entity("state/australia", "State", "Australia"),
    "state/philippines": Entity("state/philippines", "State", "Philippines"),
    "state/china": Entity("state/china", "State", "People's Republic of China", frozenset({"PRC"})),
    "place/south-china-sea": Entity("place/south-china-sea", "Place", "South China Sea"),
    "person/richard-marles": Entity(
        "person/richard-marles", "Person", "Richard Marles", represents="state/australia"
    ),
    "unit/littoral-regiment": Entity("unit/littoral-regiment", "Unit", "Littoral Regiment"),
    "mechanism/ausmin": Entity("mechanism/ausmin", "Mechanism", "AUSMIN"),
}
FORMS = {
    "Australia": "state/australia",
    "the Philippines": "state/philippines",
    "PRC": "state/china",
    "South China Sea": "place/south-china-sea",
    "Minister Marles": "person/richard-marles",
    "Littoral Regiment": "unit/littoral-regiment",
    "AUSMIN": "mechanism/ausmin",
}


def _run(text: str):  # type: ignore[no-untyped-def]
    mentions = sorted(
        (
            Mention(m.start(), m.end(), form, key)
            for form, key in FORMS.items()
            for m in re.finditer(re.escape(form), text)
        ),
        key=lambda m: m.start,
    )
    states = [m for m in mentions if ENTITIES[m.entity].type == "State"]
    context = Context(
        entities=ENTITIES,
        mentions=mentions,
        state_mentions=states,
        meeting_states=["state/australia", "state/philippines"],
        meeting_series="mechanism/ausmin",
    )
    sentences, _ = segment(text)
    return extract_commitments(text, sentences, context)


def test_types_parties_and_concerns() -> None:
    text = (
        "The Ministers strongly condemned the PRC's dangerous actions in the South China Sea "
        "and reaffirmed their commitment to the rule of law. "
        "Australia welcomed the establishment of a Littoral Regiment by 2027. "
        "The meeting was held in a warm atmosphere. "
        "These steps aim to boost deterrence."
    )
    found = _run(text)
    assert [(c.types, c.parties, c.concerns, c.deadline) for c in found] == [
        (
            ["Opposition", "Reaffirmation"],
            ["state/australia", "state/philippines"],
            ["state/china", "place/south-china-sea"],
            None,
        ),
        (["Endorsement"], ["state/australia"], ["unit/littoral-regiment"], "2027"),
    ]


def test_person_subject_resolves_to_their_state_and_support_for_is_not_a_party() -> None:
    text = (
        "Minister Marles announced new patrols. "
        "The support for the Philippines highlights the global dimension of the partnership."
    )
    found = _run(text)
    assert [(c.sentence.text, c.types, c.parties) for c in found] == [
        ("Minister Marles announced new patrols.", ["Announcement"], ["state/australia"])
    ]


def test_list_items_complete_the_lead_in() -> None:
    text = (
        "To deepen cooperation, Australia and the Philippines agreed to:\n"
        "- Expand Exercises: Hold larger drills near the South China Sea.\n"
        "- Support Partners: Supporting regional states and condemning coercion.\n"
    )
    found = _run(text)
    assert [(c.sentence.text, c.types, c.parties) for c in found] == [
        (
            "To deepen cooperation, Australia and the Philippines agreed to:",
            ["Pledge"],
            ["state/australia", "state/philippines"],
        ),
        (
            "Expand Exercises: Hold larger drills near the South China Sea.",
            ["Pledge"],
            ["state/australia", "state/philippines"],
        ),
        (
            "Support Partners: Supporting regional states and condemning coercion.",
            ["Endorsement", "Opposition"],
            ["state/australia", "state/philippines"],
        ),
    ]
    assert found[1].concerns == ["place/south-china-sea"]


def test_series_as_subject_and_deadline_forms() -> None:
    text = (
        "AUSMIN reaffirmed the importance of the alliance. "
        "Both sides decided to rotate forces beginning in 2026. "
        "They will complete the facility by the end of FY2028."
    )
    found = _run(text)
    assert [(c.types, c.parties, c.deadline) for c in found] == [
        (["Reaffirmation"], ["state/australia", "state/philippines"], None),
        (["Pledge"], ["state/australia", "state/philippines"], "2026"),
        (["Pledge"], ["state/australia", "state/philippines"], "2028"),
    ]


def test_each_deadline_has_its_kind_and_its_own_clause() -> None:
    text = (
        "Both sides decided to station a Littoral Regiment by 2025, to begin joint patrols "
        "starting in 2026; and to finish the new port by March 31, 2028."
    )
    found = _run(text)
    assert [(d.date, d.kind, d.clause) for d in found[0].deadlines] == [
        ("2025", "by", "Both sides decided to station a Littoral Regiment by 2025"),
        ("2026", "start", "to begin joint patrols starting in 2026"),
        ("2028-03-31", "by", "and to finish the new port by March 31, 2028"),
    ]
    assert [text[d.start : d.end] for d in found[0].deadlines] == [
        "Both sides decided to station a Littoral Regiment by 2025",
        "to begin joint patrols starting in 2026",
        "and to finish the new port by March 31, 2028",
    ]


def test_a_view_that_something_hostile_is_so_is_opposition() -> None:
    text = (
        "Australia highlighted that the PRC employs coercion in the South China Sea. "
        "The Ministers concurred that such actions are destabilizing. "
        "Australia highlighted that it opened a Littoral Regiment. "
        "The Ministers highlighted the importance of AUSMIN."
    )
    assert [c.types for c in _run(text)] == [
        ["Opposition"],
        ["Opposition", "Pledge"],
        ["Announcement"],
        ["Reaffirmation"],
    ]


def test_he_speaks_for_the_person_named_before() -> None:
    text = (
        "Minister Marles opened the talks. "
        "He stated that he intends to expand the Littoral Regiment."
    )
    assert [(c.types, c.parties) for c in _run(text)] == [(["Pledge"], ["state/australia"])]


def test_a_verb_inside_a_relative_clause_does_not_make_a_commitment() -> None:
    text = (
        "It came a day before AUSMIN, which Minister Marles will host in Perth. "
        "The Ministers, who met in Perth, reaffirmed AUSMIN."
    )
    assert [(c.sentence.text[:12], c.types) for c in _run(text)] == [
        ("The Minister", ["Reaffirmation"])
    ]


def test_verbs_of_news_reports_make_commitments() -> None:
    text = (
        "The allies are also pressing the PRC to halt the militarisation of the South China Sea. "
        "Australia and the Philippines want the PRC to respect the award. "
        "The Ministers were also concerned about activity in the South China Sea. "
        "Both sides are ready to join with all nations in strengthening the regional order. "
        "The two countries are working together with AUSMIN partners. "
        "They expressed support for the right of claimants to fish lawfully. "
        "They noted that the award is final and binding. "
        "Australia took note of the resolution. "
        "Minister Marles said the talks had endorsed major initiatives."
    )
    assert [(c.types, c.parties) for c in _run(text)] == [
        (["Request"], ["state/australia", "state/philippines"]),
        (["Request"], ["state/australia", "state/philippines"]),
        (["Opposition"], ["state/australia", "state/philippines"]),
        (["Pledge"], ["state/australia", "state/philippines"]),
        (["Pledge"], ["state/australia", "state/philippines"]),
        (["Endorsement"], ["state/australia", "state/philippines"]),
        (["Reaffirmation"], ["state/australia", "state/philippines"]),
        (["Endorsement"], ["state/australia"]),
        (["Endorsement"], ["state/australia"]),
    ]


def test_with_no_meeting_a_collective_subject_takes_the_states_last_named() -> None:
    text = (
        "The talks were useful. "
        "They reaffirmed the alliance. "
        "Australia and the Philippines welcomed the new patrols. "
        "The two allies also stressed their support for the rule of law."
    )
    mentions = sorted(
        (
            Mention(m.start(), m.end(), form, key)
            for form, key in FORMS.items()
            for m in re.finditer(re.escape(form), text)
        ),
        key=lambda m: m.start,
    )
    states = [m for m in mentions if ENTITIES[m.entity].type == "State"]
    context = Context(ENTITIES, mentions, states, meeting_states=[], meeting_series=None)
    found = extract_commitments(text, segment(text)[0], context)
    assert [(c.sentence.text[:20], c.parties) for c in found] == [
        ("Australia and the Ph", ["state/australia", "state/philippines"]),
        ("The two allies also ", ["state/australia", "state/philippines"]),
    ]
