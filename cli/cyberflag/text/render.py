"""Write query results as text: a table for people, standard formats for programs.

Solutions (SELECT) and booleans (ASK):

* ``table``: aligned columns, IRIs shortened to prefixed names, long text wrapped to ``width``;
* ``json``: the W3C SPARQL 1.1 Query Results JSON Format (https://www.w3.org/TR/sparql11-results-json/);
* ``csv`` / ``tsv``: the W3C SPARQL 1.1 Query Results CSV and TSV Formats
  (https://www.w3.org/TR/sparql11-results-csv-tsv/): CSV gives plain values, RFC 4180 quoting and
  CRLF line ends (lossy by design: types and languages are dropped); TSV gives every term in
  N-Triples syntax under a ``?var`` header, so nothing is lost;
* ``jsonl``: one JSON object per row, variable → plain value (``null`` when unbound; xsd:integer as
  a number and xsd:boolean as true/false, everything else as a string), for ``jq`` and scripts.

Graphs (CONSTRUCT/DESCRIBE): ``turtle`` (the project's deterministic writer), ``nt`` (sorted
N-Triples), ``jsonld``. rdflib is imported only for graph formats and, when no prefixes are passed,
for the project's prefix table: rendering a table of Oxigraph results with ``prefixes=`` given needs
no rdflib at all.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from cyberflag.errors import InputError
from cyberflag.sparql.results import XSD, AskResult, GraphResult, Result, SelectResult, Term

SELECT_FORMATS = ("table", "json", "csv", "tsv", "jsonl")
"""Formats for solutions and booleans."""

GRAPH_FORMATS = ("turtle", "nt", "jsonld")
"""Formats for graphs."""

MEDIA_TYPES = {
    "table": "text/plain",
    "json": "application/sparql-results+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "jsonl": "application/jsonl",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}

_COLUMN_GAP = "  "
_BOOLEANS = ("true", "false", "1", "0")
_MIN_COLUMN = 12


def default_prefixes() -> dict[str, str]:
    """The project's prefixes (:data:`cyberflag.rdf.namespaces.PREFIXES`; imports rdflib)."""
    from cyberflag.rdf.namespaces import PREFIXES

    return dict(PREFIXES)


def render(
    result: Result,
    fmt: str,
    width: int | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> str:
    """``result`` in format ``fmt``; ``width`` limits table lines (``None``: no wrapping).

    A format that does not fit the result (a table of a graph, Turtle of solutions) raises
    :class:`InputError` naming the formats that do.
    """
    fmt = fmt.lower()
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
    if fmt == "table":
        return table(result, width, prefixes)
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
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
    if fmt == "jsonl":
        return json.dumps({"boolean": result.boolean}) + "\n"
    text = "true" if result.boolean else "false"
    return text + ("\r\n" if fmt == "csv" else "\n")


# --- table ----------------------------------------------------------------------------------------


def short(term: Term | None, prefixes: Sequence[tuple[str, str]]) -> str:
    """A term for people: IRIs as ``prefix:local`` where a namespace matches, literals as text."""
    if term is None:
        return ""
    if term.is_uri:
        for name, namespace in prefixes:
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{name}:{term.value[len(namespace):]}"
        return f"<{term.value}>"
    if term.is_bnode:
        return "_:" + term.value
    return term.value


def _ordered_prefixes(prefixes: Mapping[str, str] | None) -> list[tuple[str, str]]:
    table_ = dict(prefixes) if prefixes is not None else default_prefixes()
    order = {name: i for i, name in enumerate(table_)}
    # longest namespace first, so that a nested namespace wins
    return sorted(table_.items(), key=lambda kv: (-len(kv[1]), order[kv[0]]))


def _fit(natural: list[int], width: int | None) -> list[int]:
    """Column widths: natural widths, the widest shrunk first until the line fits ``width``.

    A column is never made narrower than its natural width or ``_MIN_COLUMN``, whichever is less,
    so short values (dates, counts, kinds) stay whole; if even that does not fit, lines overflow
    rather than lose text.
    """
    widths = list(natural)
    if width is None or not widths:
        return widths
    floors = [min(n, _MIN_COLUMN) for n in natural]
    budget = width - len(_COLUMN_GAP) * (len(widths) - 1)
    while sum(widths) > budget:
        candidates = [i for i in range(len(widths)) if widths[i] > floors[i]]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def cell_lines(text: str, width: int | None) -> list[str]:
    """A table cell's text as lines of at most ``width`` characters (``None``: no wrapping); the
    text's own line breaks are kept. One definition for every table the command line prints."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        if width is None or len(paragraph) <= width:
            lines.append(paragraph)
        else:
            lines += textwrap.wrap(
                paragraph, width, break_long_words=True, break_on_hyphens=False
            ) or [""]
    return lines


def table(
    result: SelectResult, width: int | None = None, prefixes: Mapping[str, str] | None = None
) -> str:
    """Aligned columns with a header and a rule; cells wrap within their column when too wide."""
    ordered = _ordered_prefixes(prefixes)
    header = list(result.variables)
    cells = [[short(t, ordered) for t in row] for row in result.rows]
    natural = [
        max([len(h)] + [len(line) for row in cells for line in row[i].splitlines() or [""]])
        for i, h in enumerate(header)
    ]
    widths = _fit(natural, width)
    out: list[str] = []

    def emit(row: list[str]) -> None:
        wrapped = [cell_lines(text, w) for text, w in zip(row, widths, strict=True)]
        for k in range(max((len(c) for c in wrapped), default=1)):
            parts = [
                (c[k] if k < len(c) else "").ljust(w)
                for c, w in zip(wrapped, widths, strict=True)
            ]
            out.append(_COLUMN_GAP.join(parts).rstrip())

    emit(header)
    out.append(_COLUMN_GAP.join("-" * w for w in widths))
    for row in cells:
        emit(row)
    return "\n".join(out) + "\n"


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
    graph = _to_rdflib_graph(result)
    table_ = dict(prefixes) if prefixes is not None else default_prefixes()
    if fmt == "turtle":
        from cyberflag.rdf.turtle import dumps

        return dumps(graph, table_)
    if fmt == "nt":
        from cyberflag.rdf.ntriples import dumps_nt

        return dumps_nt(graph)
    try:
        from cyberflag.rdf.export import dumps_jsonld
    except ImportError:  # pragma: no cover - export is optional for this module
        text = graph.serialize(format="json-ld", context=table_, indent=2)
        return text if text.endswith("\n") else text + "\n"
    return dumps_jsonld(graph)


__all__ = [
    "GRAPH_FORMATS", "MEDIA_TYPES", "SELECT_FORMATS", "default_prefixes", "plain", "render",
    "render_graph", "short", "table", "to_csv", "to_json", "to_jsonl", "to_tsv",
]
