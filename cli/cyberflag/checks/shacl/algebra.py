"""rdflib's algebra of a constraint's query, walked: is it inside the subset that may be
evaluated with ``$this`` free (see :mod:`cyberflag.checks.shacl.batching`), and what does it read?
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

__all__ = ["Edge", "Reach", "analyse", "branches", "reach"]

_PATTERNS = frozenset({"BGP", "Join", "LeftJoin", "Union", "Filter", "Extend"})
_DATATYPE_SENSITIVE = frozenset({"Builtin_DATATYPE", "Builtin_sameTerm"})


@functools.lru_cache(maxsize=256)
def analyse(query: str) -> tuple[tuple[str, ...], bool, bool] | None:
    """The projection, datatype sensitivity and literal joins of ``query``, or None if it is not
    batchable.

    Cached by query text (the answer depends on nothing else, and is immutable): parsing a query
    with rdflib takes about 30 ms, and batching runs on every validation, once per chunk in a
    chunked or incremental run, where parsing the same 21 queries again took most of the time (a
    full run of a 4-article corpus in 38 chunks: 44 s uncached, 14 s cached).
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


Edge = tuple[int, Any, Any, Any]
"""A triple pattern with one IRI or variable predicate: how deep in ``EXISTS`` it is (0: not),
subject, predicate, object."""

BRANCHES_MAX = 256
"""More ways to match than this (``UNION`` inside ``UNION`` ...) and the reach is not worked out."""

_WRAPPERS = frozenset({"SelectQuery", "Project", "Distinct", "Reduced", "Slice", "OrderBy",
                       "ToMultiSet"})


def branches(query: str) -> list[list[Edge]] | None:
    """The triple patterns ``query`` matches, one list per way it may match (each ``UNION``
    branch apart, an ``OPTIONAL`` with and without its optional part, ``EXISTS`` patterns joined
    to the solution they test), with ``/``, ``|`` and ``^`` paths spelt out as single links (an
    intermediate node of a path is a fresh variable). ``None`` when a path may repeat (``*``,
    ``+``, ``?``), and so reads without bound, or the query is outside what is walked here.

    Why apart: a variable bound by a link forwards from ``$this`` in one branch may be bound by a
    link pointing *at* ``$this`` in another (``cf:ReportBacklinkShape``), and only the branch
    says which of the two a check reads."""
    from rdflib.paths import AlternativePath, InvPath, Path, SequencePath
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    fresh = iter(range(1 << 30))

    def link(s: Any, p: Any, o: Any, found: list[Edge], level: int) -> bool:
        if isinstance(p, InvPath):
            return link(o, p.arg, s, found, level)
        if isinstance(p, SequencePath):
            ends = [s, *(Variable(f"_path{next(fresh)}") for _ in p.args[1:]), o]
            return all(link(a, step, b, found, level)
                       for a, step, b in zip(ends, p.args, ends[1:], strict=False))
        if isinstance(p, AlternativePath):
            return all(link(s, option, o, found, level) for option in p.args)
        if isinstance(p, Path):  # MulPath, NegatedPath: any number of links, or any predicate
            return False
        found.append((level, s, p, o))
        return True

    def joined(*parts: list[list[Edge]] | None) -> list[list[Edge]] | None:
        result: list[list[Edge]] = [[]]
        for part in parts:
            if part is None:
                return None
            result = [a + b for a in result for b in part]
            if len(result) > BRANCHES_MAX:
                return None
        return result

    def pattern(node: Any, level: int) -> list[list[Edge]] | None:
        if not isinstance(node, CompValue):
            return None
        if node.name in _WRAPPERS:
            return pattern(node.p, level)
        if node.name == "BGP":
            found: list[Edge] = []
            return [found] if all(link(t[0], t[1], t[2], found, level) for t in node.triples) \
                else None
        if node.name == "Join":
            return joined(pattern(node.p1, level), pattern(node.p2, level))
        if node.name == "LeftJoin":  # the optional part may match or not
            first = pattern(node.p1, level)
            both = joined(first, pattern(node.p2, level), expression(node.expr, level))
            return None if first is None or both is None else first + both
        if node.name == "Union":
            one, other = pattern(node.p1, level), pattern(node.p2, level)
            return None if one is None or other is None else one + other
        if node.name in ("Filter", "Extend"):
            return joined(pattern(node.p, level), expression(node.expr, level))
        return None

    def expression(expr: Any, level: int) -> list[list[Edge]] | None:
        if isinstance(expr, CompValue):
            if expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                return pattern(expr.graph, level + 1)
            return joined(*(expression(v, level) for k, v in expr.items() if not k.startswith("_")))
        if isinstance(expr, (list, tuple)):
            return joined(*(expression(e, level) for e in expr))
        return [[]]

    return pattern(translateQuery(parseQuery(query)).algebra, 0)


