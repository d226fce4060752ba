"""The one HTTP front of ``cyberflag serve``: the public address, which answers only what
``server/routes`` allows and forwards the rest to the engine on its private port.

Why a front at all: Oxigraph's server cannot be told not to federate (a ``SERVICE`` call makes it
fetch from wherever its host can reach, on a stranger's behalf), and one query can crash it. So it
listens only on a private loopback port, and this front, on the public ``--host``/``--port``,
decides what reaches it (the checks are in ``server/routes``); request bodies are bounded (413).
A local application (the site and its query forms) answers the reads it holds before any route.

If the engine dies under a request, that request gets a 502 and a reason (it is not retried: it
may be what killed it); one that found the engine gone before anything was sent is sent again, once,
to the restarted engine. Restarting is the supervisor's job (``server/oxigraph``).

A forwarded request has a deadline for its whole answer (``serve``'s ``--timeout`` and half as long
again). Oxigraph's own time limit does not stop every query, and it cannot be told to cancel one,
so past the deadline the front has the engine restarted (which ends the query) and answers 504 with
the reason; an answer already streaming is cut. Other requests the restart cuts get a 503 saying
why; new ones wait for the new process.
"""

from __future__ import annotations

import http.client
import socket
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import urlsplit

from cyberflag.errors import EndpointError
from cyberflag.server.oxigraph import Upstream
from cyberflag.server.routes import Answer, Incoming, Local, Outgoing, Refused, route

MAX_BODY = 1 << 20
"""The largest request body read (1 MiB): far above any real query, far below harm."""
REQUEST_TIMEOUT = 30.0
"""Seconds a client may take to send its request (a slow sender holds only its own thread)."""
DIED_WAIT = 5.0
"""Seconds to wait, after the engine's connection failed, for the supervisor to report it died."""
LINGER = 5.0
"""Seconds a refused request's unread body is drained, so that its sender sees the refusal."""
# Per-connection headers, and the two the front writes itself, are not copied from the engine.
_NOT_COPIED = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "server", "date",
})


class Engine(Protocol):
    """What the front forwards to: the running engine, waited for while it restarts, and
    restarted on the front's request when a query runs past its deadline."""

    def current(self, timeout: float = ...) -> Upstream | None: ...

    def stop_runaway(self, upstream: Upstream, reason: str) -> bool: ...


def ran_past(limit: float) -> str:
    """Why the engine was restarted, for the note and for the requests it cut."""
    return f"a query ran past {limit:g} s"


