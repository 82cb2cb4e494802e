"""Entity recognition and the reference vocabulary, on short made-up statements."""

from __future__ import annotations

import time

from rdflib import RDF, SKOS, Graph, URIRef

from alliance_kg.loaders.entities import recognize
from alliance_kg.loaders.gazetteer import gazetteer_files, gazetteer_triples, load_gazetteer
from alliance_kg.ontology import AKG, ENTITY_TYPES, ID


def spans(text: str) -> list[tuple[str, str]]:
    """(surface, entity key) of every mention, in order."""
    _, mentions = recognize(text)
    for m in mentions:
        assert text[m.start : m.end] == m.text
    return [(m.text, m.entity) for m in mentions]


def test_gazetteer_turtle_entries_have_one_type_and_a_label() -> None:
    graph = Graph()
    for path in gazetteer_files():
        graph.parse(path, format="turtle")
    classes = {AKG[name] for name in ENTITY_TYPES}
    subjects = {s for s in graph.subjects(SKOS.prefLabel)}
    assert len(subjects) > 500
    # What the gazetteer is read with (pyoxigraph) finds the same triples as rdflib.
    triples = gazetteer_triples()
    assert sum(len(found) for objects in triples.values() for found in objects.values()) == len(
        graph
    )
    assert {s for s, objects in triples.items() if str(SKOS.prefLabel) in objects} == {
        str(s) for s in subjects
    }
    for subject in subjects:
        types = [t for t in graph.objects(subject, RDF.type) if t in classes]
        assert len(types) == 1, subject
        assert len(list(graph.objects(subject, SKOS.prefLabel))) == 1, subject
    gaz = load_gazetteer()
    assert sum(e.type == "State" for e in gaz.values()) == 195
    assert gaz["state/japan"].wikidata == "Q17"
    assert gaz["state/japan"].demonyms == frozenset({"Japanese"})
    assert gaz["place/tokyo"].wkt == "POINT(139.69 35.69)"
    assert gaz["place/taiwan"].type == "Place"
    hayashi = gaz["person/hayashi-yoshimasa"]
    assert ("Yoshimasa Hayashi" in hayashi.aliases, hayashi.represents) == (True, "state/japan")
    assert URIRef(str(ID) + "state/united-states") in set(graph.subjects())


def test_acronym_defined_in_parentheses_is_reused() -> None:
    text = "They stood up the Coastal Defense Regiment (CDR) in Kyushu. The CDR will train."
    entities, _ = recognize(text)
    assert spans(text) == [
        ("Coastal Defense Regiment", "unit/coastal-defense-regiment"),
        ("CDR", "unit/coastal-defense-regiment"),
        ("Kyushu", "place/kyushu"),
        ("CDR", "unit/coastal-defense-regiment"),
    ]
    assert entities["unit/coastal-defense-regiment"].aliases == frozenset({"CDR"})


def test_numbered_formation_of_a_defined_acronym() -> None:
    text = "A Marine Littoral Regiment (MLR) exists; the 3rd MLR will follow."
    entities, _ = recognize(text)
    assert spans(text)[-1] == ("3rd MLR", "unit/3rd-marine-littoral-regiment")
    assert entities["unit/3rd-marine-littoral-regiment"].label == "3rd Marine Littoral Regiment"


def test_possessive_apostrophes_and_the_us_without_period() -> None:
    text = "China’s coercion and the People's Republic of China's claims worry Japan and the U.S"
    assert spans(text) == [
        ("China", "state/peoples-republic-of-china"),
        ("People's Republic of China", "state/peoples-republic-of-china"),
        ("Japan", "state/japan"),
        ("U.S", "state/united-states"),
    ]


def test_longest_match_wins_and_hyphenated_compounds() -> None:
    text = "The Japan Self-Defense Forces met the Republic of Korea on Russia-North Korea ties."
    assert spans(text) == [
        ("Japan Self-Defense Forces", "organization/japan-self-defense-forces"),
        ("Republic of Korea", "state/republic-of-korea"),
        ("Russia", "state/russia"),
        ("North Korea", "state/north-korea"),
    ]


def test_case_of_acronyms_matters() -> None:
    assert spans("Let us talk about US policy.") == [("US", "state/united-states")]


def test_plurals_and_lowercase_terms() -> None:
    text = "Both National Security Strategies mention counterstrike capabilities."
    entities, _ = recognize(text)
    assert spans(text) == [
        ("National Security Strategies", "agreement/national-security-strategy"),
        ("counterstrike capabilities", "capability/counterstrike-capability"),
    ]
    assert (
        "National Security Strategies" in entities["agreement/national-security-strategy"].aliases
    )


