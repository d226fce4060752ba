"""The project's namespaces, defined once.

Every IRI the project mints starts with ``BASE``; every module, data file writer and query helper takes
its prefixes from ``PREFIXES`` so that a change of base is a one-line change and serialised Turtle always
carries the same, stable prefix block.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, TIME, XSD

BASE = "https://w3id.org/cyberflag/"

CF = Namespace(BASE + "ontology#")
"""Terms the standard vocabularies lack (declared in ``ontology/cyberflag.ttl``)."""

CFD = Namespace(BASE + "id/")
"""Instance data: articles, people, statements, observations, spans, ..."""

SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
QB = Namespace("http://purl.org/linked-data/cube#")
OA = Namespace("http://www.w3.org/ns/oa#")

PREFIXES: dict[str, str] = {
    "cf": str(CF),
    "cfd": str(CFD),
    "dcterms": str(DCTERMS),
    "oa": str(OA),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "qb": str(QB),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "skos": str(SKOS),
    "time": str(TIME),
    "xsd": str(XSD),
}
"""Prefix → namespace, in the order they are written at the top of every Turtle file."""

__all__ = [
    "BASE", "CF", "CFD", "DCTERMS", "OA", "ORG", "OWL", "PREFIXES", "PROV", "QB", "RDF", "RDFS",
    "SCHEMA", "SH", "SKOS", "TIME", "XSD",
]
