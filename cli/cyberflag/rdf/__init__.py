"""RDF files: the prefix table, where the shipped files are, which files are data, loading them
into rdflib, and the deterministic writers (Turtle, TriG, N-Triples, N-Quads, JSON-LD)."""
