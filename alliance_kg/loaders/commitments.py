"""Commitment sentences: who takes which position, about what, by when.

Follows the annotation guidelines: a sentence is a commitment when a party (a State, its
ministers, "the Ministers", "both sides", "the Alliance", ...) is reported as taking a position
or an intention, carried by a verb of one of the six types. A list item that completes a
lead-in ("agreed to: - Enhance ...") takes the lead-in's parties and, lacking a verb of its own,
its type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from alliance_kg.loaders.dates import MONTHS
from alliance_kg.loaders.model import Commitment, Deadline, Entity, Mention, Sentence

# --------------------------------------------------------------------------- lexicon
# Each entry: a pattern for a finite use of the verb (what makes a sentence a commitment) and
# the type it carries. Order matters only for readability; every match adds its type.
_PREDICATES: list[tuple[str, str]] = [
    # Opposition first: "highlighted with concern" must not read as Announcement.
    (
        r"condemn(?:ed|s)|oppos(?:ed|es)|object(?:ed|s)\b|criticiz(?:ed|es)|deplor(?:ed|es)",
        "Opposition",
    ),
    (
        r"expressed (?:\w+ )?(?:\w+ )?concerns?|shared (?:\w+ )?(?:\w+ )?concerns?|"
        r"highlighted with concern|raised (?:\w+ )?concerns?|voiced (?:\w+ )?concerns?|"
        r"stressed (?:their|its) opposition|rejected",
        "Opposition",
    ),
    (r"shared (?:the|a|their) (?:\w+ )?(?:understanding|view|assessment)", "Reaffirmation"),
    (
        r"reaffirm(?:ed|s)|reiterat(?:ed|es)|restat(?:ed|es)|reconfirm(?:ed|s)|renew(?:ed|s)|"
        r"affirm(?:ed|s)|confirm(?:ed|s)|remain(?:s|ed)? (?:firmly |fully )?committed|"
        r"underscor(?:ed|es)|underlin(?:ed|es)|emphasi[sz](?:ed|es)|stress(?:ed|es)|"
        r"highlighted the (?:importance|value|significance|need|necessity)|"
        r"recogni[sz]ed the (?:importance|value|need)",
        "Reaffirmation",
    ),
    (
        r"resolv(?:ed|es)|committed to|commit to|decid(?:ed|es)|agreed|agree to|agree on|"
        r"pledg(?:ed|es)|intends? to|will(?! be able)|determined to|concurr(?:ed)?|concur|"
        r"instruct(?:ed|s)|vow(?:ed|s)|are committed|is committed|have agreed|has agreed|"
        r"shared (?:a |their |the )?commitment|noted the need|expressed (?:its|their) "
        r"(?:\w+ )?determination|seek to|undert(?:ook|akes?) to",
        "Pledge",
    ),
    (
        r"welcom(?:ed|es)|support(?:ed|s)\b|celebrat(?:ed|es)|appreciat(?:ed|es)|prais(?:ed|es)|"
        r"commend(?:ed|s)|expressed (?:its|their) (?:\w+ )?(?:\w+ )?support|"
        r"expressed (?:(?:its|their|his|her) )?(?:\w+ )?(?:appreciation|gratitude)|"
        r"highlighted (?:the )?(?:\w+ )?(?:progress|achievements?|success)|"
        r"recogni[sz]ed (?:the )?(?:\w+ )?(?:achievements?|progress|efforts|contributions?)",
        "Endorsement",
    ),
    (
        r"announc(?:ed|es)|launched|signed|unveil(?:ed|s)|highlighted|"
        r"provided a vision",
        "Announcement",
    ),
    (
        r"request(?:ed|s)|urg(?:ed|es)|called (?:on|upon|for)|calls (?:on|upon|for)|"
        r"encourag(?:ed|es)|asked",
        "Request",
    ),
]
_PREDICATE_RES = [(re.compile(r"\b(?:" + p + r")", re.IGNORECASE), t) for p, t in _PREDICATES]

# Words inside the rest of the sentence that add a type to a commitment already found.
_COMPLEMENTS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"\bto (?:oppose|condemn|counter)\b|\bopposition\b|\bconcerns?\b", re.I),
        "Opposition",
    ),
    (
        re.compile(
            r"\b(?:its|their) (?:\w+ )?(?:resolve|determination|intent|intention) to\b|"
            r"\bintend to\b|(?<!which )(?<!that )\bwill (?!be able)\w+",
            re.I,
        ),
        "Pledge",
    ),
    (
        re.compile(
            r"\b(?:reaffirmed|reiterated|renewed|expressed) (?:its|their) (?:\w+ )?support\b", re.I
        ),
        "Endorsement",
    ),
]
# A view reported with "that" takes its type from what it says: "highlighted that the PRC
# employs coercion" opposes; "concurred that ... is a threat" pledges a shared stance against it.
_VIEW_THAT = re.compile(
    r"(?P<report>highlighted|noted|stressed|emphasi[sz]ed|underscored|underlined|observed|"
    r"shared (?:the|a|their) (?:\w+ )?(?:understanding|view|assessment|recognition))"
    r"|(?P<agree>concurred|agreed|affirmed|reaffirmed|confirmed|recogni[sz]ed|acknowledged)",
    re.IGNORECASE,
)
_HOSTILE = re.compile(
    r"\b(?:coerc\w*|destabili[sz]\w*|provocat\w*|provocations?|illegal\w*|illicit|threat\w*|"
    r"aggressi\w+|aggression|intimidat\w*|dangerous|malicious|unlawful\w*|violat\w*|"
    r"concerns?|escalat\w*|unsafe|irresponsible|militari[sz]\w*|hostile|harass\w*|"
    r"challenges? to|undermin\w*|grave|serious challenge|strategic challenge)\b",
    re.IGNORECASE,
)
# Gerunds and bare verbs that carry a type in list items ("Reaffirming their support").
_ITEM_VERBS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:reaffirming|reiterating|renewing|confirming)\b", re.I), "Reaffirmation"),
    (re.compile(r"\b(?:supporting|welcoming|support for)\b", re.I), "Endorsement"),
    (re.compile(r"\b(?:condemning|opposing|countering)\b", re.I), "Opposition"),
    (re.compile(r"\b(?:urging|calling on|encouraging)\b", re.I), "Request"),
    (re.compile(r"\b(?:announcing|launching|signing)\b", re.I), "Announcement"),
]

# Collective subjects that stand for the States of the meeting.
_COLLECTIVE = re.compile(
    r"\b(?:the (?:two |four |participating |respective )?(?:ministers|secretaries|leaders|"
    r"participants|principals|delegations|allies|governments)|"
    r"both (?:sides|nations|countries|governments|allies|leaders|ministers|parties)|"
    r"the two (?:sides|countries|nations|governments|allies|parties)|"
    r"they|we|the (?:secretary|minister|secretaries|ministers) and (?:his|her|their) counterparts|"
    r"the (?:participating )?officials|(?:the|this) (?:joint )?(?:statement|meeting|sides)|"
    r"the alliance|the allies|all sides|"
    r"all (?:two|three|four|the) (?:ministers|secretaries|principals|leaders|participants))\b",
    re.IGNORECASE,
)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:of|for|to|with|about|on|against|from|in|at|by|into|toward|towards|over)\s+"
    r"(?:(?:the|this|that|these|those|its|their|our|a|an)\s+)?$",
    re.IGNORECASE,
)
# Words after a name that show it is used as a noun, not as a modifier ("Alliance activities").
_FUNCTION_WORDS = frozenset(
    [
        "and",
        "or",
        "but",
        "nor",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "with",
        "by",
        "under",
        "over",
        "into",
        "onto",
        "as",
        "than",
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
        "not",
        "also",
        "its",
        "their",
        "his",
        "her",
        "our",
        "this",
        "these",
        "those",
        "the",
        "a",
        "an",
        "remains",
        "remain",
        "applies",
        "apply",
    ]
)
# A verb that ends the subject before the predicate ("officials also discussed X and reaffirmed").
_EARLIER_VERB = re.compile(
    r"\s(?:also\s+)?(?:[a-z]{3,}ed|held|met|made|took|had|gave|saw|said|sent|began)\b"
)
_GROUP_OF = re.compile(
    r"\b(?:leaders|officials|ministers|representatives|delegations|governments|members)\s+of\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
_LEADING_CLAUSE = re.compile(
    r"^(?:[A-Z][a-z]+ing|In|To|During|At|On|As|With|Following|After|Before|According|"
    r"Additionally|Also|Further|Furthermore|Moreover|Meanwhile|Since|While|Given|Through|"
    r"Under|Regarding)\b"
)
_ITEM_LABEL = re.compile(r"^[^:.;]{2,80}:\s+")
_ATTRIBUTION = re.compile(
    r"(?:^according to [^,]{1,80},\s*)|(?:[”\"],?\s+[^“”\".]{0,80}\b(?:read|said|added|"
    r"stated|noted|wrote)\.?$)",
    re.IGNORECASE,
)

_YEAR = r"((?:19|20)\d{2})"
_MONTH_NAMES = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
# Each pattern with the kind of date it gives: a deadline ("by") or a start ("start").
_DEADLINE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bby (" + _MONTH_NAMES + r") (\d{1,2}), " + _YEAR), "by"),
    (
        re.compile(
            r"\b(?:by|no later than|before|until) (?:the (?:end|middle|start|beginning) of )?"
            r"(?:(?:early|mid|late)[- ])?(?:"
            + _MONTH_NAMES
            + r" )?(?:(?:fiscal year|FY|JFY|CY)\s?)?"
            + _YEAR
            + r"\b"
        ),
        "by",
    ),
    (
        re.compile(
            r"\b(?:beginning|starting|commencing|from|as early as|as of) (?:in )?"
            r"(?:(?:early|mid|late)[- ])?(?:"
            + _MONTH_NAMES
            + r" )?(?:(?:fiscal year|FY|JFY)\s?)?"
            + _YEAR
            + r"\b"
        ),
        "start",
    ),
]
# Where the clause that holds a deadline begins and ends inside its sentence.
_CLAUSE_BREAK = re.compile(r"[,;:\u2014\u2013]|\s-\s")


@dataclass(frozen=True)
class Context:
    """What commitment extraction needs to know about the document."""

    entities: dict[str, Entity]
    mentions: list[Mention]
    state_mentions: list[Mention]  # States named or referred to by demonym
    meeting_states: list[str]
    meeting_series: str | None


def extract_commitments(text: str, sentences: list[Sentence], context: Context) -> list[Commitment]:
    """Return the commitments among the sentences, in document order."""
    out: list[Commitment] = []
    lead_in_parties: dict[int, list[str]] = {}
    lead_in_types: dict[int, list[str]] = {}
    for sentence in sentences:
        commitment = _commitment(text, sentence, context)
        if sentence.text.endswith(":"):
            parties = (
                commitment.parties if commitment else _subject_parties(text, sentence, context)
            )
            lead_in_parties[sentence.start] = parties
            lead_in_types[sentence.start] = commitment.types if commitment else []
        if commitment is None and sentence.lead_in is not None and not _own_subject(text, sentence):
            parties = lead_in_parties.get(sentence.lead_in.start, [])
            if parties:
                types = (
                    _item_types(sentence.text)
                    or lead_in_types.get(sentence.lead_in.start)
                    or ["Pledge"]
                )
                concerns = _concerns(text, sentence, context, parties, subject_end=sentence.start)
                commitment = Commitment(
                    sentence, types, parties, concerns, _deadlines(text, sentence)
                )
        if commitment is not None:
            out.append(commitment)
    return out


def _commitment(text: str, sentence: Sentence, context: Context) -> Commitment | None:
    body_start = sentence.start + _label_length(sentence.text)
    body = text[body_start : sentence.end]
    matches = _predicates(body)
    if not matches:
        return None
    verb_at = body_start + matches[0][0]
    parties = _parties(text, body_start, verb_at, context)
    if not parties:
        return None
    types: list[str] = []
    for _, kind in matches:
        if kind not in types:
            types.append(kind)
    after = text[verb_at : sentence.end]
    types = _view_types(after, types, first=matches[0][1])
    for pattern, kind in _COMPLEMENTS:
        if kind not in types and pattern.search(after):
            types.append(kind)
    concerns = _concerns(text, sentence, context, parties, subject_end=verb_at)
    return Commitment(sentence, types, parties, concerns, _deadlines(text, sentence))


def _view_types(after: str, types: list[str], first: str) -> list[str]:
    """Types of a commitment whose first verb reports a view "that" something hostile is so."""
    m = _VIEW_THAT.match(after)
    clause = after[m.end() :] if m else ""
    if m is None or not re.match(r"\s+that\b", clause) or not _HOSTILE.search(clause):
        return types
    if m.group("report") and types.count(first) == 1 and first != "Opposition":
        # The reporting verb's own type ("highlighted" -> Announcement) gives way.
        types = [t for t in types if t != first]
    return ["Opposition", *[t for t in types if t != "Opposition"]]


def _own_subject(text: str, sentence: Sentence) -> bool:
    """True when a list item is a clause of its own ("X: The emphasis on Y underscores Z")."""
    body_start = sentence.start + _label_length(sentence.text)
    matches = _predicates(text[body_start : sentence.end])
    return bool(matches) and bool(text[body_start : body_start + matches[0][0]].strip())


def _predicates(body: str) -> list[tuple[int, str]]:
    """Positions and types of predicate verbs, skipping ones inside relative clauses."""
    found: list[tuple[int, int, str]] = []
    for pattern, kind in _PREDICATE_RES:
        for m in pattern.finditer(body):
            if any(a <= m.start() < b for a, b, _ in found):
                continue
            if re.search(r"\b(?:which|that|who)\s+$", body[max(0, m.start() - 7) : m.start()]):
                continue
            if _in_relative_clause(body, m.start()):
                continue
            found.append((m.start(), m.end(), kind))
    found.sort()
    return [(a, kind) for a, _, kind in found]


def _in_relative_clause(body: str, at: int) -> bool:
    """ "..., which Secretary Carter will convene": a verb inside a clause still open at ``at``."""
    openers = list(re.finditer(r",\s*(?:which|who|where|whom)\b", body[:at]))
    return bool(openers) and "," not in body[openers[-1].end() : at]


def _label_length(sentence_text: str) -> int:
    m = _ITEM_LABEL.match(sentence_text)
    if m and not re.search(r"\b(?:said|stated|noted)\b", m.group()):
        return m.end()
    return 0


def _subject_parties(text: str, sentence: Sentence, context: Context) -> list[str]:
    """Parties of a sentence with no predicate of its own (a lead-in such as "discussed:")."""
    body_start = sentence.start + _label_length(sentence.text)
    verb = re.search(
        r"\b(?:discussed|addressed|exchanged|held|met|noted|stated|said|highlights|are|is|"
        r"have|has|were|was|agreed|resolved|decided|committed)\b",
        text[body_start : sentence.end],
    )
    if verb is None:
        return []
    return _parties(text, body_start, body_start + verb.start(), context)


def _parties(text: str, start: int, verb_at: int, context: Context) -> list[str]:
    """The States making the commitment, from the subject before the verb."""
    zone_start = _subject_start(text, start, verb_at)
    earlier = _EARLIER_VERB.search(text, zone_start, verb_at)
    if earlier and re.search(r"\band\s+(?:also\s+)?$", text[earlier.end() : verb_at]):
        verb_at = earlier.start()
    parties: list[str] = []

    def add(keys: Iterable[str]) -> None:
        for key in keys:
            if key not in parties:
                parties.append(key)

    for m in context.state_mentions:
        if zone_start <= m.start < verb_at and _heads_subject(text, zone_start, m.start):
            add([m.entity])
    for m in context.mentions:
        if not (zone_start <= m.start < verb_at) or not _heads_subject(text, zone_start, m.start):
            continue
        entity = context.entities[m.entity]
        if entity.type == "Person" and entity.represents:
            add([entity.represents])
        elif m.entity == context.meeting_series:
            add(context.meeting_states)
    zone = text[zone_start:verb_at]
    if not parties and re.match(r"\s*(?:He|She)\b", zone) and len(zone) < 60:
        # "He stated that he intends to ...": the person the text named last speaks.
        person = _last_person(zone_start, context)
        if person is not None:
            add([person])
    for phrase in _COLLECTIVE.finditer(zone):
        if _heads_subject(text, zone_start, zone_start + phrase.start()):
            add(context.meeting_states)
    return sorted(parties, key=lambda k: context.entities[k].label if k in context.entities else k)


def _last_person(before: int, context: Context) -> str | None:
    """The State of the last person named before an offset, if the text gives one."""
    for m in reversed(context.mentions):
        entity = context.entities[m.entity]
        if m.start < before and entity.type == "Person":
            return entity.represents
    return None


def _subject_start(text: str, start: int, verb_at: int) -> int:
    """Skip leading adverbial clauses ("To this end, ", "Recognizing ..., ") of the subject."""
    zone = text[start:verb_at]
    attribution = re.match(r"according to [^,]{1,80},\s*", zone, re.IGNORECASE)
    if attribution:
        return start + attribution.end()
    pos = 0
    while _LEADING_CLAUSE.match(zone[pos:]) or (pos and re.match(r"[a-z]+ing\b", zone[pos:])):
        comma = zone.find(", ", pos)
        if comma < 0:
            break
        pos = comma + 2
    return start + pos


def _heads_subject(text: str, zone_start: int, at: int) -> bool:
    """False for a name inside a prepositional phrase ("support for Ukraine")."""
    before = text[zone_start:at]
    if _GROUP_OF.search(before):
        return True
    return not _PREPOSITION_BEFORE.search(before)


def _concerns(
    text: str, sentence: Sentence, context: Context, parties: list[str], subject_end: int
) -> list[str]:
    body = text[sentence.start : sentence.end]
    attribution = _ATTRIBUTION.search(body)
    cut = sentence.start + attribution.start() if attribution and attribution.start() > 0 else None
    concerns: list[str] = []
    for m in context.mentions:
        if not (sentence.start <= m.start < sentence.end):
            continue
        if cut is not None and m.start >= cut:
            continue
        if (
            attribution
            and attribution.start() == 0
            and m.start < sentence.start + attribution.end()
        ):
            continue
        entity = context.entities[m.entity]
        if entity.type == "Person":
            continue
        if m.start < subject_end and (m.entity in parties or m.entity == context.meeting_series):
            continue
        if m.entity in parties and not _party_as_object(text, m):
            continue
        if entity.type == "Organization" and _modifier(text, m):
            continue
        if m.entity not in concerns:
            concerns.append(m.entity)
    return concerns


def _next_word(text: str, m: Mention) -> str:
    nxt = re.match(r"[ \t]+([A-Za-z][\w-]*)", text[m.end : m.end + 40])
    return nxt.group(1) if nxt else ""


def _modifier(text: str, m: Mention) -> bool:
    """A name used to qualify a noun ("Alliance activities"), not named as a thing itself."""
    word = _next_word(text, m)
    if not word or word.lower() in _FUNCTION_WORDS or not word[0].islower():
        return False
    return not re.search(r"\bthe\s+$", text[max(0, m.start - 5) : m.start], re.IGNORECASE)


def _party_as_object(text: str, m: Mention) -> bool:
    """A party State is also a concern where it is the object: "the defense of Japan"."""
    before = text[max(0, m.start - 12) : m.start]
    after = text[m.end : m.end + 12]
    if re.match(r"[’']s\b", after):  # possessive: "Japan's Southwest Islands"
        return False
    word = _next_word(text, m)
    if word and word.lower() not in _FUNCTION_WORDS:  # a modifier: "U.S. forces", "U.S. MQ-9"
        return False
    return bool(re.search(r"\b(?:in|across|of|to|for|with|from|on|against)\s+(?:the\s+)?$", before))


def _item_types(sentence_text: str) -> list[str]:
    types: list[str] = []
    for pattern, kind in _ITEM_VERBS:
        if pattern.search(sentence_text) and kind not in types:
            types.append(kind)
    return types


def _deadlines(text: str, sentence: Sentence) -> list[Deadline]:
    """Every deadline and start date of the sentence, each with its own clause."""
    body = text[sentence.start : sentence.end]
    found: list[tuple[int, int, str, str]] = []
    for pattern, kind in _DEADLINE_PATTERNS:
        for m in pattern.finditer(body):
            if any(a < m.end() and m.start() < b for a, b, _, _ in found):
                continue
            if m.lastindex == 3:  # "by March 31, 2025"
                month = MONTHS[m.group(1).lower()]
                date = f"{int(m.group(3)):04d}-{month:02d}-{int(m.group(2)):02d}"
            else:
                date = m.group(1)
            found.append((m.start(), m.end(), date, kind))
    found.sort()
    spans = [(a, b) for a, b, _, _ in found]
    # A break inside a date ("March 31, 2027") is no break; a deadline ends the clause before.
    breaks = [
        (m.start(), m.end())
        for m in _CLAUSE_BREAK.finditer(body)
        if not any(a <= m.start() < b for a, b in spans)
    ]
    out: list[Deadline] = []
    for i, (a, b, date, kind) in enumerate(found):
        start = max([e for s_, e in breaks if e <= a] + [found[i - 1][1] if i else 0])
        end = min([s_ for s_, _ in breaks if s_ >= b] + [len(body)])
        # The clause without the spaces and the full stop around it.
        while start < end and body[start].isspace():
            start += 1
        while end > start and (body[end - 1].isspace() or body[end - 1] == "."):
            end -= 1
        clause = " ".join(body[start:end].split())
        out.append(Deadline(date, kind, sentence.start + start, sentence.start + end, clause))
    return out
