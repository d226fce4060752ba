"""SHACL-SPARQL constraints of node shapes, evaluated once per constraint, not once per focus node.

pySHACL runs an ``sh:sparql`` constraint once per focus node, with ``$this`` pre-bound. SHACL
defines pre-binding (spec 5.3.1) so that the query can equally be run once with ``$this`` as an
ordinary variable and its rows grouped by ``$this``; on a 100,000-triple corpus that turns about
29,000 query runs into nine. :mod:`cyberflag.checks.shacl.validator` runs the constraints this module can batch,
hands pySHACL the shapes without them, and merges the findings; the report is the same as
pySHACL's alone (the tests compare the two on every example and on a generated corpus with faults
of every kind).

What is batched, conservatively (anything else is left to pySHACL, which runs it as before):

* Node shapes only (no ``sh:path``), with ``sh:targetClass``/``targetNode``/``targetSubjectsOf``/
  ``targetObjectsOf`` and no other kind of target, typed only ``sh:NodeShape``, not deactivated,
  with at most one ``sh:severity``, and never the object of a triple in the shapes graph (so never
  used through ``sh:node``, ``sh:or``, ``sh:qualifiedValueShape``, ... where pySHACL would also run
  the constraint on other nodes).
* Constraints with exactly one ``sh:select``, no ``sh:prefixes``, no ``sh:deactivated``, string
  messages, none of the text pySHACL itself rejects or rewrites (``MINUS``, ``VALUES``,
  ``SERVICE``, nested ``SELECT``, ``$PATH``, ``$shapesGraph``, ``$currentShape``), which parse
  without the data graph's prefixes (pySHACL adds ``rdf:``, ``rdfs:``, ``owl:``; so do we).
* Whose algebra is a plain ``SELECT`` (no ``DISTINCT``, ``ORDER BY``, ``LIMIT``, ``GROUP BY``, no
  ``?failure`` or ``?path`` column) over BGPs (with ``/``, ``|`` and ``^`` paths only), joins,
  ``OPTIONAL``, ``UNION``, ``FILTER`` and ``BIND``, where ``$this`` is projected and bound in every
  solution of the top-level pattern (so in every ``UNION`` branch), and every expression only reads
  variables of its own group (or, inside ``EXISTS``, of the solution it tests). Under those
  conditions evaluating with ``$this`` free and keeping the rows whose ``$this`` is a focus node is
  the same as pre-binding, and rdflib's evaluation (which pushes bindings into nested groups, unlike
  standard SPARQL) agrees with a standard engine's.

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

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph, Literal
    from rdflib.term import Node

__all__ = ["Constraint", "Result", "batchable", "evaluate", "without"]

ENGINE = "auto"
"""``"auto"``, ``"oxigraph"`` or ``"rdflib"``: which engine :func:`evaluate` uses. Tests set it."""

# From pySHACL's SPARQLQueryHelper: text it rejects (ValidationFailure) or rewrites. A query
# matching any of them is left to pySHACL, so that pySHACL still raises the same errors.
_PYSHACL_REFUSES = tuple(
    re.compile(pattern, flags)
    for pattern, flags in (
        (r"^(?:[^#]*|M)(?!#)#?[^\?\$\#]M?INUS[\s\{]", re.M | re.I),
        (r"^(?!\s*#).*?(?<![\w\-\:])VALUES\b(?:\s*(?:\(|[\?\$]\w+|\{|\w|\s))", re.M | re.I),
        (r"^(?:[^#]*|S)(?!#)#?[^\?\$\#]S?ERVICE[\s\<]", re.M | re.I),
        (r"SELECT[\s\(\)\$\?\a-z]*\{[^\}]*SELECT\s+", re.M | re.I),
        (r"[^\w]+AS[\s]+[\$\?](this|shapesGraph|currentShape)\b", re.M | re.I),
        (r"([\s{}()])[\$\?](PATH|shapesGraph|currentShape)", re.M),
    )
)
_BINDS_THIS = re.compile(r"([\s{}()])[\$\?]this", flags=re.M)

# pySHACL prefixes every constraint query with these (SPARQLQueryHelper.prefixes).
_DEFAULT_PREFIXES = (
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
)

# Predicates a node shape may keep once its sh:sparql is gone and still check nothing, so that its
# targets can go too (pySHACL would otherwise compute its focus nodes for no constraint).
_INERT = frozenset(
    "http://www.w3.org/ns/shacl#" + name
    for name in (
        "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "message", "severity",
        "name", "description", "order", "group",
    )
) | {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2000/01/rdf-schema#comment",
}

_PATTERNS = frozenset({"BGP", "Join", "LeftJoin", "Union", "Filter", "Extend"})
_DATATYPE_SENSITIVE = frozenset({"Builtin_DATATYPE", "Builtin_sameTerm"})
_AUTO_OXIGRAPH_RATIO = 40
"""``"auto"`` loads Oxigraph when the focus nodes to check number at least a 40th of the triples:
rdflib spends about 0.4 ms a focus node and constraint, loading about 10 µs a triple."""


@dataclass(frozen=True)
class Constraint:
    """One batchable ``sh:sparql`` constraint of one node shape."""

    shape: Node
    constraint: Node
    query: str
    """The ``sh:select`` text with pySHACL's default prefixes in front, as pySHACL runs it."""
    projection: tuple[str, ...]
    """The projected variables, in order (pySHACL substitutes message variables in this order)."""
    messages: tuple[Literal, ...]
    """The constraint's ``sh:message`` values."""
    shape_messages: tuple[Literal, ...]
    """The node shape's ``sh:message`` values."""
    severity: Node
    targets: tuple[tuple[str, Node], ...]
    """``(kind, node)`` for each target declaration: kind is targetClass, targetNode, ..."""
    datatype_sensitive: bool
    """Whether the query uses ``DATATYPE`` or ``sameTerm`` (see the module docstring)."""
    joins_literals: bool
    """Whether two triple patterns (or a pattern and an ``EXISTS``, or a ``BIND``) may meet on a
    literal: a variable in the object position of both, or a literal constant in a pattern."""


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
class Outcome:
    """What :func:`evaluate` did: the results, and the constraints it handled (the others, if
    any, must still go to pySHACL), and the engine per constraint (for benchmarks)."""

    results: list[Result] = field(default_factory=list)
    handled: list[Constraint] = field(default_factory=list)
    engines: dict[Node, str] = field(default_factory=dict)


