"""The pieces of an article file that ``add`` and the review commands both write: a span with its
selectors, a report of a fact, a reference period with its instants, and a draft's three marks.
One writer for each, so a drafted fact and a curator's have the same shape.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, TIME, XSD

from cyberflag.curation.layout import Range
from cyberflag.rdf.namespaces import CF, CFD, OA

JOIN = " … "
"""How the segments of one utterance are joined in ``schema:text`` (rule 1)."""


def add_span(graph: Graph, slug: str, text: str, span: Range) -> URIRef:
    """The span node ``span/{slug}/{start}-{end}``, described with its two selectors unless the
    graph already has it."""
    start, end = span
    node = CFD[f"span/{slug}/{start}-{end}"]
    if (node, RDF.type, OA.SpecificResource) not in graph:
        quote, position = URIRef(f"{node}/quote"), URIRef(f"{node}/position")
        for triple in (
            (node, RDF.type, OA.SpecificResource), (node, OA.hasSource, CFD[f"article/{slug}"]),
            (node, OA.hasSelector, quote), (node, OA.hasSelector, position),
            (quote, RDF.type, OA.TextQuoteSelector), (quote, OA.exact, Literal(text[start:end])),
            (position, RDF.type, OA.TextPositionSelector),
            (position, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)),
            (position, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)),
        ):
            graph.add(triple)
    return node


def add_report(graph: Graph, fact: URIRef, report: URIRef, slug: str, text: str,
               segments: list[Range]) -> None:
    """``report`` of ``fact``: its spans and its words (the segments joined, rule 1)."""
    graph.add((fact, CF.hasReport, report))
    graph.add((report, RDF.type, CF.Report))
    graph.add((report, OA.hasBody, fact))
    for segment in segments:
        graph.add((report, OA.hasTarget, add_span(graph, slug, text, segment)))
    graph.add((report, CF.reportedWords, Literal(JOIN.join(text[s:e] for s, e in segments))))


def add_period(graph: Graph, start: dt.date, end: dt.date | None, existing: set[str]) -> URIRef:
    """The period ``period/{start}_{end}`` (``_open`` without an end), described with its
    instants unless another file or this graph already describes them."""
    interval = CFD[f"period/{start.isoformat()}_{end.isoformat() if end else 'open'}"]
    if str(interval) in existing or (interval, RDF.type, None) in graph:
        return interval
    graph.add((interval, RDF.type, TIME.ProperInterval if end else TIME.Interval))
    for day, link, shortcut in ((start, TIME.hasBeginning, CF.startDate),
                                (end, TIME.hasEnd, CF.endDate)):
        if day is None:
            continue
        iso = Literal(day.isoformat(), datatype=XSD.date)
        instant = CFD[f"instant/{day.isoformat()}"]
        graph.add((interval, link, instant))
        graph.add((interval, shortcut, iso))
        if str(instant) not in existing:
            graph.add((instant, RDF.type, TIME.Instant))
            graph.add((instant, TIME.inXSDDate, iso))
    return interval


def mark_draft(graph: Graph, node: URIRef, rule: str, confidence: float) -> None:
    """Rule 15: ``node`` is a draft, by ``rule``, with ``confidence``."""
    graph.add((node, CF.curationStatus, CF.Draft))
    graph.add((node, CF.draftRule, Literal(rule)))
    graph.add((node, CF.confidence, Literal(Decimal(str(confidence)), datatype=XSD.decimal)))


__all__ = ["JOIN", "add_period", "add_report", "add_span", "mark_draft"]
