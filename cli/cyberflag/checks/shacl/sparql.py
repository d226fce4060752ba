"""SHACL-SPARQL constraints of node shapes, evaluated once per constraint, not once per focus node.

pySHACL runs an ``sh:sparql`` constraint once per focus node, with ``$this`` pre-bound. SHACL
defines pre-binding (spec 5.3.1) so that the query can equally be run once with ``$this`` as an
ordinary variable and its rows grouped by ``$this``; on a 100,000-triple corpus that turns about
29,000 query runs into nine. :mod:`cyberflag.checks.shacl.validator` runs the constraints that
can be batched, hands pySHACL the shapes without them, and merges the findings; the report is the
same as pySHACL's alone (the tests compare the two on every example and on a generated corpus
with faults of every kind).

Which constraints are batched is decided in :mod:`cyberflag.checks.shacl.batching`.

Two engines, chosen per run (``ENGINE``): Oxigraph, loaded from the graph, evaluates each query
once over everything and keeps the focus nodes' rows (about 40 times faster than rdflib on the
queries; loading costs about 10 µs a triple); rdflib evaluates the parsed algebra with the focus
nodes joined in as a ``VALUES`` table (rdflib then runs the rest once per row, as pySHACL does, but
without pySHACL's per-call work). ``"auto"`` takes rdflib for small focus sets (incremental
validation), where loading a store would cost more than it saves.

Oxigraph stores some literals in canonical form: ``"5"^^xsd:nonNegativeInteger`` comes back as an
``xsd:integer``, ``"1.50"`` as ``"1.5"``, language tags in lower case. Every literal is therefore
converted once, XSD-typed ones are read back from a scratch store, and Oxigraph is used only when no
literal's lexical form or language changes and no two literals collapse into one; when only
datatypes change (the integer subtypes), constraints that use ``DATATYPE`` or ``sameTerm`` go to
rdflib. Values are mapped back to the original rdflib terms before they reach a finding.

rdflib and pyoxigraph are imported inside the functions: importing :mod:`cyberflag` or the query
commands does not load them through this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cyberflag.checks.shacl.batching import Constraint

if TYPE_CHECKING:
    from rdflib import Graph, Literal
    from rdflib.term import Node

__all__ = ["ENGINE", "BatchOutcome", "Result", "evaluate", "focus_nodes"]

ENGINE = "auto"
"""``"auto"``, ``"oxigraph"`` or ``"rdflib"``: which engine :func:`evaluate` uses. Tests set it."""

_AUTO_OXIGRAPH_RATIO = 40
"""``"auto"`` loads Oxigraph when the focus nodes to check number at least a 40th of the triples:
rdflib spends about 0.4 ms a focus node and constraint, loading about 10 µs a triple."""


@dataclass(frozen=True)
class Result:
    """One validation result, as pySHACL would report it (rdflib terms, messages formatted)."""

    shape: Node
    focus: Node
    path: Node | None
    value: Node | None
    messages: tuple[str, ...]
    severity: Node


@dataclass
class BatchOutcome:
    """What :func:`evaluate` did: the results, and the constraints it handled (the others, if
    any, must still go to pySHACL), and the engine per constraint (for benchmarks)."""

    results: list[Result] = field(default_factory=list)
    handled: list[Constraint] = field(default_factory=list)
    engines: dict[Node, str] = field(default_factory=dict)


def focus_nodes(graph: Graph, constraint: Constraint) -> set[Node]:
    """The constraint's focus nodes in ``graph``, found as pySHACL's ``Shape.focus_nodes`` does."""
    from rdflib.namespace import RDF, RDFS

    found: set[Node] = set()
    for kind, node in constraint.targets:
        if kind == "targetNode":
            found.add(node)
        elif kind == "targetClass":
            found.update(graph.subjects(RDF.type, node))
            for sub in graph.transitive_subjects(RDFS.subClassOf, node):
                if sub != node:
                    found.update(graph.subjects(RDF.type, sub))
        elif kind == "targetSubjectsOf":
            found.update(s for s, _ in graph.subject_objects(node))
        else:
            found.update(o for _, o in graph.subject_objects(node))
    return found


def evaluate(
    graph: Graph, constraints: list[Constraint], focus: Iterable[Node] | None = None
) -> BatchOutcome:
    """Run ``constraints`` over ``graph``; ``focus``, if not empty, as pySHACL's ``focus_nodes``
    (only IRIs among the targets are checked; an empty list checks everything, as in pySHACL)."""
    from rdflib import URIRef

    chosen = set(focus) if focus is not None else set()
    todo: list[tuple[Constraint, set[Node]]] = []
    for c in constraints:
        nodes = focus_nodes(graph, c)
        if chosen:
            nodes = {n for n in nodes if isinstance(n, URIRef) and n in chosen}
        todo.append((c, nodes))
    outcome = BatchOutcome()
    engine = ENGINE
    if engine == "auto":
        total = sum(len(n) for _, n in todo)
        engine = "oxigraph" if total * _AUTO_OXIGRAPH_RATIO >= len(graph) else "rdflib"
    store = None
    if engine == "oxigraph" and any(nodes for _, nodes in todo):
        try:
            store = _OxigraphCopy.load(graph)
        except (ValueError, SyntaxError):  # a term Oxigraph refuses (a bad language tag, ...)
            store = None
    for c, nodes in todo:
        outcome.handled.append(c)
        if not nodes:
            continue
        results = None
        if store is not None and store.usable(c):
            try:
                results = list(_results(c, store.rows(c, nodes)))
                outcome.engines[c.constraint] = "oxigraph"
            except _Ambiguous:
                results = None
        if results is None:
            results = list(_results(c, _rdflib_rows(graph, c, nodes)))
            outcome.engines[c.constraint] = "rdflib"
        outcome.results.extend(results)
    return outcome


Row = dict[str, Any]


def _rdflib_rows(graph: Graph, c: Constraint, nodes: set[Node]) -> Iterator[Row]:
    """rdflib, with the focus nodes joined in front of the pattern as a VALUES table: rdflib's
    lazy join then evaluates the pattern once per focus node with ``$this`` bound, exactly as
    pySHACL's ``initBindings`` do, but in one query."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    query = translateQuery(parseQuery(c.query))
    project = query.algebra.p
    this = Variable("this")
    values = CompValue("values", res=[{this: n} for n in nodes])
    project.p = CompValue("Join", p1=CompValue("ToMultiSet", p=values), p2=project.p, lazy=True)
    for row in graph.query(query):  # a SELECT: its rows are ResultRows, never bool or triples
        yield row.asdict()  # type: ignore[union-attr]


