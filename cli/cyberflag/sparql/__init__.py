"""SPARQL: query text (form, syntax check), engine-neutral results, the embedded engines
(Oxigraph, rdflib) and a remote endpoint behind one interface."""
