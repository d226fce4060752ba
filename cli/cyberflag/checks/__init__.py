"""The checks of the data (``validate``): the findings, the layers, SHACL (pySHACL and batched
SPARQL constraints), and the incremental re-check after a change."""
