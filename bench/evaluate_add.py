"""Leave-one-out evaluation of ``cyberflag add``: for each shipped article, remove it from a copy
of the data, add its source text again, and compare the drafts with the curated facts.

Why: the drafting rules must be general, not written to these five texts; taking an article out
(with whatever only it taught the graph: its people and the aliases only its body uses) and
drafting it afresh shows how far a curator can trust a draft of the next article.

Compared, per article:

* statements (per report): a draft matches a curated report with the same speaker (the same IRI,
  or a new entity named as the curated speaker is), the same kind and overlapping spans; one to
  one, greedily by overlap. Precision = matched drafts / drafts, recall = matched / curated.
* figures (per report): the same value and comparator, the same reference period (when the
  curated report has one), overlapping spans.
* people with roles: a curated membership evidenced in the article, matched by person and role
  label against the roles the drafts give ("role as written").
* the date: the draft's ``schema:datePublished`` against the curated one, where the text states it.
* facts from outside the body: any drafted span (not publisher evidence) outside the body.
* time: wall-clock time of ``add`` on the shipped data less the article.

Usage: ``python bench/evaluate_add.py [--markdown]``; prints every miss, then the table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "cli"))

from cyberflag.curation.adding import add_article  # noqa: E402
from cyberflag.curation.edit import span_offsets  # noqa: E402
from cyberflag.rdf.namespaces import CF, OA, ORG, SCHEMA  # noqa: E402

DATA = ROOT / "data"


def offsets(span: object) -> tuple[int, int]:
    return span_offsets(URIRef(str(span)))


def overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    return sum(max(0, min(x[1], y[1]) - max(x[0], y[0])) for x in a for y in b)


@dataclass
class Fact:
    """One report of a fact in one article: what is compared."""

    key: tuple[str, ...]  # speaker and kind, or value, comparator and period
    spans: list[tuple[int, int]]
    label: str
    loose: tuple[str, ...] = ()  # parts that match when either side lacks them


def reports(graph: Graph, slug: str, statements: bool) -> list[Fact]:
    """The reports in ``graph`` of statements (or observations) that target article ``slug``."""
    found = []
    for report in graph.subjects(RDF.type, CF.Report):
        spans = [s for s in graph.objects(report, OA.hasTarget) if f"/span/{slug}/" in str(s)]
        node = graph.value(report, OA.hasBody)
        if not spans or node is None:
            continue
        kind = graph.value(node, CF.statementKind)
        if statements and kind is not None:
            speaker = graph.value(node, CF.speaker)
            name = graph.value(speaker, SKOS.prefLabel) if speaker is not None else None
            key = (str(speaker), str(kind).rsplit("#", 1)[1])
            found.append(
                Fact(
                    key,
                    sorted(offsets(s) for s in spans),
                    f"{key[1]} by {name}: {str(graph.value(report, CF.reportedWords))[:70]}",
                    (str(name),),
                )
            )
        elif not statements and kind is None:
            period = graph.value(node, CF.refPeriod)
            key = (
                str(graph.value(node, CF.value)),
                str(graph.value(node, CF.comparator)).rsplit("#")[1],
            )
            found.append(
                Fact(
                    key,
                    sorted(offsets(s) for s in spans),
                    f"{key[0]} {key[1]} {str(period).rsplit('/', 1)[-1] if period else 'no period'}"
                    f" ({graph.value(report, CF.valueAsWritten)})",
                    (str(period) if period else "",),
                )
            )
    return sorted(found, key=lambda f: f.spans[0])


def asks(graph: Graph, slug: str) -> list[Fact]:
    """The asks in ``graph`` whose evidence lies in article ``slug``: who asks, and the words."""
    found = []
    for ask in graph.subjects(RDF.type, CF.Ask):
        spans = [s for s in graph.objects(ask, CF.evidence) if f"/span/{slug}/" in str(s)]
        if not spans:
            continue
        asker = graph.value(ask, CF.askedBy)
        name = graph.value(asker, SKOS.prefLabel) if asker is not None else None
        text = str(graph.value(ask, SCHEMA.text))
        found.append(Fact((str(asker), "ask"), sorted(offsets(s) for s in spans),
                          f"ask by {name}: {text[:70]}", (str(name),)))
    return sorted(found, key=lambda f: f.spans[0])


def same(curated: Fact, draft: Fact, statements: bool) -> bool:
    if statements:
        speaker_ok = curated.key[0] == draft.key[0] or curated.loose[0] == draft.loose[0]
        return speaker_ok and curated.key[1] == draft.key[1]
    period_ok = not curated.loose[0] or curated.loose[0] == draft.loose[0]
    return curated.key == draft.key and period_ok


def match(
    curated: list[Fact], drafts: list[Fact], statements: bool
) -> tuple[list[Fact], list[Fact]]:
    """Greedy one-to-one matching by overlap: the curated facts missed and the drafts unmatched."""
    pairs = sorted(
        (
            (overlap(c.spans, d.spans), i, j)
            for i, c in enumerate(curated)
            for j, d in enumerate(drafts)
            if same(c, d, statements) and overlap(c.spans, d.spans)
        ),
        reverse=True,
    )
    used_c: set[int] = set()
    used_d: set[int] = set()
    for _, i, j in pairs:
        if i not in used_c and j not in used_d:
            used_c.add(i)
            used_d.add(j)
    return (
        [c for i, c in enumerate(curated) if i not in used_c],
        [d for j, d in enumerate(drafts) if j not in used_d],
    )


def without(data: Path, slug: str, target: Path) -> bytes:
    """A copy of ``data`` without article ``slug`` and what only it taught the graph; returns
    the article's source text."""
    shutil.copytree(data, target)
    manifest_path = target / "sources" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    entry = next(e for e in manifest["sources"] if e["slug"] == slug)
    manifest["sources"] = [e for e in manifest["sources"] if e["slug"] != slug]
    manifest_path.write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    raw = (target / "sources" / entry["file"]).read_bytes()
    (target / "sources" / entry["file"]).unlink()
    (target / "articles" / f"{slug}.ttl").unlink()
    remaining = Graph()
    bodies = []
    for path in sorted((target / "articles").glob("*.ttl")):
        remaining.parse(path)
    for e in manifest["sources"]:
        text = (target / "sources" / e["file"]).read_text(encoding="utf-8")
        bodies.append(text[e["body_start"] : e["body_end"]])
    mentioned = set(remaining.all_nodes())
    entities = Graph().parse(target / "entities.ttl")
    for person in list(entities.subjects(RDF.type, SCHEMA.Person)):
        if person not in mentioned:  # known only from the article left out
            for membership in list(entities.subjects(ORG.member, person)):
                entities.remove((membership, None, None))
            entities.remove((person, None, None))
    for s, o in list(entities.subject_objects(SKOS.altLabel)):
        if not any(str(o) in body for body in bodies):
            entities.remove((s, SKOS.altLabel, o))
    for s, p, o in list(entities):
        if f"/span/{slug}/" in str(o):
            entities.remove((s, p, o))
    from cyberflag.rdf import turtle

    (target / "entities.ttl").write_text(turtle.dumps(entities), encoding="utf-8")
    return raw


