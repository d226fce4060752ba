"""The one HTTP path for the SPARQL protocol: every request to a server goes through :func:`send`.

Queries, the graph discovery before them, updates, Graph Store PUTs and the counts that verify a
push all travel here (:mod:`cyberflag.sparql.remote`, :mod:`cyberflag.server.push`), so they share
one set of guarantees:

- A deadline per request. Connecting, sending and reading the whole answer, redirects included,
  end within ``Limits.timeout`` seconds. A socket timeout bounds only each wait, and a server that
  sends one byte a second never trips it; so a timer shuts the socket down at the deadline, which
  wakes any blocked read or write, and the deadline is checked between reads. (Name resolution
  happens before there is a socket and is bounded by the system's resolver alone.)
- A maximum answer size. The body is read in chunks of :data:`CHUNK` bytes into one buffer,
  counted, and refused once it passes ``Limits.max_answer`` (at once, when ``Content-Length``
  already says so). It is held once: the buffer is what the parser reads. Error bodies are read
  only as far as their message needs (:data:`ERROR_BODY_LIMIT`).
- Credentials from the environment (:class:`~cyberflag.sparql.wire.Auth`), proxies from the
  environment (``http_proxy``, ``https_proxy``, ``no_proxy``, as urllib reads them), at most
  :data:`MAX_REDIRECTS` redirects (credentials go only to the URL's own origin), TLS with the
  system's certificates.
- Failures as one :class:`~cyberflag.errors.EndpointError`, worded from the status and the body
  themselves (:mod:`cyberflag.sparql.wire`), and retries of transient failures (connection reset
  or cut short, HTTP 502, 503, 504) for the callers that ask for them: a push, which replaces and
  so is idempotent.

Why :mod:`http.client` rather than urllib: a deadline needs the socket, and a bounded read the raw
stream, which urllib's opener keeps behind its handlers; and urllib reports an HTTP error as an
exception, which SPARQLWrapper then rewrites into its own exceptions with the body inside their
text. SPARQLWrapper stays the query client: it builds the request (the protocol's parameters,
the dataset, the Accept header) and this module sends it.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from cyberflag.errors import EndpointError, InputError
from cyberflag.sparql.wire import (
    Auth,
    BasicAuth,
    auth_from_environment,
    default_max_answer,
    http_failure,
    late,
    network_failure,
    too_large,
)

DEFAULT_TIMEOUT = 60.0
"""Seconds a query may take, answer included: long enough for any saved query on a busy server,
short enough that a hung or dripping server is reported rather than waited on."""

DEFAULT_MAX_ANSWER = default_max_answer()
"""Bytes an answer may have: 512 MiB, or a quarter of the memory when that is less."""

MAX_REDIRECTS = 5
TRANSIENT_STATUS = frozenset({502, 503, 504})
"""HTTP statuses from a proxy or a server that is restarting or busy: worth another try."""

CHUNK = 64 * 1024
ERROR_BODY_LIMIT = 64 * 1024
"""Bytes of an error answer read: the message keeps a few hundred characters of it."""

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_TRANSIENT_ERRORS = (
    ConnectionResetError, BrokenPipeError, ConnectionAbortedError,
    http.client.IncompleteRead, http.client.BadStatusLine,
)

Note = Callable[[str], None]
Progress = Callable[[int], None]


def quiet(_: str) -> None:
    """A :data:`Note` that says nothing (when no one is listening)."""
    return None


@dataclass(frozen=True)
class Limits:
    """How long one request may take (seconds; ``None``: no deadline) and how many bytes its
    answer may have."""

    timeout: float | None = DEFAULT_TIMEOUT
    max_answer: int = DEFAULT_MAX_ANSWER


@dataclass
class Answer:
    """A successful (2xx) answer: its body, held once, and how many attempts it took."""

    status: int
    content_type: str
    body: bytearray
    url: str
    attempts: int = 1


class Failure(Exception):
    """One attempt failed: what to tell the user, and whether another attempt may succeed."""

    def __init__(
        self, url: str, message: str, transient: bool = False, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.url = url
        self.message = message
        self.transient = transient
        self.status = status


class Deadline:
    """The end of a request's time, and a timer that cuts its socket when that time comes."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.end = None if seconds is None else time.monotonic() + seconds
        self.cut = False
        self.received: int | None = None  # body bytes read so far (None: no status line yet)

    @property
    def passed(self) -> bool:
        return self.cut or (self.end is not None and time.monotonic() >= self.end)

    def remaining(self, url: str) -> float | None:
        """Seconds left, for a socket timeout; :class:`Failure` once none are left."""
        if self.end is None:
            return None
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.failure(url)
        return left

    def failure(self, url: str) -> Failure:
        return Failure(url, late(self.seconds, self.received))

    def guard(self, connection: http.client.HTTPConnection) -> threading.Timer | None:
        """Start the timer that shuts the connection's socket down at the deadline."""
        if self.end is None or connection.sock is None:
            return None
        sock = connection.sock

        def cut() -> None:
            self.cut = True
            with contextlib.suppress(OSError):  # the plain socket's, also under TLS: it wakes
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # a blocked read at once

        timer = threading.Timer(max(0.0, self.end - time.monotonic()), cut)
        timer.daemon = True
        timer.start()
        return timer


