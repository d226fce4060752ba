"""Editing one article's file: its drafts listed, accepted, corrected or rejected, and facts
added by their words (``review``, ``quote``, ``figure``).

The file is read into a graph, changed there and written back through the canonical Turtle
writer, atomically, so that a review's diff shows only what the curator decided. Words are
found in the article's body: exactly once, or the command is refused with where they occur.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from cyberflag.atomic import write_text_atomic
from cyberflag.curation.layout import Range
from cyberflag.curation.triples import add_span
from cyberflag.errors import InputError
from cyberflag.rdf import turtle
from cyberflag.rdf.namespaces import CF, CFD, OA, QB
from cyberflag.rdf.resources import data_dir, sources_dir

MARKS = (CF.curationStatus, CF.draftRule, CF.confidence)
"""The three triples that make a node a draft; accepting it removes them."""


@dataclass
class ArticleFile:
    """One article's Turtle file, its source text and body, loaded for editing."""

    slug: str
    path: Path
    text: str
    body: Range
    graph: Graph

    @property
    def article(self) -> URIRef:
        return CFD[f"article/{self.slug}"]

    def save(self) -> None:
        write_text_atomic(self.path, turtle.dumps(self.graph))


def article_slug(name: str) -> str:
    """The slug an argument names: ``SLUG``, ``cfd:article/SLUG``, the IRI or the file name."""
    name = name.strip()
    for prefix in (str(CFD["article/"]), "cfd:article/", "article/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return Path(name).stem if name.endswith((".ttl", ".txt")) else name


def open_article(name: str, data: Path | None) -> ArticleFile:
    """The article ``name`` names in the data folder ``data``."""
    folder = data if data is not None else data_dir()
    slug = article_slug(name)
    path = folder / "articles" / f"{slug}.ttl"
    manifest_path = sources_dir(folder) / "manifest.json"
    try:
        sources = json.loads(manifest_path.read_text(encoding="utf-8"))["sources"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"{manifest_path}: not a readable manifest ({error})") from None
    entry = next((e for e in sources if e.get("slug") == slug), None)
    if entry is None or not path.is_file():
        known = sorted(e.get("slug", "") for e in sources)
        from cyberflag.errors import did_you_mean

        hint = did_you_mean([slug], known)
        raise InputError(f"no article {slug!r} in {folder}" + (f": {hint}" if hint else ""))
    from cyberflag.rdf.graphs import parse_turtle

    graph = parse_turtle(path)
    text = (sources_dir(folder) / entry["file"]).read_text(encoding="utf-8")
    return ArticleFile(slug, path, text, (entry["body_start"], entry["body_end"]), graph)


def draft_counts(data: Path | None) -> dict[str, int]:
    """How many drafts await review, by data file (``articles/SLUG.ttl``): what `validate`
    lists, drafts being no errors (rule 15). Only the files that mention a curation status are
    parsed, so validating a large graph without drafts costs one read of its bytes, and no
    store is opened or built for it."""
    from cyberflag.rdf.files import walk
    from cyberflag.rdf.graphs import parse_turtle

    folder = data if data is not None else data_dir()
    counts: dict[str, int] = {}
    for relative, entry in sorted(walk(folder), key=lambda found: found[0]):
        with open(entry.path, "rb") as handle:
            if b"curationStatus" not in handle.read():
                continue
        graph = parse_turtle(Path(entry.path))
        found = len(set(graph.subjects(CF.curationStatus, CF.Draft)))
        if found:
            counts[relative] = found
    return counts


def _line_col(text: str, at: int) -> str:
    line = text.count("\n", 0, at) + 1
    return f"line {line}, column {at - (text.rfind(chr(10), 0, at) + 1) + 1}"


def find_words(article: ArticleFile, words: str) -> Range:
    """Where ``words`` stand in the body: once, or an error saying where they do occur."""
    if not words.strip():
        raise InputError("the words are empty")
    text = article.text
    found = [m.start() for m in re.finditer(re.escape(words), text)]
    inside = [at for at in found if article.body[0] <= at and at + len(words) <= article.body[1]]
    if len(inside) == 1:
        return (inside[0], inside[0] + len(words))
    if len(inside) > 1:
        where = "; ".join(_line_col(text, at) for at in inside[:5])
        raise InputError(
            f"{words!r} occurs {len(inside)} times in the body of {article.slug} "
            f"({where}): give more words"
        )
    if found:
        where = "; ".join(_line_col(text, at) for at in found[:5])
        raise InputError(
            f"{words!r} occurs only outside the body of {article.slug} ({where}): "
            "site furniture is never news"
        )
    folded = [m.start() for m in re.finditer(re.escape(words), text, re.IGNORECASE)]
    hint = f"; with other capitals at {_line_col(text, folded[0])}" if folded else ""
    raise InputError(
        f"{words!r} does not occur in {article.slug}{hint} (quotes and apostrophes "
        "must be the source's own: ’ “ ” are not ' \")"
    )


def span_node(article: ArticleFile, span: Range) -> URIRef:
    """The span node for ``span`` (described in the file if it is not yet)."""
    return add_span(article.graph, article.slug, article.text, span)


def drafts(article: ArticleFile) -> list[URIRef]:
    """The article file's drafts, in text order of their first span (new entities last)."""
    g = article.graph
    nodes = [n for n in set(g.subjects(CF.curationStatus, CF.Draft)) if isinstance(n, URIRef)]
    offsets = {n: first_offset(g, n) for n in nodes}
    return sorted(
        nodes,
        key=lambda n: (offsets[n] if offsets[n] is not None else 10**9, str(n)),
    )


def spans_of(g: Graph, node: Node) -> list[URIRef]:
    """The spans a fact's reports target (or an article's date evidence), in text order."""
    spans = [t for r in g.objects(node, CF.hasReport) for t in g.objects(r, OA.hasTarget)]
    spans += list(g.objects(node, CF.dateEvidence)) + list(g.objects(node, CF.evidence))
    return sorted({s for s in spans if isinstance(s, URIRef)}, key=lambda s: span_offsets(s)[0])


def span_offsets(span: URIRef) -> Range:
    """A span's offsets, read from its IRI (``span/{slug}/{start}-{end}``)."""
    start, _, end = str(span).rsplit("/", 1)[1].partition("-")
    return (int(start), int(end))


def first_offset(g: Graph, node: Node) -> int | None:
    spans = spans_of(g, node)
    return span_offsets(spans[0])[0] if spans else None


def short_id(article: ArticleFile, node: URIRef) -> str:
    """How review names a draft: ``s3``, ``f2`` for the article's own, else its path."""
    local = str(node)[len(str(CFD)) :]
    for kind in ("statement", "observation"):
        prefix = f"{kind}/{article.slug}-"
        if local.startswith(prefix):
            return local[len(prefix) :]
    return "date" if node == article.article else local


def resolve_id(article: ArticleFile, ident: str) -> URIRef:
    """The node a review id names (as :func:`short_id` prints it, a ``cfd:`` name or an IRI)."""
    for node in set(article.graph.subjects()):
        if isinstance(node, URIRef) and ident in (
            short_id(article, node),
            str(node),
            "cfd:" + str(node)[len(str(CFD)) :],
        ):
            return node
    raise InputError(
        f"no {ident!r} in {article.slug}: `cyberflag review {article.slug}` lists its drafts"
    )


COMPLETE = {
    "measure": CF.measure,
    "period": CF.refPeriod,
    "area": CF.refArea,
    "category": CF.offenceCategory,
    "source": CF.statisticalSource,
}
"""What an accepted observation must have (rule 15), by the option that gives it."""


def missing(article: ArticleFile, node: URIRef) -> list[str]:
    """The dimensions an observation still lacks (none for other facts)."""
    if (node, RDF.type, QB.Observation) not in article.graph:
        return []
    return [name for name, p in COMPLETE.items() if (node, p, None) not in article.graph]


def accept(article: ArticleFile, node: URIRef) -> None:
    """Make a draft an accepted fact; an observation only once it is complete."""
    ident = short_id(article, node)
    if (node, CF.curationStatus, CF.Draft) not in article.graph:
        raise InputError(f"{ident} in {article.slug} is not a draft")
    lacking = missing(article, node)
    if lacking:
        raise InputError(
            f"{ident} lacks its {', '.join(lacking)}: give "
            + " ".join(f"--{n} …" for n in lacking)
            + f" with --correct {ident}"
        )
    for mark in MARKS:
        article.graph.remove((node, mark, None))


def reject(article: ArticleFile, node: URIRef) -> None:
    """Remove a drafted fact, its reports and what only they used (spans, inferences)."""
    g = article.graph
    if (node, CF.curationStatus, CF.Draft) not in g:
        raise InputError(f"{short_id(article, node)} in {article.slug} is not a draft")
    if node == article.article:
        raise InputError(
            "the article itself is not rejected: correct its date, or remove the article"
        )
    for ask in [a for a in g.subjects(CF.statedIn, node) if isinstance(a, URIRef)]:
        if (ask, CF.curationStatus, CF.Draft) in g:  # a drafted ask goes with its statement
            g.remove((ask, None, None))
    users = [
        s
        for s, _, _ in g.triples((None, None, node))
        if isinstance(s, URIRef) and s not in set(g.objects(node, CF.hasReport))
    ]
    if users:
        raise InputError(
            f"{short_id(article, node)} is still used by {short_id(article, users[0])}: "
            "reject or correct that first"
        )
    doomed = [node, *g.objects(node, CF.hasReport), *g.objects(node, CF.periodInference)]
    for n in doomed:
        g.remove((n, None, None))
    collect(article)


def collect(article: ArticleFile) -> None:
    """Remove spans and inferences no triple points at any more (with their selectors)."""
    g = article.graph
    while True:
        orphans = [
            n
            for n in set(g.subjects(RDF.type, OA.SpecificResource))
            | set(g.subjects(RDF.type, CF.Inference))
            if (None, None, n) not in g
        ]
        if not orphans:
            return
        for n in orphans:
            for selector in list(g.objects(n, OA.hasSelector)):
                g.remove((selector, None, None))
            g.remove((n, None, None))


__all__ = [
    "COMPLETE",
    "MARKS",
    "ArticleFile",
    "accept",
    "article_slug",
    "collect", "draft_counts",
    "drafts",
    "find_words",
    "first_offset",
    "missing",
    "open_article",
    "reject",
    "resolve_id",
    "short_id",
    "span_node",
    "span_offsets",
    "spans_of",
]
