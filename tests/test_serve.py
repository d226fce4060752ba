"""``cyberflag serve``: a real Oxigraph server over the data, read-only, stopped by SIGINT.

The tests that only read from the server share one (``running``: it takes a second to start);
those that stop it start their own (``served``).
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.error import HTTPError, URLError

import pytest
from click.testing import CliRunner

from cyberflag.cli import cli
from cyberflag.queries import catalogue
from cyberflag.server.front import MAX_BODY
from cyberflag.server.oxigraph import MAX_RESTARTS
from cyberflag.server.routes import NO_SERVICE, READ_ONLY
from cyberflag.sparql.engines import OxigraphEngine
from cyberflag.sparql.remote import RemoteEngine
from cyberflag.sparql.results import rows_equal
from cyberflag.sparql.syntax import MAX_NESTING

from conftest import FIXTURE_DATA, REPO, ScriptedServer, free_port, oxigraph_binary

pytestmark = pytest.mark.usefixtures("no_endpoint_env")


class Stream:
    """The lines a process writes to one pipe, read as they come by a thread."""

    def __init__(self, pipe: IO[str]) -> None:
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.ended = False
        threading.Thread(target=self.read, args=(pipe,), daemon=True).start()

    def read(self, pipe: IO[str]) -> None:
        for line in pipe:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()
        with self.changed:
            self.ended = True
            self.changed.notify_all()

    def wait_for(self, text: str, times: int = 1, timeout: float = 30) -> str:
        """The ``times``-th line holding ``text``, waiting up to ``timeout`` s (a generous
        bound)."""
        with self.changed:
            self.changed.wait_for(
                lambda: self.ended or sum(text in x for x in self.lines) >= times, timeout
            )
            hits = [x for x in self.lines if text in x]
            if len(hits) < times:
                pytest.fail(f"not {times} lines with {text!r} within {timeout} s: "
                            f"{''.join(self.lines)}")
            return hits[times - 1]

    def text(self, timeout: float = 30) -> str:
        """Everything, once the pipe has closed."""
        with self.changed:
            self.changed.wait_for(lambda: self.ended, timeout)
            return "".join(self.lines)


@dataclass
class Served:
    process: subprocess.Popen[str]
    stdout: str
    url: str
    tmp: Path
    err: Stream

    def engine_pid(self, timeout: float = 30) -> int:
        """The pid of the Oxigraph server serve runs (its child), read from /proc."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    head, tail = stat.read_text().rsplit(")", 1)
                except OSError:
                    continue
                if "oxigraph" in head and int(tail.split()[1]) == self.process.pid:
                    return int(stat.parent.name)
            time.sleep(0.05)
        pytest.fail("no Oxigraph child of serve found")


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
    assert process.stdout is not None
    assert process.stderr is not None
    out, err = Stream(process.stdout), Stream(process.stderr)
    with out.changed:
        out.changed.wait_for(
            lambda: out.ended or any(x.startswith("Press Ctrl-C") for x in out.lines), 30
        )
        seen = list(out.lines)
    if not any(x.startswith("Press Ctrl-C") for x in seen):
        process.kill()
        pytest.fail(f"serve printed no start-up message ({process.wait()}): {''.join(seen)}"
                    f"{err.text()}")
    text = "".join(seen)
    endpoint = next(x.split()[2] for x in seen if x.strip().startswith("SPARQL endpoint:"))
    url = endpoint.removesuffix("/query")
    return Served(process, text, url, tmp, err)


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


