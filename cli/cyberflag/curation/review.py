"""What review shows and changes: a draft in its sentence, a correction of its speaker, kind,
words, value or period, and a fact added by its words (``quote``, ``figure``).

A correction makes the fact the curator's: it is accepted with it. A fact added by its words is
the curator's from the start, except an observation still missing one of the five dimensions an
accepted observation needs (rule 15): that one stays a draft until they are given.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from cyberflag.curation.edit import (
    ArticleFile,
    accept,
    drafts,
    find_words,
    missing,
    short_id,
    span_node,
    span_offsets,
    spans_of,
)
from cyberflag.curation.entities import Entity, Known
from cyberflag.curation.layout import Range
from cyberflag.curation.triples import JOIN, add_period, add_report, mark_draft
from cyberflag.errors import InputError
from cyberflag.rdf.namespaces import CF, CFD, OA, QB, SCHEMA

KINDS = {
    "direct": "DirectQuote",
    "partial": "PartialQuote",
    "reported": "ReportedSpeech",
    "headline": "HeadlineClaim",
    "publication": "PublicationClaim",
}
COMPARATORS = {
    "exactly": "Exactly",
    "more-than": "MoreThan",
    "over": "Over",
    "almost": "Almost",
    "approximately": "Approximately",
    "average-of": "AverageOf",
}


@dataclass(frozen=True)
class DraftView:
    """One draft as review prints it."""

    ident: str
    what: str
    rule: str
    confidence: str
    context: str


def _label(article: ArticleFile, node: object) -> str:
    g = article.graph
    label = g.value(node, SKOS.prefLabel) if isinstance(node, URIRef) else None
    if label is None and isinstance(node, URIRef):
        return str(node).rsplit("/", 1)[-1].replace("-", " ")
    return str(label)


def context(article: ArticleFile, spans: list[tuple[int, int]], around: int = 70) -> str:
    """The words around ``spans`` with each span marked ``[[…]]``, on one line."""
    if not spans:
        return ""
    text = article.text
    start = max(article.body[0], spans[0][0] - around)
    end = min(article.body[1], spans[-1][1] + around)
    out, at = [], start
    for s, e in spans:
        out += [text[at:s], "[[", text[s:e], "]]"]
        at = e
    out.append(text[at:end])
    line = " ".join("".join(out).split())
    return (
        ("… " if start > article.body[0] else "") + line + (" …" if end < article.body[1] else "")
    )


def view(article: ArticleFile, node: URIRef) -> DraftView:
    g = article.graph
    offsets = [span_offsets(s) for s in spans_of(g, node)]
    kind = g.value(node, CF.statementKind)
    if kind is not None:
        report = g.value(node, CF.hasReport)
        verb = g.value(report, CF.reportingVerb) if report is not None else None
        readable = re.sub(r"(?<!^)(?=[A-Z])", " ", str(kind).rsplit("#", 1)[1]).lower()
        what = f"{readable} by {_label(article, g.value(node, CF.speaker))}"
        what += f", “{verb}”" if verb else ""
    elif (node, RDF.type, QB.Observation) in g:
        comparator = str(g.value(node, CF.comparator)).rsplit("#", 1)[-1]
        unit = str(g.value(node, CF.unit) or "").rsplit("/", 1)[-1]
        what = f"figure {g.value(node, CF.value)} ({comparator}, {unit})"
        period = g.value(node, CF.refPeriod)
        what += f", period {str(period).rsplit('/', 1)[-1]}" if period else ", no period"
    elif (node, RDF.type, CF.Ask) in g:
        what = f"ask by {_label(article, g.value(node, CF.askedBy))}"
        addressee = g.value(node, CF.addressedTo)
        what += f" of {_label(article, addressee)}" if addressee is not None else ""
    elif node == article.article:
        published = g.value(node, SCHEMA.datePublished)
        what = f"date {published}" if published else "date: none printed"
    else:
        what = f"new {str(node)[len(str(CFD)) :].split('/')[0]} {_label(article, node)}"
    return DraftView(
        short_id(article, node),
        what,
        str(g.value(node, CF.draftRule)),
        str(g.value(node, CF.confidence)),
        context(article, offsets),
    )


def views(article: ArticleFile) -> list[DraftView]:
    return [view(article, node) for node in drafts(article)]


def entity_for(article: ArticleFile, known: Known, name: str) -> URIRef:
    """The person or organisation ``name`` names; a new person (a draft) when none does."""
    entity = known.find(name)
    if entity is not None and entity.iri is not None:
        return URIRef(entity.iri)
    for node in article.graph.subjects(SKOS.prefLabel, Literal(name)):
        if isinstance(node, URIRef):
            return node
    from cyberflag.curation.draft import slugify

    node = CFD[f"person/{slugify(name, 40)}"]
    g = article.graph
    g.add((node, RDF.type, SCHEMA.Person))
    g.add((node, SCHEMA.name, Literal(name)))
    g.add((node, SKOS.prefLabel, Literal(name)))
    mark_draft(g, node, "new-person", 1.0)
    known.add(Entity("person", [name], str(node)))
    return node


def set_words(article: ArticleFile, node: URIRef, words: str) -> None:
    """The fact's report now targets ``words`` (one span; text and reported words follow)."""
    g = article.graph
    span = find_words(article, words)
    for report in list(g.objects(node, CF.hasReport)):
        g.remove((report, OA.hasTarget, None))
        g.add((report, OA.hasTarget, span_node(article, span)))
        g.set((report, CF.reportedWords, Literal(words)))
    if (node, SCHEMA.text, None) in g:
        g.set((node, SCHEMA.text, Literal(words)))


