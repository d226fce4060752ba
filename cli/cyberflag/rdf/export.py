"""Serialise the whole graph (data and ontology) in the formats ``cyberflag export`` offers.

Turtle, TriG, N-Triples and N-Quads are written by the project's own deterministic writers, so an
export is byte-identical from run to run; TriG and N-Quads keep one named graph per source file.
JSON-LD comes from rdflib, compacted with the project's prefixes as its context, then put in a
canonical order (rdflib's own order follows Python's per-process hashes).
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import Graph
from rdflib.term import Node

from cyberflag.rdf.graphs import LoadedData
from cyberflag.rdf.namespaces import PREFIXES
from cyberflag.rdf.ntriples import dumps_nquads, dumps_nt
from cyberflag.rdf.turtle import dumps, dumps_trig

FORMATS: dict[str, str] = {
    "turtle": "text/turtle",
    "trig": "application/trig",
    "nt": "application/n-triples",
    "nquads": "application/n-quads",
    "jsonld": "application/ld+json",
}
"""Export format → media type."""


def _sorted_graph(graph: Graph) -> Graph:
    """A copy whose insertion (and so iteration) order is sorted, for rdflib's serialisers."""

    def term_key(term: Node) -> tuple[str, str, str, str]:
        datatype = getattr(term, "datatype", None) or ""
        language = getattr(term, "language", None) or ""
        return (type(term).__name__, str(term), str(datatype), language)

    def key(triple: tuple[Node, Node, Node]) -> tuple[tuple[str, str, str, str], ...]:
        return tuple(term_key(t) for t in triple)

    ordered = Graph()
    for triple in sorted(graph, key=key):
        ordered.add(triple)
    return ordered


def dumps_jsonld(graph: Graph) -> str:
    """Compact JSON-LD with the project's prefixes as the ``@context``, in a canonical order.

    rdflib's JSON-LD writer orders nodes and values by Python hashes, which differ from process
    to process; every array (but an ``@list``, whose order is data) is sorted here, and every
    object's keys, so that the same graph gives the same bytes in every run."""
    text = _sorted_graph(graph).serialize(format="json-ld", context=dict(PREFIXES), indent=2)
    document = _canonical(json.loads(text))
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _canonical(value: Any, ordered: bool = False) -> Any:
    if isinstance(value, dict):
        return {key: _canonical(item, key == "@list") for key, item in value.items()}
    if isinstance(value, list):
        items = [_canonical(item) for item in value]
        if ordered:
            return items
        return sorted(items, key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))
    return value


def serialize(loaded: LoadedData, fmt: str) -> str:
    """The loaded data and ontology in ``fmt`` (a key of :data:`FORMATS`)."""
    if fmt == "turtle":
        return dumps(loaded.union())
    if fmt == "trig":
        return dumps_trig(loaded.dataset)
    if fmt == "nt":
        return dumps_nt(loaded.union())
    if fmt == "nquads":
        return dumps_nquads(loaded.dataset)
    if fmt == "jsonld":
        return dumps_jsonld(loaded.union())
    raise ValueError(f"unknown export format {fmt!r}")


__all__ = ["FORMATS", "dumps_jsonld", "serialize"]
