"""Incremental validation (cyberflag.checks.incremental): after a change, the report equals a full
run's, whichever layer the change breaks and whichever file it is in.

Each test starts from a small synthetic corpus whose cache was written by one full run (copied,
cache and all, so the full run happens once per module), makes one edit a curator could make, and
compares the incremental run with a full run of the same data. The corpus is small, so the
fall-back to a full run for changes that reach much of the graph is switched off here (except
where it is the subject); on large data it rarely applies to one article.

The tests of every kind of edit are marked ``slow``: a default run takes a daily sample of the
edits that still breaks every layer (tests/sampling.py); ``CYBERFLAG_TESTS=all`` runs them all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyberflag.checks import full as full_check
from cyberflag.checks.findings import CheckRun
from cyberflag.checks.incremental import driver
from cyberflag.cli import cli
from cyberflag.index import opening
from cyberflag.rdf import resources

from conftest import bench_generate

ARTICLES = 4
A = "articles/synthetic-article-000003.ttl"
B = "articles/synthetic-article-000002.ttl"  # A reports one of B's statements again
FACTS = "external.ttl"  # the fact backing an organisation's legal name, stated in entities.ttl
FACTS_TTL = """@prefix cf: <https://w3id.org/cyberflag/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/cyberflag/id/external/organisation-000-legal-name>
    a cf:ExternalFact ;
    dcterms:source <https://w3id.org/cyberflag/id/webpage/register-organisation-000> ;
    rdf:object "Organisation 000 Limited" ;
    rdf:predicate schema:legalName ;
    rdf:subject <https://w3id.org/cyberflag/id/org/organisation-000> ;
    rdfs:comment "The register gives the organisation's full name." .

<https://w3id.org/cyberflag/id/webpage/register-organisation-000>
    a schema:WebPage ;
    dcterms:title "Organisation 000" ;
    schema:url "https://example.org/register/organisation-000"^^xsd:anyURI ;
    cf:consulted "2026-12-02"^^xsd:date .
"""


def with_external_fact(data: Path) -> None:
    """An organisation's legal name in ``entities.ttl``, and the fact backing it in another file:
    the backing check of the organisation reads the fact, which points at it from elsewhere."""
    replace_once(data / "entities.ttl", 'skos:prefLabel "Organisation 000" .',
                 'schema:legalName "Organisation 000 Limited" ;\n'
                 '    skos:prefLabel "Organisation 000" .')
    (data / FACTS).write_text(FACTS_TTL, encoding="utf-8")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A corpus and a cache written by a full run of it."""
    root = tmp_path_factory.mktemp("incremental")
    data = root / "data"
    bench_generate().generate(data, ARTICLES, seed=0)
    with_external_fact(data)
    os.environ[opening.MODE_ENV] = "disk"
    try:
        outcome = driver.run(data, store=root / "cache")
    finally:
        del os.environ[opening.MODE_ENV]
    assert outcome.mode == "full, cached"
    return data, root / "cache"


@pytest.fixture
def corpus(
    pristine: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """A writable copy of the corpus with its cache (times kept, so nothing looks changed)."""
    data, cache = pristine
    target, store = tmp_path / "data", tmp_path / "cache"
    shutil.copytree(data, target)
    source = driver.cache_path(data, resources.ontology_path(), cache)
    copy = driver.cache_path(target, resources.ontology_path(), store)
    copy.parent.mkdir(parents=True)
    shutil.copy2(source, copy)
    monkeypatch.setenv(opening.MODE_ENV, "disk")
    monkeypatch.setattr(driver, "FULL_FRACTION", 1.0)
    return target, store


def same_as_full(data: Path, store: Path) -> tuple[driver.Outcome, CheckRun]:
    outcome = driver.run(data, store=store)
    full = full_check.full_run(data).result
    assert outcome.result.layers == full.layers
    assert outcome.result.files == full.files
    only_incremental = sorted(set(outcome.result.findings) - set(full.findings))
    only_full = sorted(set(full.findings) - set(outcome.result.findings))
    assert (only_incremental, only_full) == ([], [])
    assert outcome.result.findings == full.findings
    return outcome, full


def broken_layers(run: CheckRun) -> set[str]:
    return {f.layer for f in run.findings if f.severity in ("error", "warning")}


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def sub_once(path: Path, pattern: str, new: Callable[[re.Match[str]], str]) -> None:
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, new, text, count=1)
    assert count == 1, pattern
    path.write_text(changed, encoding="utf-8")


