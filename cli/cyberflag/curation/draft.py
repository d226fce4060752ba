"""A new article's drafts as RDF, in the model of ``ontology/MODEL.md``.

Every drafted node (statement, observation, new person or organisation, the article's date and
headline reading) carries ``cf:curationStatus cf:Draft``, the rule that drafted it
(``cf:draftRule``) and a confidence (``cf:confidence``): queries and pages show drafts as drafts,
and ``cyberflag review`` turns them into accepted facts by removing the marks. Resources other
files describe (a known person, a period) are pointed at, never described again here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from cyberflag.curation.asks import AskDraft
from cyberflag.curation.entities import Entity
from cyberflag.curation.figures import FigureDraft, SourceDraft
from cyberflag.curation.layout import Layout, Range
from cyberflag.curation.periods import Period
from cyberflag.curation.roles import RoleDraft, role_key
from cyberflag.curation.speakers import Speaker
from cyberflag.curation.statements import StatementDraft
from cyberflag.curation.triples import JOIN, add_period, add_report, add_span, mark_draft
from cyberflag.rdf.namespaces import CF, CFD, ORG, QB, SCHEMA


def slugify(words: str, limit: int = 60) -> str:
    """A slug: lower-case ASCII words joined by hyphens, cut at a word boundary."""
    ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_words.casefold()).strip("-")
    while len(slug) > limit and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    return slug or "article"


@dataclass
class ArticleFacts:
    """What ``add`` knows of one page before it is written as RDF."""

    slug: str
    text: str
    layout: Layout
    sha256: str
    original_name: str
    statements: list[StatementDraft]
    figures: list[FigureDraft]
    url: str | None = None
    published: dt.date | None = None  # given by the curator (--published)
    publisher: Speaker | None = None
    publisher_span: Range | None = None
    author: Speaker | None = None
    existing: set[str] = field(default_factory=set)  # IRIs other files describe
    roles: list[RoleDraft] = field(default_factory=list)
    latest_period: Period | None = None  # the closed period the body names that ends last
    asks: list[AskDraft] = field(default_factory=list)
    role_iris: dict[str, str] = field(default_factory=dict)  # role_key(label) -> a role's IRI


class _Builder:
    def __init__(self, facts: ArticleFacts) -> None:
        self.facts = facts
        self.graph = Graph()
        self.article = CFD[f"article/{facts.slug}"]
        self.new_entities: dict[int, URIRef] = {}
        self.evidence: list[tuple[URIRef, URIRef]] = []  # (existing membership, span)

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.graph.add((s, p, o))

    def draft(self, node: URIRef, rule: str, confidence: float) -> None:
        mark_draft(self.graph, node, rule, confidence)

    def span(self, span: Range) -> URIRef:
        return add_span(self.graph, self.facts.slug, self.facts.text, span)

    def entity(self, entity: Entity) -> URIRef:
        """The entity's IRI; a new one is minted and described here, as a draft."""
        if entity.iri is not None:
            return URIRef(entity.iri)
        if id(entity) in self.new_entities:
            return self.new_entities[id(entity)]
        if entity.kind == "campaign":
            return self.campaign(entity)
        kind = "person" if entity.kind == "person" else "org"
        base = slugify(entity.name, 40)
        node = CFD[f"{kind}/{base}"]
        taken = self.facts.existing | {str(n) for n in self.new_entities.values()}
        n = 2
        while str(node) in taken:
            node, n = CFD[f"{kind}/{base}-{n}"], n + 1
        self.new_entities[id(entity)] = node
        self.add(node, RDF.type, SCHEMA.Person if kind == "person" else ORG.Organization)
        if kind == "person":
            self.add(node, SCHEMA.name, Literal(entity.name))
        self.add(node, SKOS.prefLabel, Literal(entity.name))
        for alias in entity.aliases:
            if alias != entity.name and alias.casefold() not in ("he", "she", "it", "they"):
                self.add(node, SKOS.altLabel, Literal(alias))
        self.draft(node, "new-" + kind, 0.5)
        return node

    def campaign(self, entity: Entity) -> URIRef:
        """A new campaign, named by its hashtag where the body first prints it."""
        node = CFD[f"campaign/{slugify(entity.name, 40)}"]
        self.new_entities[id(entity)] = node
        self.add(node, RDF.type, CF.Campaign)
        self.add(node, SKOS.prefLabel, Literal(entity.name))
        if entity.runs_it is not None:
            self.add(node, PROV.wasAssociatedWith, self.entity(entity.runs_it))
        body = self.facts.layout.body
        at = self.facts.text.find(entity.name, *body)
        if at >= 0:
            self.add(node, CF.evidence, self.span((at, at + len(entity.name))))
        self.draft(node, "new-campaign", 0.5)
        return node

    def source(self, source: SourceDraft) -> URIRef:
        """A statistical source as the article names it (a draft), once per article."""
        words = self.facts.text[slice(*source.words)]
        node = CFD[f"source/{self.facts.slug}-{slugify(words, 40)}"]
        if (node, RDF.type, CF.StatisticalSource) not in self.graph:
            self.add(node, RDF.type, CF.StatisticalSource)
            self.add(node, DCTERMS.title, Literal(words))
            self.add(node, CF.sourceKind, CFD[f"source-kind/{source.kind}"])
            if source.by is not None:
                self.add(node, PROV.wasAttributedTo, self.entity(source.by))
            self.add(node, CF.evidence, self.span(source.words))
            self.draft(node, "source-as-written", 0.5)
        return node

    def words(self, segments: list[Range]) -> Literal:
        return Literal(JOIN.join(self.facts.text[s:e] for s, e in segments))

    def article_node(self) -> None:
        f, layout = self.facts, self.facts.layout
        node = self.article
        self.add(node, RDF.type, SCHEMA.NewsArticle)
        self.add(node, CF.body, self.span(layout.body))
        self.add(node, CF.sourceFile, Literal(f"{f.slug}.txt"))
        self.add(node, CF.originalFileName, Literal(f.original_name))
        self.add(node, CF.sha256, Literal(f.sha256))
        if f.url:
            self.add(node, SCHEMA.url, Literal(f.url, datatype=XSD.anyURI))
        if layout.headline is not None:
            self.add(node, SCHEMA.headline, Literal(f.text[slice(*layout.headline)]))
            self.add(node, CF.headlineEvidence, self.span(layout.headline))
        if f.publisher is not None:
            self.add(node, SCHEMA.publisher, self.entity(f.publisher.entity))
            if f.publisher_span is not None:
                self.add(node, CF.publisherEvidence, self.span(f.publisher_span))
        if f.author is not None:
            self.add(node, SCHEMA.author, self.entity(f.author.entity))
        self.date()

    def date(self) -> None:
        f, dateline = self.facts, self.facts.layout.dateline
        if dateline is not None:
            self.add(
                self.article,
                SCHEMA.datePublished,
                Literal(dateline.day.isoformat(), datatype=XSD.date),
            )
            self.add(self.article, CF.datePrecision, CF.DayPrecision)
            self.add(self.article, CF.dateEvidence, self.span((dateline.start, dateline.end)))
            self.draft(self.article, "dateline", 0.9)
            return
        inference = CFD[f"inference/{f.slug}-date"]
        self.add(self.article, CF.datePrecision, CF.Inferred)
        self.add(self.article, CF.dateInference, inference)
        self.add(inference, RDF.type, CF.Inference)
        if f.published is not None:
            for bound in (CF.earliest, CF.latest):
                self.add(inference, bound, Literal(f.published.isoformat(), datatype=XSD.date))
            reasoning = (
                "The page prints no date; the curator who added it gave "
                f"{f.published.isoformat()} (cyberflag add --published)."
            )
        elif f.latest_period is not None:
            period = f.latest_period
            assert period.end is not None
            after = period.end + dt.timedelta(days=1)
            self.add(inference, CF.earliest, Literal(after.isoformat(), datatype=XSD.date))
            self.add(inference, CF.evidence, self.span(period.written))
            reasoning = (
                f"Undated. It reports figures for “{f.text[slice(*period.written)]}”, which "
                f"ended on {period.end.isoformat()}, so it was written after that: no earlier "
                f"than {after.isoformat()}. Nothing in the text bounds it later; a curator can "
                "(editorial rule 9: the terms of office of people it names in post, the "
                "release date of the figures it calls new)."
            )
        else:
            reasoning = (
                "The page prints no date, and none was given when it was added; a "
                "curator should bound it from the text's own dates and external facts "
                "(editorial rule 9)."
            )
        self.add(inference, CF.reasoning, Literal(reasoning))
        self.add(inference, CF.evidence, self.span(f.layout.body))  # the page, read whole
        self.draft(self.article, "undated", 0.3)

    def statement(self, n: int, d: StatementDraft) -> None:
        f = self.facts
        speaker = d.speaker
        if d.kind == "HeadlineClaim":
            claimant = f.author or f.publisher
            if claimant is None:
                return
            speaker = claimant
        node = CFD[f"statement/{f.slug}-s{n}"]
        report = URIRef(f"{node}/report/{f.slug}")
        self.add(node, RDF.type, CF.Statement)
        self.add(node, CF.speaker, self.entity(speaker.entity))
        self.add(node, CF.statementKind, CF[d.kind])
        self.add(node, SCHEMA.text, self.words(d.segments))
        if d.fragments:
            self.add(node, CF.quotedFragment, self.words(d.fragments))
        if d.credits is not None:
            self.add(node, CF.headlineAttribution, self.entity(d.credits.entity))
        campaign = d.speaker.campaign
        if campaign is not None:
            self.add(node, CF.partOfCampaign, self.entity(campaign))
        self.draft(node, d.rule, d.confidence)
        add_report(self.graph, node, report, f.slug, f.text, d.segments)
        if d.verb:
            self.add(report, CF.reportingVerb, Literal(d.verb))
        if d.inference is not None:
            reasoning, evidence = d.inference
            inference = CFD[f"inference/{f.slug}-s{n}-attribution"]
            self.add(report, CF.attributionInference, inference)
            self.add(inference, RDF.type, CF.Inference)
            self.add(inference, CF.reasoning, Literal(reasoning))
            for span in evidence:
                self.add(inference, CF.evidence, self.span(span))
        if d.kind == "HeadlineClaim":
            self.add(self.article, CF.headlineEvidence, self.span(d.segments[0]))

    def figure(self, n: int, d: FigureDraft) -> None:
        f = self.facts
        node = CFD[f"observation/{f.slug}-f{n}"]
        self.add(node, RDF.type, QB.Observation)
        self.add(node, QB.dataSet, CFD["dataset/cyberflag-statistics"])
        self.add(node, CF.value, Literal(d.value))
        self.add(node, CF.comparator, CF[d.comparator])
        self.add(node, CF.unit, CFD[f"unit/{d.unit}"])
        self.add(node, CF.measure, CFD[f"measure/{d.measure}"])
        if d.area is not None:
            self.add(node, CF.refArea, URIRef(d.area))
        if d.coverage is not None:
            self.add(node, CF.coverage, Literal(f.text[slice(*d.coverage)]))
        if d.source is not None:
            self.add(node, CF.statisticalSource, self.source(d.source))
        if d.period is not None:
            self.add(node, CF.periodAsWritten, Literal(f.text[slice(*d.period.written)]))
            interval = add_period(self.graph, d.period.start, d.period.end, f.existing)
            self.add(node, CF.refPeriod, interval)
            if d.period.reasoning:
                inference = CFD[f"inference/{f.slug}-f{n}-period"]
                self.add(node, CF.periodInference, inference)
                self.add(inference, RDF.type, CF.Inference)
                self.add(inference, CF.reasoning, Literal(d.period.reasoning))
                self.add(inference, CF.evidence, self.span(d.period.written))
        self.draft(node, d.rule, d.confidence)
        for n, (clause, written) in enumerate([(d.clause, d.written), *d.also], start=1):
            report = URIRef(f"{node}/report/{f.slug}" + (f"-{n}" if n > 1 else ""))
            add_report(self.graph, node, report, f.slug, f.text, [clause])
            self.add(report, CF.valueAsWritten, Literal(f.text[slice(*written)]))


    def role(self, r: RoleDraft) -> None:
        span = self.span(r.span)
        if r.existing is not None:
            self.evidence.append((URIRef(r.existing.iri), span))
            return
        assert r.org is not None
        person, org = self.entity(r.person), self.entity(r.org)
        role = self.facts.role_iris.get(role_key(r.role))
        if role is None:
            role = str(CFD[f"role/{slugify(r.role, 40)}"])
            self.facts.role_iris[role_key(r.role)] = role
            self.add(URIRef(role), RDF.type, ORG.Role)
            self.add(URIRef(role), SKOS.prefLabel, Literal(r.role))
            self.draft(URIRef(role), "new-role", 0.5)
        tails = [str(n).rsplit("/", 1)[1] for n in (person, org, URIRef(role))]
        node = CFD["membership/" + "/".join(tails)]
        if (node, RDF.type, ORG.Membership) not in self.graph:
            self.add(node, RDF.type, ORG.Membership)
            self.add(node, ORG.member, person)
            self.add(node, ORG.organization, org)
            self.add(node, ORG.role, URIRef(role))
            self.draft(node, "role-as-written", 0.6)
        self.add(node, CF.evidence, span)


    def ask(self, n: int, a: AskDraft) -> None:
        f = self.facts
        statement = CFD[f"statement/{f.slug}-s{a.statement + 1}"]
        if (statement, RDF.type, CF.Statement) not in self.graph:
            return  # a headline claim with no one to speak it was not written
        node = CFD[f"ask/{f.slug}-a{n}"]
        self.add(node, RDF.type, CF.Ask)
        self.add(node, SCHEMA.text, Literal(f.text[slice(*a.action)]))
        self.add(node, CF.askedBy, self.entity(a.asker))
        if a.campaign is not None:
            self.add(node, CF.partOfCampaign, self.entity(a.campaign))
        if a.addressee is not None:
            self.add(node, CF.addressedTo, self.entity(a.addressee))
        self.add(node, CF.evidence, self.span(a.action))
        self.add(node, CF.statedIn, statement)
        self.draft(node, a.rule, a.confidence)


@dataclass(frozen=True)
class Built:
    """The article file's graph, and the evidence it adds to memberships other files describe."""

    graph: Graph
    evidence: list[tuple[URIRef, URIRef]]


def build_graph(facts: ArticleFacts) -> Built:
    """The article file's graph: the article, its spans and every drafted fact."""
    builder = _Builder(facts)
    builder.article_node()
    for n, statement in enumerate(facts.statements, start=1):
        builder.statement(n, statement)
    for n, figure in enumerate(facts.figures, start=1):
        builder.figure(n, figure)
    for n, ask in enumerate(facts.asks, start=1):
        builder.ask(n, ask)
    for role in facts.roles:
        builder.role(role)
    return Built(builder.graph, builder.evidence)


__all__ = ["ArticleFacts", "Built", "build_graph", "slugify"]
