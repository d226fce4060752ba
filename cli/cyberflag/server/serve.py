"""``cyberflag serve``: a read-only SPARQL endpoint and query page over the current data.

Why the Oxigraph server rather than a Python SPARQL server: it is a complete SPARQL 1.1 Protocol
implementation (content negotiation, every results format) with a YASGUI query page, it answers
from the same engine as the embedded queries, and it is one binary in the ``oxigraph`` wheel from
PyPI. Python prepares its data: the files are bulk-loaded, one named graph per file as in the
embedded store, into a temporary on-disk store, which the server then opens with
``serve-read-only --union-default-graph``: a query without ``GRAPH`` sees the union of all files,
exactly as ``cyberflag query`` does.

Why not on its own: it cannot be told not to federate, one query can crash it, and its time limit
does not stop every query. So it listens on a private loopback port (``server/oxigraph`` starts
it, restarts it when it dies, within a bound, and when its memory passes ``max_memory``), and the
public ``--host``/``--port`` belong to the front (``server/front``), which refuses ``SERVICE``,
queries nested too deep and every write before forwarding anything, and has the engine restarted
when a request runs past :func:`front_deadline`. The front binds to
127.0.0.1 unless told otherwise, so nothing outside this machine can reach it. Ctrl-C (SIGINT) or
SIGTERM stops the front and the server, and the temporary store is removed.

The page reads ``#query=...&endpoint=...`` from its URL (YASGUI's shareable links), so each saved
query gets a link that opens it, parameters at their defaults, ready to run.
"""

from __future__ import annotations

import contextlib
import html
import shutil
import signal
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.parse import quote, urlencode

from cyberflag.errors import InputError
from cyberflag.memory import default_max_memory
from cyberflag.server.front import Front, base_url
from cyberflag.server.oxigraph import (
    SERVER_EXTRA,
    Oxigraph,
    ServerMissingError,
    find_oxigraph,
    free_port,
)
from cyberflag.sparql.engines import OxigraphEngine

QUERY_TIMEOUT = 60
"""Seconds one query may run on the server (its ``--timeout-s``) unless ``--timeout`` says."""
ENGINE_SLACK = 30.0
"""At most this many seconds beyond the query timeout for a forwarded request's whole answer."""


def front_deadline(timeout: int) -> float:
    """Seconds a forwarded request's answer may take before the engine is restarted to stop it:
    ``timeout`` and half as long again, at most :data:`ENGINE_SLACK` more (90 s by default).

    The margin lets Oxigraph's own limit answer first where it works (it stopped a ``GROUP BY``
    over a cartesian product 7 s late with ``--timeout-s 2``); where it does not (a ``COUNT`` over
    one, checked for 100 s), the restart ends the query.
    """
    return timeout + min(ENGINE_SLACK, timeout / 2)

Note = Callable[[str], None]


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
            "read-only (updates and SERVICE refused)",
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
    timeout: int = QUERY_TIMEOUT,
    max_memory: int | None = None,
    queries_dir: Path | None = None,
    links: bool = True,
    say: Note = print,
    note: Note = print,
) -> None:
    """Serve the data until SIGINT or SIGTERM, or until the server dies too often; clean up.

    ``say`` gets the start-up message (stdout), ``note`` the restart and stop messages (stderr).
    The front binds first: a port in use fails at once, before the data is loaded. ``max_memory``
    bounds the engine's resident memory (default: half the machine's, ``server/memory``).
    """
    binary = find_oxigraph()
    if not 0 <= port <= 65535:
        raise InputError(f"--port {port} is not a port number (0-65535)")
    workdir = Path(tempfile.mkdtemp(prefix="cyberflag-serve-"))
    location = workdir / "store"
    engine = Oxigraph(binary, location, workdir, timeout=timeout, note=note,
                      max_memory=max_memory or default_max_memory())
    front: Front | None = None
    try:
        front = Front(host, port, engine, engine_timeout=front_deadline(timeout))
        with stop_signals():
            try:
                graphs, triples = load_store(data, location)
                engine.start()
                front.start()
                found = saved_query_links(front.url, queries_dir) if links else []
                index = (
                    write_index(workdir / "saved-catalogue.html", front.url, found)
                    if found else None
                )
                say(Serving(front.url, graphs, triples, found, index).text())
                engine.watch(front.url)
            except _Stop:
                note("cyberflag: stopping the server\n")
    finally:
        if front is not None:
            front.close()
        engine.stop()
        shutil.rmtree(workdir, ignore_errors=True)


__all__ = [
    "QUERY_TIMEOUT",
    "SERVER_EXTRA",
    "ServerMissingError",
    "base_url",
    "find_oxigraph",
    "free_port",
    "front_deadline",
    "query_link",
    "saved_query_links",
    "serve",
]
