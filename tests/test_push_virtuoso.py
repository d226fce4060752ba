"""``cyberflag push`` to a real OpenLink Virtuoso, with the guarantees it gives on Oxigraph (#14).

Virtuoso takes updates only at its authenticated endpoint, ``/sparql-auth``, and only with HTTP
Digest; the credentials come from the usual two variables. The update is one request, which
Virtuoso applies in one transaction ("Commit -- done" ends its answer): the server holds the old
data or the new, other graphs are never touched, and the result is verified triple by triple.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cyberflag.cli import cli
from cyberflag.rdf.files import GRAPH_BASE
from cyberflag.server.push import read_dataset

from conftest import (
    FIXTURE_DATA,
    OTHER_PARTY,
    SHIPPED_DATA,
    CuttingProxy,
    VirtuosoServer,
    start_virtuoso,
    stop_process,
)

pytestmark = pytest.mark.usefixtures("no_endpoint_env")

DBA = {"CYBERFLAG_ENDPOINT_USER": "dba", "CYBERFLAG_ENDPOINT_PASSWORD": "dba"}


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A Virtuoso with another party's graph and none of the project's, at first."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-push"))
    try:
        server.run_update(OTHER_PARTY)
        yield server
    finally:
        stop_process(server.process)


def push(runner: CliRunner, server: VirtuosoServer, data: Path, *more: str,
         query: str | None = None, update: str | None = None) -> Result:
    args = ["push", "--endpoint", query or server.query, "--update-endpoint",
            update or server.update, "--data", str(data), *more]
    return runner.invoke(cli, args, env=DBA, catch_exceptions=False)


def others(server: VirtuosoServer) -> list[tuple[str, ...]]:
    """The other party's graph (Virtuoso's own system graphs aside)."""
    return server.quads("http://example.org/")


def test_push_loads_verifies_and_leaves_other_graphs(
    runner: CliRunner, virtuoso: VirtuosoServer
) -> None:
    before = others(virtuoso)
    assert len(before) == 1
    for data in (FIXTURE_DATA, SHIPPED_DATA):  # a first push, then a replacing one
        result = push(runner, virtuoso, data)
        assert result.exit_code == 0, result.stderr
        dataset = read_dataset(data)
        assert result.stdout.splitlines()[-1].startswith(
            f"verified at {virtuoso.query}: the server holds exactly the triples sent "
            f"({len(dataset.graphs)} graphs, {dataset.triples:,} triples"
        )
        assert len(virtuoso.quads(GRAPH_BASE)) == dataset.triples
        assert others(virtuoso) == before


def test_push_drops_project_graphs_no_longer_in_the_data(
    runner: CliRunner, virtuoso: VirtuosoServer, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    assert push(runner, virtuoso, data).exit_code == 0
    withdrawn = next((data / "articles").glob("*.ttl"))
    withdrawn.unlink()
    result = push(runner, virtuoso, data)
    assert result.exit_code == 0, result.stderr
    graph = f"{GRAPH_BASE}articles/{withdrawn.stem}"
    assert f"dropped 1 project graph(s) no longer in the data: {graph}" in result.stdout
    assert {q[0].strip("<>") for q in virtuoso.quads(GRAPH_BASE)} == set(read_dataset(data).graphs)


def test_interrupted_push_leaves_the_old_graphs(
    runner: CliRunner, virtuoso: VirtuosoServer
) -> None:
    """The authenticated update is cut with half its body sent: Virtuoso keeps the old data."""
    assert push(runner, virtuoso, FIXTURE_DATA).exit_code == 0
    old = virtuoso.quads(GRAPH_BASE)
    port = int(virtuoso.base.rsplit(":", 1)[1])
    # Relayed whole: the Basic attempt and the probe that draws the Digest challenge (401s).
    proxy = CuttingProxy(("127.0.0.1", port), match=b"POST /sparql-auth", spare=2, cuts=1)
    try:
        result = push(runner, virtuoso, SHIPPED_DATA, "--retries", "0",
                      query=f"{proxy.base}/sparql", update=f"{proxy.base}/sparql-auth")
    finally:
        proxy.close()
    assert result.exit_code == 1
    assert proxy.cut_count == 1
    assert "; the server still holds the old data (checked after the failure" in result.stderr
    assert result.stderr.count("\n") == 1
    assert virtuoso.quads(GRAPH_BASE) == old


def test_push_without_credentials_is_one_line(runner: CliRunner, virtuoso: VirtuosoServer) -> None:
    args = ["push", "--endpoint", virtuoso.query, "--update-endpoint", virtuoso.update,
            "--data", str(FIXTURE_DATA)]
    result = runner.invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"cyberflag: error: {virtuoso.update}: HTTP 401")
    assert "CYBERFLAG_ENDPOINT_USER" in result.stderr
    assert result.stderr.count("\n") == 1


def test_wrong_password_is_refused(runner: CliRunner, virtuoso: VirtuosoServer) -> None:
    args = ["push", "--endpoint", virtuoso.query, "--update-endpoint", virtuoso.update,
            "--data", str(FIXTURE_DATA)]
    env = {**DBA, "CYBERFLAG_ENDPOINT_PASSWORD": "not-the-password"}
    result = runner.invoke(cli, args, env=env, catch_exceptions=False)
    assert result.exit_code == 1
    assert "HTTP 401" in result.stderr
    assert "not-the-password" not in result.stderr


@pytest.fixture
def fresh_virtuoso(tmp_path: Path) -> Iterator[VirtuosoServer]:
    """A Virtuoso of the transcript's own, holding nothing of the project's yet."""
    server = start_virtuoso(tmp_path / "virtuoso")
    try:
        yield server
    finally:
        stop_process(server.process)


def test_readme_virtuoso_transcript(runner: CliRunner, fresh_virtuoso: VirtuosoServer) -> None:
    """The README's Virtuoso transcript (push, then who-said), on a real Virtuoso."""
    import re
    import shlex

    virtuoso = fresh_virtuoso

    readme = (SHIPPED_DATA.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("**With OpenLink Virtuoso**", 1)[1].split("**What `push` replaces", 1)[0]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block is not None
    chunks = re.split(r"^(?=\$ )", block.group(1), flags=re.M)
    steps = [(c.partition("\n")[0][2:], c.partition("\n")[2])
             for c in chunks if c.startswith("$ cyberflag")]
    assert [c.split()[1] for c, _ in steps] == ["push", "who-said"]
    base = virtuoso.query.rsplit("/", 1)[0]

    def normal(text: str) -> str:
        text = re.sub(r" in \d+\.\d\d s$", " in _ s", text, flags=re.M)
        return re.sub(r"looked up in \d+ queries", "looked up in _ queries", text)

    for command, expected in steps:
        args = shlex.split(command.replace("http://127.0.0.1:8890", base))[1:]
        result = runner.invoke(cli, args, env={**DBA, "CYBERFLAG_DATA": str(SHIPPED_DATA)})
        assert result.exit_code == 0, result.output
        assert normal(result.output) == normal(expected.replace("http://127.0.0.1:8890", base))
