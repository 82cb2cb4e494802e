"""Plain data passed between the stages of a load: read -> recognise -> extract -> RDF."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceDocument:
    """A document's main text and metadata, as a reader returns it.

    ``text`` is the text all character offsets refer to (page furniture of HTML already
    dropped, PDF pages joined). ``key`` is a stable slug made from the file name; it names
    the document's IRI and its named graph.
    """

    key: str
    path: str
    kind: str
    text: str
    title: str | None = None
    publisher: str | None = None
    source_url: str | None = None
    date: str | None = None
    meeting_date: str | None = None  # given by the user; wins over the text
    meeting_place: str | None = None  # a place name or "virtual", given by the user


@dataclass(frozen=True)
class Entity:
    """A real-world entity: one node of the graph.

    ``key`` is ``"<type-lowercase>/<slug>"`` (``"state/united-states"``); the node's IRI is
    ``https://w3id.org/alliance-kg/id/<key>``. ``type`` is one of ``ENTITY_TYPES``.
    """

    key: str
    type: str
    label: str
    aliases: frozenset[str] = frozenset()
    office: str | None = None
    represents: str | None = None  # key of a State, for persons
    demonyms: frozenset[str] = frozenset()
    wikidata: str | None = None  # "Q17"
    wkt: str | None = None  # "POINT(lon lat)"


@dataclass(frozen=True, init=False)
class Mention:
    """A span of the document's text that names an entity."""

    start: int
    end: int
    text: str
    entity: str  # Entity.key

    def __init__(self, start: int, end: int, text: str, entity: str) -> None:
        # Made by the hundred per document: one assignment of the instance's dict instead of
        # the frozen dataclass's own __init__ (object.__setattr__ once per field, about twice
        # the cost); the fields stay frozen, compared, hashed and printed as before.
        fields = {"start": start, "end": end, "text": text, "entity": entity}
        object.__setattr__(self, "__dict__", fields)


@dataclass(frozen=True, init=False)
class Sentence:
    """A sentence (or a list item completing a lead-in) with its offsets in the text."""

    start: int
    end: int
    text: str  # verbatim slice, whitespace collapsed
    lead_in: Sentence | None = None  # the "agreed to:" sentence a list item completes

    def __init__(self, start: int, end: int, text: str, lead_in: Sentence | None = None) -> None:
        # As Mention's (see there).
        fields = {"start": start, "end": end, "text": text, "lead_in": lead_in}
        object.__setattr__(self, "__dict__", fields)


@dataclass(frozen=True)
class Deadline:
    """A date by which ("by 2025": kind ``by``) or from which ("beginning in 2024": kind
    ``start``) part of a commitment is to be carried out, with the clause it belongs to."""

    date: str  # "2025" or "2025-03-31"
    kind: str  # "by" or "start"
    start: int  # offsets of the clause in the document's text
    end: int
    clause: str


@dataclass
class Commitment:
    """A commitment sentence and what it says."""

    sentence: Sentence
    types: list[str]  # COMMITMENT_TYPES local names, in order of appearance
    parties: list[str]  # Entity keys of States (and other actors)
    concerns: list[str]  # Entity keys
    deadlines: list[Deadline] = field(default_factory=list)

    @property
    def deadline(self) -> str | None:
        """The first deadline's date, if any."""
        return self.deadlines[0].date if self.deadlines else None


@dataclass
class MeetingInfo:
    """The meeting a document reports."""

    series: str | None  # Entity key of the series Mechanism ("mechanism/<slug>")
    date: str | None  # ISO date of the (last) day
    start_date: str | None = None  # first day when it spans several days
    place: str | None = None  # Entity key of the Place, or None
    virtual: bool = False
    participants: list[str] = field(default_factory=list)  # Entity keys of Persons
    states: list[str] = field(default_factory=list)  # Entity keys of the States that met
    given_date: str | None = None  # the user's meeting_date, which wins over inference
    given_place: str | None = None  # Entity key of the user's meeting_place


@dataclass
class Extraction:
    """Everything extracted from one document."""

    document: SourceDocument
    entities: dict[str, Entity]
    mentions: list[Mention]
    commitments: list[Commitment]
    meeting: MeetingInfo | None
