"""A resource's page: its description, its parts, what refers to it, and the words it rests on.

Generic on purpose: the sections come from the triples (a person's roles and statements appear
because memberships and statements point at them), so a new kind of fact, or a draft one, gets a
page without code here.
"""

from __future__ import annotations

from cyberflag.site.context import Context, fragment
from cyberflag.site.describe import (
    CF,
    Description,
    Property,
    Value,
    describe,
    name_of,
    property_name,
)
from cyberflag.site.evidence import Citation, citations, in_context, span_of
from cyberflag.site.html import capital, esc, frame, link
from cyberflag.site.people import roles_section, statements_section
from cyberflag.site.show import article_date
from cyberflag.text.iri import short_iri

ALTERNATES = ("index.ttl", "index.jsonld")
"""The description's other formats, beside each page."""

MAX_LISTED = 60
"""More values of one property than this are counted after the first ones (a concept scheme
used by every observation)."""


def resource_page(ctx: Context, iri: str) -> str:
    """The page of ``iri`` (a key of ``ctx.pages``)."""
    here = ctx.pages[iri]
    description = describe(ctx.graph, iri)
    kinds = ", ".join(t.label for t in description.types) or "resource"
    body = [
        f"<h1>{esc(description.label)}</h1>\n",
        f'<p class="kind">{esc(kinds)}</p>\n<p class="iri">{esc(iri)}</p>\n',
        '<p class="note">This description as '
        + " or ".join(f'<a href="{name}">{label}</a>' for name, label in zip(
            ALTERNATES, ("Turtle", "JSON-LD"), strict=True))
        + ".</p>\n",
    ]
    body.append(draft_note(ctx, iri))
    body.append(span_section(ctx, here, iri))
    body.append(roles_section(ctx, here, iri))
    body.append(statements_section(ctx, here, iri))
    body.append(citations_section(ctx, here, citations(ctx.graph, iri)))
    body.append(_properties(ctx, here, "Properties", description.properties))
    for part in ctx.parts_of.get(iri, ()):
        body.append(_part(ctx, here, iri, describe(ctx.graph, part)))
    body.append(_properties(ctx, here, "Referred to by", description.incoming))
    return frame(
        here, description.label, "".join(body), alternates=ALTERNATES,
        canonical=ctx.canonical(here),
    )


def draft_note(ctx: Context, iri: str) -> str:
    """A warning at the top of a fact ``cyberflag add`` drafted and no curator has reviewed:
    a reader must not take it for a curated fact (editorial rule 15)."""
    if not any(t.value == CF + "Draft" for t in ctx.graph.objects(iri, CF + "curationStatus")):
        return ""
    rule = ctx.graph.value(iri, CF + "draftRule")
    confidence = ctx.graph.value(iri, CF + "confidence")
    how = ", ".join(bit for bit in (
        f"by the rule “{rule.value}”" if rule is not None else "",
        f"confidence {confidence.value}" if confidence is not None else "",
    ) if bit)
    return ('<p class="draft" role="note"><strong>Draft, not yet reviewed.</strong> Drafted by '
            f"<code>cyberflag add</code>{' (' + esc(how) + ')' if how else ''}; no curator has "
            "checked it against the article's words yet.</p>\n")


def part_page(ctx: Context, iri: str, here: str) -> str:
    """The page at a part's own path (``…/report/slug/index.html``): it sends the reader to
    where the part is described, so that its IRI resolves too."""
    target = ctx.target(iri)
    assert target is not None  # a part's owner has a page
    name = name_of(ctx.graph, iri)
    body = (
        f"<h1>{esc(capital(name))}</h1>\n<p class=\"iri\">{esc(iri)}</p>\n"
        f"<p>Described on {link(here, target, name_of(ctx.graph, ctx.parts[iri]))}.</p>\n"
    )
    return frame(here, name, body, canonical=ctx.canonical(here), moved_to=target)