# --- one exchange ---------------------------------------------------------------------------------


def _proxy(scheme: str, host: str) -> tuple[str, int | None, str | None] | None:
    """The environment's proxy for ``scheme`` (host, port, Basic credentials), unless
    ``no_proxy`` exempts ``host``."""
    url = urllib.request.getproxies().get(scheme)
    if not url or urllib.request.proxy_bypass(host):
        return None
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if not parts.hostname:
        return None
    login = None
    if parts.username is not None:
        login = BasicAuth(unquote(parts.username), unquote(parts.password or "")).value
    return parts.hostname, parts.port, login


def _socket(connection: http.client.HTTPConnection, url: str) -> socket.socket:
    """The connection's socket; gone only if the deadline's timer shut it (a failure, as such)."""
    if connection.sock is None:
        raise Failure(url, "the connection was closed before the answer came")
    sock: socket.socket = connection.sock
    return sock


def _connection(url: str) -> tuple[http.client.HTTPConnection, str, dict[str, str]]:
    """An unconnected connection for ``url`` (through the environment's proxy, if any), the
    request target to send, and headers the proxy needs."""
    parts = urlsplit(url)
    if not parts.hostname:  # check_url refuses these before any request; send is public
        raise InputError(f"{url!r} is not an http:// or https:// URL")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    proxy = _proxy(parts.scheme, parts.hostname)
    extra: dict[str, str] = {}
    if parts.scheme == "https":
        context = ssl.create_default_context()
        if proxy is None:
            return http.client.HTTPSConnection(parts.hostname, parts.port, context=context), \
                target, extra
        connection = http.client.HTTPSConnection(proxy[0], proxy[1], context=context)
        connection.set_tunnel(
            parts.hostname, parts.port, {"Proxy-Authorization": proxy[2]} if proxy[2] else None
        )
        return connection, target, extra
    if proxy is None:
        return http.client.HTTPConnection(parts.hostname, parts.port), target, extra
    if proxy[2]:
        extra["Proxy-Authorization"] = proxy[2]
    return http.client.HTTPConnection(proxy[0], proxy[1]), url.split("#", 1)[0], extra


def _read(
    response: http.client.HTTPResponse, limit: int, strict: bool, deadline: Deadline, url: str
) -> bytearray:
    """The body, chunk by chunk, checking the deadline between reads. Past ``limit`` bytes:
    :class:`Failure` when ``strict`` (an answer), else the first ``limit`` bytes (an error's
    message needs no more)."""
    if strict and response.length is not None and response.length > limit:
        raise Failure(url, too_large(limit))
    body = bytearray()
    deadline.received = 0
    while True:
        deadline.remaining(url)
        chunk = response.read1(CHUNK)
        if not chunk:
            return body
        if len(body) + len(chunk) > limit:
            if strict:
                raise Failure(url, too_large(limit))
            body += chunk[: limit - len(body)]
            return body
        body += chunk
        deadline.received = len(body)


def _attempt(
    method: str,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    limits: Limits,
    deadline: Deadline,
    progress: Progress | None,
) -> tuple[int, http.client.HTTPMessage, bytearray]:
    """One request on one connection: status, headers and (bounded) body."""
    connection, target, extra = _connection(url)
    connection.timeout = deadline.remaining(url)
    timer = None
    try:
        connection.connect()
        timer = deadline.guard(connection)
        connection.putrequest(method, target, skip_accept_encoding=True)
        for key, value in {**headers, **extra}.items():
            connection.putheader(key, value)
        if body or method in ("POST", "PUT"):
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()
        view = memoryview(body)
        for start in range(0, len(body), CHUNK):
            _socket(connection, url).settimeout(deadline.remaining(url))
            connection.send(view[start : start + CHUNK])
            if progress is not None:
                progress(min(start + CHUNK, len(body)))
        if progress is not None and not body:
            progress(0)
        _socket(connection, url).settimeout(deadline.remaining(url))
        response = connection.getresponse()
        ok = 200 <= response.status < 300
        content = _read(
            response, limits.max_answer if ok else ERROR_BODY_LIMIT, ok, deadline, url
        )
        return response.status, response.headers, content
    except Failure:
        raise
    except (OSError, http.client.HTTPException, ValueError) as error:
        if deadline.passed or isinstance(error, TimeoutError):
            raise deadline.failure(url) from None
        raise Failure(url, network_failure(error), isinstance(error, _TRANSIENT_ERRORS)) from None
    finally:
        if timer is not None:
            timer.cancel()
        connection.close()


