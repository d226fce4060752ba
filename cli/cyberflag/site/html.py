"""The pages' frame: where a resource's page lives, relative links, escaping, the shared style.

Every page is a plain file that works from ``file://`` and offline: links are relative and name
``index.html`` (a folder is not a page without a server), nothing is fetched from elsewhere, and
everything a page says is escaped with :func:`html.escape` on its way in.
"""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import quote

from cyberflag.site.graph import ID_BASE

SAFE_SEGMENT = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@-]+")
"""A path segment that is the same on disk and in a URL, on every file system the site may be
copied to (no ``%``, ``?``, ``#`` or ``/``)."""

STYLE = "assets/site.css"
"""The one stylesheet, from the site's root."""


def esc(text: str) -> str:
    """``text`` fit for an element's content or a quoted attribute."""
    return html.escape(text, quote=True)


def page_path(iri: str) -> str | None:
    """Where ``iri``'s page is, from the site's root (``id/person/simon-bailey/index.html``),
    or ``None`` for an IRI outside :data:`~cyberflag.site.graph.ID_BASE` or one whose path could
    not be a folder (``..``, an empty or unusual segment)."""
    if not iri.startswith(ID_BASE):
        return None
    segments = iri[len(ID_BASE):].split("/")
    if not safe_segments(segments):
        return None
    return "/".join(["id", *segments, "index.html"])


def safe_segments(segments: list[str]) -> bool:
    """Whether every segment is a :data:`SAFE_SEGMENT` and none climbs (``.``, ``..``): a path
    that stays inside the site, on disk as in a URL."""
    return all(SAFE_SEGMENT.fullmatch(s) and s not in (".", "..") for s in segments)


def relative(here: str, target: str) -> str:
    """A link from the page ``here`` to the file ``target`` (both from the site's root, the
    target with an optional ``#anchor``), percent-encoded."""
    target, hash_mark, anchor = target.partition("#")
    path = _relpath(target, posixpath.dirname(here))
    return quote(path, safe="/._~!$&'()*+,;=:@-") + hash_mark + quote(anchor, safe="-._~")


def _relpath(target: str, start: str) -> str:
    """``posixpath.relpath(target, start or ".")`` for paths from the site's root. Worked out from
    the segments: ``relpath`` makes both paths absolute first (a ``getcwd`` each), which cost
    seconds over the hundreds of thousands of links of a large site. Paths that are not plain
    (an empty, ``.`` or ``..`` segment, a leading ``/``) go to ``relpath`` itself."""
    to = target.split("/")
    base = start.split("/") if start else []
    if any(s in ("", ".", "..") for s in (*to, *base)):
        return posixpath.relpath(target, start or ".")
    common = 0
    for a, b in zip(to, base, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + to[common:]) or "."


def frame(
    here: str, title: str, body: str, *, alternates: tuple[str, ...] = (),
    canonical: str | None = None, script: str = "", moved_to: str | None = None,
) -> str:
    """A whole page: the document around ``body`` (already HTML), with its title, the shared
    stylesheet, links to the same description as Turtle and JSON-LD (``alternates``: their file
    names beside the page) and a link home. ``moved_to`` (a file from the root) sends the reader
    on at once: the page of a resource described on another's page."""
    # No icon: without this line a browser asks the server for /favicon.ico, which is not there.
    links = ['<link rel="icon" href="data:,">',
             f'<link rel="stylesheet" href="{esc(relative(here, STYLE))}">']
    if moved_to is not None:
        links.append(
            f'<meta http-equiv="refresh" content="0; url={esc(relative(here, moved_to))}">'
        )
    types = {".ttl": "text/turtle", ".jsonld": "application/ld+json"}
    for name in alternates:
        media = types[name[name.rindex("."):]]
        links.append(f'<link rel="alternate" type="{media}" href="{esc(name)}">')
    if canonical is not None:
        links.append(f'<link rel="canonical" href="{esc(canonical)}">')
    home = esc(relative(here, "index.html"))
    said = esc(relative(here, "who-said/index.html"))
    queries = esc(relative(here, "queries/index.html"))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} · cyberflag</title>\n" + "\n".join(links) + "\n</head>\n<body>\n"
        '<a class="skip" href="#main">Skip to the content</a>\n'
        f'<header><nav aria-label="Site"><a href="{home}">cyberflag</a> · '
        f'<a href="{said}">Who said what</a> · <a href="{queries}">Saved queries</a></nav>'
        "</header>\n"
        f'<main id="main">\n{body}</main>\n'
        "<footer><p>How UK news reported police-recorded online child sexual abuse, 2016-2020: "
        "every fact is linked to the words of the article it comes from.</p></footer>\n"
        + script + "</body>\n</html>\n"
    )