def test_demonyms_name_their_state() -> None:
    text = "Japanese forces trained with the Korean Peninsula in mind."
    assert spans(text) == [
        ("Japanese", "state/japan"),
        ("Korean Peninsula", "place/korean-peninsula"),
    ]


def test_person_by_title_and_family_name_then_bare_family_name() -> None:
    text = "Secretary Austin met Mr. KIHARA Minoru. Austin said Kihara agreed."
    assert spans(text) == [
        ("Secretary Austin", "person/lloyd-austin"),
        ("Mr. KIHARA Minoru", "person/kihara-minoru"),
        ("Austin", "person/lloyd-austin"),
        ("Kihara", "person/kihara-minoru"),
    ]
    # A family name alone does not name a person the text has not introduced.
    assert spans("Austin is a city.") == []


def test_unknown_person_after_an_office_title() -> None:
    text = "Japanese Foreign Minister Taro Yamada met Minister Marles."
    entities, _ = recognize(text)
    person = entities["person/taro-yamada"]
    assert (person.label, person.office, person.represents) == (
        "Taro Yamada",
        "Foreign Minister",
        "state/japan",
    )
    assert entities["person/richard-marles"].represents == "state/australia"


def test_discovered_unit_place_agreement_and_mechanism_names() -> None:
    text = (
        "They welcomed the 7th Coastal Artillery Regiment at Naval Base Kure, "
        "the 2030 Southern Basing Plan, the Memorandum of Understanding on Space, "
        "Test and Evaluation and the inaugural Maritime Security Working Group. "
        "Joint Statement headings such as Fact Sheet and Official Visit are not names."
    )
    assert spans(text) == [
        ("7th Coastal Artillery Regiment", "unit/7th-coastal-artillery-regiment"),
        ("Naval Base Kure", "place/naval-base-kure"),
        ("2030 Southern Basing Plan", "agreement/2030-southern-basing-plan"),
        (
            "Memorandum of Understanding on Space, Test and Evaluation",
            "agreement/memorandum-of-understanding-on-space-test-and-evaluation",
        ),
        ("Maritime Security Working Group", "mechanism/maritime-security-working-group"),
    ]


def test_a_name_that_starts_with_a_place_whose_first_word_is_a_stop_word_keeps_it() -> None:
    # "New" starts no name of its own ("New initiatives ..."), but New Zealand and New Delhi do.
    text = (
        "Joint Statement of the New Zealand-United Kingdom Foreign and Defence Ministerial "
        "Consultations. They adopted the New Delhi Maritime Plan and New Security Dialogue."
    )
    assert spans(text) == [
        (
            "New Zealand-United Kingdom Foreign and Defence Ministerial Consultations",
            "mechanism/new-zealand-united-kingdom-foreign-and-defence-ministerial-consultations",
        ),
        ("New Delhi Maritime Plan", "agreement/new-delhi-maritime-plan"),
        ("Security Dialogue", "mechanism/security-dialogue"),
    ]


def test_article_of_a_known_treaty_and_session_numbers() -> None:
    text = (
        "Article V of the Japan-U.S. Security Treaty was discussed at the 9th "
        "Extended Deterrence Dialogue."
    )
    assert spans(text) == [
        ("Article V", "agreement/article-v"),
        ("Japan-U.S. Security Treaty", "agreement/japan-u-s-security-treaty"),
        ("Extended Deterrence Dialogue", "mechanism/extended-deterrence-dialogue"),
    ]


def test_a_statement_from_another_alliance() -> None:
    text = (
        "Secretary of National Defense Gilberto Teodoro and Secretary of State Blinken met "
        "in Manila. They welcomed exercise Balikatan and new Enhanced Defense Cooperation "
        "Agreement (EDCA) sites in northern Luzon, and condemned the PRC’s conduct at Second "
        "Thomas Shoal. They reaffirmed that the Alliance is ironclad and that Article IV of "
        "the U.S.-Philippines Mutual Defense Treaty covers the Philippine Coast Guard."
    )
    entities, mentions = recognize(text)
    assert [(m.text, m.entity) for m in mentions] == [
        ("Secretary of National Defense Gilberto Teodoro", "person/gilberto-teodoro"),
        ("Secretary of State Blinken", "person/antony-blinken"),
        ("Manila", "place/manila"),
        ("Balikatan", "mechanism/balikatan"),
        (
            "Enhanced Defense Cooperation Agreement",
            "agreement/enhanced-defense-cooperation-agreement",
        ),
        ("EDCA", "agreement/enhanced-defense-cooperation-agreement"),
        ("northern Luzon", "place/northern-luzon"),
        ("PRC", "state/peoples-republic-of-china"),
        ("Second Thomas Shoal", "place/second-thomas-shoal"),
        ("Alliance", "organization/u-s-philippines-alliance"),
        ("Article IV", "agreement/article-iv"),
        (
            "U.S.-Philippines Mutual Defense Treaty",
            "agreement/u-s-philippines-mutual-defense-treaty",
        ),
        ("Philippine Coast Guard", "organization/philippine-coast-guard"),
    ]
    assert entities["place/northern-luzon"].type == "Place"
    assert entities["organization/u-s-philippines-alliance"].label == "U.S.-Philippines Alliance"


