"""``--endpoint``: the query commands against a real Oxigraph server, and every way one can fail."""

from __future__ import annotations

import base64
import json
import re
import shlex
import time
from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner, Result

from cyberflag.cli import cli
from cyberflag.errors import EndpointError, redact_url
from cyberflag.queries import catalogue
from cyberflag.sparql.engines import OxigraphEngine
from cyberflag.sparql.remote import LISTING_HINT, RemoteEngine
from cyberflag.sparql.results import rows_equal

from conftest import (
    FIXTURE_DATA,
    HEADLINE_QUERIES,
    REPO,
    SHIPPED_DATA,
    CuttingProxy,
    OxigraphServer,
    ScriptedServer,
    Seen,
    free_port,
    start_shared_oxigraph,
    stop_process,
)

pytestmark = pytest.mark.usefixtures("no_endpoint_env")

SPARQL_JSON = {"Content-Type": "application/sparql-results+json"}


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


def one_line_error(result: Result, code: int = 1) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("cyberflag: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """One server with the shipped data pushed, and another party's graph beside it."""
    server = start_shared_oxigraph(tmp_path_factory.mktemp("shared") / "store")
    try:
        yield server
    finally:
        stop_process(server.process)


@pytest.fixture(scope="module")
def embedded() -> OxigraphEngine:
    return OxigraphEngine(SHIPPED_DATA)


# --- the same rows as the embedded engine ---------------------------------------------------------


@pytest.mark.parametrize("name", catalogue.names())
def test_every_saved_query_gives_the_embedded_rows(
    shared: OxigraphServer, embedded: OxigraphEngine, name: str
) -> None:
    text = catalogue.load(name).bind({})
    local = embedded.query(text)
    remote = RemoteEngine(shared.query).query(text)
    assert type(remote) is type(local)
    assert remote.variables == local.variables  # type: ignore[union-attr]
    assert rows_equal(remote.rows, local.rows)  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv", "jsonl"])
def test_query_command_output_is_identical(
    runner: CliRunner, shared: OxigraphServer, fmt: str
) -> None:
    args = ("query", "statistics-timeline", "-p", "measure", "offences recorded", "--format", fmt)
    local = run(runner, *args)
    remote = run(runner, *args, "--endpoint", shared.query)
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout


def test_stats_is_identical(runner: CliRunner, shared: OxigraphServer) -> None:
    for fmt in ("text", "json"):
        local = run(runner, "stats", "--format", fmt)
        remote = run(runner, "stats", "--format", fmt, "--endpoint", shared.query)
        assert remote.exit_code == 0, remote.stderr
        assert remote.stdout == local.stdout


def test_who_said_is_identical(runner: CliRunner, shared: OxigraphServer) -> None:
    local = run(runner, "who-said", "--person", "Bailey")
    remote = run(runner, "who-said", "--person", "Bailey", "--endpoint", shared.query)
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout
    assert "Simon Bailey" in remote.stdout


@pytest.mark.parametrize("query", HEADLINE_QUERIES)
def test_sparql_is_identical_and_sees_only_the_project_graphs(
    runner: CliRunner, shared: OxigraphServer, query: str
) -> None:
    local = run(runner, "sparql", query)
    remote = run(runner, "sparql", query, "--endpoint", shared.query)
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout
    assert "Not ours" not in remote.stdout


def test_endpoint_from_the_environment(runner: CliRunner, shared: OxigraphServer) -> None:
    result = run(runner, "query", "stats", "--format", "json",
                 env={"CYBERFLAG_ENDPOINT": shared.query})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == run(runner, "query", "stats", "--format", "json").stdout


def test_hostile_value_cannot_change_the_query(runner: CliRunner, shared: OxigraphServer) -> None:
    for hostile in ('x" } ; DROP ALL ; #', "x\\u0022 } DROP ALL #", "x' } } DROP ALL"):
        result = run(runner, "query", "who-said-what", "-p", "person", hostile,
                     "--format", "json", "--endpoint", shared.query)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["results"]["bindings"] == []
    assert len(shared.quads("https://w3id.org/cyberflag/id/graph/")) == len(
        OxigraphEngine(SHIPPED_DATA).store
    )


def test_update_is_refused_before_it_is_sent(
    runner: CliRunner, scripted_server: Callable[..., ScriptedServer]
) -> None:
    server = scripted_server(lambda seen, n: (500, {}, b"should not be asked"))
    result = run(runner, "sparql", "DROP ALL", "--endpoint", f"{server.base}/query")
    assert "SPARQL Update is not allowed" in one_line_error(result, 2)
    assert server.requests == []


def test_named_graph_option(runner: CliRunner, shared: OxigraphServer) -> None:
    graph = "https://w3id.org/cyberflag/id/graph/entities"
    result = run(runner, "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format",
                 "csv", "--endpoint", shared.query, "--graph", graph)
    assert result.exit_code == 0, result.stderr
    expected = len(list(OxigraphEngine(SHIPPED_DATA).store.quads_for_pattern(
        None, None, None, __import__("pyoxigraph").NamedNode(graph))))
    assert result.stdout.splitlines() == ["n", str(expected)]


# --- credentials ----------------------------------------------------------------------------------


def test_credentials_come_from_the_environment_and_are_never_shown(
    runner: CliRunner, scripted_server: Callable[..., ScriptedServer]
) -> None:
    def respond(seen: Seen, n: int) -> tuple:
        return 401, {"Content-Type": "text/plain"}, b"wrong password"

    server = scripted_server(respond)
    env = {"CYBERFLAG_ENDPOINT_USER": "alice", "CYBERFLAG_ENDPOINT_PASSWORD": "s3cret-pw"}
    result = run(runner, "query", "stats", "--endpoint", f"{server.base}/query", env=env)
    error = one_line_error(result)
    assert "HTTP 401 Unauthorized: wrong password" in error
    assert "CYBERFLAG_ENDPOINT_USER" in error
    assert "s3cret-pw" not in error
    assert "alice" not in error
    sent = server.requests[0].headers["Authorization"]
    assert sent == "Basic " + base64.b64encode(b"alice:s3cret-pw").decode()


def test_credentials_in_the_url_are_refused(runner: CliRunner) -> None:
    result = run(runner, "query", "stats", "--endpoint", "http://bob:hunter2@127.0.0.1:1/query")
    error = one_line_error(result, 2)
    assert "hunter2" not in error
    assert "CYBERFLAG_ENDPOINT_PASSWORD" in error


def test_redact_url() -> None:
    assert redact_url("https://u:p@example.org:8443/q?x=1") == "https://example.org:8443/q?x=1"
    assert redact_url("http://example.org/q") == "http://example.org/q"


def test_a_server_answering_in_xml(
    runner: CliRunner, shared: OxigraphServer, scripted_server: Callable[..., ScriptedServer]
) -> None:
    """Every request accepts the SPARQL results XML format too: here the real Oxigraph server is
    asked for XML only, and the commands print what they print locally."""
    made: list[ScriptedServer] = []

    def xml_only(seen: Seen, n: int) -> tuple:
        headers = {**seen.headers, "Accept": "application/sparql-results+xml"}
        answer = made[0].forward(Seen(seen.method, seen.path, headers, seen.body))
        assert answer[1]["Content-Type"].startswith("application/sparql-results+xml")
        return answer

    made.append(scripted_server(xml_only, upstream=shared.base))
    url = f"{made[0].base}/query"
    for command in (("who-said", "--person", "Bailey"), ("query", "stats", "--format", "tsv"),
                    ("sparql", "ASK { ?s ?p ?o }"), ("sparql", "ASK { ?s ?p 42 }")):
        local = run(runner, *command)
        remote = run(runner, *command, "--endpoint", url)
        assert remote.exit_code == 0, remote.stderr
        assert remote.stdout == local.stdout
    assert all("application/sparql-results+xml" in r.headers["Accept"] for r in made[0].requests)


# --- failures -------------------------------------------------------------------------------------


def test_server_not_running(runner: CliRunner) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    for command in (("query", "stats"), ("sparql", "ASK {}"), ("who-said",)):
        result = run(runner, *command, "--endpoint", url)
        assert one_line_error(result) == (
            f"cyberflag: error: {url}: connection refused (is the server running, and is this "
            "its URL?)\n"
        )


def test_http_4xx_shows_the_server_message(runner: CliRunner, shared: OxigraphServer) -> None:
    url = f"{shared.base}/no-such-endpoint"
    error = one_line_error(run(runner, "query", "stats", "--endpoint", url))
    assert error.startswith(f"cyberflag: error: {url}: HTTP 404 Not Found")


@pytest.mark.parametrize(
    ("status", "body", "shown"),
    [
        (500, b"Internal error: out of memory", "HTTP 500 Internal Server Error: Internal error: "
                                                "out of memory"),
        (503, b"<html><body><h1>Down for maintenance</h1></body></html>",
         "HTTP 503 Service Unavailable: Down for maintenance"),
        (400, b"Parse error at line 1", "HTTP 400 Bad Request: Parse error at line 1"),
    ],
)
def test_http_errors_show_the_server_message(
    runner: CliRunner, scripted_server: Callable[..., ScriptedServer],
    status: int, body: bytes, shown: str,
) -> None:
    server = scripted_server(lambda seen, n: (status, {"Content-Type": "text/html"}, body))
    url = f"{server.base}/sparql"
    error = one_line_error(run(runner, "query", "stats", "--endpoint", url))
    # The first request lists the graphs: the error says how to do without it.
    assert error == f"cyberflag: error: {url}: {shown} {LISTING_HINT}\n"
    graph = "https://w3id.org/cyberflag/id/graph/entities"
    error = one_line_error(run(runner, "query", "stats", "--endpoint", url, "--graph", graph))
    assert error == f"cyberflag: error: {url}: {shown}\n"


def test_server_that_does_not_answer_in_time(
    runner: CliRunner, scripted_server: Callable[..., ScriptedServer]
) -> None:
    holder: dict[str, ScriptedServer] = {}

    def respond(seen: Seen, n: int) -> tuple:
        holder["s"].stall(10)
        return 200, SPARQL_JSON, b'{"head": {}, "boolean": true}'

    holder["s"] = server = scripted_server(respond)
    url = f"{server.base}/query"
    started = time.monotonic()
    result = run(runner, "sparql", "ASK {}", "--endpoint", url, "--graph", "http://g",
                 "--timeout", "0.5")
    assert one_line_error(result) == f"cyberflag: error: {url}: no answer within 0.5 s\n"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("content_type", "body", "why"),
    [
        ("text/html", b"<html><body>Welcome to nginx!</body></html>", "not JSON"),
        ("application/json", b'{"hello": "world"}', "no 'head'"),
        ("application/sparql-results+json", b'{"head": {"vars": ["n"]}}',
         "no 'results.bindings'"),
        ("application/sparql-results+json",
         b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "number"}}]}}',
         "a binding is not a term object"),
        ("application/sparql-results+json", b"", "not JSON"),
    ],
)
def test_answer_that_is_not_sparql_results(
    runner: CliRunner, scripted_server: Callable[..., ScriptedServer],
    content_type: str, body: bytes, why: str,
) -> None:
    server = scripted_server(lambda seen, n: (200, {"Content-Type": content_type}, body))
    url = f"{server.base}/query"
    result = run(runner, "query", "stats", "--endpoint", url, "--graph", "http://g")
    error = one_line_error(result)
    assert error.startswith(f"cyberflag: error: {url}: the answer is not SPARQL results ({why}")


