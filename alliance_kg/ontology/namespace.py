"""The ``akg:`` vocabulary as an rdflib ``DefinedNamespace``.

It mirrors ``akg.ttl`` term for term; ``tests/test_ontology.py`` checks that the two agree.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class AKG(DefinedNamespace):
    """alliance-kg ontology: https://w3id.org/alliance-kg/ontology#"""

    _fail = True
    _NS = Namespace("https://w3id.org/alliance-kg/ontology#")

    # Classes
    Actor: URIRef
    Person: URIRef
    State: URIRef
    Organization: URIRef
    Unit: URIRef
    Capability: URIRef
    Place: URIRef
    Agreement: URIRef
    Mechanism: URIRef
    Meeting: URIRef
    Document: URIRef
    Commitment: URIRef
    CommitmentType: URIRef
    Deadline: URIRef
    Lineage: URIRef
    Conflict: URIRef
    Summary: URIRef
    CoOccurrence: URIRef
    PartyTypeCount: URIRef

    # Commitment types (SKOS concepts) and their scheme
    CommitmentTypes: URIRef
    Reaffirmation: URIRef
    Pledge: URIRef
    Endorsement: URIRef
    Opposition: URIRef
    Announcement: URIRef
    Request: URIRef

    # Object properties
    commitmentType: URIRef
    madeBy: URIRef
    concerns: URIRef
    statedIn: URIRef
    atMeeting: URIRef
    reports: URIRef
    participant: URIRef
    heldIn: URIRef
    series: URIRef
    previousMeeting: URIRef
    mentionedIn: URIRef
    represents: URIRef
    statedSeries: URIRef
    statedPlace: URIRef
    statedParticipant: URIRef
    meetingParty: URIRef
    givenPlace: URIRef
    hasDeadline: URIRef
    restatedAs: URIRef
    statusSetBy: URIRef
    inLineage: URIRef
    restates: URIRef
    conflictIn: URIRef
    aboutMeeting: URIRef
    ofType: URIRef

    # Datatype properties
    quote: URIRef
    startOffset: URIRef
    endOffset: URIRef
    deadline: URIRef
    startDate: URIRef
    office: URIRef
    demonym: URIRef
    sourceFile: URIRef
    sha256: URIRef
    statedDate: URIRef
    meetingDate: URIRef
    statedStartDate: URIRef
    givenDate: URIRef
    deadlineDate: URIRef
    deadlineKind: URIRef
    clause: URIRef
    firstStated: URIRef
    lastStated: URIRef
    meetingCount: URIRef
    lineageText: URIRef
    field: URIRef
    statedValue: URIRef
    resolvedValue: URIRef
    restatedCount: URIRef
    evidence: URIRef
    commitmentCount: URIRef
    linksVersion: URIRef
    firstName: URIRef
    secondName: URIRef
    entityName: URIRef