# --- the edits ------------------------------------------------------------------------------------


def misquote(data: Path) -> None:
    """A quote that no longer matches its source (anchoring, shapes)."""
    replace_once(data / A, "placeholder remark", "placeholder remarks")


def shift_offsets(data: Path) -> None:
    """A span's start moved by one (shapes: length; anchoring: offsets)."""
    sub_once(data / A, r'"(\d+)"\^\^xsd:nonNegativeInteger',
             lambda m: f'"{int(m.group(1)) + 1}"^^xsd:nonNegativeInteger')


def wrong_figure(data: Path) -> None:
    """A figure other figures are derived from (arithmetic)."""
    sub_once(data / A, r"cf:value (\d+)", lambda m: f"cf:value {int(m.group(1)) + 77}")


def figure_as_text(data: Path) -> None:
    """A figure written as a string: a nested shape (sh:or of datatypes) on a literal value.

    pySHACL's ``focus_nodes`` option drops literal value nodes from nested shapes, so a run
    restricted that way would miss this; the re-check must not rely on it."""
    sub_once(data / A, r"cf:value (\d+)", lambda m: f'cf:value "{m.group(1)}"')


def untyped_statement(data: Path) -> None:
    """A statement loses its type (shapes on its reports, some in other files)."""
    replace_once(data / A, "    a cf:Statement ;\n", "")


def untyped_statement_reported_elsewhere(data: Path) -> None:
    """B's statement that A reports again loses its type: A's report is now wrong."""
    text = (data / A).read_text(encoding="utf-8")
    home = re.search(r"oa:hasBody <(https://w3id\.org/cyberflag/id/statement/[^>]+)>", text)
    assert home is not None
    b_text = (data / B).read_text(encoding="utf-8")
    block = b_text.index(f"<{home.group(1)}>\n    a cf:Statement ;\n")
    assert block >= 0
    replace_once(data / B, f"<{home.group(1)}>\n    a cf:Statement ;\n", f"<{home.group(1)}>\n")


def same_words(data: Path) -> None:
    """B gives one of A's statements' words to another speaker (consistency)."""
    from rdflib import Graph
    from rdflib.namespace import RDF

    from cyberflag.rdf.namespaces import CF, SCHEMA

    def said(path: Path) -> list[tuple[str, str]]:
        graph = Graph().parse(path, format="turtle")
        return sorted(
            (str(graph.value(s, CF.speaker)), str(graph.value(s, SCHEMA.text)))
            for s in graph.subjects(RDF.type, CF.Statement)
        )

    words_a, words_b = said(data / A), said(data / B)
    speaker, words = words_a[0]
    other = next(text for who, text in words_b if who != speaker)
    replace_once(data / B, f'schema:text "{other}"', f'schema:text "{words}"')


def span_of_a_role_removed(data: Path) -> None:
    """A span that a membership in entities.ttl cites disappears (shapes, in another file)."""
    entities = (data / "entities.ttl").read_text(encoding="utf-8")
    found = re.search(
        r"cf:evidence <(https://w3id\.org/cyberflag/id/span/synthetic-article-000003/[0-9-]+)>",
        entities,
    )
    assert found is not None
    blocks = (data / A).read_text(encoding="utf-8").split("\n\n")
    kept = [b for b in blocks if not b.startswith(f"<{found.group(1)}")]
    assert len(kept) == len(blocks) - 3  # the span and its two selectors
    (data / A).write_text("\n\n".join(kept), encoding="utf-8")


def undeclared_term(data: Path) -> None:
    """A misspelt property (vocabulary)."""
    replace_once(data / A, "cf:reportingVerb", "cf:reportingVerbz")


def syntax_error(data: Path) -> None:
    """A file that no longer parses: reported, and its triples leave the graph."""
    with open(data / A, "a", encoding="utf-8") as handle:
        handle.write("\n<https://w3id.org/cyberflag/id/x> .\n")


