"""Generate a synthetic cyberflag corpus of any size, in the project's own model.

Why: five articles say nothing about how the commands behave when users add every year's figures
and every outlet's coverage. This script writes a data directory laid out like ``data/`` (source
texts with a manifest, ``entities.ttl``, ``concepts.ttl``, ``articles/*.ttl``) holding N articles
with everything the real data has: people with roles held in organisations, statements of the three
kinds with reports anchored to character spans of generated source texts, statements reported by
two outlets on the same day, statistics with periods, areas, sources and derived figures
(percentage changes and daily averages that the arithmetic layer can recompute), asks, campaigns,
and undated articles whose date is inferred. The result passes every layer of ``cyberflag
validate`` (the test suite checks a small corpus; the benchmark the large ones).

All names are synthetic and clearly so ("Speaker 0042", "Organisation 017", "Area 012", "News
Outlet 03"), and all text is neutral placeholder prose: no quote is attributed to a real person.

Deterministic: the same ``--articles`` (or ``--size``) and ``--seed`` give byte-identical files,
so benchmark runs on different days measure the same data. Files are written with
:func:`cyberflag.rdf.turtle.dump`, the project's canonical writer.

Generation runs in two passes: the first writes every article's text and plans what it reports
(which spans, which statements and figures, and where each node lives: a statement or figure lives
in the file of the first article reporting it, its later reports in their own articles' files, as
in the real data); the second turns the plan into one graph per file. Planning first is what lets
a figure first reported in article 10 and again in article 900 carry both reports without holding
a million triples in memory.

Usage::

    python bench/generate.py OUT --size 10k          # about 10,000 triples
    python bench/generate.py OUT --articles 40 --seed 7
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import random
import shutil
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "cli") not in sys.path:  # a checkout without an install
    sys.path.insert(0, str(ROOT / "cli"))

from rdflib import Graph, Literal, URIRef  # noqa: E402
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD  # noqa: E402

from cyberflag.rdf import resources, turtle  # noqa: E402
from cyberflag.rdf.namespaces import CF, CFD, OA, ORG, QB, SCHEMA  # noqa: E402

TRIPLES_PER_ARTICLE = 253
"""Measured average, entities and concepts included (seed 0: 40 articles give 10,130 triples, 395
give 100,642, 3,953 give 1,026,708): sizes the corpus for ``--size``. The exact count is printed
after writing."""

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}

DATASET = CFD["dataset/cyberflag-statistics"]
ROLES = (
    "chief executive", "chair", "director", "spokesperson", "policy lead", "head of research",
    "board member", "senior officer",
)
CATEGORIES = {  # concept key → the words a sentence uses
    "online-child-sexual-offences": "child sexual offences with an online element",
    "online-rape-of-a-child": "offences of rape of a child with an online element",
}
SOURCE_KINDS = ("foi-request", "official-statistics", "figures-obtained")
ASK_TOPICS = {
    "independent-regulator": "an independent regulator",
    "safe-accounts": "safe accounts for children",
    "detailed-reporting": "detailed reporting",
    "minimum-safeguarding-standards": "minimum safeguarding standards",
    "default-privacy-protection": "default privacy protection",
    "mental-health-support": "mental health support",
    "police-awareness": "awareness training for officers",
    "legislation": "a timetable for legislation",
    "tough-regulation": "regulation of social networks",
}
REPORTED_VERBS = ("said", "warned", "noted", "added", "argued")
FIRST_FY, LAST_FY = 2010, 2020  # financial years 2010/11 .. 2020/21
START_DATE = dt.date(2016, 1, 4)

# Neutral placeholder prose. Each remark also carries a serial number, which makes every text
# unique (two speakers never share words, so the consistency layer has nothing to flag).
SUBJECTS = (
    "the annual figures", "recording practices", "the new guidelines", "training courses",
    "reports from the public", "local services", "the published tables", "review meetings",
    "support services for families", "joint working arrangements",
)
PREDICATES = (
    "point to further work on", "need a closer look at", "show steady attention to",
    "depend on clear guidance about", "call for regular updates on", "rely on funding for",
    "give a fuller picture of", "require cooperation on",
)
OBJECTS = (
    "data quality", "case handling", "staff training", "public information", "school outreach",
    "victim support", "local reporting", "record keeping", "the next review",
)


# --- plan records -------------------------------------------------------------------------------


Span = tuple[str, int, int]  # article slug, start, end


@dataclass
class Report:
    """One report of a statement or figure: the span in one article that states it."""

    span: Span
    verb: str | None = None
    as_written: str | None = None


@dataclass
class Statement:
    key: str
    speaker: URIRef
    kind: URIRef
    text: str
    fragment: str | None = None
    about: list[URIRef] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)


@dataclass
class Observation:
    key: str
    measure: str
    value: int
    unit: str
    period: int  # financial year starting in April of this year
    area: URIRef
    category: str
    source: URIRef
    derived_from: list[str] = field(default_factory=list)
    derivation: URIRef | None = None
    reports: list[Report] = field(default_factory=list)


@dataclass
class Ask:
    key: str
    span: Span
    text: str
    by: URIRef
    to: list[URIRef]
    topic: str
    stated_in: str
    campaign: URIRef | None = None


@dataclass
class Article:
    slug: str
    text: str = ""
    headline: str = ""
    body: Span | None = None
    date: dt.date | None = None
    date_span: Span | None = None
    inference: tuple[str, list[Span], dt.date] | None = None  # reasoning, evidence, earliest
    author: URIRef | None = None
    publisher: URIRef | None = None
    publisher_span: Span | None = None
    mentions: list[URIRef] = field(default_factory=list)
    spans: dict[tuple[int, int], str] = field(default_factory=dict)
    statements: list[str] = field(default_factory=list)  # homed here
    observations: list[str] = field(default_factory=list)  # homed here
    reports: list[tuple[str, str, Report]] = field(default_factory=list)  # (kind, key, report)
    asks: list[Ask] = field(default_factory=list)


class TextBuilder:
    """An article's source text under construction; every fact is a span of what it appends."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        self.parts: list[str] = []
        self.length = 0
        self.spans: dict[tuple[int, int], str] = {}

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def span(self, text: str) -> Span:
        """Append ``text`` and return its span (recorded for the article file)."""
        start = self.length
        self.add(text)
        self.spans[(start, self.length)] = text
        return (self.slug, start, self.length)

    @property
    def text(self) -> str:
        return "".join(self.parts)


