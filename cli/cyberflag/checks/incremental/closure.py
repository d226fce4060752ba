"""How far from a node its checks read, and so what a change can affect.

A shape, or the anchoring and arithmetic layers, checking a node *f* reads the triples of nodes at
most :data:`DEPTH` hops from *f*, following triples forwards (the longest chain is span → article
→ body span → its position selector), and for reports and spans (:data:`INBOUND_TYPES`) the
triples pointing at *f* too (a report's back link, a span's users). Editorial rule 1 judges a span
by the report that targets it, its statement and its other segments: a span's reports and what
lies within :data:`REPORT_HOPS` of them.

So, after a change to the triples of the nodes *S* (with IRI objects *O*), the nodes to re-check
are *S*, every node from which a node of *S* can be reached in :data:`DEPTH` hops, and the reports
and spans among *O* (:func:`affected`); and a node is checked on the triples of every node within
:data:`DEPTH` hops of it, the triples pointing at it when it is a report or a span, and its
reports' surroundings (:func:`context`): everything its checks read, so its findings are those of
a full run.

These bounds are checked against the shapes at start-up (:func:`uncovered`): shapes that read
further make the incremental check fall back to a full run rather than miss a finding.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from cyberflag.checks.incremental.cache import Cache
from cyberflag.checks.layers import consistency
from cyberflag.rdf.namespaces import CF, OA, ORG, QB

DEPTH = 3
"""How far (in triples) from a node its checks read: span → article → body → position."""

INBOUND_TYPES = (
    "https://w3id.org/cyberflag/ontology#Report",
    "http://www.w3.org/ns/oa#SpecificResource",
)
"""The kinds of node whose checks also read the triples pointing at them: a report's back link
from its statement (``cf:ReportBacklinkShape``), a span's users (``cf:SpanInBodyShape``). A node
of any other kind is unaffected by a change of the triples pointing at it."""

REPORT_HOPS = 2
"""How far from a span's reports its checks read (editorial rule 1: the report's statement and
its kind, the report's other segments)."""

EXPLAINED = str(CF.ExplainedConflict)
SPAN = str(OA.SpecificResource)


def affected(
    cache: Cache, subjects: set[str], objects: set[str], changed_sources: list[str]
) -> set[str]:
    """The nodes whose checks may read the triples of ``subjects`` (with IRI objects
    ``objects``), and the spans of the articles whose source text changed."""
    found = set(subjects)
    frontier = set(subjects)
    for _ in range(DEPTH):
        frontier = cache.referrers(frontier) - found
        found |= frontier
    found |= cache.typed(objects - found, INBOUND_TYPES)
    if changed_sources:
        found |= spans_of_sources(cache, changed_sources)
    return found


def spans_of_sources(cache: Cache, files: list[str]) -> set[str]:
    """The spans of the articles whose source text is one of ``files``."""
    articles = cache.subjects_with(str(CF.sourceFile), files)
    return cache.referrers(articles) & cache.nodes_of_type(SPAN) if articles else set()


def context(cache: Cache, focus: set[str]) -> Graph:
    """Everything the checks of the ``focus`` nodes read (see the module docstring)."""
    graph = cache.graph(cache.closure(focus, DEPTH), cache.typed(focus, INBOUND_TYPES))
    # Spans reach their reports only backwards, so those reports' neighbourhoods are added.
    reports = {str(s) for s, _, o in graph.triples((None, OA.hasTarget, None)) if str(o) in focus}
    if reports:
        graph += cache.graph(cache.closure(reports, REPORT_HOPS), ())
    return graph


def uncovered(shapes: Graph) -> str | None:
    """Why :data:`DEPTH` and :data:`INBOUND_TYPES` may miss what ``shapes`` read (``None``: they
    cover it), from the shapes themselves: the core shapes' reach
    (:func:`cyberflag.checks.shacl.validator.core_reach`) and each batched SPARQL constraint's
    (:func:`cyberflag.checks.shacl.algebra.reach`). A constraint that cannot be batched may read
    anything, and is not covered either."""
    from cyberflag.checks.shacl import algebra, batching, validator

    batched = batching.batchable(shapes)
    core = validator.core_reach(batching.without(shapes, batched))
    if core is None:
        return "the shapes hold a constraint whose reach has no bound"
    if core > DEPTH:
        return f"the shapes read {core} links from a node, more than the {DEPTH} allowed for"
    for constraint in batched:
        name = str(constraint.shape).rsplit("#", 1)[-1].rsplit("/", 1)[-1]  # its local name
        found = algebra.reach(constraint.query)
        if found is None:
            return f"{name} reads the data without a bound the incremental check can follow"
        furthest, inbound = found
        if furthest > DEPTH:
            return f"{name} reads {furthest} links from a node, more than the {DEPTH} allowed for"
        classes = {str(node) for kind, node in constraint.targets if kind == "targetClass"}
        if inbound and (not classes or not classes <= set(INBOUND_TYPES)):
            return f"{name} reads the triples pointing at nodes other than reports and spans"
    return None


def group_graph(cache: Cache, members: set[str], explained: set[str]) -> Graph:
    """What the consistency layer compares: the group members and everything within
    :data:`DEPTH` hops of them, with only the members typed as figures, statements or memberships
    (so that nodes at the edge, whose own surroundings are not all there, form no groups)."""
    grouped = {QB.Observation, CF.Statement, ORG.Membership}
    kept = {URIRef(n) for n in members}
    graph = Graph()
    graph.addN(
        (s, p, o, graph)
        for s, p, o in cache.triples(cache.closure(members | explained, DEPTH), ())
        if not (p == RDF.type and o in grouped and s not in kept)
    )
    return graph


def regrouped(
    cache: Cache, nodes: set[str], keys_before: dict[str, list[str]]
) -> tuple[dict[str, list[str]], set[str], set[str]]:
    """The consistency groups after a change to ``nodes``: every node's groups now, the groups
    with a changed member (recomputed whole), and all their members."""
    own = cache.graph(nodes, ())  # their own triples: what their groups depend on
    keys_now = {n: k for n, k in keys_before.items() if n not in nodes}
    keys_now.update(consistency.group_keys(own, (URIRef(n) for n in nodes)))
    groups = {k for n in nodes for k in keys_before.get(n, []) + keys_now.get(n, [])}
    members = {n for n, ks in keys_now.items() if groups.intersection(ks)}
    return keys_now, groups, members


__all__ = [
    "DEPTH", "EXPLAINED", "INBOUND_TYPES", "REPORT_HOPS", "SPAN", "affected", "context",
    "group_graph", "regrouped", "spans_of_sources",
]
