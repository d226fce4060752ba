"""The synthetic corpus generator (bench/generate.py): valid on every layer, deterministic, and
synthetic through and through.

The benchmark's figures are only worth something if the generated graph is the project's model,
with the same kinds of node and the same links between files as the real data, and passes the same
checks; these tests hold it to that on a ~10,000-triple corpus generated once per session.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cyberflag.checks import runner
from cyberflag.checks.findings import LAYERS
from cyberflag.sparql.engines import OxigraphEngine

from conftest import SHIPPED_DATA, bench_generate

PREFIXES = """
PREFIX cf: <https://w3id.org/cyberflag/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@pytest.fixture(scope="module")
def engine(synthetic_corpus: Path) -> OxigraphEngine:
    return OxigraphEngine(synthetic_corpus)


def count(engine: OxigraphEngine, where: str) -> int:
    result = engine.select(f"{PREFIXES} SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    term = result.rows[0][0]
    assert term is not None
    return int(term.value)


def test_synthetic_corpus_passes_every_layer(synthetic_corpus: Path) -> None:
    run = runner.run(synthetic_corpus)
    assert run.ok
    assert {layer: run.status(layer) for layer in LAYERS} == dict.fromkeys(LAYERS, "passed")
    assert run.files == 42  # 40 articles, entities.ttl, concepts.ttl
    assert [f for f in run.findings if f.severity != "info"] == []


def test_size_is_about_ten_thousand_triples(engine: OxigraphEngine) -> None:
    data = count(engine, "GRAPH ?g { ?s ?p ?o } FILTER (!CONTAINS(STR(?g), '/graph/ontology/'))")
    assert 9_000 <= data <= 11_000


@pytest.mark.parametrize(
    ("what", "where", "at_least"),
    [
        ("direct quotes", "?s cf:statementKind cf:DirectQuote", 20),
        ("partial quotes", "?s cf:statementKind cf:PartialQuote ; cf:quotedFragment ?f", 10),
        ("reported speech", "?s cf:statementKind cf:ReportedSpeech", 20),
        (
            "statements reported in two articles",
            "{ SELECT ?s WHERE { ?s a cf:Statement ; cf:hasReport ?r } GROUP BY ?s "
            "HAVING (COUNT(?r) > 1) }",
            10,
        ),
        ("percentage changes", "?o cf:derivation cf:PercentageChange", 10),
        ("daily averages", "?o cf:derivation cf:DailyAverage", 5),
        ("figures reported by two articles", "{ SELECT ?o WHERE { ?o a qb:Observation ; "
         "cf:hasReport ?r } GROUP BY ?o HAVING (COUNT(?r) > 1) }", 1),
        ("memberships with evidence", "?m a org:Membership ; cf:evidence ?e", 10),
        ("campaign asks", "?a a cf:Ask ; cf:partOfCampaign ?c", 1),
        ("asks", "?a a cf:Ask ; cf:statedIn ?s", 5),
        ("undated articles", "?a a schema:NewsArticle ; cf:dateInference ?i", 2),
        ("authors", "?a schema:author ?p", 10),
        ("sub-organisations", "?o org:subOrganizationOf ?p", 1),
    ],
)
def test_corpus_has_every_kind_of_node(
    engine: OxigraphEngine, what: str, where: str, at_least: int
) -> None:
    assert count(engine, where) >= at_least, what


def test_statements_live_in_their_first_article_and_reports_in_their_own(
    engine: OxigraphEngine,
) -> None:
    # As in the real data: a statement reported twice has its node in one article's file and a
    # report in another's, so files refer to each other (what incremental validation must follow).
    cross = count(
        engine,
        "GRAPH ?home { ?s a cf:Statement ; cf:hasReport ?r } "
        "GRAPH ?other { ?r a cf:Report } FILTER (?home != ?other)",
    )
    assert cross >= 10


def test_generation_is_deterministic(tmp_path: Path) -> None:
    generate = bench_generate().generate

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    generate(tmp_path / "a", 6, seed=3)
    generate(tmp_path / "b", 6, seed=3)
    generate(tmp_path / "c", 6, seed=4)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")


def test_names_and_texts_are_synthetic(synthetic_corpus: Path, engine: OxigraphEngine) -> None:
    names = engine.select(
        f"{PREFIXES} SELECT ?name WHERE {{ ?x a ?c ; skos:prefLabel ?name . "
        "VALUES ?c { schema:Person org:Organization schema:Place cf:Campaign } }"
    )
    pattern = re.compile(r"(Speaker \d{4}|Organisation \d{3}|News Outlet \d{2}|Area \d{3}|"
                         r"Campaign \d{2})")
    assert names.rows
    for (name,) in names.rows:
        assert name is not None
        assert pattern.fullmatch(name.value), name
    # No real person or organisation from the shipped data appears in any generated text.
    real = OxigraphEngine(SHIPPED_DATA).select(
        f"{PREFIXES} SELECT ?name WHERE {{ ?x a ?c ; skos:prefLabel ?name . "
        "VALUES ?c { schema:Person org:Organization } }"
    )
    texts = "\n".join(
        p.read_text(encoding="utf-8") for p in (synthetic_corpus / "sources").glob("*.txt")
    )
    for (name,) in real.rows:
        assert name is not None
        # Proper names only: "LGA", "NSPCC" are checked below as whole words, and collective
        # addressees ("the public", "tech firms") are ordinary words any text may use.
        if len(name.value) > 4 and name.value[0].isupper():
            assert name.value not in texts
    for acronym in ("NSPCC", "NPCC", "LGA", "ONS"):
        assert not re.search(rf"\b{acronym}\b", texts)


def test_sizes_name_triples() -> None:
    gen = bench_generate()
    assert gen.parse_size("10k") == 10_000
    assert gen.parse_size("1M") == 1_000_000
    assert gen.parse_size("250000") == 250_000
    assert gen.articles_for(10_000) == 40