# --- which constraints ----------------------------------------------------------------------------


def batchable(shapes: Graph) -> list[Constraint]:
    """The constraints in ``shapes`` that this module can evaluate exactly as pySHACL would."""
    from rdflib import Literal
    from rdflib.namespace import SH

    referenced = set(shapes.objects())
    found = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        if shape in referenced or not _plain_node_shape(shapes, shape):
            continue
        targets = tuple(
            sorted(
                (kind, node)
                for kind in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
                for node in shapes.objects(shape, SH[kind])
            )
        )
        severities = list(shapes.objects(shape, SH.severity))
        selects = list(shapes.objects(constraint, SH.select))
        messages = tuple(sorted(shapes.objects(constraint, SH.message)))
        shape_messages = tuple(sorted(shapes.objects(shape, SH.message)))
        if (
            not targets
            or len(severities) > 1
            or len(selects) != 1
            or (constraint, SH.prefixes, None) in shapes
            or (constraint, SH.deactivated, None) in shapes
            or not all(
                isinstance(m, Literal) and isinstance(m.value, str)
                for m in (*selects, *messages, *shape_messages)
            )
        ):
            continue
        text = str(selects[0])
        if not _BINDS_THIS.search(text) or any(r.search(text) for r in _PYSHACL_REFUSES):
            continue
        query = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _DEFAULT_PREFIXES) + "\n" + text
        analysed = _analyse(query)
        if analysed is None:
            continue
        projection, datatype_sensitive, joins_literals = analysed
        found.append(
            Constraint(
                shape=shape,
                constraint=constraint,
                query=query,
                projection=projection,
                messages=messages,
                shape_messages=shape_messages,
                severity=severities[0] if severities else SH.Violation,
                targets=targets,
                datatype_sensitive=datatype_sensitive,
                joins_literals=joins_literals,
            )
        )
    return found