def test_ask_answer_without_a_boolean(
    runner: CliRunner, scripted_server: Callable[..., ScriptedServer]
) -> None:
    server = scripted_server(lambda seen, n: (200, SPARQL_JSON, b'{"head": {}, "results": {}}'))
    result = run(runner, "sparql", "ASK {}", "--endpoint", f"{server.base}/q", "--graph", "http://g")
    assert "no boolean for an ASK query" in one_line_error(result)


def test_construct_answer_that_is_not_rdf(
    runner: CliRunner, scripted_server: Callable[..., ScriptedServer]
) -> None:
    server = scripted_server(lambda seen, n: (200, {"Content-Type": "text/turtle"}, b"<<< nope"))
    result = run(runner, "sparql", "CONSTRUCT WHERE { ?s ?p ?o }", "--endpoint",
                 f"{server.base}/q", "--graph", "http://g")
    assert "the answer is not SPARQL results (not RDF" in one_line_error(result)


def test_connection_dropped_by_the_server(runner: CliRunner) -> None:
    proxy = CuttingProxy(None)
    try:
        url = f"{proxy.base}/query"
        result = run(runner, "query", "stats", "--endpoint", url)
    finally:
        proxy.close()
    assert one_line_error(result) == (
        f"cyberflag: error: {url}: the server closed the connection before a complete answer\n"
    )