def article_added(data: Path) -> None:
    """A new article with its source text and manifest entry."""
    text = (data / A).read_text(encoding="utf-8")
    (data / "articles" / "synthetic-article-000099.ttl").write_text(
        text.replace("synthetic-article-000003", "synthetic-article-000099"), encoding="utf-8"
    )
    shutil.copy(data / "sources" / "synthetic-article-000003.txt",
                data / "sources" / "synthetic-article-000099.txt")
    manifest_path = data / "sources" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    entry = dict(next(e for e in manifest["sources"] if e["slug"] == "synthetic-article-000003"))
    entry.update(slug="synthetic-article-000099", file="synthetic-article-000099.txt")
    manifest["sources"].append(entry)
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def article_removed(data: Path) -> None:
    (data / A).unlink()


def source_changed(data: Path) -> None:
    """An article's source text edited: its hash and offsets no longer hold (anchoring)."""
    replace_once(data / "sources" / "synthetic-article-000003.txt", "Police in", "Police  in")


def fact_edited(data: Path) -> None:
    """The fact backing a legal name now names another: the organisation, in another file, has
    no backing fact (shapes), and the fact's triple is not asserted."""
    replace_once(data / FACTS, 'rdf:object "Organisation 000 Limited"',
                 'rdf:object "Organisation 000 Ltd"')


def fact_removed(data: Path) -> None:
    """The file of the fact backing a legal name removed: the organisation is unbacked."""
    (data / FACTS).unlink()


def entities_changed(data: Path) -> None:
    """A shared entity renamed: most of the graph may be affected."""
    replace_once(data / "entities.ttl", 'skos:prefLabel "Speaker 0001"',
                 'skos:prefLabel "Speaker 0001" ;\n    skos:altLabel "S. 0001"')


EDITS: list[tuple[Callable[[Path], None], set[str]]] = [
    (misquote, {"anchoring"}),
    (shift_offsets, {"shapes", "anchoring"}),
    (wrong_figure, {"arithmetic"}),
    (figure_as_text, {"shapes"}),
    (untyped_statement, {"shapes"}),
    (untyped_statement_reported_elsewhere, {"shapes"}),
    (same_words, {"consistency"}),
    (span_of_a_role_removed, {"shapes"}),
    (undeclared_term, {"vocabulary"}),
    (syntax_error, {"syntax", "shapes"}),
    (article_added, set()),
    (article_removed, {"shapes"}),
    (source_changed, {"anchoring"}),
    (entities_changed, set()),
    (fact_edited, {"shapes"}),
    (fact_removed, {"shapes"}),
]


@pytest.mark.slow(keep=1, cover=("breaks",))
@pytest.mark.parametrize(("edit", "breaks"), EDITS, ids=[e.__name__ for e, _ in EDITS])
def test_one_edit_gives_the_full_report(
    corpus: tuple[Path, Path], edit: Callable[[Path], None], breaks: set[str],
) -> None:
    data, store = corpus
    edit(data)
    outcome, full = same_as_full(data, store)
    assert outcome.mode == "incremental"
    assert outcome.changed
    assert outcome.rechecked > 0
    # the comparison is only as good as the edit: it must break what it says it breaks
    assert broken_layers(full) >= breaks


@pytest.mark.slow(keep=1)  # forty chunks, each a validation: ten times an incremental run's cost
@pytest.mark.parametrize(("edit", "breaks"), EDITS, ids=[e.__name__ for e, _ in EDITS])
def test_one_edit_then_a_full_run_in_small_chunks_gives_the_full_report(
    corpus: tuple[Path, Path], edit: Callable[[Path], None], breaks: set[str]
) -> None:
    data, store = corpus
    edit(data)
    full = full_check.full_run(data).result
    assert broken_layers(full) >= breaks
    chunked = driver.run(data, store=store, full=True, jobs=1, chunk=40)
    assert chunked.mode == "full, cached"
    assert chunked.result.findings == full.findings


def test_a_full_run_in_chunks_over_two_workers_is_a_whole_graph_run(
    corpus: tuple[Path, Path],
) -> None:
    data, store = corpus
    for edit in (misquote, wrong_figure, same_words, span_of_a_role_removed, undeclared_term):
        edit(data)
    full = full_check.full_run(data).result
    assert broken_layers(full) == {"anchoring", "arithmetic", "consistency", "shapes",
                                   "vocabulary"}
    chunked = driver.run(data, store=store, full=True, jobs=2, chunk=60)
    assert chunked.result.findings == full.findings
    assert driver.run(data, store=store).mode == "reused"  # and the cache it left is whole


