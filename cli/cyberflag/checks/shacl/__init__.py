"""SHACL: pySHACL for the Core constraints, and the SHACL-SPARQL constraints that can be
evaluated once per constraint instead of once per focus node."""
