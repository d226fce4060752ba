"""The project's namespaces, defined once.

The prefix table itself is :data:`cyberflag.rdf.prefixes.PREFIXES` (plain strings, no rdflib); this
module builds rdflib ``Namespace`` objects from it. Every IRI the project mints starts with
``BASE``; every module, data file writer and query helper takes its prefixes from ``PREFIXES``, so
that a change of base is a one-line change and serialised Turtle always carries the same, stable
prefix block.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, TIME, XSD

from cyberflag.rdf.prefixes import BASE, PREFIXES

CF = Namespace(PREFIXES["cf"])
"""Terms the standard vocabularies lack (declared in ``ontology/cyberflag.ttl``)."""

CFD = Namespace(PREFIXES["cfd"])
"""Instance data: articles, people, statements, observations, spans, ..."""

SCHEMA = Namespace(PREFIXES["schema"])
ORG = Namespace(PREFIXES["org"])
QB = Namespace(PREFIXES["qb"])
OA = Namespace(PREFIXES["oa"])

# rdflib's own objects for the vocabularies it defines (closed namespaces catch typos such as
# RDF.tpye); they must agree with the string table, which is the definition.
for _prefix, _namespace in {
    "dcterms": DCTERMS, "owl": OWL, "prov": PROV, "rdf": RDF, "rdfs": RDFS, "sh": SH,
    "skos": SKOS, "time": TIME, "xsd": XSD,
}.items():
    if str(_namespace) != PREFIXES[_prefix]:  # pragma: no cover - an rdflib change
        raise ImportError(f"rdflib's {_prefix} namespace {_namespace} != {PREFIXES[_prefix]}")
del _prefix, _namespace

__all__ = [
    "BASE", "CF", "CFD", "DCTERMS", "OA", "ORG", "OWL", "PREFIXES", "PROV", "QB", "RDF", "RDFS",
    "SCHEMA", "SH", "SKOS", "TIME", "XSD",
]
