"""``cyberflag push``: load the dataset into a shared SPARQL server without harming anything else.

What is replaced. The project owns the named graphs under
:data:`~cyberflag.rdf.files.GRAPH_BASE` (one per data file, plus the ontology: the same names as the
embedded store and the TriG export). A push replaces exactly those: every such graph the server
holds now (including any whose file has since been deleted, which would otherwise linger in query
results) and every graph being sent. The default graph and every other named graph are never named
in the request, so they cannot be touched.

Whole or not at all. By default the replacement is ONE SPARQL Update request::

    DROP SILENT GRAPH <g1> ; DROP SILENT GRAPH <g2> ; ...
    INSERT DATA { GRAPH <g1> { ... } GRAPH <g2> { ... } ... }

The SPARQL 1.1 Update spec leaves atomicity of a request to the implementation; Oxigraph, Fuseki
(TDB2) and GraphDB apply one request in one transaction, so readers see the old graphs or the new
ones, never a mixture. One request rather than a Graph Store Protocol PUT per graph, because a PUT
per graph would leave the server half updated if the connection dropped between two PUTs. A request
cut off midway never reaches the server's parser whole and is rejected. With ``--graph IRI``
everything goes into that single graph instead, by one Graph Store Protocol ``PUT`` (with
``--graph-store URL``), which replaces the graph atomically, or by the same DROP + INSERT DATA
request on the update endpoint.

Because the request replaces rather than adds, it is idempotent, so a transient failure (connection
reset, HTTP 502/503/504) can safely be retried: a bounded number of times, with doubling delays.
Afterwards each graph's content on the server is compared with what was sent, triple by triple
(:mod:`cyberflag.server.verify`), and the push fails unless the server holds exactly that.

When the server refuses the update (HTTP 4xx: forbidden, too large, ...), it applied none of it,
by HTTP's rules, and the push fails saying so. When the update fails otherwise, the server may or
may not have applied it: a 504 from a gateway, a
connection cut or a deadline passed after the request was sent say nothing about what the server
did. So the push never guesses: it asks the server (the same comparison, and the triple counts taken
just before the update) and says whether it holds the old data, the new, or that this is unknown.
If it holds the new data, exactly as sent, the push did happen: the lost answer is reported on
stderr and the push succeeds, verified, since its promise (the server holds exactly the data) holds.

``--graph IRI`` must not name a graph under :data:`~cyberflag.rdf.files.GRAPH_BASE`: those are the
per-file graphs, which the next push replaces or drops, and pouring the whole data set into one of
them would make a file's graph hold every file's triples.

Every request (the graph listing, the update or PUT, the counts) goes through
:mod:`cyberflag.sparql.transport`, as queries do: the same credentials, proxies, deadline per
request and bound on an answer's size. The transport writes the body in chunks, so that progress
(bytes sent) can be shown.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pyoxigraph as ox

from cyberflag.errors import EndpointError, InputError
from cyberflag.memory import format_size
from cyberflag.queries.binding import term_text
from cyberflag.rdf.files import GRAPH_BASE
from cyberflag.server.verify import Comparison, Triple, compare, state_after_failure
from cyberflag.sparql.engines import OxigraphEngine
from cyberflag.sparql.remote import discover_graphs, graph_counts
from cyberflag.sparql.transport import (
    DEFAULT_MAX_ANSWER,
    DEFAULT_TIMEOUT,
    Limits,
    Note,
    quiet,
    send,
)
from cyberflag.sparql.wire import check_url

PUSH_TIMEOUT = 300.0
"""Seconds the update (or PUT) may take, from connecting to the server's answer: loading a large
dataset takes the server longer than answering a query."""

RETRIES = 3
"""Transient failures retried, by default, before the push fails."""

# --- what is sent ---------------------------------------------------------------------------------


@dataclass
class Dataset:
    """The triples to push, per named graph, each line a triple in N-Triples syntax, sorted."""

    graphs: dict[str, list[Triple]] = field(default_factory=dict)

    @property
    def triples(self) -> int:
        """Triples over all graphs (a triple stated in two files counts twice, as it is sent)."""
        return sum(len(t) for t in self.graphs.values())

    def merged(self) -> list[Triple]:
        """Every distinct triple of every graph, sorted: the content of one ``--graph`` graph."""
        return sorted({t for triples in self.graphs.values() for t in triples})


def read_dataset(data: Path | str | None = None) -> Dataset:
    """The data directory (default: the shipped data) and the ontology, one graph per file.

    Read through the embedded Oxigraph engine so that the graphs and their names are exactly those
    the embedded queries see.
    """
    store = OxigraphEngine(data).store
    out = Dataset()
    for name in sorted(store.named_graphs(), key=lambda g: g.value):
        triples = {
            (term_text(q.subject), term_text(q.predicate), term_text(q.object))  # type: ignore[arg-type]
            for q in store.quads_for_pattern(None, None, None, name)
        }
        out.graphs[name.value] = sorted(triples)
    return out


def update_body(graphs: dict[str, list[Triple]], drop: Iterable[str] = ()) -> bytes:
    """One SPARQL Update request: drop ``drop`` and every graph in ``graphs``, then insert them."""
    parts = [
        f"DROP SILENT GRAPH {term_text(ox.NamedNode(g))} ;\n"
        for g in sorted(set(drop) | set(graphs))
    ]
    parts.append("INSERT DATA {\n")
    for name, triples in graphs.items():
        parts.append(f"  GRAPH {term_text(ox.NamedNode(name))} {{\n")
        parts.extend(f"    {s} {p} {o} .\n" for s, p, o in triples)
        parts.append("  }\n")
    parts.append("}\n")
    return "".join(parts).encode("utf-8")


def ntriples_body(triples: Iterable[Triple]) -> bytes:
    """N-Triples for a Graph Store Protocol PUT."""
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode("utf-8")


# --- where it is sent -----------------------------------------------------------------------------


def default_update_endpoint(endpoint: str) -> str:
    """The update URL that goes with a query URL: ``.../query`` or ``.../sparql`` → ``.../update``
    (the convention of Oxigraph and Fuseki); any other URL is taken to accept updates itself."""
    parts = urlsplit(endpoint)
    head, _, last = parts.path.rpartition("/")
    if last in ("query", "sparql"):
        return urlunsplit(parts._replace(path=f"{head}/update"))
    return endpoint


def graph_store_url(store: str, graph: str) -> str:
    """The Graph Store Protocol URL of ``graph`` (indirect identification: ``?graph=IRI``)."""
    return f"{store}{'&' if '?' in store else '?'}graph={quote(graph, safe='')}"


# --- sending --------------------------------------------------------------------------------------


class Progress:
    """Bytes sent, on one rewritten stderr line (for a terminal, or when asked)."""

    def __init__(self, label: str, total: int, write: Note, *, every: float = 0.1) -> None:
        self.label = label
        self.total = total
        self.write = write
        self.every = every
        self.shown = 0.0
        self.ended = False  # the line shown is complete (its attempt sent everything)

    def __call__(self, sent: int) -> None:
        now = time.monotonic()
        if sent < self.total and now - self.shown < self.every:
            return
        self.shown = now
        percent = 100 * sent // self.total if self.total else 100
        done, total = format_size(sent), format_size(self.total)
        self.write(f"\r{self.label}: {done} of {total} sent ({percent}%)")
        self.ended = sent >= self.total
        if self.ended:
            self.write("\n")


# --- the push -------------------------------------------------------------------------------------


@dataclass
class PushReport:
    """What a push did, for the summary the command prints."""

    target: str
    method: str
    graphs: dict[str, int]
    dropped: list[str]
    size: int
    seconds: float
    attempts: int
    verified_at: str
    checked: Comparison
    answer_lost: bool = False  # the update failed, but the server was found to hold the new data

    def lines(self) -> list[str]:
        """The summary: what was sent where, and what the server holds afterwards."""
        triples = sum(self.graphs.values())
        n = len(self.graphs)
        out = [
            f"pushed {n} graph{'s' if n != 1 else ''}, {triples:,} triples "
            f"({format_size(self.size)}) to {self.target} by {self.method} in {self.seconds:.2f} s"
            + (" (its answer was lost)" if self.answer_lost else
               f" ({self.attempts} attempts)" if self.attempts > 1 else "")
        ]
        if self.dropped:
            out.append(
                f"dropped {len(self.dropped)} project graph(s) no longer in the data: "
                + ", ".join(self.dropped)
            )
        out.append(
            f"verified at {self.verified_at}: the server holds exactly the triples sent "
            f"({n} graph{'s' if n != 1 else ''}, {triples:,} triples; counted per graph, "
            f"{self.checked.summary()})"
        )
        return out


def check_graph(graph: str) -> None:
    """:class:`InputError` unless ``graph`` is an absolute IRI outside the project's graph base."""
    try:
        ox.NamedNode(graph)
    except ValueError:
        raise InputError(f"--graph {graph!r} is not a valid IRI") from None
    if ":" not in graph:
        raise InputError(f"--graph {graph!r} is not an absolute IRI")
    if graph.startswith(GRAPH_BASE):
        raise InputError(
            f"--graph {graph} is under {GRAPH_BASE}, where each data file has its own graph: "
            "the whole data set poured into one of them would be replaced or dropped by the next "
            "push; name a graph outside it, or push without --graph (one graph per file)"
        )


