"""The saved queries and the ``--endpoint`` commands on a real OpenLink Virtuoso (issue #14).

The project promises standard SPARQL 1.1 that runs unchanged on any endpoint. Virtuoso is the
engine that most often reads a query differently (its SPARQL is compiled to SQL), so every saved
query, with and without parameters, runs on four engines and must give the same rows in the same
order: Virtuoso and the Oxigraph server (both over HTTP, the graphs found by discovery), rdflib
and embedded Oxigraph. Both servers are real processes on 127.0.0.1, started here (conftest).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result

from cyberflag.cli import cli
from cyberflag.queries import catalogue
from cyberflag.rdf.files import GRAPH_BASE
from cyberflag.sparql.engines import Engine, OxigraphEngine, RdflibEngine
from cyberflag.sparql.remote import RemoteEngine, discover_graphs, select
from cyberflag.sparql.results import SelectResult, rows_equal

from conftest import (
    HEADLINE_QUERIES,
    SHIPPED_DATA,
    OxigraphServer,
    VirtuosoServer,
    start_shared_oxigraph,
    start_shared_virtuoso,
    stop_process,
)

pytestmark = pytest.mark.usefixtures("no_endpoint_env")

PERSON = "https://w3id.org/cyberflag/id/person/"

# Every parameter of every saved query, at least once (test_every_parameter_is_exercised), with
# values that match some rows and, where the data allows, leave some out.
PARAMETER_CASES: dict[str, list[dict[str, list[str]]]] = {
    "articles": [{"since": ["2019"]}, {"until": ["2018"]}],
    "campaigns": [{"topic": ["regulator"]}, {"by": ["nspcc"]}],
    "events": [{"since": ["2019"]}, {"until": ["2018"]}],
    "organisations": [{"organisation": ["police"]}],
    "people": [{"person": ["bailey"]}],
    "repeated-statements": [{"min_articles": ["1"]}],
    "statistic-reports": [
        {"measure": ["offences"]},
        {"article": ["https://w3id.org/cyberflag/id/article/npcc-spike-in-cyber-child-sex-abuse"]},
    ],
    "statistics-timeline": [
        {"measure": ["offences"], "area": ["england"], "since": ["2016"], "until": ["2019"]}
    ],
    "timeline": [{"type": ["event"]}, {"since": ["2019"], "until": ["2020"]}],
    "who-said-what": [
        {"person": ["Bailey"]},
        {"speaker": [PERSON + "simon-bailey"]},
        {"kind": ["direct", "headline"], "since": ["2018"]},
        {"organisation": ["police"]},
        {"organisation": ["NSPCC"], "until": ["2019-06"]},
        {"contains": ["online"]},
    ],
}
CASES = [
    pytest.param(name, params, id=f"{name}-{i}")
    for name in catalogue.names()
    for i, params in enumerate([{}, *PARAMETER_CASES.get(name, [])])
]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """One Virtuoso with the shipped data loaded and another party's graph beside it."""
    server = start_shared_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        stop_process(server.process)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    server = start_shared_oxigraph(tmp_path_factory.mktemp("oxigraph") / "store")
    try:
        yield server
    finally:
        stop_process(server.process)


@pytest.fixture(scope="module")
def engines(virtuoso: VirtuosoServer, oxigraph_server: OxigraphServer) -> dict[str, Engine]:
    """The four engines, the reference (embedded Oxigraph) first."""
    return {
        "embedded Oxigraph": OxigraphEngine(SHIPPED_DATA),
        "rdflib": RdflibEngine(SHIPPED_DATA),
        "Oxigraph server": RemoteEngine(oxigraph_server.query),
        "Virtuoso": RemoteEngine(virtuoso.query),
    }


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


# --- the differential test ------------------------------------------------------------------------


def test_every_parameter_is_exercised() -> None:
    for name in catalogue.names():
        declared = {p.name for p in catalogue.load(name).params}
        used = {key for case in PARAMETER_CASES.get(name, []) for key in case}
        assert declared == used, f"{name}: add cases for {sorted(declared - used)}"


@pytest.mark.parametrize(("name", "params"), CASES)
def test_saved_query_gives_the_same_rows_on_every_engine(
    engines: dict[str, Engine], name: str, params: dict[str, list[str]]
) -> None:
    text = catalogue.load(name).bind(params)
    results = {label: engine.select(text) for label, engine in engines.items()}
    reference = results["embedded Oxigraph"]
    for label, result in results.items():
        assert result.variables == reference.variables, label
        difference = _first_difference(reference, result)
        assert rows_equal(result.rows, reference.rows), (label, difference)


