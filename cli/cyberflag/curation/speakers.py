"""Who a reporting clause names as speaking: "Peter Wanless, chief executive of the NSPCC",
"NSPCC chief executive Peter Wanless", "He", "The councillor", "The charity's #WildWestWeb
campaign". Each is resolved to a known entity, an entity named earlier in the article, or a new
one, with the role words as written (an appositive or the words before the name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cyberflag.curation.entities import TITLES, Entity, Known, strip_title

VERBS = (
    "said|says|saying|warned|warns|warning|added|adds|adding|told|tells|noted|notes|continued|"
    "believes|believed|admitted|admits|called on|called for|calls on|calls for|calling on|"
    "calling for|urged|urges|urging|revealed|reveals|claimed|claims|stated|states|argued|argues|"
    "explained|explains|insisted|insists|suggested|thanked|thanks|cautioned|cautions|concluded|"
    "concludes|acknowledged|acknowledges|requested|requests|demanded|demands|stressed|stresses|"
    "emphasised|emphasises|emphasized|highlighted|highlighting|announced|announces|welcomed|"
    "welcomes|pointed out|points out|went on|warn|say|urge|call for|call on|reveal|admit|"
    "confirmed|confirms"
)
"""Reporting verbs, as written; an auxiliary and "also" before them belong to the verb."""

VERB_TEXT = (
    r"(?:(?:has|have|had|is|are|was|were)\s+)?(?:also\s+)?(?:(?:has|have|had|is|are)\s+)?"
    rf"(?:{VERBS})"
)
"""A reporting verb with its auxiliary, as a pattern to build others from (no groups)."""
VERB = re.compile(rf"\b(?P<verb>{VERB_TEXT})\b")
_NAME_WORD = r"[A-Z][\w’'-]*"
_TITLE = "|".join(t.replace(" ", r"\s+") for t in TITLES)
PERSON_NAME = re.compile(
    rf"(?:(?:{_TITLE})\.?\s+)?{_NAME_WORD}(?:\s+(?:de|van|von|der|la|le)?\s*{_NAME_WORD}){{0,3}}$"
)
_PERSON_WORDS = {
    "councillor",
    "minister",
    "secretary",
    "chief",
    "officer",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "campaigner",
    "chairman",
    "chair",
    "director",
    "constable",
    "executive",
    "commissioner",
    "lead",
    "head",
}
_ORG_WORDS = {
    "charity",
    "organisation",
    "organization",
    "council",
    "force",
    "department",
    "union",
    "group",
    "body",
    "regulator",
    "service",
    "association",
    "trust",
}
_HASHTAG = re.compile(r"#\w+")


@dataclass
class Speaker:
    """A resolved speaker: the entity, how the text named it, the role words as written, the
    campaign it spoke for (rule 11) and whether the name stood in the clause (not a pronoun)."""

    entity: Entity
    written: str
    role: str | None = None
    campaign: Entity | None = None
    named: bool = True


def _premodifier(words: list[str]) -> bool:
    """Whether words before a name can be its role ("NSPCC chief executive", "Home Secretary"),
    not a clause of their own ("A request by the children's charity")."""
    return (
        len(words) <= 6
        and (words[0][0].isupper() or words[0] == "the")
        and words[0] not in ("A", "An")
        and not {"by", "from", "according", "to", "with"} & {w.casefold() for w in words}
    )


class Speakers:
    """Resolves reporting clauses' subjects in text order, remembering who was named."""

    def __init__(self, known: Known) -> None:
        self.known = known
        self.mentioned: list[Entity] = []  # latest first
        self.roles: dict[int, str] = {}  # the role words each person was given, by id

    def _remember(self, entity: Entity) -> None:
        if entity in self.mentioned:
            self.mentioned.remove(entity)
        self.mentioned.insert(0, entity)

    def _latest(self, kind: str) -> Entity | None:
        return next((e for e in self.mentioned if e.kind == kind), None)

    def resolve(self, subject: str) -> Speaker | None:
        """The speaker ``subject`` names, or ``None`` when it names none (not a person, an
        organisation or a campaign: "The figures", "Research")."""
        subject = re.sub(r"^[A-Z][a-z]+ly,\s+", "", subject.strip().strip(",").strip())
        if not subject or len(subject.split()) > (24 if "," in subject else 12):
            return None
        speaker = self._resolve(subject)
        if speaker is not None and speaker.entity.kind not in ("person", "org"):
            return None  # an area, say: not a speaker
        if speaker is not None and speaker.role:
            self.roles[id(speaker.entity)] = self.roles.get(id(speaker.entity), "") + " " + (
                speaker.role.casefold())
        if speaker is not None:
            self._remember(speaker.entity)
        return speaker

    def _resolve(self, subject: str) -> Speaker | None:
        lowered = subject.casefold()
        if lowered in ("he", "she"):
            entity = self._latest("person")
            return Speaker(entity, subject, named=False) if entity else None
        if lowered in ("it", "they"):
            entity = self._latest("org")
            return Speaker(entity, subject, named=False) if entity else None
        if _HASHTAG.search(subject) or re.fullmatch(r"the campaign", lowered):
            return self._campaign(subject)
        head, _, rest = subject.partition(",")
        head, appositive = head.strip(), rest.strip().strip(",").strip() or None
        if (
            head.startswith(("Responding", "Speaking", "Commenting", "In ", "According"))
            and appositive
        ):
            return self._resolve(appositive)
        entity = self.known.find(head, self.mentioned)
        acronym = re.search(r"\(([A-Z]{2,})\)$", head)
        if entity is None and acronym:  # "The National Police Chiefs' Council (NPCC)"
            entity = self.known.find(head[: acronym.start()].strip()) or self.known.find(
                acronym.group(1)
            )
            if entity is not None:
                self.known.alias(entity, acronym.group(1))
        if entity is not None:
            self.known.alias(entity, head)
            return Speaker(entity, head, appositive)
        match = re.fullmatch(r"(?:the|The)\s+(?:[\w’'-]+(?:’s|'s)\s+)?([a-z]+)", head)
        if match:
            word = match.group(1)
            by_role = next((e for e in self.mentioned if e.kind == "person"
                            and word in self.roles.get(id(e), "")), None)
            if by_role is not None:  # "The centre's director": the director named before
                return Speaker(by_role, head, named=False)
            kind = "person" if word in _PERSON_WORDS else "org" if word in _ORG_WORDS else ""
            entity = self._latest(kind) if kind else None
            return Speaker(entity, head, named=False) if entity else None
        return self._named(head, appositive) or (
            self._named(appositive, head) if appositive else None  # "Y's lead, ACC Tom Reyes"
        )

    def _named(self, head: str, appositive: str | None) -> Speaker | None:
        """A name with words before it ("NSPCC chief executive Peter Wanless") or a new name."""
        words = head.split()
        for cut in range(len(words)):
            tail = " ".join(words[cut:])
            entity = self.known.find(tail, self.mentioned)
            if cut and not _premodifier(words[:cut]):
                continue
            if entity is not None:
                role = " ".join(words[:cut]) or appositive
                self.known.alias(entity, tail)
                return Speaker(entity, tail, role)
            if PERSON_NAME.fullmatch(tail) and len(strip_title(tail).split()) >= 2:
                role = " ".join(words[:cut]) or appositive
                name = strip_title(tail)
                described = (role or "").casefold().split()
                kind = "org" if described and described[-1] in _ORG_WORDS else "person"
                entity = self.known.add(Entity(kind, [name]))
                self.known.alias(entity, tail)
                return Speaker(entity, tail, role)
        if re.fullmatch(r"(?:The\s+)?[A-Z]{2,}(?:\s+\([A-Z]{2,}\))?", head):  # an acronym
            name = re.sub(r"^The\s+", "", head)
            return Speaker(self.known.add(Entity("org", [name])), head, appositive)
        return None

    def _campaign(self, subject: str) -> Speaker | None:
        """A campaign's statement is its organisation's (rule 11): a known campaign's, or a new
        one's whose organisation the words name ("The charity's #X campaign")."""
        tag = _HASHTAG.search(subject)
        campaign = (
            self.known.find(tag.group())
            if tag
            else next((e for e in self.mentioned if e.kind == "campaign"), None)
        )
        if campaign is None and tag is not None:
            owner = re.sub(r"[’']s\b|#\w+|\bcampaign\b|,", " ", subject)
            runs_it = self._resolve(" ".join(owner.split())) if owner.strip() else None
            if runs_it is None or runs_it.entity.kind != "org":
                return None
            campaign = self.known.add(Entity("campaign", [tag.group()], runs_it=runs_it.entity))
        if campaign is None or campaign.kind != "campaign":
            return None
        runner = campaign.runs_it or next(
            (e for e in self.known.entities if campaign.runner and e.iri == campaign.runner), None)
        if runner is None:
            return None
        self._remember(campaign)
        return Speaker(runner, subject, campaign=campaign, named=False)

__all__ = ["PERSON_NAME", "VERB", "VERBS", "VERB_TEXT", "Speaker", "Speakers"]