def test_a_full_run_in_chunks_finds_a_fact_in_another_chunk(corpus: tuple[Path, Path]) -> None:
    """The organisation and the fact backing its legal name are in different files, so in
    different chunks: the organisation's chunk must hold the fact all the same."""
    data, store = corpus
    full = full_check.full_run(data).result
    assert broken_layers(full) == set()
    chunked = driver.run(data, store=store, full=True, jobs=1, chunk=40)
    assert chunked.result.findings == full.findings


def test_nothing_changed_reuses_everything(corpus: tuple[Path, Path]) -> None:
    data, store = corpus
    later = time.time() + 100
    os.utime(data / A, (later, later))  # touched, not changed
    outcome, full = same_as_full(data, store)
    assert outcome.mode == "reused"
    assert broken_layers(full) == set()
    assert driver.run(data, store=store).result.findings == full.findings


def test_an_article_copied_under_a_second_name_is_a_warning_then_gone(
    corpus: tuple[Path, Path],
) -> None:
    """The union of two identical files is the graph of one: only the per-file subjects tell
    that one is a copy (#16, item 11). Incremental and full runs must both say so, and both
    forget it once the copy is removed."""
    data, store = corpus
    copy = data / "articles" / "zz-copy.ttl"
    shutil.copy2(data / A, copy)
    outcome, full = same_as_full(data, store)
    assert outcome.mode == "incremental"
    warned = [f for f in full.findings if f.severity == "warning" and f.layer == "syntax"]
    assert [(f.focus, f.file) for f in warned] == [("articles/zz-copy.ttl",) * 2]
    assert "also describes; each resource belongs in one file" in warned[0].message
    assert f"that {A} also" in warned[0].message
    assert full.ok
    assert full.status("syntax") == "passed with warnings"
    copy.unlink()
    outcome, full = same_as_full(data, store)
    assert outcome.mode == "incremental"
    assert full.status("syntax") == "passed"


def test_edits_in_a_row_and_back(corpus: tuple[Path, Path]) -> None:
    data, store = corpus
    original = (data / A).read_text(encoding="utf-8")
    misquote(data)
    wrong_figure(data)
    same_words(data)  # in B
    same_as_full(data, store)
    (data / A).write_text(original, encoding="utf-8")
    _, full = same_as_full(data, store)
    assert broken_layers(full) == {"consistency"}


