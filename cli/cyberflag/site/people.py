"""The sections a speaker's page adds: the roles held over time, and every statement made.

They appear on any resource that memberships (``org:member``) or statements (``cf:speaker``)
point at, a person or an organisation alike; nothing here knows which people the data holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cyberflag.rdf.prefixes import PREFIXES
from cyberflag.site.describe import name_of
from cyberflag.site.evidence import EVIDENCE, Span, citations, span_of
from cyberflag.site.html import esc, link
from cyberflag.site.show import article_date

if TYPE_CHECKING:
    from cyberflag.site.context import Context

ORG, CF = PREFIXES["org"], PREFIXES["cf"]


ROLE_VIEWS = {
    # the property pointing at the page's resource → (heading, the other party's property, its
    # column)
    ORG + "member": ("Roles over time", ORG + "organization", "Organisation"),
    ORG + "organization": ("Members over time", ORG + "member", "Member"),
}
"""A person's page lists the roles they held; an organisation's, the people who held them."""


def roles_section(ctx: Context, here: str, iri: str) -> str:
    """Tables of the memberships pointing at ``iri`` (as member, or as organisation): role, the
    other party, term where known, and the articles (with dates) that state them, linked to
    their words."""
    return "".join(
        _memberships(ctx, here, iri, via, heading, other, column)
        for via, (heading, other, column) in ROLE_VIEWS.items()
    )


def _memberships(
    ctx: Context, here: str, iri: str, via: str, heading: str, other: str, column: str
) -> str:
    graph = ctx.graph
    rows = []
    for membership in graph.subjects(via, iri):
        role = graph.value(membership, ORG + "role")
        party = graph.value(membership, other)
        during = graph.value(membership, ORG + "memberDuring")
        spans = sorted(
            s for s in (span_of(graph, t.value) for p in EVIDENCE
                        for t in graph.objects(membership, p)) if s is not None
        )
        first: dict[str, Span] = {}  # one link per article, to its first span
        for span in spans:
            first.setdefault(span.article, span)
        stated = ", ".join(
            link(here, ctx.span_target(s), f"{name_of(graph, s.article)} "
                 f"({article_date(graph, s.article)})")
            for s in first.values()
        )
        dates = min((article_date(graph, s.article) for s in spans), default="")
        cells = [
            link(here, ctx.target(role.value), name_of(graph, role.value)) if role else "",
            link(here, ctx.target(party.value), name_of(graph, party.value)) if party else "",
            link(here, ctx.target(during.value), name_of(graph, during.value)) if during else "",
            stated,
            link(here, ctx.target(membership), "membership"),
        ]
        rows.append((dates, membership, "".join(f"<td>{c}</td>" for c in cells)))
    if not rows:
        return ""
    body = "".join(f"<tr>{cells}</tr>\n" for _, _, cells in sorted(rows))
    return (
        f"<h2>{heading}</h2>\n<table>\n<caption class=\"note\">Each role as the articles "
        "state it; the article's date is when it was held.</caption>\n<thead><tr>"
        f'<th scope="col">Role</th><th scope="col">{column}</th><th scope="col">Term</th>'
        '<th scope="col">Stated in</th><th scope="col">Record</th></tr></thead>\n'
        f"<tbody>\n{body}</tbody>\n</table>\n"
    )


def statements_section(ctx: Context, here: str, iri: str) -> str:
    """A table of every report of every statement ``iri`` made: date, kind, verb, the report's
    own words (linked to the statement) and the article (linked to the words)."""
    graph = ctx.graph
    rows = []
    for statement in graph.subjects(CF + "speaker", iri):
        kind = graph.value(statement, CF + "statementKind")
        for citation in citations(graph, statement):
            if citation.kind != "report":
                continue
            date = article_date(graph, citation.article)
            words = citation.words or ""
            inferred = graph.value(citation.node, CF + "attributionInference") is not None
            cells = [
                esc(date),
                esc(name_of(graph, kind.value)) if kind else "",
                esc(citation.verb or ""),
                link(here, ctx.target(statement), words)
                + (' <span class="inferred">(attribution inferred)</span>' if inferred else ""),
                link(here, ctx.span_target(citation.spans[0]), name_of(graph, citation.article)),
            ]
            key = (date, citation.article, citation.spans[0].start)
            rows.append((key, "".join(f"<td>{c}</td>" for c in cells)))
    if not rows:
        return ""
    body = "".join(f"<tr>{cells}</tr>\n" for _, cells in sorted(rows))
    return (
        f"<h2>Statements ({len(rows)} reports)</h2>\n<table>\n<thead><tr>"
        '<th scope="col">Date</th><th scope="col">Kind</th><th scope="col">Verb</th>'
        '<th scope="col">Words as reported</th><th scope="col">Article</th></tr></thead>\n'
        f"<tbody>\n{body}</tbody>\n</table>\n"
    )


__all__ = ["roles_section", "statements_section"]
