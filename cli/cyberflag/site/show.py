"""``show``'s text: one resource described for the terminal, each report's words in context.

The cited words are marked ``[[like this]]``; on a terminal the markers become reverse video
(:func:`render`'s ``highlight``), so a reader sees the words in their sentence and which of them
the fact rests on, without a browser.
"""

from __future__ import annotations

import textwrap

from cyberflag.rdf.prefixes import PREFIXES
from cyberflag.site.describe import Description, Property, describe, name_of
from cyberflag.site.evidence import Citation, Sources, citations, in_context, span_of
from cyberflag.site.graph import Triples
from cyberflag.text.iri import short_iri
from cyberflag.text.who_said import date_cell

OPEN, CLOSE = "[[", "]]"
"""The plain markers around cited words."""
REVERSE, NORMAL = "\x1b[7m", "\x1b[27m"
"""Reverse video on and off (ECMA-48 SGR 7 and 27), for a terminal."""

SCHEMA, CF = PREFIXES["schema"], PREFIXES["cf"]
MAX_VALUES = 12
"""More values of one property than this are counted, not listed (a person's statements)."""


def render(
    graph: Triples, iri: str, sources: Sources, width: int = 80, highlight: bool = False
) -> str:
    """``iri`` described in ``width`` columns: heading, properties, what points at it, and the
    reports' words in context."""
    description = describe(graph, iri)
    lines = _heading(description)
    lines += _properties("", description.properties, width)
    if description.incoming:
        lines += ["", "Referred to by:"]
        lines += _properties("", description.incoming, width)
    span = span_of(graph, iri)  # a span is shown in its sentence, as a report is
    cited = citations(graph, iri) or (
        [Citation("span", iri, span.article, (span,), None, None)] if span is not None else []
    )
    if cited:
        lines += ["", "In the articles:"]
        for number, citation in enumerate(cited, 1):
            lines += _citation(graph, sources, citation, number, width)
    text = "\n".join(lines) + "\n"
    if highlight:
        text = text.replace(OPEN, REVERSE).replace(CLOSE, NORMAL)
    return text


def _heading(description: Description) -> list[str]:
    kinds = ", ".join(t.label for t in description.types) or "resource"
    return [description.label, f"{kinds} · {short_iri(description.iri, brackets=False)}", ""]


def _properties(indent: str, properties: tuple[Property, ...], width: int) -> list[str]:
    lines: list[str] = []
    names = [f"{p.label} of" if p.inverse else p.label for p in properties]
    column = min(24, max((len(n) for n in names), default=0) + 2)
    for prop, full in zip(properties, names, strict=True):
        name = full if len(full) < column else full[: column - 2] + "…"
        values = [_value_text(v.label, v.term.value, v.is_resource) for v in prop.values]
        if len(values) > MAX_VALUES:
            values = [*values[:MAX_VALUES], f"(and {len(values) - MAX_VALUES} more)"]
        for i, value in enumerate(values):
            head = indent + (name if i == 0 else "").ljust(column)
            lines += textwrap.wrap(
                value, width, initial_indent=head, subsequent_indent=" " * len(head),
                break_on_hyphens=False, break_long_words=False,
            ) or [head]
    return lines


def _value_text(label: str, iri: str, is_resource: bool) -> str:
    if not is_resource:
        return label
    short = short_iri(iri, brackets=False)
    return label if label == short else f"{label} ({short})"


def article_date(graph: Triples, article: str) -> str:
    """The article's date, or the range its date inference allows, marked as inferred."""
    published = graph.value(article, SCHEMA + "datePublished")
    inference = graph.value(article, CF + "dateInference")
    earliest = latest = None
    if inference is not None:
        earliest = graph.value(inference.value, CF + "earliest")
        latest = graph.value(inference.value, CF + "latest")
    return " ".join(date_cell(
        published.value if published else "",
        earliest.value if earliest else "",
        latest.value if latest else "",
    ).split())


def _citation(graph: Triples, sources: Sources, citation: Citation, number: int, width: int) -> (
    list[str]
):
    what = citation.kind if citation.kind in ("report", "span") else name_of(
        graph, citation.kind
    )
    head = (
        f"{number}. {what} in {name_of(graph, citation.article)} "
        f"({article_date(graph, citation.article)})"
    )
    lines = ["", *textwrap.wrap(head, width, subsequent_indent="   ")]
    if citation.verb:
        lines.append(f"   reporting verb: {citation.verb}")
    source = sources.of(graph, citation.article)
    if source is None:  # no source text to hand: the words as recorded
        text = OPEN + (citation.words or "") + CLOSE
    else:
        text = "".join(
            f"{OPEN}{piece}{CLOSE}" if cited else piece
            for piece, cited in in_context(source, citation.spans)
        )
    offsets = ", ".join(f"{s.start}-{s.end}" for s in citation.spans)
    lines += textwrap.wrap(
        text, width, initial_indent="   ", subsequent_indent="   ", break_on_hyphens=False,
        break_long_words=False,
    )
    lines.append(f"   characters {offsets}")
    return lines


__all__ = ["CLOSE", "OPEN", "article_date", "render"]