def _plain_node_shape(shapes: Graph, shape: Node) -> bool:
    from rdflib.namespace import RDF, SH

    types = set(shapes.objects(shape, RDF.type))
    return (
        types <= {SH.NodeShape}
        and (shape, SH.path, None) not in shapes
        and (shape, SH.target, None) not in shapes
        and (shape, SH.deactivated, None) not in shapes
    )


@functools.lru_cache(maxsize=256)
def _analyse(query: str) -> tuple[tuple[str, ...], bool, bool] | None:
    """The projection, datatype sensitivity and literal joins of ``query``, or None if it is not
    batchable.

    Cached by query text (the answer depends on nothing else, and is immutable): parsing a query
    with rdflib takes about 30 ms, and :func:`batchable` runs on every validation, once per chunk
    in a chunked or incremental run, where parsing the same 21 queries again took most of the
    time (a full run of a 4-article corpus in 38 chunks: 44 s uncached, 14 s cached).
    """
    import pyoxigraph
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import Variable

    try:
        pyoxigraph.Store().query(query)  # parses standalone: no prefix from the data graph
        algebra = translateQuery(parseQuery(query)).algebra
    except Exception:  # whatever fails here, pySHACL reports as before
        return None
    if algebra.name != "SelectQuery" or algebra.get("datasetClause") is not None:
        return None
    project = algebra.p
    if project.name != "Project" or not isinstance(project.get("PV"), list):
        return None
    projection = tuple(str(v) for v in project.PV)
    if "this" not in projection or {"failure", "path"} & set(projection):
        return None
    this = Variable("this")
    checker = _Checker()
    if not checker.pattern(project.p, frozenset()) or this not in _bound(project.p):
        return None
    # Variables bound as a subject in every solution never hold a literal in a final solution,
    # whatever they meet on the way (a literal there would fail the join with the subject).
    checker.nonliteral = _subject_bound(project.p)
    return projection, checker.datatype_sensitive, checker.joins(project.p, frozenset())