def test_server_without_the_project_graphs(
    runner: CliRunner, oxigraph_server: OxigraphServer
) -> None:
    error = one_line_error(run(runner, "query", "stats", "--endpoint", oxigraph_server.query))
    assert "holds no cyberflag graphs" in error
    assert "cyberflag push" in error


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--timeout", "5"), "--timeout needs --endpoint URL"),
        (("--graph", "http://g"), "--graph needs --endpoint URL"),
        (("--endpoint", "http://127.0.0.1:1/q", "--engine", "rdflib"), "--engine and --endpoint"),
        (("--endpoint", "http://127.0.0.1:1/q", "--data", str(FIXTURE_DATA)),
         "--data and --endpoint"),
        (("--endpoint", "not a url"), "is not an http:// or https:// URL"),
        (("--endpoint", "http://127.0.0.1:1/q", "--timeout", "0"), "--timeout"),
    ],
)
def test_usage_errors(runner: CliRunner, args: tuple[str, ...], message: str) -> None:
    assert message in one_line_error(run(runner, "query", "stats", *args), 2)


def test_engine_error_is_an_endpoint_error() -> None:
    with pytest.raises(EndpointError) as caught:
        RemoteEngine(f"http://127.0.0.1:{free_port()}/query").query("ASK {}")
    assert caught.value.exit_code == 1


