"""Where a figure comes from, as the article says it: its statistical source ("a Freedom of
Information request by the children's charity", "figures obtained by the NSPCC", "new figures
from the Office of National Statistics") and its coverage ("38 police forces in England and
Wales", "all forces across the UK"), both verbatim.

A figure's own sentence is read first; a figure whose sentence names no source takes the last
source the body named before it (an article usually names its source once, then gives figures).
The source's title is the article's words; who it is attributed to is a known organisation the
words name, or left for the curator.
"""

from __future__ import annotations

import re

from cyberflag.curation.entities import Known
from cyberflag.curation.figures import FigureDraft, SourceDraft
from cyberflag.curation.layout import Layout, Range, paragraphs, sentences

_NAME = r"(?:the\s+)?[A-Za-z][\w’'-]*(?:\s+(?:of\s+|for\s+)?[A-Z][\w’'-]*)*"
SOURCES = [
    (re.compile(r"Freedom of Information (?:\(FOI\) )?requests?(?: (?:by|from|made by) "
                r"(?P<by>(?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,3}?))?(?=\s+(?:made|to|revealed|"
                r"showed|found|shows|reveals)\b|[,.]|$)"), "foi-request"),
    (re.compile(rf"figures (?:obtained|released|published|gathered) by (?P<by>{_NAME})"),
     "figures-obtained"),
    (re.compile(rf"(?:new )?(?:figures|statistics|data) from (?P<by>(?:the\s+)?(?:Office "
                rf"(?:of|for) National Statistics|{_NAME}))"), "official-statistics"),
]
"""The ways an article names a figure's source, and the kind of source each is."""

COVERAGE = re.compile(
    r"\b(?:by|to|from|across|in)\s+(?P<coverage>(?:all\s+|the\s+)?(?:\d+\s+)?(?:police\s+)?forces"
    r"(?:\s+(?:in|across)(?:\s+the)?\s+[A-Z][\w]*(?:\s+(?:and\s+)?[A-Z][\w]*)*)?)"
)
"""Which forces a figure covers, as written."""


def _named(text: str, start: int, end: int, known: Known) -> SourceDraft | None:
    for pattern, kind in SOURCES:
        match = pattern.search(text, start, end)
        if match:
            by_words = match.group("by")
            by = known.find(by_words) if by_words else None
            return SourceDraft((match.start(), match.end()), kind,
                               by if by is not None and by.kind == "org" else None,
                               coverage(text, start, end))
    return None


def attach(text: str, layout: Layout, known: Known, figures: list[FigureDraft]) -> None:
    """Give each drafted figure the source and coverage its sentence states (or, for the source,
    the last one named before it)."""
    by_start = {span[0]: (source, carried) for span, source, carried
                in sources_by_sentence(text, layout, known)}
    for figure in figures:
        figure.source, figure.source_carried = by_start.get(figure.clause[0], (None, False))
        own = coverage(text, *figure.clause)
        figure.coverage = own or (figure.source.coverage if figure.source is not None else None)


def sources_by_sentence(text: str, layout: Layout, known: Known
                        ) -> list[tuple[Range, SourceDraft | None, bool]]:
    """Each body sentence, with the source it names or the last one named before it (and
    whether it was carried from there)."""
    found: list[tuple[Range, SourceDraft | None, bool]] = []
    last: SourceDraft | None = None
    for p_start, p_end in paragraphs(text, *layout.body):
        for start, end in sentences(text, p_start, p_end):
            here = _named(text, start, end, known)
            if here is not None:
                last = here
            found.append(((start, end), here or last, here is None and last is not None))
    return found


def coverage(text: str, start: int, end: int) -> Range | None:
    """The coverage a sentence states, as written."""
    for match in COVERAGE.finditer(text, start, end):
        words = match.group("coverage")
        if re.search(r"\d|\ball\b|\s(?:in|across)\s", words):  # bare "forces" says nothing
            return (match.start("coverage"), match.end("coverage"))
    return None


__all__ = ["COVERAGE", "SOURCES", "SourceDraft", "attach", "coverage", "sources_by_sentence"]