@dataclass
class Row:
    slug: str
    statements: tuple[int, int, int] = (0, 0, 0)  # curated, drafted, matched
    figures: tuple[int, int, int] = (0, 0, 0)
    asks: tuple[int, int, int] = (0, 0, 0)
    roles: tuple[int, int] = (0, 0)  # curated, found
    date: str = ""
    outside: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)


def evaluate(slug: str) -> Row:
    curated = Graph()
    for path in sorted(DATA.rglob("*.ttl")):  # a statement may be described by another article
        curated.parse(path)
    row = Row(slug)
    # The site's name, as the curator who saved the page gives it (--publisher): a page's
    # furniture names its publisher in too many ways to find it in all of them.
    article_node = URIRef(f"https://w3id.org/cyberflag/id/article/{slug}")
    named = curated.value(curated.value(article_node, SCHEMA.publisher), SKOS.prefLabel)
    publisher = str(named) if named is not None else None
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        raw = without(DATA, slug, data)
        started = time.perf_counter()
        added = add_article(raw, f"{slug}.txt", data, slug=slug, publisher=publisher)
        row.seconds = time.perf_counter() - started
        drafted = Graph().parse(added.article)
        entities = Graph().parse(data / "entities.ttl")
        drafted += entities
        manifest = json.loads((data / "sources" / "manifest.json").read_text(encoding="utf-8"))
        body = next(e for e in manifest["sources"] if e["slug"] == slug)
    for statements, attr in ((True, "statements"), (False, "figures")):
        c, d = reports(curated, slug, statements), reports(drafted, slug, statements)
        missed, extra = match(c, d, statements)
        setattr(row, attr, (len(c), len(d), len(c) - len(missed)))
        row.misses += [f"  {attr}: missed  {f.label}" for f in missed]
        row.misses += [f"  {attr}: extra   {f.label}" for f in extra]
    c, d = asks(curated, slug), asks(drafted, slug)
    missed, extra = match(c, d, True)  # the same asker, overlapping words
    row.asks = (len(c), len(d), len(c) - len(missed))
    row.misses += [f"  asks: missed  {f.label}" for f in missed]
    row.misses += [f"  asks: extra   {f.label}" for f in extra]
    memberships = [
        m
        for m in curated.subjects(RDF.type, ORG.Membership)
        if any(f"/span/{slug}/" in str(e) for e in curated.objects(m, CF.evidence))
    ]
    found_roles = {
        (
            str(drafted.value(m, ORG.member)),
            str(drafted.value(drafted.value(m, ORG.role), SKOS.prefLabel) or "").casefold(),
        )
        for m in drafted.subjects(RDF.type, ORG.Membership)
        if any(f"/span/{slug}/" in str(e) for e in drafted.objects(m, CF.evidence))
    }
    hits = 0
    for m in memberships:
        role = str(curated.value(curated.value(m, ORG.role), SKOS.prefLabel)).casefold()
        if (str(curated.value(m, ORG.member)), role) in found_roles:
            hits += 1
        else:
            row.misses.append(f"  roles: missed  {curated.value(m, ORG.member)} as {role}")
    row.roles = (len(memberships), hits)
    article = URIRef(f"https://w3id.org/cyberflag/id/article/{slug}")
    want, got = (
        curated.value(article, SCHEMA.datePublished),
        drafted.value(article, SCHEMA.datePublished),
    )
    if want is not None:
        row.date = "right" if want == got else f"wrong ({got})"
    else:  # undated: the drafted bound must agree with the curators' range
        bound = drafted.value(drafted.value(article, CF.dateInference), CF.earliest)
        low = curated.value(curated.value(article, CF.dateInference), CF.earliest)
        agrees = bound is None or low is None or str(bound) <= str(low)
        row.date = f"none stated; drafted ≥ {bound}" + ("" if agrees else " (too late)")
    for report in drafted.subjects(RDF.type, CF.Report):
        for span in drafted.objects(report, OA.hasTarget):
            s, e = offsets(span)
            if s < body["body_start"] or e > body["body_end"]:
                row.outside += 1
    return row


