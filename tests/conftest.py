"""Shared fixtures and helpers for the cyberflag tests.

Others add fixtures here too: add, don't rewrite.

A default ``python -m pytest`` runs a sample of the cases of the slow differential tests (marked
``@pytest.mark.slow(keep=N, cover=(...))``), chosen by a seed that changes daily and is printed
in the header; ``CYBERFLAG_TEST_SEED=<seed>`` repeats a sample and ``CYBERFLAG_TESTS=all`` runs
every case. See tests/sampling.py for how the sample is chosen.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

# CI tests the installed package (`pip install '.[test]'`); a developer's checkout without an
# install falls back to the source under cli/.
if importlib.util.find_spec("cyberflag") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "cli"))

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from cyberflag.rdf.namespaces import XSD

import sampling

# --- which cases of the slow tests run (tests/sampling.py) ---------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.stash[sampling.SAMPLE] = sampling.choose()


def pytest_report_header(config: pytest.Config) -> str:
    return sampling.header(config.stash[sampling.SAMPLE])


@pytest.hookimpl(trylast=True)  # after -k, -m and --lf have chosen: sample what they left
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    sampling.select(config, items)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    line = sampling.summary(terminalreporter.config.stash[sampling.SAMPLE])
    if line:
        terminalreporter.write_line(line)

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURE_DATA = TESTS / "fixtures" / "data"
SHIPPED_DATA = REPO / "data"


HEADLINE_QUERIES = [
    "PREFIX schema: <http://schema.org/> SELECT ?h WHERE { ?a schema:headline ?h } ORDER BY ?h",
    "PREFIX schema: <http://schema.org/> ASK { ?a schema:headline ?h }",
    "PREFIX schema: <http://schema.org/> CONSTRUCT { ?a schema:headline ?h } "
    "WHERE { ?a schema:headline ?h }",
]
"""One query of each form over the articles' headlines: what every server must answer as the
embedded store does, from the project's graphs only."""


def shipped_data_present() -> bool:
    """True once the real articles are in ``data/articles/``."""
    return any((SHIPPED_DATA / "articles").glob("*.ttl"))


@pytest.fixture
def fixture_data() -> Path:
    """The small invented data set under tests/fixtures/data (read-only: copy before changing)."""
    return FIXTURE_DATA


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture data set, for tests that break or change it."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target


@pytest.fixture
def shipped_data() -> Path:
    """The project's real data directory; skips until the articles have landed in data/."""
    if not shipped_data_present():
        pytest.skip("data/articles/*.ttl not written yet")
    return SHIPPED_DATA


@pytest.fixture
def shipped_copy(tmp_path: Path, shipped_data: Path) -> Path:
    """A writable copy of the shipped data, for the commands that change it (add, review)."""
    target = tmp_path / "data"
    shutil.copytree(shipped_data, target)
    return target


@pytest.fixture
def runner() -> CliRunner:
    """A click CliRunner with stdout and stderr kept apart."""
    return CliRunner()