def fetch(url: str, accept: str = "*/*", method: str = "GET") -> tuple[int, str, bytes]:
    """Status, media type and body of one request (an error status included)."""
    request = urllib.request.Request(url, headers={"Accept": accept}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def test_serves_the_site_and_the_forms(running: Served) -> None:
    assert f"  site:             {running.url}/\n" in running.stdout
    status, kind, page = fetch(f"{running.url}/")
    assert (status, kind) == (200, "text/html")
    assert b'<a href="who-said/index.html">' in page or b"who-said/index.html" in page
    status, kind, turtle = fetch(f"{running.url}/id/person/alex-example/", "text/turtle")
    assert (status, kind) == (200, "text/turtle")
    assert b"<https://w3id.org/cyberflag/id/person/alex-example>" in turtle
    status, kind, form = fetch(f"{running.url}/queries/people/?run=1")
    assert (status, kind) == (200, "text/html")
    people = CliRunner().invoke(cli, ["query", "people", "--data", str(FIXTURE_DATA),
                                      "--format", "csv"])
    assert form.count(b"<tr><td") == len(people.stdout.splitlines()) - 1 > 0
    status, kind, body = fetch(f"{running.url}/queries/people/?run=1", method="HEAD")
    assert (status, kind, body) == (200, "text/html", b"")


def test_the_console_loads_through_the_front(running: Served) -> None:
    status, _, page = fetch(f"{running.url}/console/")
    assert status == 200
    assets = re.findall(r'(?:src|href)="(/yasgui[^"]+)"', page.decode())
    assert sorted(assets) == ["/yasgui.min.css", "/yasgui.min.js"]
    for asset in assets:
        status, _, body = fetch(f"{running.url}{asset}")
        assert status == 200
        assert body


def test_without_the_site_the_root_is_the_engines_query_page(tmp_path: Path) -> None:
    server = start_serve(tmp_path, "--port", str(free_port()), "--data", str(FIXTURE_DATA),
                         "--no-site")
    try:
        assert "  site:" not in server.stdout
        status, _, page = fetch(f"{server.url}/")
        assert status == 200
        assert b"Yasgui" in page
        status, _, form = fetch(f"{server.url}/queries/people/?run=1")
        assert status == 200
        assert b"<tbody>" in form
        assert fetch(f"{server.url}/id/person/alex-example/")[0] == 404
    finally:
        server.process.terminate()
        server.process.wait(timeout=20)


def test_pages_name_no_host_so_they_work_from_another_machine(tmp_path: Path) -> None:
    """Bound to every address, reached by another one (127.0.0.2 stands for a LAN address):
    every link of the site, the forms and the console is relative to the page or to the root."""
    port = free_port()
    server = start_serve(tmp_path, "--host", "0.0.0.0", "--port", str(port), "--data",
                         str(FIXTURE_DATA))
    try:
        elsewhere = f"http://127.0.0.2:{port}"
        for path in ("/", "/queries/", "/queries/people/?run=1", "/console/",
                     "/id/person/alex-example/"):
            status, _, page = fetch(elsewhere + path)
            assert status == 200, path
            assert b"127.0.0.1" not in page, path
            assert b"localhost" not in page, path
            assert b"<tbody>" in page or path != "/queries/people/?run=1"
    finally:
        server.process.terminate()
        server.process.wait(timeout=20)


def test_stops_cleanly_on_sigint(served: Served) -> None:
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(timeout=20) == 0
    err = served.err.text()
    assert "Traceback" not in err
    assert "stopping the server" in err
    assert list(served.tmp.iterdir()) == []  # the temporary store is gone
    with pytest.raises((URLError, OSError)):
        urllib.request.urlopen(f"{served.url}/", timeout=2)


def test_stops_cleanly_on_sigterm(served: Served) -> None:
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=20) == 0
    assert list(served.tmp.iterdir()) == []


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie left to an init that does not reap it does not run)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_server_does_not_outlive_a_killed_serve(served: Served) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the kernel's parent-death signal is Linux's")
    engine = served.engine_pid()  # on a private port: nothing else would ever stop it
    served.process.kill()  # SIGKILL: no chance to clean up; the kernel stops the server
    served.process.wait()
    deadline = time.monotonic() + 10
    while alive(engine):
        if time.monotonic() > deadline:
            pytest.fail("the Oxigraph server kept running after serve was killed")
        time.sleep(0.1)
    with pytest.raises((URLError, OSError)):
        urllib.request.urlopen(f"{served.url}/", timeout=2)


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


# The front (#16 item 10): SERVICE, deep nesting and writes are refused before Oxigraph sees them;
# a dead Oxigraph is restarted, within a bound.

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
"""815^4 rows on the fixture data: runs until killed (or Oxigraph's --timeout-s)."""


def ask(url: str, text: str, *, method: str = "GET") -> tuple[int, str]:
    """Send a query to serve's /query or /sparql; ``(status, body)``, errors included."""
    if method == "GET":
        request = urllib.request.Request(
            f"{url}?{urllib.parse.urlencode({'query': text})}", headers={"Accept": "text/csv"}
        )
    else:
        request = urllib.request.Request(
            url, data=text.encode(), method="POST",
            headers={"Accept": "text/csv", "Content-Type": "application/sparql-query"},
        )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except HTTPError as error:
        return error.code, error.read().decode()


