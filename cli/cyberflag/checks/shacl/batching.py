"""Which SHACL-SPARQL constraints can be evaluated once per constraint rather than once per
focus node (:mod:`cyberflag.checks.shacl.sparql` evaluates them; the analysis of their queries is
in :mod:`cyberflag.checks.shacl.algebra`).

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
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cyberflag.checks.shacl.algebra import analyse

if TYPE_CHECKING:
    from rdflib import Graph, Literal
    from rdflib.term import Node

__all__ = ["TARGET_KINDS", "Constraint", "batchable", "without"]

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


TARGET_KINDS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
"""The SHACL target declarations a batched constraint may have."""


def _string_literals(nodes: Iterable[Node]) -> tuple[Literal, ...] | None:
    """``nodes`` sorted, if every one is a string literal (a message pySHACL can format)."""
    from rdflib import Literal

    found = list(nodes)
    strings = [n for n in found if isinstance(n, Literal) and isinstance(n.value, str)]
    return tuple(sorted(strings)) if len(strings) == len(found) else None


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
                for kind in TARGET_KINDS
                for node in shapes.objects(shape, SH[kind])
            )
        )
        severities = list(shapes.objects(shape, SH.severity))
        selects = list(shapes.objects(constraint, SH.select))
        messages = _string_literals(shapes.objects(constraint, SH.message))
        shape_messages = _string_literals(shapes.objects(shape, SH.message))
        if (
            not targets
            or len(severities) > 1
            or len(selects) != 1
            or (constraint, SH.prefixes, None) in shapes
            or (constraint, SH.deactivated, None) in shapes
            or messages is None
            or shape_messages is None
            or not all(isinstance(m, Literal) and isinstance(m.value, str) for m in selects)
        ):
            continue
        text = str(selects[0])
        if not _BINDS_THIS.search(text) or any(r.search(text) for r in _PYSHACL_REFUSES):
            continue
        query = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _DEFAULT_PREFIXES) + "\n" + text
        analysed = analyse(query)
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
            for kind in TARGET_KINDS:
                copy.remove((shape, SH[kind], None))
    return copy
