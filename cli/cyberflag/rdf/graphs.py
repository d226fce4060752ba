"""Load the knowledge graph: one named graph per Turtle file, plus a union view.

Every ``*.ttl`` under the data directory (recursively, except ``sources/``) and the ontology are
read into an rdflib :class:`~rdflib.Dataset`. Each file becomes the named graph
``https://w3id.org/cyberflag/id/graph/{path relative to data/, without .ttl}`` (the ontology:
``.../graph/ontology/cyberflag``), so any triple can be traced back to the file that states it.

Parsing: pyoxigraph reads each file and its terms are converted to rdflib terms. pyoxigraph is
strict (rdflib's own Turtle parser accepts many malformed files, e.g. bad IRIs and stray tokens)
and, measured on a 20,000-triple file, parse-and-convert took about 0.3 s against about 0.6 s for a
pyoxigraph syntax check followed by an rdflib parse. A syntax error becomes a :class:`DataError`
whose text is one line, ``path:line:column: message``, like a compiler's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from cyberflag.errors import DataError, InputError
from cyberflag.rdf import files, resources
from cyberflag.rdf.files import (
    GRAPH_BASE,
    RDF_REST,
    data_files,
    display_path,
    nesting_error,
    parse_error,
)
from cyberflag.rdf.namespaces import XSD

_XSD_STRING = str(XSD.string)


def graph_iri(relative: str) -> URIRef:
    """The named graph for a file at ``relative`` (POSIX path under data/, ``.ttl`` dropped)."""
    return URIRef(files.graph_name(relative))


# --- parsing --------------------------------------------------------------------------------------


def _to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal, bnodes: dict[str, BNode]) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        # fresh rdflib ids per file: blank nodes are never shared between files
        return bnodes.setdefault(term.value, BNode())
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        # A plain literal, as rdflib's own parser gives it (so "x" = "x" in SPARQL either way).
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise ValueError(f"unsupported term {term!r} (RDF-star is not used here)")


def parse_triples(path: Path, base_iri: str | None = None) -> Iterator[tuple[Node, Node, Node]]:
    """The triples of the Turtle file at ``path``, as rdflib terms (strict parse).

    ``base_iri`` resolves relative IRIs; by default it is the file's own ``file:`` URI, as in
    Jena's ``riot``, so that a file with relative IRIs loads rather than failing. The project's own
    files use none (the vocabulary check would flag a ``file:`` term), the W3C test files do.
    """
    if base_iri is None:
        base_iri = path.resolve().as_uri()
    bnodes: dict[str, BNode] = {}
    nested: dict[str, list[str]] = {}  # blank node → the blank nodes it points at
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base_iri):
            if (
                isinstance(quad.object, ox.BlankNode)
                and isinstance(quad.subject, ox.BlankNode)
                and quad.predicate.value != RDF_REST  # a list is long, not deep
            ):
                nested.setdefault(quad.subject.value, []).append(quad.object.value)
            yield (
                _to_rdflib(quad.subject, bnodes),
                _to_rdflib(quad.predicate, bnodes),
                _to_rdflib(quad.object, bnodes),
            )
    except SyntaxError as error:
        raise parse_error(path, error) from None
    except (OSError, ValueError) as error:  # unreadable file, invalid UTF-8
        message = getattr(error, "strerror", None) or str(error)
        raise DataError(display_path(path), None, None, message) from None
    too_deep = nesting_error(path, nested)
    if too_deep is not None:
        raise too_deep


def parse_turtle(path: Path, base_iri: str | None = None) -> Graph:
    """The Turtle file at ``path`` as an rdflib Graph; a syntax error raises :class:`DataError`."""
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o in parse_triples(path, base_iri))
    return graph


# --- the loaded dataset ---------------------------------------------------------------------------


@dataclass
class LoadedData:
    """The dataset, the file each named graph came from, and union views."""

    dataset: Dataset
    files: dict[URIRef, Path] = field(default_factory=dict)
    data_dir: Path | None = None
    ontology_graphs: tuple[URIRef, ...] = ()

    @property
    def data_graphs(self) -> list[URIRef]:
        """Named graphs of data files (not the ontology), sorted."""
        return sorted(g for g in self.files if g not in self.ontology_graphs)

    def _union(self, names: Iterable[URIRef]) -> Graph:
        union = Graph()
        for name in names:
            union += self.dataset.graph(name)
        return union

    def data_union(self) -> Graph:
        """A new Graph holding every data triple (no ontology): what SHACL validates."""
        return self._union(self.data_graphs)

    def union(self) -> Graph:
        """A new Graph holding every triple, data and ontology: what ``export`` writes."""
        return self._union(sorted(self.files))

    def files_stating(self, node: Node, *, ontology: bool = False) -> list[Path]:
        """Files with triples about ``node`` (as subject; failing that, as object), sorted.

        Used to tell a reader of a validation report which file to open.
        """
        names = sorted(self.files) if ontology else self.data_graphs
        for pattern in ((node, None, None), (None, None, node)):
            hits = [self.files[n] for n in names if (pattern in self.dataset.graph(n))]
            if hits:
                return hits
        return []

    def __len__(self) -> int:
        return sum(len(self.dataset.graph(g)) for g in self.files)


def load(
    data: Path | str | None = None,
    *,
    ontology: Path | str | None = None,
    include_ontology: bool = True,
) -> LoadedData:
    """Read the data directory (default: the shipped ``data/``) and the ontology into a Dataset.

    ``data`` is a directory laid out like ``data/``. Raises :class:`InputError` when it is
    missing or holds no Turtle, :class:`DataError` on the first file that does not parse.
    """
    data_dir = Path(data) if data is not None else resources.data_dir()
    resources.require_dir(data_dir, "data directory")
    files = data_files(data_dir)
    if not files:
        raise InputError(f"no Turtle files (*.ttl) under {display_path(data_dir)}")

    dataset = Dataset(default_union=True)
    loaded = LoadedData(dataset=dataset, data_dir=data_dir)
    for path in files:
        name = graph_iri(path.relative_to(data_dir).as_posix())
        _add_file(loaded, name, path)
    if include_ontology:
        onto = Path(ontology) if ontology is not None else resources.ontology_path()
        resources.require_file(onto, "ontology")
        name = graph_iri(f"ontology/{onto.stem}")
        _add_file(loaded, name, onto)
        loaded.ontology_graphs = (name,)
    return loaded


def _add_file(loaded: LoadedData, name: URIRef, path: Path) -> None:
    graph = loaded.dataset.graph(name)
    graph.addN((s, p, o, graph) for s, p, o in parse_triples(path))
    loaded.files[name] = path


__all__ = [
    "GRAPH_BASE",
    "LoadedData",
    "data_files",
    "display_path",
    "graph_iri",
    "load",
    "parse_triples",
    "parse_turtle",
]
