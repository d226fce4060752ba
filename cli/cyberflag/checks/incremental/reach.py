"""What the checks of a node read beyond the triples forwards of it, derived from the shapes at
start-up (issue #11) and declared by the layers that are not shapes.

Why: the incremental check re-checks a node when something its checks read changed, and checks it
on a graph holding just that (:mod:`cyberflag.checks.incremental.closure`). Most checks read
forwards from their node, at most :data:`DEPTH` links. Some also read the triples pointing *at*
it, and the other triples of the nodes they come from: a report's back link from its statement
(``cf:ReportBacklinkShape``), a span's users (``cf:SpanInBodyShape``, the anchoring layer), the
``cf:ExternalFact`` backing an organisation's legal name (``?fact rdf:subject $this ; rdf:object
?v``, ``cf:ExternalFactBackingShape``). A hand-kept list of such node kinds went stale when the
last was added; here each SHACL-SPARQL constraint's query says what it reads
(:func:`cyberflag.checks.shacl.algebra.reach`) and its targets say of which nodes, as
:class:`Inbound` rules. The anchoring layer and editorial rule 1 are Python, not shapes: they
declare their reach next to their code (:data:`cyberflag.checks.layers.anchoring.READS`,
:data:`cyberflag.checks.layers.quotations.REPORT_HOPS`).

Shapes that read further than the incremental check can follow (more than :data:`DEPTH` links, a
repeating path, a constraint that cannot be analysed) leave :attr:`Reach.uncovered` set: the
driver then checks the whole graph at once, in full, and says why.

The analysis takes about a second on the shipped shapes, so a full run stores its result in the
cache, whose runs all share the shapes (a changed shapes file means a full run).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SH

from cyberflag.checks.layers import anchoring, quotations
from cyberflag.rdf.namespaces import OA

DEPTH = anchoring.READS
"""How far (in links) the incremental check follows from a node, forwards, or back to the nodes
pointing at it then forwards: the anchoring layer's span → article → body → position, which the
longest shapes match. Shapes reading further make it check in full."""

SPAN = str(OA.SpecificResource)



@dataclass(frozen=True)
class Inbound:
    """The checks of some nodes read the triples pointing at them."""

    kind: str
    """How the nodes are chosen, as a SHACL target: ``targetClass``, ``targetNode``,
    ``targetSubjectsOf`` or ``targetObjectsOf``."""
    nodes: tuple[str, ...]
    """The classes (with their subclasses), the nodes, or the predicates of the target."""
    predicates: tuple[str, ...] | None
    """The predicates of the triples pointing at them that are read (``None``: any)."""
    hops: int
    """``0``: those triples only; ``n``: and the triples of the nodes within ``n - 1`` links
    forwards of their subjects (``1``: the subjects' own triples)."""
    by: str
    """The shape or layer that reads them (for messages and tests)."""


@dataclass(frozen=True)
class Reach:
    """Every :class:`Inbound` rule of the shapes and layers, or why they cannot be followed."""

    inbound: tuple[Inbound, ...]
    uncovered: str | None = None
    """Why the incremental check cannot follow what the shapes read (``None``: it can)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "inbound": [
                [r.kind, list(r.nodes), None if r.predicates is None else list(r.predicates),
                 r.hops, r.by]
                for r in self.inbound
            ],
            "uncovered": self.uncovered,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Reach:
        return cls(
            tuple(
                Inbound(kind, tuple(nodes), None if preds is None else tuple(preds), hops, by)
                for kind, nodes, preds, hops, by in value["inbound"]
            ),
            value["uncovered"],
        )


LAYERS = (
    Inbound("targetClass", (SPAN,), None, 0, "the anchoring layer (a span's users)"),
    Inbound("targetClass", (SPAN,), (str(OA.hasTarget),), quotations.REPORT_HOPS + 1,
            "editorial rule 1 (a span's reports)"),
)
"""What the layers that are not shapes read behind a node (see their modules)."""


def derive(shapes: Graph, ontology: Graph) -> Reach:
    """The :class:`Inbound` rules of ``shapes`` (classes widened to their subclasses in
    ``ontology``) and of the layers; or why the shapes read beyond what the incremental check can
    follow: the core shapes' reach (:func:`cyberflag.checks.shacl.validator.core_reach`, forwards
    only), each batched SPARQL constraint's (:func:`cyberflag.checks.shacl.algebra.reach`). A
    constraint that cannot be batched may read anything, and is not covered."""
    from cyberflag.checks.shacl import algebra, batching, validator

    batched = batching.batchable(shapes)
    done = {(c.shape, c.constraint) for c in batched}
    for shape, sparql in sorted(shapes.subject_objects(SH.sparql)):
        if (shape, sparql) not in done:
            return Reach(LAYERS, f"{_name(shape)} has a SPARQL constraint outside what can be "
                                 "analysed, which may read anything")
    core = validator.core_reach(batching.without(shapes, batched))
    if core is None:
        return Reach(LAYERS, "the shapes hold a constraint whose reach has no bound")
    if core > DEPTH:
        return Reach(LAYERS, f"the shapes read {core} links from a node, "
                             f"more than the {DEPTH} allowed for")
    rules = list(LAYERS)
    classes = ontology + shapes  # where subclasses are declared
    for constraint in batched:
        name = _name(constraint.shape)
        found = algebra.reach(constraint.query)
        if found is None:
            return Reach(LAYERS, f"{name} reads the data without a bound "
                                 "the incremental check can follow")
        if max(found.forward, found.inbound or 0) > DEPTH:
            furthest = max(found.forward, found.inbound or 0)
            return Reach(LAYERS, f"{name} reads {furthest} links from a node, "
                                 f"more than the {DEPTH} allowed for")
        if found.inbound is None:
            continue
        predicates = None if found.predicates is None else tuple(sorted(found.predicates))
        for kind, node in constraint.targets:
            nodes = _with_subclasses(classes, node) if kind == "targetClass" else (str(node),)
            rule = Inbound(kind, nodes, predicates, found.inbound, name)
            if not any(_covers(known, rule) for known in rules):
                rules.append(rule)
    return Reach(tuple(rules))


def _covers(known: Inbound, rule: Inbound) -> bool:
    """Whether what ``known`` fetches holds what ``rule`` reads (so ``rule`` adds nothing)."""
    return (
        (known.kind, known.nodes) == (rule.kind, rule.nodes)
        and known.hops >= rule.hops
        and (known.predicates is None
             or (rule.predicates is not None and set(rule.predicates) <= set(known.predicates)))
    )


def _name(shape: Any) -> str:
    """A shape's local name, for messages."""
    return str(shape).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _with_subclasses(graph: Graph, cls: Any) -> tuple[str, ...]:
    """``cls`` and every class below it (a SHACL class target takes their instances too)."""
    found = {cls}
    frontier = [cls]
    while frontier:
        below = [s for c in frontier for s in graph.subjects(RDFS.subClassOf, c)
                 if isinstance(s, URIRef) and s not in found]
        found.update(below)
        frontier = below
    return tuple(sorted(str(c) for c in found))


__all__ = ["DEPTH", "LAYERS", "SPAN", "Inbound", "Reach", "derive"]
