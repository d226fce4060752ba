"""What a change can affect, and what a check reads.

A shape, or the anchoring and arithmetic layers, checking a node *f* reads the triples of nodes at
most :data:`DEPTH` hops from *f*, following triples forwards (the longest chain is span → article
→ body span → its position selector); and some checks also read the triples pointing at *f* and
what lies a few links forwards of their subjects: which nodes, through which predicates and how
far is derived from the shapes at start-up and declared by the other layers
(:class:`~cyberflag.checks.incremental.reach.Reach`: a report's back link from its statement, a
span's users and its reports' surroundings for editorial rule 1, the external fact backing an
organisation's legal name, ...).

So, after a change to the triples of the nodes *S* (with IRI objects *O*), the nodes to re-check
are *S*, every node from which a node of *S* can be reached in :data:`DEPTH` hops, and, for each
inbound rule, the nodes it selects among *O* and among the objects of the nodes it reads behind
them (:func:`affected`); and a node is checked on the triples of every node within :data:`DEPTH`
hops of it and, where a rule selects it, the triples pointing at it and their subjects'
surroundings (:func:`context`): everything its checks read, so its findings are those of a full
run. Shapes that read further than this can follow leave the reach ``uncovered``
(:func:`uncovered`), and the driver checks the whole graph at once instead.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from cyberflag.checks.incremental.cache import Cache
from cyberflag.checks.incremental.reach import DEPTH, SPAN, Reach, derive
from cyberflag.checks.layers import consistency
from cyberflag.rdf.namespaces import CF, ORG, QB

EXPLAINED = str(CF.ExplainedConflict)


def affected(
    cache: Cache, subjects: set[str], objects: set[str], changed_sources: list[str], reach: Reach
) -> set[str]:
    """The nodes whose checks may read the triples of ``subjects`` (with IRI objects
    ``objects``, before and after the change), and the spans of the articles whose source text
    changed."""
    found = set(subjects)
    frontier = set(subjects)
    behind = [set(subjects)]  # behind[i]: the nodes i links back from a changed one
    for _ in range(DEPTH):
        frontier = cache.referrers(frontier) - found
        found |= frontier
        behind.append(frontier)
    for rule in reach.inbound:
        # A rule's node reads the subjects of the links pointing at it, and what lies within
        # hops - 1 links forwards of them: so the nodes that such a changed node's links, now or
        # before (objects), point at.
        near = set().union(*behind[: rule.hops])
        candidates = (objects | cache.objects(near, rule.predicates)) - found
        found |= cache.targets(candidates, rule.kind, rule.nodes)
    if changed_sources:
        found |= spans_of_sources(cache, changed_sources)
    return found


def spans_of_sources(cache: Cache, files: list[str]) -> set[str]:
    """The spans of the articles whose source text is one of ``files``."""
    articles = cache.subjects_with(str(CF.sourceFile), files)
    return cache.referrers(articles) & cache.nodes_of_type(SPAN) if articles else set()


def context(cache: Cache, focus: set[str], reach: Reach) -> Graph:
    """Everything the checks of the ``focus`` nodes read (see the module docstring)."""
    graph = cache.graph(cache.closure(focus, DEPTH), ())
    for rule in reach.inbound:
        targets = cache.targets(focus, rule.kind, rule.nodes)
        if not targets:
            continue
        links = list(cache.pointing(targets, rule.predicates))
        graph.addN((s, p, o, graph) for s, p, o in links)
        if rule.hops:
            behind = cache.closure({str(s) for s, _, _ in links}, rule.hops - 1)
            graph.addN((s, p, o, graph) for s, p, o in cache.triples(behind, ()))
    return graph


def uncovered(shapes: Graph, ontology: Graph | None = None) -> str | None:
    """Why the incremental check cannot follow what ``shapes`` read (``None``: it can); see
    :func:`cyberflag.checks.incremental.reach.derive`."""
    return derive(shapes, ontology if ontology is not None else Graph()).uncovered


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
    "DEPTH", "EXPLAINED", "SPAN", "affected", "context", "group_graph", "regrouped",
    "spans_of_sources", "uncovered",
]
