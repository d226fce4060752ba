"""Truth tests: every fact in the shipped data rests on the exact words of a source article body.

These run on the real shipped data, not on fixtures: they are the guarantee a researcher relies on
when quoting from the graph.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from cyberflag.rdf import graphs, resources
from cyberflag.rdf.namespaces import CF, OA, QB, SCHEMA, TIME

DATA = resources.data_dir()
MANIFEST = json.loads((DATA / "sources" / "manifest.json").read_text(encoding="utf-8"))
SOURCES = {m["slug"]: m for m in MANIFEST["sources"]}


def text_of(slug: str) -> str:
    return (DATA / "sources" / SOURCES[slug]["file"]).read_text(encoding="utf-8")


def body_of(slug: str) -> str:
    m = SOURCES[slug]
    return text_of(slug)[m["body_start"] : m["body_end"]]


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    for path in graphs.data_files(DATA):
        for triple in graphs.parse_triples(path):
            g.add(triple)
    return g


def spans(g: Graph) -> list[tuple[URIRef, str, int, int, str]]:
    """(span, article slug, start, end, exact) for every span in the graph."""
    out = []
    for s in g.subjects(RDF.type, OA.SpecificResource):
        article = g.value(s, OA.hasSource)
        start = end = exact = None
        for sel in g.objects(s, OA.hasSelector):
            if (sel, RDF.type, OA.TextPositionSelector) in g:
                start, end = int(g.value(sel, OA.start)), int(g.value(sel, OA.end))
            if (sel, RDF.type, OA.TextQuoteSelector) in g:
                exact = str(g.value(sel, OA.exact))
        slug = str(article).rsplit("/", 1)[1]
        out.append((s, slug, start, end, exact))
    return sorted(out)


def test_source_files_match_manifest_hashes() -> None:
    assert len(SOURCES) == 5
    for slug, m in SOURCES.items():
        raw = (DATA / "sources" / m["file"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == m["sha256"], slug
        assert 0 <= m["body_start"] < m["body_end"] <= len(raw.decode("utf-8")), slug


def test_every_span_matches_its_source_and_lies_in_the_body(graph: Graph) -> None:
    found = spans(graph)
    assert len(found) > 120
    for s, slug, start, end, exact in found:
        m = SOURCES[slug]
        assert text_of(slug)[start:end] == exact, f"{s}: text at offsets differs from oa:exact"
        if {p for _, p in graph.subject_predicates(s)} == {CF.publisherEvidence}:
            continue  # rule 12: the site's furniture is the evidence of who published the page
        assert m["body_start"] <= start < end <= m["body_end"], f"{s}: outside the article body"
        assert str(s).endswith(f"/span/{slug}/{start}-{end}"), f"{s}: IRI disagrees with offsets"


def test_every_statement_text_is_the_exact_text_of_one_of_its_reports(graph: Graph) -> None:
    statements = list(graph.subjects(RDF.type, CF.Statement))
    assert len(statements) >= 40
    for st in statements:
        text = str(graph.value(st, SCHEMA.text))
        words = set()
        for report in graph.objects(st, CF.hasReport):
            # a report's words: its segments' exact text in text order, joined (rule 1)
            segments = sorted(
                (int(graph.value(sel, OA.start)), str(graph.value(other, OA.exact)))
                for target in graph.objects(report, OA.hasTarget)
                for sel in graph.objects(target, OA.hasSelector)
                if graph.value(sel, OA.start) is not None
                for other in graph.objects(target, OA.hasSelector)
                if graph.value(other, OA.exact) is not None
            )
            words.add(" … ".join(exact for _, exact in segments))
            assert str(graph.value(report, CF.reportedWords)) in words, report
        assert text in words, st
        fragment = graph.value(st, CF.quotedFragment)
        if fragment is not None:
            assert str(fragment) in text, st


def test_same_words_in_two_articles_are_one_statement_with_two_reports(graph: Graph) -> None:
    perry = URIRef("https://w3id.org/cyberflag/id/statement/perry-online-abuse-growing-concern")
    reports = list(graph.objects(perry, CF.hasReport))
    articles = {graph.value(graph.value(r, OA.hasTarget), OA.hasSource) for r in reports}
    assert len(reports) == 2
    assert len(articles) == 2


def test_literals_named_as_written_occur_in_a_body(graph: Graph) -> None:
    bodies = [body_of(slug) for slug in SOURCES]
    for prop in (
        SKOS.altLabel,
        SCHEMA.headline,
        CF.valueAsWritten,
        CF.coverage,
        CF.periodAsWritten,
    ):
        values = set(graph.objects(None, prop))
        assert values, prop
        for value in values:
            assert isinstance(value, Literal)
            assert any(str(value) in b for b in bodies), f"{prop}: {value!r} is in no article body"


def test_ask_texts_are_their_evidence(graph: Graph) -> None:
    for a in graph.subjects(RDF.type, CF.Ask):
        evidence = graph.value(a, CF.evidence)
        exact = {str(graph.value(sel, OA.exact)) for sel in graph.objects(evidence, OA.hasSelector)}
        assert str(graph.value(a, SCHEMA.text)) in exact, a


def test_boilerplate_never_enters_the_graph(graph: Graph) -> None:
    """Names that occur only in the site furniture around the articles are absent from the data,
    but for the evidence of who published the page (rule 12): its spans and the publisher's name."""
    furniture = {
        node
        for span in graph.objects(None, CF.publisherEvidence)
        for node in (span, *graph.objects(span, OA.hasSelector))
    } | set(graph.objects(None, SCHEMA.publisher))
    literals = " ".join(
        str(o) for s, o in graph.subject_objects() if isinstance(o, Literal) and s not in furniture
    )
    for outside in (
        "Rob Whiteman",
        "Lucy Hopkins",
        "WillisPalmer",
        "Ashfield District Council",
        "Peter Kyle",
        "Mackman",
        "Copyright ©",
    ):
        assert outside not in literals, outside


def test_every_observation_has_a_report_and_dates_are_in_order(graph: Graph) -> None:
    observations = list(graph.subjects(RDF.type, QB.Observation))
    assert len(observations) >= 20
    for o in observations:
        assert list(graph.objects(o, CF.hasReport)), o
        period = graph.value(o, CF.refPeriod)
        end = graph.value(period, CF.endDate)
        if end is None:  # rule 9: an open period ("since 1985") has a beginning and no end
            assert graph.value(period, TIME.hasEnd) is None, o
            continue
        assert graph.value(period, CF.startDate).toPython() <= end.toPython(), o


def test_undated_articles_carry_an_inference_with_reasons(graph: Graph) -> None:
    for article in graph.subjects(RDF.type, SCHEMA.NewsArticle):
        if graph.value(article, SCHEMA.datePublished) is None:
            inference = graph.value(article, CF.dateInference)
            assert inference is not None, article
            assert graph.value(inference, CF.reasoning), article
            assert list(graph.objects(inference, CF.evidence)), article


def test_data_files_are_written_canonically() -> None:
    """Re-serialising a data file gives the same bytes: diffs stay reviewable."""
    from cyberflag.rdf import turtle

    for path in graphs.data_files(DATA):
        g = Graph()
        for triple in graphs.parse_triples(path):
            g.add(triple)
        assert turtle.dumps(g) == path.read_text(encoding="utf-8"), Path(path).name
