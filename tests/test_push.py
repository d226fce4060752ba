"""``cyberflag push`` against a real Oxigraph server: replaces only the project's graphs, whole or
not at all, retries transient failures, verifies what the server holds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cyberflag.cli import cli
from cyberflag.errors import EndpointError
from cyberflag.rdf.files import GRAPH_BASE
from cyberflag.server.push import default_update_endpoint, push, read_dataset, update_body

from conftest import (
    FIXTURE_DATA,
    SHIPPED_DATA,
    CuttingProxy,
    OxigraphServer,
    ScriptedServer,
    Seen,
    free_port,
)

pytestmark = pytest.mark.usefixtures("no_endpoint_env")

OTHER = (
    "INSERT DATA { GRAPH <http://example.org/someone-else> { <http://example.org/a> "
    '<http://example.org/b> "kept" , "also kept"@en } <http://example.org/d> '
    "<http://example.org/e> <http://example.org/f> }"
)


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def one_line_error(result: Result, code: int = 1) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("cyberflag: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def project_quads(server: OxigraphServer) -> list[tuple[str, ...]]:
    return server.quads(GRAPH_BASE)


def other_quads(server: OxigraphServer) -> list[tuple[str, ...]]:
    everything = server.quads()
    return [q for q in everything if not q[0].startswith(f"<{GRAPH_BASE}")]


# --- success --------------------------------------------------------------------------------------


def test_push_loads_every_graph_and_says_it_verified(
    runner: CliRunner, oxigraph_server: OxigraphServer
) -> None:
    result = run(runner, "push", "--endpoint", oxigraph_server.query, "--data", str(FIXTURE_DATA))
    assert result.exit_code == 0, result.stderr
    dataset = read_dataset(FIXTURE_DATA)
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        f"pushed {len(dataset.graphs)} graphs, {dataset.triples:,} triples"
    )
    assert f"to {oxigraph_server.update} by one SPARQL Update request" in lines[0]
    assert lines[-1].startswith(
        f"verified at {oxigraph_server.query}: the server holds exactly the triples sent"
    )
    held = project_quads(oxigraph_server)
    assert len(held) == dataset.triples
    assert {q[0].strip("<>") for q in held} == set(dataset.graphs)


def test_push_twice_is_idempotent(runner: CliRunner, oxigraph_server: OxigraphServer) -> None:
    args = ("push", "--endpoint", oxigraph_server.query, "--data", str(FIXTURE_DATA))
    assert run(runner, *args).exit_code == 0
    first = project_quads(oxigraph_server)
    second_run = run(runner, *args)
    assert second_run.exit_code == 0, second_run.stderr
    assert project_quads(oxigraph_server) == first


def test_push_leaves_other_graphs_and_the_default_graph_intact(
    runner: CliRunner, oxigraph_server: OxigraphServer
) -> None:
    oxigraph_server.run_update(OTHER)
    before = other_quads(oxigraph_server)
    assert len(before) == 3
    for data in (FIXTURE_DATA, SHIPPED_DATA):  # a first push, then a replacing one
        result = run(runner, "push", "--endpoint", oxigraph_server.query, "--data", str(data))
        assert result.exit_code == 0, result.stderr
        assert other_quads(oxigraph_server) == before


def test_push_replaces_data_and_drops_project_graphs_no_longer_in_it(
    runner: CliRunner, oxigraph_server: OxigraphServer, tmp_path: Path
) -> None:
    stale = f"{GRAPH_BASE}articles/withdrawn"
    oxigraph_server.run_update(
        f'INSERT DATA {{ GRAPH <{stale}> {{ <http://example.org/x> <http://example.org/y> "z" }} }}'
    )
    result = run(runner, "push", "--endpoint", oxigraph_server.query, "--data", str(FIXTURE_DATA))
    assert result.exit_code == 0, result.stderr
    assert f"dropped 1 project graph(s) no longer in the data: {stale}" in result.stdout
    graphs = {q[0].strip("<>") for q in project_quads(oxigraph_server)}
    assert stale not in graphs
    assert graphs == set(read_dataset(FIXTURE_DATA).graphs)


def test_push_one_graph_by_graph_store_put(
    runner: CliRunner, oxigraph_server: OxigraphServer
) -> None:
    oxigraph_server.run_update(OTHER)
    before = other_quads(oxigraph_server)
    target = "http://example.org/cyberflag-all"
    result = run(
        runner, "push", "--endpoint", oxigraph_server.query, "--data", str(FIXTURE_DATA),
        "--graph", target, "--graph-store", oxigraph_server.store,
    )
    assert result.exit_code == 0, result.stderr
    assert "by Graph Store PUT" in result.stdout
    held = [q for q in other_quads(oxigraph_server) if q[0] == f"<{target}>"]
    assert len(held) == len(read_dataset(FIXTURE_DATA).merged())
    assert [q for q in other_quads(oxigraph_server) if q[0] != f"<{target}>"] == before
    # the same graph queried back with --graph gives the embedded rows
    remote = run(runner, "query", "people", "--endpoint", oxigraph_server.query, "--graph",
                 target, "--format", "json")
    local = run(runner, "query", "people", "--data", str(FIXTURE_DATA), "--format", "json")
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout


def test_push_one_graph_by_update(runner: CliRunner, oxigraph_server: OxigraphServer) -> None:
    target = "http://example.org/cyberflag-all"
    result = run(runner, "push", "--endpoint", oxigraph_server.query, "--data", str(FIXTURE_DATA),
                 "--graph", target)
    assert result.exit_code == 0, result.stderr
    assert "by one SPARQL Update request" in result.stdout
    assert project_quads(oxigraph_server) == []


def test_progress_is_shown_on_request(runner: CliRunner, oxigraph_server: OxigraphServer) -> None:
    result = run(runner, "push", "--endpoint", oxigraph_server.query, "--progress")
    assert result.exit_code == 0, result.stderr
    assert "sent (100%)" in result.stderr
    assert result.stderr.endswith("\n")


def test_no_progress_when_not_a_terminal(
    runner: CliRunner, oxigraph_server: OxigraphServer
) -> None:
    result = run(runner, "push", "--endpoint", oxigraph_server.query, "--data", str(FIXTURE_DATA))
    assert result.stderr == ""


def test_update_body_names_only_the_graphs_it_replaces() -> None:
    dataset = read_dataset(FIXTURE_DATA)
    body = update_body(dataset.graphs, [f"{GRAPH_BASE}old"]).decode()
    statements = [line for line in body.splitlines() if line.startswith("DROP")]
    assert statements == [
        f"DROP SILENT GRAPH <{g}> ;" for g in sorted([*dataset.graphs, f"{GRAPH_BASE}old"])
    ]
    assert body.count("INSERT DATA") == 1
    assert "DROP ALL" not in body
    assert "CLEAR" not in body


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("http://h:7878/query", "http://h:7878/update"),
        ("http://h/ds/sparql", "http://h/ds/update"),
        ("http://h/repositories/x", "http://h/repositories/x"),
    ],
)
def test_default_update_endpoint(endpoint: str, expected: str) -> None:
    assert default_update_endpoint(endpoint) == expected


# --- transient failures: retried ------------------------------------------------------------------


def fail_first(status: int, times: int) -> Callable[[Seen, int], tuple | None]:
    """Answer the first ``times`` updates with ``status``; forward everything else."""
    failed = {"n": 0}

    def respond(seen: Seen, n: int) -> tuple | None:
        if seen.path.startswith("/update") and failed["n"] < times:
            failed["n"] += 1
            return status, {"Content-Type": "text/plain"}, b"upstream busy, try again"
        return None

    return respond


@pytest.mark.parametrize("status", [502, 503])
def test_transient_status_is_retried(
    oxigraph_server: OxigraphServer,
    scripted_server: Callable[..., ScriptedServer],
    status: int,
) -> None:
    proxy = scripted_server(fail_first(status, 2), upstream=oxigraph_server.base)
    notes: list[str] = []
    report = push(f"{proxy.base}/query", data=FIXTURE_DATA, backoff=0.01, note=notes.append)
    assert report.attempts == 3
    assert sum("retrying" in n for n in notes) == 2
    assert f"HTTP {status}" in notes[0]
    assert "upstream busy" in notes[0]
    assert len(project_quads(oxigraph_server)) == read_dataset(FIXTURE_DATA).triples


def test_retry_through_the_command(
    runner: CliRunner, oxigraph_server: OxigraphServer,
    scripted_server: Callable[..., ScriptedServer],
) -> None:
    proxy = scripted_server(fail_first(503, 1), upstream=oxigraph_server.base)
    result = run(runner, "push", "--endpoint", f"{proxy.base}/query", "--data", str(FIXTURE_DATA))
    assert result.exit_code == 0, result.stderr
    assert "HTTP 503 Service Unavailable: upstream busy, try again; retrying in 1 s (1 of 3)" in (
        result.stderr
    )
    assert "(2 attempts)" in result.stdout


def test_retries_are_bounded(
    runner: CliRunner, oxigraph_server: OxigraphServer,
    scripted_server: Callable[..., ScriptedServer],
) -> None:
    run(runner, "push", "--endpoint", oxigraph_server.query, "--data", str(FIXTURE_DATA))
    before = project_quads(oxigraph_server)
    proxy = scripted_server(fail_first(502, 100), upstream=oxigraph_server.base)
    result = run(runner, "push", "--endpoint", f"{proxy.base}/query", "--retries", "0")
    error = one_line_error(result)
    assert f"{proxy.base}/update: HTTP 502 Bad Gateway: upstream busy" in error
    assert "; the server still holds the old data (checked after the failure" in error
    assert project_quads(oxigraph_server) == before
    with pytest.raises(EndpointError, match="gave up after 3 attempts"):
        push(f"{proxy.base}/query", retries=2, backoff=0.01)


def test_connection_reset_is_retried(oxigraph_server: OxigraphServer) -> None:
    host, port = "127.0.0.1", int(oxigraph_server.base.rsplit(":", 1)[1])
    proxy = CuttingProxy((host, port), match=b"POST /update", cuts=1)
    try:
        report = push(f"{proxy.base}/query", data=FIXTURE_DATA, backoff=0.01)
    finally:
        proxy.close()
    assert proxy.cut_count == 1
    assert report.attempts == 2
    assert len(project_quads(oxigraph_server)) == read_dataset(FIXTURE_DATA).triples


# --- failures -------------------------------------------------------------------------------------


def test_interrupted_push_leaves_the_old_graphs(
    runner: CliRunner, oxigraph_server: OxigraphServer
) -> None:
    """The connection is cut with half the request sent: the server keeps the old data, whole."""
    assert run(runner, "push", "--endpoint", oxigraph_server.query,
               "--data", str(FIXTURE_DATA)).exit_code == 0
    old = project_quads(oxigraph_server)
    port = int(oxigraph_server.base.rsplit(":", 1)[1])
    proxy = CuttingProxy(("127.0.0.1", port), match=b"POST /update", cuts=10)
    try:
        result = run(runner, "push", "--endpoint", f"{proxy.base}/query",
                     "--data", str(SHIPPED_DATA), "--retries", "0")
    finally:
        proxy.close()
    error = one_line_error(result)
    assert proxy.cut_count == 1
    assert f"{proxy.base}/update: the server closed the connection" in error
    assert "; the server still holds the old data (checked after the failure" in error
    assert project_quads(oxigraph_server) == old
    # and a later, complete push gives entirely the new data
    assert run(runner, "push", "--endpoint", oxigraph_server.query).exit_code == 0
    new = project_quads(oxigraph_server)
    assert len(new) == read_dataset(SHIPPED_DATA).triples


def test_push_server_not_running(runner: CliRunner) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    error = one_line_error(run(runner, "push", "--endpoint", url, "--data", str(FIXTURE_DATA)))
    assert error == f"cyberflag: error: {url}: connection refused (is the server running, and is " \
                    "this its URL?)\n"


def test_push_server_answers_late(
    runner: CliRunner, oxigraph_server: OxigraphServer,
    scripted_server: Callable[..., ScriptedServer],
) -> None:
    holder: dict[str, ScriptedServer] = {}

    def respond(seen: Seen, n: int) -> tuple | None:
        if seen.path.startswith("/update"):
            holder["s"].stall(10)
            return 204, {}, b""
        return None

    holder["s"] = slow = scripted_server(respond, upstream=oxigraph_server.base)
    result = run(runner, "push", "--endpoint", f"{slow.base}/query", "--data", str(FIXTURE_DATA),
                 "--timeout", "0.5")
    assert one_line_error(result) == f"cyberflag: error: {slow.base}/update: no answer within " \
        "0.5 s; the server still holds none of the data (checked after the failure)\n"


def test_push_http_error_shows_the_server_message(
    runner: CliRunner, oxigraph_server: OxigraphServer,
    scripted_server: Callable[..., ScriptedServer],
) -> None:
    def respond(seen: Seen, n: int) -> tuple | None:
        if seen.path.startswith("/update"):
            return 413, {"Content-Type": "text/html"}, b"<h1>Request body too large</h1>"
        return None

    proxy = scripted_server(respond, upstream=oxigraph_server.base)
    result = run(runner, "push", "--endpoint", f"{proxy.base}/query")
    error = one_line_error(result)
    assert "/update: HTTP 413 Content Too Large: Request body too large; " in error or \
        "/update: HTTP 413 Request Entity Too Large: Request body too large; " in error
    # a refusal is definite (HTTP 4xx: the server did none of it): nothing to ask it about
    assert error.endswith("; the server refused the update, so it applied none of it\n")
    updates = [r for r in proxy.requests if r.path.startswith("/update")]
    assert len(updates) == 1  # a 413 is not retried


def test_push_to_a_read_only_server_is_refused(
    runner: CliRunner, scripted_server: Callable[..., ScriptedServer],
    oxigraph_server: OxigraphServer,
) -> None:
    def respond(seen: Seen, n: int) -> tuple | None:
        if seen.path.startswith("/update"):
            return 403, {"Content-Type": "text/plain"}, b"The server is read-only"
        return None

    proxy = scripted_server(respond, upstream=oxigraph_server.base)
    error = one_line_error(run(runner, "push", "--endpoint", f"{proxy.base}/query"))
    assert "HTTP 403 Forbidden: The server is read-only" in error


def test_push_verification_catches_a_server_that_lost_triples(
    runner: CliRunner, scripted_server: Callable[..., ScriptedServer],
    oxigraph_server: OxigraphServer,
) -> None:
    """A server that acknowledges the update but does not apply it fails the check."""

    def respond(seen: Seen, n: int) -> tuple | None:
        if seen.path.startswith("/update"):
            return 204, {}, b""
        return None

    liar = scripted_server(respond, upstream=oxigraph_server.base)
    error = one_line_error(run(runner, "push", "--endpoint", f"{liar.base}/query",
                               "--data", str(FIXTURE_DATA)))
    assert f"{liar.base}/query: after the push the server does not hold what was sent: " \
        f"<{GRAPH_BASE}" in error
    assert "holds none of the 35 triples sent" in error


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--graph-store", "http://127.0.0.1:1/store"), "--graph-store replaces one graph"),
        (("--graph", "not an iri"), "is not a valid IRI"),
        (("--update-endpoint", "ftp://x/update"), "is not an http:// or https:// URL"),
    ],
)
def test_push_usage_errors(runner: CliRunner, args: tuple[str, ...], message: str) -> None:
    result = run(runner, "push", "--endpoint", "http://127.0.0.1:1/query", *args)
    assert message in one_line_error(result, 2)


def test_push_needs_an_endpoint(runner: CliRunner) -> None:
    assert "--endpoint" in one_line_error(run(runner, "push"), 2)
