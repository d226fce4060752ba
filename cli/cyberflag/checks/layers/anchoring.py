"""Source anchoring: every quoted span is exactly what the article says, where the data says.

SHACL can say a span *has* offsets and an exact text; only a look at the source can say they agree.
For every span (``oa:SpecificResource``) the text between its offsets must equal its ``oa:exact``,
and lie inside the article body recorded in ``data/sources/manifest.json`` (everything outside the
body is site boilerplate), except a span that is only evidence of who published the page
(``cf:publisherEvidence``, editorial rule 12): a masthead or copyright line is furniture, and
that is exactly what it attests. The source files must still hash to the manifest's SHA-256, or
every offset is suspect. When a span is wrong the finding says where its text really occurs, so a
curator can fix an offset in one step.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from cyberflag.checks.findings import ERROR, INFO, Finding
from cyberflag.checks.layers import quotations
from cyberflag.rdf.namespaces import CF, OA

LAYER = "anchoring"
_SHOWN = 60  # characters of a quote shown in a message
SEPARATOR = " … "
"""Joins the segments of one quotation (editorial rule 1), in data and in every output."""

READS = 3
"""How many links forwards from a span this layer reads: span → article → body span → its
position selector. It also reads every triple pointing at a span (its users: a span used only as
publisher evidence may lie outside the body, :func:`furniture_only`). Declared for the
incremental check (:mod:`cyberflag.checks.incremental.reach`), which hands each node's checks
just what they read; the rule 1 checks read further (:data:`quotations.REPORT_HOPS`)."""


@dataclass(frozen=True)
class SourceText:
    """One article's source text and where its body lies in it."""

    file: str
    text: str
    body_start: int
    body_end: int


def manifest_path(data_dir: Path) -> Path:
    """Where the data directory's source manifest is."""
    return data_dir / "sources" / "manifest.json"


def manifest_entries(data_dir: Path) -> list[dict[str, Any]]:
    """The manifest's entries (``file``, ``sha256``, ``body_start``, ``body_end``), read in one
    place for this layer and for the incremental check's fingerprint of the sources.

    Raises :class:`OSError` when the manifest cannot be read, and :class:`ValueError`,
    :class:`KeyError` or :class:`TypeError` when it is not a manifest.
    """
    entries = json.loads(manifest_path(data_dir).read_text(encoding="utf-8"))["sources"]
    if not isinstance(entries, list):
        raise TypeError(f"the manifest's sources are a {type(entries).__name__}, not a list")
    return entries


def load_sources(data_dir: Path) -> tuple[dict[str, SourceText], list[Finding]]:
    """Read the manifest and the source files; hash mismatches and missing files are findings."""
    sources_dir = data_dir / "sources"
    where = str(manifest_path(data_dir))
    if not manifest_path(data_dir).is_file():
        return {}, [Finding(LAYER, ERROR, where, "source manifest is missing")]
    try:
        entries = manifest_entries(data_dir)
    except (ValueError, KeyError, TypeError) as error:
        return {}, [Finding(LAYER, ERROR, where, f"source manifest is not readable: {error}")]
    sources: dict[str, SourceText] = {}
    findings: list[Finding] = []
    for entry in entries:
        path = sources_dir / entry["file"]
        if not path.is_file():
            findings.append(
                Finding(
                    LAYER,
                    ERROR,
                    str(path),
                    "source file named in the manifest is missing",
                    file=where,
                )
            )
            continue
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != entry["sha256"]:
            findings.append(
                Finding(
                    LAYER,
                    ERROR,
                    str(path),
                    "source file differs from the manifest's SHA-256: its "
                    "offsets can no longer be trusted",
                    (f"manifest: {entry['sha256']}", f"file:     {digest}"),
                    file=where,
                )
            )
        sources[entry["file"]] = SourceText(
            entry["file"], raw.decode("utf-8"), int(entry["body_start"]), int(entry["body_end"])
        )
    return sources, findings


def occurrences(text: str, exact: str) -> list[int]:
    """Every offset at which ``exact`` occurs in ``text`` (overlapping ones included)."""
    found, at = [], text.find(exact)
    while exact and at >= 0:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


def closest(text: str, exact: str) -> tuple[int, int] | None:
    """Where the longest head or tail of ``exact`` occurs in ``text``: a misquoted word usually
    leaves the words before or after it intact, and that is enough to find the passage."""
    for size in range(len(exact) - 1, 7, -1):
        head, tail = exact[:size], exact[-size:]
        if (at := text.find(head)) >= 0:
            return at, at + len(exact)
        if (at := text.find(tail)) >= 0:
            end = at + size
            return max(0, end - len(exact)), end
    return None


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SHOWN else flat[: _SHOWN - 1] + "…"


def _offset(value: Node | None) -> int | None:
    """A selector's offset; None when it is not a whole number (the shapes layer says which)."""
    text = str(value) if isinstance(value, Literal) else ""
    return int(text) if text.isascii() and text.isdigit() else None


def _selectors(graph: Graph, span: Node) -> tuple[int | None, int | None, str | None]:
    start = end = exact = None
    for sel in graph.objects(span, OA.hasSelector):
        if (sel, RDF.type, OA.TextPositionSelector) in graph:
            s, e = graph.value(sel, OA.start), graph.value(sel, OA.end)
            start, end = _offset(s), _offset(e)
        if (sel, RDF.type, OA.TextQuoteSelector) in graph:
            value = graph.value(sel, OA.exact)
            exact = str(value) if value is not None else None
    return start, end, exact


