"""Deterministic N-Triples and N-Quads: one statement per line, lines sorted.

Sorted lines make two exports of the same data byte-identical and a ``diff`` of two versions
readable. Why not pyoxigraph's or rdflib's N-Triples serializers (then sorted): both label blank
nodes afresh in each process, so the sorted lines would still differ from run to run. Blank nodes
(none in the project's data) are labelled from their structure (:mod:`cyberflag.rdf.bnodes`), as
in :mod:`cyberflag.rdf.turtle`, so labels do not depend on parse order.
"""

from __future__ import annotations

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from cyberflag.rdf.bnodes import Quad, canonical_quads
from cyberflag.rdf.escape import escape_iri, escape_string
from cyberflag.rdf.namespaces import XSD

_XSD_STRING = str(XSD.string)


def _labels(quads: list[Quad]) -> dict[BNode, str]:
    bnodes = sorted({t for q in quads for t in q if isinstance(t, BNode)}, key=str)
    return {b: f"b{i}" for i, b in enumerate(bnodes)}


def nt_term(term: Node, labels: dict[BNode, str]) -> str:
    """One term in N-Triples syntax (full IRIs; ``xsd:string`` literals without a datatype)."""
    if isinstance(term, URIRef):
        return escape_iri(str(term))
    if isinstance(term, BNode):
        return "_:" + labels[term]
    if isinstance(term, Literal):
        text = escape_string(str(term))
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is None or str(term.datatype) == _XSD_STRING:
            return text
        return f"{text}^^{escape_iri(str(term.datatype))}"
    raise TypeError(f"cannot write {type(term).__name__} {term!r} as N-Triples")


def _lines(quads: list[Quad]) -> str:
    quads = canonical_quads(quads)
    labels = _labels(quads)
    lines = set()
    for s, p, o, g in quads:
        terms = [nt_term(s, labels), nt_term(p, labels), nt_term(o, labels)]
        if isinstance(g, Node):  # not "", the default graph (a URIRef is a str too)
            terms.append(nt_term(g, labels))
        lines.add(" ".join(terms) + " .\n")
    return "".join(sorted(lines))


def dumps_nt(graph: Graph) -> str:
    """The graph as sorted N-Triples."""
    return _lines([(s, p, o, "") for s, p, o in graph])


def dumps_nquads(dataset: Dataset) -> str:
    """The dataset as sorted N-Quads; default-graph triples carry no graph name."""
    quads: list[Quad] = []
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        quads.append((s, p, o, "" if name in (None, DATASET_DEFAULT_GRAPH_ID) else name))
    return _lines(quads)


__all__ = ["dumps_nquads", "dumps_nt", "nt_term"]
