"""The people, organisations and campaigns the graph already knows, and matching a name to them.

A name as an article writes it ("Cllr Perry", "Mr Wanless", "The NSPCC", "the charity") is
matched against every label and alias of the known entities, ignoring case, a leading "the",
honorifics and the kind of apostrophe; a surname alone matches a person named in full earlier in
the same article first, then a unique person in the graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from cyberflag.sparql.results import Term

TITLES = (
    "Chief Constable",
    "Deputy Chief Constable",
    "Assistant Chief Constable",
    "Detective Chief Superintendent",
    "Det Supt",
    "Councillor",
    "Cllr",
    "Professor",
    "Prof",
    "Baroness",
    "Lord",
    "Lady",
    "Dame",
    "Sir",
    "Mrs",
    "Miss",
    "Mr",
    "Ms",
    "Dr",
    "Rev",
)
"""Honorifics written before a name; the name shown (``skos:prefLabel``) goes without them."""

_TITLE = re.compile(r"^(?:" + "|".join(t.replace(" ", r"\s+") for t in TITLES) + r")\.?\s+")

ENTITIES_QUERY = """\
PREFIX schema: <http://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX cf: <https://w3id.org/cyberflag/ontology#>
SELECT ?entity ?kind ?label ?runner WHERE {
  { ?entity a schema:Person . BIND ("person" AS ?kind) }
  UNION { ?entity a org:Organization . BIND ("org" AS ?kind) }
  UNION { ?entity a schema:Place . BIND ("area" AS ?kind) }
  UNION { ?entity a cf:Campaign . BIND ("campaign" AS ?kind)
          OPTIONAL { ?entity prov:wasAssociatedWith ?runner } }
  ?entity skos:prefLabel|skos:altLabel|schema:name|schema:legalName ?label .
}
ORDER BY ?entity ?label
"""


def strip_title(name: str) -> str:
    """``name`` without an honorific in front ("Cllr Roy Perry" → "Roy Perry")."""
    return _TITLE.sub("", name.strip())


def normal(name: str) -> str:
    """The form names are compared in: case, apostrophes, spaces, "the" and titles ignored."""
    name = re.sub(r"[’‘`]", "'", name.strip()).casefold()
    name = re.sub(r"^the\s+", "", name)
    name = _TITLE.sub("", name + " ").strip() if _TITLE.match(name.title() + " ") else name
    return " ".join(name.split())


@dataclass
class Entity:
    """One person, organisation or campaign: its IRI (``None`` until a new one is minted), its
    labels (the first is the name shown) and, for a campaign, the organisation running it."""

    kind: str
    labels: list[str]
    iri: str | None = None
    runner: str | None = None
    aliases: list[str] = field(default_factory=list)  # as written in the new article
    runs_it: Entity | None = None  # a new campaign: the organisation the article says runs it

    @property
    def name(self) -> str:
        return self.labels[0]

    @property
    def surname(self) -> str:
        return strip_title(self.name).split()[-1].casefold() if self.kind == "person" else ""


class Known:
    """The entities of the graph and of the article being drafted, found by name."""

    def __init__(self, entities: list[Entity]) -> None:
        self.entities = list(entities)
        self._by_label: dict[str, Entity] = {}
        for entity in self.entities:
            self._index(entity)

    def _index(self, entity: Entity) -> None:
        for label in entity.labels + entity.aliases:
            self._by_label.setdefault(normal(label), entity)

    def add(self, entity: Entity) -> Entity:
        """A new entity, found by its labels from now on."""
        self.entities.append(entity)
        self._index(entity)
        return entity

    def alias(self, entity: Entity, written: str) -> None:
        """``written`` is how the article names ``entity``: found by it from now on."""
        if written not in entity.aliases and written not in entity.labels:
            entity.aliases.append(written)
        self._by_label.setdefault(normal(written), entity)

    def find(self, name: str, mentioned: list[Entity] | None = None) -> Entity | None:
        """The entity ``name`` names: by a label or alias, else (for one word after an honorific
        or alone) by surname among ``mentioned`` (this article's, latest first), else a unique
        person of the graph with that surname."""
        key = normal(name)
        if not key:
            return None
        hit = self._by_label.get(key)
        described = re.fullmatch(r"(?:[Tt]he\s+)?[a-z’' ]+", name.strip())  # "the charity"
        if hit is not None and described and hit not in (mentioned or []):
            # a description names someone of this article, never a stranger's alias
            hit = hit if normal(hit.labels[0]) == key and hit.kind == "org" else None
        if hit is not None:
            return hit
        words = strip_title(name).split()
        if len(words) != 1:
            return None
        surname = words[0].casefold().replace("’", "'")
        for entity in mentioned or []:
            if entity.surname.replace("’", "'") == surname:
                return entity
        people = [e for e in self.entities if e.surname.replace("’", "'") == surname]
        return people[0] if len(people) == 1 else None


def known_from(rows: list[dict[str, Term]]) -> Known:
    """The entities in the rows of :data:`ENTITIES_QUERY`."""
    entities: dict[str, Entity] = {}
    for row in rows:
        values = {k: v.value for k, v in row.items() if v is not None}
        entity = entities.setdefault(values["entity"], Entity(values["kind"], [], values["entity"]))
        if values["label"] not in entity.labels:
            entity.labels.append(values["label"])
        if values.get("runner"):
            entity.runner = values["runner"]
    return Known(sorted(entities.values(), key=lambda e: e.iri or ""))


def load_known(data: Path | None, store: Path | None = None) -> Known:
    """The entities of the graph in ``data`` (the shipped data when ``None``), through the same
    engine as the query commands (so a large graph is read from its index, not parsed)."""
    from cyberflag.sparql.engines import default_engine

    return known_from(default_engine(data, "oxigraph", store).select(ENTITIES_QUERY).dicts())


__all__ = [
    "ENTITIES_QUERY", "TITLES", "Entity", "Known", "known_from", "load_known", "normal",
    "strip_title",
]