def test_a_change_reaching_much_of_the_graph_runs_in_full(
    corpus: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(driver, "FULL_FRACTION", 0.25)
    data, store = corpus
    entities_changed(data)
    outcome, _ = same_as_full(data, store)
    assert outcome.mode == "full, cached"
    assert outcome.reason.startswith("the change reaches ")


def test_a_changed_ontology_runs_in_full(corpus: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = corpus
    ontology = tmp_path / "cyberflag.ttl"
    shutil.copy(resources.ontology_path(), ontology)
    with open(ontology, "a", encoding="utf-8") as handle:
        handle.write("\n# a comment changes the hash\n")
    outcome = driver.run(data, store=store, ontology_path=ontology)
    assert outcome.mode == "full, cached"
    assert outcome.reason in ("no cache yet", "the ontology or the shapes changed")


FAR_SHAPE = """
cf:FarShape a sh:NodeShape ;
    sh:targetClass cf:Report ;
    sh:sparql [
        sh:message "A report's first segment's article body has no start." ;
        sh:select \"\"\"
            SELECT $this WHERE {
                $this <http://www.w3.org/ns/oa#hasTarget> ?span .
                ?span <http://www.w3.org/ns/oa#hasSource> ?article .
                ?article <https://w3id.org/cyberflag/ontology#body> ?body .
                ?body <http://www.w3.org/ns/oa#hasSelector> ?position .
                FILTER NOT EXISTS { ?position <http://www.w3.org/ns/oa#start> ?start }
            }\"\"\"
    ] .
"""
"""A constraint reading four links from a report (its segments' articles' bodies' positions'
triples): one further than the incremental check follows. It finds nothing on the corpus."""


def test_shapes_reading_further_than_followed_are_checked_in_full(
    corpus: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, store = corpus
    far = tmp_path / "shapes.ttl"
    far.write_text(resources.shapes_path().read_text(encoding="utf-8") + FAR_SHAPE,
                   encoding="utf-8")
    why = ("checked in full: FarShape reads 4 links from a node, more than the 3 allowed for, "
           "further than the incremental check follows")
    assert driver.run(data, store=store, shapes_path=far).notes == [why]  # the cache rebuilt
    misquote(data)
    outcome = driver.run(data, store=store, shapes_path=far)
    assert (outcome.mode, outcome.reason, outcome.notes) == ("full, cached", why, [why])
    assert outcome.result.findings == full_check.full_run(data, shapes_path=far).result.findings
    unchanged = driver.run(data, store=store, shapes_path=far)
    assert (unchanged.mode, unchanged.notes) == ("reused", [])
    assert unchanged.result.findings == outcome.result.findings
    # the command says so in one line, and reports as a full run does
    monkeypatch.setattr(resources, "shapes_path", lambda: far)
    wrong_figure(data)
    args = ["validate", "--data", str(data), "--store", str(store), "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"cyberflag: note: {why}"]
    assert {f["layer"] for f in json.loads(result.stdout)["findings"]} >= {"anchoring",
                                                                          "arithmetic"}
    # the shipped shapes are covered: the same edit is checked incrementally, without a note
    monkeypatch.undo()
    monkeypatch.setenv(opening.MODE_ENV, "disk")
    monkeypatch.setattr(driver, "FULL_FRACTION", 1.0)
    driver.run(data, store=store, full=True)
    (data / A).write_text((data / A).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    shipped = driver.run(data, store=store)
    assert (shipped.mode, shipped.notes) == ("incremental", [])


def test_small_data_is_checked_in_full_without_a_cache(
    shipped_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(opening.MODE_ENV, raising=False)
    outcome = driver.run(shipped_data, store=tmp_path / "cache")
    assert outcome.mode == "full"
    assert not (tmp_path / "cache").exists()


def test_validate_command_is_incremental_and_full_on_request(corpus: tuple[Path, Path]) -> None:
    data, store = corpus
    misquote(data)
    runner = CliRunner()
    args = ["validate", "--data", str(data), "--store", str(store), "--format", "json"]
    incremental_run = runner.invoke(cli, args)
    full_run = runner.invoke(cli, [*args, "--full"])
    assert incremental_run.exit_code == full_run.exit_code == 1
    assert incremental_run.stdout == full_run.stdout
    assert any(f["layer"] == "anchoring" for f in json.loads(full_run.stdout)["findings"])


def test_full_run_writes_the_cache_for_the_next(corpus: tuple[Path, Path]) -> None:
    # `validate --full` checks everything and leaves a cache, so that the run after an edit is
    # incremental rather than a second full run.
    data, store = corpus
    driver.cache_path(data, resources.ontology_path(), store).unlink()
    runner = CliRunner()
    args = ["validate", "--data", str(data), "--store", str(store), "--format", "json"]
    assert runner.invoke(cli, [*args, "--full"]).exit_code == 0
    misquote(data)
    outcome = driver.run(data, store=store)
    assert outcome.mode == "incremental"


def test_validate_jobs_option(corpus: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    data, store = corpus
    misquote(data)
    invoke = CliRunner().invoke
    args = ["validate", "--data", str(data), "--store", str(store), "--format", "json", "--full"]
    one = invoke(cli, [*args, "--jobs", "1"])
    two = invoke(cli, [*args, "-j", "2"])
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    assert json.loads(one.stdout)["findings"] == [
        f.to_json() for f in full_check.full_run(data).result.findings
    ]
    bad = invoke(cli, [*args, "--jobs", "0"])
    assert bad.exit_code == 2
    assert "--jobs" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    monkeypatch.setenv("CYBERFLAG_JOBS", "many")
    env = invoke(cli, args)
    assert env.exit_code == 2
    assert env.stderr.strip().splitlines() == [
        "cyberflag: error: CYBERFLAG_JOBS must be a whole number, not 'many'"
    ]