# --- the README's transcript ----------------------------------------------------------------------


def readme_transcript() -> list[tuple[str, str]]:
    """``(command, expected output)`` for each ``$ cyberflag`` line of the README's shared-server
    section (``$ oxigraph ...`` lines are what the fixture does)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Using a shared server\n", 1)[1].split("\n## ", 1)[0]
    section = section.split("**With OpenLink Virtuoso**", 1)[0]  # test_push_virtuoso's
    steps: list[tuple[str, str]] = []
    for block in re.findall(r"```\n(.*?)```", section, flags=re.S):
        for chunk in re.split(r"^(?=\$ )", block, flags=re.M):
            if chunk.startswith("$ cyberflag "):
                command, _, output = chunk.partition("\n")
                steps.append((command[2:], output))
    return steps


def test_readme_shared_server_transcript(
    runner: CliRunner, oxigraph_server: OxigraphServer
) -> None:
    steps = readme_transcript()
    assert [c.split()[1] for c, _ in steps] == ["push", "who-said", "query"]
    refused = f"127.0.0.1:{free_port()}"

    def here(text: str) -> str:
        text = text.replace("http://127.0.0.1:7878", oxigraph_server.base)
        return text.replace("127.0.0.1:7879", refused)

    for command, expected in steps:
        result = run(runner, *shlex.split(here(command))[1:])
        output = re.sub(r" in \d+\.\d\d s$", " in _ s", result.output, flags=re.M)
        assert output == re.sub(r" in \d+\.\d\d s$", " in _ s", here(expected), flags=re.M), command


def test_endpoint_path_imports_neither_rdflib_nor_pyshacl(shared: OxigraphServer) -> None:
    """``--endpoint`` keeps the query commands' start-up free of rdflib, as the embedded path."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from cyberflag.cli import cli\n"
        f"args = ['who-said', '--person', 'Bailey', '--endpoint', {shared.query!r}]\n"
        "try:\n"
        "    cli(args, standalone_mode=False)\n"
        "finally:\n"
        "    print(sorted(m for m in sys.modules if m.split('.')[0] in ('rdflib', 'pyshacl')),\n"
        "          file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"PYTHONPATH": str(REPO / "cli"), "PATH": ""},
    )
    assert "Simon Bailey" in done.stdout
    assert done.stderr.strip() == "[]"