def cell(matched: int, total: int) -> str:
    """``0.95 (19/20)``; ``-`` when there is nothing to compare."""
    return f"{matched / total:.2f} ({matched}/{total})" if total else "-"


HEADER = ("| article | statements P | statements R | figures P | figures R | asks P | asks R "
          "| roles R | date | outside body | add |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |")


def table(rows: list[Row]) -> str:
    lines = [HEADER]
    for r in rows:
        (sc, sd, sm), (fc, fd, fm), (ac, ad, am) = r.statements, r.figures, r.asks
        rc, rf = r.roles
        lines.append(f"| {r.slug} | {cell(sm, sd)} | {cell(sm, sc)} | {cell(fm, fd)} "
                     f"| {cell(fm, fc)} | {cell(am, ad)} | {cell(am, ac)} | {cell(rf, rc)} "
                     f"| {r.date} | {r.outside} | {r.seconds * 1000:.0f} ms |")
    sc, sd, sm = (sum(r.statements[i] for r in rows) for i in range(3))
    fc, fd, fm = (sum(r.figures[i] for r in rows) for i in range(3))
    ac, ad, am = (sum(r.asks[i] for r in rows) for i in range(3))
    rc, rf = (sum(r.roles[i] for r in rows) for i in range(2))
    lines.append(f"| **all five** | {cell(sm, sd)} | {cell(sm, sc)} | {cell(fm, fd)} "
                 f"| {cell(fm, fc)} | {cell(am, ad)} | {cell(am, ac)} | {cell(rf, rc)} | "
                 f"| {sum(r.outside for r in rows)} | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()
    slugs = [
        e["slug"]
        for e in json.loads((DATA / "sources" / "manifest.json").read_text(encoding="utf-8"))[
            "sources"
        ]
    ]
    rows = [evaluate(slug) for slug in slugs]
    for r in rows:
        print(r.slug)
        print("\n".join(r.misses) or "  no misses")
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
