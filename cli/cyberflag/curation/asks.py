"""Asks (editorial rule 10): what a statement demands of whom, drafted from the statements whose
reporting verb asks ("calling on X to …", "is urging X to …", "is calling for …", "has
requested …", a passive "are being urged to …").

The ask's text is the action asked for, verbatim and whole: after "X to" when the words name the
party first, else the whole clause. The party is matched to a known person or organisation by
its words; an addressee the graph does not know is left for the curator (``cf:addressedTo`` is
optional). The asker is the speaker, or the campaign when the statement is the campaign's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cyberflag.curation.entities import Entity, Known
from cyberflag.curation.layout import Range
from cyberflag.curation.statements import StatementDraft

PARTY_FIRST = re.compile(r"\b(?:call(?:ed|s|ing)? on|urg(?:ed|es|ing)|asked|told)\b")
"""Verbs whose object is the party asked, then "to" and the action."""
ACTION_FIRST = re.compile(r"\b(?:call(?:ed|s|ing)? for|request(?:ed|s)?|demand(?:ed|s)?)\b")
"""Verbs whose object is the action (or "for X to …")."""
_PARTY_TO = re.compile(r"^(?P<party>[^,;:]{1,80}?)\s+to\s+(?=[a-z])")


@dataclass
class AskDraft:
    """One drafted ask: the statement it is stated in (its index among the drafts), the action's
    span, the party asked (when the graph knows it) and the asker."""

    statement: int
    action: Range
    asker: Entity
    campaign: Entity | None
    addressee: Entity | None
    rule: str
    confidence: float


_CONTEXT = re.compile(r"(?:,\s*|\s+)(?:after|because|since|following)\s")
"""Where the action ends and the sentence's circumstances begin ("… after a 44 per cent rise")."""
_AND = re.compile(r",\s+and\s+(?:to\s+)?|\s+and\s+to\s+")
"""Where two actions are joined: ", and …" or "… and to …" (not "stand up … and introduce …",
one action in rule 10's own example)."""
_ITEM = re.compile(r"^(?:[-–•*·▪]|\d+[.)])\s+(.*?)[.;]?$", re.M)


def actions(text: str, start: int, end: int) -> list[Range]:
    """The actions of one ask's words: one per list item after a colon, else one per
    coordinated action, each cut before the sentence's circumstances."""
    words = text[start:end]
    if ":" in words and _ITEM.search(words):
        return [(start + m.start(1), start + m.end(1))
                for m in _ITEM.finditer(words, words.index(":"))]
    found = []
    at = start
    stops = [(start + m.start(), start + m.end()) for m in _AND.finditer(words)] + [(end, end)]
    for stop, resume in stops:
        context = _CONTEXT.search(text, at, stop)
        found.append((at, context.start() if context else stop))
        at = resume
    return [(s, e) for s, e in found if e > s]


MODAL = re.compile(
    r"(?:^|(?<=[\s“‘\"]))(?P<party>(?:[Ww]e|I|[A-Za-z][\w’'-]*(?:\s+[\w’'-]+){0,5}?))\s+"
    r"(?:(?:must|need(?:s)? to|ha(?:ve|s) to)\s+(?:be\s+(?:forced|made|required)\s+to\s+)?"
    r"|(?:are\s+|am\s+)?(?:urg(?:e|ing)|call(?:ing)?\s+on)\s+(?P<object>[\w’' ]{1,40}?)\s+to\s+)"
    r"(?=[a-z])"
)
"""An ask in the speaker's own words (rule 10): "X must (be forced to) …", "X needs to …",
"we urge / are calling on X to …" ("we must …" is the speaker's own resolve, not an ask)."""


def _modal_asks(text: str, index: int, statement: StatementDraft, known: Known) -> list[AskDraft]:
    asks = []
    for seg_start, seg_end in statement.segments:
        for match in MODAL.finditer(text, seg_start, seg_end):
            party = match.group("object") or match.group("party")
            party = re.sub(r"^(?:(?:and|but|or|so|that|then|if)\s+)+", "", party, flags=re.I)
            if party.split()[-1].casefold() in ("the", "a", "an", "of", "to", "for"):
                continue  # "the need to …": a noun, not an ask
            if match.group("object") is None and party.casefold() in ("we", "i"):
                continue  # "we must take care …": the speaker's own resolve, not a demand
            if party.casefold() in ("we", "i", "it", "this", "that"):
                addressee = None
            else:
                addressee = known.find(party)
            stop = text.find(".", match.end(), seg_end)
            for action in actions(text, match.end(), stop if stop >= 0 else seg_end):
                asks.append(AskDraft(index, action, statement.speaker.entity,
                                     statement.speaker.campaign, addressee, "ask-by-modal",
                                     round(statement.confidence - 0.3, 2)))
    return asks


def _distinct(text: str, asks: list[AskDraft]) -> list[AskDraft]:
    """Each action once (the first rule to read it keeps it), and only actions of two words or
    more ("must reach" asks nothing by itself)."""
    kept: list[AskDraft] = []
    for ask in asks:
        start, end = ask.action
        if len(text[start:end].split()) < 2 or any(
                k.action[0] < end and start < k.action[1] for k in kept):
            continue
        kept.append(ask)
    return kept


def draft_asks(text: str, statements: list[StatementDraft], known: Known) -> list[AskDraft]:
    """The asks the drafted ``statements`` make, in their order."""
    asks = []
    for index, statement in enumerate(statements):
        verb = statement.verb or ""
        if statement.kind in ("DirectQuote", "ReportedSpeech", "PartialQuote"):
            asks += _modal_asks(text, index, statement, known)
        if statement.kind not in ("ReportedSpeech", "PartialQuote") or len(statement.segments) != 1:
            continue
        party_first = PARTY_FIRST.search(verb)
        if not party_first and not ACTION_FIRST.search(verb):
            continue
        start, end = statement.segments[0]
        words = text[start:end]
        addressee: Entity | None = None
        split = _PARTY_TO.match(words)
        if words.startswith("to "):
            start += 3  # a passive ask: "are being urged to …"
        elif split and (party_first or known.find(split.group("party"))):
            addressee = known.find(split.group("party"))
            start += split.end()
        elif party_first:
            continue  # "calling on X" with no action: not an ask this rule can read
        campaign = statement.speaker.campaign
        asker = campaign if campaign is not None else statement.speaker.entity
        for action in actions(text, start, end):
            asks.append(AskDraft(index, action, asker, campaign, addressee,
                                 "ask-by-verb", round(statement.confidence - 0.1, 2)))
    return _distinct(text, asks)


__all__ = ["ACTION_FIRST", "MODAL", "PARTY_FIRST", "AskDraft", "actions", "draft_asks"]
