"""The conflicts page: each disagreement the consistency checks find between articles (figures
for overlapping periods, one quote given to two speakers, a role stated two ways), its sides next
to each other with the articles' own words, and the curators' explanation where there is one.

The findings are those of ``cyberflag conflicts`` (the consistency layer), so the page and the
command cannot disagree. A finding names its sides by slug in its working ("cyber-flagged-offences
-2015-16: more than 3000 …"); each side that has a page is shown with its reports.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from cyberflag.rdf.prefixes import PREFIXES
from cyberflag.site.describe import name_of
from cyberflag.site.evidence import citations
from cyberflag.site.html import capital, esc, frame, link
from cyberflag.site.pages import citation_html

if TYPE_CHECKING:
    from cyberflag.site.context import Context

HERE = "conflicts/index.html"
KINDS = ("observation", "statement", "membership", "person", "org")
"""Where a side named by slug may live."""


def _side(ctx: Context, line: str) -> str | None:
    """The IRI a working line's leading slug names, when it has a page."""
    slug = line.split(":", 1)[0].strip()
    for kind in KINDS:
        iri = f"{PREFIXES['cfd']}{kind}/{slug}"
        if iri in ctx.pages:
            return iri
    return None


def conflicts_page(ctx: Context, data: Path | None) -> str:
    """The page, from the consistency layer run on ``data``."""
    from cyberflag.checks import runner

    run = runner.run(data, layers=("consistency",))
    found = [f for f in run.findings if f.layer == "consistency" and f.severity != "info"]
    sections = []
    for n, finding in enumerate(found, start=1):
        sides: list[tuple[str, str]] = []
        notes: list[str] = []
        for line in finding.detail:
            iri = _side(ctx, line)
            if iri is not None and iri not in [s for s, _ in sides]:
                sides.append((iri, line))
            else:
                notes.append(re.sub(r"^explained:\s*", "", line))
        if finding.focus in ctx.pages and finding.focus not in [s for s, _ in sides]:
            sides.insert(0, (finding.focus, ""))
        columns = "".join(
            f'<div class="side">\n<h3>{link(HERE, ctx.target(iri), name_of(ctx.graph, iri))}</h3>\n'
            + (f'<p class="note">{esc(line.split(":", 1)[1].strip())}</p>\n' if line else "")
            + "".join(citation_html(ctx, HERE, c) for c in citations(ctx.graph, iri))
            + "</div>\n"
            for iri, line in sides
        )
        state = ("Explained by the curators" if finding.severity == "explained"
                 else "Not explained yet")
        sections.append(
            f'<section id="conflict-{n}">\n<h2>{esc(capital(finding.message))}</h2>\n'
            f'<p class="note">{state}.</p>\n<div class="sides">\n{columns}</div>\n'
            + "".join(f"<p>{esc(note)}</p>\n" for note in notes)
            + "</section>\n"
        )
    body = (
        "<h1>Conflicts</h1>\n"
        f"<p>{len(found)} place{'s' if len(found) != 1 else ''} where the articles disagree: "
        "figures for overlapping periods that differ, the same words given to two speakers, a "
        "role stated two ways. Each side is shown with the articles' own words; the curators' "
        "explanation follows where they have given one.</p>\n" + "".join(sections)
    )
    return frame(HERE, "Conflicts", body, canonical=ctx.canonical(HERE))


__all__ = ["HERE", "conflicts_page"]
