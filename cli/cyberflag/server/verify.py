"""What a SPARQL server holds of a push: each graph's content compared with what was sent.

Why content and not only counts. Most corrections to the data (a misquoted word, a wrong date)
change a triple without changing how many there are, so a server that answered 200 and stored
nothing held the same count per graph as the new data would: a count-only check called the push
verified while the server held the old text.

How, in standard SPARQL 1.1 only (so on any server):

1. One query counts the triples of every graph concerned (the graphs sent, and the project graphs
   being dropped, which must now hold none).
2. For each graph whose count is right, the server is asked which of the sent triples it lacks, in
   batches of about :data:`BATCH_BYTES` of query text::

       SELECT ?g ?s ?p ?o WHERE {
         VALUES (?g ?s ?p ?o) { (<g> <s> <p> "o") ... }
         FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } }
       }

   A graph is a set and the triples sent to it are distinct, so a graph that lacks none of them and
   holds as many triples as were sent holds exactly them: nothing missing, nothing extra, nothing
   changed. The normal answer is empty, so the answers stay small; a batch's answer can never be
   larger than the batch.

Why not a digest: a hash of the graph's triples concatenated (``GROUP_CONCAT`` under ``SHA256``)
depends on the order ``GROUP_CONCAT`` meets them, which SPARQL leaves to the server, even under
``ORDER BY``; it would fail on a correct server. Comparing the triples themselves needs no order.

Blank nodes. The data has none, but a file could. A blank node sent in ``INSERT DATA`` becomes a
new node with a label the server chooses, and ``VALUES`` cannot hold blank nodes, so a triple with
one cannot be looked up; such triples are left out of the lookup and count only through the graph's
count, and the report says how many were checked that way (:attr:`Comparison.by_count_only`).

Every query goes through :func:`~cyberflag.sparql.remote.select`, so the transport's deadline
(per query) and answer size bound apply. Cost, against a local Oxigraph server: see the README's
"Using a shared server".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from cyberflag.errors import EndpointError
from cyberflag.rdf.escape import escape_iri
from cyberflag.sparql.remote import graph_counts, select
from cyberflag.sparql.transport import Limits

Triple = tuple[str, str, str]
"""Subject, predicate and object in N-Triples syntax (also valid SPARQL)."""

BATCH_BYTES = 256 * 1024
"""Triples' text per lookup query. The query travels URL-encoded, about 1.4 times larger: some
servers' default form limit is 1 MB or less (Jetty's, under Fuseki, is 200 KB unless raised), and
fewer, larger queries cost less in round trips. 256 KB keeps each query under 400 KB."""

EXAMPLE_CHARS = 120
"""How much of a missing triple an error message quotes."""


def _blank(triple: Triple) -> bool:
    return any(term.startswith("_:") for term in triple)


@dataclass
class Difference:
    """One graph that does not hold exactly what was sent to it."""

    graph: str
    sent: int
    held: int
    missing: int | None = None  # sent triples it lacks; None: not looked up (the count differs,
    # so the graph differs whatever it holds; extra triples always show here)
    example: str = ""  # one of the missing triples, shortened

    def text(self) -> str:
        """One clause saying how the graph differs."""
        where = f"<{self.graph}>"
        if self.sent == 0:
            return f"{where} was to be dropped but holds {self.held:,} triples"
        if self.held == 0:
            return f"{where} holds none of the {self.sent:,} triples sent"
        if self.missing is None:
            return f"{where} holds {self.held:,} triples, not the {self.sent:,} sent"
        return (  # looked up only when the count was right: others stand in for the missing
            f"{where} holds as many triples as were sent ({self.sent:,}) but lacks "
            f"{self.missing:,} of them, e.g. {self.example}"
        )


@dataclass
class Comparison:
    """What the server holds of the graphs sent: their counts, and the graphs that differ."""

    counts: dict[str, int]
    differences: list[Difference] = field(default_factory=list)
    looked_up: int = 0  # triples whose presence was asked for
    queries: int = 0  # requests the comparison took
    by_count_only: int = 0  # triples with a blank node: checked only through their graph's count

    @property
    def exact(self) -> bool:
        return not self.differences

    def summary(self) -> str:
        """One clause on how the content was compared, for the verified line."""
        how = f"{self.looked_up:,} triples looked up in {self.queries} queries"
        if self.by_count_only:
            how += f"; {self.by_count_only:,} with blank nodes checked by count only"
        return how

    def problem(self) -> str:
        """The differences as one clause (the first three named)."""
        shown = "; ".join(d.text() for d in self.differences[:3])
        more = len(self.differences) - 3
        if more <= 0:
            return shown
        return shown + f"; and {more} more graph{'s differ' if more > 1 else ' differs'}"


def _shorten(text: str) -> str:
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"


def batches(
    graphs: Mapping[str, Sequence[Triple]], limit: int = BATCH_BYTES
) -> Iterator[list[tuple[str, Triple]]]:
    """(graph, triple) pairs, blank-node triples left out, in runs of about ``limit`` bytes."""
    batch: list[tuple[str, Triple]] = []
    size = 0
    for graph, triples in graphs.items():
        for triple in triples:
            if _blank(triple):
                continue
            batch.append((graph, triple))
            size += len(graph) + sum(map(len, triple)) + 8
            if size >= limit:
                yield batch
                batch, size = [], 0
    if batch:
        yield batch


def lookup_query(batch: Sequence[tuple[str, Triple]]) -> str:
    """The query for the triples of ``batch`` that their graph lacks."""
    rows = "\n".join(f"    ({escape_iri(g)} {s} {p} {o})" for g, (s, p, o) in batch)
    return (
        "SELECT ?g ?s ?p ?o WHERE {\n  VALUES (?g ?s ?p ?o) {\n"
        f"{rows}\n  }}\n  FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} }}\n}}\n"
    )


def compare(
    endpoint: str,
    graphs: Mapping[str, Sequence[Triple]],
    *,
    limits: Limits | None = None,
    batch_bytes: int = BATCH_BYTES,
) -> Comparison:
    """Compare what ``endpoint`` holds in each of ``graphs`` with its triples (distinct; an empty
    list: the graph must hold none). :class:`EndpointError` if the server cannot be asked."""
    counts = graph_counts(endpoint, sorted(graphs), limits=limits)
    out = Comparison(counts, queries=1)
    same_size: dict[str, Sequence[Triple]] = {}
    for graph, triples in graphs.items():
        held = counts.get(graph, 0)
        if held != len(triples):
            out.differences.append(Difference(graph, len(triples), held))
        elif triples:
            same_size[graph] = triples
    out.by_count_only = sum(_blank(t) for ts in same_size.values() for t in ts)
    missing: dict[str, list[str]] = {}
    for batch in batches(same_size, batch_bytes):
        result = select(endpoint, lookup_query(batch), limits=limits)
        out.queries += 1
        out.looked_up += len(batch)
        rows: list[tuple[str, Triple]] = []
        for g, *terms in result.rows:
            if g is None or None in terms:
                raise EndpointError(endpoint, "a row of the lookup's answer lacks a term")
            s, p, o = (t.n3() for t in terms if t is not None)
            rows.append((g.value, (s, p, o)))
        if len(batch) > 1 and rows:
            rows = _recheck(endpoint, rows, out, limits)
        for graph, triple in rows:
            missing.setdefault(graph, []).append(" ".join(triple))
    for graph, lacking in missing.items():
        if graph not in same_size:
            raise EndpointError(endpoint, f"the lookup's answer names <{graph}>, not asked about")
        out.differences.append(
            Difference(graph, len(same_size[graph]), counts[graph], len(lacking),
                       _shorten(min(lacking)))
        )
    return out


RECHECKED = 16
"""How many triples a batch's lookup calls missing are looked up again on their own, at first."""


