"""The one HTTP front of ``cyberflag serve``: everything the public address answers, routed in
one table (:data:`ROUTES`).

Why a front at all: Oxigraph's server cannot be told not to federate (a ``SERVICE`` call makes it
fetch from wherever its host can reach, on a stranger's behalf), and one query can crash it. So it
listens only on a private loopback port, and this front, on the public ``--host``/``--port``,
decides what reaches it. A query is read with the project's tokenizer and refused before it is
forwarded when it calls ``SERVICE`` (403) or nests deeper than the parsers survive (400); every
update and Graph Store write is refused (403); request bodies are bounded (413). Each refusal is an
HTTP status and one line of plain text saying why.

What is forwarded is rebuilt from what was checked, never the bytes that came in: a query, however
it arrived (GET, a form, ``application/sparql-query``), goes on as a form re-encoded from the
fields that were read, so the engine cannot read a request differently from the check.

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
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit

from cyberflag.errors import EndpointError
from cyberflag.server.oxigraph import Upstream
from cyberflag.sparql.syntax import QuerySyntaxError, check_nesting, query_form, uses_service

MAX_BODY = 1 << 20
"""The largest request body read (1 MiB): far above any real query, far below harm."""
REQUEST_TIMEOUT = 30.0
"""Seconds a client may take to send its request (a slow sender holds only its own thread)."""
DIED_WAIT = 5.0
"""Seconds to wait, after the engine's connection failed, for the supervisor to report it died."""
LINGER = 5.0
"""Seconds a refused request's unread body is drained, so that its sender sees the refusal."""
FORM = "application/x-www-form-urlencoded"
READ_ONLY = "this endpoint is read-only: updates and Graph Store writes are refused"
NO_SERVICE = (
    "federated queries (SERVICE) are refused: this endpoint answers from its own data only"
)
# Per-connection headers, and the two the front writes itself, are not copied from the engine.
_NOT_COPIED = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "server", "date",
})


class Refused(Exception):
    """An answer the front gives itself: ``status`` and a one-line ``reason``."""

    def __init__(self, status: int, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.headers = headers or {}


@dataclass(frozen=True)
class Incoming:
    """A request as the routes see it. ``body`` reads the bounded body, for routes that need it
    (a refused write is answered without reading what it sent)."""

    method: str
    path: str
    query: str
    content_type: str
    """The media type, lower case, without parameters; ``""`` if none was sent."""
    body: Callable[[], bytes]


@dataclass(frozen=True)
class Outgoing:
    """What the engine is sent."""

    method: str
    target: str
    body: bytes | None = None
    content_type: str | None = None


Action = Callable[[Incoming], Outgoing]


def passthrough(incoming: Incoming) -> Outgoing:
    """A read (the query page, its assets, a graph): forwarded as it came, without a body."""
    target = incoming.path + (f"?{incoming.query}" if incoming.query else "")
    return Outgoing(incoming.method, target)


def read_only(incoming: Incoming) -> Outgoing:
    """An update or a Graph Store write: refused, whatever it holds."""
    raise Refused(403, READ_ONLY)


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "the request body is not UTF-8") from None


def sparql_query(incoming: Incoming) -> Outgoing:
    """A SPARQL protocol query (GET, a form, or ``application/sparql-query``): checked, then
    forwarded as a form rebuilt from the fields read."""
    fields = parse_qsl(incoming.query, keep_blank_values=True)
    if incoming.method == "POST":
        kind = incoming.content_type
        if kind == "application/sparql-update":
            raise Refused(403, READ_ONLY)
        if kind == "application/sparql-query":
            fields.append(("query", _text(incoming.body())))
        elif kind == FORM:
            fields += parse_qsl(_text(incoming.body()), keep_blank_values=True)
        else:
            raise Refused(
                415, f"send the query as application/sparql-query or as a form ({FORM}), "
                     f"not {kind or 'a body without a Content-Type'}",
            )
    if any(name == "update" for name, _ in fields):
        raise Refused(403, READ_ONLY)
    texts = [value for name, value in fields if name == "query"]
    if len(texts) != 1:
        raise Refused(400, "more than one query parameter" if texts else "no query parameter")
    vet(texts[0])
    return Outgoing("POST", incoming.path, urlencode(fields).encode("ascii"), FORM)


def vet(text: str) -> None:
    """Refuse a query the engine must not run: SERVICE, too deep, or an update."""
    if uses_service(text):
        raise Refused(403, NO_SERVICE)
    try:
        check_nesting(text, "query")
    except QuerySyntaxError as error:
        raise Refused(400, str(error)) from None
    if query_form(text) == "UPDATE":
        raise Refused(403, READ_ONLY)


_PAGE: dict[str, Action] = {"GET": passthrough, "HEAD": passthrough}
_QUERY: dict[str, Action] = {"GET": sparql_query, "POST": sparql_query}
_WRITES: dict[str, Action] = dict.fromkeys(("POST", "PUT", "DELETE", "PATCH"), read_only)

ROUTES: dict[str, dict[str, Action]] = {
    # Oxigraph's YASGUI query page and what it loads
    "/": _PAGE,
    "/yasgui.min.js": _PAGE,
    "/yasgui.min.css": _PAGE,
    "/logo.svg": _PAGE,
    # the SPARQL protocol: the page queries /sparql by default, other tools /query
    "/query": _QUERY,
    "/sparql": _QUERY,
    "/update": {"GET": read_only, **_WRITES},
    # the Graph Store protocol: reading a graph is a read
    "/store": {**_PAGE, **_WRITES},
}
"""Every path the front answers, and how, per method. Anything else is a 404 or a 405."""


def route(method: str, path: str) -> Action:
    """The action for ``method`` on ``path``, or :class:`Refused` (404, 405)."""
    methods = ROUTES.get(path)
    if methods is None:
        raise Refused(404, f"nothing at {path}")
    action = methods.get(method)
    if action is None:
        allowed = ", ".join(sorted(methods))
        raise Refused(405, f"{method} is not answered at {path} (only {allowed})",
                      {"Allow": allowed})
    return action


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
            action = route(self.command, parts.path)
            media = self.headers.get_content_type() if "Content-Type" in self.headers else ""
            outgoing = action(Incoming(self.command, parts.path, parts.query, media, self.body))
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

    def plain(self, status: int, reason: str, headers: dict[str, str] | None = None) -> None:
        """Answer with ``status`` and ``reason`` as one line of plain text."""
        payload = (" ".join(reason.split()) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

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

    def __init__(self, host: str, port: int, engine: Engine, engine_timeout: float) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.engine = engine
        self.engine_timeout = engine_timeout
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

    def __init__(self, host: str, port: int, engine: Engine, *, engine_timeout: float) -> None:
        try:
            self.server = _Server(host, port, engine, engine_timeout)
        except OSError as error:
            raise EndpointError(
                base_url(host, port),
                f"cannot listen there: {error.strerror or error} (choose another --port)",
            ) from None
        self.url = base_url(host, int(self.server.server_address[1]))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        """Answer requests from now on."""
        self.thread.start()

    def close(self) -> None:
        """Stop answering and release the port."""
        if self.thread.is_alive():
            self.server.shutdown()
        self.server.server_close()


__all__ = [
    "MAX_BODY", "NO_SERVICE", "READ_ONLY", "ROUTES", "Engine", "Front", "Incoming", "Outgoing",
    "Refused", "base_url", "cut_short", "passthrough", "ran_past", "read_only", "route",
    "sparql_query", "vet",
]
