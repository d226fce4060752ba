"""A deterministic, canonical Turtle (and TriG) writer.

Why not rdflib's serializer, not even its ``longturtle`` (made for diffs): measured on the shipped
data, two processes with different ``PYTHONHASHSEED`` give different ``longturtle`` bytes (the order
of repeated objects follows hashing), so every regeneration of a data file would be a noisy diff.
Here the same graph always gives the same bytes:

* the prefix block holds only the prefixes used, in :data:`cyberflag.rdf.namespaces.PREFIXES` order;
* subjects are sorted by IRI (blank-node subjects after IRIs, by canonical label);
* ``a`` comes first, then predicates by full IRI;
* objects: IRIs, then blank nodes, then literals (by lexical form, datatype, language);
* a term is written as a prefixed name only when its local part is a valid ``PN_LOCAL`` as is (no
  backslash escapes), otherwise as a full ``<IRI>``;
* literals are written on one line with Turtle escapes; non-ASCII characters stay UTF-8;
  ``xsd:integer``/``xsd:decimal``/``xsd:boolean`` are bare when their lexical form is canonical,
  ``xsd:string`` is a plain ``"..."``;
* blank nodes get labels from their structure (:mod:`cyberflag.rdf.bnodes`: so they do not depend
  on parse order); one referenced exactly once, with no cycle, is written inline as ``[ ... ]``,
  the others as ``_:bN``.

The project's data has no blank nodes; they are supported so that any graph can be written.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from cyberflag.atomic import write_text_atomic
from cyberflag.rdf.bnodes import Quad, canonical_quads
from cyberflag.rdf.escape import escape_iri, escape_string
from cyberflag.rdf.namespaces import PREFIXES, RDF, XSD

INDENT = "    "

# --- Turtle grammar (https://www.w3.org/TR/turtle/#grammar-production-PN_LOCAL) -------------------
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = "%[0-9A-Fa-f]{2}"  # PN_LOCAL_ESC is not used: the local part must be valid as it stands
_PN_LOCAL = re.compile(
    rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)

# Canonical lexical forms that Turtle's INTEGER / DECIMAL / BOOLEAN productions read back unchanged.
_BARE = {
    str(XSD.integer): re.compile(r"0|-?[1-9][0-9]*"),
    str(XSD.decimal): re.compile(r"-?(?:0|[1-9][0-9]*)\.(?:0|[0-9]*[1-9])"),
    str(XSD.boolean): re.compile(r"true|false"),
}
_NEGATIVE_ZERO = {"-0.0"}
_XSD_STRING = str(XSD.string)


def is_pn_local(local: str) -> bool:
    """True if ``local`` can follow ``prefix:`` unchanged (empty is allowed: ``cf:``)."""
    return local == "" or _PN_LOCAL.fullmatch(local) is not None


class TermWriter:
    """Turns terms into Turtle, preferring prefixed names and remembering which prefixes it used."""

    def __init__(self, prefixes: Mapping[str, str] = PREFIXES) -> None:
        self.prefixes = dict(prefixes)
        # Longest namespace first, so that a nested namespace wins; then the given order.
        order = {name: i for i, name in enumerate(self.prefixes)}
        self._candidates = sorted(self.prefixes.items(), key=lambda kv: (-len(kv[1]), order[kv[0]]))
        self.used: set[str] = set()
        self.bnode_labels: dict[BNode, str] = {}

    def iri(self, iri: str) -> str:
        for name, namespace in self._candidates:
            if iri.startswith(namespace) and is_pn_local(iri[len(namespace) :]):
                self.used.add(name)
                return f"{name}:{iri[len(namespace) :]}"
        return escape_iri(iri)

    def literal(self, literal: Literal) -> str:
        lexical = str(literal)
        if literal.language:
            return f"{escape_string(lexical)}@{literal.language}"
        datatype = str(literal.datatype) if literal.datatype is not None else _XSD_STRING
        if datatype == _XSD_STRING:
            return escape_string(lexical)
        bare = _BARE.get(datatype)
        if bare is not None and bare.fullmatch(lexical) and lexical not in _NEGATIVE_ZERO:
            return lexical
        return f"{escape_string(lexical)}^^{self.iri(datatype)}"

    def term(self, term: Node) -> str:
        if isinstance(term, URIRef):
            return self.iri(str(term))
        if isinstance(term, Literal):
            return self.literal(term)
        if isinstance(term, BNode):
            return "_:" + self.bnode_labels[term]
        raise TypeError(f"cannot write {type(term).__name__} {term!r} as Turtle")

    def prefix_block(self) -> str:
        """``@prefix`` lines for the prefixes used, in the given order, then a blank line."""
        lines = [
            f"@prefix {name}: <{ns}> ." for name, ns in self.prefixes.items() if name in self.used
        ]
        return "\n".join(lines) + "\n\n" if lines else ""


# --- blank nodes ----------------------------------------------------------------------------------

@dataclass
class _Layout:
    """Which blank nodes are written inline, and the labels of the rest."""

    inline: set[BNode] = field(default_factory=set)
    labels: dict[BNode, str] = field(default_factory=dict)


def _layout(quads: list[Quad]) -> _Layout:
    as_object: Counter[BNode] = Counter(o for _, _, o, _ in quads if isinstance(o, BNode))
    graphs_of: dict[BNode, set[Node | str]] = defaultdict(set)
    edges: dict[Node, list[BNode]] = defaultdict(list)  # subject → blank-node objects
    for s, _, o, g in quads:
        for t in (s, o):
            if isinstance(t, BNode):
                graphs_of[t].add(g)
        if isinstance(o, BNode):
            edges[s].append(o)
    bnodes = sorted(graphs_of, key=str)
    inline = {
        b
        for b in bnodes
        if as_object[b] == 1 and len(graphs_of[b]) == 1 and b not in edges.get(b, ())
    }
    subjects = {s for s, _, _, _ in quads}
    # An inline node is written where it is referenced; that must be reachable from a node that is
    # written at the top level, else (a cycle of once-referenced nodes) nothing would ever write it.
    while True:
        reached: set[BNode] = set()
        stack = [s for s in subjects if s not in inline]
        while stack:
            for o in edges.get(stack.pop(), ()):
                if o in inline and o not in reached:
                    reached.add(o)
                    stack.append(o)
        unreached = sorted(inline - reached, key=str)
        if not unreached:
            break
        inline.discard(unreached[0])
    _bound_depth(inline, edges, subjects)
    labels = {b: f"b{i}" for i, b in enumerate(b for b in bnodes if b not in inline)}
    return _Layout(inline=inline, labels=labels)


MAX_INLINE_DEPTH = 32
"""How deep ``[ ... ]`` may nest in the output: a node deeper than this is written at the top level
with a label instead, so that writing recurses at most this far (a long RDF list, whose cells
would otherwise nest one inside the next, is written as a chain of labelled nodes)."""


def _bound_depth(inline: set[BNode], edges: dict[Node, list[BNode]], subjects: set[Node]) -> None:
    """Take out of ``inline`` every node that would be written more than
    :data:`MAX_INLINE_DEPTH` levels inside a top-level one (breadth first: no recursion)."""
    level = [s for s in subjects if s not in inline]
    depth = 0
    while level:
        depth += 1
        below: list[Node] = [c for node in level for c in edges.get(node, ()) if c in inline]
        if depth > MAX_INLINE_DEPTH:
            inline.difference_update(below)  # written at the top level, with a label
            depth = 0  # their own nodes start again from there
        level = below


# --- statements -----------------------------------------------------------------------------------


def _object_key(term: Node) -> tuple[int, str, str, str]:
    if isinstance(term, URIRef):
        return (0, str(term), "", "")
    if isinstance(term, BNode):
        return (1, str(term), "", "")
    if not isinstance(term, Literal):
        raise TypeError(f"cannot write {type(term).__name__} {term!r} as Turtle")
    datatype = "" if term.language else str(term.datatype or _XSD_STRING)
    return (2, str(term), datatype, term.language or "")


def _predicate_key(term: Node) -> tuple[int, str]:
    return (0 if term == RDF.type else 1, str(term))


def _subject_key(term: Node) -> tuple[int, str]:
    return (0 if isinstance(term, URIRef) else 1, str(term))


class _Body:
    """Writes the statements of one graph; shares a TermWriter and layout across a TriG dataset."""

    def __init__(self, writer: TermWriter, layout: _Layout) -> None:
        self.writer = writer
        self.layout = layout

    def write(self, triples: Iterable[tuple[Node, Node, Node]], indent: str = "") -> str:
        by_subject: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        for s, p, o in triples:
            by_subject[s][p].add(o)
        self._by_subject = by_subject
        blocks = []
        for subject in sorted(by_subject, key=_subject_key):
            if subject in self.layout.inline:
                continue
            head = self.writer.term(subject)
            blocks.append(f"{indent}{head}\n{self._predicates(subject, indent + INDENT)} .\n")
        return "\n".join(blocks)

    def _predicates(self, subject: Node, indent: str) -> str:
        lines = []
        for predicate in sorted(self._by_subject[subject], key=_predicate_key):
            verb = "a" if predicate == RDF.type else self.writer.term(predicate)
            objects = sorted(self._by_subject[subject][predicate], key=_object_key)
            # an inline [ ... ] closes at the indent of the line it opens on
            rendered = [
                self._object(o, indent if i == 0 else indent + INDENT)
                for i, o in enumerate(objects)
            ]
            lines.append(f"{indent}{verb} " + (" ,\n" + indent + INDENT).join(rendered))
        return " ;\n".join(lines)

    def _object(self, term: Node, indent: str) -> str:
        if isinstance(term, BNode) and term in self.layout.inline:
            if term not in self._by_subject:
                return "[]"
            inner = self._predicates(term, indent + INDENT)
            return f"[\n{inner}\n{indent}]"
        return self.writer.term(term)


def _graph_quads(graph: Graph) -> list[Quad]:
    return [(s, p, o, "") for s, p, o in graph]


def dumps(graph: Graph, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The graph as canonical Turtle (same graph, same text)."""
    quads = canonical_quads(_graph_quads(graph))
    layout = _layout(quads)
    writer = TermWriter(prefixes)
    writer.bnode_labels = layout.labels
    body = _Body(writer, layout).write((s, p, o) for s, p, o, _ in quads)
    return writer.prefix_block() + body


