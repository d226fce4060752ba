"""The output formats' names, in one place: what each command offers, and what a file's extension
names (``-o graph.nt``). Plain tuples, free of imports, so the command line can build its options
without loading a renderer."""

from __future__ import annotations

TABLE_FORMATS = ("table", "json")
"""A listing for people or for machines (stats, queries)."""

REPORT_FORMATS = ("text", "json")
"""A report for people or for machines (validate, conflicts, index)."""

SELECT_FORMATS = ("table", "csv", "tsv", "json", "jsonl")
"""Solutions (SELECT) and booleans (ASK): the table, and the W3C SPARQL 1.1 results formats."""

GRAPH_FORMATS = ("turtle", "nt", "jsonld")
"""Graphs (CONSTRUCT, DESCRIBE)."""

EXPORT_FORMATS = ("turtle", "trig", "nt", "nquads", "jsonld")
"""The whole graph (``export``): TriG and N-Quads keep one named graph per file."""

EXTENSIONS = {
    ".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "jsonld",
    ".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
}
"""The format a file name's extension names, as Jena's riot reads it (``-o graph.nt``)."""

__all__ = [
    "EXPORT_FORMATS", "EXTENSIONS", "GRAPH_FORMATS", "REPORT_FORMATS", "SELECT_FORMATS",
    "TABLE_FORMATS",
]
