"""Authoring aid that wrote the first version of ``data/`` from the five seed articles.

Why a script: every span in the graph needs exact character offsets, and counting them by hand is how
wrong offsets get in. Here each fact names the *words* it rests on; the script finds them in the
article body (failing loudly when they are absent or ambiguous), mints the span, and writes the
Turtle files deterministically. ``data/`` stays the source of truth: re-running this script overwrites
it, so once curators edit the Turtle directly, they stop running it.

Run from the repository root: ``python tools/build_data.py``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "cli"))

from cyberflag.rdf.namespaces import CF, CFD, OA, ORG, QB, SCHEMA

SEEDS = ROOT.parent / "shared" / "seeds"
DATA = ROOT / "data"

# --------------------------------------------------------------------------------------------------
# Sources: which seed is which article, and where its body starts and ends. Everything outside the
# body is site furniture (navigation, comments box, job listings, other stories) and is never cited.


@dataclass(frozen=True)
class Source:
    slug: str
    seed: str
    body_from: str  # the words the body starts with
    body_to: str  # the words the body ends with (last occurrence in the text)
    note: str


SOURCES = [
    Source("council-leaders-warn-online-child-abuse", "000_21293877dca65898.txt", "21.06.16",
           "role of the need to introduce cyber-flagging.",
           "Body runs from the dateline to the end of the article; before it the site banner, after "
           "it the comments box and other stories (dated 2018-2019)."),
    Source("thousands-of-sex-offences-cyber-flagged", "001_c7261fa2314c1d95.txt", "William Eichler",
           "saving children’s lives every day.’",
           "Body runs from the byline to the end of the article; after it a newsletter sign-up and "
           "job listings."),
    Source("npcc-spike-in-cyber-child-sex-abuse", "002_d82fc5a7e38e3135.txt", "NPCC: Spike",
           "rules that keep their young users safe.”",
           "Body runs from the headline to the end of the article; after it 'Related News' and the "
           "site's copyright line."),
    Source("more-than-10000-online-child-sexual-offences", "003_5093f9af88e9da49.txt",
           "More than 10,000", "at risk,\" he concluded.",
           "The text has no headline or dateline; the body is the first eight lines. After it, posts "
           "from 2022 on the hosting site's blog and its footer."),
    Source("sixteen-percent-of-child-sexual-offences-online", "004_cd303cc6d9bd5578.txt",
           "16% of child", "\" Peter Wanless concluded.",
           "Body runs from the headline to the end of the article; after it the hosting site's "
           "strapline, address and footer."),
]


class Texts:
    """The seed texts and their bodies; finds the words a fact rests on."""

    def __init__(self) -> None:
        self.text: dict[str, str] = {}
        self.body: dict[str, tuple[int, int]] = {}
        for s in SOURCES:
            t = (SEEDS / s.seed).read_text(encoding="utf-8")
            start = t.index(s.body_from)
            end = t.rindex(s.body_to) + len(s.body_to)
            self.text[s.slug] = t
            self.body[s.slug] = (start, end)

    def find(self, slug: str, exact: str, n: int | None = None, after: str | None = None,
             furniture: bool = False) -> int:
        """Offset of ``exact`` in the body of ``slug``; ``n`` picks the n-th (1-based) occurrence,
        ``after`` the first occurrence after those words. Ambiguity is an error, not a guess.
        ``furniture``: search the whole page instead (publisher evidence only, rule 12)."""
        t = self.text[slug]
        b0, b1 = (0, len(t)) if furniture else self.body[slug]
        lo = b0
        if after is not None:
            lo = self.find(slug, after) + len(after)
        hits = [m.start() for m in re.finditer(re.escape(exact), t[lo:b1])]
        if not hits:
            raise SystemExit(f"{slug}: not found in body: {exact!r}")
        if n is None and len(hits) > 1 and after is None:
            raise SystemExit(f"{slug}: {len(hits)} occurrences, say which: {exact!r}")
        return lo + hits[(n or 1) - 1]


T = Texts()

# --------------------------------------------------------------------------------------------------
# Graph assembly: one graph per output file; every node goes to exactly one file.


class Out:
    def __init__(self) -> None:
        self.graphs: dict[str, Graph] = {}

    def g(self, name: str) -> Graph:
        return self.graphs.setdefault(name, Graph())

    def add(self, name: str, s: URIRef, p: URIRef, o: object) -> None:
        if o is None:
            return
        if isinstance(o, (list, tuple, set)):
            for x in o:
                self.add(name, s, p, x)
            return
        if not isinstance(o, (URIRef, Literal)):
            o = Literal(o)
        self.g(name).add((s, p, o))


OUT = Out()
ENT = "entities"
CON = "concepts"


def art_file(slug: str) -> str:
    return f"articles/{slug}"


def iri(path: str) -> URIRef:
    return CFD[path]


def span(slug: str, exact: str, n: int | None = None, after: str | None = None,
         furniture: bool = False) -> URIRef:
    """Mint (once) the span of ``exact`` in article ``slug``; return its IRI."""
    return span_at(slug, T.find(slug, exact, n, after, furniture), exact)


def span_at(slug: str, start: int, exact: str) -> URIRef:
    """Mint (once) the span of ``exact`` at offset ``start`` of article ``slug``."""
    end = start + len(exact)
    assert T.text[slug][start:end] == exact
    s = iri(f"span/{slug}/{start}-{end}")
    f = art_file(slug)
    q, p = URIRef(f"{s}/quote"), URIRef(f"{s}/position")
    OUT.add(f, s, RDF.type, OA.SpecificResource)
    OUT.add(f, s, OA.hasSource, iri(f"article/{slug}"))
    OUT.add(f, s, OA.hasSelector, [q, p])
    OUT.add(f, q, RDF.type, OA.TextQuoteSelector)
    OUT.add(f, q, OA.exact, Literal(exact))
    OUT.add(f, p, RDF.type, OA.TextPositionSelector)
    OUT.add(f, p, OA.start, Literal(start, datatype=XSD.nonNegativeInteger))
    OUT.add(f, p, OA.end, Literal(end, datatype=XSD.nonNegativeInteger))
    return s


def d(value: str) -> Literal:
    return Literal(value, datatype=XSD.date)


def ym(value: str) -> Literal:
    return Literal(value, datatype=XSD.gYearMonth)


def num(value: int | float | str) -> Literal:
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    return Literal(str(value), datatype=XSD.decimal)


# --------------------------------------------------------------------------------------------------
# Concepts (SKOS schemes the observations and asks use).

SCHEMES: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    "measures": ("measure", "Measures of the statistics", [
        ("offences-recorded", "offences recorded", "Number of offences recorded by police."),
        ("victims", "victims", "Number of children recorded as victims."),
        ("percentage-change", "percentage change",
         "Change from an earlier period as a percentage of the earlier value (a fall is negative)."),
        ("share-of-total", "share of total", "A part as a percentage of a stated whole."),
        ("daily-average", "daily average", "A period's count divided by the days in the period."),
        ("cumulative-total", "cumulative total", "Sum of the counts over several periods."),
        ("difference", "difference", "A count minus the count of an earlier period."),
        ("most-common-victim-age", "most common age of victims", "The modal age of victims."),
        ("youngest-victim-age", "age of the youngest victim", "Age of the youngest victim."),
    ]),
    "units": ("unit", "Units of the statistics", [
        ("offences", "offences", "A count of recorded offences."),
        ("children", "children", "A count of children."),
        ("percent", "per cent", "Hundredths of a whole."),
        ("offences-per-day", "offences per day", "Recorded offences per calendar day."),
        ("years-of-age", "years of age", "Age in completed years."),
    ]),
    "offence-categories": ("offence-category", "Offence categories", [
        ("online-child-sexual-offences", "child sexual offences with an online element",
         "Sexual offences against children that police recorded as involving the internet "
         "(‘cyber-flagged’)."),
        ("online-rape-of-a-child", "rape of a child with an online element",
         "Rapes of children among the cyber-flagged offences."),
        ("child-deaths-homicide-or-assault", "deaths of children due to homicide or assault",
         "Deaths of children recorded as due to homicide or assault (not an online measure)."),
    ]),
    "victim-groups": ("victim-group", "Victim groups", [
        ("under-10", "children under 10", "Victims younger than ten years."),
        ("aged-13", "children aged 13", "Victims aged thirteen."),
    ]),
    "source-kinds": ("source-kind", "Kinds of statistical source", [
        ("foi-request", "Freedom of Information request",
         "Figures released by police forces in answer to a Freedom of Information request."),
        ("official-statistics", "official statistics", "Figures published by a statistics office."),
        ("figures-obtained", "figures obtained (method not stated)",
         "Figures the article says were obtained, without saying how."),
        ("cited-by-speaker", "figure cited by a speaker",
         "A figure a speaker cited without the article naming its underlying source."),
    ]),
    "ask-topics": ("ask-topic", "Topics of campaign asks", [
        ("independent-regulator", "independent regulator",
         "An independent regulator for social networks and internet companies."),
        ("safe-accounts", "safe accounts for children", "Accounts for children that are safe by default."),
        ("detailed-reporting", "detailed reporting",
         "Detailed reporting on how social networks keep children safe."),
        ("minimum-safeguarding-standards", "minimum safeguarding standards",
         "Minimum safeguarding standards for internet companies."),
        ("default-privacy-protection", "protection in default privacy settings",
         "Better protection in the default privacy settings of social media accounts."),
        ("mental-health-support", "mental health support",
         "Mental health support for every abused child."),
        ("police-awareness", "police awareness and training",
         "Raising officers’ awareness of online abuse and how to investigate it."),
        ("legislation", "legislation and its timetable",
         "Publishing plans and passing online harms legislation by a date."),
        ("tough-regulation", "tough regulation of social networks", "Regulation of social networks."),
        ("police-resources", "resources and training for police",
         "Resources and training for police forces to tackle online abuse."),
        ("grooming-detection", "detecting grooming",
         "Steps by websites to detect grooming so that it can be disrupted early."),
    ]),
}


def concept(scheme: str, key: str) -> URIRef:
    prefix, _, items = SCHEMES[scheme]
    assert key in {k for k, _, _ in items}, (scheme, key)
    return iri(f"{prefix}/{key}")


def build_concepts() -> None:
    for scheme, (prefix, title, items) in SCHEMES.items():
        s = iri(f"scheme/{scheme}")
        OUT.add(CON, s, RDF.type, SKOS.ConceptScheme)
        OUT.add(CON, s, SKOS.prefLabel, Literal(title))
        for key, label, definition in items:
            c = iri(f"{prefix}/{key}")
            OUT.add(CON, c, RDF.type, SKOS.Concept)
            OUT.add(CON, c, SKOS.inScheme, s)
            OUT.add(CON, c, SKOS.prefLabel, Literal(label))
            OUT.add(CON, c, SKOS.definition, Literal(definition))
            OUT.add(CON, s, SKOS.hasTopConcept, c)


# --------------------------------------------------------------------------------------------------
# Entities: people, organisations, roles, posts, areas, sources, periods.

A0, A1, A2, A3, A4 = (s.slug for s in SOURCES)
ORDER = [A0, A1, A2, A4, A3]
"""Articles in date order (A4 is dated from October 2018 on, A3 about August-September 2020)."""


def in_some_body(words: str) -> bool:
    return any(words in T.text[s][T.body[s][0]:T.body[s][1]] for s in T.text)


def labelled(s: URIRef, pref: str, aliases: Iterable[str] = (), f: str = ENT) -> None:
    """prefLabel plus aliases exactly as written; each alias must occur in some article body."""
    OUT.add(f, s, SKOS.prefLabel, Literal(pref))
    for a in aliases:
        if not in_some_body(a):
            raise SystemExit(f"alias not in any body: {a!r}")
        if a != pref:  # rule 14: an altLabel is another name, never the prefLabel again
            OUT.add(f, s, SKOS.altLabel, Literal(a))


def person(key: str, name: str, aliases: Iterable[str] = ()) -> URIRef:
    s = iri(f"person/{key}")
    OUT.add(ENT, s, RDF.type, SCHEMA.Person)
    OUT.add(ENT, s, SCHEMA.name, Literal(name))
    labelled(s, name, aliases)
    return s


def organisation(key: str, name: str, aliases: Iterable[str] = (), parent: URIRef | None = None,
                 note: str | None = None) -> URIRef:
    s = iri(f"org/{key}")
    OUT.add(ENT, s, RDF.type, ORG.Organization)
    labelled(s, name, aliases)
    OUT.add(ENT, s, ORG.subOrganizationOf, parent)
    OUT.add(ENT, s, SKOS.editorialNote, note)
    return s


def role(key: str, label: str) -> URIRef:
    s = iri(f"role/{key}")
    OUT.add(ENT, s, RDF.type, ORG.Role)
    OUT.add(ENT, s, SKOS.prefLabel, Literal(label))
    return s


def membership(who: URIRef, org_: URIRef, role_: URIRef,
               evidence: list[tuple[str, str, int | None]]) -> URIRef:
    local = lambda u: str(u).rsplit("/", 1)[1]  # noqa: E731
    s = iri(f"membership/{local(who)}/{local(org_)}/{local(role_)}")
    OUT.add(ENT, s, RDF.type, ORG.Membership)
    OUT.add(ENT, s, ORG.member, who)
    OUT.add(ENT, s, ORG.organization, org_)
    OUT.add(ENT, s, ORG.role, role_)
    for slug, words, n in evidence:
        OUT.add(ENT, s, CF.evidence, span(slug, words, n))
    return s


def place(key: str, name: str, aliases: Iterable[str] = ()) -> URIRef:
    s = iri(f"area/{key}")
    OUT.add(ENT, s, RDF.type, SCHEMA.Place)
    OUT.add(ENT, s, SCHEMA.name, Literal(name))
    labelled(s, name, aliases)
    return s


def instant(date: str) -> URIRef:
    s = iri(f"instant/{date}")
    OUT.add(ENT, s, RDF.type, TIME.Instant)
    OUT.add(ENT, s, TIME.inXSDDate, d(date))
    return s


def period(start: str, end: str, label: str) -> URIRef:
    s = iri(f"period/{start}_{end}")
    OUT.add(ENT, s, RDF.type, TIME.ProperInterval)
    OUT.add(ENT, s, RDFS.label, Literal(label))
    OUT.add(ENT, s, TIME.hasBeginning, instant(start))
    OUT.add(ENT, s, TIME.hasEnd, instant(end))
    OUT.add(ENT, s, CF.startDate, d(start))
    OUT.add(ENT, s, CF.endDate, d(end))
    return s


def open_period(start: str, label: str) -> URIRef:
    """A period the text opens and does not close ("since 1985"): a beginning, no end (rule 9)."""
    s = iri(f"period/{start}_open")
    OUT.add(ENT, s, RDF.type, TIME.Interval)
    OUT.add(ENT, s, RDFS.label, Literal(label))
    OUT.add(ENT, s, TIME.hasBeginning, instant(start))
    OUT.add(ENT, s, CF.startDate, d(start))
    return s


CONSULTED = "2026-12-02"
"""The day the curators read the public pages behind the external facts."""


def webpage(key: str, title: str, url: str) -> URIRef:
    """A public page an external fact comes from (rule 13)."""
    s = iri(f"webpage/{key}")
    OUT.add(ENT, s, RDF.type, SCHEMA.WebPage)
    OUT.add(ENT, s, DCTERMS.title, Literal(title))
    OUT.add(ENT, s, SCHEMA.url, Literal(url, datatype=XSD.anyURI))
    OUT.add(ENT, s, CF.consulted, d(CONSULTED))
    return s


def external(key: str, subject: URIRef, predicate: URIRef, obj: URIRef | Literal, page: URIRef,
             says: str, f: str = ENT) -> URIRef:
    """Assert a fact from outside the articles, and record where it comes from (rule 13).

    ``f`` is the file the triple itself belongs in (an article's publisher goes with the article);
    the record of where it comes from stays with the entities."""
    OUT.add(f, subject, predicate, obj)
    s = iri(f"external/{key}")
    OUT.add(ENT, s, RDF.type, CF.ExternalFact)
    OUT.add(ENT, s, RDF.subject, subject)
    OUT.add(ENT, s, RDF.predicate, predicate)
    OUT.add(ENT, s, RDF.object, obj)
    OUT.add(ENT, s, DCTERMS.source, page)
    OUT.add(ENT, s, RDFS.comment, Literal(says))
    return s


def stat_source(key: str, title: str, kind: str, by: URIRef | None) -> URIRef:
    s = iri(f"source/{key}")
    OUT.add(ENT, s, RDF.type, CF.StatisticalSource)
    OUT.add(ENT, s, DCTERMS.title, Literal(title))
    OUT.add(ENT, s, CF.sourceKind, concept("source-kinds", kind))
    OUT.add(ENT, s, PROV.wasAttributedTo, by)
    return s


def inference(key: str, f: str, reasoning: str, evidence: list[URIRef], earliest: str | None = None,
              latest: str | None = None, external_facts: Iterable[URIRef] = ()) -> URIRef:
    """Record an inference and why, so that nothing inferred passes as stated."""
    s = iri(f"inference/{key}")
    OUT.add(f, s, RDF.type, CF.Inference)
    OUT.add(f, s, CF.reasoning, Literal(reasoning))
    OUT.add(f, s, CF.evidence, evidence)
    OUT.add(f, s, CF.earliest, d(earliest) if earliest else None)
    OUT.add(f, s, CF.latest, d(latest) if latest else None)
    OUT.add(f, s, CF.externalEvidence, list(external_facts))
    return s


# --------------------------------------------------------------------------------------------------
# Articles, statements, observations, asks.


SEPARATOR = " … "
"""How the segments of one quotation are joined for display (MODEL.md, editorial rule 1)."""


@dataclass(frozen=True)
class Rep:
    """A report: the words in one article (and which occurrence), the verb as written, a note.

    ``words`` is one passage, or a tuple of the segments of one quotation (rule 1), each found
    after the one before. ``repeated_n`` is the occurrence at which the same words are printed
    again (rule 4); ``inference`` an attribution inference (rule 5)."""

    slug: str
    words: str | tuple[str, ...]
    verb: str | None = None
    n: int | None = None
    after: str | None = None
    comment: str | None = None
    as_written: str | None = None  # observations: the figure as worded ("more than 3,000")
    repeated_n: int | None = None
    inference: URIRef | None = None

    @property
    def segments(self) -> tuple[str, ...]:
        return (self.words,) if isinstance(self.words, str) else self.words

    @property
    def text(self) -> str:
        return SEPARATOR.join(self.segments)

    def spans(self) -> list[URIRef]:
        first, *rest = self.segments
        start = T.find(self.slug, first, self.n, self.after)
        out = [span_at(self.slug, start, first)]
        end = start + len(first)
        for seg in rest:
            b1 = T.body[self.slug][1]
            at = T.text[self.slug].find(seg, end, b1)
            if at < 0:
                raise SystemExit(f"{self.slug}: segment not found after the previous: {seg!r}")
            out.append(span_at(self.slug, at, seg))
            end = at + len(seg)
        return out


def home(reports: list[Rep]) -> str:
    """The file a statement or observation lives in: that of its earliest report."""
    return art_file(min(reports, key=lambda r: ORDER.index(r.slug)).slug)


def add_reports(body: URIRef, reports: list[Rep]) -> None:
    seen: dict[str, int] = {}
    for r in reports:
        seen[r.slug] = seen.get(r.slug, 0) + 1
        suffix = r.slug if seen[r.slug] == 1 else f"{r.slug}-{seen[r.slug]}"
        rep = URIRef(f"{body}/report/{suffix}")
        f = art_file(r.slug)
        OUT.add(home(reports), body, CF.hasReport, rep)
        OUT.add(f, rep, RDF.type, CF.Report)
        OUT.add(f, rep, OA.hasBody, body)
        OUT.add(f, rep, OA.hasTarget, r.spans())
        OUT.add(f, rep, CF.reportedWords, Literal(r.text))
        if r.repeated_n is not None:
            assert isinstance(r.words, str)
            OUT.add(f, rep, CF.repeatedAt, span(r.slug, r.words, r.repeated_n))
        OUT.add(f, rep, CF.attributionInference, r.inference)
        OUT.add(f, rep, CF.reportingVerb, r.verb)
        OUT.add(f, rep, RDFS.comment, r.comment)
        OUT.add(f, rep, CF.valueAsWritten, r.as_written)
        if r.as_written is not None and r.as_written not in r.text:
            raise SystemExit(f"value as written not inside its report: {r.as_written!r}")


KINDS = {"direct": CF.DirectQuote, "partial": CF.PartialQuote, "reported": CF.ReportedSpeech,
         "headline": CF.HeadlineClaim, "publication": CF.PublicationClaim}


def statement(key: str, speaker: URIRef, kind: str, reports: list[Rep],
              fragment: str | None = None, about: Iterable[URIRef] = (), *,
              campaign: URIRef | None = None, note: str | None = None,
              paraphrase_of: URIRef | None = None,
              headline_attribution: URIRef | None = None) -> URIRef:
    s = iri(f"statement/{key}")
    f = home(reports)
    first = min(reports, key=lambda r: ORDER.index(r.slug))
    OUT.add(f, s, RDF.type, CF.Statement)
    OUT.add(f, s, CF.speaker, speaker)
    OUT.add(f, s, CF.statementKind, KINDS[kind])
    OUT.add(f, s, SCHEMA.text, Literal(first.text))
    if fragment is not None:
        assert fragment in first.text, fragment
        OUT.add(f, s, CF.quotedFragment, Literal(fragment))
    OUT.add(f, s, CF.about, list(about))
    OUT.add(f, s, CF.partOfCampaign, campaign)
    OUT.add(f, s, SKOS.editorialNote, note)
    OUT.add(f, s, CF.paraphraseOf, paraphrase_of)
    OUT.add(f, s, CF.headlineAttribution, headline_attribution)
    add_reports(s, reports)
    return s


COMPARATORS = {"exactly": CF.Exactly, "more than": CF.MoreThan, "over": CF.Over,
               "almost": CF.Almost, "approximately": CF.Approximately, "average of": CF.AverageOf}
DERIVATIONS = {"difference": CF.Difference, "percentage change": CF.PercentageChange,
               "share": CF.Share, "daily average": CF.DailyAverage,
               "cumulative total": CF.CumulativeTotal}
DATASET = iri("dataset/cyberflag-statistics")


def observation(key: str, *, measure: str, value: int | str, comparator: str, unit: str,
                period_: URIRef, area: URIRef, category: str, source: URIRef, reports: list[Rep],
                victim_group: str | None = None, coverage: str | None = None,
                period_as_written: str | None = None, period_inference: URIRef | None = None,
                area_inference: URIRef | None = None, derived_from: Iterable[URIRef] = (),
                derivation: str | None = None) -> URIRef:
    s = iri(f"observation/{key}")
    f = home(reports)
    OUT.add(f, s, RDF.type, QB.Observation)
    OUT.add(f, s, QB.dataSet, DATASET)
    OUT.add(f, s, CF.measure, concept("measures", measure))
    OUT.add(f, s, CF.value, num(value))
    OUT.add(f, s, CF.comparator, COMPARATORS[comparator])
    OUT.add(f, s, CF.unit, concept("units", unit))
    OUT.add(f, s, CF.refPeriod, period_)
    OUT.add(f, s, CF.refArea, area)
    OUT.add(f, s, CF.offenceCategory, concept("offence-categories", category))
    OUT.add(f, s, CF.statisticalSource, source)
    if victim_group:
        OUT.add(f, s, CF.victimGroup, concept("victim-groups", victim_group))
    if coverage is not None:
        assert in_some_body(coverage), coverage
    OUT.add(f, s, CF.coverage, coverage)
    if period_as_written is not None:
        assert in_some_body(period_as_written), period_as_written
    OUT.add(f, s, CF.periodAsWritten, period_as_written)
    OUT.add(f, s, CF.periodInference, period_inference)
    OUT.add(f, s, CF.areaInference, area_inference)
    OUT.add(f, s, PROV.wasDerivedFrom, list(derived_from))
    OUT.add(f, s, CF.derivation, DERIVATIONS[derivation] if derivation else None)
    add_reports(s, reports)
    return s


def explained_conflict(key: str, nodes: list[URIRef], explanation: str) -> URIRef:
    """Record that a curator reviewed a conflict between ``nodes`` and why it stands."""
    s = iri(f"conflict/{key}")
    OUT.add(ENT, s, RDF.type, CF.ExplainedConflict)
    OUT.add(ENT, s, CF.concerns, nodes)
    OUT.add(ENT, s, CF.explanation, Literal(explanation))
    return s


def ask(key: str, slug: str, words: str, *, by: URIRef, to: Iterable[URIRef] = (),
        campaign: URIRef | None = None, topic: str, stated_in: URIRef | None = None,
        n: int | None = None) -> URIRef:
    s = iri(f"ask/{key}")
    f = art_file(slug)
    OUT.add(f, s, RDF.type, CF.Ask)
    OUT.add(f, s, SCHEMA.text, Literal(words))
    OUT.add(f, s, CF.askedBy, by)
    OUT.add(f, s, CF.addressedTo, list(to))
    OUT.add(f, s, CF.partOfCampaign, campaign)
    OUT.add(f, s, CF.askTopic, concept("ask-topics", topic))
    OUT.add(f, s, CF.statedIn, stated_in)
    OUT.add(f, s, CF.evidence, span(slug, words, n))
    return s


def article(slug: str, *, headline: str | None, date: str | None = None,
            date_words: str | None = None, precision: URIRef, author: URIRef | None = None,
            publisher: URIRef | None = None, publisher_words: Iterable[str] = (),
            date_inference: URIRef | None = None, mentions: Iterable[URIRef] = ()) -> URIRef:
    """The article node. ``publisher_words``: the words naming the publisher, in the body or in
    the page's furniture (rule 12: furniture is evidence of who published the page, only)."""
    src = next(x for x in SOURCES if x.slug == slug)
    s = iri(f"article/{slug}")
    f = art_file(slug)
    text = T.text[slug]
    b0, b1 = T.body[slug]
    OUT.add(f, s, RDF.type, SCHEMA.NewsArticle)
    if headline is not None:
        OUT.add(f, s, SCHEMA.headline, Literal(headline))
        OUT.add(f, s, CF.headlineEvidence, span(slug, headline, 1))
    if date is not None:
        OUT.add(f, s, SCHEMA.datePublished, d(date))
        OUT.add(f, s, CF.dateEvidence, span(slug, date_words))
    OUT.add(f, s, CF.datePrecision, precision)
    OUT.add(f, s, CF.dateInference, date_inference)
    OUT.add(f, s, SCHEMA.author, author)
    OUT.add(f, s, SCHEMA.publisher, publisher)
    for words in publisher_words:
        OUT.add(f, s, CF.publisherEvidence, span(slug, words, furniture=True))
    OUT.add(f, s, CF.body, span(slug, text[b0:b1]))
    OUT.add(f, s, CF.sourceFile, Literal(f"{slug}.txt"))
    OUT.add(f, s, CF.originalFileName, Literal(src.seed))
    OUT.add(f, s, CF.sha256, Literal(hashlib.sha256(text.encode("utf-8")).hexdigest()))
    OUT.add(f, s, SCHEMA.mentions, list(mentions))
    return s


# --------------------------------------------------------------------------------------------------
# The facts.


def build() -> None:
    build_concepts()

    # People -------------------------------------------------------------------------------------
    wanless = person("peter-wanless", "Peter Wanless", ["Peter Wanless", "Mr Wanless", "Wanless"])
    perry = person("roy-perry", "Roy Perry", ["Cllr Roy Perry", "Cllr Perry"])
    bailey = person("simon-bailey", "Simon Bailey",
                    ["Chief Constable Simon Bailey", "Simon Bailey", "Mr Bailey"])
    burrows = person("andy-burrows", "Andy Burrows", ["Andy Burrows"])
    eichler = person("william-eichler", "William Eichler", ["William Eichler"])
    javid = person("sajid-javid", "Sajid Javid", ["Sajid Javid"])
    wright = person("jeremy-wright", "Jeremy Wright", ["Jeremy Wright"])

    # Organisations ------------------------------------------------------------------------------
    nspcc = organisation("nspcc", "NSPCC", ["NSPCC", "the NSPCC", "The children’s charity",
                                            "the children’s charity", "The charity", "the charity"])
    childline = organisation("childline", "ChildLine", ["ChildLine", "Childline"], parent=nspcc)
    lga = organisation("lga", "LGA", ["LGA"])
    lga_board = organisation(
        "lga-children-and-young-people-board", "LGA Children and Young People Board",
        ["LGA children and young people board", "LGA’s Children and Young People Board"],
        parent=lga)
    npcc = organisation("npcc", "National Police Chiefs’ Council",
                        ["National Police Chiefs’ Council", "NPCC"])
    home_office = organisation("home-office", "Home Office", ["Home Office"])
    ons = organisation(
        "ons", "Office of National Statistics", ["Office of National Statistics"],
        note="Named as written in the source (‘Office of National Statistics’); the statistics "
             "office of the UK is officially the Office for National Statistics (ONS).")
    government = organisation("uk-government", "the Government",
                              ["the Government", "the government", "The government"],
                              note="The UK Government as referred to in the articles.")
    police_forces = organisation(
        "police-forces", "police forces", ["police forces", "all police forces", "Forces"],
        note="The police forces collectively, as the articles refer to them; individual forces "
             "are not named.")
    bailey_force = organisation(
        "simon-bailey-own-force", "unnamed police force (‘my own force’)", ["my own force"],
        note="The police force Chief Constable Simon Bailey refers to as ‘my own force’; the "
             "source does not name it.")
    councils = organisation("councils", "councils", ["Councils", "Council leaders"],
                            note="Councils collectively, as the 21 June 2016 Public Sector "
                                 "article refers to them.")
    police_professional = organisation("police-professional", "Police Professional",
                                       ["Police Professional"])
    # Publishers named only by the page's furniture (rule 12: evidence of who published the page).
    pse = organisation(
        "pse", "PSE",
        note="The site that published the 21 June 2016 article names itself ‘PSE’ and ‘public "
             "sector executive tv’ in its furniture; the article's body does not name it.")
    willis_palmer = organisation(
        "willispalmer", "WillisPalmer",
        note="The site that hosts the undated 2020 article names itself ‘WillisPalmer’ in the "
             "posts and footer around it; the article's body does not name it.")
    # Named only by outside knowledge (rule 13): the publisher of the 21 June 2016 byline article,
    # and the council Cllr Roy Perry sat on.
    localgov = organisation(
        "localgov", "localgov.co.uk",
        note="The site the 21 June 2016 article by William Eichler appeared on, known from the "
             "page itself (an external fact); the copy in the sources does not name it.")
    hampshire = organisation(
        "hampshire-county-council", "Hampshire County Council",
        note="The council Cllr Roy Perry sat on, known from outside the articles (an external "
             "fact); the articles call him ‘Cllr’ without naming his council.")
    # Collective addressees of asks (rule 10), named as the articles name them.
    sites = organisation(
        "sites", "sites", ["Sites"],
        note="The websites Peter Wanless says ‘must be forced’ to act; the sentence before speaks "
             "of social networks.")
    tech_firms = organisation("tech-firms", "tech firms", ["tech firms"],
                              note="Technology companies collectively, as Andy Burrows names "
                                   "them.")
    public = organisation("the-public", "the public", ["the public"],
                          note="Members of the public, whom Peter Wanless urges to sign the "
                               "NSPCC's petition.")

    # Roles and posts ----------------------------------------------------------------------------
    ceo = role("chief-executive", "chief executive")
    chair = role("chair", "chair")
    chief_constable = role("chief-constable", "Chief Constable")
    cp_lead = role("lead-for-child-protection", "lead for child protection")
    head_cso = role("head-of-child-safety-online-policy", "Head of Child Safety Online Policy")
    home_sec = role("home-secretary", "Home Secretary")
    councillor = role("councillor", "councillor")
    digital_sec = role("digital-secretary", "Digital Secretary")
    pm = iri("post/prime-minister")
    OUT.add(ENT, pm, RDF.type, ORG.Post)
    labelled(pm, "Prime Minister", ["The Prime Minister"])
    OUT.add(ENT, pm, ORG.postIn, government)

    membership(wanless, nspcc, ceo, [(A0, "Peter Wanless, chief executive of the NSPCC", None),
                                     (A1, "Peter Wanless, NSPCC chief executive", None),
                                     (A2, "NSPCC chief executive Peter Wanless", None),
                                     (A4, "Peter Wanless, Chief Executive of the NSPCC", None)])
    membership(perry, lga_board, chair,
               [(A0, "Cllr Roy Perry, chair of the LGA children and young people board", None),
                (A1, "Cllr Roy Perry, chairman of the LGA’s Children and Young People Board",
                 None)])
    membership(bailey, npcc, cp_lead,
               [(A2, "Chief Constable Simon Bailey, NPCC lead for child protection", None)])
    membership(bailey, bailey_force, chief_constable,
               [(A2, "Chief Constable Simon Bailey", None), (A2, "my own force", None)])
    membership(burrows, nspcc, head_cso,
               [(A3, "Andy Burrows, NSPCC Head of Child Safety Online Policy", None)])
    membership(perry, hampshire, councillor, [(A0, "Cllr Roy Perry", None),
                                              (A1, "Cllr Roy Perry", None)])
    javid_home_sec = membership(javid, government, home_sec,
                                [(A4, "Home Secretary Sajid Javid", 1)])
    wright_digital_sec = membership(wright, government, digital_sec,
                                    [(A4, "Digital Secretary Jeremy Wright", 1)])

    # Areas, periods, sources --------------------------------------------------------------------
    ew = place("england-and-wales", "England and Wales", ["England and Wales"])
    england = place("england", "England", ["England"])
    uk = place("united-kingdom", "United Kingdom", ["the UK"])

    fy2015 = period("2015-04-01", "2016-03-31", "police financial year 2015/16")
    fy2016 = period("2016-04-01", "2017-03-31", "police financial year 2016/17")
    fy2019 = period("2019-04-01", "2020-03-31", "police financial year 2019/20")
    to_june_2016 = period("2015-07-01", "2016-06-30", "the 12 months to June 2016")
    oct17_sep18 = period("2017-10-01", "2018-09-30", "October 2017 to September 2018")
    five_years = period("2015-04-01", "2020-03-31", "April 2015 to March 2020")
    since_1985 = open_period("1985-01-01", "since 1985")

    foi_2016 = stat_source("nspcc-foi-2016",
                           "NSPCC Freedom of Information request to 38 police forces in England "
                           "and Wales, 2015/16 figures", "foi-request", nspcc)
    nspcc_2017 = stat_source("nspcc-figures-2017",
                             "Figures obtained by the NSPCC from police forces in England and "
                             "Wales, reported June 2017", "figures-obtained", nspcc)
    foi_june_2016 = stat_source("foi-12-months-to-june-2016",
                                "Freedom of Information request for the 12 months to June 2016 "
                                "(requester not named in the sentence reporting it)",
                                "foi-request", None)
    foi_2020 = stat_source("nspcc-foi-2020",
                           "NSPCC Freedom of Information request to all UK police forces, "
                           "2019-20 figures", "foi-request", nspcc)
    ons_figures = stat_source("ons-oct-2017-sep-2018",
                              "Office of National Statistics figures (as written) for October "
                              "2017 to September 2018", "official-statistics", ons)
    perry_cited = stat_source("cited-by-roy-perry-2016",
                              "Figure cited by Cllr Roy Perry for the LGA; the underlying source "
                              "is not named", "cited-by-speaker", perry)

    # Campaign, events, documents ----------------------------------------------------------------
    wild_west_web = iri("campaign/wild-west-web")
    OUT.add(ENT, wild_west_web, RDF.type, CF.Campaign)
    labelled(wild_west_web, "#WildWestWeb", ["#WildWestWeb"])
    OUT.add(ENT, wild_west_web, PROV.wasAssociatedWith, nspcc)
    OUT.add(ENT, wild_west_web, CF.evidence,
            [span(A3, "The charity’s #WildWestWeb campaign"),
             span(A4, "The NSPCC's campaign #WildWestWeb")])

    conference = iri("event/nspcc-conference-how-safe-are-our-children")
    OUT.add(ENT, conference, RDF.type, CF.PolicyEvent)
    labelled(conference, "NSPCC conference ‘How safe are our children?’",
             ["How safe are our children?"])
    OUT.add(ENT, conference, SCHEMA.organizer, nspcc)
    OUT.add(ENT, conference, CF.datePrecision, CF.Inferred)
    conf_words = span(A0, "The new figures, revealed by the NSPCC at its conference, ‘How safe "
                          "are our children?’")
    OUT.add(ENT, conference, CF.evidence, conf_words)
    OUT.add(ENT, conference, CF.dateInference, inference(
        "nspcc-conference-date", ENT,
        "The article dated 21 June 2016 reports figures already revealed at the conference, so "
        "the conference took place on or before that date. The text gives no earlier bound.",
        [conf_words, span(A0, "21.06.16")], latest="2016-06-21"))

    mandatory = iri("event/cyber-flag-recording-made-mandatory")
    OUT.add(ENT, mandatory, RDF.type, CF.PolicyEvent)
    labelled(mandatory, "Home Office makes cyber-flag recording mandatory")
    OUT.add(ENT, mandatory, PROV.wasAssociatedWith, home_office)
    OUT.add(ENT, mandatory, SCHEMA.startDate, ym("2015-04"))
    OUT.add(ENT, mandatory, CF.datePrecision, CF.MonthPrecision)
    mand_words = span(A1, "In April last year the Home Office made it mandatory for the police to "
                          "record - ‘cyber-flag’ - sexual offences committed against children "
                          "over the Internet.")
    OUT.add(ENT, mandatory, CF.evidence, [
        mand_words,
        span(A0, "following the introduction of ‘cyber-flagging’, where police are required to "
                 "record the use of the internet in sexual abuse"),
        span(A3, "In the five years since it became mandatory to record crimes involving the "
                 "internet")])
    OUT.add(ENT, mandatory, CF.dateInference, inference(
        "cyber-flag-mandatory-date", ENT,
        "‘In April last year’ in an article dated 21 June 2016 is April 2015.",
        [mand_words, span(A1, "21 June 2016")], earliest="2015-04-01", latest="2015-04-30"))

    white_paper = iri("document/online-harms-white-paper")
    OUT.add(ENT, white_paper, RDF.type, CF.PolicyDocument)
    labelled(white_paper, "Online Harms White Paper", ["Online Harms White Paper"])
    OUT.add(ENT, white_paper, DCTERMS.publisher, government)
    OUT.add(ENT, white_paper, DCTERMS.issued, ym("2019-04"))
    OUT.add(ENT, white_paper, CF.datePrecision, CF.MonthPrecision)
    wp_words = span(A3, "The government published the Online Harms White Paper in April 2019")
    OUT.add(ENT, white_paper, CF.evidence, wp_words)

    bill = iri("document/online-harms-bill")
    OUT.add(ENT, bill, RDF.type, CF.PolicyDocument)
    labelled(bill, "Online Harms Bill (proposed)", ["Online Harms Bill"])
    OUT.add(ENT, bill, CF.evidence,
            span(A3, "a truly comprehensive Online Harms Bill this Autumn"))

    petition = iri("document/nspcc-independent-regulator-petition")
    OUT.add(ENT, petition, RDF.type, CF.PolicyDocument)
    labelled(petition, "NSPCC petition for an independent regulator", ["our petition"])
    OUT.add(ENT, petition, DCTERMS.publisher, nspcc)
    OUT.add(ENT, petition, CF.evidence, span(
        A4, "sign our petition calling on government to introduce an independent regulator which "
            "has the power to fine social networks"))

    consultation_response = iri("document/online-harms-final-consultation-response")
    OUT.add(ENT, consultation_response, RDF.type, CF.PolicyDocument)
    labelled(consultation_response,
             "Online Harms White Paper: the government's final consultation response")
    OUT.add(ENT, consultation_response, DCTERMS.publisher, government)
    OUT.add(ENT, consultation_response, SCHEMA.creativeWorkStatus,
            Literal("not yet produced when the article was written"))
    OUT.add(ENT, consultation_response, CF.evidence,
            span(A3, "have yet to produce the final consultation response"))

    lockdown = iri("event/lockdown")
    OUT.add(ENT, lockdown, RDF.type, CF.PolicyEvent)
    labelled(lockdown, "lockdown (as the article refers to it; no dates given)", ["lockdown"])
    OUT.add(ENT, lockdown, CF.evidence, span(A3, "the lockdown period"))

    x = build_external_facts(SimpleNamespace(**locals()))

    # Articles ------------------------------------------------------------------------------------
    article(A0, headline="Council leaders warn that online child abuse is a ‘growing concern’",
            date="2016-06-21", date_words="21.06.16", precision=CF.DayPrecision,
            publisher=pse, publisher_words=["Would you like to become a PSE columnist?",
                                            "public sector executive tv"],
            mentions=[nspcc, lga, lga_board, police_forces, conference, mandatory])
    article(A1, headline="Thousands of sex offences against children ‘cyber-flagged’ by police",
            date="2016-06-21", date_words="21 June 2016", precision=CF.DayPrecision,
            author=eichler,
            mentions=[home_office, childline, lga, lga_board, government, police_forces,
                      mandatory])
    article(A2, headline="NPCC: Spike in cyber child sex abuse ‘shows how vital raising "
                         "awareness is’",
            date="2017-06-01", date_words="Jun 1, 2017", precision=CF.DayPrecision,
            publisher=police_professional,
            publisher_words=["Mr Bailey told Police Professional",
                             "Copyright © 2025 Police Professional"],
            mentions=[police_forces, bailey_force, government])
    a3_words = [
        span(A3, "The government published the Online Harms White Paper in April 2019"),
        span(A3, "It is now almost 17 months since the government’s original proposals for "
                 "social media regulation were published"),
        span(A3, "in 2019-20"),
        span(A3, "this Autumn"),
    ]
    article(A3, headline=None, precision=CF.Inferred, publisher=willis_palmer,
            publisher_words=["The WillisPalmer Christmas Tree Decorating Competition 2022",
                             "We have two Christmas trees at the WillisPalmer office"],
            date_inference=inference(
        f"{A3}-date", art_file(A3),
        "Undated. The article says the Online Harms White Paper was published in April 2019 "
        "(GOV.UK gives the day: 8 April 2019) and quotes ‘It is now almost 17 months since the "
        "government’s original proposals for social media regulation were published’. Almost 17 "
        "months after 8 April 2019 is more than 16 months and less than 17 after it: 8 August to "
        "7 September 2020. The 2019-20 figures and the call for a Bill ‘this Autumn’ agree.",
        a3_words, earliest="2020-08-08", latest="2020-09-07",
        external_facts=[x.white_paper_published]),
        mentions=[childline, government, pm, police_forces, white_paper, bill, lockdown,
                  wild_west_web, tech_firms, consultation_response])
    a4_words = [span(A4, "between October 2017 and September 2018"),
                span(A4, "new figures from the Office of National Statistics"),
                span(A4, "Home Secretary Sajid Javid and Digital Secretary Jeremy Wright", 1)]
    article(A4, headline="16% of child sexual offences have online element",
            precision=CF.Inferred, date_inference=inference(
                f"{A4}-date", art_file(A4),
                "Undated. It calls its figures for October 2017 to September 2018 new figures "
                "from the ONS; the ONS bulletin for the year ending September 2018 was released "
                "on 24 January 2019, so the article is no earlier. It names Sajid Javid as Home "
                "Secretary and Jeremy Wright as Digital Secretary, both in post: Javid held that "
                "office until 24 July 2019 and Wright his until the same day, so the article is "
                "no later.",
                a4_words, earliest="2019-01-24", latest="2019-07-24",
                external_facts=[x.ons_release, x.javid_term, x.wright_term]),
            mentions=[ons, javid, wright, government, petition, wild_west_web, sites, public])

    e = SimpleNamespace(**locals())
    obs = build_statistics(e)
    build_statements(e, obs)


def build_external_facts(e: SimpleNamespace) -> SimpleNamespace:
    """Outside knowledge, each fact with the public page it was read on (rule 13).

    Only what a page the curators read says; the comments are their own words. Identity links
    (schema:sameAs) only where the page describes the same person or body as the articles."""
    wiki = "https://en.wikipedia.org/wiki/"
    pg_lga = webpage("wikipedia-local-government-association", "Local Government Association",
                     wiki + "Local_Government_Association")
    pg_ons = webpage("wikipedia-office-for-national-statistics", "Office for National Statistics",
                     wiki + "Office_for_National_Statistics")
    pg_nspcc = webpage("wikipedia-nspcc", "NSPCC", wiki + "NSPCC")
    pg_npcc = webpage("wikipedia-national-police-chiefs-council", "National Police Chiefs' Council",
                      wiki + "National_Police_Chiefs%27_Council")
    pg_perry = webpage("wikipedia-roy-perry", "Roy Perry", wiki + "Roy_Perry")
    pg_perry_hcc = webpage(
        "portsmouth-news-hampshire-county-council-leader-steps-down",
        "Hampshire County Council leader steps down (title as the page's address gives it)",
        "https://www.portsmouth.co.uk/news/hampshire-county-council-leader-steps-down-i-won-t-"
        "mind-being-remembered-as-the-man-who-saved-hampshire-as-a-county-1-8812011")
    pg_javid = webpage("wikipedia-sajid-javid", "Sajid Javid", wiki + "Sajid_Javid")
    pg_wright = webpage("wikipedia-jeremy-wright", "Jeremy Wright", wiki + "Jeremy_Wright")
    pg_ons_bulletin = webpage(
        "ons-crime-in-england-and-wales-year-ending-september-2018",
        "Crime in England and Wales: year ending September 2018",
        "https://www.ons.gov.uk/peoplepopulationandcommunity/crimeandjustice/bulletins/"
        "crimeinenglandandwales/yearendingseptember2018")
    pg_white_paper = webpage("gov-uk-online-harms-white-paper", "Online Harms White Paper",
                             "https://www.gov.uk/government/consultations/online-harms-white-paper")
    pg_localgov = webpage(
        "localgov-thousands-of-sex-offences-cyber-flagged",
        "Thousands of sex offences against children ‘cyber-flagged’ by police",
        "https://www.localgov.co.uk/Thousands-of-sex-offences-against-children-cyber-flagged-by-"
        "police/41090")
    pg_wild_west_web = webpage("nspcc-wild-west-web", "Wild West Web",
                               "https://www.nspcc.org.uk/what-we-do/campaigns/wild-west-web/")

    # Official names, and the pages that describe the same bodies.
    for key, org_, name, page, says in [
        ("lga", e.lga, "Local Government Association", pg_lga,
         "Wikipedia's article on the LGA gives its full name, Local Government Association, and "
         "describes it as the national body of local government in England."),
        ("ons", e.ons, "Office for National Statistics", pg_ons,
         "Wikipedia's article gives the UK statistics office's name as Office for National "
         "Statistics (the articles write ‘Office of National Statistics’)."),
        ("nspcc", e.nspcc, "National Society for the Prevention of Cruelty to Children", pg_nspcc,
         "Wikipedia's article on the NSPCC gives the charity's full name."),
        ("npcc", e.npcc, "National Police Chiefs' Council", pg_npcc,
         "Wikipedia's article gives the council's name (spelt with a straight apostrophe) and "
         "says it was formed on 1 April 2015, before the 2017 article that names it."),
    ]:
        external(f"{key}-legal-name", org_, SCHEMA.legalName, Literal(name), page, says)
        external(f"{key}-same-as-wikipedia", org_, SCHEMA.sameAs,
                 URIRef(page_url(page)), page,
                 "The page describes the body the articles name: " + says[0].lower() + says[1:])

    # People: the pages that describe them, and the terms of office that bound an undated article.
    councillor_at = external(
        "roy-perry-hampshire-county-councillor",
        iri("membership/roy-perry/hampshire-county-council/councillor"), ORG.organization,
        e.hampshire, pg_perry_hcc,
        "The page reports that Councillor Roy Perry, leader of Hampshire County Council since "
        "2013 and a county councillor since 2005, was also Conservative vice chairman of the LGA "
        "Children and Young People Board in the year before February 2019: the ‘Cllr Roy Perry’ "
        "of the LGA board in 2016 sat on Hampshire County Council.")
    external("roy-perry-same-as-wikipedia", e.perry, SCHEMA.sameAs,
             URIRef(wiki + "Roy_Perry"), pg_perry,
             "Wikipedia's article describes Roy Perry, Conservative politician, MEP from 1994 to "
             "2004 and leader of Hampshire County Council from 2013 to 2019: the Hampshire "
             "councillor of the LGA board (see the Portsmouth News page), not a namesake.")
    for key, who, page, says in [
        ("sajid-javid", e.javid, pg_javid,
         "Wikipedia's article describes the Sajid Javid who was Home Secretary under Theresa May, "
         "the post the 2019 article names him in."),
        ("jeremy-wright", e.wright, pg_wright,
         "Wikipedia's article describes the Jeremy Wright who was Secretary of State for Digital, "
         "Culture, Media and Sport under Theresa May, the post the 2019 article names him in."),
    ]:
        external(f"{key}-same-as-wikipedia", who, SCHEMA.sameAs,
                 URIRef(page_url(page)), page, says)
    javid_term = external(
        "sajid-javid-home-secretary-term", e.javid_home_sec, ORG.memberDuring,
        period("2018-04-30", "2019-07-24", "30 April 2018 to 24 July 2019"), pg_javid,
        "The page gives his term as Home Secretary as 30 April 2018 to 24 July 2019.")
    wright_term = external(
        "jeremy-wright-digital-secretary-term", e.wright_digital_sec, ORG.memberDuring,
        period("2018-07-09", "2019-07-24", "9 July 2018 to 24 July 2019"), pg_wright,
        "The page gives his term as Secretary of State for Digital, Culture, Media and Sport "
        "(‘Digital Secretary’ in the article) as 9 July 2018 to 24 July 2019.")

    # Dates of documents the articles rely on, and a publisher the page itself does not name.
    ons_release = external(
        "ons-figures-oct-2017-sep-2018-released", e.ons_figures, DCTERMS.issued,
        d("2019-01-24"), pg_ons_bulletin,
        "The ONS bulletin for the year ending September 2018, the period of the figures the 2019 "
        "article calls new, gives its release date as 24 January 2019.")
    white_paper_published = external(
        "online-harms-white-paper-published", e.white_paper, SCHEMA.datePublished,
        d("2019-04-08"), pg_white_paper,
        "GOV.UK's consultation page gives the White Paper's publication date as 8 April 2019 "
        "(the 2020 article says April 2019).")
    external("wild-west-web-started", e.wild_west_web, SCHEMA.startDate, ym("2018-08"),
             pg_wild_west_web, "The NSPCC's campaign page says the campaign began in August 2018.")
    external("thousands-of-sex-offences-published-by-localgov", iri(f"article/{A1}"),
             SCHEMA.publisher, e.localgov, pg_localgov,
             "The article is on localgov.co.uk under the same headline, with William Eichler's "
             "byline and the date 21 June 2016; the copy in the sources does not name the site.",
             f=art_file(A1))
    return SimpleNamespace(**locals())


def page_url(page: URIRef) -> str:
    """The address recorded for a web page node."""
    return str(OUT.g(ENT).value(page, SCHEMA.url))


def build_statistics(e: SimpleNamespace) -> SimpleNamespace:
    """Every figure in the five bodies, as Data Cube observations with their reports."""
    fy_2015_16 = inference(
        "period-2015-16", ENT,
        "‘2015/16’ is read as the police financial year, 1 April 2015 to 31 March 2016; the 21 "
        "June 2016 articles call the same figures ‘last year’.",
        [span(A1, "for the the period 2015/16"), span(A0, "sex crimes against children last year")])
    o_2015 = observation(
        "cyber-flagged-offences-2015-16", measure="offences-recorded", value=3000,
        comparator="more than", unit="offences", period_=e.fy2015, area=e.ew,
        category="online-child-sexual-offences", source=e.foi_2016,
        coverage="38 police forces in England and Wales", period_as_written="2015/16",
        period_inference=fy_2015_16,
        reports=[Rep(A0, "the internet was used as a gateway in more than 3,000 sex crimes against "
                         "children last year", as_written="more than 3,000"),
                 Rep(A1, "More than 3,000 sex crimes involving the Internet were committed against "
                         "children last year", as_written="More than 3,000")])
    observation(
        "daily-average-2015-16", measure="daily-average", value=8, comparator="average of",
        unit="offences-per-day", period_=e.fy2015, area=e.ew,
        category="online-child-sexual-offences", source=e.foi_2016, period_inference=fy_2015_16,
        derived_from=[o_2015], derivation="daily average",
        reports=[Rep(A0, "An average of eight abuses were recorded a day",
                     as_written="An average of eight")])
    observation(
        "rapes-2015-16", measure="offences-recorded", value=100, comparator="over",
        unit="offences", period_=e.fy2015, area=e.ew, category="online-rape-of-a-child",
        source=e.foi_2016, period_inference=fy_2015_16,
        reports=[Rep(A0, "over 100 rapes of children", as_written="over 100"),
                 Rep(A1, "over 100 rapes", as_written="over 100")])
    under_10 = observation(
        "victims-under-10-2015-16", measure="victims", value=272, comparator="exactly",
        unit="children", victim_group="under-10", period_=e.fy2015, area=e.ew,
        category="online-child-sexual-offences", source=e.foi_2016, period_inference=fy_2015_16,
        reports=[Rep(A0, "abuse of 272 children under 10", as_written="272"),
                 Rep(A1, "272 were under 10", as_written="272")])
    aged_13 = observation(
        "victims-aged-13-2015-16", measure="victims", value=535, comparator="exactly",
        unit="children", victim_group="aged-13", period_=e.fy2015, area=e.ew,
        category="online-child-sexual-offences", source=e.foi_2016, period_inference=fy_2015_16,
        reports=[Rep(A1, "535 of the victims were 13 years old", as_written="535")])
    youngest_2015 = observation(
        "youngest-victim-age-2015-16", measure="youngest-victim-age", value=1,
        comparator="exactly", unit="years-of-age", period_=e.fy2015, area=e.ew,
        category="online-child-sexual-offences", source=e.foi_2016, period_inference=fy_2015_16,
        reports=[Rep(A1, "the youngest was a one year old baby", as_written="one year old"),
                 Rep(A0, "including a baby", as_written="a baby",
                     comment="‘a baby’ among the 272 children under 10; the other article of the "
                             "same day gives the youngest victim's age as one year.")])
    child_deaths = observation(
        "child-deaths-homicide-or-assault-change-since-1985", measure="percentage-change",
        value=-69, comparator="exactly", unit="percent", period_=e.since_1985, area=e.england,
        category="child-deaths-homicide-or-assault", source=e.perry_cited,
        period_as_written="since 1985",
        period_inference=inference(
            "period-since-1985", ENT,
            "‘since 1985’: the start is taken as the beginning of 1985. The text gives no end "
            "(the latest figures Cllr Perry compared with are not named), so the period is left "
            "open.",
            [span(A0, "has fallen by 69% since 1985"), span(A0, "21.06.16")]),
        reports=[Rep(A0, "has fallen by 69% since 1985", as_written="fallen by 69%"),
                 Rep(A1, "has fallen by 69% in England since 1985", as_written="fallen by 69%")])

    # 1 June 2017 (Police Professional)
    fy_2016_17 = inference(
        "period-2016-17", ENT,
        "‘last year’ in an article of 1 June 2017, compared with ‘2015/16’ as the year before, is "
        "read as the police financial year 2016/17, 1 April 2016 to 31 March 2017.",
        [span(A2, "recorded in England and Wales last year"),
         span(A2, "1,750 higher than in 2015/16")])
    o_2016 = observation(
        "cyber-flagged-offences-2016-17", measure="offences-recorded", value=5653,
        comparator="exactly", unit="offences", period_=e.fy2016, area=e.ew,
        category="online-child-sexual-offences", source=e.nspcc_2017, period_as_written="last year",
        period_inference=fy_2016_17,
        reports=[Rep(A2, "A total of 5,653 child sex crimes recorded in England and Wales last year "
                         "involved an online element", as_written="5,653")])
    o_june_2016 = observation(
        "cyber-flagged-offences-12-months-to-june-2016", measure="offences-recorded", value=3903,
        comparator="exactly", unit="offences", period_=e.to_june_2016, area=e.ew,
        category="online-child-sexual-offences", source=e.foi_june_2016,
        period_as_written="the 12 months to June 2016",
        period_inference=inference(
            "period-12-months-to-june-2016", ENT,
            "‘the 12 months to June 2016’ is read as 1 July 2015 to 30 June 2016.",
            [span(A2, "in the 12 months to June 2016")]),
        area_inference=inference(
            "area-12-months-to-june-2016", ENT,
            "The sentence names no area; the article compares this figure with the England and "
            "Wales total for the following year (‘1,750 higher’), so England and Wales is assumed.",
            [span(A2, "1,750 higher than in 2015/16"),
             span(A2, "recorded in England and Wales last year")]),
        reports=[Rep(A2, "3,903 sexual offences against children were ‘cyber-flagged’ by forces in "
                         "the 12 months to June 2016", as_written="3,903")])
    observation(
        "percentage-change-2016-17", measure="percentage-change", value=44, comparator="exactly",
        unit="percent", period_=e.fy2016, area=e.ew, category="online-child-sexual-offences",
        source=e.nspcc_2017, period_inference=fy_2016_17, derived_from=[o_2016, o_june_2016],
        derivation="percentage change",
        reports=[Rep(A2, "a 44 per cent rise in internet-enabled abuse", n=1, repeated_n=2,
                     as_written="44 per cent",
                     comment="The standfirst, repeated as the body's first sentence.")])
    observation(
        "difference-2016-17", measure="difference", value=1750, comparator="exactly",
        unit="offences", period_=e.fy2016, area=e.ew, category="online-child-sexual-offences",
        source=e.nspcc_2017, period_inference=fy_2016_17, derived_from=[o_2016, o_june_2016],
        derivation="difference",
        reports=[Rep(A2, "1,750 higher than in 2015/16", as_written="1,750",
                     comment="The article calls the earlier year ‘2015/16’; the figure the "
                             "difference is taken from is the 3,903 it gives for the 12 months "
                             "to June 2016.")])
    observation(
        "daily-average-2016-17", measure="daily-average", value=15, comparator="average of",
        unit="offences-per-day", period_=e.fy2016, area=e.ew,
        category="online-child-sexual-offences", source=e.nspcc_2017, period_inference=fy_2016_17,
        derived_from=[o_2016], derivation="daily average",
        reports=[Rep(A2, "an average of 15 offences were recorded every day",
                     as_written="an average of 15")])
    modal_age = observation(
        "most-common-victim-age-2016-17", measure="most-common-victim-age", value=13,
        comparator="exactly", unit="years-of-age", period_=e.fy2016, area=e.ew,
        category="online-child-sexual-offences", source=e.nspcc_2017, period_inference=fy_2016_17,
        reports=[Rep(A2, "The most common age for victims was 13", as_written="13")])
    under_ten_2016 = observation(
        "offences-against-children-under-10-2016-17", measure="offences-recorded", value=100,
        comparator="almost", unit="offences", victim_group="under-10", period_=e.fy2016,
        area=e.ew, category="online-child-sexual-offences", source=e.nspcc_2017,
        period_inference=fy_2016_17,
        reports=[Rep(A2, "almost 100 cases involved children under ten", as_written="almost 100")])
    youngest_2016 = observation(
        "youngest-victim-age-2016-17", measure="youngest-victim-age", value=3,
        comparator="exactly", unit="years-of-age", period_=e.fy2016, area=e.ew,
        category="online-child-sexual-offences", source=e.nspcc_2017, period_inference=fy_2016_17,
        reports=[Rep(A2, "the youngest victim was just three years old",
                     as_written="three years old")])

    # Undated, after September 2018 (ONS)
    o_ons = observation(
        "cyber-flagged-offences-oct-2017-sep-2018", measure="offences-recorded", value=9000,
        comparator="more than", unit="offences", period_=e.oct17_sep18, area=e.ew,
        category="online-child-sexual-offences", source=e.ons_figures,
        period_as_written="between October 2017 and September 2018",
        reports=[Rep(A4, "Police recorded more than 9,000 child sexual offences with an online "
                         "element", as_written="more than 9,000"),
                 Rep(A4, "over 9,000 child sexual offences had an online element in England and "
                         "Wales between October 2017 and September 2018", as_written="over 9,000",
                     comment="Worded ‘over 9,000’ here and ‘more than 9,000’ in the opening "
                             "sentence; the observation records ‘more than’.")])
    observation(
        "share-of-child-sexual-offences-oct-2017-sep-2018", measure="share-of-total", value=16,
        comparator="exactly", unit="percent", period_=e.oct17_sep18, area=e.ew,
        category="online-child-sexual-offences", source=e.ons_figures,
        derived_from=[o_ons], derivation="share",
        reports=[Rep(A4, "16% of child sexual offences have online element", as_written="16%"),
                 Rep(A4, "child sex crimes with an online element made up 16% of the total number "
                         "of recorded child sexual offences", as_written="16%")])

    # Undated, about August-September 2020
    fy_2019_20 = inference(
        "period-2019-20", ENT,
        "‘2019-20’ is read as the police financial year, 1 April 2019 to 31 March 2020.",
        [span(A3, "in 2019-20")])
    o_2019 = observation(
        "cyber-flagged-offences-2019-20", measure="offences-recorded", value=10391,
        comparator="exactly", unit="offences", period_=e.fy2019, area=e.uk,
        category="online-child-sexual-offences", source=e.foi_2020,
        coverage="all forces across the UK", period_as_written="2019-20",
        period_inference=fy_2019_20,
        reports=[Rep(A3, "10,391 crimes were recorded by all forces across the UK in 2019-20",
                     n=1, as_written="10,391"),
                 Rep(A3, "More than 10,000 offences of online child sexual crimes were recorded "
                         "for the first time by police forces last year",
                     as_written="More than 10,000")])
    observation(
        "percentage-change-2019-20", measure="percentage-change", value=16, comparator="exactly",
        unit="percent", period_=e.fy2019, area=e.uk, category="online-child-sexual-offences",
        source=e.foi_2020, period_inference=fy_2019_20, derived_from=[o_2019],
        derivation="percentage change",
        reports=[Rep(A3, "The 10,391 offences increased by 16% from the previous year",
                     as_written="16%",
                     comment="The previous year's figure is not given in the article.")])
    observation(
        "cumulative-total-2015-16-to-2019-20", measure="cumulative-total", value=37000,
        comparator="more than", unit="offences", period_=e.five_years, area=e.uk,
        category="online-child-sexual-offences", source=e.foi_2020,
        period_as_written="In the five years since it became mandatory",
        period_inference=inference(
            "period-five-years-to-2019-20", ENT,
            "‘the five years since it became mandatory’ (April 2015), ending with the 2019-20 "
            "figures the article reports: 1 April 2015 to 31 March 2020.",
            [span(A3, "In the five years since it became mandatory"), span(A3, "in 2019-20")]),
        area_inference=inference(
            "area-five-years-to-2019-20", ENT,
            "The five-year total names no area; it is taken to be that of the 2019-20 figure it "
            "follows (all forces across the UK).",
            [span(A3, "all forces across the UK")]),
        derived_from=[o_2015, o_2016, o_2019], derivation="cumulative total",
        reports=[Rep(A3, "the total number of recorded offences has risen more than 37,000",
                     as_written="more than 37,000",
                     comment="Two of the five yearly figures (2017/18 and 2018/19) are not in "
                             "the articles.")])
    explained_conflict(
        "2015-16-against-12-months-to-june-2016", [o_2015, o_june_2016],
        "Two different periods, not two counts of one period. The 21 June 2016 articles give the "
        "NSPCC's first Freedom of Information figures, for the police financial year 2015/16 from "
        "38 forces in England and Wales (‘more than 3,000’). The 1 June 2017 article gives 3,903 "
        "for the 12 months to June 2016, three months later, without saying how many forces it "
        "covers, and calls that year ‘2015/16’ when it says 5,653 is ‘1,750 higher’. Both "
        "figures are kept as each article reported them.")
    return SimpleNamespace(
        o_2015=o_2015, under_10=under_10, aged_13=aged_13, youngest_2015=youngest_2015,
        child_deaths=child_deaths, o_2016=o_2016, modal_age=modal_age,
        under_ten_2016=under_ten_2016, youngest_2016=youngest_2016, o_ons=o_ons, o_2019=o_2019)


def build_statements(e: SimpleNamespace, o: SimpleNamespace) -> None:
    """Every utterance in the five bodies, under the editorial rules of ontology/MODEL.md: one
    statement per uninterrupted utterance (rule 1), reported text after its verb (rule 2),
    headlines as the publication's claims (rule 3), inferred attributions as data (rule 5)."""
    # 21 June 2016: the LGA's response (two articles) --------------------------------------------
    perry_growing = statement(
        "perry-online-abuse-growing-concern", e.perry, "direct",
        [Rep(A0, "Online abuse has been an area of growing concern for a number of years, and "
                 "councils across the country have taken steps to make sure that teachers, "
                 "social workers, children and parents are aware of the risks and know how "
                 "to respond appropriately.", "said"),
         Rep(A1, "Online abuse has been an area of growing concern for a number of years, and "
                 "councils across the country have taken steps to make sure that teachers, "
                 "social workers, children and parents are aware of the risks and know how "
                 "to respond appropriately.", "said")])
    statement("councils-warn-growing-dangers-2016", e.councils, "reported",
              [Rep(A0, "about the growing dangers of online child abuse", "have warned")],
              about=[o.o_2015])
    statement("council-leaders-growing-concern-headline-2016", e.pse, "headline",
              [Rep(A0, "Council leaders warn that online child abuse is a ‘growing concern’",
                   n=1, comment="Headline: the publication's words. The body gives ‘growing "
                                "concern’ to Cllr Roy Perry.")],
              headline_attribution=e.councils,
              paraphrase_of=perry_growing)
    statement("perry-thanks-thousand-eyes-and-ears", e.perry, "partial",
              [Rep(A0, "parents, families, members of the public and children themselves for "
                       "being increasingly aware of abuse and acting as “a thousand eyes and "
                       "ears” to inform services of abuse", "thanked")],
              fragment="a thousand eyes and ears")
    statement("perry-child-deaths-fallen-since-1985", e.perry, "reported",
              [Rep(A0, "the number of children dying due to homicide or assault in England is "
                       "declining and has fallen by 69% since 1985", "added"),
               Rep(A1, "the number of children dying due to homicide or assault has fallen by 69% "
                       "in England since 1985 and remains in long-term decline", "also said")],
              about=[o.child_deaths],
              note="One remark in two paraphrases: both articles report the LGA's response to "
                   "the NSPCC figures of 21 June 2016 and give Cllr Perry the same fall of 69% "
                   "since 1985; one says the number ‘is declining’, the other that it ‘remains "
                   "in long-term decline’.")
    statement("perry-cautions-against-complacency", e.perry, "reported",
              [Rep(A1, "against complacency", "cautioned")])
    statement("perry-never-complacent-rush-to-improve", e.perry, "direct",
              [Rep(A0, ("We can never be complacent when it comes to the safety of children and "
                        "young people, and it is right that poor practice is highlighted and "
                        "improvement demanded where necessary",
                        "However, we must take care that in our rush to improve, we don't lose "
                        "sight of the unreported excellence of the vast majority of social "
                        "workers, whose tough decisions and swift actions are saving children's "
                        "lives every day."), "said",
                   comment="One quotation interrupted by ‘he said’."),
               Rep(A1, ("We can never be complacent when it comes to the safety of children and "
                        "young people, and it is right that poor practice is highlighted and "
                        "improvement demanded where necessary.",
                        "However, we must take care that in our rush to improve, we don’t lose "
                        "sight of the unreported excellence of the vast majority of social "
                        "workers, whose tough decisions and swift actions are saving children’s "
                        "lives every day."),
                   comment="Quoted without a reporting verb, continuing the councillor's remarks; "
                           "two paragraphs of one quotation.")],
              note="The same quotation in both articles. They differ in typography only: one "
                   "prints straight apostrophes and a comma before ‘he said’, the other curly "
                   "apostrophes and a full stop at the paragraph's end.")
    statement("perry-councils-safeguard-services-from-cuts", e.perry, "reported",
              [Rep(A0, "councils had had to safeguard children’s services from public sector "
                       "funding cuts", "also warned"),
               Rep(A1, "councils are continuing to try and protect these services from funding "
                       "cuts", "noted")],
              note="One remark in two paraphrases: both articles report Cllr Perry, in the LGA's "
                   "response of 21 June 2016, on councils protecting children’s services from "
                   "funding cuts.")
    statement("perry-referrals-continue-to-rise", e.perry, "reported",
              [Rep(A1, "referrals to local children’s services continue to rise", "continued")])

    # 21 June 2016: the NSPCC's figures and Peter Wanless -------------------------------------------
    revealed = inference(
        "attribution-nspcc-reveals-figures-2016", art_file(A0),
        "The sentence giving the figures names no speaker (‘new figures showed’); the next "
        "sentence says the new figures were ‘revealed by the NSPCC at its conference’.",
        [span(A0, "new figures showed that"),
         span(A0, "The new figures, revealed by the NSPCC at its conference")])
    statement("nspcc-reveals-more-than-3000-2016", e.nspcc, "reported",
              [Rep(A0, "the internet was used as a gateway in more than 3,000 sex crimes against "
                       "children last year", "revealed", inference=revealed),
               Rep(A1, "More than 3,000 sex crimes involving the Internet were committed against "
                       "children last year", "reveals")],
              about=[o.o_2015],
              note="The same release of figures: both articles of 21 June 2016 report the NSPCC's "
                   "first Freedom of Information figures for 2015/16, in different words.")
    statement("first-figures-to-be-released-2016", e.eichler, "publication",
              [Rep(A1, "These are the first figures to be released.",
                   comment="In the article's own voice; no publisher is named, so the claim is "
                           "its author's.")],
              about=[o.o_2015])
    statement("wanless-figures-confirm-our-fears-2016", e.wanless, "direct",
              [Rep(A0, "These figures confirm our fears that the online world is playing a "
                       "significant role in the sexual abuse of children in the UK.", "said")],
              about=[o.o_2015])
    statement("wanless-online-abuse-included", e.wanless, "reported",
              [Rep(A0, "online abuse included paedophiles grooming victims, posing as children, "
                       "livestreaming abuse and forcing victims to perform sexual acts over webcam",
                   "said")])
    resources_2016 = statement(
        "wanless-forces-need-resources-and-training", e.wanless, "reported",
        [Rep(A0, "all police forces must have the resources and training to tackle online abuse",
             "added")])
    ask("police-resources-and-training-2016", A0,
        "have the resources and training to tackle online abuse", by=e.wanless,
        to=[e.police_forces], topic="police-resources", stated_in=resources_2016)
    statement("wanless-some-forces-not-aware", e.wanless, "reported",
              [Rep(A0, "a small number of forces were not aware of the role of the need to "
                       "introduce cyber-flagging", "highlighting")])
    first_year = statement(
        "wanless-grooming-on-the-rise-first-year-of-data", e.wanless, "direct",
        [Rep(A1, ("We know grooming is on the rise because children are increasingly telling "
                  "our ChildLine service how they are being targeted online.",
                  "Predatory adults posing as children try to meet them or blackmail them into "
                  "meeting up or performing sexual acts on webcams, which obviously terrifies "
                  "them and can leave some feeling suicidal.",
                  "By revealing this first year of data we hope to highlight how police are "
                  "under increasing pressure to cope with online offences so we have to "
                  "ensure they have the resources and training to make them fit for tackling "
                  "crime in the 21st century."), "said",
             comment="One quotation of three paragraphs.")],
        about=[o.o_2015])
    ask("police-resources-and-training-21st-century-2016", A1,
        "ensure they have the resources and training to make them fit for tackling crime in the "
        "21st century", by=e.wanless, to=[e.police_forces], topic="police-resources",
        stated_in=first_year)
    mh = statement("wanless-mental-health-support", e.wanless, "reported",
                   [Rep(A1, "the Government to make mental health support available to every "
                            "abused child", "also called on")])
    ask("mental-health-support-for-every-abused-child", A1,
        "make mental health support available to every abused child", by=e.wanless,
        to=[e.government], topic="mental-health-support", stated_in=mh)
    statement("nspcc-victim-ages-2015-16", e.nspcc, "reported",
              [Rep(A1, "535 of the victims were 13 years old, 272 were under 10, and the youngest "
                       "was a one year old baby", "also said")],
              about=[o.aged_13, o.under_10, o.youngest_2015])

    # 1 June 2017 (Police Professional) ----------------------------------------------------------
    bailey_vital = statement(
        "bailey-cant-be-left-to-chance", e.bailey, "direct",
        [Rep(A2, ("This can’t be left to chance.",
                  "I know from my own force that we are engaging with schools more than ever to "
                  "educate and raise awareness of both the different forms of abuse and how to "
                  "get support.",
                  "It is clear from the increase in the number of reports we are receiving how "
                  "vital this work is."), "told",
             comment="One quotation of three paragraphs, told to Police Professional.")],
        about=[o.o_2016])
    statement("npcc-vital-raising-awareness-headline-2017", e.police_professional, "headline",
              [Rep(A2, "NPCC: Spike in cyber child sex abuse ‘shows how vital raising awareness "
                       "is’", comment="Headline: the publication's words, credited to the NPCC. "
                                      "No one in the article says them; Simon Bailey says ‘how "
                                      "vital this work is’.")],
              headline_attribution=e.npcc,
              paraphrase_of=bailey_vital)
    urged_inference = inference(
        "attribution-forces-urged-2017", art_file(A2),
        "The sentence is passive and names no one who urges. The article's only party calling on "
        "the police is the NSPCC (‘The NSPCC called on policing to raise officers’ awareness’), "
        "so the urging is attributed to the NSPCC.",
        [span(A2, "Forces are being urged", 1),
         span(A2, "The NSPCC called on policing to raise officers’ awareness")])
    urged = statement(
        "forces-urged-to-ensure-officers-understand", e.nspcc, "reported",
        [Rep(A2, "to ensure officers understand how to protect children from online sexual "
                 "offences", "are being urged", n=1, repeated_n=2, inference=urged_inference,
             comment="The standfirst, repeated as the body's first sentence.")])
    ask("ensure-officers-understand-online-offences-2017", A2,
        "ensure officers understand how to protect children from online sexual offences",
        by=e.nspcc, to=[e.police_forces], topic="police-awareness", stated_in=urged, n=1)
    police = statement("nspcc-calls-on-policing-to-raise-awareness", e.nspcc, "reported",
                       [Rep(A2, "policing to raise officers’ awareness of how the web is used to "
                                "target children, how to investigate online abuse and how best "
                                "to safeguard victims", "called on")])
    ask("raise-officers-awareness", A2,
        "raise officers’ awareness of how the web is used to target children, how to investigate "
        "online abuse and how best to safeguard victims", by=e.nspcc, to=[e.police_forces],
        topic="police-awareness", stated_in=police)
    statement("npcc-greater-reporting-may-have-played-a-role", e.npcc, "reported",
              [Rep(A2, "greater reporting may have played a role in the increase", "believes")],
              about=[o.o_2016])
    statement("npcc-responding-on-a-significant-scale", e.npcc, "reported",
              [Rep(A2, "the service is responding to these issues on a significant scale",
                   "admitted")])
    statement("bailey-figures-highlight-the-importance", e.bailey, "partial",
              [Rep(A2, "the figures “highlight the importance” of building resilience in young "
                       "people and educating them about sexual relationships", "said")],
              fragment="highlight the importance", about=[o.o_2016])
    statement("nspcc-worrying-trend-2017", e.nspcc, "partial",
              [Rep(A2, "the increase this year shows a “worrying trend” developing in how offenders "
                       "are targeting children", "said")],
              fragment="worrying trend", about=[o.o_2016])
    reg = statement("nspcc-calls-for-independent-regulator-2017", e.nspcc, "reported",
                    [Rep(A2, "the introduction of an independent regulator to hold social media "
                             "companies to account and issue fines if they fail to protect "
                             "children", "is calling for")])
    ask("independent-regulator-2017", A2,
        "the introduction of an independent regulator to hold social media companies to account "
        "and issue fines if they fail to protect children", by=e.nspcc,
        topic="independent-regulator", stated_in=reg)
    std = statement("nspcc-requests-safeguarding-standards-2017", e.nspcc, "reported",
                    [Rep(A2, "minimum safeguarding standards that internet companies must reach, "
                             "and better protection as part of default privacy settings on social "
                             "media accounts", "has also requested")])
    ask("minimum-safeguarding-standards-2017", A2,
        "minimum safeguarding standards that internet companies must reach", by=e.nspcc,
        topic="minimum-safeguarding-standards", stated_in=std)
    ask("default-privacy-protection-2017", A2,
        "better protection as part of default privacy settings on social media accounts",
        by=e.nspcc, topic="default-privacy-protection", stated_in=std)
    statement("wanless-figures-confirm-our-fears-2017", e.wanless, "partial",
              [Rep(A2, "the figures “confirm our fears that offenders are exploiting the internet to "
                       "target children for their own dark deeds”", "said")],
              fragment="confirm our fears that offenders are exploiting the internet to target "
                       "children for their own dark deeds", about=[o.o_2016])
    force = statement(
        "wanless-cannot-sit-idly-by-next-government", e.wanless, "direct",
        [Rep(A2, ("We cannot sit idly by knowing that more and more innocent young people are "
                  "being harmed online.",
                  "Today’s worrying data leaves the next government with no choice but to "
                  "urgently address this issue. We are calling on them to force internet "
                  "companies and social media sites to adhere to rules that keep their young "
                  "users safe."), "added",
             comment="One quotation of two paragraphs; ‘them’ is the next government.")])
    ask("rules-for-internet-companies-2017", A2,
        "force internet companies and social media sites to adhere to rules that keep their young "
        "users safe", by=e.wanless, to=[e.government], topic="tough-regulation", stated_in=force)

    # Undated, January to July 2019 ----------------------------------------------------------------
    urge = statement("nspcc-urges-ministers-tough-regulation", e.nspcc, "reported",
                     [Rep(A4, "Home Secretary Sajid Javid and Digital Secretary Jeremy Wright to "
                              "stand up for children and introduce tough regulation for social "
                              "networks", "is urging")])
    ask("stand-up-for-children-tough-regulation-for-social-networks", A4,
        "stand up for children and introduce tough regulation for social networks", by=e.nspcc,
        to=[e.javid, e.wright], topic="tough-regulation", stated_in=urge)
    sites = statement(
        "wanless-time-social-networks-take-responsibility", e.wanless, "direct",
        [Rep(A4, ("It is time social networks were made to take responsibility and stopped "
                  "allowing their platforms to be used as gateways for these devastating crimes.",
                  "Sites must be forced to create safe accounts for children and take proactive "
                  "steps to detect grooming so this behaviour can be disrupted before it "
                  "escalates"), "said",
             comment="One quotation of two paragraphs; the second ends ‘he added’.")],
        about=[o.o_ons])
    ask("sites-create-safe-accounts-for-children-2019", A4, "create safe accounts for children",
        by=e.wanless, to=[e.sites], topic="safe-accounts", stated_in=sites)
    ask("sites-detect-grooming-2019", A4,
        "take proactive steps to detect grooming so this behaviour can be disrupted before it "
        "escalates", by=e.wanless, to=[e.sites], topic="grooming-detection",
        stated_in=sites)
    statement("nspcc-figures-may-not-show-true-extent", e.nspcc, "reported",
              [Rep(A4, "the new figures may not show the true extent of the problem, due to the "
                       "under-reporting and under-recording of child sexual offences, and the "
                       "involvement of online in them", "warns")], about=[o.o_ons])
    call = statement("wild-west-web-calls-for-regulator-2019", e.nspcc, "reported",
                     [Rep(A4, "an independent regulator with the power to investigate and fine "
                              "social networks if they fall short in protecting children",
                          "is calling for",
                          comment="Given in the source to ‘The NSPCC's campaign #WildWestWeb’.")],
                     campaign=e.wild_west_web)
    ask("independent-regulator-power-to-investigate-and-fine-2019", A4,
        "an independent regulator with the power to investigate and fine social networks if they "
        "fall short in protecting children", by=e.wild_west_web, campaign=e.wild_west_web,
        topic="independent-regulator", stated_in=call)
    listing = statement(
        "wild-west-web-urges-ministers-to-introduce", e.nspcc, "reported",
        [Rep(A4, "Home Secretary Sajid Javid and Digital Secretary Jeremy Wright to introduce:\n\n"
                 "- An independent regulator who can put in place mandatory child safety rules "
                 "for social networks\n\n- Safe accounts for children\n\n- Detailed reporting on "
                 "how social networks are keeping children safe.", "is urging",
             comment="Given in the source to the #WildWestWeb campaign; a bulleted list.")],
        campaign=e.wild_west_web)
    for key, words, topic in [
        ("independent-regulator-mandatory-child-safety-rules",
         "An independent regulator who can put in place mandatory child safety rules for social "
         "networks", "independent-regulator"),
        ("safe-accounts-for-children", "Safe accounts for children", "safe-accounts"),
        ("detailed-reporting", "Detailed reporting on how social networks are keeping children "
                               "safe", "detailed-reporting"),
    ]:
        ask(key, A4, words, by=e.wild_west_web, campaign=e.wild_west_web, to=[e.javid, e.wright],
            topic=topic, stated_in=listing)
    petition_call = statement(
        "wanless-urges-public-to-sign-petition", e.wanless, "direct",
        [Rep(A4, "We urge the public to sign our petition calling on government to introduce an "
                 "independent regulator which has the power to fine social networks that fail in "
                 "their duty in protecting children and young people from abuse", "concluded")])
    ask("public-sign-petition-2019", A4,
        "sign our petition calling on government to introduce an independent regulator which has "
        "the power to fine social networks that fail in their duty in protecting children and "
        "young people from abuse", by=e.wanless, to=[e.public], topic="independent-regulator",
        stated_in=petition_call)
    ask("petition-independent-regulator-power-to-fine", A4,
        "introduce an independent regulator which has the power to fine social networks that fail "
        "in their duty in protecting children and young people from abuse", by=e.nspcc,
        to=[e.government], topic="independent-regulator", stated_in=petition_call)

    # About August-September 2020 -----------------------------------------------------------------
    statement("nspcc-warns-more-than-10000-offences", e.nspcc, "reported",
              [Rep(A3, "More than 10,000 offences of online child sexual crimes were recorded for "
                       "the first time by police forces last year", "has warned")],
              about=[o.o_2019])
    statement("research-suggests-risks-increased-during-lockdown", e.willis_palmer, "publication",
              [Rep(A3, "Although the FOI statistics do not include the lockdown period, research "
                       "suggest that risks to children online have increased during this period, "
                       "and the number of Childline counselling sessions about online grooming "
                       "have increased.",
                   comment="In the article's own voice: the research is not named.")],
              about=[e.lockdown])
    statement("burrows-figures-suggest-abuse-already-rising", e.burrows, "direct",
              [Rep(A3, "These figures suggest that online abuse was already rising before lockdown, "
                       "and the risks to children appear to have spiked significantly since.",
                   "said")], about=[o.o_2019])
    statement("final-consultation-response-awaited-2020", e.willis_palmer, "publication",
              [Rep(A3, "The government published the Online Harms White Paper in April 2019 but "
                       "have yet to produce the final consultation response.",
                   comment="In the article's own voice.")],
              about=[e.white_paper, e.consultation_response])
    wp = statement(
        "wild-west-web-calls-for-white-paper-and-regulator-2020", e.nspcc, "reported",
        [Rep(A3, "the government to push forward with the Online Harms White Paper and to set up an "
                 "independent regulator who would have the power to investigate and fine social "
                 "networks if they failed to protect children", "is calling for",
             comment="Given in the source to ‘The charity’s #WildWestWeb campaign’.")],
        campaign=e.wild_west_web)
    ask("push-forward-with-online-harms-white-paper", A3,
        "push forward with the Online Harms White Paper", by=e.wild_west_web,
        campaign=e.wild_west_web, to=[e.government], topic="legislation", stated_in=wp)
    ask("independent-regulator-power-to-investigate-and-fine-2020", A3,
        "set up an independent regulator who would have the power to investigate and fine social "
        "networks if they failed to protect children", by=e.wild_west_web,
        campaign=e.wild_west_web, to=[e.government], topic="independent-regulator", stated_in=wp)
    plans = statement("nspcc-urges-final-plans-and-legislation", e.nspcc, "reported",
                      [Rep(A3, "the government to publish its final plans before the end of the "
                               "year, and pass legislation by the end of 2021", "is also urging")])
    ask("publish-final-plans-before-end-of-year", A3,
        "publish its final plans before the end of the year", by=e.nspcc, to=[e.government],
        topic="legislation", stated_in=plans)
    ask("pass-legislation-by-end-of-2021", A3, "pass legislation by the end of 2021", by=e.nspcc,
        to=[e.government], topic="legislation", stated_in=plans, n=1)
    bill = statement(
        "burrows-almost-17-months-prime-minister", e.burrows, "direct",
        [Rep(A3, ("It is now almost 17 months since the government’s original proposals for "
                  "social media regulation were published and children continue to face "
                  "preventable harm online.",
                  "The Prime Minister needs to prioritise introducing a truly comprehensive "
                  "Online Harms Bill this Autumn and pass legislation by the end of 2021 that "
                  "sees tech firms held criminally and financially accountable if they continue "
                  "to put children at risk"), "added",
             comment="One quotation of two paragraphs; the second ends ‘he concluded’.")])
    ask("prioritise-online-harms-bill-this-autumn", A3,
        "prioritise introducing a truly comprehensive Online Harms Bill this Autumn",
        by=e.burrows, to=[e.pm], topic="legislation", stated_in=bill)
    ask("legislation-tech-firms-criminally-and-financially-accountable", A3,
        "pass legislation by the end of 2021 that sees tech firms held criminally and financially "
        "accountable if they continue to put children at risk", by=e.burrows, to=[e.pm],
        topic="legislation", stated_in=bill)


# --------------------------------------------------------------------------------------------------
# Output.


def write() -> None:
    from cyberflag.rdf import turtle

    src_dir = DATA / "sources"
    src_dir.mkdir(parents=True, exist_ok=True)
    manifest = []
    for s in SOURCES:
        target = src_dir / f"{s.slug}.txt"
        shutil.copyfile(SEEDS / s.seed, target)
        text = T.text[s.slug]
        assert target.read_bytes() == (SEEDS / s.seed).read_bytes()
        b0, b1 = T.body[s.slug]
        manifest.append({
            "slug": s.slug, "file": target.name, "original_file_name": s.seed,
            "body_start": b0, "body_end": b1, "characters": len(text),
            "sha256": hashlib.sha256(target.read_bytes()).hexdigest(), "note": s.note,
        })
    (src_dir / "manifest.json").write_text(
        json.dumps({"offsets": "Unicode code points (Python str indices), end exclusive",
                    "sources": manifest}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name, graph in sorted(OUT.graphs.items()):
        path = DATA / f"{name}.ttl"
        path.parent.mkdir(parents=True, exist_ok=True)
        turtle.dump(graph, path)
        print(f"{path.relative_to(ROOT)}: {len(graph)} triples")


if __name__ == "__main__":
    build()
    write()
