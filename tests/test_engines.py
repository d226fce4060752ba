"""The engines: same named graphs as the store, updates refused, all query forms, cheap imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cyberflag.errors import DataError, InputError
from cyberflag.rdf import graphs
from cyberflag.sparql import engines
from cyberflag.sparql.results import AskResult, GraphResult, Term

CLI = Path(__file__).resolve().parent.parent / "cli"


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def engine(request: pytest.FixtureRequest) -> engines.Engine:
    return engines.default_engine(name=request.param)


def test_graph_naming_matches_the_store(fixture_data: Path) -> None:
    assert engines.data_files(fixture_data) == graphs.data_files(fixture_data)
    for relative in ["entities.ttl", "articles/x y.ttl", "articles/ä.ttl"]:
        assert engines.graph_iri(relative) == str(graphs.graph_iri(relative))


def test_named_graphs_and_union(engine: engines.Engine) -> None:
    result = engine.select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY STR(?g)"
    )
    graphs = [t.value for t in result.column("g") if t is not None]
    assert "https://w3id.org/cyberflag/id/graph/entities" in graphs
    assert "https://w3id.org/cyberflag/id/graph/ontology/cyberflag" in graphs
    # the default graph is the union: a pattern spanning files matches
    ask = engine.ask(
        "PREFIX cf: <https://w3id.org/cyberflag/ontology#> "
        "ASK { ?s cf:speaker ?p . ?p <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"
    )
    assert ask == AskResult(True)


def test_construct(engine: engines.Engine) -> None:
    graph = engine.construct(
        "PREFIX schema: <http://schema.org/> "
        "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }"
    )
    assert isinstance(graph, GraphResult)
    assert (
        Term.uri("https://w3id.org/cyberflag/id/person/simon-bailey"),
        Term.uri("http://schema.org/name"),
        Term.literal("Simon Bailey"),
    ) in graph.triples


@pytest.mark.parametrize(
    "update",
    [
        "DROP ALL",
        "INSERT DATA { <http://a/> <http://a/> <http://a/> }",
        "PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }",
        "# comment\nCLEAR DEFAULT",
        "LOAD <http://example.org/data.ttl>",
    ],
)
def test_updates_are_refused(engine: engines.Engine, update: str) -> None:
    with pytest.raises(engines.UpdateRefusedError, match="read-only"):
        engine.query(update)
    assert engine.ask("ASK { ?s ?p ?o }").boolean  # nothing was removed


def test_wrong_form_for_call(engine: engines.Engine) -> None:
    with pytest.raises(engines.QueryFormError):
        engine.select("ASK { ?s ?p ?o }")
    with pytest.raises(engines.QueryFormError):
        engine.ask("SELECT * WHERE { ?s ?p ?o }")


def test_syntax_errors_are_input_errors(engine: engines.Engine) -> None:
    with pytest.raises(InputError, match="does not parse"):
        engine.select("SELECT * WHERE { ?s ?p }")


def test_literals_compare_across_engines() -> None:
    """xsd:string is implicit and language tags are lower-case in the neutral model."""
    assert Term.literal("x", "http://www.w3.org/2001/XMLSchema#string") == Term.literal("x")
    assert Term.literal("x", lang="en-GB") == Term.literal("x", lang="en-gb")


def test_bad_data_file_is_a_data_error(data_copy: Path) -> None:
    (data_copy / "broken.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        engines.OxigraphEngine(data_copy)
    assert "broken.ttl" in str(caught.value)


def test_unknown_engine() -> None:
    with pytest.raises(InputError, match="oxigraph, rdflib"):
        engines.default_engine(name="virtuoso")


def test_query_path_imports_neither_rdflib_nor_pyshacl() -> None:
    """Loading the data, binding and running a saved query on Oxigraph, and rendering it."""
    code = (
        "import sys\n"
        "from cyberflag.queries import catalogue\n"
        "from cyberflag.sparql import engines\n"
        "from cyberflag.text import render\n"
        "q = catalogue.load('who-said-what')\n"
        "r = engines.default_engine().select(q.bind({'person': ['Bailey']}))\n"
        "render.render(r, 'json'); render.render(r, 'csv'); render.render(r, 'tsv')\n"
        "render.render(r, 'table', prefixes={})\n"
        "assert len(r) == 2\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rdflib', 'pyshacl')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"PYTHONPATH": str(CLI), "PATH": ""},
    )
    assert out.stdout.strip() == "[]"