def _normalise(graph: Graph) -> Graph:
    """RDF 1.1 sameness: "x" = "x"^^xsd:string, language tags compare case-insensitively."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal):
            if o.datatype == XSD.string:
                o = Literal(str(o))
            elif o.language:
                o = Literal(str(o), lang=o.language.lower())
        out.add((s, p, o))
    return out


def assert_isomorphic(expected: Graph, actual: Graph) -> None:
    """Fail with the triples only in one graph or the other (as rdflib's own test helpers do)."""
    a, b = _normalise(expected), _normalise(actual)
    if isomorphic(a, b):
        return
    _, only_expected, only_actual = graph_diff(to_isomorphic(a), to_isomorphic(b))

    def dump(g: Graph) -> str:
        return "\n".join(sorted(f"  {s.n3()} {p.n3()} {o.n3()}" for s, p, o in g)) or "  (none)"

    pytest.fail(
        f"graphs differ ({len(a)} vs {len(b)} triples)\n"
        f"only in expected:\n{dump(only_expected)}\nonly in actual:\n{dump(only_actual)}"
    )


# --- ontology and SHACL shapes (owner: tests/test_shapes.py) -------------------------------------

ONTOLOGY_FILE = REPO / "ontology" / "cyberflag.ttl"
SHAPES_FILE = REPO / "ontology" / "shapes.ttl"


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    """The ontology parsed from the checkout (``ontology/cyberflag.ttl``). Do not modify it."""
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    """The SHACL shapes parsed from the checkout (``ontology/shapes.ttl``). Do not modify it."""
    return Graph().parse(SHAPES_FILE, format="turtle")


# --- the W3C Turtle test suite (tests/w3c/, copied from ../shared/w3c-turtle-tests) ---------------

W3C_DIR = TESTS / "w3c"
W3C_BASE = "https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/"  # the manifest's assumedTestBase


def w3c_cases(kind: str) -> list[tuple[str, str | None]]:
    """(input file, expected .nt file or None) for every manifest test of ``kind`` (the local name
    of its rdft: type, e.g. ``TestTurtleEval``), sorted by input file."""
    from rdflib import Namespace
    from rdflib.namespace import RDF

    from cyberflag.rdf.graphs import parse_turtle

    mf = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
    rdft = Namespace("http://www.w3.org/ns/rdftest#")
    manifest = parse_turtle(W3C_DIR / "manifest.ttl", base_iri=W3C_BASE + "manifest.ttl")
    cases = []
    for test in manifest.subjects(RDF.type, rdft[kind]):
        action = str(manifest.value(test, mf.action)).rsplit("/", 1)[-1]
        result = manifest.value(test, mf.result)
        cases.append((action, str(result).rsplit("/", 1)[-1] if result is not None else None))
    return sorted(cases)


# --- SPARQL servers (owners: tests/test_remote.py, tests/test_push.py, tests/test_serve.py) -------

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.error import URLError
from urllib.parse import urlencode

OXIGRAPH_MISSING = (
    "the Oxigraph server binary 'oxigraph' is not installed: it comes from the 'oxigraph' package "
    "of the test extra (pip install -e '.[test]')"
)


def oxigraph_binary() -> Path:
    """The ``oxigraph`` server next to this Python, else on PATH; FAILS (never skips) if missing.

    The endpoint tests are the only evidence that remote queries and pushes work: a missing server
    must be a visible failure, not a quiet skip.
    """
    local = Path(sys.executable).parent / "oxigraph"
    if local.is_file():
        return local
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    pytest.fail(OXIGRAPH_MISSING)


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_sparql(
    base: str, process: subprocess.Popen[bytes] | None, timeout: float = 20, path: str = "/query"
) -> None:
    """Poll ``base`` + ``path`` with ``ASK {}`` until it answers 200 (fail if the process exits)."""
    probe = f"{base}{path}?{urlencode({'query': 'ASK {}'})}"
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            pytest.fail(f"the SPARQL server at {base} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(probe, timeout=1) as response:
                if response.status == 200:
                    return
        except (URLError, OSError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the SPARQL server at {base} did not answer within {timeout} s")
        time.sleep(0.05)


@dataclass
class OxigraphServer:
    """A real Oxigraph server on 127.0.0.1 (``oxigraph serve``), read-write."""

    base: str
    process: subprocess.Popen[bytes]
    location: Path

    @property
    def query(self) -> str:
        return f"{self.base}/query"

    @property
    def update(self) -> str:
        return f"{self.base}/update"

    @property
    def store(self) -> str:
        return f"{self.base}/store"

    def run_update(self, text: str) -> None:
        """Apply a SPARQL Update directly (to set up what the server holds before a test)."""
        request = urllib.request.Request(
            self.update, data=text.encode(), headers={"Content-Type": "application/sparql-update"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status in (200, 204)

    def quads(self, prefix: str = "") -> list[tuple[str, str, str, str]]:
        """Every quad of the named graphs whose IRI starts with ``prefix``, and of the default graph
        when ``prefix`` is empty, as sorted N-Triples-like strings (what the server holds)."""
        text = (
            "SELECT ?g ?s ?p ?o WHERE { { GRAPH ?g { ?s ?p ?o } "
            f"FILTER (STRSTARTS(STR(?g), {json_string(prefix)})) }}"
            + (" UNION { ?s ?p ?o }" if not prefix else "")
            + " }"
        )
        request = urllib.request.Request(
            self.query,
            data=urlencode({"query": text}).encode(),
            headers={"Accept": "text/tab-separated-values"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            lines = response.read().decode().splitlines()[1:]
        return sorted(tuple(line.split("\t")) for line in lines)  # type: ignore[misc]


def json_string(text: str) -> str:
    """``text`` as a SPARQL string literal (JSON's escaping is valid SPARQL)."""
    import json

    return json.dumps(text)


def start_oxigraph(location: Path) -> OxigraphServer:
    """Start ``oxigraph serve`` on a free port over ``location`` and wait until it answers."""
    binary = oxigraph_binary()
    location.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        [str(binary), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_sparql(base, process)
    except BaseException:
        stop_process(process)
        raise
    return OxigraphServer(base, process, location)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Terminate ``process`` and wait for it (kill it if it does not stop within 10 s)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A fresh, empty Oxigraph server for one test, stopped afterwards."""
    server = start_oxigraph(tmp_path / "oxigraph")
    try:
        yield server
    finally:
        stop_process(server.process)


OTHER_PARTY = (
    "INSERT DATA { GRAPH <http://example.org/other> { <http://schema.org/x> "
    '<http://schema.org/headline> "Not ours" } }'
)
"""Another party's graph beside the project's on a shared server: no command may see it."""


def start_shared_oxigraph(location: Path) -> OxigraphServer:
    """An Oxigraph server holding another party's graph and the shipped data, pushed as a user
    would (owners: tests/test_remote.py, tests/test_virtuoso.py). Stop it with stop_process."""
    from cyberflag.server.push import push

    server = start_oxigraph(location)
    try:
        server.run_update(OTHER_PARTY)
        push(server.query, data=SHIPPED_DATA)
    except BaseException:
        stop_process(server.process)
        raise
    return server


VIRTUOSO_MISSING = (
    "OpenLink Virtuoso ('{name}') is not installed: apt-get install -y virtuoso-opensource "
    "(.ci/run installs it)"
)


def virtuoso_binary(name: str = "virtuoso-t") -> Path:
    """``virtuoso-t`` (the server) or ``isql-vt`` (its SQL client) on PATH; FAILS if missing.

    As for Oxigraph: the Virtuoso tests are the evidence that the saved queries are portable, so
    a missing server is a failure, never a skip.
    """
    found = shutil.which(name)
    if found is None:
        pytest.fail(VIRTUOSO_MISSING.format(name=name))
    return Path(found)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {db}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 1
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""
"""A private Virtuoso: its database, log and the files it may load all in one directory, both
ports on 127.0.0.1, small buffers (80 MB), one thread a query (the test machines are small)."""


@dataclass
class VirtuosoServer:
    """A real OpenLink Virtuoso on 127.0.0.1 (``virtuoso-t +foreground``), a private database."""

    base: str
    process: subprocess.Popen[bytes]
    location: Path
    sql_port: int

    @property
    def query(self) -> str:
        """The SPARQL endpoint (read-only for the anonymous user)."""
        return f"{self.base}/sparql"

    def isql(self, *statements: str) -> str:
        """Run SQL statements as ``dba`` through ``isql-vt`` (Virtuoso's own client); fail with its
        output when one fails."""
        script = "".join(f"{statement};\n" for statement in statements)
        done = subprocess.run(
            [str(virtuoso_binary("isql-vt")), f"127.0.0.1:{self.sql_port}", "dba", "dba"],
            input=script.encode(), capture_output=True, timeout=120, check=False,
        )
        out = done.stdout.decode(errors="replace")
        if done.returncode != 0 or "*** Error" in out:
            pytest.fail(f"isql-vt failed ({done.returncode}): {out[-2000:]}")
        return out

    def load(self, nquads: Path) -> None:
        """Load an N-Quads file with Virtuoso's bulk loader (one graph per quad's graph)."""
        target = self.location / nquads.name
        if target != nquads:
            shutil.copyfile(nquads, target)
        self.isql(
            f"ld_dir('{self.location}', '{target.name}', 'urn:cyberflag:unused')",
            "rdf_loader_run()",
            "checkpoint",
        )

    @property
    def update(self) -> str:
        """The authenticated SPARQL endpoint, which takes updates (HTTP Digest, as ``dba``)."""
        return f"{self.base}/sparql-auth"

    def run_update(self, text: str) -> None:
        """Apply a SPARQL Update as ``dba`` (the anonymous endpoint may not write)."""
        self.isql(f"SPARQL {text}")

    def quads(self, prefix: str) -> list[tuple[str, ...]]:
        """Every quad of the named graphs whose IRI starts with ``prefix`` (not empty: Virtuoso's
        STRSTARTS is false for an empty prefix), as sorted N-Triples terms."""
        from cyberflag.sparql.remote import select

        text = (
            "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER (STRSTARTS(STR(?g), {json_string(prefix)})) }}"
        )
        rows = select(self.query, text).rows
        return sorted(tuple(t.n3() if t is not None else "" for t in row) for row in rows)


def start_virtuoso(location: Path) -> VirtuosoServer:
    """Start ``virtuoso-t`` in the foreground over a new database in ``location`` (created on
    first start, in about 3 s) on free ports, and wait until its SPARQL endpoint answers."""
    binary = virtuoso_binary()
    location.mkdir(parents=True, exist_ok=True)
    sql_port = http_port = free_port()
    while http_port == sql_port:  # two in a row may be the same free port
        http_port = free_port()
    ini = location / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=location, sql_port=sql_port, http_port=http_port))
    process = subprocess.Popen(
        [str(binary), "+foreground", "+configfile", str(ini)],
        cwd=location,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_for_sparql(base, process, timeout=60, path="/sparql")
    except BaseException:
        stop_process(process)
        raise
    return VirtuosoServer(base, process, location, sql_port)


def start_shared_virtuoso(location: Path) -> VirtuosoServer:
    """A Virtuoso holding another party's graph and the shipped data (exported as N-Quads, one
    graph per file, as ``cyberflag export`` writes it). Stop it with stop_process."""
    from cyberflag.rdf.export import serialize
    from cyberflag.rdf.graphs import load

    server = start_virtuoso(location)
    try:
        server.run_update(OTHER_PARTY)
        dump = location / "shipped.nq"
        dump.write_text(serialize(load(SHIPPED_DATA), "nquads"), encoding="utf-8")
        server.load(dump)
    except BaseException:
        stop_process(server.process)
        raise
    return server


@pytest.fixture
def no_endpoint_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No endpoint or credentials inherited from the developer's environment."""
    for name in ("CYBERFLAG_ENDPOINT", "CYBERFLAG_ENDPOINT_USER", "CYBERFLAG_ENDPOINT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)



# Misbehaving servers for the failure tests. They are real servers on 127.0.0.1 that the client
# reaches over TCP exactly as it reaches Oxigraph, not stand-ins for the client's code.

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Seen:
    """One request a scripted server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Answer = tuple[int, dict[str, str], bytes]


class ScriptedServer:
    """An HTTP server whose answers come from ``respond(request, n)`` (``n`` counts from 1); an
    answer of ``None`` forwards the request to ``upstream`` (a real SPARQL server) and relays its
    answer, so a script can fail some requests and let the rest through."""

    def __init__(
        self, respond: Callable[[Seen, int], Answer | None], upstream: str | None = None
    ) -> None:
        self.requests: list[Seen] = []
        self.release = threading.Event()  # ends any deliberate stall when the server closes
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # quiet
                return None

            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(self.command, self.path, dict(self.headers), self.rfile.read(length))
                owner.requests.append(seen)
                answer = respond(seen, len(owner.requests))
                if answer is None:
                    answer = owner.forward(seen)
                status, headers, body = answer
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (a timeout test): nothing to do

            do_GET = do_POST = do_PUT = handle_any

        self.upstream = upstream
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        # Polling every 50 ms rather than serve_forever's 500: close() waits for the next poll,
        # and twenty tests close one.
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def forward(self, seen: Seen) -> Answer:
        assert self.upstream is not None, "no upstream to forward to"
        keep = {k: v for k, v in seen.headers.items() if k.lower() in ("content-type", "accept")}
        request = urllib.request.Request(
            self.upstream + seen.path, data=seen.body or None, headers=keep, method=seen.method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, {"Content-Type": response.headers.get(
                    "Content-Type", "")}, response.read()
        except urllib.error.HTTPError as error:
            return error.code, {"Content-Type": "text/plain"}, error.read()

    def stall(self, seconds: float) -> None:
        """Wait ``seconds`` (a server that does not answer), or until the server closes."""
        self.release.wait(seconds)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scripted_server() -> Iterator[Callable[..., ScriptedServer]]:
    """A factory of :class:`ScriptedServer`; all are closed after the test."""
    made: list[ScriptedServer] = []

    def make(
        respond: Callable[[Seen, int], Answer | None], upstream: str | None = None
    ) -> ScriptedServer:
        server = ScriptedServer(respond, upstream)
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


class CuttingProxy:
    """A TCP proxy to ``upstream`` (host, port) that cuts the first ``cuts`` connections whose
    request starts with ``match``, after relaying ``spare`` of them whole: it forwards the headers
    and half the body, then closes both sides (a reset to the client). Other connections are
    relayed whole. With no upstream, every connection is reset after its first bytes (a server
    that drops connections)."""

    def __init__(
        self,
        upstream: tuple[str, int] | None,
        *,
        match: bytes = b"POST ",
        cuts: int = 1,
        spare: int = 0,
    ) -> None:
        self.upstream = upstream
        self.match = match
        self.cuts_left = cuts
        self.spare = spare  # matching connections relayed whole before the cutting starts
        self.cut_count = 0
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.base = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.closed = False
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(client,), daemon=True).start()

    @staticmethod
    def reset(sock: socket.socket) -> None:
        import struct

        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()

    def handle(self, client: socket.socket) -> None:
        first = b""
        while b"\r\n\r\n" not in first:
            chunk = client.recv(65536)
            if not chunk:
                client.close()
                return
            first += chunk
        matches = first.startswith(self.match)
        if matches and self.spare > 0:
            self.spare -= 1
            matches = False
        cut = self.upstream is None or (matches and self.cuts_left > 0)
        if self.upstream is None:
            self.cut_count += 1
            self.reset(client)
            return
        upstream = socket.create_connection(self.upstream)
        if cut:
            self.cuts_left -= 1
            self.cut_count += 1
            head, _, _ = first.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            budget = len(head) + 4 + length // 2
            data = first
            while len(data) < budget:
                chunk = client.recv(65536)
                if not chunk:
                    break
                data += chunk
            upstream.sendall(data[:budget])
            upstream.close()  # the server sees the body end early
            self.reset(client)
            return
        upstream.sendall(first)

        def pipe(src: socket.socket, dst: socket.socket) -> None:
            try:
                while chunk := src.recv(65536):
                    dst.sendall(chunk)
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

        threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
        pipe(upstream, client)
        client.close()
        upstream.close()

    def close(self) -> None:
        self.closed = True
        self.listener.close()


# --- synthetic corpora (owners: tests/test_generate.py, test_index.py, test_incremental.py) ------

BENCH_DIR = REPO / "bench"
SYNTHETIC_ARTICLES = 40
"""About 10,000 triples (bench/generate.py's calibration): big enough to have every kind of node
and cross-file link, small enough to generate in a fraction of a second."""


def bench_generate():  # -> the bench/generate.py module
    """``bench/generate.py`` imported by path: ``bench/`` is a folder of scripts, not a package."""
    import importlib.util

    module = sys.modules.get("cyberflag_bench_generate")
    if module is None:
        spec = importlib.util.spec_from_file_location(
            "cyberflag_bench_generate", BENCH_DIR / "generate.py"
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["cyberflag_bench_generate"] = module
        spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def synthetic_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ~10,000-triple synthetic corpus (seed 0), generated once per session. Read-only: copy it
    (``shutil.copytree``) before changing anything."""
    target = tmp_path_factory.mktemp("synthetic") / "data"
    bench_generate().generate(target, SYNTHETIC_ARTICLES, seed=0)
    return target


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The static site of the shipped data, built once per session with ``cyberflag site``.
    Read-only: tests that rebuild or change a site build their own."""
    from cyberflag.cli import cli

    target = tmp_path_factory.mktemp("site") / "site"
    result = CliRunner().invoke(cli, ["site", "-o", str(target)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return target


# --- a real browser (tests/test_site_browser.py, tests/test_serve_browser.py) -----------------

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str:
    """Debian's Chromium (or ``CYBERFLAG_CHROMIUM``): a missing browser fails, never skips."""
    import os

    found = os.environ.get("CYBERFLAG_CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser"
    )
    if not found:
        pytest.fail("no Chromium: apt-get install -y chromium (or set CYBERFLAG_CHROMIUM)")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium driven by Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(),
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()
