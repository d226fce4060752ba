"""A remote SPARQL 1.1 endpoint as an engine: the same interface and results as the embedded ones.

When the graph lives in a shared server (Oxigraph, Fuseki, GraphDB, Virtuoso, ...), ``query``,
``sparql`` and ``who-said`` send the very text they would run locally (saved queries with their
parameters already bound as an inline ``VALUES`` block of serialised RDF terms, see
:mod:`cyberflag.queries.catalogue`) through SPARQLWrapper, and turn the answer into the neutral
:mod:`cyberflag.sparql.results` model, so that :mod:`cyberflag.text.render` prints it exactly as it
prints embedded results.

Why JSON results are read here rather than by pyoxigraph's ``parse_query_results``: both give the
same rows, and on 24,000 rows (50 MB, who-said-what's answer repeated) ``json.loads`` and the
conversion here took 1.4 s against 2.7 s for pyoxigraph's parser and the same conversion.

The dataset. Embedded engines answer over the union of the project's named graphs (one per data
file, plus the ontology). A shared server holds other graphs too, and its default graph may be
empty or something else entirely, depending on the product and its configuration. So every request
names its dataset with the SPARQL Protocol's ``default-graph-uri`` and ``named-graph-uri``
parameters: the project's graphs, and only those, are both the default graph (their merge) and the
named graphs. Which graphs: those the caller names, or else every graph on the server whose IRI
starts with :data:`GRAPH_BASE` (found with one small query, ``GRAPH ?g {}``), so that a teammate's
newer push is seen even when the local checkout is older.

Credentials come from ``CYBERFLAG_ENDPOINT_USER`` / ``CYBERFLAG_ENDPOINT_PASSWORD`` (HTTP Basic),
never from the command line, where ``ps`` and shell history would show them; a URL with a
``user:password@`` part is refused, and error messages print the URL without it.

Every failure (refused, HTTP 4xx/5xx, no answer within the timeout, an answer that is not SPARQL
results) becomes one :class:`~cyberflag.errors.EndpointError` naming the endpoint, with the
server's own message when it sent one. SPARQLWrapper costs about 60 ms to import, so this module is
imported only when ``--endpoint`` is given.
"""

from __future__ import annotations

import ast
import base64
import http.client
import json
import os
import re
import socket
import ssl
import warnings
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

import pyoxigraph as ox

from cyberflag.errors import EndpointError, InputError
from cyberflag.rdf.files import GRAPH_BASE
from cyberflag.sparql.engines import Engine, triple_from_oxigraph
from cyberflag.sparql.results import AskResult, GraphResult, Result, Row, SelectResult, Term
from cyberflag.sparql.syntax import query_form

ENV_USER = "CYBERFLAG_ENDPOINT_USER"
ENV_PASSWORD = "CYBERFLAG_ENDPOINT_PASSWORD"
DEFAULT_TIMEOUT = 60.0
"""Seconds to wait for the server (to connect, and for each read): long enough for any saved query
on a busy server, short enough that a hung server is reported rather than waited on forever."""

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


def credentials() -> tuple[str, str] | None:
    """``(user, password)`` from the environment, or ``None`` when no user is set."""
    user = os.environ.get(ENV_USER)
    if not user:
        return None
    return user, os.environ.get(ENV_PASSWORD, "")


def basic_auth_header() -> dict[str, str]:
    """An ``Authorization`` header from the environment's credentials (empty if none)."""
    found = credentials()
    if found is None:
        return {}
    token = base64.b64encode(f"{found[0]}:{found[1]}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


# --- failures as one line -------------------------------------------------------------------------


def server_message(body: bytes | str | None) -> str:
    """The server's error text as one short line: tags stripped, whitespace collapsed, cut."""
    if not body:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = " ".join(_TAGS.sub(" ", text).split())
    if len(text) > SERVER_MESSAGE_LIMIT:
        text = text[: SERVER_MESSAGE_LIMIT - 3].rstrip() + "..."
    return text


def http_failure(code: int, body: bytes | str | None) -> str:
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


def network_failure(error: BaseException, timeout: float | None) -> str:
    """Why talking to the server failed, in words a user can act on."""
    reason: object = error
    if isinstance(error, URLError) and not isinstance(error, HTTPError):
        reason = error.reason
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the server running, and is this its URL?)"
    if isinstance(reason, TimeoutError) or (
        isinstance(reason, str) and "timed out" in reason
    ):
        return f"no answer within {timeout:g} s" if timeout else "timed out"
    if isinstance(reason, http.client.IncompleteRead | ConnectionError):
        return "the server closed the connection before a complete answer"
    if isinstance(reason, http.client.BadStatusLine):
        return "the answer is not HTTP"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror})"
    if isinstance(reason, ssl.SSLError):
        return f"TLS failure ({reason.reason or reason})"
    if isinstance(reason, OSError):
        return f"cannot connect ({reason.strerror or reason})"
    if isinstance(reason, http.client.HTTPException):
        return f"HTTP failure ({type(reason).__name__})"
    return f"cannot connect ({reason})"


