"""An article's page: its source text with every cited span marked and linked to its facts.

Only the body is news (MODEL.md, truth rules): the body is shown whole, as written, with each span
of it that some fact cites in a ``<mark id="span-START-END">`` (the anchor a fact's page links
to), followed by numbered links to the facts it supports. Spans may nest or overlap (a statement's
quote inside the paragraph a figure is read from): a mark that would cross another is closed and
reopened around it, so the HTML stays well formed and every character shows every span it is in.
Spans outside the body (a headline, the publisher's copyright line) are listed after it.
"""

from __future__ import annotations

from collections.abc import Callable

from cyberflag.rdf.prefixes import PREFIXES
from cyberflag.site.context import Context
from cyberflag.site.describe import name_of
from cyberflag.site.evidence import EVIDENCE, Span, span_of
from cyberflag.site.html import esc, link, relative
from cyberflag.site.pages import resource_page

OA = PREFIXES["oa"]
CF = PREFIXES["cf"]


def supported(ctx: Context, span: str) -> list[str]:
    """The facts that rest on the span ``span``: the bodies of the reports that target it (or
    repeat it) and the resources whose evidence it is."""
    graph = ctx.graph
    facts: set[str] = set()
    for report in graph.subjects(OA + "hasTarget", span) + graph.subjects(CF + "repeatedAt", span):
        facts.update(t.value for t in graph.objects(report, OA + "hasBody"))
    for prop in EVIDENCE:
        facts.update(s for s in graph.subjects(prop, span) if not graph.objects(s, OA + "hasBody"))
    return sorted(facts)


def article_page(ctx: Context, iri: str) -> str:
    """The generic resource page of the article, its text first."""
    page = resource_page(ctx, iri)
    text = source_section(ctx, ctx.pages[iri], iri)
    marker = "<h2>"  # the text goes before the first section of the description
    at = page.find(marker)
    return page if at < 0 else page[:at] + text + page[at:]


def source_section(ctx: Context, here: str, article: str) -> str:
    """The body with its cited spans marked, the facts listed, and any cited words outside the
    body."""
    source = ctx.sources.of(ctx.graph, article)
    if source is None:
        return '<p class="note">The source text of this article is not in the data.</p>\n'
    spans = sorted(
        s for s in (span_of(ctx.graph, i) for i in ctx.graph.subjects(OA + "hasSource", article))
        if s is not None and s.article == article
    )
    supports = {span: supported(ctx, span.iri) for span in spans}
    # the body's own span (cf:body) supports no fact: its anchor is the whole text, unmarked
    whole = [s for s in spans if (s.start, s.end) == (source.body_start, source.body_end)]
    spans = [s for s in spans if s not in whole or supports[s]]
    div_id = next((f' id="{s.anchor}"' for s in whole if s not in spans), "")
    inside = [s for s in spans if source.body_start <= s.start and s.end <= source.body_end]
    outside = [s for s in spans if s not in inside]
    facts: dict[str, int] = {}
    for span in inside + outside:  # text order: facts are numbered as the reader meets them
        for fact in supports[span]:
            facts.setdefault(fact, len(facts) + 1)

    def refs(span: Span) -> str:
        links = [
            f'<a href="{esc(_href(ctx, here, fact))}" title="{esc(name_of(ctx.graph, fact))}" '
            f'aria-label="fact {facts[fact]}: {esc(name_of(ctx.graph, fact))}">{facts[fact]}</a>'
            for fact in supports[span]
        ]
        return f'<sup data-for="{span.anchor}">{" ".join(links)}</sup>' if links else ""

    body = marked(source.text, source.body_start, source.body_end, inside, refs)
    parts = [
        "<h2>The article’s text</h2>\n",
        '<p class="note">The body as published; cited words are marked, each followed by the '
        "numbers of the facts it supports.</p>\n",
        f'<div class="source"{div_id}>{body}</div>\n',
    ]
    if outside:
        items = "".join(
            f'<li><mark id="{span.anchor}">{esc(source.text[span.start:span.end])}</mark>'
            f"{refs(span)} <span class=\"note\">(characters {span.start}-{span.end})</span></li>\n"
            for span in outside
        )
        parts.append(f"<h2>Cited outside the body</h2>\n<ul>\n{items}</ul>\n")
    if facts:
        items = "".join(
            f"<li>{link(here, ctx.target(fact), name_of(ctx.graph, fact))}</li>\n"
            for fact in facts
        )
        parts.append(f"<h2>Facts cited in this article</h2>\n<ol>\n{items}</ol>\n")
    return "".join(parts)


def _href(ctx: Context, here: str, fact: str) -> str:
    target = ctx.target(fact)
    return relative(here, target) if target is not None else fact


def marked(
    text: str, lo: int, hi: int, spans: list[Span], refs: Callable[[Span], str]
) -> str:
    """``text[lo:hi]`` escaped, each span in a ``<mark>`` (the first piece carrying its id),
    followed by ``refs(span)``; overlapping marks are split so that they nest. An empty span
    has nothing to mark and is left out."""
    spans = [s for s in spans if lo <= s.start < s.end <= hi]
    events: dict[int, tuple[list[Span], list[Span]]] = {}
    for span in spans:
        events.setdefault(span.start, ([], []))[0].append(span)
        events.setdefault(span.end, ([], []))[1].append(span)
    out: list[str] = []
    stack: list[Span] = []
    at = lo
    for point in sorted(events):
        out.append(esc(text[at:point]))
        at = point
        opening, closing = events[point]
        for span in sorted(closing, key=stack.index, reverse=True):  # innermost first
            # close everything opened after it, then reopen those still running
            index = stack.index(span)
            above = stack[index + 1:]
            out.append("</mark>" * (len(stack) - index))
            del stack[index:]
            out.append(refs(span))
            for again in above:
                out.append('<mark class="cont">')
                stack.append(again)
        for span in sorted(opening, key=lambda s: (-s.end, s.iri)):
            out.append(f'<mark id="{span.anchor}">')
            stack.append(span)
    out.append(esc(text[at:hi]))
    return "".join(out)


__all__ = ["article_page", "marked", "source_section", "supported"]
