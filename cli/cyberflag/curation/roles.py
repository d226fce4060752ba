"""Roles as an article states them: "Peter Wanless, chief executive of the NSPCC", "NSPCC chief
executive Peter Wanless", "Cllr Roy Perry" — drafted as the speaker's ``org:Membership``, with
the words that state it as evidence.

The role words are split into the organisation (a known one named in them) and the role; a
title alone ("Cllr", "Chief Constable") names no organisation, so it is drafted only as evidence
of a membership the graph already has. An existing membership gains the new evidence; a new one
is a draft of its own (rule 15).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cyberflag.curation.entities import Entity, Known
from cyberflag.curation.layout import Range
from cyberflag.curation.statements import StatementDraft
from cyberflag.sparql.results import Term

SYNONYMS = {"chairman": "chair", "chairwoman": "chair", "chairperson": "chair",
            "ceo": "chief executive", "chief executive officer": "chief executive"}
"""Role words that name one role."""

TITLE_ROLES = {"assistant chief constable": "assistant chief constable",
               "deputy chief constable": "deputy chief constable",
               "chief constable": "chief constable", "cllr": "councillor",
               "councillor": "councillor"}
"""Honorifics that are also roles."""

MEMBERSHIPS_QUERY = """\
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?membership ?person ?org ?role ?label WHERE {
  ?membership a org:Membership ; org:member ?person ; org:organization ?org ; org:role ?role .
  ?role skos:prefLabel ?label .
}
ORDER BY ?membership
"""


@dataclass(frozen=True)
class Membership:
    """A membership the graph has: its IRI, organisation and role."""

    iri: str
    org: str
    role: str
    label: str


@dataclass
class RoleDraft:
    """A role an article states: whose, in which organisation, the role as written (and the
    existing membership it is evidence of, if any), and the words that state it."""

    person: Entity
    role: str
    span: Range
    org: Entity | None = None
    existing: Membership | None = None


def role_key(label: str) -> str:
    """How role labels compare: case, spaces and synonyms ignored."""
    key = " ".join(label.casefold().split())
    return SYNONYMS.get(key, key)


def split_role(words: str, known: Known) -> tuple[str, Entity | None]:
    """(role, organisation) of role words: "chief executive of the NSPCC" → ("chief executive",
    NSPCC); without a known organisation in them, (the words, None)."""
    plain = re.sub(r"[’']s\b", "", words)
    best: tuple[int, int, Entity] | None = None
    for entity in known.entities:
        if entity.kind != "org":
            continue
        for label in entity.labels + entity.aliases:  # aliases: as this article wrote them
            flags = 0 if label.isupper() else re.IGNORECASE
            match = re.search(rf"(?<!\w){re.escape(label)}(?!\w)", plain, flags)
            if match and (best is None or match.end() - match.start() > best[1] - best[0]):
                best = (match.start(), match.end(), entity)
    if best is None:
        return words.strip(" ,"), None
    left = re.sub(r"\bthe\s*$", "", plain[: best[0]].rstrip(), flags=re.IGNORECASE).rstrip()
    left = re.sub(r"\s*\b(?:of|at|for|from|with)$", "", left)
    role = " ".join(f"{left} {plain[best[1]:]}".replace(",", " ").split())
    return role, best[2]


def _span(text: str, body: Range, before: int, *words: str) -> Range | None:
    """The words' last occurrence before ``before`` in the body, as one span."""
    found = [(at, at + len(w)) for w in words if w
             for at in [text.rfind(w, body[0], before)] if at >= 0]
    if len(found) != len([w for w in words if w]):
        return None
    start, end = min(s for s, _ in found), max(e for _, e in found)
    return (start, end) if end - start < 300 else None


def draft_roles(text: str, body: Range, statements: list[StatementDraft], known: Known,
                memberships: dict[str, list[Membership]]) -> list[RoleDraft]:
    """The roles the speakers of ``statements`` are given where they are named."""
    drafts: list[RoleDraft] = []
    seen: set[tuple[int, str]] = set()
    for statement in statements:
        speaker = statement.speaker
        if (statement.kind == "HeadlineClaim" or speaker.entity.kind != "person"
                or not speaker.named):
            continue
        person = speaker.entity
        held = memberships.get(person.iri or "", [])
        at = statement.segments[0][0]
        found: list[tuple[str, Entity | None, Range]] = []
        if speaker.role:
            role, org = split_role(speaker.role, known)
            span = _span(text, body, at, speaker.written, speaker.role)
            if span is not None and role:
                found.append((role, org, span))
        title = re.match(rf"(?i)({'|'.join(TITLE_ROLES)})\b", speaker.written)
        if title:
            span = _span(text, body, at, speaker.written)
            if span is not None:
                found.append((TITLE_ROLES[title.group(1).casefold()], None, span))
        for role, org, span in found:
            key = (id(person), role_key(role))
            if key in seen:
                continue
            existing = next((m for m in held if role_key(m.label) == role_key(role)
                             and (org is None or m.org == org.iri)), None)
            if org is None and existing is None:
                continue  # a title alone names no organisation
            seen.add(key)
            drafts.append(RoleDraft(person, role, span, org, existing))
    return drafts


def memberships_of(rows: list[dict[str, Term]]) -> dict[str, list[Membership]]:
    """The graph's memberships (rows of :data:`MEMBERSHIPS_QUERY`), by member."""
    found: dict[str, list[Membership]] = {}
    for row in rows:
        values = {k: v.value for k, v in row.items() if v is not None}
        found.setdefault(values["person"], []).append(
            Membership(values["membership"], values["org"], values["role"], values["label"]))
    return found


__all__ = ["MEMBERSHIPS_QUERY", "SYNONYMS", "Membership", "RoleDraft", "draft_roles",
           "memberships_of", "role_key", "split_role"]
