"""What ``serve``'s front answers at each path: the one table of routes (:data:`ROUTES`), the
checks a query passes before it is forwarded, and the answers the front gives itself.

Why a table: the public address answers a closed set of paths, each with the methods it allows,
so that what the server exposes can be read in one place. A query is read with the project's
tokenizer and refused before it is forwarded when it calls ``SERVICE`` (403) or nests deeper than
the parsers survive (400); every update and Graph Store write is refused (403). Each refusal is an
HTTP status and one line of plain text saying why.

What is forwarded is rebuilt from what was checked, never the bytes that came in: a query, however
it arrived (GET, a form, ``application/sparql-query``), goes on as a form re-encoded from the
fields that were read, so the engine cannot read a request differently from the check.

Paths outside the table may be answered by a local application (the site and the query forms,
``site/serving``): it gets the reads, and answers with an :class:`Answer` of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from cyberflag.sparql.syntax import QuerySyntaxError, check_nesting, query_form, uses_service

FORM = "application/x-www-form-urlencoded"
READ_ONLY = "this endpoint is read-only: updates and Graph Store writes are refused"
NO_SERVICE = (
    "federated queries (SERVICE) are refused: this endpoint answers from its own data only"
)


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
    accept: str = ""
    """The ``Accept`` header, for a local application's content negotiation."""


@dataclass(frozen=True)
class Outgoing:
    """What the engine is sent."""

    method: str
    target: str
    body: bytes | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class Answer:
    """What the front answers itself, for a local application: a status, a media type and the
    whole body (a page, a file, a download)."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


Local = Callable[[Incoming], "Answer | None"]
"""A local application: the answer to a read it holds, or ``None`` for a path it does not."""


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


__all__ = [
    "FORM", "NO_SERVICE", "READ_ONLY", "ROUTES", "Action", "Answer", "Incoming", "Local",
    "Outgoing", "Refused", "passthrough", "read_only", "route", "sparql_query", "vet",
]