def link(here: str, target: str | None, text: str) -> str:
    """``text`` as a link to ``target`` (a file from the root), or plain when there is none."""
    if target is None:
        return esc(text)
    return f'<a href="{esc(relative(here, target))}">{esc(text)}</a>'


def capital(text: str) -> str:
    """``text`` with its first letter a capital, the rest as written (``str.capitalize`` would
    lower "NPCC")."""
    return text[:1].upper() + text[1:]


def lines(text: str) -> str:
    """Escaped ``text`` with its line breaks kept (table cells of several lines)."""
    return "<br>".join(esc(line) for line in text.split("\n"))


CSS = """\
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --line: #ccc; --mark: #fff1a8;
  --link: #0645ad; }
body { font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  background: #fff; margin: 0 auto; max-width: 60rem; padding: 0 1rem; }
header, footer { border-color: var(--line); color: var(--muted); padding: .5rem 0; }
header { border-bottom: 1px solid var(--line); }
footer { border-top: 1px solid var(--line); margin-top: 2rem; font-size: .9rem; }
a { color: var(--link); }
a:focus, input:focus, select:focus { outline: 3px solid #1f5fbf; outline-offset: 1px; }
h1 { font-size: 1.6rem; line-height: 1.3; }
.kind, .note, .iri { color: var(--muted); }
.iri { font-family: ui-monospace, monospace; font-size: .85rem; word-break: break-all; }
dl.props { display: grid; grid-template-columns: minmax(8rem, 14rem) 1fr; gap: .25rem 1rem; }
dl.props dt { font-weight: 600; }
dl.props dd { margin: 0; }
dl.props dd ul { margin: 0; padding-left: 1.1rem; }
mark { background: var(--mark); color: inherit; padding: 0 .05em; }
:target, mark:target { outline: 3px solid #b35900; }
.source { white-space: pre-wrap; font-family: Georgia, "Times New Roman", serif;
  font-size: 1.05rem; border-left: 4px solid var(--line); padding-left: 1rem; }
.source sup { margin-left: .15em; }
.source sup a { text-decoration: none; font-family: system-ui, sans-serif; font-size: .75rem; }
blockquote { margin: .5rem 0 .5rem 1rem; font-family: Georgia, serif; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .4rem; text-align: left;
  vertical-align: top; }
th { background: #f2f2f2; }
[hidden] { display: none !important; }
.skip { position: absolute; left: -999px; }
.skip:focus { position: static; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; margin: 1rem 0; }
.filters label { display: flex; flex-direction: column; font-size: .9rem; }
.inferred { font-style: italic; }
@media print {
  header nav, .filters, footer { display: none; }
  a { color: inherit; text-decoration: none; }
  mark { outline: 1px solid #000; background: none; font-weight: 600; }
  body { max-width: none; }
}
.sides { display: flex; flex-wrap: wrap; gap: 1rem; }
.side { flex: 1 1 20rem; border-top: 2px solid var(--line); }
figure svg { max-width: 100%; height: auto; }
.field { margin: .75rem 0; border: 0; padding: 0; }
div.field > label, fieldset.field > legend { display: block; font-weight: 600; }
.field label .note { font-weight: normal; }
fieldset.field > label { margin-right: 1rem; }
.field > .note { display: block; font-size: .9rem; max-width: 45rem; }
.field input[type=text], .field input[type=number] { min-width: 16rem; margin: .15rem .5rem 0 0; }
.scroll { overflow-x: auto; }
.draft { border-left: 4px solid #b35900; padding: .25rem .75rem; background: #fff6ec; }
.answer { width: calc(100vw - 2rem); margin-left: calc(50% - 50vw + 1rem); }
.answer td { min-width: 7rem; }
.answer td.long { min-width: 18rem; }
"""
"""The site's one stylesheet: sober, printable (marks stay visible in black and white), and
with a contrast of at least 7:1 for text."""


__all__ = [
    "CSS", "STYLE", "capital", "esc", "frame", "lines", "link", "page_path", "relative",
    "safe_segments",
]