def count(served: Served) -> int:
    status, body = ask(f"{served.url}/query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert status == 200, body
    return int(body.splitlines()[1])


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def test_service_is_refused_and_never_reaches_the_other_server(
    served: Served, scripted_server: Callable[..., ScriptedServer]
) -> None:
    secret = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [
        {"s": {"type": "literal", "value": "from another server"}}]}}).encode()
    other = scripted_server(lambda seen, n: (
        200, {"Content-Type": "application/sparql-results+json"}, secret))
    for text in (
        f"SELECT * WHERE {{ SERVICE <{other.base}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z.SERVICE <{other.base}/sparql> {{ ?s ?p ?o }} }}",
    ):
        for path, method in (("/query", "GET"), ("/query", "POST"), ("/sparql", "POST")):
            assert ask(served.url + path, text, method=method) == (403, NO_SERVICE + "\n")
    assert other.requests == []
    mention = 'SELECT ?word WHERE { VALUES ?word { "SERVICE" } ?s ?p ?o } LIMIT 1'
    assert ask(f"{served.url}/query", mention) == (200, "word\r\nSERVICE\r\n")


def test_deep_nesting_is_refused_and_the_service_still_answers(served: Served) -> None:
    engine = served.engine_pid()
    deep = "SELECT * WHERE " + "{" * 5000 + "}" * 5000  # crashed Oxigraph when forwarded
    status, reason = ask(f"{served.url}/query", deep, method="POST")
    assert status == 400
    assert reason == (
        f"query: the query nests groups, parentheses or brackets 5000 deep; at most {MAX_NESTING}"
        " are allowed\n"
    )
    assert count(served) == len(OxigraphEngine(FIXTURE_DATA).store)
    assert served.engine_pid() == engine  # refused, not survived by a restart


def test_a_killed_engine_fails_its_request_and_is_restarted(served: Served) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("finds the engine through /proc")
    before = count(served)
    engine = served.engine_pid()
    answers: list[tuple[int, str]] = []
    asking = threading.Thread(target=lambda: answers.append(ask(f"{served.url}/query", SLOW)))
    asking.start()
    deadline = time.monotonic() + 30
    while cpu_ticks(engine) < 50:  # half a second of CPU: the engine is on the query
        assert time.monotonic() < deadline, "the engine never started on the slow query"
        time.sleep(0.05)
    os.kill(engine, signal.SIGKILL)
    asking.join(timeout=60)
    [(status, reason)] = answers
    assert status == 502
    assert reason.startswith(
        "the SPARQL engine stopped while answering this request (killed by SIGKILL)"
    )
    assert served.err.wait_for("restarted") == (
        "cyberflag: note: the Oxigraph server stopped (killed by SIGKILL); restarted it\n"
    )
    assert count(served) == before
    assert served.engine_pid() != engine
    assert served.process.poll() is None


def test_restarts_are_bounded(served: Served) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("finds the engine through /proc")
    for n in range(1, MAX_RESTARTS + 1):
        os.kill(served.engine_pid(), signal.SIGKILL)
        served.err.wait_for("restarted it", times=n)
        assert count(served) > 0
    os.kill(served.engine_pid(), signal.SIGKILL)
    assert served.process.wait(timeout=30) == 1
    notes = served.err.text().splitlines()
    assert notes[-1] == (
        f"cyberflag: error: {served.url}: the Oxigraph server stopped (killed by SIGKILL) after "
        f"{MAX_RESTARTS} restarts within 60 s; giving up"
    )
    assert len(notes) == MAX_RESTARTS + 1
    assert list(served.tmp.iterdir()) == []


def test_every_write_is_refused_and_nothing_changes(served: Served) -> None:
    before = count(served)
    turtle = b"<http://example.org/a> <http://example.org/b> <http://example.org/c> ."
    for path, method, kind, body in (
        ("/update", "POST", "application/sparql-update", b"DROP ALL"),
        ("/sparql", "POST", "application/sparql-update", b"DROP ALL"),
        ("/sparql", "POST", "application/x-www-form-urlencoded", b"update=DROP+ALL"),
        ("/store?default", "PUT", "text/turtle", turtle),
        ("/store?default", "POST", "text/turtle", turtle),
        ("/store?default", "DELETE", "text/turtle", b""),
    ):
        request = urllib.request.Request(
            served.url + path, data=body, method=method, headers={"Content-Type": kind})
        with pytest.raises(HTTPError) as caught:
            urllib.request.urlopen(request, timeout=10)
        assert (caught.value.code, caught.value.read().decode()) == (403, READ_ONLY + "\n")
    assert count(served) == before


def test_a_body_over_the_bound_is_refused_unread(served: Served) -> None:
    host, port = urllib.parse.urlsplit(served.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as client:
        client.sendall(
            f"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            f"Content-Length: {MAX_BODY + 1}\r\n\r\n".encode()
        )
        client.sendall(b"#" * 1000)
        answer = b""
        while chunk := client.recv(4096):
            answer += chunk
    head, _, body = answer.decode().partition("\r\n\r\n")
    assert head.startswith("HTTP/1.0 413 ")
    assert body == f"the request body is {MAX_BODY + 1:,} bytes; at most {MAX_BODY:,} are read\n"

