"""What every page of one build shares: the triples, the source texts, and where each resource's
page is.

A resource whose IRI lies under another's (a statement's reports, a span's selectors) is described
on that page, under an anchor, rather than on a page of its own: it is part of the fact, and a
reader wants the fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cyberflag.site.evidence import Sources, Span
from cyberflag.site.graph import Triples
from cyberflag.site.html import page_path


def fragment(iri: str, owner: str) -> str:
    """The anchor of the part ``iri`` on ``owner``'s page (``report-npcc-spike``)."""
    return "part-" + iri[len(owner) + 1:].replace("/", "-")


@dataclass
class Context:
    """One build's shared state."""

    graph: Triples
    sources: Sources
    base_url: str
    pages: dict[str, str] = field(default_factory=dict)
    """Resource IRI → its page's file, from the site's root."""
    parts: dict[str, str] = field(default_factory=dict)
    """A part's IRI → the IRI of the resource whose page describes it."""
    parts_of: dict[str, list[str]] = field(default_factory=dict)
    """A resource's IRI → the parts its page describes, sorted: looked up once per page, where
    scanning :attr:`parts` for each page grew with the square of the resources."""

    def __post_init__(self) -> None:
        subjects = self.graph.resources()
        for iri in subjects:  # sorted: a resource comes before the parts under it
            owner = next((o for o in _ancestors(iri) if o in self.pages), None)
            if owner is not None:
                self.parts[iri] = owner
                self.parts_of.setdefault(owner, []).append(iri)
            else:
                path = page_path(iri)
                if path is not None:
                    self.pages[iri] = path

    def target(self, iri: str) -> str | None:
        """The file (and anchor) that describes ``iri``, from the root, or ``None``."""
        if iri in self.pages:
            return self.pages[iri]
        owner = self.parts.get(iri)
        if owner is not None:
            return f"{self.pages[owner]}#{fragment(iri, owner)}"
        return None

    def span_target(self, span: Span) -> str | None:
        """Where ``span``'s words are marked: its article's page, at the span's anchor."""
        page = self.pages.get(span.article)
        return f"{page}#{span.anchor}" if page is not None else None

    def canonical(self, path: str) -> str:
        """The address of the page at ``path`` once published under :attr:`base_url`."""
        return self.base_url + path.removesuffix("index.html")


def _ancestors(iri: str) -> list[str]:
    """The IRIs above ``iri`` in its path, nearest first (``…/statement/x`` for
    ``…/statement/x/report/y``)."""
    found = []
    head = iri
    while "/" in head:
        head = head.rsplit("/", 1)[0]
        found.append(head)
    return found


__all__ = ["Context", "fragment"]