def dump(
    graph: Graph, path: str | os.PathLike[str], prefixes: Mapping[str, str] = PREFIXES
) -> None:
    """Write :func:`dumps` output to ``path`` atomically (never a half-written file)."""
    write_text_atomic(path, dumps(graph, prefixes))


def dumps_trig(dataset: Dataset, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The dataset as canonical TriG: default-graph triples first, then one block per named graph,
    sorted by graph name; within each block the same layout as :func:`dumps`."""
    quads: list[Quad] = []
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name: Node | None = g.identifier if isinstance(g, Graph) else g
        quads.append((s, p, o, "" if name in (None, DATASET_DEFAULT_GRAPH_ID) else name))
    quads = canonical_quads(quads)
    layout = _layout(quads)
    writer = TermWriter(prefixes)
    writer.bnode_labels = layout.labels
    body = _Body(writer, layout)
    default: list[tuple[Node, Node, Node]] = []
    by_graph: dict[Node, list[tuple[Node, Node, Node]]] = defaultdict(list)
    for s, p, o, graph_name in quads:
        if isinstance(graph_name, Node):  # not "", the default graph (a URIRef is a str too)
            by_graph[graph_name].append((s, p, o))
        else:
            default.append((s, p, o))
    blocks = []
    if default:
        blocks.append(body.write(default))
    for name in sorted(by_graph, key=_subject_key):
        if isinstance(name, BNode):
            label = writer.bnode_labels.setdefault(name, f"g{len(blocks)}")
            head = f"_:{label}"
        else:
            head = writer.term(name)
        blocks.append(f"{head} {{\n{body.write(by_graph[name], INDENT)}}}\n")
    return writer.prefix_block() + "\n".join(blocks)


__all__ = [
    "TermWriter",
    "dump",
    "dumps",
    "dumps_trig",
    "is_pn_local",
]
