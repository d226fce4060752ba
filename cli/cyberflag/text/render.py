"""Write query results as text: a table for people, standard formats for programs.

Solutions (SELECT) and booleans (ASK):

* ``text``: aligned columns, IRIs shortened to prefixed names, long text wrapped to ``width``; a
  table that cannot fit ``width`` (columns would be wrapped below the 12-character floor) is
  printed as records instead, so that no line is wider than ``width``;
* ``records``: one block per row, one ``field | value`` line per variable, as ``psql``'s expanded
  display;
* ``json``: the W3C SPARQL 1.1 Query Results JSON Format (https://www.w3.org/TR/sparql11-results-json/);
* ``csv`` / ``tsv``: the W3C SPARQL 1.1 Query Results CSV and TSV Formats
  (https://www.w3.org/TR/sparql11-results-csv-tsv/): CSV gives plain values, RFC 4180 quoting and
  CRLF line ends (lossy by design: types and languages are dropped); TSV gives every term in
  N-Triples syntax under a ``?var`` header, so nothing is lost;
* ``jsonl``: one JSON object per row, variable → plain value (``null`` when unbound; xsd:integer as
  a number and xsd:boolean as true/false, everything else as a string), for ``jq`` and scripts;
* ``xml``: the W3C SPARQL Query Results XML Format (https://www.w3.org/TR/rdf-sparql-XMLres/), for
  tools that read no other.

Graphs (CONSTRUCT/DESCRIBE): ``turtle`` (the project's deterministic writer), ``nt`` (sorted
N-Triples), ``jsonld``. rdflib is imported only for graph formats: rendering solutions needs no
rdflib at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from cyberflag.errors import InputError
from cyberflag.rdf.prefixes import PREFIXES
from cyberflag.sparql.results import XSD, AskResult, GraphResult, Result, SelectResult, Term
from cyberflag.text import iri
from cyberflag.text import table as layout
from cyberflag.text.formats import GRAPH_FORMATS, SELECT_FORMATS, TEXT, canonical
from cyberflag.text.records import render_records

_BOOLEANS = ("true", "false", "1", "0")


def render(
    result: Result,
    fmt: str,
    width: int | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> str:
    """``result`` in format ``fmt``; ``width`` limits text lines (``None``: no wrapping).

    A format that does not fit the result (a table of a graph, Turtle of solutions) raises
    :class:`InputError` naming the formats that do.
    """
    fmt = canonical(fmt)
    if isinstance(result, GraphResult):
        if fmt not in GRAPH_FORMATS:
            raise InputError(
                f"format {fmt!r} is for solutions; a graph is written as {', '.join(GRAPH_FORMATS)}"
            )
        return render_graph(result, fmt, prefixes)
    if fmt not in SELECT_FORMATS:
        raise InputError(
            f"format {fmt!r} is for graphs; solutions are written as {', '.join(SELECT_FORMATS)}"
        )
    if isinstance(result, AskResult):
        return _render_boolean(result, fmt)
    if fmt == TEXT:
        if width is not None and not fits(result, width, prefixes):
            return records(result, width, prefixes)
        return table(result, width, prefixes)
    if fmt == "records":
        return records(result, width, prefixes)
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    if fmt == "xml":
        return to_xml(result)
    return to_jsonl(result)


# --- W3C formats ----------------------------------------------------------------------------------


def to_json(result: SelectResult | AskResult) -> str:
    """The SPARQL 1.1 Query Results JSON document (unbound variables omitted from a binding)."""
    if isinstance(result, AskResult):
        document: dict[str, Any] = {"head": {}, "boolean": result.boolean}
    else:
        document = {
            "head": {"vars": list(result.variables)},
            "results": {
                "bindings": [
                    {
                        v: t.to_json()
                        for v, t in zip(result.variables, row, strict=True)
                        if t is not None
                    }
                    for row in result.rows
                ]
            },
        }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


def _xml_term(term: Term) -> str:
    value = escape(term.value)
    if term.is_uri:
        return f"<uri>{value}</uri>"
    if term.is_bnode:
        return f"<bnode>{value}</bnode>"
    if term.lang:
        return f"<literal xml:lang={quoteattr(term.lang)}>{value}</literal>"
    if term.datatype:
        return f"<literal datatype={quoteattr(term.datatype)}>{value}</literal>"
    return f"<literal>{value}</literal>"


def to_xml(result: SelectResult | AskResult) -> str:
    """The SPARQL Query Results XML document (unbound variables omitted from a result)."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<sparql xmlns="{SPARQL_RESULTS_NS}">']
    if isinstance(result, AskResult):
        lines += ["  <head/>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>"]
    else:
        lines += ["  <head>"]
        lines += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
        lines += ["  </head>", "  <results>"]
        for row in result.rows:
            lines.append("    <result>")
            lines += [
                f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(result.variables, row, strict=True)
                if t is not None
            ]
            lines.append("    </result>")
        lines.append("  </results>")
    return "\n".join([*lines, "</sparql>"]) + "\n"


