"""``cyberflag serve``: a local, read-only SPARQL endpoint and query page over the current data.

Why the Oxigraph server rather than a Python HTTP server: it is a complete SPARQL 1.1 Protocol and
Graph Store implementation (content negotiation, every results format, CORS) with a YASGUI query
page, it answers from the same engine as the embedded queries, and it is one binary in the
``oxigraph`` wheel from PyPI. Python only prepares its data: the files are bulk-loaded, one named
graph per file as in the embedded store, into a temporary on-disk store, which the server then opens
with ``serve-read-only --union-default-graph``: no update can reach the data, and a query without
``GRAPH`` sees the union of all files, exactly as ``cyberflag query`` does.

The server binds to 127.0.0.1 unless told otherwise, so nothing outside this machine can reach it.
It runs in its own process group; Ctrl-C (SIGINT) or SIGTERM to ``cyberflag serve`` is forwarded
to it as SIGTERM, and the temporary store is removed once it has stopped.

The page reads ``#query=...&endpoint=...`` from its URL (YASGUI's shareable links), so each saved
query gets a link that opens it, parameters at their defaults, ready to run.
"""

from __future__ import annotations

import contextlib
import html
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.error import URLError
from urllib.parse import quote, urlencode

from cyberflag.errors import CyberflagError, EndpointError, InputError
from cyberflag.sparql.engines import OxigraphEngine

SERVER_EXTRA = "pip install 'cyberflag[server]' (or: pip install oxigraph)"
READY_TIMEOUT = 20.0
"""Seconds to wait for the server to answer its first query before giving up."""

Note = Callable[[str], None]


class ServerMissingError(CyberflagError):
    """The ``oxigraph`` server binary (the ``oxigraph`` PyPI package) is not installed."""


def find_oxigraph() -> Path:
    """The ``oxigraph`` binary: next to this Python (same virtual environment), else on PATH."""
    names = ("oxigraph.exe", "oxigraph") if sys.platform == "win32" else ("oxigraph",)
    here = Path(sys.executable).parent
    for name in names:
        if (here / name).is_file():
            return here / name
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise ServerMissingError(f"the Oxigraph server is not installed: {SERVER_EXTRA}")


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on at ``host`` now (the OS picks it)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def base_url(host: str, port: int) -> str:
    """``http://host:port`` (an IPv6 literal in brackets; the wildcard shown as localhost)."""
    if host in ("0.0.0.0", "::", ""):
        host = "localhost"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def query_link(base: str, name: str, text: str) -> str:
    """A link that opens ``text`` in the server's query page, aimed at its SPARQL endpoint.

    ``endpoint`` must be given: the page derives its default endpoint from its own URL, which for
    a link includes the ``#...`` part.
    """
    fragment = urlencode(
        {"query": text, "endpoint": f"{base}/query", "requestMethod": "POST", "tabTitle": name},
        quote_via=quote,
    )
    return f"{base}/#{fragment}"


def saved_query_links(base: str, queries_dir: Path | None = None) -> list[tuple[str, str]]:
    """``(name, link)`` for every saved query, parameters at their defaults."""
    from cyberflag.queries import catalogue

    return [
        (q.name, query_link(base, q.name, without_header(q.bind({}))))
        for q in catalogue.all_queries(queries_dir)
    ]


def without_header(text: str) -> str:
    """The query without its leading ``#+`` header lines (metadata for the CLI, noise in a page)."""
    lines = text.splitlines(True)
    while lines and lines[0].lstrip().startswith("#+"):
        lines.pop(0)
    return "".join(lines)


def load_store(data: Path | str | None, location: Path) -> tuple[int, int]:
    """Bulk-load the data and ontology into an on-disk store; ``(graphs, triples)``.

    The store is closed (the engine dropped) before returning: RocksDB allows one writer, and the
    server must be able to open it.
    """
    engine = OxigraphEngine(data, location=location)
    store = engine.store
    graphs = len(list(store.named_graphs()))
    triples = len(store)
    store.flush()
    del engine, store
    return graphs, triples


