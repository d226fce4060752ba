"""The triples the pages are drawn from, fetched with SPARQL through the commands' engine.

``show`` needs one resource and what lies around it (its reports, their spans, the spans'
articles, and the labels of everything it names); ``site`` needs everything. Both ask the same
engine as every other command (an embedded Oxigraph, rdflib, or a server), with plain SPARQL 1.1
``SELECT`` queries, and index the answer here, so that a page and ``show`` read the same
:class:`Triples` and cannot disagree.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from cyberflag.rdf.escape import escape_iri
from cyberflag.rdf.prefixes import BASE, PREFIXES
from cyberflag.sparql.results import Term

if TYPE_CHECKING:
    from cyberflag.sparql.engines import Engine

RDF_TYPE = PREFIXES["rdf"] + "type"
LABELS = (
    PREFIXES["skos"] + "prefLabel",
    PREFIXES["schema"] + "name",
    PREFIXES["rdfs"] + "label",
    PREFIXES["schema"] + "headline",
    PREFIXES["dcterms"] + "title",
)
"""Where a resource's name is, best first: the name shown instead of its IRI."""

ID_BASE = PREFIXES["cfd"]
"""Instance IRIs: the resources that have a page."""

Triple = tuple[Term, Term, Term]

ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
OUTGOING = "SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"
INCOMING = "SELECT ?s ?p ?o WHERE {{ VALUES ?o {{ {values} }} ?s ?p ?o }}"

AROUND_DEPTH = 4
"""How many steps ``show`` follows from a resource: statement → report → span → selector and
article; enough for every report's words and their article's source file."""


class Triples:
    """A small in-memory index of triples by subject and by object."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.out: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.into: dict[str, list[tuple[Term, str]]] = defaultdict(list)
        self.triples = sorted(set(triples), key=_triple_key)
        self.by_subject: dict[str, list[Triple]] = defaultdict(list)
        for s, p, o in self.triples:
            self.out[s.value][p.value].append(o)
            self.by_subject[s.value].append((s, p, o))
            if not o.is_literal:
                self.into[o.value].append((s, p.value))
        self.subject_order = sorted(self.by_subject)
        """Every subject, sorted: the resources under an IRI are one run of it."""

    def __contains__(self, iri: str) -> bool:
        return iri in self.out

    def objects(self, subject: str, predicate: str) -> list[Term]:
        """The objects of ``subject predicate``, sorted."""
        by_predicate = self.out.get(subject)
        return list(by_predicate.get(predicate, ())) if by_predicate is not None else []

    def value(self, subject: str, predicate: str) -> Term | None:
        """One object of ``subject predicate`` (the first in sort order), or ``None``."""
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def subjects(self, predicate: str, obj: str) -> list[str]:
        """The subjects of ``? predicate obj``, sorted."""
        return sorted({s.value for s, p in self.into.get(obj, ()) if p == predicate})

    def types(self, subject: str) -> list[str]:
        return [t.value for t in self.objects(subject, RDF_TYPE) if t.is_uri]

    def label(self, iri: str) -> str | None:
        """The name a person reads for ``iri`` (English or untagged first), or ``None``."""
        for predicate in LABELS:
            found = self.objects(iri, predicate)
            if found:
                found.sort(key=lambda t: (t.lang not in (None, "", "en"), t.value))
                return found[0].value
        return None

    def describing(self, iri: str) -> list[Triple]:
        """The triples that describe ``iri`` on its page: its own, those of the resources whose
        IRIs lie under it (its reports, a span's selectors) and of the blank nodes they use."""
        # the IRIs under iri sort between iri + "/" and iri + "0" ("0" follows "/")
        first = bisect.bisect_left(self.subject_order, iri + "/")
        last = bisect.bisect_left(self.subject_order, iri + "0")
        triples = list(self.by_subject.get(iri, []))
        for subject in self.subject_order[first:last]:
            triples += self.by_subject[subject]
        found = {t[2].value for t in triples if t[2].is_bnode}
        done: set[str] = set()
        while found - done:
            node = min(found - done)
            done.add(node)
            for predicate, objects in sorted(self.out.get(node, {}).items()):
                for obj in objects:
                    triples.append((Term.bnode(node), Term.uri(predicate), obj))
                    if obj.is_bnode:
                        found.add(obj.value)
        return sorted(set(triples), key=_triple_key)

    def resources(self) -> list[str]:
        """Every instance IRI that is the subject of a triple, sorted."""
        return sorted(s for s in self.out if s.startswith(ID_BASE))


def _triple_key(triple: Triple) -> tuple[tuple[str, str, str, str], ...]:
    return tuple((t.kind, t.value, t.datatype or "", t.lang or "") for t in triple)


def _rows(engine: Engine, text: str) -> list[Triple]:
    result = engine.select(text)
    return [
        (s, p, o) for s, p, o in (tuple(row) for row in result.rows)
        if s is not None and p is not None and o is not None
    ]


def load_all(engine: Engine) -> Triples:
    """Every triple of the union graph (data and ontology): the site shows all of it."""
    return Triples(_rows(engine, ALL))


def load_around(engine: Engine, iri: str) -> Triples:
    """``iri``'s own triples, those pointing at it, and what its objects say in turn, up to
    :data:`AROUND_DEPTH` steps (the labels of every resource and property named on the way
    included): all that ``show`` prints, in a handful of queries whatever the graph's size."""
    triples = _rows(engine, OUTGOING.format(values=escape_iri(iri)))
    triples += _rows(engine, INCOMING.format(values=escape_iri(iri)))
    done = {iri}
    frontier = _named(triples) - done
    for _ in range(AROUND_DEPTH):
        if not frontier:
            break
        values = " ".join(escape_iri(i) for i in sorted(frontier))
        found = _rows(engine, OUTGOING.format(values=values))
        triples += found
        done |= frontier
        # resources under BASE are followed; a class or vocabulary term gives only its label
        frontier = {i for i in _named(found) if i.startswith(BASE)} - done
    labels = _named(triples) - done
    if labels:
        values = " ".join(escape_iri(i) for i in sorted(labels))
        found = _rows(engine, OUTGOING.format(values=values))
        triples += [t for t in found if t[1].value in LABELS]
    return Triples(triples)


def _named(triples: Iterable[Triple]) -> set[str]:
    """The IRIs a set of triples names as subject, predicate or object."""
    return {t.value for triple in triples for t in triple if t.is_uri}


__all__ = ["ID_BASE", "LABELS", "RDF_TYPE", "Triple", "Triples", "load_all", "load_around"]
