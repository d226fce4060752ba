"""The one HTTP path (``sparql/transport``) against real misbehaving servers: an answer that never
ends stops at the size limit, a server that sends one byte a second stops at the deadline, for
``query``, ``who-said --endpoint`` and ``push`` (the update and the verification) alike; and
queries and pushes share the transport (the same limit, the same proxy variable)."""

from __future__ import annotations

import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result

from cyberflag.cli import cli
from cyberflag.memory import format_size, parse_size

from conftest import FIXTURE_DATA, OxigraphServer, ScriptedServer, Seen

pytestmark = pytest.mark.usefixtures("no_endpoint_env")

SERVER_LIFETIME = 60.0
"""No misbehaviour lasts longer than this, whatever the client does: the tests stay bounded."""

RESULTS_HEAD = b'{"head": {"vars": ["g"]}, "results": {"bindings": ['
ROW = b'{"g": {"type": "uri", "value": "https://w3id.org/cyberflag/id/graph/endless"}}, '


def one_line_error(result: Result, code: int = 1) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("cyberflag: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


class MisbehavingServer:
    """A raw HTTP server on 127.0.0.1. ``choose(method, path, body)`` names how to answer each
    request: ``"endless"`` (200 and a SPARQL JSON result that never ends), ``"drip"`` (the whole
    answer, status line included, one byte a second) or ``"forward"`` (to ``upstream``, a real
    server, relayed whole). Each misbehaviour stops when the client leaves, when the server
    closes, or after :data:`SERVER_LIFETIME`."""

    def __init__(self, choose: Callable[[str, str, bytes], str], upstream: str = "") -> None:
        self.choose = choose
        self.upstream = upstream
        self.seen: list[tuple[str, str, str]] = []
        self.sent_endless = 0
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while not self.stop.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()

    def serve(self, client: socket.socket) -> None:
        with client:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = client.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
            length = int(headers.get("Content-Length", "0"))
            while len(body) < length:
                chunk = client.recv(65536)
                if not chunk:
                    return
                body += chunk
            how = self.choose(method, path, body)
            self.seen.append((how, method, path))
            ends = time.monotonic() + SERVER_LIFETIME
            try:
                if how == "endless":
                    self.endless(client, ends)
                elif how == "drip":
                    self.drip(client, ends)
                else:
                    client.sendall(self.forward(method, path, body, headers))
            except OSError:
                return  # the client gave up: what the tests expect of it

    def endless(self, client: socket.socket, ends: float) -> None:
        client.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                       b"Connection: close\r\n\r\n" + RESULTS_HEAD)
        block = ROW * 1000
        while time.monotonic() < ends and not self.stop.is_set():
            client.sendall(block)
            self.sent_endless += len(block)

    def drip(self, client: socket.socket, ends: float) -> None:
        answer = (b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                  b"Content-Length: 1000\r\n\r\n" + b" " * 1000)
        for byte in answer:
            if time.monotonic() > ends or self.stop.wait(1.0):
                return
            client.sendall(bytes([byte]))

    def forward(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
        keep = {k: v for k, v in headers.items() if k.lower() in ("content-type", "accept")}
        request = urllib.request.Request(
            self.upstream + path, data=body or None, headers=keep, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, kind, content = response.status, response.headers.get(
                    "Content-Type", ""), response.read()
        except urllib.error.HTTPError as error:
            status, kind, content = error.code, "text/plain", error.read()
        return (f"HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {len(content)}"
                "\r\nConnection: close\r\n\r\n").encode() + content

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


@pytest.fixture
def misbehaving() -> Iterator[Callable[..., MisbehavingServer]]:
    made: list[MisbehavingServer] = []

    def make(choose: Callable[[str, str, bytes], str], upstream: str = "") -> MisbehavingServer:
        made.append(MisbehavingServer(choose, upstream))
        return made[-1]

    yield make
    for server in made:
        server.close()


def always(how: str) -> Callable[[str, str, bytes], str]:
    return lambda method, path, body: how


def on_update(how: str) -> Callable[[str, str, bytes], str]:
    """Misbehave on the update only: the listing and the counts reach the real server."""
    return lambda method, path, body: how if path.startswith("/update") else "forward"


def on_count(how: str) -> Callable[[str, str, bytes], str]:
    """Misbehave on the verification only (the query that counts the triples of each graph)."""
    return lambda method, path, body: how if b"COUNT" in body else "forward"


# --- an answer that never ends --------------------------------------------------------------------


def run_bounded(*args: str) -> subprocess.CompletedProcess[str]:
    """The command in its own process, its address space capped at 3 GiB (an unbounded client
    dies there rather than taking the machine), and its peak memory measured."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))

    code = (
        "import resource, sys\n"
        "from cyberflag.cli import main\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
        preexec_fn=cap, env={"PATH": "", "HOME": "/nonexistent"},
    )


@pytest.mark.parametrize(
    ("args", "choose"),
    [
        (("query", "stats", "--graph", "http://g"), always("endless")),
        (("who-said", "--person", "Bailey"), always("endless")),  # the graph discovery
        (("push", "--data", str(FIXTURE_DATA)), on_update("endless")),
        (("push", "--data", str(FIXTURE_DATA)), on_count("endless")),
    ],
    ids=["query", "who-said", "push-update", "push-verification"],
)
def test_an_endless_answer_stops_at_the_size_limit(
    misbehaving: Callable[..., MisbehavingServer], oxigraph_server: OxigraphServer,
    args: tuple[str, ...], choose: Callable[[str, str, bytes], str],
) -> None:
    server = misbehaving(choose, oxigraph_server.base)
    done = run_bounded(*args, "--endpoint", f"{server.base}/query", "--max-answer", "2M")
    message, _, peak = done.stderr.rpartition("peak ")
    assert peak.strip().isdigit(), done.stderr
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert message.count("\n") == 1, message
    assert message.startswith("cyberflag: error: ")
    assert "the answer is larger than 2 MiB" in message
    assert "--max-answer" in message
    assert int(peak) < 400 * 1024, f"peak memory {int(peak) // 1024} MiB"  # ru_maxrss is in KiB
    assert "endless" in [how for how, _, _ in server.seen]


def test_an_announced_answer_over_the_limit_is_not_read(
    runner: CliRunner, scripted_server: Callable[..., ScriptedServer]
) -> None:
    big = b'{"head": {"vars": ["g"]}, "results": {"bindings": []}}' + b" " * 5000
    server = scripted_server(lambda seen, n: (200, {"Content-Type": "application/json"}, big))
    result = runner.invoke(cli, ["query", "stats", "--endpoint", f"{server.base}/query",
                                 "--graph", "http://g", "--max-answer", "4K"])
    assert "the answer is larger than 4 KiB" in one_line_error(result)


# --- one byte a second ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "choose", "where"),
    [
        (("query", "stats", "--graph", "http://g"), always("drip"), "/query"),
        (("who-said", "--person", "Bailey"), always("drip"), "/query"),
        (("push", "--data", str(FIXTURE_DATA)), on_update("drip"), "/update"),
        (("push", "--data", str(FIXTURE_DATA)), on_count("drip"), "/query"),
    ],
    ids=["query", "who-said", "push-update", "push-verification"],
)
def test_a_dripping_server_is_left_at_the_deadline(
    runner: CliRunner, misbehaving: Callable[..., MisbehavingServer],
    oxigraph_server: OxigraphServer,
    args: tuple[str, ...], choose: Callable[[str, str, bytes], str], where: str,
) -> None:
    """One byte a second never trips an idle timeout; ``--timeout 2`` ends the command all the
    same, well before the 20 s the server would keep going (generous: no timing is measured
    finer than that)."""
    server = misbehaving(choose, oxigraph_server.base)
    started = time.monotonic()
    result = runner.invoke(cli, [*args, "--endpoint", f"{server.base}/query", "--timeout", "2"])
    elapsed = time.monotonic() - started
    error = one_line_error(result)
    assert error.startswith(f"cyberflag: error: {server.base}{where}: no answer within 2 s"), error
    assert elapsed < 20, f"the command took {elapsed:.1f} s with --timeout 2"
    assert "drip" in [how for how, _, _ in server.seen]


# --- queries and pushes share the transport -------------------------------------------------------


def test_queries_and_pushes_honour_the_same_size_limit(
    runner: CliRunner, oxigraph_server: OxigraphServer
) -> None:
    assert runner.invoke(cli, ["push", "--endpoint", oxigraph_server.query,
                               "--data", str(FIXTURE_DATA)]).exit_code == 0
    env = {"CYBERFLAG_MAX_ANSWER": "200"}
    query = runner.invoke(cli, ["query", "stats", "--endpoint", oxigraph_server.query], env=env)
    push = runner.invoke(cli, ["push", "--endpoint", oxigraph_server.query,
                               "--data", str(FIXTURE_DATA)], env=env)
    for result in (query, push):
        assert "the answer is larger than 200 B" in one_line_error(result)


def test_queries_and_pushes_go_through_the_same_proxy(
    runner: CliRunner, oxigraph_server: OxigraphServer,
    scripted_server: Callable[..., ScriptedServer],
) -> None:
    """``http_proxy`` reaches a server whose name does not even resolve: only the proxy can."""
    holder: dict[str, ScriptedServer] = {}

    def relay(seen: Seen, n: int) -> tuple | None:
        parts = urlsplit(seen.path)
        assert parts.netloc == "sparql.invalid", seen.path  # the absolute form, for a proxy
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        return holder["proxy"].forward(Seen(seen.method, local, seen.headers, seen.body))

    holder["proxy"] = proxy = scripted_server(relay, upstream=oxigraph_server.base)
    env = {"http_proxy": proxy.base, "no_proxy": "127.0.0.1"}  # the relay itself goes direct
    endpoint = "http://sparql.invalid/query"
    push = runner.invoke(cli, ["push", "--endpoint", endpoint, "--data", str(FIXTURE_DATA)],
                         env=env)
    assert push.exit_code == 0, push.stderr
    query = runner.invoke(cli, ["query", "stats", "--endpoint", endpoint, "--format", "csv"],
                          env=env)
    assert query.exit_code == 0, query.stderr
    paths = [urlsplit(seen.path).path for seen in proxy.requests]
    assert paths.count("/update") == 1
    assert paths.count("/query") >= 4  # push: listing, counts; query: discovery, the query


# --- redirects, sizes -----------------------------------------------------------------------------


def test_redirects_are_followed_and_bounded(
    runner: CliRunner, oxigraph_server: OxigraphServer,
    scripted_server: Callable[..., ScriptedServer],
) -> None:
    moved = scripted_server(lambda seen, n: (307, {"Location": f"{oxigraph_server.base}/query"},
                                             b""))
    assert runner.invoke(cli, ["push", "--endpoint", oxigraph_server.query,
                               "--data", str(FIXTURE_DATA)]).exit_code == 0
    result = runner.invoke(cli, ["query", "stats", "--endpoint", f"{moved.base}/query"])
    assert result.exit_code == 0, result.stderr
    loop = scripted_server(lambda seen, n: (302, {"Location": "/again"}, b""))
    error = one_line_error(runner.invoke(cli, ["query", "stats", "--endpoint",
                                               f"{loop.base}/query"]))
    assert "more than 5 redirects" in error
    assert len(loop.requests) == 6


@pytest.mark.parametrize(
    ("text", "size"),
    [("4096", 4096), ("100M", 100 * 1024**2), ("2G", 2 * 1024**3), ("512KiB", 512 * 1024),
     ("1.5gb", 3 * 1024**3 // 2)],
)
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "-1M", "0", "12X"])
def test_bad_sizes_are_usage_errors(runner: CliRunner, text: str) -> None:
    with pytest.raises(ValueError, match="size"):
        parse_size(text)
    result = runner.invoke(cli, ["query", "stats", "--endpoint", "http://127.0.0.1:1/q",
                                 "--max-answer", text])
    assert "--max-answer" in one_line_error(result, 2)


def test_sizes_read_back() -> None:
    assert [format_size(n) for n in (100, 4096, 3 * 1024**2 // 2, 2 * 1024**3)] == [
        "100 B", "4 KiB", "1.5 MiB", "2 GiB"]


def test_max_answer_needs_an_endpoint(runner: CliRunner) -> None:
    assert "--max-answer needs --endpoint" in one_line_error(
        runner.invoke(cli, ["query", "stats", "--max-answer", "1M"]), 2)
