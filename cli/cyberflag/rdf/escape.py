"""Terms as N-Triples and Turtle write them: ``<iri>`` and one-line ``"string"``, escaped.

One definition for every writer (the Turtle/TriG writer, N-Triples/N-Quads, the TSV results
format), free of rdflib so the query path can use it. ``str.translate`` with a table rather than a
regular expression: a single pass in C per term.
"""

from __future__ import annotations

# IRIREF forbids control characters, space and <>"{}|^`\ raw: each becomes \uXXXX.
_IRI_ESCAPE = {c: f"\\u{c:04X}" for c in range(0x21)}
_IRI_ESCAPE.update({ord(c): f"\\u{ord(c):04X}" for c in '<>"{}|^`\\'})

# A one-line string: \ " and controls escaped, with the named ECHARs where Turtle has them.
_STRING_ESCAPE = {c: f"\\u{c:04X}" for c in range(0x20)}
_STRING_ESCAPE[0x7F] = "\\u007F"
_STRING_ESCAPE.update({
    ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t",
    ord("\b"): "\\b", ord("\f"): "\\f",
})


def escape_iri(iri: str) -> str:
    """``<iri>`` with every character IRIREF forbids written as a ``\\uXXXX`` escape."""
    return "<" + iri.translate(_IRI_ESCAPE) + ">"


def escape_string(text: str) -> str:
    """``"text"`` as a one-line Turtle / N-Triples string (``STRING_LITERAL_QUOTE``)."""
    return '"' + text.translate(_STRING_ESCAPE) + '"'


__all__ = ["escape_iri", "escape_string"]