def _recheck(
    endpoint: str, rows: list[tuple[str, Triple]], out: Comparison, limits: Limits | None
) -> list[tuple[str, Triple]]:
    """The triples a batch's lookup called missing that a lookup of their own confirms missing.

    Why: Virtuoso 7.2 answers the batch query with triples it does hold (a string or two beside
    a typed literal in the same ``VALUES``, depending on its plan), while the same triple asked
    alone is found. So the first :data:`RECHECKED` are asked alone; when all of them are indeed
    missing, the batch's answer is trusted (a server that lost data loses many: one query each
    would be slow); when any is found, every one is asked alone.
    """
    def lacks(row: tuple[str, Triple]) -> bool:
        out.queries += 1
        return bool(select(endpoint, lookup_query([row]), limits=limits).rows)

    first = [row for row in rows[:RECHECKED] if lacks(row)]
    if len(first) == len(rows[:RECHECKED]):
        return rows
    return first + [row for row in rows[RECHECKED:] if lacks(row)]


def state_after_failure(
    endpoint: str,
    graphs: Mapping[str, Sequence[Triple]],
    before: Mapping[str, int],
    *,
    limits: Limits | None = None,
) -> tuple[Comparison | None, str]:
    """After an update that failed: what the server holds, as a clause, with the comparison when
    it holds the new data (``None`` otherwise).

    A failure does not say whether the server applied the update: a 504 from a gateway, a
    connection cut or a deadline passed after the request was sent can each follow a commit.

    ``graphs`` is what was sent (dropped graphs with no triples), ``before`` the triples per
    project graph counted just before the update. The new data: every graph exactly as sent. The
    old: not the new, and every graph with the count it had before; since the update is one
    request, which the servers named in :mod:`cyberflag.server.push` apply whole or not at all,
    a server without the new data holds the old. Anything else, or a server that cannot be asked,
    is unknown.
    """
    try:
        found = compare(endpoint, graphs, limits=limits)
    except EndpointError as error:
        return None, f"what the server holds is unknown (checking failed: {error.message}): " \
                     "run push again"
    if found.exact:
        return found, "the server holds the new data (verified: " + found.summary() + ")"
    if all(found.counts.get(g, 0) == before.get(g, 0) for g in {*graphs, *before}):
        if not any(before.values()):
            return None, "the server still holds none of the data (checked after the failure)"
        n = len(found.differences)
        return None, (
            "the server still holds the old data (checked after the failure: every graph has "
            f"the triple count it had before the push, and {n} graph{'s' if n > 1 else ''} "
            "differ from what was sent)"
        )
    return None, (
        "what the server holds is unknown (neither the old triple counts nor the new data: "
        f"{found.problem()}): run push again"
    )


__all__ = [
    "BATCH_BYTES",
    "Comparison",
    "Difference",
    "Triple",
    "batches",
    "compare",
    "lookup_query",
    "state_after_failure",
]
