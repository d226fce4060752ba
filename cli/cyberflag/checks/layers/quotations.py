"""Editorial rule 1, checked against the source text: a quotation is cut only where its marks are.

One statement is one uninterrupted utterance; a direct quote's segment is all the words between
one pair of quotation marks (less a closing comma that belongs to the attribution), and a
quotation that runs on into a new paragraph (the paragraph opens with a mark the previous one did
not close) continues in the *same* report. Whether a span honours that can only be seen in the
source, so these checks belong to the anchoring layer. Partial quotes carry the source's own marks
inside a reported clause: a span that holds an opening mark without its closing one (or the
reverse) cuts a quoted stretch.

Straight marks (``"``) are read as opening or closing by position, as a reader would; curly
single marks double as apostrophes, so only double marks are counted in partial quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.term import Node

from cyberflag.checks.findings import ERROR, Finding
from cyberflag.rdf.namespaces import CF, OA

LAYER = "anchoring"
OPENING = "“‘\"'"
CLOSING = "”’\"'"
_CONTINUES = re.compile(r"\s+([“‘\"'])")
"""After a segment: the quotation runs on, past a paragraph break, at a new opening mark."""

Segment = tuple[str, int, int]
"""(span IRI, start, end) of one target of a report."""

REPORT_HOPS = 2
"""Rule 1 judges a span by each report pointing at it (``oa:hasTarget``) and what lies within
this many links forwards of that report: the report's statement (``oa:hasBody``) and the
statement's kind, the report's other segments (``oa:hasTarget``) and their articles. Declared
for the incremental check (:mod:`cyberflag.checks.incremental.reach`)."""


def stretch_problems(text: str, segments: list[Segment]) -> Iterable[tuple[str, str]]:
    """(span, problem) for each direct-quote segment that is not a whole quoted stretch."""
    starts = {start for _, start, _ in segments}
    for span, start, end in segments:
        if start == 0 or text[start - 1] not in OPENING:
            yield span, "a direct quote's segment must start just after an opening quotation mark"
            continue
        after = text[end : end + 2]
        if after[:1] in CLOSING or (after[:1] == "," and after[1:2] in CLOSING):
            continue
        runs_on = _CONTINUES.match(text, end)
        if runs_on is None:
            yield span, (
                "a direct quote's segment must end at its closing quotation mark (or the comma "
                f"before it); it ends before {text[end : end + 12]!r}, inside the quotation"
            )
        elif runs_on.end() not in starts:
            yield span, (
                "the quotation runs on at a new opening mark without closing "
                f"(at {runs_on.end()}); its next stretch must be a segment of the same report"
            )


def unbalanced(words: str) -> bool:
    """Whether a partial quote's words open a double quotation without closing it (or reverse)."""
    if words.count("“") != words.count("”"):
        return True
    return words.count('"') % 2 == 1


Positions = dict[Node, tuple[int, int, str]]
"""span -> (start, end, exact), as the anchoring layer read them."""


def check(graph: Graph, texts: dict[URIRef, str], spans: Positions) -> list[Finding]:
    """Rule 1 findings for every direct and partial quote whose article text is in ``texts``
    and whose spans are in ``spans``."""
    findings = []
    for kind in (CF.DirectQuote, CF.PartialQuote):
        for statement in sorted(graph.subjects(CF.statementKind, kind), key=str):
            for report in sorted(graph.objects(statement, CF.hasReport), key=str):
                findings += _report(graph, texts, spans, report, direct=kind == CF.DirectQuote)
    return findings


def _report(
    graph: Graph, texts: dict[URIRef, str], spans: Positions, report: Node, direct: bool
) -> list[Finding]:
    segments: list[Segment] = []
    text = None
    for target in graph.objects(report, OA.hasTarget):
        article = graph.value(target, OA.hasSource)
        text = texts.get(article) if isinstance(article, URIRef) else None
        if text is None or target not in spans:
            return []  # the span checks report what is missing
        start, end, _ = spans[target]
        segments.append((str(target), start, end))
    if text is None:
        return []
    segments.sort(key=lambda s: s[1])
    if direct:
        problems = list(stretch_problems(text, segments))
    else:
        problems = [
            (span, "a partial quote's span holds a quotation mark without its pair: it cuts a "
             "quoted stretch")
            for span, start, end in segments
            if unbalanced(text[start:end])
        ]
    return [
        Finding(LAYER, ERROR, span, f"{problem} (rule 1)", (f"report {report}",))
        for span, problem in problems
    ]


__all__ = ["REPORT_HOPS", "check", "stretch_problems", "unbalanced"]