def test_two_plus_two_follows_the_mechanism_the_text_names() -> None:
    assert spans("The 2+2 met in Tokyo.")[0] == ("2+2", "mechanism/security-consultative-committee")
    text = "AUSMIN met in Canberra. This 2+2 was the 35th."
    assert spans(text)[-1] == (
        "2+2",
        "mechanism/australia-united-states-ministerial-consultations",
    )


def test_recognition_is_fast_and_deterministic() -> None:
    text = (
        "Japan and the U.S. welcomed the Bilateral Information Analysis Cell (BIAC) and the "
        "deployment of MQ-9 Uncrewed Aerial Vehicles to Kanoya Air Base. "
    ) * 60
    recognize(text)
    started = time.perf_counter()
    first = recognize(text)
    elapsed = time.perf_counter() - started
    assert first == recognize(text)
    assert elapsed < 0.25  # about 10 kB; generous for loaded CI machines


def test_title_and_one_name_refers_back_to_a_new_person_in_either_name_order() -> None:
    text = (
        "South Korean Minister of Foreign Affairs Kim Min-su and Minister of National Defense "
        "Park Jae-won met. Minister Park welcomed the plan."
    )
    entities, mentions = recognize(text)
    people = [(m.text, m.entity) for m in mentions if m.entity.startswith("person/")]
    assert people == [
        ("Minister of Foreign Affairs Kim Min-su", "person/kim-min-su"),
        ("Minister of National Defense Park Jae-won", "person/park-jae-won"),
        ("Minister Park", "person/park-jae-won"),
    ]
    # The State before the first title qualifies both ministers of the coordination.
    assert entities["person/kim-min-su"].represents == "state/republic-of-korea"
    assert entities["person/park-jae-won"].represents == "state/republic-of-korea"


def test_middle_initials_and_suffixes_resolve_to_the_vocabulary_person() -> None:
    text = "Secretary of National Defense Gilberto C. Teodoro, Jr. met Lloyd J. Austin III."
    _, mentions = recognize(text)
    assert [m.entity for m in mentions if m.entity.startswith("person/")] == [
        "person/gilberto-teodoro",
        "person/lloyd-austin",
    ]


def test_a_middle_initial_without_its_full_stop_is_the_same_person() -> None:
    text = "The talks were led by Secretary of State Michael R Pompeo and by Julie Bishop."
    _, mentions = recognize(text)
    assert [(m.text, m.entity) for m in mentions if m.entity.startswith("person/")] == [
        ("Michael R Pompeo", "person/mike-pompeo"),
        ("Julie Bishop", "person/julie-bishop"),
    ]


def test_between_after_a_named_agreement_names_its_parties() -> None:
    text = "They signed the Force Posture Agreement between Australia and the United States."
    _, mentions = recognize(text)
    assert [(m.text, m.entity) for m in mentions] == [
        ("Force Posture Agreement", "agreement/force-posture-agreement"),
        ("Australia", "state/australia"),
        ("United States", "state/united-states"),
    ]


def test_state_pairs_in_either_order_name_one_node_and_the_bare_name_joins_it() -> None:
    text = (
        "They signed the Japan-U.S. Reciprocal Widget Agreement. The U.S.-Japan Reciprocal Widget "
        "Agreement enters into force in May. The Philippines-U.S. Maritime Widget Dialogue met; "
        "the Maritime Widget Dialogue agreed."
    )
    entities, mentions = recognize(text)
    key = "agreement/japan-united-states-reciprocal-widget-agreement"
    dialogue = "mechanism/philippines-united-states-maritime-widget-dialogue"
    assert [m.entity for m in mentions] == [key, key, dialogue, dialogue]
    assert entities[key].label == "U.S.-Japan Reciprocal Widget Agreement"
    assert entities[key].aliases == {"Japan-U.S. Reciprocal Widget Agreement"}
    assert entities[dialogue].aliases == {"Maritime Widget Dialogue"}