class _Checker:
    """Walks rdflib's algebra; false when something is outside the batchable subset."""

    def __init__(self) -> None:
        self.datatype_sensitive = False
        self.nonliteral: frozenset[Any] = frozenset()

    def pattern(self, node: Any, outer: frozenset[Any]) -> bool:
        """``outer``: variables a nested ``EXISTS`` sees from the solution it tests."""
        from rdflib.plugins.sparql.parserutils import CompValue

        if not isinstance(node, CompValue) or node.name not in _PATTERNS:
            return False
        if node.name == "BGP":
            return all(self.triple(t) for t in node.triples)
        if node.name in ("Join", "Union"):
            return self.pattern(node.p1, outer) and self.pattern(node.p2, outer)
        if node.name == "LeftJoin":
            scope = _scope(node.p1) | _scope(node.p2) | outer
            return (
                self.pattern(node.p1, outer)
                and self.pattern(node.p2, outer)
                and self.expression(node.expr, scope)
            )
        # Filter and Extend read the solutions of their own pattern
        return self.pattern(node.p, outer) and self.expression(node.expr, _scope(node.p) | outer)

    def joins(self, node: Any, outer: frozenset[Any]) -> bool:
        """Whether two parts of ``node`` may be joined on a literal (see ``joins_literals``);
        ``outer``: object variables of the solution an ``EXISTS`` tests."""
        from rdflib import Literal, URIRef
        from rdflib.plugins.sparql.parserutils import CompValue
        from rdflib.term import Variable

        if node.name == "BGP":
            objects = [t[2] for t in node.triples]
            objects += [t[0] for t in node.triples if not isinstance(t[1], (URIRef, Variable))]
            variables = [o for o in objects if isinstance(o, Variable) and o not in self.nonliteral]
            return (
                any(isinstance(o, Literal) for o in objects)
                or len(variables) != len(set(variables))
                or bool(outer & set(variables))
            )
        if node.name in ("Join", "LeftJoin"):
            if self.joins(node.p1, outer) or self.joins(node.p2, outer):
                return True
            if _objects(node.p1) & _objects(node.p2) - self.nonliteral:
                return True
        elif node.name == "Union":
            return self.joins(node.p1, outer) or self.joins(node.p2, outer)
        else:  # Filter, Extend
            if self.joins(node.p, outer):
                return True
        # EXISTS in the expressions: joined with the solution they test
        seen = (outer | _objects(node)) - self.nonliteral
        found = False

        def visit(expr: Any) -> None:
            nonlocal found
            if isinstance(expr, (list, tuple)):
                for e in expr:
                    visit(e)
            elif isinstance(expr, CompValue):
                if expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                    found = found or self.joins(expr.graph, seen)
                else:
                    for k, v in expr.items():
                        if not k.startswith("_"):
                            visit(v)

        if node.name in ("LeftJoin", "Filter", "Extend"):
            visit(node.expr)
        return found

    def triple(self, triple: Any) -> bool:
        from rdflib import BNode, URIRef
        from rdflib.paths import AlternativePath, InvPath, SequencePath
        from rdflib.term import Variable

        def path_ok(p: Any) -> bool:
            if isinstance(p, URIRef):
                return True
            if isinstance(p, (SequencePath, AlternativePath)):
                return all(path_ok(a) for a in p.args)
            if isinstance(p, InvPath):
                return path_ok(p.arg)
            return False

        s, p, o = triple
        return (
            all(isinstance(n, (URIRef, Variable, BNode)) or self.constant(n) for n in (s, o))
            and (isinstance(p, Variable) or path_ok(p))
        )

    def constant(self, node: Any) -> bool:
        """Only string constants: Oxigraph would canonicalise others where rdflib does not."""
        from rdflib import Literal
        from rdflib.namespace import XSD

        return (
            isinstance(node, Literal)
            and node.language is None
            and node.datatype in (None, XSD.string)
        )

    def expression(self, expr: Any, scope: frozenset[Any]) -> bool:
        from rdflib import URIRef
        from rdflib.plugins.sparql.parserutils import CompValue
        from rdflib.term import Variable

        if isinstance(expr, Variable):
            return expr in scope
        if isinstance(expr, (list, tuple)):
            return all(self.expression(e, scope) for e in expr)
        if isinstance(expr, URIRef) or (isinstance(expr, str) and not hasattr(expr, "n3")):
            return True  # IRIs, and operator names such as "!=" or "NOT IN"
        if not isinstance(expr, CompValue):
            return self.constant(expr)
        if expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            return self.pattern(expr.graph, scope)
        if expr.name in _DATATYPE_SENSITIVE:
            self.datatype_sensitive = True
        if expr.name == "TrueFilter":
            return True
        if not expr.name.startswith(("Builtin_", "Function")) and expr.name not in (
            "RelationalExpression", "ConditionalOrExpression", "ConditionalAndExpression",
            "AdditiveExpression", "MultiplicativeExpression", "UnaryNot", "UnaryMinus",
            "UnaryPlus",
        ):
            return False
        return all(self.expression(v, scope) for k, v in expr.items() if not k.startswith("_"))


