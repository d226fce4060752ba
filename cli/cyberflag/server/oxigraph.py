"""The Oxigraph server process behind ``cyberflag serve``: started on a private loopback port,
watched, and restarted when it dies.

Why restart at all: one request can end the process for everyone (Oxigraph aborts on a stack
overflow, and a query it cannot survive may yet be found past the front's checks), and a read-only
copy of the data loses nothing by a restart. Why a bound: a process that dies again at once would
otherwise be restarted for ever while answering nothing; after :data:`MAX_RESTARTS` within
:data:`RESTART_WINDOW` seconds ``serve`` stops with one error instead.

Each start gets a fresh free port and its own log (the ``Error:`` line of the run that died is the
one reported), and an :class:`Upstream` that the front holds while it forwards a request: its
``stopped`` event is set when that process has died, so the front can tell "the engine died under
this request" from any other failure.

Restarting on purpose: Oxigraph's ``--timeout-s`` does not stop every query (a ``COUNT`` over a
cartesian product runs on for ever, burning a CPU; an ``ORDER BY`` over one grows the memory
until the machine gives way), and Oxigraph cannot cancel one query from outside. So the front
asks for a restart (:meth:`Oxigraph.stop_runaway`) when a request passes its deadline, and a
thread here does when the process's resident size passes ``max_memory`` (polled every
:data:`~cyberflag.memory.MEMORY_POLL` s). The process is killed (SIGKILL: the store is
read-only and on disk, so a restart reopens it, nothing is reloaded) and started again. Such a
restart is not a crash and does not count towards :data:`MAX_RESTARTS`: a client sending runaway
queries in a loop would otherwise end ``serve`` for everyone. Nor can it starve the others: a
deadline restart needs a query that ran the whole deadline on the new process, so they are at
least a deadline apart, and other requests are answered in between; and a memory bound that the
process passes at rest is refused when it starts (one error), never restarted in a loop.
"""

from __future__ import annotations

import http.client
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from cyberflag.errors import CyberflagError, EndpointError
from cyberflag.memory import ENV_MAX_MEMORY, MEMORY_POLL, MIB, format_size, resident

SERVER_EXTRA = "pip install 'cyberflag[server]' (or: pip install oxigraph)"
READY_TIMEOUT = 20.0
"""Seconds to wait for the server to answer its first query before giving up."""
MAX_RESTARTS = 3
RESTART_WINDOW = 60.0
"""At most :data:`MAX_RESTARTS` restarts within this many seconds; one more death ends ``serve``."""

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