def set_period(article: ArticleFile, node: URIRef, period: str, existing: set[str]) -> None:
    """``START/END`` or ``START/open`` (ISO dates) as the observation's reference period."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\d)/(\d{4}-\d\d-\d\d|open)", period)
    if not match:
        raise InputError(f"--period {period!r}: give START/END or START/open (YYYY-MM-DD)")
    try:
        start = dt.date.fromisoformat(match.group(1))
        end = None if match.group(2) == "open" else dt.date.fromisoformat(match.group(2))
    except ValueError as error:
        raise InputError(f"--period {period!r}: {error}") from None
    if end is not None and end < start:
        raise InputError(f"--period {period!r}: it ends before it starts")
    interval = add_period(article.graph, start, end, existing)
    article.graph.set((node, CF.refPeriod, interval))

def number(value: str) -> Literal:
    try:
        parsed = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise InputError(f"--value {value!r} is not a number") from None
    return (
        Literal(int(parsed))
        if parsed == parsed.to_integral_value() and "." not in value
        else Literal(parsed)
    )


@dataclass
class Correction:
    """What a curator changes on one draft (``None``: left as it is)."""

    speaker: str | None = None
    kind: str | None = None
    words: str | None = None
    value: str | None = None
    comparator: str | None = None
    period: str | None = None
    unit: str | None = None
    measure: str | None = None
    area: str | None = None
    category: str | None = None
    source: str | None = None


def correct(
    article: ArticleFile, node: URIRef, fix: Correction, known: Known, existing: set[str]
) -> None:
    """Apply ``fix`` to a draft and accept it."""
    g = article.graph
    statement = (node, CF.statementKind, None) in g
    if not statement and (fix.speaker or fix.kind):
        raise InputError(
            f"{short_id(article, node)} is not a statement: --speaker and --kind do not apply"
        )
    figure_fields = (
        fix.value,
        fix.comparator,
        fix.period,
        fix.unit,
        fix.measure,
        fix.area,
        fix.category,
        fix.source,
    )
    if statement and any(figure_fields):
        raise InputError(
            f"{short_id(article, node)} is a statement: only --speaker, --kind and --words apply"
        )
    if fix.speaker:
        g.set((node, CF.speaker, entity_for(article, known, fix.speaker)))
    if fix.kind:
        g.set((node, CF.statementKind, CF[KINDS[fix.kind]]))
    if fix.words:
        set_words(article, node, fix.words)
    if fix.value:
        g.set((node, CF.value, number(fix.value)))
    if fix.comparator:
        g.set((node, CF.comparator, CF[COMPARATORS[fix.comparator]]))
    if fix.period:
        set_period(article, node, fix.period, existing)
    if fix.unit:
        g.set((node, CF.unit, CFD[f"unit/{fix.unit}"]))
    for name in DIMENSIONS:
        slug = getattr(fix, name)
        if slug:
            g.set((node, DIMENSIONS[name], CFD[f"{_SCHEMES[name]}/{slug}"]))
    accept(article, node)


def next_id(article: ArticleFile, kind: str, letter: str) -> URIRef:
    n = 1
    while (CFD[f"{kind}/{article.slug}-{letter}{n}"], None, None) in article.graph:
        n += 1
    return CFD[f"{kind}/{article.slug}-{letter}{n}"]


def new_fact(article: ArticleFile, words: str, kind: str, letter: str
             ) -> tuple[Range, URIRef, URIRef]:
    """What a fact added by its words starts from: the one span of ``words`` in the body, the
    next free IRI of ``kind`` and its report in this article."""
    span = find_words(article, words)
    node = next_id(article, kind, letter)
    return span, node, URIRef(f"{node}/report/{article.slug}")


def add_quote(
    article: ArticleFile, words: str, speaker: str, kind: str, verb: str | None, known: Known
) -> URIRef:
    """A statement of ``speaker`` whose words are ``words`` (the curator's, not a draft)."""
    span, node, report = new_fact(article, words, "statement", "s")
    g = article.graph
    for triple in (
        (node, RDF.type, CF.Statement),
        (node, CF.speaker, entity_for(article, known, speaker)),
        (node, CF.statementKind, CF[KINDS[kind]]),
        (node, SCHEMA.text, Literal(words)),
    ):
        g.add(triple)
    add_report(g, node, report, article.slug, article.text, [span])
    if verb:
        g.add((report, CF.reportingVerb, Literal(verb)))
    if kind == "partial":
        fragments = re.findall(r"[“‘\"]([^”’\"]+)[”’\"]", words)
        if fragments:
            g.add((node, CF.quotedFragment, Literal(JOIN.join(fragments))))
    return node


DIMENSIONS = {
    "measure": CF.measure,
    "area": CF.refArea,
    "category": CF.offenceCategory,
    "source": CF.statisticalSource,
}
_SCHEMES = {
    "measure": "measure",
    "area": "area",
    "category": "offence-category",
    "source": "source",
    "unit": "unit",
}


def add_figure(
    article: ArticleFile,
    words: str,
    value: str,
    comparator: str,
    unit: str | None,
    period: str | None,
    dimensions: dict[str, str],
    existing: set[str],
) -> tuple[URIRef, list[str]]:
    """An observation reported by ``words``; a draft while it lacks one of the five dimensions
    (returned, by option name)."""
    span, node, report = new_fact(article, words, "observation", "f")
    g = article.graph
    for triple in (
        (node, RDF.type, QB.Observation),
        (node, QB.dataSet, CFD["dataset/cyberflag-statistics"]),
        (node, CF.value, number(value)),
        (node, CF.comparator, CF[COMPARATORS[comparator]]),
    ):
        g.add(triple)
    add_report(g, node, report, article.slug, article.text, [span])
    if unit:
        g.add((node, CF.unit, CFD[f"unit/{unit}"]))
    for name, slug in dimensions.items():
        g.add((node, DIMENSIONS[name], CFD[f"{_SCHEMES[name]}/{slug}"]))
    if period:
        set_period(article, node, period, existing)
    lacking = missing(article, node)  # rule 15: incomplete, so still a draft
    if lacking:
        mark_draft(g, node, "figure-by-curator", 1.0)
    return node, lacking


__all__ = [
    "COMPARATORS",
    "KINDS",
    "Correction",
    "DraftView",
    "add_figure",
    "add_quote",
    "context",
    "correct",
    "entity_for",
    "view",
    "views",
]
