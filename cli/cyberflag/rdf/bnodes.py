"""Deterministic blank-node labels for the writers, in linear time when the blank nodes are trees.

The writers (:mod:`cyberflag.rdf.turtle`, :mod:`cyberflag.rdf.ntriples`) must give the same bytes
for the same graph whatever the order it was parsed in, so a blank node's label has to come from
the graph's shape, not from its parse-time id. rdflib's canonicalisation does that for any graph,
but its cost grows much faster than the graph: one RDF list of 1,000 items took about 46 s to
export in the four formats, and longer ones never finished (issue #16 item 4).

Nearly every blank node in practice is a tree: an RDF collection ``( ... )`` (a chain of cells) or
a nested ``[ ... ]``, each node the object of at most one statement, with no cycle. Such a node is
labelled from structure alone, in two passes, neither recursive (lists may be 100,000 long):

1. bottom up (leaves first), each node's *content*: the SHA-256 of its own description, written as
   sorted N-Quads lines ``predicate object graph`` in which a nested blank node stands for its
   content hash;
2. top down (roots first), each node's *label*: the SHA-256 of its context (the parent, an IRI or
   the parent's label, with the predicate and graph that reference it) and its content, so that
   the same sub-structure under two different parents gets two labels.

When anything is not a tree (a blank node referenced twice, a cycle, or two nodes ending with the
same label, e.g. two identical ``[ ... ]`` under the same subject and predicate), the whole input
is labelled by rdflib's canonicalisation instead, as it always was. Labels use :mod:`hashlib`,
never Python's ``hash()``, so that they are the same in every process.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from cyberflag.rdf.escape import escape_iri, escape_string

Quad = tuple[Node, Node, Node, Node | str]  # s, p, o, graph name ("" = the single graph written)


def canonical_quads(quads: Iterable[Quad]) -> list[Quad]:
    """The quads with blank nodes (as subject or object) renamed deterministically.

    No-op without any. Trees of blank nodes get :func:`tree_labels`; any other input goes through
    rdflib's canonicalisation (:func:`rdflib_canonical_quads`). Either way the new labels depend
    only on the graph's shape, not on parse order, which is what makes the output stable.
    """
    quads = list(quads)
    if not any(isinstance(t, BNode) for q in quads for t in q[:3]):
        return quads
    labels = tree_labels(quads)
    if labels is None:
        return rdflib_canonical_quads(quads)
    renamed = {b: BNode(label) for b, label in labels.items()}

    def rename(term: Node) -> Node:
        return renamed[term] if isinstance(term, BNode) else term

    return [(rename(s), p, rename(o), g) for s, p, o, g in quads]


def rdflib_canonical_quads(quads: list[Quad]) -> list[Quad]:
    """The quads with blank nodes renamed by rdflib's canonicalisation (any graph shape).

    The graph name rides along inside the predicate so that one canonicalisation covers blank
    nodes shared between graphs of a dataset.
    """
    encoded = Graph()
    keys: dict[Node | str, str] = {}
    for s, p, o, g in quads:
        key = keys.setdefault(g, str(len(keys)))
        encoded.add((s, URIRef(f"{key}\x00{p}"), o))
    graph_names = {key: g for g, key in keys.items()}
    out: list[Quad] = []
    for s, p, o in to_canonical_graph(encoded):
        key, _, predicate = str(p).partition("\x00")
        out.append((s, URIRef(predicate), o, graph_names[key]))
    return out


def _text(term: Node | str) -> str:
    """A term other than a blank node, unambiguously, as N-Quads writes it ("" for no graph)."""
    if isinstance(term, URIRef):
        return escape_iri(str(term))
    if isinstance(term, Literal):
        if term.language:
            return f"{escape_string(str(term))}@{term.language}"
        datatype = f"^^{escape_iri(str(term.datatype))}" if term.datatype is not None else ""
        return escape_string(str(term)) + datatype
    if isinstance(term, BNode):  # only as a graph name: its id is arbitrary, so it is left out
        return "_:"
    if isinstance(term, str):  # "", the graph written (a URIRef is a str too: tested above)
        return term
    raise TypeError(f"cannot label a statement holding {type(term).__name__} {term!r}")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def tree_labels(quads: list[Quad]) -> dict[BNode, str] | None:
    """Structural labels (hex SHA-256) for every blank subject and object of ``quads``, or None
    when the blank nodes are not trees or two of them end with the same label."""
    parent: dict[BNode, tuple[Node, str]] = {}  # node → (its subject, "predicate graph")
    rows: dict[BNode, list[tuple[str, Node, str]]] = {}  # node → (predicate, object, graph)
    pending: dict[BNode, int] = {}  # node → blank objects whose content is not known yet
    for s, p, o, g in quads:
        graph = _text(g)
        if isinstance(o, BNode):
            if o in parent:
                return None  # referenced twice
            parent[o] = (s, f"{_text(p)} {graph}")
            rows.setdefault(o, [])
            pending.setdefault(o, 0)
        if isinstance(s, BNode):
            rows.setdefault(s, []).append((_text(p), o, graph))
            pending[s] = pending.get(s, 0) + isinstance(o, BNode)
    # 1. bottom up: a node's content once all its blank objects have theirs
    content: dict[BNode, str] = {}
    order: list[BNode] = []  # every child before its parent
    ready = deque(b for b, count in pending.items() if count == 0)
    while ready:
        node = ready.popleft()
        lines = sorted(
            f"{p} _:{content[o]} {g}" if isinstance(o, BNode) else f"{p} {_text(o)} {g}"
            for p, o, g in rows[node]
        )
        content[node] = _sha256("\n".join(lines))
        order.append(node)
        up = parent.get(node)
        if up is not None and isinstance(up[0], BNode):
            pending[up[0]] -= 1
            if pending[up[0]] == 0:
                ready.append(up[0])
    if len(order) < len(rows):
        return None  # a cycle: its nodes never had all their objects done
    # 2. top down: a node's label from its parent's (or the IRI above it) and its own content
    labels: dict[BNode, str] = {}
    for node in reversed(order):
        up = parent.get(node)
        if up is None:
            context = ""
        else:
            subject, via = up
            head = "_:" + labels[subject] if isinstance(subject, BNode) else _text(subject)
            context = f"{head} {via}"
        labels[node] = _sha256(f"{context}\n{content[node]}")
    if len(set(labels.values())) < len(labels):
        return None  # identical descriptions in identical places
    return labels


__all__ = ["Quad", "canonical_quads", "rdflib_canonical_quads", "tree_labels"]