def push(
    endpoint: str,
    *,
    data: Path | str | None = None,
    update_endpoint: str | None = None,
    graph_store: str | None = None,
    graph: str | None = None,
    timeout: float | None = PUSH_TIMEOUT,
    max_answer: int = DEFAULT_MAX_ANSWER,
    retries: int = RETRIES,
    backoff: float = 1.0,
    note: Note = quiet,
    progress: bool = False,
) -> PushReport:
    """Replace the project's graph(s) at the server with the data; verify; report.

    ``endpoint`` is the query endpoint (used to find the project's graphs and to verify);
    ``update_endpoint`` defaults to :func:`default_update_endpoint`. ``graph`` puts everything
    into that one graph (by Graph Store ``PUT`` when ``graph_store`` is given). ``timeout`` is
    the deadline of the update (each attempt), the listing and the counts having at most
    :data:`~cyberflag.sparql.transport.DEFAULT_TIMEOUT`; ``max_answer`` bounds every answer.
    ``note`` receives progress and retry messages (for stderr).
    """
    check_url(endpoint)
    if graph_store is not None:
        check_url(graph_store, "graph store")
        if graph is None:
            raise InputError(
                "--graph-store replaces one graph: give it with --graph IRI (without --graph, "
                "the per-file graphs are replaced together by one SPARQL Update request)"
            )
    if graph is not None:
        check_graph(graph)
    update_url = check_url(update_endpoint or default_update_endpoint(endpoint), "update endpoint")
    query_limits = Limits(min(timeout, DEFAULT_TIMEOUT) if timeout else DEFAULT_TIMEOUT, max_answer)

    dataset = read_dataset(data)
    dropped: list[str] = []
    if graph is None:
        present = discover_graphs(endpoint, prefix=GRAPH_BASE, limits=query_limits)
        dropped = sorted(set(present) - set(dataset.graphs))
        sent = {**{g: [] for g in dropped}, **dataset.graphs}
        body = update_body(dataset.graphs, dropped)
        method, target, content_type = "POST", update_url, "application/sparql-update"
        how = "one SPARQL Update request"
    else:
        merged = dataset.merged()
        sent = {graph: merged}
        if graph_store is not None:
            body = ntriples_body(merged)
            method, target = "PUT", graph_store_url(graph_store, graph)
            content_type = "application/n-triples"
            how = "Graph Store PUT"
        else:
            body = update_body({graph: merged})
            method, target, content_type = "POST", update_url, "application/sparql-update"
            how = "one SPARQL Update request"

    before = graph_counts(endpoint, sorted(sent), limits=query_limits)
    shown = target if graph_store is None else graph_store
    meter = Progress(f"cyberflag: pushing to {shown}", len(body), note) if progress else None
    started = time.monotonic()
    checked: Comparison | None = None
    try:
        attempts = send(
            method, target, body=body, headers={"Content-Type": content_type},
            limits=Limits(timeout, max_answer), retries=retries, backoff=backoff, note=note,
            progress=meter,
        ).attempts
    except EndpointError as failure:
        if meter is not None and not meter.ended:
            note("\n")  # end the progress line before the error's
        if failure.refused:  # a definite no (403, 413, ...): nothing to ask the server about
            raise EndpointError(
                failure.endpoint, f"{failure.message}; the server refused the update, so it "
                "applied none of it", failure.status
            ) from None
        checked, holds = state_after_failure(endpoint, sent, before, limits=query_limits)
        if checked is None:
            raise EndpointError(failure.endpoint, f"{failure.message}; {holds}") from None
        note(f"cyberflag: {failure}; but {holds}\n")
        attempts = 0
    seconds = time.monotonic() - started

    lost = checked is not None
    checked = checked or compare(endpoint, sent, limits=query_limits)
    if not checked.exact:
        raise EndpointError(
            endpoint, f"after the push the server does not hold what was sent: {checked.problem()}"
        )
    return PushReport(
        target=shown,
        method=how,
        graphs={g: len(t) for g, t in sent.items() if g not in dropped},
        dropped=dropped,
        size=len(body),
        seconds=seconds,
        attempts=attempts,
        verified_at=endpoint,
        checked=checked,
        answer_lost=lost,
    )


__all__ = [
    "PUSH_TIMEOUT",
    "RETRIES",
    "Dataset",
    "PushReport",
    "check_graph",
    "default_update_endpoint",
    "graph_store_url",
    "ntriples_body",
    "push",
    "read_dataset",
    "update_body",
]