def _part(ctx: Context, here: str, owner: str, part: Description) -> str:
    named = part.label != short_iri(part.iri, brackets=False)
    title = capital(part.label if named else part.kind)
    return (
        f'<section id="{esc(fragment(part.iri, owner))}">\n<h2>{esc(title)}</h2>\n'
        f'<p class="iri">{esc(part.iri)}</p>\n'
        + _properties(ctx, here, None, part.properties)
        + "</section>\n"
    )


def _properties(
    ctx: Context, here: str, heading: str | None, properties: tuple[Property, ...]
) -> str:
    if not properties:
        return ""
    rows = []
    for prop in properties:
        name = f"{prop.label} (of)" if prop.inverse else prop.label
        values = [value_html(ctx, here, v) for v in prop.values[:MAX_LISTED]]
        if len(prop.values) > MAX_LISTED:
            values.append(f"and {len(prop.values) - MAX_LISTED} more")
        cell = values[0] if len(values) == 1 else (
            "<ul>" + "".join(f"<li>{v}</li>" for v in values) + "</ul>"
        )
        rows.append(f'<dt title="{esc(prop.iri)}">{esc(name)}</dt><dd>{cell}</dd>\n')
    head = f"<h2>{esc(heading)}</h2>\n" if heading else ""
    return f'{head}<dl class="props">\n{"".join(rows)}</dl>\n'


def value_html(ctx: Context, here: str, value: Value) -> str:
    """A value: a link to the resource's page where it has one, its IRI when outside the site,
    its text when a literal."""
    if not value.is_resource:
        return esc(value.label)
    target = ctx.target(value.term.value)
    if target is not None:
        return link(here, target, value.label)
    if value.label != short_iri(value.term.value, brackets=False):  # a named term of a vocabulary
        return f'{esc(value.label)} <span class="iri">{esc(value.term.value)}</span>'
    return f'<span class="iri">{esc(value.term.value)}</span>'


def citations_section(ctx: Context, here: str, cited: list[Citation]) -> str:
    """Each report's (or evidence property's) words in their sentence, cited words marked,
    each linked to where they are marked in the article."""
    if not cited:
        return ""
    return "<h2>In the articles</h2>\n" + "".join(citation_html(ctx, here, c) for c in cited)


def citation_html(ctx: Context, here: str, citation: Citation) -> str:
    graph = ctx.graph
    what = "Report" if citation.kind == "report" else property_name(graph, citation.kind)
    article = link(here, ctx.target(citation.article), name_of(graph, citation.article))
    head = f"{esc(capital(what))} in {article} ({esc(article_date(graph, citation.article))})"
    if citation.verb:
        head += f', reporting verb “{esc(citation.verb)}”'
    source = ctx.sources.of(graph, citation.article)
    if source is None:
        words = f"<mark>{esc(citation.words or '')}</mark>"
    else:
        words = "".join(
            f"<mark>{esc(text)}</mark>" if cited else esc(text)
            for text, cited in in_context(source, citation.spans)
        )
    jumps = ", ".join(
        link(here, ctx.span_target(span), f"characters {span.start}-{span.end}")
        for span in citation.spans
    )
    return (
        f'<div class="citation">\n<h3>{head}</h3>\n<blockquote>{words}</blockquote>\n'
        f'<p class="note">The words in the article: {jumps}.</p>\n</div>\n'
    )


def span_section(ctx: Context, here: str, iri: str) -> str:
    """For a span: its words in their sentence, and a link to them in the article."""
    span = span_of(ctx.graph, iri)
    if span is None:
        return ""
    source = ctx.sources.of(ctx.graph, span.article)
    if source is None:
        return ""
    words = "".join(
        f"<mark>{esc(text)}</mark>" if cited else esc(text)
        for text, cited in in_context(source, (span,))
    )
    jump = link(here, ctx.span_target(span), "these words in the article")
    return f"<h2>The words</h2>\n<blockquote>{words}</blockquote>\n<p>Read {jump}.</p>\n"


__all__ = [
    "ALTERNATES", "citation_html", "citations_section", "part_page", "resource_page",
    "span_section", "value_html",
]
