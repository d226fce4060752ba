"""What the HTTP transport (:mod:`cyberflag.sparql.http`) needs to know before it sends anything:
which URLs it accepts, who the requests come from, what sizes mean, and how failures read.

Kept apart from the transport so that each stays short, and so that the words of a failure (what
a user reads on stderr) are written in one place for queries and pushes alike.

Credentials come from ``CYBERFLAG_ENDPOINT_USER`` / ``CYBERFLAG_ENDPOINT_PASSWORD``, never from
the command line, where ``ps`` and shell history would show them; a URL with a ``user:password@``
part is refused, and error messages print the URL without it.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import secrets
import socket
import ssl
from http import HTTPStatus
from urllib.parse import urlsplit

from cyberflag.errors import InputError
from cyberflag.memory import MIB, format_size, machine_memory

ENV_USER = "CYBERFLAG_ENDPOINT_USER"
ENV_PASSWORD = "CYBERFLAG_ENDPOINT_PASSWORD"
ENV_MAX_ANSWER = "CYBERFLAG_MAX_ANSWER"

SERVER_MESSAGE_LIMIT = 300
"""Characters of a server's error text kept in the one-line message."""


_TAGS = re.compile(r"<[^>]*>")


# --- URLs and credentials -------------------------------------------------------------------------


def check_url(url: str, what: str = "endpoint") -> str:
    """``url`` if it is an absolute ``http(s)`` URL without credentials; else :class:`InputError`.

    Credentials in a URL would be visible in ``ps``, shell history and CI logs: they belong in the
    environment (:data:`ENV_USER`, :data:`ENV_PASSWORD`).
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as error:
        raise InputError(f"{what} {url!r} is not a valid URL: {error}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise InputError(f"{what} {url!r} is not an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise InputError(
            f"{what}: put credentials in {ENV_USER} and {ENV_PASSWORD}, not in the URL"
        )
    return url


class Auth:
    """How a request says who sends it.

    A scheme that can speak first (Basic) returns its header from :meth:`header`, sent with every
    request. A challenge-response scheme (Digest) would return ``None`` there and compute its
    header in :meth:`answer` from the server's ``WWW-Authenticate`` challenge of a 401; the
    transport then sends the request once more with it. This base class sends nothing.
    """

    def header(self, method: str, url: str) -> str | None:
        """The ``Authorization`` value to send unasked, or ``None``."""
        return None

    def answer(self, challenge: str, method: str, url: str) -> str | None:
        """The ``Authorization`` value that answers a 401's ``challenge``, or ``None`` (give up)."""
        return None


class BasicAuth(Auth):
    """HTTP Basic: the user and password with every request (use HTTPS beyond localhost)."""

    def __init__(self, user: str, password: str) -> None:
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self.value = f"Basic {token}"

    def header(self, method: str, url: str) -> str | None:
        return self.value


_CHALLENGE_FIELD = re.compile(r'([A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]+)')
_DIGESTS = {
    "MD5": lambda text: hashlib.md5(text.encode()).hexdigest(),
    "SHA-256": lambda text: hashlib.sha256(text.encode()).hexdigest(),
}


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


class DigestAuth(BasicAuth):
    """HTTP Basic, sent unasked as before, and HTTP Digest (RFC 7616: MD5 or SHA-256,
    ``qop=auth``) when the server's 401 asks for it. Why both: Virtuoso's authenticated SPARQL
    endpoint (``/sparql-auth``) takes Digest only, other servers Basic only, and the credentials
    come from the same two variables either way."""

    def __init__(self, user: str, password: str) -> None:
        super().__init__(user, password)
        self.user = user
        self.password = password
        self.count = 0

    def answer(self, challenge: str, method: str, url: str) -> str | None:
        scheme, _, rest = challenge.strip().partition(" ")
        if scheme.lower() != "digest":
            return None
        fields = {
            key.lower(): value[1:-1] if value.startswith('"') else value
            for key, value in _CHALLENGE_FIELD.findall(rest)
        }
        algorithm = fields.get("algorithm", "MD5").upper()
        digest = _DIGESTS.get(algorithm)
        realm, nonce = fields.get("realm"), fields.get("nonce")
        qops = [q.strip() for q in fields.get("qop", "").split(",") if q.strip()]
        if digest is None or realm is None or nonce is None or (qops and "auth" not in qops):
            return None  # a variant not spoken here: the 401 stands
        parts = urlsplit(url)
        uri = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        secret = digest(f"{self.user}:{realm}:{self.password}")
        request = digest(f"{method}:{uri}")
        self.count += 1
        count, cnonce = f"{self.count:08x}", secrets.token_hex(8)
        proof = f"{nonce}:{count}:{cnonce}:auth" if qops else nonce
        header = (
            f'Digest username="{_quoted(self.user)}", realm="{_quoted(realm)}", '
            f'nonce="{_quoted(nonce)}", uri="{_quoted(uri)}", algorithm={algorithm}, '
            f'response="{digest(f"{secret}:{proof}:{request}")}"'
        )
        if qops:
            header += f', qop=auth, nc={count}, cnonce="{cnonce}"'
        if "opaque" in fields:
            header += f', opaque="{_quoted(fields["opaque"])}"'
        return header