def _scope(node: Any) -> frozenset[Any]:
    """Variables a pattern may bind (its in-scope variables)."""
    from rdflib.term import Variable

    if node.name == "BGP":
        return frozenset(n for t in node.triples for n in t if isinstance(n, Variable))
    if node.name in ("Join", "Union", "LeftJoin"):
        return _scope(node.p1) | _scope(node.p2)
    if node.name == "Extend":
        return _scope(node.p) | {node.var}
    return _scope(node.p)  # Filter


def _objects(node: Any) -> frozenset[Any]:
    """Variables that may hold a literal: in object position, or bound by ``BIND``."""
    from rdflib import URIRef
    from rdflib.term import Variable

    if node.name == "BGP":  # both ends of a path: ^p turns a subject into an object
        return frozenset(
            n
            for s, p, o in node.triples
            for n in ((o,) if isinstance(p, (URIRef, Variable)) else (s, o))
            if isinstance(n, Variable)
        )
    if node.name in ("Join", "Union", "LeftJoin"):
        return _objects(node.p1) | _objects(node.p2)
    if node.name == "Extend":
        return _objects(node.p) | {node.var}
    return _objects(node.p)  # Filter


def _subject_bound(node: Any) -> frozenset[Any]:
    """Variables bound as the subject of a triple pattern in every solution of a pattern."""
    from rdflib import URIRef
    from rdflib.term import Variable

    if node.name == "BGP":  # not through a path, which may be inverse
        return frozenset(
            s for s, p, _ in node.triples
            if isinstance(s, Variable) and isinstance(p, (URIRef, Variable))
        )
    if node.name == "Join":
        return _subject_bound(node.p1) | _subject_bound(node.p2)
    if node.name == "Union":
        return _subject_bound(node.p1) & _subject_bound(node.p2)
    if node.name == "LeftJoin":
        return _subject_bound(node.p1)
    return _subject_bound(node.p)  # Filter, Extend


def _bound(node: Any) -> frozenset[Any]:
    """Variables bound in every solution of a pattern."""
    if node.name == "BGP":
        return _scope(node)
    if node.name == "Join":
        return _bound(node.p1) | _bound(node.p2)
    if node.name == "Union":
        return _bound(node.p1) & _bound(node.p2)
    if node.name == "LeftJoin":
        return _bound(node.p1)
    return _bound(node.p)  # Filter, Extend (a failed BIND leaves its variable unbound)


def without(shapes: Graph, handled: Iterable[Constraint]) -> Graph:
    """A copy of ``shapes`` without the handled constraints (for pySHACL). A shape left checking
    nothing loses its targets too, so that pySHACL does not look for its focus nodes."""
    from rdflib import Graph
    from rdflib.namespace import SH

    copy = Graph()
    copy += shapes
    for c in handled:
        copy.remove((c.shape, SH.sparql, c.constraint))
    for shape in {c.shape for c in handled}:
        if all(str(p) in _INERT for p in copy.predicates(shape)):
            for kind in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
                copy.remove((shape, SH[kind], None))
    return copy


# --- evaluation -----------------------------------------------------------------------------------


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
) -> Outcome:
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
    outcome = Outcome()
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
    for row in graph.query(query):
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
        literals: dict[Node, Any] = {}

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
            t = literals.get(node)
            if t is None:
                assert isinstance(node, Literal)
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
        canonical: dict[Node, Any] = {}
        if typed:
            scratch = ox.Store()
            p = ox.NamedNode("urn:cyberflag:literal")
            scratch.extend(
                ox.Quad(ox.NamedNode(f"urn:cyberflag:{i}"), p, literals[lit])
                for i, lit in enumerate(typed)
            )
            for row in scratch.query("SELECT ?s ?o WHERE { ?s ?p ?o }"):
                canonical[typed[int(row["s"].value.rsplit(":", 1)[1])]] = row["o"]
        back: dict[Any, Node] = {}
        collided: set[Any] = set()
        ok, datatypes_changed = True, False
        for lit, t in literals.items():
            assert isinstance(lit, Literal)
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