def wait_until_ready(url: str, child: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Poll ``url`` (an ASK query) until the server answers; fail if it exits or stays silent."""
    probe = f"{url}/query?{urlencode({'query': 'ASK {}'})}"
    deadline = time.monotonic() + timeout
    while True:
        if child.poll() is not None:
            raise EndpointError(url, f"the Oxigraph server did not start: {last_line(log)}")
        try:
            request = urllib.request.Request(
                probe, headers={"Accept": "application/sparql-results+json"}
            )
            with urllib.request.urlopen(request, timeout=1) as response:
                if response.status == 200:
                    return
        except (URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise EndpointError(url, f"the Oxigraph server did not answer within {timeout:g} s")
        time.sleep(0.05)


def last_line(log: Path) -> str:
    """Why the server stopped: its ``Error: ...`` line (a Rust backtrace follows it), else its
    last log line, or a placeholder."""
    try:
        lines = [x.strip() for x in log.read_text(errors="replace").splitlines() if x.strip()]
    except OSError:
        lines = []
    errors = [x for x in lines if x.startswith("Error:")]
    if errors:
        return errors[0].removeprefix("Error:").strip()
    return lines[-1] if lines else "no message"


def check_port_free(host: str, port: int, url: str) -> None:
    """Fail now if something already listens at ``host:port``: otherwise the readiness probe
    would get its answers from that other server and take it for ours."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise EndpointError(
                url, f"cannot listen there: {error.strerror or error} (choose another --port)"
            ) from None


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, between fork and exec
    """Linux: have the kernel send the server SIGTERM if ``cyberflag serve`` itself dies (even by
    SIGKILL), since in its own process group it would not get the terminal's Ctrl-C."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class _Stop(Exception):
    """Raised in the main thread by the SIGINT/SIGTERM handler."""


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`_Stop` for the duration (previous handlers restored)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Stop

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@dataclass
class Serving:
    """What is being served, for the start-up message."""

    url: str
    graphs: int
    triples: int
    links: list[tuple[str, str]]
    index: Path | None = None
    """A local HTML page with one link per saved query (the links are too long for a terminal)."""

    def text(self) -> str:
        """The start-up message: where the endpoint and page are, and links to saved queries."""
        lines = [
            f"Serving the cyberflag graph ({self.graphs} graphs, {self.triples:,} triples), "
            "read-only",
            f"  query page:       {self.url}/",
            f"  SPARQL endpoint:  {self.url}/query  (default graph: the union of all graphs)",
            f"  from the shell:   cyberflag query NAME --endpoint {self.url}/query",
        ]
        if self.links:
            lines += ["", "Saved queries, each a link that opens it in the query page:"]
            if self.index is not None:
                lines.append(f"  {self.index.as_uri()}")
            lines += textwrap.wrap(
                ", ".join(name for name, _ in self.links), 96,
                initial_indent="  (", subsequent_indent="   ",
            )
            lines[-1] += ")"
        lines += ["", "Press Ctrl-C to stop."]
        return "\n".join(lines) + "\n"


def write_index(path: Path, url: str, links: list[tuple[str, str]]) -> Path:
    """Write a small HTML page linking each saved query into the server's query page."""
    items = "\n".join(
        f'  <li><a href="{html.escape(link, quote=True)}">{html.escape(name)}</a></li>'
        for name, link in links
    )
    path.write_text(
        "<!doctype html>\n<meta charset=\"utf-8\">\n"
        f"<title>cyberflag saved queries on {html.escape(url)}</title>\n"
        f"<h1>cyberflag saved queries</h1>\n<p>Each opens in the query page of "
        f"<a href=\"{html.escape(url, quote=True)}/\">{html.escape(url)}</a>, ready to run.</p>\n"
        f"<ul>\n{items}\n</ul>\n",
        encoding="utf-8",
    )
    return path


def serve(
    data: Path | str | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    queries_dir: Path | None = None,
    links: bool = True,
    say: Note = print,
    note: Note = print,
) -> None:
    """Run the Oxigraph server over the data until SIGINT or SIGTERM; clean up afterwards.

    ``say`` gets the start-up message (stdout), ``note`` the stop message (stderr).
    """
    binary = find_oxigraph()
    if not 0 <= port <= 65535:
        raise InputError(f"--port {port} is not a port number (0-65535)")
    if port == 0:
        port = free_port(host)
    url = base_url(host, port)
    check_port_free(host, port, url)
    workdir = Path(tempfile.mkdtemp(prefix="cyberflag-serve-"))
    child: subprocess.Popen[bytes] | None = None
    try:
        with stop_signals():
            try:
                location = workdir / "store"
                graphs, triples = load_store(data, location)
                log = workdir / "server.log"
                with log.open("wb") as log_file:
                    child = subprocess.Popen(
                        [
                            str(binary), "serve-read-only",
                            "--location", str(location),
                            "--bind", f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                            "--union-default-graph",
                        ],
                        stdin=subprocess.DEVNULL,
                        stdout=log_file,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,  # Ctrl-C reaches us; we stop the server
                        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                    )
                wait_until_ready(url, child, log, READY_TIMEOUT)
                found = saved_query_links(url, queries_dir) if links else []
                index = write_index(workdir / "saved-catalogue.html", url, found) if found else None
                say(Serving(url, graphs, triples, found, index).text())
                code = child.wait()
                raise EndpointError(url, f"the Oxigraph server stopped (exit {code}): "
                                         f"{last_line(log)}")
            except _Stop:
                note("cyberflag: stopping the server\n")
    finally:
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        shutil.rmtree(workdir, ignore_errors=True)


__all__ = [
    "SERVER_EXTRA",
    "ServerMissingError",
    "base_url",
    "find_oxigraph",
    "free_port",
    "query_link",
    "saved_query_links",
    "serve",
]