def auth_from_environment() -> Auth:
    """Credentials from :data:`ENV_USER` / :data:`ENV_PASSWORD`, Basic or Digest as the server
    asks (:class:`DigestAuth`); no credentials if no user."""
    user = os.environ.get(ENV_USER)
    if not user:
        return Auth()
    return DigestAuth(user, os.environ.get(ENV_PASSWORD, ""))


# --- sizes ----------------------------------------------------------------------------------------


def default_max_answer() -> int:
    """512 MiB, or a quarter of the machine's memory when that is less (at least 16 MiB).

    The answer is held once as bytes, then parsed into rows several times its size: a quarter of
    the memory leaves room for that, and a 512 MiB answer is far beyond any query of this project.
    """
    cap = 512 * MIB
    memory = machine_memory()
    return cap if memory is None else max(16 * MIB, min(cap, memory // 4))


# --- failures as one line -------------------------------------------------------------------------


def server_message(body: bytes | bytearray | str | None) -> str:
    """The server's error text as one short line: tags stripped, whitespace collapsed, cut."""
    if not body:
        return ""
    text = bytes(body).decode("utf-8", "replace") if not isinstance(body, str) else body
    text = " ".join(_TAGS.sub(" ", text).split())
    if len(text) > SERVER_MESSAGE_LIMIT:
        text = text[: SERVER_MESSAGE_LIMIT - 3].rstrip() + "..."
    return text


def http_failure(code: int, body: bytes | bytearray | str | None) -> str:
    """``HTTP 503 Service Unavailable: <the server's message>``."""
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "error"
    message = f"HTTP {code} {phrase}"
    detail = server_message(body)
    if detail:
        message += f": {detail}"
    if code in (401, 403):
        message += f" (credentials are read from {ENV_USER} and {ENV_PASSWORD})"
    return message


def network_failure(error: BaseException) -> str:
    """Why talking to the server failed, in words a user can act on (timeouts are the
    transport's to word: it knows the deadline)."""
    if isinstance(error, ConnectionRefusedError):
        return "connection refused (is the server running, and is this its URL?)"
    if isinstance(error, http.client.IncompleteRead | ConnectionError):
        return "the server closed the connection before a complete answer"
    if isinstance(error, http.client.BadStatusLine):
        return "the answer is not HTTP"
    if isinstance(error, socket.gaierror):
        return f"unknown host ({error.strerror})"
    if isinstance(error, ssl.SSLError):
        return f"TLS failure ({error.reason or error})"
    if isinstance(error, OSError):
        return f"cannot connect ({error.strerror or error})"
    if isinstance(error, http.client.HTTPException):
        return f"HTTP failure ({type(error).__name__})"
    return f"cannot connect ({error})"


def too_large(limit: int) -> str:
    """The answer is over the size limit, and how to raise it."""
    return (
        f"the answer is larger than {format_size(limit)}, the limit on an answer's size "
        f"(raise it with --max-answer or {ENV_MAX_ANSWER})"
    )


def late(timeout: float | None, received: int | None) -> str:
    """The deadline passed: ``received`` is None before the status line, else the body's bytes."""
    within = f"within {timeout:g} s" if timeout else "in time"
    if received is None:
        return f"no answer {within}"
    return f"no complete answer {within} ({received:,} bytes of it received)"


__all__ = [
    "ENV_MAX_ANSWER",
    "ENV_PASSWORD",
    "ENV_USER",
    "Auth",
    "BasicAuth",
    "auth_from_environment",
    "check_url",
    "default_max_answer",
    "http_failure",
    "late",
    "network_failure",
    "server_message",
    "too_large",
]
