"""A remote SPARQL 1.1 endpoint as an engine: the same interface and results as the embedded ones.

When the graph lives in a shared server (Oxigraph, Fuseki, GraphDB, Virtuoso, ...), ``query``,
``sparql`` and ``who-said`` send the very text they would run locally (saved queries with their
parameters already bound as an inline ``VALUES`` block of serialised RDF terms, see
:mod:`cyberflag.queries.catalogue`) through SPARQLWrapper, and turn the answer into the neutral
:mod:`cyberflag.sparql.results` model, so that :mod:`cyberflag.text.render` prints it exactly as it
prints embedded results.

Results are read by :mod:`cyberflag.sparql.answers` (JSON, or XML when the server answers so).

The dataset. Embedded engines answer over the union of the project's named graphs (one per data
file, plus the ontology). A shared server holds other graphs too, and its default graph may be
empty or something else entirely, depending on the product and its configuration. So every request
names its dataset with the SPARQL Protocol's ``default-graph-uri`` and ``named-graph-uri``
parameters: the project's graphs, and only those, are both the default graph (their merge) and the
named graphs. Which graphs: those the caller names, or else every graph on the server whose IRI
starts with :data:`GRAPH_BASE` (found with one small query, or two: see :func:`discover_graphs`),
so that a teammate's newer push is seen even when the local checkout is older.

Every request goes through :mod:`cyberflag.sparql.transport`, the project's one HTTP path:
credentials from the environment, a deadline on the whole answer, a bound on its size. SPARQLWrapper
builds the request (the protocol's parameters, the dataset, the Accept header) and the transport
sends it; SPARQLWrapper's own sending is not used, because it cannot bound an answer in time or
size and reports a server's error body only inside its exceptions' text. Every failure (refused,
HTTP 4xx/5xx, too slow, too large, an answer that is not SPARQL results) becomes one
:class:`~cyberflag.errors.EndpointError` naming the endpoint, with the server's own message when it
sent one. SPARQLWrapper costs about 60 ms to import, so this module is imported only when
``--endpoint`` is given.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from urllib.parse import quote_plus

import pyoxigraph as ox

from cyberflag.errors import EndpointError
from cyberflag.rdf.escape import escape_iri
from cyberflag.rdf.files import GRAPH_BASE
from cyberflag.sparql.answers import ANSWER_TYPES, not_results, parse_json_results, parse_results
from cyberflag.sparql.engines import Engine, triple_from_oxigraph
from cyberflag.sparql.results import GraphResult, Result, SelectResult
from cyberflag.sparql.syntax import query_form
from cyberflag.sparql.transport import DEFAULT_TIMEOUT, Limits, send
from cyberflag.sparql.wire import check_url

LISTING_HINT = "(while listing its named graphs: name them with --graph to skip this)"
"""Added to a server's error answer to the graph discovery: a server that cannot list its graphs
can still run every query over graphs it is told."""

# --- results --------------------------------------------------------------------------------------


def parse_graph(body: bytes | bytearray, content_type: str) -> GraphResult:
    """A CONSTRUCT/DESCRIBE answer (Turtle, N-Triples or RDF/XML) as a neutral graph."""
    media = content_type.split(";")[0].strip().lower()
    fmt = ox.RdfFormat.from_media_type(media) if media else None
    if fmt is None:
        fmt = ox.RdfFormat.TURTLE  # what was asked for; a wrong guess fails to parse below
    try:
        return GraphResult(
            [triple_from_oxigraph(q) for q in ox.parse(bytes(body), format=fmt)]
        )
    except (SyntaxError, ValueError) as error:
        raise ValueError(not_results(body, content_type, f"not RDF: {error}")) from None


# --- requests -------------------------------------------------------------------------------------


def prepare(
    endpoint: str,
    text: str,
    *,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
) -> tuple[str, str, bytes, dict[str, str]]:
    """The SPARQL 1.1 Protocol request for the query ``text``, as SPARQLWrapper builds it:
    method, URL, body and headers, ready for :func:`~cyberflag.sparql.transport.send`.

    POST with a URL-encoded body: every SPARQL 1.1 server accepts it, and a query with a long
    ``VALUES`` block does not hit URL length limits as GET would. Content negotiation only (no
    ``format=`` parameters, which some servers reject). ``_createRequest`` is SPARQLWrapper's
    own step that assembles the request before sending it: using it keeps SPARQLWrapper as the
    client that speaks the protocol while the transport alone does the sending. Credentials are
    not given to it: the transport adds them.
    """
    from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper

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
    for graph in default_graphs:
        wrapper.addDefaultGraph(graph)
    for graph in named_graphs:
        wrapper.addNamedGraph(graph)
    built = wrapper._createRequest()
    data = built.data or b""
    if not isinstance(data, bytes):  # SPARQLWrapper URL-encodes the form: always bytes
        raise TypeError(f"SPARQLWrapper built a {type(data).__name__} request body")
    headers = dict(built.header_items())
    if form in ("SELECT", "ASK"):  # JSON first, but XML is read too (sparql/answers)
        headers = {k: v for k, v in headers.items() if k.lower() != "accept"}
        headers["Accept"] = ANSWER_TYPES
    return built.get_method(), built.full_url, data, headers


def request(
    endpoint: str,
    text: str,
    *,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    limits: Limits | None = None,
) -> Result:
    """Run the query ``text`` at ``endpoint`` (SPARQL 1.1 Protocol) and return neutral results,
    the answer bounded in time and size by ``limits``."""
    method, url, body, headers = prepare(
        endpoint, text, default_graphs=default_graphs, named_graphs=named_graphs
    )
    answer = send(method, url, body=body, headers=headers, limits=limits)
    form = query_form(text)
    try:
        if form in ("SELECT", "ASK"):
            return parse_results(answer.body, form, answer.content_type)
        return parse_graph(answer.body, answer.content_type)
    except ValueError as error:
        raise EndpointError(endpoint, str(error)) from None


def form_body(text: str) -> bytes:
    """``query=`` and ``text`` URL-encoded, as ``urlencode({"query": text})`` gives it, faster on
    long, repetitive text: encoding is per character in Python (2.4 s for the 36 MB of queries that
    verify 100,000 triples), but the same IRIs and words recur, so each space-separated piece is
    encoded once (0.65 s). A space is ``+`` either way, so the pieces join back exactly."""
    done: dict[str, str] = {}
    pieces = []
    for piece in text.split(" "):
        encoded = done.get(piece)
        if encoded is None:
            encoded = done[piece] = quote_plus(piece)
        pieces.append(encoded)
    return ("query=" + "+".join(pieces)).encode("ascii")


def select(endpoint: str, text: str, *, limits: Limits | None = None) -> SelectResult:
    """Run the SELECT query ``text`` (which names its graphs itself) and return its table.

    The request is the protocol's URL-encoded POST, as :func:`prepare` builds it, but built here:
    SPARQLWrapper's preparation reads the whole text with regular expressions to find the query's
    form, 0.1 s for a 256 KB query, and push's verification sends the whole data set as queries
    (0.1 s a batch made checking 100,000 triples take 10 s instead of 2 s). The form is known,
    and these queries need no dataset parameters.
    """
    body = form_body(text)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ANSWER_TYPES}
    answer = send("POST", endpoint, body=body, headers=headers, limits=limits)
    try:
        result = parse_results(answer.body, "SELECT", answer.content_type)
    except ValueError as error:
        raise EndpointError(endpoint, str(error)) from None
    if not isinstance(result, SelectResult):  # parse_results gives a table for SELECT
        raise EndpointError(endpoint, "the answer to a SELECT query is not a table of results")
    return result


def discover_graphs(
    endpoint: str, *, prefix: str = GRAPH_BASE, limits: Limits | None = None
) -> list[str]:
    """The named graphs on the server whose IRI starts with ``prefix``, sorted.

    First ``GRAPH ?g {}``, which lists graphs without reading their triples, so this stays cheap
    on a server that holds far more than this project (Oxigraph, Fuseki). Some servers answer it
    with no rows at all (Virtuoso matches the empty pattern in no graph): then the graphs are
    found from their triples, ``GRAPH ?g { ?s ?p ?o }``, which reads every triple of the
    project's graphs once but no other graph's (the prefix filter comes first), and its answer is
    bounded like any other. A server that refuses both gives one error saying so, and that
    ``--graph`` names the graphs instead.
    """
    found: list[str] = []
    for pattern in ("", "?s ?p ?o"):
        text = (
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {pattern} }} "
            f"FILTER (STRSTARTS(STR(?g), {json.dumps(prefix)})) }} ORDER BY ?g"
        )
        try:
            result = select(endpoint, text, limits=limits)
        except EndpointError as error:
            # Unreachable, slow, garbled or refusing these credentials: --graph would not help.
            if error.status is None or error.status in (401, 403):
                raise
            raise EndpointError(
                endpoint, f"{error.message} {LISTING_HINT}", error.status
            ) from None
        found = sorted(t.value for t in result.column("g") if t is not None and t.is_uri)
        if found:
            break
    return found


def graph_counts(
    endpoint: str, graphs: Sequence[str], *, limits: Limits | None = None
) -> dict[str, int]:
    """Triples in each of ``graphs`` on the server (a graph it does not hold is left out)."""
    if not graphs:
        return {}
    values = " ".join(escape_iri(g) for g in graphs)
    text = (
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
        "GROUP BY ?g"
    )
    result = select(endpoint, text, limits=limits)
    counts = {}
    for g, n in result.rows:
        if g is None or n is None or not n.value.isdigit():
            raise EndpointError(endpoint, "the answer to a COUNT query is not a number")
        counts[g.value] = int(n.value)
    return counts


class RemoteEngine(Engine):
    """A SPARQL 1.1 Protocol endpoint over the project's named graphs, as an :class:`Engine`.

    ``graphs``: the named graphs that hold the data; ``None`` (the default) finds them on the
    server (every graph under :data:`GRAPH_BASE`) on the first query. ``timeout`` (seconds) and
    ``max_answer`` (bytes) bound each request, the discovery included.
    """

    name = "endpoint"

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        graphs: Sequence[str] | None = None,
        max_answer: int | None = None,
    ) -> None:
        self.endpoint = check_url(endpoint)
        self.limits = Limits(timeout) if max_answer is None else Limits(timeout, max_answer)
        self.graphs: list[str] | None = list(graphs) if graphs else None

    def dataset(self) -> list[str]:
        """The graphs every query runs over (found on the server the first time)."""
        if self.graphs is None:
            found = discover_graphs(self.endpoint, limits=self.limits)
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
            self.endpoint, text, default_graphs=graphs, named_graphs=graphs, limits=self.limits
        )


__all__ = [
    "RemoteEngine",
    "discover_graphs",
    "form_body",
    "graph_counts",
    "parse_graph",
    "parse_json_results",
    "prepare",
    "request",
    "select",
]