def cut_short(upstream: Upstream, error: Exception, died: bool) -> tuple[int, str]:
    """The status and reason for a request whose connection to the engine failed."""
    if died and upstream.restarted_for:
        return 503, (f"the SPARQL engine was restarted ({upstream.restarted_for}); this request "
                     "was stopped with it")
    if died:
        return 502, (f"the SPARQL engine stopped while answering this request ({upstream.why}); "
                     "it is being restarted, and the request was not retried")
    return 502, f"the SPARQL engine did not answer: {error}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    body_read = False
    timeout = REQUEST_TIMEOUT
    protocol_version = "HTTP/1.0"  # one request per connection; an answer ends at the close
    server_version = "cyberflag-serve"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: serve's terminal carries its own notes only."""

    def do_GET(self) -> None:
        """Every method: route, check, forward or refuse."""
        parts = urlsplit(self.path)
        self.body_read = False
        try:
            media = self.headers.get_content_type() if "Content-Type" in self.headers else ""
            incoming = Incoming(self.command, parts.path, parts.query, media, self.body,
                                self.headers.get("Accept", ""))
            local = self.local(incoming)
            if local is not None:
                self.answer(local)
                return
            outgoing = route(self.command, parts.path)(incoming)
        except Refused as refused:
            self.plain(refused.status, refused.reason, refused.headers)
            if not self.body_read and (
                self.headers.get("Content-Length", "0") != "0"
                or "Transfer-Encoding" in self.headers
            ):
                self.linger()
            return
        self.forward(outgoing)

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def body(self) -> bytes:
        """The request body, at most :data:`MAX_BODY` bytes, or :class:`Refused`."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise Refused(411, "send the body with a Content-Length (a chunked body is not read)")
        length = self.headers.get("Content-Length")
        if length is None:
            raise Refused(411, "a Content-Length is required")
        try:
            size = int(length)
        except ValueError:
            raise Refused(400, f"Content-Length {length!r} is not a number") from None
        if not 0 <= size <= MAX_BODY:
            raise Refused(413, f"the request body is {size:,} bytes; at most {MAX_BODY:,} are read")
        data = self.rfile.read(size)
        self.body_read = True
        if len(data) != size:
            raise Refused(400, "the request body ended early")
        return data

    def linger(self) -> None:
        """After refusing a request without reading its body: stop writing, then read and drop
        what the client still sends, for at most :data:`LINGER` s. Closing at once would reset
        the connection while the client is still sending, and it would never see the refusal."""
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + LINGER
            while (left := deadline - time.monotonic()) > 0:
                self.connection.settimeout(left)
                if not self.connection.recv(1 << 16):
                    break
        except OSError:
            pass

    def local(self, incoming: Incoming) -> Answer | None:
        """The local application's answer to a read, if it holds the path. A fault in it is a
        500 with one line, never a traceback on the terminal."""
        app = self.server.local
        if app is None or incoming.method not in ("GET", "HEAD"):
            return None
        try:
            return app(incoming)
        except Refused:
            raise
        except Exception as error:
            raise Refused(500, f"this page failed: {type(error).__name__}: {error}") from None

    def plain(self, status: int, reason: str, headers: dict[str, str] | None = None) -> None:
        """Answer with ``status`` and ``reason`` as one line of plain text."""
        payload = (" ".join(reason.split()) + "\n").encode()
        self.answer(Answer(status, "text/plain; charset=utf-8", payload, headers or {}))

    def answer(self, answer: Answer) -> None:
        """Send an answer the front gives itself, whole (no body for HEAD)."""
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def forward(self, outgoing: Outgoing) -> None:
        """Send ``outgoing`` to the engine and copy its answer back, within the deadline; past
        it, have the engine restarted (the query would run on inside it) and answer 504."""
        engine, limit = self.server.engine, self.server.engine_timeout
        upstream = engine.current()
        for attempt in (1, 2):
            if upstream is None:
                self.plain(502, "the SPARQL engine is not running; try again shortly")
                return
            deadline = time.monotonic() + limit
            connection = http.client.HTTPConnection("127.0.0.1", upstream.port, timeout=limit)
            try:
                headers = {"Accept": self.headers.get("Accept", "*/*")}
                if outgoing.content_type:
                    headers["Content-Type"] = outgoing.content_type
                connection.request(outgoing.method, outgoing.target, outgoing.body, headers)
                response = connection.getresponse()
            except TimeoutError:
                connection.close()
                engine.stop_runaway(upstream, ran_past(limit))
                self.plain(504, f"the query ran past {limit:g} s, this endpoint's limit; the "
                                "SPARQL engine was restarted to stop it")
                return
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                died = upstream.stopped.wait(DIED_WAIT)
                if died and isinstance(error, ConnectionRefusedError) and attempt == 1:
                    upstream = engine.current()  # nothing was sent: send it again
                    continue
                status, reason = cut_short(upstream, error, died)
                self.plain(status, reason, {"Retry-After": "1"} if status == 503 else None)
                return
            try:
                if not self.copy(outgoing.method, response, connection, deadline):
                    engine.stop_runaway(upstream, ran_past(limit))
            finally:
                connection.close()
            return

    def copy(
        self, method: str, response: http.client.HTTPResponse,
        connection: http.client.HTTPConnection, deadline: float,
    ) -> bool:
        """Copy the engine's answer to the client, streamed; a break midway ends the
        connection (too late for a status). False if the deadline passed first."""
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in _NOT_COPIED:
                self.send_header(name, value)
        self.end_headers()
        if method == "HEAD":
            return True
        try:
            while (left := deadline - time.monotonic()) > 0:
                if connection.sock is not None:
                    connection.sock.settimeout(left)
                try:
                    chunk = response.read1(1 << 16)
                except TimeoutError:
                    break
                if not chunk:
                    return True
                self.wfile.write(chunk)
        except (OSError, http.client.HTTPException):
            self.close_connection = True
            return True
        self.close_connection = True
        return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, engine: Engine, engine_timeout: float,
                 local: Local | None = None) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.engine = engine
        self.engine_timeout = engine_timeout
        self.local = local
        super().__init__((host, port), _Handler)

    def server_bind(self) -> None:
        """Bind without ``HTTPServer``'s reverse DNS lookup of the host (slow, and unused)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]


def base_url(host: str, port: int) -> str:
    """``http://host:port`` (an IPv6 literal in brackets; the wildcard shown as localhost)."""
    if host in ("0.0.0.0", "::", ""):
        host = "localhost"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class Front:
    """The front, bound at once (so a port in use fails before any work), serving on
    :meth:`start` in a background thread until :meth:`close`."""

    def __init__(self, host: str, port: int, engine: Engine, *, engine_timeout: float,
                 local: Local | None = None) -> None:
        try:
            self.server = _Server(host, port, engine, engine_timeout, local)
        except OSError as error:
            raise EndpointError(
                base_url(host, port),
                f"cannot listen there: {error.strerror or error} (choose another --port)",
            ) from None
        self.url = base_url(host, int(self.server.server_address[1]))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def mount(self, local: Local) -> None:
        """Have ``local`` answer the reads it holds, before any route."""
        self.server.local = local

    def start(self) -> None:
        """Answer requests from now on."""
        self.thread.start()

    def close(self) -> None:
        """Stop answering and release the port."""
        if self.thread.is_alive():
            self.server.shutdown()
        self.server.server_close()


__all__ = [
    "MAX_BODY", "Engine", "Front", "base_url", "cut_short", "ran_past",
]