def _first_difference(a: SelectResult, b: SelectResult) -> str:
    if len(a.rows) != len(b.rows):
        return f"{len(a.rows)} rows, then {len(b.rows)}"
    for i, (x, y) in enumerate(zip(a.rows, b.rows, strict=True)):
        for variable, s, t in zip(a.variables, x, y, strict=True):
            if s != t:
                return f"row {i}, ?{variable}: {s} then {t}"
    return "same rows"


def test_the_cases_return_rows(engines: dict[str, Engine]) -> None:
    """A comparison of empty answers proves nothing: most cases must find something."""
    empty = [
        (name, params)
        for name, cases in PARAMETER_CASES.items()
        for params in cases
        if not engines["Virtuoso"].select(catalogue.load(name).bind(params)).rows
    ]
    assert empty == []


# --- graph discovery ------------------------------------------------------------------------------


def test_virtuoso_lists_no_graph_for_an_empty_pattern(virtuoso: VirtuosoServer) -> None:
    """Why discovery has a second query: Virtuoso answers ``GRAPH ?g {}`` with no rows."""
    empty = select(virtuoso.query, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    assert [row for row in empty.rows if row != (None,)] == []  # one row, ?g unbound


def test_discovery_finds_the_project_graphs_only(
    virtuoso: VirtuosoServer, oxigraph_server: OxigraphServer
) -> None:
    on_virtuoso = discover_graphs(virtuoso.query)
    assert on_virtuoso == discover_graphs(oxigraph_server.query)
    assert len(on_virtuoso) == 8  # five articles, concepts, entities, the ontology
    assert all(g.startswith(GRAPH_BASE) for g in on_virtuoso)


# --- the commands ---------------------------------------------------------------------------------


def test_who_said_is_identical(runner: CliRunner, virtuoso: VirtuosoServer) -> None:
    local = run(runner, "who-said", "--person", "Bailey")
    remote = run(runner, "who-said", "--person", "Bailey", "--endpoint", virtuoso.query)
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout
    assert "Simon Bailey" in remote.stdout


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_stats_is_identical(runner: CliRunner, virtuoso: VirtuosoServer, fmt: str) -> None:
    local = run(runner, "stats", "--format", fmt)
    remote = run(runner, "stats", "--format", fmt, "--endpoint", virtuoso.query)
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout
    if fmt == "text":  # the ontology's triples are counted on the server too
        counted = [n for n in local.stdout.splitlines() if "triples (data and ontology)" in n]
        assert int(counted[0].split()[-1]) > 4000


@pytest.mark.parametrize("name", ["who-said-what", "stats", "triples", "statistics-timeline"])
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_command_output_is_identical(
    runner: CliRunner, virtuoso: VirtuosoServer, name: str, fmt: str
) -> None:
    local = run(runner, "query", name, "--format", fmt)
    remote = run(runner, "query", name, "--format", fmt, "--endpoint", virtuoso.query)
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout


@pytest.mark.parametrize("query", HEADLINE_QUERIES)
def test_sparql_is_identical_and_sees_only_the_project_graphs(
    runner: CliRunner, virtuoso: VirtuosoServer, query: str
) -> None:
    local = run(runner, "sparql", query)
    remote = run(runner, "sparql", query, "--endpoint", virtuoso.query)
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout
    assert "Not ours" not in remote.stdout


@pytest.mark.parametrize(
    ("pattern", "answer"), [("?a schema:headline ?h", "true"), ("?a schema:headline 42", "false")]
)
def test_ask_answers_true_and_false(
    runner: CliRunner, virtuoso: VirtuosoServer, pattern: str, answer: str
) -> None:
    """Virtuoso answers an ASK over a given dataset as a one-column table, not a boolean."""
    query = f"PREFIX schema: <http://schema.org/> ASK {{ {pattern} }}"
    result = run(runner, "sparql", query, "--format", "json", "--endpoint", virtuoso.query)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["boolean"] is (answer == "true")


def test_named_graph_option(runner: CliRunner, virtuoso: VirtuosoServer) -> None:
    graph = GRAPH_BASE + "entities"
    result = run(runner, "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv",
                 "--endpoint", virtuoso.query, "--graph", graph)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == "536"  # the triples of data/entities.ttl alone