class _OxigraphCopy:
    """The graph in an in-memory Oxigraph store, with the way back to the original literals."""

    def __init__(self, store: Any, back: dict[Any, Node], bnodes: dict[Any, Node], ok: bool,
                 datatypes_changed: bool, collided: frozenset[Any]) -> None:
        self.store = store
        self.back = back
        self.bnodes = bnodes
        self.ok = ok
        self.datatypes_changed = datatypes_changed
        self.collided = collided

    @classmethod
    def load(cls, graph: Graph) -> _OxigraphCopy:
        import pyoxigraph as ox
        from rdflib import BNode, Literal, URIRef
        from rdflib.namespace import XSD

        iris: dict[Node, Any] = {}
        bnodes: dict[Node, Any] = {}
        literals: dict[Literal, Any] = {}

        def term(node: Node) -> Any:
            if isinstance(node, URIRef):
                t = iris.get(node)
                if t is None:
                    t = iris[node] = ox.NamedNode(node)
                return t
            if isinstance(node, BNode):
                t = bnodes.get(node)
                if t is None:
                    t = bnodes[node] = ox.BlankNode()
                return t
            if not isinstance(node, Literal):  # a variable or a quoted graph: not RDF 1.1 data
                raise TypeError(f"unexpected term in the graph: {node!r}")
            t = literals.get(node)
            if t is None:
                if node.language is not None:
                    t = ox.Literal(str(node), language=node.language)
                elif node.datatype is not None:
                    t = ox.Literal(str(node), datatype=term(node.datatype))
                else:
                    t = ox.Literal(str(node))
                literals[node] = t
            return t

        store = ox.Store()
        store.extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in graph)
        # What Oxigraph makes of each literal: typed ones (other than xsd:string) are read back from
        # a scratch store; strings come back as they went in, language tags in lower case.
        typed = [
            lit
            for lit in literals
            if isinstance(lit, Literal) and lit.datatype not in (None, XSD.string)
        ]
        canonical: dict[Literal, Any] = {}
        if typed:
            scratch = ox.Store()
            p = ox.NamedNode("urn:cyberflag:literal")
            scratch.extend(
                ox.Quad(ox.NamedNode(f"urn:cyberflag:{i}"), p, literals[lit])
                for i, lit in enumerate(typed)
            )
            solutions = scratch.query("SELECT ?s ?o WHERE { ?s ?p ?o }")
            if not isinstance(solutions, ox.QuerySolutions):  # a SELECT's answer is solutions
                raise TypeError(f"unexpected Oxigraph answer: {type(solutions).__name__}")
            for row in solutions:
                canonical[typed[int(row["s"].value.rsplit(":", 1)[1])]] = row["o"]
        back: dict[Any, Node] = {}
        collided: set[Any] = set()
        ok, datatypes_changed = True, False
        for lit, t in literals.items():
            t = canonical.get(lit, t)
            key = _literal_key(t)
            if key in back and back[key] != lit:
                collided.add(key)  # two literals become one ("5" and "5"^^xsd:nonNegativeInteger)
            back[key] = lit
            if lit.language is not None:
                ok = ok and lit.language == lit.language.lower()  # Oxigraph lowers the tag
            else:
                ok = ok and t.value == str(lit)
                original = lit.datatype if lit.datatype is not None else XSD.string
                datatypes_changed = datatypes_changed or t.datatype.value != str(original)
        for key in collided:
            del back[key]
        return cls(store, back, {v: k for k, v in bnodes.items()}, ok, datatypes_changed,
                   frozenset(collided))

    def usable(self, c: Constraint) -> bool:
        return (
            self.ok
            and not (self.datatypes_changed and c.datatype_sensitive)
            and not (self.collided and c.joins_literals)
        )

    def rows(self, c: Constraint, nodes: set[Node]) -> Iterator[Row]:
        for solution in self.store.query(c.query):
            this = self._rdflib(solution["this"])
            if this is None or this not in nodes:
                continue
            row = {}
            for name in c.projection:
                value = self._rdflib(solution[name])
                if value is not None:
                    row[name] = value
            yield row

    def _rdflib(self, term: Any) -> Node | None:
        import pyoxigraph as ox
        from rdflib import URIRef

        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return self.bnodes.get(term)
        if isinstance(term, ox.Literal):
            key = _literal_key(term)
            if key in self.collided:
                raise _Ambiguous(term)
            original = self.back.get(key)
            if original is None:  # computed by the query (BIND, ...): no original to map to
                return _computed_literal(term)
            return original
        raise TypeError(f"unexpected term from Oxigraph: {term!r}")


