"""Which words of which article a fact rests on, and those words in their sentence.

A fact is shown where it was read: every report of a statement or observation (``cf:hasReport``
→ ``oa:hasTarget``) and every evidence span (``cf:evidence`` and the article's own evidence
properties) is a :class:`Span` with Unicode code-point offsets into the article's source text
(``oa:TextPositionSelector``). The source texts are read through the anchoring check's reader of
``data/sources/manifest.json``, so that the offsets mean the same here as where they are checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cyberflag.checks.layers.anchoring import SourceText, load_sources
from cyberflag.rdf.prefixes import PREFIXES
from cyberflag.rdf.resources import data_dir as shipped_data
from cyberflag.site.graph import Triples

CF, OA = PREFIXES["cf"], PREFIXES["oa"]
HAS_REPORT = CF + "hasReport"
EVIDENCE = (
    CF + "evidence", CF + "headlineEvidence", CF + "dateEvidence", CF + "publisherEvidence",
    CF + "repeatedAt",
)
"""Properties that point at the words a fact rests on (besides a report's targets)."""

CONTEXT_LIMIT = 320
"""At most this many characters of context each side of a span (a paragraph can be long)."""


@dataclass(frozen=True, order=True)
class Span:
    """One cited stretch: ``text[start:end]`` of the article's source."""

    article: str
    start: int
    end: int
    iri: str

    @property
    def anchor(self) -> str:
        """The id of its ``<mark>`` on the article's page."""
        return f"span-{self.start}-{self.end}"


@dataclass(frozen=True)
class Citation:
    """A report of a fact (or an evidence property's spans): what an article says of it."""

    kind: str
    """``report`` or the evidence property's IRI."""
    node: str
    """The report's IRI, or the fact's own for an evidence property."""
    article: str
    spans: tuple[Span, ...]
    verb: str | None
    words: str | None


def span_of(graph: Triples, iri: str) -> Span | None:
    """The span ``iri`` as offsets, or ``None`` when it has no article or position."""
    article = graph.value(iri, OA + "hasSource")
    if article is None:
        return None
    for selector in graph.objects(iri, OA + "hasSelector"):
        start = graph.value(selector.value, OA + "start")
        end = graph.value(selector.value, OA + "end")
        if start is not None and end is not None:
            try:
                return Span(article.value, int(start.value), int(end.value), iri)
            except ValueError:
                return None
    return None


def _spans(graph: Triples, iris: list[str]) -> tuple[Span, ...]:
    return tuple(sorted(s for s in (span_of(graph, i) for i in iris) if s is not None))


def citations(graph: Triples, iri: str) -> list[Citation]:
    """Every report of ``iri`` and every evidence span it names, in article and text order."""
    found: list[Citation] = []
    for report in graph.objects(iri, HAS_REPORT):
        spans = _spans(graph, [t.value for t in graph.objects(report.value, OA + "hasTarget")])
        if not spans:
            continue
        verb = graph.value(report.value, CF + "reportingVerb")
        words = graph.value(report.value, CF + "reportedWords")
        found.append(Citation(
            "report", report.value, spans[0].article, spans,
            verb.value if verb else None, words.value if words else None,
        ))
    for prop in EVIDENCE:
        by_article: dict[str, list[Span]] = {}
        for span in _spans(graph, [t.value for t in graph.objects(iri, prop)]):
            by_article.setdefault(span.article, []).append(span)
        for article, cited in sorted(by_article.items()):
            found.append(Citation(prop, iri, article, tuple(cited), None, None))
    return sorted(found, key=lambda c: (c.article, c.spans[0].start, c.kind))


class Sources:
    """The articles' source texts by file name, read once from a data directory."""

    def __init__(self, data: Path | None) -> None:
        folder = data if data is not None else shipped_data()
        texts, _ = load_sources(folder)  # a missing or changed file: validate reports it
        self.texts: dict[str, SourceText] = texts

    def of(self, graph: Triples, article: str) -> SourceText | None:
        """The source text of ``article`` (its ``cf:sourceFile``), or ``None``."""
        name = graph.value(article, CF + "sourceFile")
        return self.texts.get(name.value) if name is not None else None


def sentence_bounds(text: str, start: int, end: int, lo: int = 0, hi: int | None = None) -> (
    tuple[int, int]
):
    """The start and end of the sentence(s) around ``text[start:end]``, within ``lo:hi`` and at
    most :data:`CONTEXT_LIMIT` characters either side: the words read as the reader met them."""
    hi = len(text) if hi is None else hi
    left = start
    floor = max(lo, start - CONTEXT_LIMIT)
    while left > floor and not _ends_sentence(text, left):
        left -= 1
    right = end
    ceiling = min(hi, end + CONTEXT_LIMIT)
    while right < ceiling and not _ends_sentence(text, right):
        right += 1
    while left < start and text[left].isspace():
        left += 1
    return left, right


def _ends_sentence(text: str, at: int) -> bool:
    """Whether a sentence ends just before ``at``: a line break, or ``. ? !`` (and any closing
    quotation mark) followed by a space."""
    before = text[at - 1] if at > 0 else "\n"
    if before == "\n":
        return True
    if not before.isspace() or at < 2:
        return False
    closing = text[at - 2] in "’”\"'" and text[at - 3 : at - 2] in (".", "?", "!")
    return text[at - 2] in ".?!" or closing


def in_context(source: SourceText, spans: tuple[Span, ...]) -> list[tuple[str, bool]]:
    """The sentence(s) around ``spans`` as pieces ``(text, cited)``: the reader's view of one
    citation, shared by ``show`` and the pages."""
    first, last = spans[0].start, spans[-1].end
    lo = source.body_start if source.body_start <= first else 0
    hi = source.body_end if last <= source.body_end else len(source.text)
    left, right = sentence_bounds(source.text, first, last, lo, hi)
    pieces: list[tuple[str, bool]] = []
    at = left
    for span in spans:
        if span.start > at:
            pieces.append((source.text[at:span.start], False))
        begin = max(at, span.start)
        if span.end > begin:
            pieces.append((source.text[begin:span.end], True))
        at = max(at, span.end)
    if right > at:
        pieces.append((source.text[at:right], False))
    return [(text.replace("\n", " "), cited) for text, cited in pieces]


__all__ = [
    "EVIDENCE", "HAS_REPORT", "Citation", "Sources", "Span", "citations", "in_context",
    "sentence_bounds", "span_of",
]