def _csv_field(term: Term | None) -> str:
    if term is None:
        return ""
    value = "_:" + term.value if term.is_bnode else term.value
    if any(c in value for c in '",\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def to_csv(result: SelectResult) -> str:
    """SPARQL 1.1 CSV: header of variable names, plain values, RFC 4180 quoting, CRLF line ends."""
    lines = [",".join(_csv_field(Term.literal(v)) for v in result.variables)]
    lines += [",".join(_csv_field(t) for t in row) for row in result.rows]
    return "".join(line + "\r\n" for line in lines)


def to_tsv(result: SelectResult) -> str:
    """SPARQL 1.1 TSV: ``?var`` header, N-Triples terms, empty field when unbound, LF line ends."""
    lines = ["\t".join("?" + v for v in result.variables)]
    lines += ["\t".join("" if t is None else t.n3() for t in row) for row in result.rows]
    return "".join(line + "\n" for line in lines)


def plain(term: Term | None) -> Any:
    """A JSON-friendly value: integers and booleans typed, everything else its lexical form."""
    if term is None:
        return None
    if term.is_bnode:
        return "_:" + term.value
    if term.is_literal and term.datatype == XSD + "integer":
        try:
            return int(term.value)
        except ValueError:
            return term.value
    if term.is_literal and term.datatype == XSD + "boolean" and term.value in _BOOLEANS:
        return term.value in ("true", "1")
    return term.value


def to_jsonl(result: SelectResult) -> str:
    """One JSON object per row (every variable present, ``null`` when unbound)."""
    return "".join(
        json.dumps(
            {v: plain(t) for v, t in zip(result.variables, row, strict=True)}, ensure_ascii=False
        )
        + "\n"
        for row in result.rows
    )


def _render_boolean(result: AskResult, fmt: str) -> str:
    if fmt == "json":
        return to_json(result)
    if fmt == "xml":
        return to_xml(result)
    if fmt == "jsonl":
        return json.dumps({"boolean": result.boolean}) + "\n"
    text = "true" if result.boolean else "false"
    return text + ("\r\n" if fmt == "csv" else "\n")


# --- table ----------------------------------------------------------------------------------------


def cells(result: SelectResult, prefixes: Mapping[str, str] | None = None) -> list[list[str]]:
    """Each row's terms as people read them: IRIs shortened to prefixed names, "" when unbound."""
    shortened = iri.ordered(prefixes)
    return [[iri.short_term(t, shortened) for t in row] for row in result.rows]


def table(
    result: SelectResult, width: int | None = None, prefixes: Mapping[str, str] | None = None
) -> str:
    """Aligned columns with a header and a rule; cells wrap within their column when too wide."""
    body = cells(result, prefixes)
    widths = layout.shrink_widest(layout.natural_widths(result.variables, body), width)
    return layout.render_columns(result.variables, body, widths, spaced=False)


def records(
    result: SelectResult, width: int | None = None, prefixes: Mapping[str, str] | None = None
) -> str:
    """One ``field | value`` block per row, values wrapped within ``width``."""
    return render_records(result.variables, cells(result, prefixes), width)


def fits(result: SelectResult, width: int, prefixes: Mapping[str, str] | None = None) -> bool:
    """True if :func:`table` can lay ``result`` out in ``width`` with no column wrapped below
    :data:`~cyberflag.text.table.WRAP_FLOOR`."""
    return layout.fits(layout.natural_widths(result.variables, cells(result, prefixes)), width)


def render_json(value: Any) -> str:
    """Indented JSON, keys in the given order, non-ASCII kept as is."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


# --- graphs ---------------------------------------------------------------------------------------


def _to_rdflib_graph(result: GraphResult) -> Any:
    from rdflib import BNode, Graph, Literal, URIRef

    bnodes: dict[str, BNode] = {}

    def node(term: Term) -> Any:
        if term.is_uri:
            return URIRef(term.value)
        if term.is_bnode:
            return bnodes.setdefault(term.value, BNode())
        if term.lang:
            return Literal(term.value, lang=term.lang)
        return Literal(term.value, datatype=URIRef(term.datatype) if term.datatype else None)

    graph = Graph()
    for s, p, o in result.triples:
        graph.add((node(s), node(p), node(o)))
    return graph


def render_graph(result: GraphResult, fmt: str, prefixes: Mapping[str, str] | None = None) -> str:
    """A graph as Turtle (deterministic), sorted N-Triples or JSON-LD."""
    return render_graphs(result, (fmt,), prefixes)[0]


def render_graphs(
    result: GraphResult, fmts: Sequence[str], prefixes: Mapping[str, str] | None = None
) -> list[str]:
    """A graph in each of ``fmts``, converted to rdflib once: the site writes every resource's
    description as Turtle and JSON-LD, and the conversion costs about as much as either writer."""
    graph = _to_rdflib_graph(result)
    return [_write(graph, fmt, prefixes) for fmt in fmts]


def _write(graph: Any, fmt: str, prefixes: Mapping[str, str] | None) -> str:
    table_ = dict(prefixes) if prefixes is not None else dict(PREFIXES)
    if fmt == "turtle":
        from cyberflag.rdf.turtle import dumps

        return dumps(graph, table_)
    if fmt == "nt":
        from cyberflag.rdf.ntriples import dumps_nt

        return dumps_nt(graph)
    from cyberflag.rdf.export import dumps_jsonld

    return dumps_jsonld(graph)


__all__ = [
    "cells", "fits", "plain", "records", "render", "render_graph", "render_graphs", "render_json",
    "table", "to_csv", "to_json", "to_jsonl", "to_tsv", "to_xml",
]