def furniture_only(graph: Graph, span: Node) -> bool:
    """Whether every use of ``span`` is as ``cf:publisherEvidence`` (rule 12: may lie outside)."""
    uses = {predicate for _, predicate in graph.subject_predicates(span)}
    return uses == {CF.publisherEvidence}


def check_span(
    span: str, source: SourceText, start: int, end: int, exact: str, furniture: bool = False
) -> list[Finding]:
    """The findings for one span against its source text (none when it is right).

    ``furniture`` spans (publisher evidence only) may lie anywhere in the page.
    """
    text = source.text
    if text[start:end] == exact:
        if furniture or (source.body_start <= start and end <= source.body_end):
            return []
        return [
            Finding(
                LAYER,
                ERROR,
                span,
                f"quote lies outside the article body "
                f"({source.body_start}-{source.body_end}), in site boilerplate (only "
                f"cf:publisherEvidence may point there, rule 12)",
                (f"span {start}-{end}: {_short(exact)!r}",),
                file=source.file,
            )
        ]
    detail = [
        f"at {start}-{end} the source reads {_short(text[start:end])!r}",
        f"oa:exact is {_short(exact)!r}",
    ]
    hits = occurrences(text, exact)
    in_body = [
        h
        for h in hits
        if furniture or (source.body_start <= h and h + len(exact) <= source.body_end)
    ]
    if in_body:
        places = ", ".join(f"{h}-{h + len(exact)}" for h in in_body)
        message = f"offsets do not match the quote; it occurs at {places}"
    elif hits:
        message = "offsets do not match the quote, and it occurs only outside the article body"
    else:
        message = "quote does not occur in the source text"
        near = closest(text, exact)
        if near is not None:
            a, b = near
            detail.append(f"closest passage: {a}-{b} {_short(text[a:b])!r}")
    return [Finding(LAYER, ERROR, span, message, tuple(detail), file=source.file)]


def check(graph: Graph, data_dir: Path) -> list[Finding]:
    """All anchoring findings for ``graph`` (the data union) against ``data_dir``'s sources."""
    sources, findings = load_sources(data_dir)
    checked = 0
    read: dict[Node, tuple[int, int, str]] = {}  # span -> start, end, exact: read once
    for span in sorted(graph.subjects(RDF.type, OA.SpecificResource), key=str):
        article = graph.value(span, OA.hasSource)
        file = graph.value(article, CF.sourceFile) if article is not None else None
        source = sources.get(str(file)) if file is not None else None
        if source is None:
            findings.append(
                Finding(
                    LAYER, ERROR, str(span), f"no source text for the span's article ({article})"
                )
            )
            continue
        start, end, exact = _selectors(graph, span)
        if start is None or end is None or exact is None:
            findings.append(
                Finding(
                    LAYER,
                    ERROR,
                    str(span),
                    "span lacks a position or a quote selector",
                    file=source.file,
                )
            )
            continue
        checked += 1
        read[span] = (start, end, exact)
        findings += check_span(
            str(span), source, start, end, exact, furniture_only(graph, span)
        )
    findings += check_reported_words(graph, read)
    texts = {
        article: sources[str(file)].text
        for article, file in graph.subject_objects(CF.sourceFile)
        if isinstance(article, URIRef) and str(file) in sources
    }
    findings += quotations.check(graph, texts, read)
    if not [f for f in findings if f.severity == ERROR]:
        findings.append(summary(data_dir, checked, len(sources)))
    return findings


def check_reported_words(
    graph: Graph, spans: dict[Node, tuple[int, int, str]]
) -> list[Finding]:
    """A report's ``cf:reportedWords`` must be its spans' words in text order, joined (rule 1).

    The words are kept as data so that queries need not reassemble segments; this is what keeps
    that copy true to the spans (which the span check above holds to the source). ``spans``: the
    positions and words :func:`check` read; a report with a span missing from it is left to the
    span check's own finding.
    """
    findings = []
    for report, words in sorted(graph.subject_objects(CF.reportedWords)):
        targets = list(graph.objects(report, OA.hasTarget))
        if not all(t in spans for t in targets):
            continue
        expected = SEPARATOR.join(spans[t][2] for t in sorted(targets, key=lambda t: spans[t][0]))
        if str(words) != expected:
            findings.append(
                Finding(
                    LAYER,
                    ERROR,
                    str(report),
                    "cf:reportedWords differ from the report's spans (their exact words in "
                    "text order, joined with \" … \", rule 1)",
                    (f"reportedWords: {_short(str(words))!r}", f"spans: {_short(expected)!r}"),
                )
            )
    return findings


def summary(data_dir: Path, spans: int, sources: int) -> Finding:
    """The layer's one-line result when nothing is wrong (also written by the cached run)."""
    return Finding(
        LAYER,
        INFO,
        str(data_dir / "sources"),
        f"{spans} spans match their source texts, all inside article bodies but publisher "
        f"evidence; {sources} source files match the manifest",
    )


__all__ = [
    "READS",
    "SourceText",
    "check",
    "check_reported_words",
    "check_span",
    "closest",
    "furniture_only",
    "load_sources",
    "manifest_entries",
    "manifest_path",
    "occurrences",
    "summary",
]