def test_a_bare_name_shared_by_two_qualified_names_stays_apart() -> None:
    text = (
        "The Japan-U.S. Widget Dialogue and the Australia-U.S. Widget Dialogue met. "
        "The Widget Dialogue agreed."
    )
    _, mentions = recognize(text)
    assert [m.entity for m in mentions] == [
        "mechanism/japan-united-states-widget-dialogue",
        "mechanism/australia-united-states-widget-dialogue",
        "mechanism/widget-dialogue",
    ]


def test_plural_heads_share_the_node_of_the_singular() -> None:
    text = "They welcomed their Widget Cooperation Plans. The Widget Cooperation Plan is new."
    entities, mentions = recognize(text)
    assert [m.entity for m in mentions] == ["agreement/widget-cooperation-plan"] * 2
    plan = entities["agreement/widget-cooperation-plan"]
    assert (plan.label, plan.aliases) == ("Widget Cooperation Plan", {"Widget Cooperation Plans"})


def test_the_alliance_is_the_one_the_text_names_outright() -> None:
    text = (
        "The ministers said the ROK-US alliance is strong. North Korea fired missiles; North "
        "Korea was condemned; North Korea must stop. The Alliance will endure, as will the "
        "U.S.-Philippine alliance."
    )
    entities, mentions = recognize(text)
    alliances = [m.entity for m in mentions if m.entity.endswith("-alliance")]
    assert alliances == [
        "organization/u-s-rok-alliance",
        "organization/u-s-rok-alliance",
        "organization/u-s-philippines-alliance",
    ]


def test_aliases_are_names_without_the_titles_they_were_met_with() -> None:
    entities, mentions = recognize("Ms. KAMIKAWA Yoko met Minister for Defence Pat Widget.")
    assert [m.text for m in mentions] == ["Ms. KAMIKAWA Yoko", "Minister for Defence Pat Widget"]
    assert "KAMIKAWA Yoko" in entities["person/kamikawa-yoko"].aliases
    assert entities["person/pat-widget"].aliases == frozenset()


def _offices(text: str) -> dict[str, str | None]:
    entities, _ = recognize(text)
    return {k: e.office for k, e in entities.items() if e.type == "Person"}


def test_a_known_person_takes_the_office_the_text_gives() -> None:
    # The vocabulary holds one office a person (Kono: Defense, Iwaya: Foreign Affairs); in 2019
    # they held the other two.
    assert _offices("Foreign Minister Taro Kono and Defense Minister Takeshi Iwaya met.") == {
        "person/kono-taro": "Foreign Minister",
        "person/iwaya-takeshi": "Defense Minister",
    }
    # Set off by commas, before or after the name.
    assert _offices(
        "The Minister for Foreign Affairs, Julie Bishop, and the Minister for Defence, Senator "
        "Marise Payne, met Linda Reynolds CSC, Minister for Foreign Affairs, in Sydney."
    ) == {
        "person/julie-bishop": "Minister for Foreign Affairs",
        "person/marise-payne": "Minister for Defence",
        "person/linda-reynolds": "Minister for Foreign Affairs",
    }


def test_a_known_person_keeps_the_vocabulary_office_unless_the_text_names_another() -> None:
    expected = {
        "person/kono-taro": "Minister of Defense",
        "person/iwaya-takeshi": "Minister for Foreign Affairs",
    }
    for text in [
        # Another form of the same office.
        "Defense Minister Taro Kono and Foreign Minister Takeshi Iwaya met.",
        "Minister of Defence Taro Kono and External Affairs Minister Takeshi Iwaya met.",
        # No office: a bare title, an honorific, a rank.
        "Minister Taro Kono and Mr. Takeshi Iwaya met.",
        "General Taro Kono and Senator Takeshi Iwaya met.",
        # An office held before.
        "then-Foreign Minister Taro Kono and former Defense Minister Takeshi Iwaya met.",
        "Taro Kono, former Minister for Foreign Affairs, met Takeshi Iwaya.",
        # A title after a comma that belongs to the next name.
        "They met Taro Kono, Foreign Minister Takeshi Iwaya and others.",
    ]:
        assert _offices(text) == expected, text
    # One of the offices the vocabulary joins ("Deputy Prime Minister and Minister for ...").
    assert _offices("Defence Minister Richard Marles met.") == {
        "person/richard-marles": "Deputy Prime Minister and Minister for Defence"
    }