class _Ambiguous(Exception):
    """A value Oxigraph holds for two different rdflib literals: the constraint goes to rdflib."""


def _literal_key(term: Any) -> tuple[str, str, str | None]:
    return (term.value, term.datatype.value, term.language)


def _computed_literal(term: Any) -> Literal:
    from rdflib import Literal, URIRef

    if term.language is not None:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


# --- results, as pySHACL makes them ---------------------------------------------------------------


def _results(c: Constraint, rows: Iterable[Row]) -> Iterator[Result]:
    """pySHACL's ``SPARQLBasedConstraint._evaluate_sparql_constraint`` and ``make_v_result`` for a
    node shape: one result per distinct row; the value is ``?value``, or the focus node."""
    seen = set()
    for row in rows:
        this = row.pop("this")
        value = row.pop("value", None)
        others = {name: row[name] for name in c.projection if name in row}
        key = (this, value, frozenset(others.items()))
        if key in seen:
            continue
        seen.add(key)
        value = value if value is not None else this
        bound = {**others, "this": this, "value": value}
        yield Result(
            shape=c.shape,
            focus=this,
            path=None,
            value=value,
            messages=_messages(c, bound),
            severity=c.severity,
        )


def _messages(c: Constraint, bound: dict[str, Node]) -> tuple[str, ...]:
    """The constraint's messages not already the shape's, then the shape's, each formatted."""
    extra = [m for m in c.messages if m not in c.shape_messages]
    return tuple(_format(str(m.value), bound) for m in (*extra, *c.shape_messages))


def _format(message: str, bound: dict[str, Node]) -> str:
    """pySHACL's ``_format_sparql_based_result_message``, to the letter (``re.sub`` included: a
    backslash in a value is read as an escape there too)."""
    for name, value in bound.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message
