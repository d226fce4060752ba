"""The project's prefix table as plain strings: the one definition of every namespace it uses.

Kept free of rdflib so that the query commands can shorten IRIs (``cfd:person/simon-bailey``)
without paying for rdflib's import; :mod:`cyberflag.rdf.namespaces` builds its rdflib ``Namespace``
objects from this table.
"""

from __future__ import annotations

BASE = "https://w3id.org/cyberflag/"
"""Every IRI the project mints starts with this."""

PREFIXES: dict[str, str] = {
    "cf": BASE + "ontology#",
    "cfd": BASE + "id/",
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "http://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
"""Prefix → namespace, in the order they are written at the top of every Turtle file."""

__all__ = ["BASE", "PREFIXES"]
