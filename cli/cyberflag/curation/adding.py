"""``cyberflag add``: a page's text in; its source file, manifest entry and drafted article out.

The three files are written only when everything has worked, each atomically, the manifest last;
if writing one fails, the ones already written are removed, so the data folder is never left
half-changed. The refusals (an empty page, a page already in the graph, a slug in use, no body)
come before anything is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, URIRef

from cyberflag.atomic import write_bytes_atomic, write_text_atomic
from cyberflag.curation.asks import draft_asks
from cyberflag.curation.draft import ArticleFacts, build_graph, slugify
from cyberflag.curation.entities import ENTITIES_QUERY, Entity, Known, known_from, strip_title
from cyberflag.curation.figures import draft_figures
from cyberflag.curation.layout import Layout, Range, find_layout
from cyberflag.curation.periods import latest_period
from cyberflag.curation.roles import (
    MEMBERSHIPS_QUERY,
    Membership,
    draft_roles,
    memberships_of,
    role_key,
)
from cyberflag.curation.speakers import PERSON_NAME, Speaker, Speakers
from cyberflag.curation.statements import draft_statements
from cyberflag.curation.statsources import attach
from cyberflag.errors import InputError
from cyberflag.rdf import turtle
from cyberflag.rdf.namespaces import CF
from cyberflag.rdf.resources import data_dir, sources_dir

_COPYRIGHT = re.compile(
    r"(?:Copyright\s*)?©\s*(?:(?:19|20)\d\d\s+)?(?P<name>[A-Z][\w&’'. -]{1,60}?)\s*$", re.MULTILINE
)

ROLES_QUERY = """\
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?role ?label WHERE { ?role a org:Role ; skos:prefLabel ?label } ORDER BY ?role
"""

EXISTING_QUERY = """\
PREFIX time: <http://www.w3.org/2006/time#>
SELECT DISTINCT ?node WHERE {
  { ?node a time:Interval } UNION { ?node a time:ProperInterval } UNION { ?node a time:Instant }
  UNION { ?node a <http://schema.org/Person> }
  UNION { ?node a <http://www.w3.org/ns/org#Organization> }
}
"""


@dataclass(frozen=True)
class Page:
    """A page as ``add`` reads it: the text the offsets refer to, the name it came under, and
    (for a saved HTML page) the HTML itself and the metadata read from it."""

    text: str
    name: str
    html: str | None = None
    url: str | None = None
    site: str | None = None


def read_page(raw: bytes, name: str) -> Page:
    """A page from its bytes: plain text as it is; HTML through trafilatura, the stored text
    being the page's title, its date as the metadata gives it, and its main text."""
    if not raw.strip():
        raise InputError(f"{name}: the file is empty")
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: not UTF-8 text (byte {error.start})") from None
    if not re.match(r"\s*(?:<!doctype html|<html)", content, re.IGNORECASE):
        return Page(content, name)
    try:
        import trafilatura  # only for HTML

        body = trafilatura.extract(content, include_comments=False, include_tables=False)
        meta = trafilatura.extract_metadata(content)
    except ImportError as error:  # a broken install (lxml's cleaner missing, say): one line
        raise InputError(f"{name}: reading HTML needs trafilatura and its parts: {error}") from None
    if not body:
        raise InputError(f"{name}: no article text could be extracted from the HTML")
    parts = [
        meta.title if meta and meta.title else "",
        meta.date if meta and meta.date else "",
        body,
    ]
    text = "\n\n".join(p.strip() for p in parts if p and p.strip()) + "\n"
    return Page(text, name, content, meta.url if meta else None, meta.sitename if meta else None)


def _manifest(data: Path) -> dict[str, object]:
    path = sources_dir(data) / "manifest.json"
    if not path.is_file():
        return {"offsets": "Unicode code points (Python str indices), end exclusive", "sources": []}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: not a readable manifest ({error})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("sources"), list):
        raise InputError(f"{path}: not a manifest (no list of sources)")
    return manifest


def _publisher(
    page: Page, layout: Layout, known: Known, name: str | None
) -> tuple[Speaker | None, Range | None]:
    """The publisher: named by the curator, or by the page's copyright line (rule 12: furniture
    is evidence of who published the page, and of nothing else)."""
    text = page.text
    if name is None:
        found = [
            m for m in _COPYRIGHT.finditer(text) if not layout.body[0] <= m.start() < layout.body[1]
        ]
        if found:
            name = found[-1].group("name").strip()
        elif page.site:
            name = page.site
    if not name:
        return None, None
    entity = known.find(name) or known.add(Entity("org", [name]))
    at = text.rfind(name)
    return Speaker(entity, name), ((at, at + len(name)) if at >= 0 else None)


def _author(text: str, layout: Layout, known: Known) -> Speaker | None:
    if layout.byline is None:
        return None
    line = text[slice(*layout.byline)]
    if layout.dateline is not None:
        line = text[layout.byline[0] : layout.dateline.start]
    name = re.sub(r"^By\s+", "", line).strip(" ,|-–")
    if not PERSON_NAME.fullmatch(name) or len(name.split()) < 2:
        return None
    entity = known.find(name) or known.add(Entity("person", [strip_title(name)]))
    return Speaker(entity, name)


@dataclass(frozen=True)
class Added:
    """What ``add`` wrote."""

    slug: str
    source: Path
    article: Path
    statements: int
    figures: int
    asks: int
    new_entities: int
    body: Range


def add_article(
    raw: bytes,
    name: str,
    data: Path | None = None,
    *,
    slug: str | None = None,
    url: str | None = None,
    published: dt.date | None = None,
    publisher: str | None = None,
    body_start: str | None = None,
    body_end: str | None = None,
    store: Path | None = None,
) -> Added:
    """Add a page to the data folder ``data`` (the checkout's or shipped data by default)."""
    folder = data if data is not None else data_dir()
    page = read_page(raw, name)
    digest = hashlib.sha256(page.text.encode("utf-8")).hexdigest()
    manifest = _manifest(folder)
    sources = manifest["sources"]
    assert isinstance(sources, list)
    for entry in sources:
        if entry.get("sha256") == digest:
            raise InputError(f"{name}: this text is already in the graph, as {entry.get('slug')!r}")
    layout = find_layout(page.text, body_start, body_end)
    if slug is None:
        heading = (
            page.text[slice(*layout.headline)]
            if layout.headline
            else page.text[slice(*layout.body)]
        )
        slug = slugify(heading)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise InputError(f"--slug {slug!r}: use lower-case letters, digits and single hyphens")
    source_path = sources_dir(folder) / f"{slug}.txt"
    article_path = folder / "articles" / f"{slug}.ttl"
    if any(e.get("slug") == slug for e in sources) or source_path.exists() or article_path.exists():
        raise InputError(f"slug {slug!r} is already in use in {folder}: choose another with --slug")

    known, existing, memberships, role_iris = graph_facts(data, store)
    speakers = Speakers(known)
    statements = draft_statements(page.text, layout, speakers)
    day = layout.dateline.day if layout.dateline else published
    areas = {lab: e.iri for e in known.entities if e.kind == "area" and e.iri for lab in e.labels}
    latest = latest_period(page.text, layout)  # read once: for the figures and an undated date
    figures = draft_figures(page.text, layout, day, areas, latest)
    attach(page.text, layout, known, figures)
    publisher_speaker, publisher_span = _publisher(page, layout, known, publisher)
    facts = ArticleFacts(
        slug, page.text, layout, digest, Path(name).name, statements, figures, url or page.url,
        published, publisher_speaker, publisher_span, _author(page.text, layout, known), existing,
        roles=draft_roles(page.text, layout.body, statements, known, memberships),
        role_iris=role_iris,
        latest_period=None if layout.dateline or published else latest,
        asks=draft_asks(page.text, statements, known),
    )
    built = build_graph(facts)
    entry = {
        "slug": slug,
        "file": f"{slug}.txt",
        "original_file_name": Path(name).name,
        "body_start": layout.body[0],
        "body_end": layout.body[1],
        "characters": len(page.text),
        "sha256": digest,
        "note": "Body found by cyberflag add"
        + (f" (from {body_start!r})" if body_start else "")
        + (f" (to {body_end!r})" if body_end else "")
        + "; a draft until reviewed.",
    }
    _write(folder, source_path, article_path, page, turtle.dumps(built.graph),
           {**manifest, "sources": [*sources, entry]}, _entities_with(folder, built.evidence))
    graph = built.graph
    return Added(
        slug, source_path, article_path,
        statements=len(set(graph.subjects(CF.statementKind, None))),
        figures=len(set(graph.subjects(CF.value, None))),
        asks=len(set(graph.subjects(RDF.type, CF.Ask))),
        new_entities=sum(1 for e in known.entities if e.iri is None),
        body=layout.body,
    )


def graph_facts(data: Path | None, store: Path | None
           ) -> tuple[Known, set[str], dict[str, list[Membership]], dict[str, str]]:
    """What drafting needs of the graph, from one engine: its entities, the IRIs other files
    describe, its memberships and its roles."""
    from cyberflag.sparql.engines import default_engine

    engine = default_engine(data, "oxigraph", store)
    known = known_from(engine.select(ENTITIES_QUERY).dicts())
    existing = {row["node"].value for row in engine.select(EXISTING_QUERY).dicts()}
    memberships = memberships_of(engine.select(MEMBERSHIPS_QUERY).dicts())
    roles = {role_key(row["label"].value): row["role"].value
             for row in engine.select(ROLES_QUERY).dicts()}
    return known, existing, memberships, roles


def _entities_with(folder: Path, evidence: list[tuple[URIRef, URIRef]]) -> tuple[Path, str] | None:
    """``entities.ttl`` with the new evidence of memberships it describes (canonical Turtle)."""
    path = folder / "entities.ttl"
    if not evidence or not path.is_file():
        return None
    from cyberflag.rdf.graphs import parse_turtle

    graph = parse_turtle(path)
    for membership, span in evidence:
        graph.add((membership, CF.evidence, span))
    return path, turtle.dumps(graph)


def _write(
    folder: Path, source: Path, article: Path, page: Page, ttl: str, manifest: dict[str, object],
    entities: tuple[Path, str] | None,
) -> None:
    """The files, each atomically, the manifest last; on failure the others are removed (and
    ``entities.ttl`` put back as it was)."""
    written: list[Path] = []
    html = source.with_suffix(".html") if page.html is not None else None
    before = entities[0].read_bytes() if entities is not None else None
    files: list[tuple[Path | None, str | None]] = [(source, page.text), (html, page.html),
                                                   (article, ttl)]
    if entities is not None:
        files.append(entities)
    try:
        for path, content in files:
            if path is None or content is None:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(path, content.encode("utf-8"))  # the text byte for byte
            written.append(path)
        write_text_atomic(
            sources_dir(folder) / "manifest.json",
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
        )
    except OSError as error:
        for path in written:
            if entities is not None and path == entities[0] and before is not None:
                write_bytes_atomic(path, before)
            else:
                path.unlink(missing_ok=True)
        raise InputError(f"could not write the new article into {folder}: {error}") from None


__all__ = ["EXISTING_QUERY", "Added", "Page", "add_article", "graph_facts", "read_page"]
