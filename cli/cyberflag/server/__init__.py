"""Shared servers: ``push`` (load the data into a SPARQL server) and ``serve`` (a local
read-only endpoint)."""
