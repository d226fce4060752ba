"""SHACL validation of a cyberflag data graph against ``ontology/shapes.ttl``.

This is the only module that imports pySHACL, and it does so inside :func:`validate_graph`, so
importing this module (or the command line that wraps it) does not load pySHACL: the query
commands never pay for its start-up.

What is validated is the union of the data and the ontology, made in place (the ontology's triples
are added to the caller's graph and removed again afterwards, see :func:`validate_graph`). Not
pySHACL's ``ont_graph``: that copies only RDFS/OWL axioms into the data graph, and the shapes also
need the ontology's SKOS individuals (the members of the closed schemes ``cf:Comparators``,
``cf:StatementKinds``, ...). A side effect worth having: the ontology's own concepts are checked by
the same shapes as the data's.

Why ``inference="none"``:

* SHACL's own ``sh:class`` and ``sh:targetClass`` already follow the ``rdfs:subClassOf`` chains of
  the merged ontology (``cf:Report ⊑ oa:Annotation`` and friends), which is all the shapes need.
* RDFS inference would also apply ``rdfs:domain``/``rdfs:range``: anything with a ``cf:speaker``
  would *become* a ``cf:Statement``, so a statement whose ``rdf:type`` was forgotten could never be
  reported, and a typo'd range would silently retype a node. The data is meant to say everything
  explicitly; validation checks that it does rather than repairing it.
* It is faster and the result depends only on the files, not on a reasoner's closure.

``advanced`` stays off: the shapes use SHACL Core plus SHACL-SPARQL constraints (``sh:sparql``),
which pySHACL runs without the SHACL Advanced Features.

Speed: pySHACL runs a SPARQL constraint once per focus node. The constraints
:mod:`cyberflag.checks.shacl.sparql` can batch run there instead, once each, and pySHACL gets the
shapes without them. For any it leaves to pySHACL, which passes the same query text each time with
``$this`` in ``initBindings`` and has rdflib parse it anew on every call, :func:`prepared_queries`
caches the parsed and translated query per text while a validation runs (rdflib's prepared queries
are meant to be reused with different bindings).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

__all__ = [
    "ShaclReport", "ShaclResult", "core_reach", "findings_of", "load_ontology", "load_shapes",
    "prepared_queries", "validate_graph",
]


@dataclass(frozen=True)
class ShaclResult:
    """One SHACL validation result, flattened to strings so callers need no rdflib (the shapes
    layer turns each into a :class:`cyberflag.checks.findings.Finding`).

    Reports list results by focus node, then shape, path, value, message and severity (``None``
    sorting as ""), which groups everything wrong with one node together for the curator fixing it.
    """

    focus: str
    """The node that failed (``sh:focusNode``): an IRI, or ``_:id`` for a blank node."""
    path: str | None
    """The property (``sh:resultPath``), when the failing shape is a property shape."""
    message: str
    """What to fix (``sh:resultMessage``, from the shape's ``sh:message``)."""
    severity: str
    """``Violation``, ``Warning`` or ``Info`` (local name of ``sh:resultSeverity``)."""
    shape: str
    """The shape that fired (``sh:sourceShape``), e.g. ``...ontology#StatementShape-speaker``."""
    value: str | None
    """The offending value (``sh:value``): an IRI, or a literal in N-Triples form."""


@dataclass(frozen=True)
class ShaclReport:
    """The outcome of a validation: whether the graph conforms, and every result, sorted."""

    conforms: bool
    results: tuple[ShaclResult, ...]

    @property
    def shapes(self) -> frozenset[str]:
        """The IRIs of the shapes that fired: handy for tests and summaries."""
        return frozenset(r.shape for r in self.results)


def _parse(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def load_ontology() -> Graph:
    """Parse the shipped ontology (``ontology/cyberflag.ttl``), from a checkout or a wheel."""
    from cyberflag.rdf.resources import ontology_path, require_file

    return _parse(require_file(ontology_path(), "ontology"))


def load_shapes() -> Graph:
    """Parse the shipped SHACL shapes (``ontology/shapes.ttl``), from a checkout or a wheel."""
    from cyberflag.rdf.resources import require_file, shapes_path

    return _parse(require_file(shapes_path(), "SHACL shapes"))


def _term(node: Node | None) -> str | None:
    """A stable string for a term: IRIs bare, literals in N-Triples form, blank nodes ``_:id``."""
    if node is None:
        return None
    if isinstance(node, Literal):
        return node.n3()
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _one(report: Graph, result: Node, predicate: URIRef) -> Node | None:
    """The value of ``predicate`` on ``result``, choosing the least if there are several."""
    values = sorted(report.objects(result, predicate), key=lambda n: (type(n).__name__, str(n)))
    return values[0] if values else None


def _message(messages: Iterable[str], shape: Node | None, shapes: Graph) -> str:
    """The most specific of a result's messages.

    For a SPARQL constraint pySHACL reports both the node shape's ``sh:message`` and the
    constraint's own, which names the offending nodes; the latter tells the curator more, so the
    shape's generic message is used only when it is the only one. Ties are broken by sorting, to
    keep the output deterministic.
    """
    ordered = sorted(messages)
    generic = {str(m) for m in shapes.objects(shape, SH.message)} if shape is not None else set()
    specific = [m for m in ordered if m not in generic]
    chosen = specific or ordered
    return chosen[0] if chosen else ""


def _severity(severity: Node | None) -> str:
    return str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"


def findings_of(
    report: Graph, shapes: Graph, batched: Iterable[Any] = ()
) -> tuple[ShaclResult, ...]:
    """pySHACL's report graph and the batched results
    (:class:`cyberflag.checks.shacl.sparql.Result`), as one sorted tuple (the tests compare
    pySHACL alone with the batched path through it)."""
    # Only the report's own sh:result values: results nested under sh:detail (pySHACL adds them for
    # sh:node and sh:or failures) explain a top-level result and would otherwise be counted twice.
    findings = set()
    for result in report.objects(predicate=SH.result):
        shape = _one(report, result, SH.sourceShape)
        findings.add(
            ShaclResult(
                focus=_term(_one(report, result, SH.focusNode)) or "",
                path=_term(_one(report, result, SH.resultPath)),
                message=_message(
                    (str(m) for m in report.objects(result, SH.resultMessage)), shape, shapes
                ),
                severity=_severity(_one(report, result, SH.resultSeverity)),
                shape=_term(shape) or "",
                value=_term(_one(report, result, SH.value)),
            )
        )
    for result in batched:
        findings.add(
            ShaclResult(
                focus=_term(result.focus) or "",
                path=_term(result.path),
                message=_message(result.messages, result.shape, shapes),
                severity=_severity(result.severity),
                shape=_term(result.shape) or "",
                value=_term(result.value),
            )
        )
    # Sort with None as "" so that findings with and without a path/value compare.
    return tuple(
        sorted(
            findings,
            key=lambda f: (f.focus, f.shape, f.path or "", f.value or "", f.message, f.severity),
        )
    )


@contextmanager
def prepared_queries() -> Iterator[None]:
    """Within the block, rdflib parses and translates each distinct SPARQL query text only once.

    Scoped rather than permanent so that nothing else in the process sees a patched rdflib, and
    restored even if validation fails. Not thread-safe; the command line is single-threaded.
    """
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.processor import SPARQLProcessor

    original = SPARQLProcessor.query
    cache: dict[tuple[str, str | None, tuple[tuple[str, str], ...]], Any] = {}

    def query(
        self: SPARQLProcessor,
        strOrQuery: Any,  # rdflib's parameter names
        initBindings: Mapping[str, Any] | None = None,
        initNs: Mapping[str, Any] | None = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Any:
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            if key not in cache:
                cache[key] = translateQuery(parseQuery(strOrQuery), base, initNs)
            strOrQuery = cache[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    # patched for the block only (rdflib has no hook for a parse cache), restored in finally
    SPARQLProcessor.query = query  # type: ignore[method-assign]
    try:
        yield
    finally:
        SPARQLProcessor.query = original  # type: ignore[method-assign]


_NESTED = ("and", "or", "xone", "not", "node", "qualifiedValueShape")
"""Parameters whose shapes apply to the same value nodes as the shape using them."""
_UNBOUNDED = ("sparql", "targetObjectsOf", "inversePath", "alternativePath", "zeroOrMorePath",
              "oneOrMorePath", "zeroOrOnePath")
"""Anything that may read the data beyond a fixed number of forward links from a focus node."""


def core_reach(shapes: Graph) -> int | None:
    """How many links from a focus node pySHACL can read the data for these shapes: the furthest
    node, following triples forwards, whose own triples a check may read; ``None`` when there is no
    such bound (a SPARQL constraint or component, a path other than one property, a target by
    incoming triples, a recursive shape).

    Why: :func:`validate_graph` with ``only`` hands pySHACL just the triples of the nodes within
    this reach of the nodes reported on, instead of a whole neighbourhood. A property shape reads
    its focus node's triples for the values, then the values' own triples for ``sh:class``, and
    its nested shapes (``sh:node``, ``sh:or``, qualified values, ...) run on the values, one link
    further; a node shape's nested shapes and property shapes run on its own focus node.
    """
    from rdflib.collection import Collection
    from rdflib.namespace import RDF

    if (None, RDF.type, SH.ConstraintComponent) in shapes or any(
        (None, SH[name], None) in shapes for name in _UNBOUNDED
    ):
        return None

    def nested(shape: Node) -> Iterator[Node]:
        for name in _NESTED:
            for value in shapes.objects(shape, SH[name]):
                if name in ("and", "or", "xone"):
                    yield from Collection(shapes, value)
                else:
                    yield value

    def reach(shape: Node, hop: int, seen: frozenset[Node]) -> int | None:
        if shape in seen:
            return None
        seen = seen | {shape}
        path = shapes.value(shape, SH.path)
        if path is not None and not isinstance(path, URIRef):
            return None
        value_hop = hop + 1 if path is not None else hop  # where the constraints' values are
        furthest = value_hop if (shape, SH["class"], None) in shapes else hop
        for inner in [*nested(shape), *shapes.objects(shape, SH.property)]:
            inner_hop = hop if (shape, SH.property, inner) in shapes else value_hop
            found = reach(inner, inner_hop, seen)
            if found is None:
                return None
            furthest = max(furthest, found)
        return furthest

    targeted = {
        s for name in ("targetClass", "targetNode", "targetSubjectsOf")
        for s in shapes.subjects(SH[name], None)
    }
    furthest = 0
    for shape in targeted:
        found = reach(shape, 0, frozenset())
        if found is None:
            return None
        furthest = max(furthest, found)
    return furthest


def _around(data: Graph, nodes: Iterable[URIRef], hops: int) -> Graph:
    """The triples of ``nodes`` and of every node within ``hops`` links forwards of them."""
    seen = set(nodes)
    frontier = set(seen)
    for _ in range(hops):
        frontier = {
            o for node in frontier for o in data.objects(node) if isinstance(o, URIRef)
        } - seen
        seen |= frontier
    around = Graph()
    for node in seen:
        for triple in data.triples((node, None, None)):
            around.add(triple)
    return around


def validate_graph(
    data: Graph,
    *,
    ontology: Graph | None = None,
    shapes: Graph | None = None,
    focus: Iterable[str] | None = None,
    only: Iterable[str] | None = None,
) -> ShaclReport:
    """Validate ``data`` against the cyberflag shapes and return a sorted, hashable report.

    ``ontology`` and ``shapes`` default to the shipped files (through
    :mod:`cyberflag.rdf.resources`, so a checkout and an installed wheel behave alike); tests
    pass their own. The ontology is needed, not optional decoration: it supplies the subclass
    links and the members of the closed concept schemes that the shapes check against.

    ``conforms`` is false only when there is a ``sh:Violation``; warnings and infos are reported as
    findings but do not fail the graph, so a shape can be introduced as a warning first.

    ``focus``: check only these nodes (pySHACL's ``focus_nodes``; an empty list checks everything,
    as in pySHACL). pySHACL applies the restriction to nested shapes too (``sh:node``, ``sh:or``,
    qualified values) and drops literal value nodes there, so a restricted run can miss what a full
    one finds; :mod:`cyberflag.checks.incremental.parallel` filters a full run's findings instead.

    ``only``: report on these nodes only, with the same findings for them as a run over all of
    ``data`` (for :mod:`cyberflag.checks.incremental.parallel`, whose ``data`` is the neighbourhood
    a chunk's checks read). The batched constraints are evaluated for these nodes only, and pySHACL
    runs on just the triples within :func:`core_reach` of them (with the ontology) rather than on
    all of ``data``: fewer triples, and fewer neighbours checked for nothing.

    The SPARQL constraints that :mod:`cyberflag.checks.shacl.sparql` can batch run there, once per
    constraint; pySHACL gets the shapes without them and runs everything else. Same report.

    The union of data and ontology is made in place, not on a copy: the ontology's triples that
    ``data`` lacks are added to it and removed again (in a ``finally``), so that afterwards ``data``
    holds exactly the triples it held before. A copy of a million-triple graph costs about 1.7 GB;
    adding and removing the ontology's few hundred triples, nothing measurable. (A
    ``ReadOnlyGraphAggregate`` of the two measured as fast at 100,000 triples, but pySHACL treats
    it as a multigraph, setting ``default_union`` on it, and it yields a triple the data shares with
    the ontology twice.) Not thread-safe: nothing else may read ``data`` while it is validated.
    """
    from pyshacl import validate  # deliberately local: see the module docstring

    from cyberflag.checks.shacl import batching, sparql

    ontology_graph = ontology if ontology is not None else load_ontology()
    shapes_graph = shapes if shapes is not None else load_shapes()
    added = [triple for triple in ontology_graph if triple not in data]
    focus_nodes = [URIRef(node) for node in focus] if focus is not None else None
    reported = {URIRef(node) for node in only} if only is not None else None
    if reported is not None and not reported:
        return ShaclReport(conforms=True, results=())
    try:
        for triple in added:
            data.add(triple)
        # The batched constraints first: Oxigraph's copy of the graph is gone before pySHACL runs.
        batched = sparql.evaluate(
            data, batching.batchable(shapes_graph),
            sorted(reported) if reported is not None else focus_nodes,
        )
        core_shapes = batching.without(shapes_graph, batched.handled)
        checked = data
        reach = core_reach(core_shapes) if reported is not None else None
        if reported is not None and reach is not None:
            checked = _around(data, reported, reach)
            checked += ontology_graph
        with prepared_queries():
            conforms, report_graph, _text = validate(
                checked,
                shacl_graph=core_shapes,
                inference="none",
                advanced=False,
                inplace=True,  # adds nothing without inference, and saves pySHACL a copy
                allow_warnings=True,
                allow_infos=True,
                focus_nodes=[*focus_nodes] if focus_nodes is not None else None,  # its list type
            )
    finally:
        for triple in added:
            data.remove(triple)
    if not isinstance(report_graph, Graph):  # pySHACL returns a Graph unless asked for text only
        raise TypeError(f"unexpected pySHACL report: {type(report_graph).__name__}")
    # As pySHACL: only results whose shape's severity is not a warning or an info fail the graph.
    findings = findings_of(report_graph, shapes_graph, batched.results)
    if reported is not None:
        names = {_term(node) for node in reported}
        findings = tuple(f for f in findings if f.focus in names)
        return ShaclReport(conforms=not any(f.severity == "Violation" for f in findings),
                           results=findings)
    failing = any(r.severity not in (SH.Warning, SH.Info) for r in batched.results)
    return ShaclReport(conforms=bool(conforms) and not failing, results=findings)