def _wrapper_exception_failure(error: Exception) -> str:
    """SPARQLWrapper turns 400/401/404/414/500 into its own exceptions with the body in the text."""
    from SPARQLWrapper import SPARQLExceptions as E

    codes = {
        E.QueryBadFormed: 400,
        E.Unauthorized: 401,
        E.EndPointNotFound: 404,
        E.URITooLong: 414,
        E.EndPointInternalError: 500,
    }
    code = next((c for cls, c in codes.items() if isinstance(error, cls)), 500)
    text = str(error)
    body: bytes | str | None = None
    if "Response:\n" in text:
        raw = text.split("Response:\n", 1)[1]
        try:
            body = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            body = raw
    return http_failure(code, body)


# --- results --------------------------------------------------------------------------------------


def _not_results(body: bytes, content_type: str, why: str) -> str:
    start = server_message(body[:80]) or "(empty)"
    return (
        f"the answer is not SPARQL results ({why}; Content-Type {content_type or 'none'}; "
        f"starts {start!r})"
    )


def _json_term(value: Any) -> Term:
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise ValueError("a binding is not a term object")
    kind = value.get("type")
    if kind == "uri":
        return Term.uri(value["value"])
    if kind == "bnode":
        return Term.bnode(value["value"])
    if kind in ("literal", "typed-literal"):  # "typed-literal": the 2008 draft, still seen
        return Term.literal(value["value"], value.get("datatype"), value.get("xml:lang"))
    raise ValueError(f"unsupported term type {kind!r}")


def parse_json_results(body: bytes, form: str, content_type: str = "") -> SelectResult | AskResult:
    """SPARQL 1.1 Query Results JSON as a neutral result; :class:`ValueError` if it is not that."""
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(_not_results(body, content_type, "not JSON")) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("head"), dict):
        raise ValueError(_not_results(body, content_type, "no 'head'"))
    if form == "ASK":
        if not isinstance(doc.get("boolean"), bool):
            raise ValueError(_not_results(body, content_type, "no boolean for an ASK query"))
        return AskResult(doc["boolean"])
    variables = doc["head"].get("vars", [])
    results = doc.get("results")
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(variables, list) or not isinstance(bindings, list):
        raise ValueError(_not_results(body, content_type, "no 'results.bindings'"))
    try:
        rows: list[Row] = [
            tuple(_json_term(b[v]) if v in b else None for v in variables) for b in bindings
        ]
    except (TypeError, ValueError, AttributeError) as error:
        raise ValueError(_not_results(body, content_type, str(error))) from None
    return SelectResult(tuple(variables), rows)


def parse_graph(body: bytes, content_type: str) -> GraphResult:
    """A CONSTRUCT/DESCRIBE answer (Turtle, N-Triples or RDF/XML) as a neutral graph."""
    media = content_type.split(";")[0].strip().lower()
    fmt = ox.RdfFormat.from_media_type(media) if media else None
    if fmt is None:
        fmt = ox.RdfFormat.TURTLE  # what was asked for; a wrong guess fails to parse below
    try:
        return GraphResult(
            [triple_from_oxigraph(q) for q in ox.parse(body, format=fmt)]
        )
    except (SyntaxError, ValueError) as error:
        raise ValueError(_not_results(body, content_type, f"not RDF: {error}")) from None


# --- requests -------------------------------------------------------------------------------------