def exchange(
    method: str,
    url: str,
    *,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    limits: Limits | None = None,
    auth: Auth | None = None,
    progress: Progress | None = None,
) -> Answer:
    """One request and its whole answer, redirects and an authentication challenge followed,
    within one deadline; :class:`Failure` unless the final status is 2xx.

    ``auth`` defaults to the environment's credentials; they are sent only to ``url``'s origin.
    A 303 turns the request into a GET; other redirects repeat it, body and all (a SPARQL
    endpoint that moved still wants its query).
    """
    limits = limits or Limits()
    auth = auth if auth is not None else auth_from_environment()
    deadline = Deadline(limits.timeout)
    origin = urlsplit(url)[:2]
    sent = {"User-Agent": "cyberflag", **(headers or {})}
    authorization = auth.header(method, url)
    challenged = probed = False
    redirects = 0
    while True:
        own = urlsplit(url)[:2] == origin
        wanted = dict(sent)
        if own and authorization:
            wanted["Authorization"] = authorization
        status, reply, content = _attempt(method, url, body, wanted, limits, deadline, progress)
        if 200 <= status < 300:
            return Answer(status, reply.get("Content-Type", ""), content, url)
        challenge = reply.get("WWW-Authenticate", "") if status == 401 and own else ""
        if status == 401 and own and not challenge and authorization and not probed:
            # Refused without saying how to authenticate: Virtuoso's Digest endpoint answers a
            # Basic header so. Asked once without one, it sends its Digest challenge.
            probed, authorization = True, None
            continue
        if challenge and not challenged:
            challenged = True
            again = auth.answer(challenge, method, url)
            if again:
                authorization = again
                continue
        location = reply.get("Location")
        if status in _REDIRECTS and location:
            redirects += 1
            if redirects > MAX_REDIRECTS:
                break
            url = urljoin(url, location)
            if urlsplit(url).scheme not in ("http", "https"):
                raise Failure(url, f"redirected to {url}, which is not an http(s) URL")
            if status == 303:
                method, body = "GET", b""
                sent = {k: v for k, v in sent.items() if k.lower() != "content-type"}
            continue
        raise Failure(url, http_failure(status, content), status in TRANSIENT_STATUS, status)
    raise Failure(url, f"more than {MAX_REDIRECTS} redirects")


def send(
    method: str,
    url: str,
    *,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    limits: Limits | None = None,
    retries: int = 0,
    backoff: float = 1.0,
    note: Note = quiet,
    progress: Progress | None = None,
) -> Answer:
    """:func:`exchange`, retrying a transient failure up to ``retries`` times with doubling
    delays (each attempt with its own deadline); :class:`EndpointError` when it fails.

    A retried request ends, on failure, with ``(gave up after N attempts)``;
    ``note`` hears of each retry (for stderr).
    """
    delay = backoff
    for attempt in range(retries + 1):
        try:
            answer = exchange(
                method, url, body=body, headers=headers, limits=limits, progress=progress
            )
        except Failure as failure:
            if not failure.transient:
                raise EndpointError(failure.url, failure.message, failure.status) from None
            last = failure
        else:
            answer.attempts = attempt + 1
            return answer
        if attempt == retries:
            break
        note(f"cyberflag: {last.url}: {last.message}; retrying in {delay:g} s "
             f"({attempt + 1} of {retries})\n")
        time.sleep(delay)
        delay *= 2
    if retries == 0:
        raise EndpointError(last.url, last.message, last.status)
    raise EndpointError(
        last.url, f"{last.message} (gave up after {retries + 1} attempts)", last.status
    )


__all__ = [
    "CHUNK",
    "DEFAULT_MAX_ANSWER",
    "DEFAULT_TIMEOUT",
    "MAX_REDIRECTS",
    "TRANSIENT_STATUS",
    "Answer",
    "Deadline",
    "Failure",
    "Limits",
    "exchange",
    "quiet",
    "send",
]
