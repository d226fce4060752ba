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

What the front answers itself comes from a local application the command hands over (the site,
the saved queries' forms and the console: ``site/serving``), made once the data is loaded, from
the same store the server opens; without one, ``/`` is Oxigraph's own query page.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

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
from cyberflag.server.routes import Incoming, Local
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


def without_header(text: str) -> str:
    """The query without its leading ``#+`` header lines (metadata for the CLI, noise in a page)."""
    lines = text.splitlines(True)
    while lines and lines[0].lstrip().startswith("#+"):
        lines.pop(0)
    return "".join(lines)


def load_store(
    data: Path | str | None, location: Path, use: Callable[[OxigraphEngine], object] | None = None,
) -> tuple[int, int]:
    """Bulk-load the data and ontology into an on-disk store; ``(graphs, triples)``. ``use``
    reads the loaded store first (the site is built from it, so pages and endpoint agree).

    The store is closed (the engine dropped) before returning: RocksDB allows one writer, and the
    server must be able to open it.
    """
    engine = OxigraphEngine(data, location=location)
    store = engine.store
    graphs = len(list(store.named_graphs()))
    triples = len(store)
    if use is not None:
        use(engine)
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
    site: bool

    def text(self) -> str:
        """The start-up message: where the pages, the forms, the console and the endpoint are."""
        lines = [
            f"Serving the cyberflag graph ({self.graphs} graphs, {self.triples:,} triples), "
            "read-only (updates and SERVICE refused)",
        ]
        if self.site:
            lines.append(f"  site:             {self.url}/")
        lines += [
            f"  saved queries:    {self.url}/queries/  (a form for each)",
            f"  SPARQL console:   {self.url}/console/",
            f"  SPARQL endpoint:  {self.url}/query  (default graph: the union of all graphs)",
            f"  from the shell:   cyberflag query NAME --endpoint {self.url}/query",
            "",
            "Press Ctrl-C to stop.",
        ]
        return "\n".join(lines) + "\n"


def holds_root(local: Local) -> bool:
    """Whether ``local`` answers ``/`` (a site), rather than leaving it to the engine's page."""
    return local(Incoming("HEAD", "/", "", "", lambda: b"")) is not None


Prepare = Callable[[OxigraphEngine, str, Path], Local]
"""Makes the front's local application from the loaded store, the front's URL and a folder
that lives as long as ``serve`` (for the built pages)."""


def serve(
    data: Path | str | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: int = QUERY_TIMEOUT,
    max_memory: int | None = None,
    prepare: Prepare | None = None,
    say: Note = print,
    note: Note = print,
) -> None:
    """Serve the data until SIGINT or SIGTERM, or until the server dies too often; clean up.

    ``say`` gets the start-up message (stdout), ``note`` the restart and stop messages (stderr).
    The front binds first: a port in use fails at once, before the data is loaded. ``max_memory``
    bounds the engine's resident memory (default: half the machine's, ``server/memory``).
    ``prepare`` makes what the front answers itself (the site), from the loaded store.
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
                url, local = front.url, []

                def mount(store: OxigraphEngine) -> None:
                    if prepare is not None:
                        local.append(prepare(store, url, workdir))

                graphs, triples = load_store(data, location, mount)
                for app in local:
                    front.mount(app)
                engine.start()
                front.start()
                say(Serving(front.url, graphs, triples, any(holds_root(a) for a in local)).text())
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
    "serve",
]