def request(
    endpoint: str,
    text: str,
    *,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Result:
    """Run the query ``text`` at ``endpoint`` (SPARQL 1.1 Protocol) and return neutral results.

    POST with a URL-encoded body: every SPARQL 1.1 server accepts it, and a query with a long
    ``VALUES`` block does not hit URL length limits as GET would. Content negotiation only (no
    ``format=`` parameters, which some servers reject).
    """
    from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    form = query_form(text)
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setMethod(POST)
    wrapper.setRequestMethod(URLENCODED)
    wrapper.setOnlyConneg(True)
    with warnings.catch_warnings():  # its form sniffing warns on some valid queries; we know it
        warnings.simplefilter("ignore")
        wrapper.setQuery(text)
    wrapper.queryType = form
    wrapper.setReturnFormat(JSON if form in ("SELECT", "ASK") else TURTLE)
    wrapper.timeout = timeout  # type: ignore[assignment]  # setTimeout() would truncate to int
    for graph in default_graphs:
        wrapper.addDefaultGraph(graph)
    for graph in named_graphs:
        wrapper.addNamedGraph(graph)
    found = credentials()
    if found is not None:
        wrapper.setCredentials(*found)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            answer = wrapper.query()
        content_type = answer.info().get("content-type", "")
        body = answer.response.read()
    except SPARQLWrapperException as error:
        raise EndpointError(endpoint, _wrapper_exception_failure(error)) from None
    except HTTPError as error:
        try:
            detail = error.read()
        except (OSError, http.client.HTTPException):
            detail = b""
        raise EndpointError(endpoint, http_failure(error.code, detail)) from None
    except (URLError, OSError, http.client.HTTPException) as error:
        raise EndpointError(endpoint, network_failure(error, timeout)) from None
    try:
        if form in ("SELECT", "ASK"):
            return parse_json_results(body, form, content_type)
        return parse_graph(body, content_type)
    except ValueError as error:
        raise EndpointError(endpoint, str(error)) from None


def discover_graphs(
    endpoint: str, *, prefix: str = GRAPH_BASE, timeout: float | None = DEFAULT_TIMEOUT
) -> list[str]:
    """The named graphs on the server whose IRI starts with ``prefix``, sorted.

    ``GRAPH ?g {}`` lists graphs without reading their triples, so this stays cheap on a server
    that holds far more than this project.
    """
    text = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { } "
        f"FILTER (STRSTARTS(STR(?g), {json.dumps(prefix)})) }} ORDER BY ?g"
    )
    result = request(endpoint, text, timeout=timeout)
    if not isinstance(result, SelectResult):
        raise EndpointError(endpoint, "the answer to a SELECT query is not a table of results")
    return sorted(t.value for t in result.column("g") if t is not None and t.is_uri)


def graph_counts(
    endpoint: str, graphs: Sequence[str], *, timeout: float | None = DEFAULT_TIMEOUT
) -> dict[str, int]:
    """Triples in each of ``graphs`` on the server (a graph it does not hold is left out)."""
    if not graphs:
        return {}
    values = " ".join(f"<{g}>" for g in graphs)
    text = (
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
        "GROUP BY ?g"
    )
    result = request(endpoint, text, timeout=timeout)
    if not isinstance(result, SelectResult):
        raise EndpointError(endpoint, "the answer to a SELECT query is not a table of results")
    counts = {}
    for g, n in result.rows:
        if g is None or n is None or not n.value.isdigit():
            raise EndpointError(endpoint, "the answer to a COUNT query is not a number")
        counts[g.value] = int(n.value)
    return counts


class RemoteEngine(Engine):
    """A SPARQL 1.1 Protocol endpoint over the project's named graphs, as an :class:`Engine`.

    ``graphs``: the named graphs that hold the data; ``None`` (the default) finds them on the
    server (every graph under :data:`GRAPH_BASE`) on the first query.
    """

    name = "endpoint"

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        graphs: Sequence[str] | None = None,
    ) -> None:
        self.endpoint = check_url(endpoint)
        self.timeout = timeout
        self.graphs: list[str] | None = list(graphs) if graphs else None

    def dataset(self) -> list[str]:
        """The graphs every query runs over (found on the server the first time)."""
        if self.graphs is None:
            found = discover_graphs(self.endpoint, timeout=self.timeout)
            if not found:
                raise EndpointError(
                    self.endpoint,
                    f"holds no cyberflag graphs (none named {GRAPH_BASE}...); load the data "
                    "with 'cyberflag push', or name the graph(s) with --graph",
                )
            self.graphs = found
        return self.graphs

    def _run(self, text: str) -> Result:
        graphs = self.dataset()
        return request(
            self.endpoint, text, default_graphs=graphs, named_graphs=graphs, timeout=self.timeout
        )


__all__ = [
    "DEFAULT_TIMEOUT",
    "ENV_PASSWORD",
    "ENV_USER",
    "RemoteEngine",
    "basic_auth_header",
    "check_url",
    "credentials",
    "discover_graphs",
    "graph_counts",
    "http_failure",
    "network_failure",
    "parse_graph",
    "parse_json_results",
    "request",
    "server_message",
]