# --- the generator --------------------------------------------------------------------------------


def fy_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def fy_dates(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def period_iri(year: int) -> URIRef:
    start, end = fy_dates(year)
    return CFD[f"period/{start}_{end}"]


def clause(rng: random.Random) -> str:
    """A neutral placeholder clause such as 'local services need a closer look at data quality'."""
    return f"{rng.choice(SUBJECTS)} {rng.choice(PREDICATES)} {rng.choice(OBJECTS)}"


class Corpus:
    """The plan of a corpus: entities, then every article's text and facts."""

    def __init__(self, articles: int, seed: int) -> None:
        self.n = articles
        self.seed = seed
        self.rng = random.Random(seed)
        n = articles
        self.people = [CFD[f"person/speaker-{i:04d}"] for i in range(max(8, n // 4))]
        self.orgs = [CFD[f"org/organisation-{i:03d}"] for i in range(max(8, n // 20))]
        self.outlets = [CFD[f"org/news-outlet-{i:02d}"] for i in range(max(3, min(60, n // 10)))]
        self.areas = [CFD[f"area/area-{i:03d}"] for i in range(max(3, n // 25))]
        self.sources = [CFD[f"source/source-{i:04d}"] for i in range(max(3, n // 10))]
        self.campaigns = [CFD[f"campaign/campaign-{i:02d}"] for i in range(max(1, n // 60))]
        self.roles = [CFD[f"role/{r.replace(' ', '-')}"] for r in ROLES]
        self.names: dict[URIRef, str] = {}
        for i, p in enumerate(self.people):
            self.names[p] = f"Speaker {i:04d}"
        for i, o in enumerate(self.orgs):
            self.names[o] = f"Organisation {i:03d}"
        for i, o in enumerate(self.outlets):
            self.names[o] = f"News Outlet {i:02d}"
        for i, a in enumerate(self.areas):
            self.names[a] = f"Area {i:03d}"
        for i, c in enumerate(self.campaigns):
            self.names[c] = f"Campaign {i:02d}"
        for r, label in zip(self.roles, ROLES, strict=True):
            self.names[r] = label
        # Each person holds one role in one organisation (two for every fifth): a person is never
        # given two roles in the same organisation, which the consistency layer would flag.
        self.memberships: dict[URIRef, list[tuple[URIRef, URIRef]]] = {}
        for i, p in enumerate(self.people):
            held = [(self.orgs[i % len(self.orgs)], self.roles[i % len(self.roles)])]
            if i % 5 == 0 and len(self.orgs) > 1:
                held.append((self.orgs[(i * 7 + 3) % len(self.orgs)], self.roles[(i + 3) % 8]))
                if held[1][0] == held[0][0]:
                    held.pop()
            self.memberships[p] = held
        self.evidence: dict[URIRef, list[Span]] = {}  # membership or campaign → spans
        self.source_orgs = {s: self.orgs[i % len(self.orgs)] for i, s in enumerate(self.sources)}
        self.campaign_orgs = {
            c: self.orgs[(i * 3) % len(self.orgs)] for i, c in enumerate(self.campaigns)
        }
        self.statements: dict[str, Statement] = {}
        self.observations: dict[str, Observation] = {}
        self.articles: list[Article] = []
        self.serial = 0
        self.years_used: set[int] = set()

    # --- helpers --------------------------------------------------------------------------------

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def membership_iri(self, person: URIRef, org: URIRef, role: URIRef) -> URIRef:
        local = lambda u: str(u).rsplit("/", 1)[1]  # noqa: E731
        return CFD[f"membership/{local(person)}/{local(org)}/{local(role)}"]

    def fact_value(self, area: URIRef, category: str, year: int) -> int:
        """The 'true' count for an area, category and year: one value however often reported,
        growing about 8 per cent a year with some noise, as recorded figures did."""
        scale = random.Random(f"{self.seed}|{area}|{category}").uniform(1, 12)
        noise = random.Random(f"{self.seed}|{area}|{category}|{year}").uniform(0.9, 1.1)
        base = 400 if category == "online-child-sexual-offences" else 40
        return round(base * scale * (1.08 ** (year - FIRST_FY)) * noise)

    def source_for(self, area: URIRef, year: int) -> URIRef:
        rng = random.Random(f"{self.seed}|source|{area}|{year}")
        return self.sources[rng.randrange(len(self.sources))]

    def count(self, area: URIRef, category: str, year: int) -> Observation:
        key = f"offences-{str(area).rsplit('/', 1)[1]}-{category}-{year}-{year + 1 - 2000:02d}"
        if key not in self.observations:
            self.observations[key] = Observation(
                key, "offences-recorded", self.fact_value(area, category, year), "offences", year,
                area, category, self.source_for(area, year),
            )
            self.years_used.add(year)
        return self.observations[key]

    def derived(self, kind: str, parts: list[Observation]) -> Observation:
        latest = parts[0]
        key = f"{kind}-{latest.key.removeprefix('offences-')}"
        if key not in self.observations:
            if kind == "percentage-change":
                earlier = parts[1]
                change = Fraction(latest.value - earlier.value, earlier.value) * 100
                # floor: a true -12.7 is stated as -13, which rounding accepts; a true 12.7 as 12,
                # which truncation accepts (see cyberflag.checks.layers.arithmetic.agrees)
                value, unit, derivation = math.floor(change), "percent", CF.PercentageChange
            else:
                start, end = fy_dates(latest.period)
                days = (end - start).days + 1
                value, unit = math.floor(Fraction(latest.value, days)), "offences-per-day"
                derivation = CF.DailyAverage
            self.observations[key] = Observation(
                key, kind, value, unit, latest.period, latest.area, latest.category,
                latest.source, [p.key for p in parts], derivation,
            )
        return self.observations[key]

    def report(self, article: Article, kind: str, key: str, report: Report) -> None:
        node = self.statements[key] if kind == "statement" else self.observations[key]
        if not node.reports:
            (article.statements if kind == "statement" else article.observations).append(key)
        node.reports.append(report)
        article.reports.append((kind, key, report))

    # --- one article ----------------------------------------------------------------------------

    def article(self, i: int) -> Article:
        rng = self.rng
        slug = f"synthetic-article-{i:06d}"
        art = Article(slug)
        out = TextBuilder(slug)
        day = i // 2  # two outlets a day, so some statements are reported twice on one date
        date = START_DATE + dt.timedelta(days=day % 1800)
        dated = (i % 10) != 7  # every tenth article is undated: its date is inferred
        partner = self.articles[-1] if i % 2 == 1 and self.articles else None
        out.add(f"Synthetic News Site | Home | News | Local | Contact | item {i:06d}\n\n")
        body_start = out.length
        area = self.areas[rng.randrange(len(self.areas))]
        category = rng.choice(list(CATEGORIES))
        # the latest figures are for a financial year that ended before the article appeared
        latest_fy = min(LAST_FY, date.year - (1 if date.month >= 5 else 2) - rng.randrange(2))
        art.headline = f"Placeholder report {i:06d} on recorded figures for {self.names[area]}"
        out.add(art.headline + "\n")
        art.publisher = self.outlets[i % len(self.outlets)]
        if dated:
            art.date = date
            art.publisher_span = out.span(self.names[art.publisher])
            out.add(", ")
            art.date_span = out.span(f"{date.day} {date:%B %Y}")
            out.add("\n")
        else:
            art.publisher_span = out.span(self.names[art.publisher])
            out.add("\n")
        if rng.random() < 0.6:
            art.author = self.people[rng.randrange(len(self.people))]
            out.add(f"By {self.names[art.author]}\n")
        out.add("\n")

        # The figures: this year's and last year's count, the change and the daily average.
        now = self.count(area, category, latest_fy)
        before = self.count(area, category, latest_fy - 1)
        source = now.source
        out.add(f"Police in {self.names[area]} recorded ")
        now_span = out.span(f"{now.value:,} {CATEGORIES[category]} in {fy_label(latest_fy)}")
        self.report(art, "observation", now.key, Report(now_span, as_written=f"{now.value:,}"))
        out.add(f", according to statistical source {str(source)[-4:]}, compared with ")
        before_span = out.span(f"{before.value:,} in {fy_label(latest_fy - 1)}")
        self.report(
            art, "observation", before.key, Report(before_span, as_written=f"{before.value:,}")
        )
        out.add(". ")
        change = self.derived("percentage-change", [now, before])
        words = f"{abs(change.value)} per cent"
        direction = "a rise of" if change.value >= 0 else "a fall of"
        out.add("That is ")
        change_span = out.span(f"{direction} {words}")
        self.report(art, "observation", change.key, Report(change_span, as_written=words))
        out.add(".")
        if category == "online-child-sexual-offences" and rng.random() < 0.7:
            average = self.derived("daily-average", [now])
            out.add(" On average ")
            avg_span = out.span(f"{average.value} offences were recorded each day")
            self.report(
                art, "observation", average.key, Report(avg_span, as_written=str(average.value))
            )
            out.add(".")
        out.add("\n\n")
        if not dated:
            _, end = fy_dates(latest_fy)
            art.inference = (
                f"Undated. The figures it reports cover the financial year {fy_label(latest_fy)}, "
                f"which ended on {end}, so the article appeared after that date. The text gives "
                "no later bound.",
                [now_span],
                end + dt.timedelta(days=1),
            )

        # Statements made afresh in this article.
        for _ in range(rng.randint(4, 8)):
            self.statement(art, out, rng, about=[now] if rng.random() < 0.3 else [])
        # The day's other outlet repeats one or two of them, in the same words.
        if partner is not None and partner.date is not None and dated:
            fresh = [k for k in partner.statements if len(self.statements[k].reports) == 1]
            for key in fresh[: rng.randint(1, 2)]:
                self.repeat(art, out, self.statements[key])
        if rng.random() < 0.4:
            self.ask(art, out, rng)
        body_end = len(out.text.rstrip())
        out.add("\n\nRelated placeholder stories | Newsletter sign-up | Synthetic News Site\n")
        art.text = out.text
        art.body = (slug, body_start, body_end)
        out.spans[(body_start, body_end)] = art.text[body_start:body_end]
        art.spans = out.spans
        mentioned = [self.source_orgs[source], *art.mentions]
        art.mentions = sorted(dict.fromkeys(mentioned), key=str)
        return art

    def speaker_intro(self, speaker: URIRef, art: Article, out: TextBuilder, rng: random.Random,
                      *, with_role: bool) -> None:
        """Write the speaker's name (with their role, as evidence of the membership)."""
        name = self.names[speaker]
        held = self.memberships.get(speaker)
        if held and with_role:
            org, role = held[rng.randrange(len(held))]
            span = out.span(f"{name}, {self.names[role]} of {self.names[org]}")
            self.evidence.setdefault(self.membership_iri(speaker, org, role), []).append(span)
        else:
            out.add(name)

    def statement(self, art: Article, out: TextBuilder, rng: random.Random,
                  about: list[Observation]) -> str:
        serial = self.next_serial()
        key = f"synthetic-statement-{serial:06d}"
        person = rng.random() < 0.75
        speaker = (
            self.people[rng.randrange(len(self.people))]
            if person
            else self.orgs[rng.randrange(len(self.orgs))]
        )
        draw = rng.random()
        text = f"placeholder remark {serial:06d}: {clause(rng)}"
        if draw < 0.4:
            text = text[0].upper() + text[1:]
            out.add("“")
            span = out.span(text)
            out.add(",” said ")
            self.speaker_intro(speaker, art, out, rng, with_role=rng.random() < 0.7)
            out.add(".\n\n")
            statement = Statement(key, speaker, CF.DirectQuote, text)
            verb = "said"
        elif draw < 0.75:
            verb = rng.choice(REPORTED_VERBS)
            self.speaker_intro(speaker, art, out, rng, with_role=rng.random() < 0.5)
            out.add(f", {verb} that " if out.parts[-1].count(",") else f" {verb} that ")
            span = out.span(text)
            out.add(".\n\n")
            statement = Statement(key, speaker, CF.ReportedSpeech, text)
        else:
            fragment = clause(rng)
            words = f"placeholder remark {serial:06d} showed that “{fragment}”"
            verb = "said"
            self.speaker_intro(speaker, art, out, rng, with_role=rng.random() < 0.5)
            out.add(", said " if out.parts[-1].count(",") else " said ")
            span = out.span(words)
            out.add(".\n\n")
            statement = Statement(key, speaker, CF.PartialQuote, words, fragment=fragment)
        statement.about = [CFD[f"observation/{o.key}"] for o in about]
        self.statements[key] = statement
        self.report(art, "statement", key, Report(span, verb=verb))
        return key

    def repeat(self, art: Article, out: TextBuilder, statement: Statement) -> None:
        """Report an earlier statement again, in this article and in the same words."""
        name = self.names[statement.speaker]
        if statement.kind == CF.DirectQuote:
            out.add("“")
            span = out.span(statement.text)
            out.add(f",” {name} also said.\n\n")
            verb = "also said"
        elif statement.kind == CF.ReportedSpeech:
            out.add(f"{name} also said that ")
            span = out.span(statement.text)
            out.add(".\n\n")
            verb = "also said"
        else:
            out.add(f"{name} said ")
            span = out.span(statement.text)
            out.add(".\n\n")
            verb = "said"
        self.report(art, "statement", statement.key, Report(span, verb=verb))

    def ask(self, art: Article, out: TextBuilder, rng: random.Random) -> None:
        """An organisation (or its campaign) calls on another organisation to do something."""
        serial = self.next_serial()
        topic = rng.choice(list(ASK_TOPICS))
        text = f"introduce placeholder measure {serial:06d} on {ASK_TOPICS[topic]}"
        campaign = None
        if rng.random() < 0.4:
            campaign = self.campaigns[rng.randrange(len(self.campaigns))]
            asker = self.campaign_orgs[campaign]
            out.add(f"{self.names[asker]} runs ")
            self.evidence.setdefault(campaign, []).append(
                out.span(f"the {self.names[campaign]} campaign")
            )
            out.add(", which is calling on ")
        else:
            asker = self.orgs[rng.randrange(len(self.orgs))]
            out.add(f"{self.names[asker]} is calling on ")
        addressee = self.orgs[rng.randrange(len(self.orgs))]
        out.add(f"{self.names[addressee]} to ")
        span = out.span(text)
        out.add(".\n\n")
        key = f"synthetic-statement-{serial:06d}"
        self.statements[key] = Statement(key, asker, CF.ReportedSpeech, text)
        self.report(art, "statement", key, Report(span, verb="is calling on"))
        art.asks.append(
            Ask(f"synthetic-ask-{serial:06d}", span, text, campaign or asker, [addressee], topic,
                key, campaign)
        )
        art.mentions.append(addressee)

    def plan(self) -> None:
        for i in range(self.n):
            self.articles.append(self.article(i))


# --- graphs ---------------------------------------------------------------------------------------


def span_iri(span: Span) -> URIRef:
    slug, start, end = span
    return CFD[f"span/{slug}/{start}-{end}"]


def d(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def add_span(g: Graph, slug: str, start: int, end: int, exact: str) -> None:
    s = span_iri((slug, start, end))
    q, p = URIRef(f"{s}/quote"), URIRef(f"{s}/position")
    g.add((s, RDF.type, OA.SpecificResource))
    g.add((s, OA.hasSource, CFD[f"article/{slug}"]))
    g.add((s, OA.hasSelector, q))
    g.add((s, OA.hasSelector, p))
    g.add((q, RDF.type, OA.TextQuoteSelector))
    g.add((q, OA.exact, Literal(exact)))
    g.add((p, RDF.type, OA.TextPositionSelector))
    g.add((p, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
    g.add((p, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))


def report_iri(body: URIRef, report: Report) -> URIRef:
    return URIRef(f"{body}/report/{report.span[0]}")


def add_reports(g_home: Graph, body: URIRef, reports: Iterable[Report]) -> None:
    for report in reports:
        g_home.add((body, CF.hasReport, report_iri(body, report)))


def article_graph(corpus: Corpus, art: Article) -> Graph:
    g = Graph()
    a = CFD[f"article/{art.slug}"]
    g.add((a, RDF.type, SCHEMA.NewsArticle))
    g.add((a, SCHEMA.headline, Literal(art.headline)))
    if art.date is not None:
        assert art.date_span is not None
        g.add((a, SCHEMA.datePublished, d(art.date)))
        g.add((a, CF.dateEvidence, span_iri(art.date_span)))
        g.add((a, CF.datePrecision, CF.DayPrecision))
    else:
        assert art.inference is not None
        reasoning, evidence, earliest = art.inference
        inf = CFD[f"inference/{art.slug}-date"]
        g.add((a, CF.datePrecision, CF.Inferred))
        g.add((a, CF.dateInference, inf))
        g.add((inf, RDF.type, CF.Inference))
        g.add((inf, CF.reasoning, Literal(reasoning)))
        g.add((inf, CF.earliest, d(earliest)))
        for span in evidence:
            g.add((inf, CF.evidence, span_iri(span)))
    if art.author is not None:
        g.add((a, SCHEMA.author, art.author))
    if art.publisher is not None and art.publisher_span is not None:
        g.add((a, SCHEMA.publisher, art.publisher))
        g.add((a, CF.publisherEvidence, span_iri(art.publisher_span)))
    assert art.body is not None
    g.add((a, CF.body, span_iri(art.body)))
    g.add((a, CF.sourceFile, Literal(f"{art.slug}.txt")))
    g.add((a, CF.originalFileName, Literal(f"synthetic-{art.slug}.txt")))
    g.add((a, CF.sha256, Literal(hashlib.sha256(art.text.encode("utf-8")).hexdigest())))
    for mention in art.mentions:
        g.add((a, SCHEMA.mentions, mention))
    for (start, end), exact in art.spans.items():
        add_span(g, art.slug, start, end, exact)

    for key in art.statements:
        st = corpus.statements[key]
        s = CFD[f"statement/{key}"]
        g.add((s, RDF.type, CF.Statement))
        g.add((s, CF.speaker, st.speaker))
        g.add((s, CF.statementKind, st.kind))
        g.add((s, SCHEMA.text, Literal(st.text)))
        if st.fragment is not None:
            g.add((s, CF.quotedFragment, Literal(st.fragment)))
        for about in st.about:
            g.add((s, CF.about, about))
        add_reports(g, s, st.reports)
    for key in art.observations:
        ob = corpus.observations[key]
        o = CFD[f"observation/{key}"]
        g.add((o, RDF.type, QB.Observation))
        g.add((o, QB.dataSet, DATASET))
        g.add((o, CF.measure, CFD[f"measure/{ob.measure}"]))
        g.add((o, CF.value, Literal(ob.value, datatype=XSD.integer)))
        g.add((o, CF.comparator, CF.Exactly))
        g.add((o, CF.unit, CFD[f"unit/{ob.unit}"]))
        g.add((o, CF.refPeriod, period_iri(ob.period)))
        g.add((o, CF.refArea, ob.area))
        g.add((o, CF.offenceCategory, CFD[f"offence-category/{ob.category}"]))
        g.add((o, CF.statisticalSource, ob.source))
        g.add((o, CF.periodAsWritten, Literal(fy_label(ob.period))))
        for part in ob.derived_from:
            g.add((o, PROV.wasDerivedFrom, CFD[f"observation/{part}"]))
        if ob.derivation is not None:
            g.add((o, CF.derivation, ob.derivation))
        add_reports(g, o, ob.reports)
    for kind, key, report in art.reports:
        body = CFD[f"{kind}/{key}"]
        r = report_iri(body, report)
        g.add((r, RDF.type, CF.Report))
        g.add((r, OA.hasBody, body))
        g.add((r, OA.hasTarget, span_iri(report.span)))
        _, start, end = report.span
        g.add((r, CF.reportedWords, Literal(art.spans[(start, end)])))
        if report.verb is not None:
            g.add((r, CF.reportingVerb, Literal(report.verb)))
        if report.as_written is not None:
            g.add((r, CF.valueAsWritten, Literal(report.as_written)))
    for ask in art.asks:
        k = CFD[f"ask/{ask.key}"]
        g.add((k, RDF.type, CF.Ask))
        g.add((k, SCHEMA.text, Literal(ask.text)))
        g.add((k, CF.askedBy, ask.by))
        for to in ask.to:
            g.add((k, CF.addressedTo, to))
        if ask.campaign is not None:
            g.add((k, CF.partOfCampaign, ask.campaign))
        g.add((k, CF.askTopic, CFD[f"ask-topic/{ask.topic}"]))
        g.add((k, CF.evidence, span_iri(ask.span)))
        g.add((k, CF.statedIn, CFD[f"statement/{ask.stated_in}"]))
    return g


def entities_graph(corpus: Corpus) -> Graph:
    g = Graph()

    def labelled(node: URIRef) -> None:
        # The name as written is the prefLabel; an altLabel equal to it breaks editorial rule 14.
        g.add((node, SKOS.prefLabel, Literal(corpus.names[node])))

    for person in corpus.people:
        g.add((person, RDF.type, SCHEMA.Person))
        g.add((person, SCHEMA.name, Literal(corpus.names[person])))
        labelled(person)
    for i, org in enumerate(corpus.orgs):
        g.add((org, RDF.type, ORG.Organization))
        labelled(org)
        if i >= 4 and i % 4 == 0:  # some are parts of others, as ChildLine of the NSPCC
            g.add((org, ORG.subOrganizationOf, corpus.orgs[i // 4]))
    for outlet in corpus.outlets:
        g.add((outlet, RDF.type, ORG.Organization))
        labelled(outlet)
    for role in corpus.roles:
        g.add((role, RDF.type, ORG.Role))
        g.add((role, SKOS.prefLabel, Literal(corpus.names[role])))
    for person, held in corpus.memberships.items():
        for org, role in held:
            m = corpus.membership_iri(person, org, role)
            spans = corpus.evidence.get(m)
            if not spans:  # a role no article states is not in the graph
                continue
            g.add((m, RDF.type, ORG.Membership))
            g.add((m, ORG.member, person))
            g.add((m, ORG.organization, org))
            g.add((m, ORG.role, role))
            for span in spans:
                g.add((m, CF.evidence, span_iri(span)))
    for area in corpus.areas:
        g.add((area, RDF.type, SCHEMA.Place))
        g.add((area, SCHEMA.name, Literal(corpus.names[area])))
        labelled(area)
    for year in sorted(corpus.years_used):
        start, end = fy_dates(year)
        p = period_iri(year)
        g.add((p, RDF.type, TIME.ProperInterval))
        g.add((p, RDFS.label, Literal(f"financial year {fy_label(year)}")))
        g.add((p, CF.startDate, d(start)))
        g.add((p, CF.endDate, d(end)))
        for rel, day in ((TIME.hasBeginning, start), (TIME.hasEnd, end)):
            instant = CFD[f"instant/{day}"]
            g.add((p, rel, instant))
            g.add((instant, RDF.type, TIME.Instant))
            g.add((instant, TIME.inXSDDate, d(day)))
    for i, source in enumerate(corpus.sources):
        g.add((source, RDF.type, CF.StatisticalSource))
        g.add((source, DCTERMS.title, Literal(f"Synthetic statistical source {i:04d}")))
        g.add((source, CF.sourceKind, CFD[f"source-kind/{SOURCE_KINDS[i % len(SOURCE_KINDS)]}"]))
        g.add((source, PROV.wasAttributedTo, corpus.source_orgs[source]))
    for campaign in corpus.campaigns:
        spans = corpus.evidence.get(campaign)
        if not spans:
            continue
        g.add((campaign, RDF.type, CF.Campaign))
        g.add((campaign, SKOS.prefLabel, Literal(corpus.names[campaign])))
        g.add((campaign, PROV.wasAssociatedWith, corpus.campaign_orgs[campaign]))
        for span in spans:
            g.add((campaign, CF.evidence, span_iri(span)))
    return g


# --- writing --------------------------------------------------------------------------------------


@dataclass
class Written:
    """What :func:`generate` wrote."""

    directory: Path
    articles: int
    triples: int
    files: int
    seconds: float


def articles_for(triples: int) -> int:
    """How many articles make about ``triples`` triples."""
    return max(2, round(triples / TRIPLES_PER_ARTICLE))


def generate(out: Path, articles: int, seed: int = 0) -> Written:
    """Write a corpus of ``articles`` articles to ``out`` (which must not exist or be empty)."""
    began = time.perf_counter()
    corpus = Corpus(articles, seed)
    corpus.plan()
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise SystemExit(f"{out} is not empty")
    (out / "articles").mkdir()
    (out / "sources").mkdir()
    shutil.copyfile(resources.data_dir() / "concepts.ttl", out / "concepts.ttl")
    total = len(Graph().parse(out / "concepts.ttl", format="turtle"))
    manifest = []
    for art in corpus.articles:
        data = art.text.encode("utf-8")
        (out / "sources" / f"{art.slug}.txt").write_bytes(data)
        assert art.body is not None
        manifest.append({
            "slug": art.slug,
            "file": f"{art.slug}.txt",
            "original_file_name": f"synthetic-{art.slug}.txt",
            "body_start": art.body[1],
            "body_end": art.body[2],
            "characters": len(art.text),
            "sha256": hashlib.sha256(data).hexdigest(),
            "note": "Synthetic placeholder article (bench/generate.py); the body runs from the "
                    "headline to the last paragraph, between a site banner and a footer.",
        })
        graph = article_graph(corpus, art)
        total += len(graph)
        turtle.dump(graph, out / "articles" / f"{art.slug}.ttl")
    (out / "sources" / "manifest.json").write_text(
        json.dumps({"offsets": "Unicode code points (Python str indices), end exclusive",
                    "sources": manifest}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    graph = entities_graph(corpus)
    total += len(graph)
    turtle.dump(graph, out / "entities.ttl")
    return Written(out, articles, total, articles + 2, time.perf_counter() - began)


def parse_size(text: str) -> int:
    """'10k', '100k', '1M' or a plain number of triples."""
    key = text.strip().lower()
    if key in SIZES:
        return SIZES[key]
    if key.endswith("k"):
        return int(float(key[:-1]) * 1_000)
    if key.endswith("m"):
        return int(float(key[:-1]) * 1_000_000)
    return int(key)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to write (must not exist or be empty)")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--size", help="about this many triples: 10k, 100k, 1M or a number")
    group.add_argument("--articles", type=int, help="exactly this many articles")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    articles = args.articles if args.articles is not None else articles_for(parse_size(args.size))
    written = generate(args.out, articles, args.seed)
    print(
        f"{written.directory}: {written.articles} articles, {written.triples:,} triples, "
        f"{written.files} Turtle files, {written.seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