class Reach(NamedTuple):
    """How far from ``$this`` a query reads (:func:`reach`)."""

    forward: int
    """The furthest node, following triples forwards, whose own triples a pattern matches."""
    inbound: int | None
    """``None``: no triple pointing at ``$this``; ``0``: those triples only; ``n``: and the
    triples of the nodes within ``n - 1`` links forwards of their subjects (``1``: the
    subjects' own triples, as ``?fact rdf:subject $this ; rdf:object ?v``)."""
    predicates: frozenset[str] | None = None
    """The predicates of the triples pointing at ``$this`` that are read (``None``: any)."""


def reach(query: str) -> Reach | None:
    """How far from ``$this`` the query reads, over every way it may match (:func:`branches`).
    ``None``: no such bound (a repeating path, a pattern reached neither forwards from ``$this``
    nor forwards from a node pointing at it, ...)."""
    found = branches(query)
    if found is None:
        return None
    furthest, inbound = 0, None
    predicates: frozenset[str] | None = frozenset()
    for branch in found:
        one = _branch_reach(branch)
        if one is None:
            return None
        furthest = max(furthest, one.forward)
        if one.inbound is not None:
            inbound = one.inbound if inbound is None else max(inbound, one.inbound)
            predicates = (None if one.predicates is None or predicates is None
                          else predicates | one.predicates)
    return Reach(furthest, inbound, predicates if inbound is not None else None)


def _branch_reach(found: list[Edge]) -> Reach | None:
    """:func:`reach` of one way to match. Which node a variable holds is settled by the patterns
    outside ``EXISTS`` first (an ``EXISTS`` tests the solution, it binds none of its variables),
    then by each depth of ``EXISTS`` in turn for the variables still free; at each depth, by the
    links forwards from ``$this``, then by the links pointing at it from a node not reached so,
    then by the links forwards from those nodes."""
    from rdflib.term import Variable

    this = Variable("this")
    ahead: dict[Any, int] = {this: 0}  # reached forwards from $this: how many links
    behind: dict[Any, int] = {}  # reached from a node pointing at $this: 1 + links from it
    links: list[Any] = []  # the predicates of the links pointing at $this

    def forwards(hops: dict[Any, int], depth: int) -> None:
        frontier = list(hops)
        while frontier:
            reached = []
            for level, s, _p, o in found:
                if level <= depth and s in frontier and o not in ahead and o not in behind:
                    hops[o] = hops[s] + 1
                    reached.append(o)
            frontier = reached

    for depth in range(max((level for level, *_ in found), default=0) + 1):
        forwards(ahead, depth)
        for level, s, p, o in found:
            if level <= depth and o == this and s not in ahead:
                links.append(p)
                behind.setdefault(s, 1)
        forwards(behind, depth)
    furthest, inbound = 0, 0 if links else None
    for _level, s, _p, o in found:
        if s in ahead:
            furthest = max(furthest, ahead[s])
        elif o == this:
            continue  # a link pointing at $this: read whatever else its subject is
        elif s in behind and inbound is not None:
            inbound = max(inbound, behind[s])
        else:
            return None
    if not links:
        return Reach(furthest, None)
    if any(isinstance(p, Variable) for p in links):
        return Reach(furthest, inbound, None)
    return Reach(furthest, inbound, frozenset(str(p) for p in links))
