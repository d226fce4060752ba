"""``cyberflag serve``: a real Oxigraph server over the data, read-only, stopped by SIGINT.

The tests that only read from the server share one (``running``: it takes a second to start);
those that stop it start their own (``served``).
"""

from __future__ import annotations

import html
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner

from cyberflag.cli import cli
from cyberflag.queries import catalogue
from cyberflag.server.serve import without_header
from cyberflag.sparql.engines import OxigraphEngine
from cyberflag.sparql.remote import RemoteEngine
from cyberflag.sparql.results import rows_equal

from conftest import FIXTURE_DATA, REPO, free_port, oxigraph_binary

pytestmark = pytest.mark.usefixtures("no_endpoint_env")


@dataclass
class Served:
    process: subprocess.Popen[str]
    stdout: str
    url: str
    tmp: Path


def start_serve(tmp_path: Path, *args: str) -> Served:
    """``python -m cyberflag serve ARGS`` in a subprocess; returns once it printed its URLs."""
    oxigraph_binary()  # fail clearly if the test extra is missing
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO / "cli"), "TMPDIR": str(tmp)}
    process = subprocess.Popen(
        [sys.executable, "-m", "cyberflag", "serve", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen = []
    while True:
        try:
            line = lines.get(timeout=30)
        except queue.Empty:
            process.kill()
            pytest.fail(f"serve printed no start-up message in 30 s: {''.join(seen)}")
        if line is None:
            err = process.stderr.read() if process.stderr else ""
            pytest.fail(f"serve exited early ({process.wait()}): {''.join(seen)}{err}")
        seen.append(line)
        if line.startswith("Press Ctrl-C to stop."):
            break
    text = "".join(seen)
    url = next(x.split()[-1] for x in seen if x.strip().startswith("query page:")).rstrip("/")
    return Served(process, text, url, tmp)


def serving(tmp_path: Path) -> Iterator[Served]:
    """``serve`` over the fixture data on a free port, stopped afterwards if it still runs."""
    server = start_serve(tmp_path, "--port", str(free_port()), "--data", str(FIXTURE_DATA))
    try:
        yield server
    finally:
        if server.process.poll() is None:  # SIGTERM: serve stops its server; SIGKILL would not
            server.process.terminate()
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A server of the test's own, for tests that stop it."""
    yield from serving(tmp_path)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the tests that only read from it."""
    yield from serving(tmp_path_factory.mktemp("serve"))


def test_serves_the_saved_queries_as_the_embedded_engine_answers_them(running: Served) -> None:
    assert running.url.startswith("http://127.0.0.1:")  # loopback unless told otherwise
    embedded = OxigraphEngine(FIXTURE_DATA)
    remote = RemoteEngine(f"{running.url}/query")
    for query in catalogue.all_queries():
        text = query.bind({})
        local, answer = embedded.query(text), remote.query(text)
        assert answer.variables == local.variables, query.name  # type: ignore[union-attr]
        assert rows_equal(answer.rows, local.rows), query.name  # type: ignore[union-attr]


def test_default_graph_is_the_union_as_embedded(running: Served) -> None:
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    request = urllib.request.Request(
        f"{running.url}/query?query={urllib.parse.quote(text)}", headers={"Accept": "text/csv"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        count = int(response.read().decode().splitlines()[1])
    assert count == len(OxigraphEngine(FIXTURE_DATA).store)


def test_query_command_runs_against_it(running: Served) -> None:
    runner = CliRunner()
    remote = runner.invoke(cli, ["query", "people", "--endpoint", f"{running.url}/query"])
    local = runner.invoke(cli, ["query", "people", "--data", str(FIXTURE_DATA)])
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout


def test_refuses_updates(running: Served) -> None:
    request = urllib.request.Request(
        f"{running.url}/update", data=b"DROP ALL",
        headers={"Content-Type": "application/sparql-update"},
    )
    with pytest.raises(HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 403
    result = CliRunner().invoke(cli, ["push", "--endpoint", f"{running.url}/query",
                                      "--data", str(FIXTURE_DATA), "--retries", "0"])
    assert result.exit_code == 1
    assert "HTTP 403 Forbidden" in result.stderr


def test_links_open_each_saved_query_in_the_page(running: Served) -> None:
    with urllib.request.urlopen(f"{running.url}/", timeout=10) as response:
        page = response.read().decode()
    assert "Yasgui" in page  # the page that reads #query=...&endpoint=... links
    index = next(
        Path(urllib.parse.urlparse(line.strip()).path)
        for line in running.stdout.splitlines()
        if line.strip().startswith("file://") and line.strip().endswith("saved-catalogue.html")
    )
    listed = {
        html.unescape(name): parse_qs(html.unescape(href).split("#", 1)[1])
        for href, name in re.findall(r'<a href="([^"]+)">([^<]+)</a>', index.read_text())
        if html.unescape(href).startswith(f"{running.url}/#")
    }
    assert sorted(listed) == catalogue.names()
    for name, params in listed.items():
        assert params["query"] == [without_header(catalogue.load(name).bind({}))]
        assert params["endpoint"] == [f"{running.url}/query"]


def test_stops_cleanly_on_sigint(served: Served) -> None:
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(timeout=20) == 0
    assert served.process.stderr is not None
    err = served.process.stderr.read()
    assert "Traceback" not in err
    assert "stopping the server" in err
    assert list(served.tmp.iterdir()) == []  # the temporary store is gone
    with pytest.raises((URLError, OSError)):
        urllib.request.urlopen(f"{served.url}/", timeout=2)


def test_stops_cleanly_on_sigterm(served: Served) -> None:
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=20) == 0
    assert list(served.tmp.iterdir()) == []


def test_server_does_not_outlive_a_killed_serve(served: Served) -> None:
    served.process.kill()  # SIGKILL: no chance to clean up; the kernel stops the server
    served.process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{served.url}/", timeout=1)
        except (URLError, OSError):
            return
        time.sleep(0.1)
    pytest.fail("the Oxigraph server kept running after serve was killed")


def test_port_in_use_is_one_line(running: Served) -> None:
    port = running.url.rsplit(":", 1)[1]
    env = {**os.environ, "PYTHONPATH": str(REPO / "cli"), "TMPDIR": str(running.tmp)}
    done = subprocess.run(
        [sys.executable, "-m", "cyberflag", "serve", "--port", port, "--data", str(FIXTURE_DATA)],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"cyberflag: error: {running.url}: cannot listen there: Address already in use "
        "(choose another --port)\n"
    )
    assert done.stderr.count("\n") == 1
    assert done.stdout == ""


def test_missing_server_names_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    result = CliRunner().invoke(cli, ["serve", "--data", str(FIXTURE_DATA)])
    assert result.exit_code == 1
    assert result.stderr == (
        "cyberflag: error: the Oxigraph server is not installed: pip install 'cyberflag[server]' "
        "(or: pip install oxigraph)\n"
    )
