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


class Oxigraph:
    """The read-only Oxigraph server over ``location``, one process at a time.

    :meth:`start` runs the first process; :meth:`watch` (in the main thread, so that SIGINT and
    SIGTERM interrupt it) waits for it to die and restarts it within the bound; :meth:`current`
    gives the front the running process, waiting while a restart is under way; :meth:`stop` ends it.
    """

    def __init__(
        self, binary: Path, location: Path, logs: Path, *, timeout: int, note: Note
    ) -> None:
        self.binary, self.location, self.logs = binary, location, logs
        self.timeout = timeout
        self.note = note
        self.child: subprocess.Popen[bytes] | None = None
        self.log = logs / "server-0.log"
        self.runs = 0
        self.restarts: deque[float] = deque()
        self._ready = threading.Event()
        self._upstream: Upstream | None = None

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
        self._upstream = Upstream(port, self.child.pid)
        self._ready.set()

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
            self._upstream.why = why
            self._upstream.stopped.set()
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
        """Stop the running process (SIGTERM, then SIGKILL after 10 s)."""
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