def wait_until_ready(url: str, child: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Poll ``url`` (an ASK query) until the server answers; fail if it exits or stays silent."""
    parts = urlsplit(url)
    target = f"{parts.path}/query?{urlencode({'query': 'ASK {}'})}"
    deadline = time.monotonic() + timeout
    while True:
        if child.poll() is not None:
            raise EndpointError(url, f"the Oxigraph server did not start: {last_line(log)}")
        # Straight to the private address, as the front forwards: never through http_proxy.
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port,
                                                timeout=1)
        try:
            connection.request("GET", target,
                               headers={"Accept": "application/sparql-results+json"})
            if connection.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        if time.monotonic() > deadline:
            raise EndpointError(url, f"the Oxigraph server did not answer within {timeout:g} s")
        time.sleep(0.05)


def last_line(log: Path) -> str:
    """Why the server stopped: its ``Error:`` line (a Rust backtrace follows it), else its
    last log line, or a placeholder."""
    try:
        lines = [x.strip() for x in log.read_text(errors="replace").splitlines() if x.strip()]
    except OSError:
        lines = []
    errors = [x for x in lines if x.startswith("Error:")]
    if errors:
        return errors[0].removeprefix("Error:").strip()
    return lines[-1] if lines else "no message"


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


def ended(code: int, log: Path) -> str:
    """How a process ended, for one line: ``killed by SIGKILL`` or ``exit 101: <its error>``."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit {code}: {last_line(log)}"


@dataclass
class Upstream:
    """One run of the server: where it listens, and whether (and why) it has stopped."""

    port: int
    pid: int
    stopped: threading.Event = field(default_factory=threading.Event)
    why: str = ""
    """Set before ``stopped``: how the process ended (``killed by SIGKILL``, ``exit 1: ...``)."""
    restarted_for: str = ""
    """Set before ``stopped`` when it was stopped on purpose: why (``a query ran past 90 s``)."""


class Oxigraph:
    """The read-only Oxigraph server over ``location``, one process at a time.

    :meth:`start` runs the first process; :meth:`watch` (in the main thread, so that SIGINT and
    SIGTERM interrupt it) waits for it to die and restarts it within the bound; :meth:`current`
    gives the front the running process, waiting while a restart is under way; :meth:`stop` ends it.
    """

    def __init__(
        self, binary: Path, location: Path, logs: Path, *, timeout: int, note: Note,
        max_memory: int | None = None,
    ) -> None:
        self.binary, self.location, self.logs = binary, location, logs
        self.timeout = timeout
        self.note = note
        self.max_memory = max_memory
        """Bytes of resident memory past which the process is restarted (``None``: no bound)."""
        self.child: subprocess.Popen[bytes] | None = None
        self.log = logs / "server-0.log"
        self.runs = 0
        self.restarts: deque[float] = deque()
        self._ready = threading.Event()
        self._upstream: Upstream | None = None
        self._lock = threading.Lock()
        self._purpose = ""  # why the running process is being stopped on purpose, if it is
        self._closed = threading.Event()
        self._poller: threading.Thread | None = None

    def start(self) -> None:
        """Start a process on a fresh private port and wait until it answers."""
        self.runs += 1
        port = free_port()
        self.log = self.logs / f"server-{self.runs}.log"
        with self.log.open("wb") as log_file:
            self.child = subprocess.Popen(
                [
                    str(self.binary), "serve-read-only",
                    "--location", str(self.location),
                    "--bind", f"127.0.0.1:{port}",
                    "--union-default-graph",
                    "--timeout-s", str(self.timeout),  # whole seconds only
                ],
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches serve, which stops the server
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        wait_until_ready(f"http://127.0.0.1:{port}", self.child, self.log, READY_TIMEOUT)
        self._check_memory_at_rest(self.child.pid)
        self._upstream = Upstream(port, self.child.pid)
        self._ready.set()
        if self.max_memory is not None and self._poller is None:
            self._poller = threading.Thread(target=self._poll_memory, daemon=True)
            self._poller.start()

    def _check_memory_at_rest(self, pid: int) -> None:
        """Refuse a bound the process passes before any query: it would be restarted for ever."""
        held = resident(pid)
        if self.max_memory is not None and held is not None and held > self.max_memory:
            raise CyberflagError(
                f"the SPARQL engine holds {format_size(held)} before any query, over the "
                f"--max-memory bound of {format_size(self.max_memory)} (or {ENV_MAX_MEMORY}); "
                "raise it"
            )

    def _poll_memory(self) -> None:
        """Every :data:`MEMORY_POLL` s until :meth:`stop`: restart a process over the bound."""
        while not self._closed.wait(MEMORY_POLL):
            upstream, bound = self._upstream, self.max_memory
            if upstream is None or bound is None or upstream.stopped.is_set():
                continue
            held = resident(upstream.pid)
            if held is not None and held > bound:
                self.stop_runaway(upstream, (
                    f"a query made the SPARQL engine hold {held / MIB:,.0f} MiB, over its "
                    f"bound of {format_size(bound)}"
                ))

    def stop_runaway(self, upstream: Upstream, reason: str) -> bool:
        """Kill the process ``upstream`` names, on purpose, for :meth:`watch` to start again.

        ``reason`` ends up in the note and in the answers of the requests it cuts. False (and
        nothing done) when that process is no longer the running one, is already being stopped,
        or ``serve`` is stopping: one restart stops every query that process was running.
        """
        with self._lock:
            child = self.child
            if (
                self._closed.is_set() or self._purpose or child is None
                or upstream is not self._upstream or upstream.stopped.is_set()
            ):
                return False
            self._purpose = reason
            self._ready.clear()  # new requests wait for the new process
            child.kill()  # SIGKILL, at once: the store is read-only, nothing is lost
        return True

    def current(self, timeout: float = READY_TIMEOUT) -> Upstream | None:
        """The running process, waiting up to ``timeout`` s while one is being restarted."""
        if not self._ready.wait(timeout):
            return None
        return self._upstream

    def watch(self, url: str) -> None:
        """Wait for the process to die and restart it; raise once it has died too often.

        Never returns normally: ``serve`` ends by a signal (which interrupts the wait) or by the
        error raised here. ``url`` (the public one) names the failure.
        """
        while True:
            assert self.child is not None
            assert self._upstream is not None
            code = self.child.wait()
            self._ready.clear()
            why = ended(code, self.log)
            with self._lock:
                purpose, self._purpose = self._purpose, ""
                self._upstream.why = why
                self._upstream.restarted_for = purpose
                self._upstream.stopped.set()
            if purpose:  # not a crash: not counted (see the module's docstring)
                self.start()
                self.note(f"cyberflag: note: {purpose}; restarted the SPARQL engine\n")
                continue
            now = time.monotonic()
            while self.restarts and now - self.restarts[0] > RESTART_WINDOW:
                self.restarts.popleft()
            if len(self.restarts) >= MAX_RESTARTS:
                raise EndpointError(
                    url, f"the Oxigraph server stopped ({why}) after {MAX_RESTARTS} restarts "
                         f"within {RESTART_WINDOW:g} s; giving up",
                )
            self.restarts.append(now)
            self.start()
            self.note(f"cyberflag: note: the Oxigraph server stopped ({why}); restarted it\n")

    def stop(self) -> None:
        """Stop the running process (SIGTERM, then SIGKILL after 10 s) and the memory poll."""
        self._closed.set()
        self._ready.clear()
        child = self.child
        if child is None or child.poll() is not None:
            return
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


__all__ = [
    "MAX_RESTARTS",
    "READY_TIMEOUT",
    "RESTART_WINDOW",
    "SERVER_EXTRA",
    "Oxigraph",
    "ServerMissingError",
    "Upstream",
    "ended",
    "find_oxigraph",
    "free_port",
    "last_line",
    "wait_until_ready",
]
