"""The ``queries`` listing: the saved queries with their parameters, or one query in full."""

from __future__ import annotations

from typing import Any

from cyberflag.queries.header import Query
from cyberflag.queries.params import Param
from cyberflag.text import table
from cyberflag.text import width as columns


def param_json(param: Param) -> dict[str, Any]:
    """One parameter as ``queries --format json`` lists it."""
    return {
        "name": param.name,
        "type": param.type,
        "required": param.required,
        "multiple": param.multiple,
        "default": list(param.default) if param.default else None,
        "allowed": list(param.enum) if param.enum is not None else None,
        "description": param.description,
        "partial": param.partial,
    }


def query_json(query: Query, *, text: bool = False) -> dict[str, Any]:
    """One saved query as ``queries --format json`` lists it (``text``: with its SPARQL)."""
    out: dict[str, Any] = {
        "name": query.name,
        "form": query.form,
        "summary": query.summary,
        "description": query.description,
        "parameters": [param_json(p) for p in query.params],
    }
    if text:
        out["text"] = query.text
    return out


def params_table(params: tuple[Param, ...], width: int | None = None) -> str:
    """The parameters as an aligned table (name, type, required, multiple, default, allowed),
    no line wider than ``width``: the widest columns (allowed values, defaults) wrap first."""
    headers = ["parameter", "type", "required", "multiple", "default", "allowed values"]
    rows = [
        [
            p.name,
            p.type,
            "yes" if p.required else "no",
            "yes" if p.multiple else "no",
            ", ".join(p.default) or "-",
            ", ".join(p.enum) if p.enum is not None else "-",
        ]
        for p in params
    ]
    widths = table.shrink_widest(table.natural_widths(headers, rows), width)
    return table.render_columns(headers, rows, widths, spaced=False)


def indent(text: str, prefix: str = "  ") -> str:
    """Every non-empty line of ``text`` indented by ``prefix``."""
    return "".join(prefix + line if line.strip() else line for line in text.splitlines(True))


def wrap(text: str, width: int | None, prefix: str = "") -> str:
    """``text`` wrapped to ``width`` (``None``: not wrapped; never below 40 columns, where a
    summary would be a column of single words), each line starting with ``prefix``."""
    if width is None:
        return prefix + text + "\n"
    lines = columns.wrap(text, max(width, 40), initial=prefix, subsequent=prefix) or [prefix]
    return "\n".join(lines) + "\n"


def narrower(width: int | None, by: int) -> int | None:
    """The width left beside an indent of ``by`` columns (``None``: no limit)."""
    return None if width is None else max(width - by, 1)


def query_body(text: str) -> str:
    """The query text after its ``#+`` header (the header is shown decoded above it)."""
    lines = text.splitlines(True)
    i = 0
    while i < len(lines) and lines[i].lstrip().startswith("#+"):
        i += 1
    return "".join(lines[i:])


def describe(query: Query, width: int | None) -> str:
    """One query in full: summary, description, parameters with their descriptions, SPARQL."""
    parts = [f"{query.name}  ({query.form})\n", wrap(query.summary, width, "  ")]
    if query.description:
        parts += ["\n", wrap(query.description, width, "  ")]
    parts.append("\n")
    if query.params:
        parts.append(indent(params_table(query.params, narrower(width, 2))))
        parts += [
            "\n" + wrap(f"{p.name}: {p.description}", width, "  ")
            for p in query.params
            if p.description
        ]
    else:
        parts.append("  no parameters\n")
    where = f" ({query.path.name})" if query.path is not None else ""
    parts += [f"\nSPARQL{where}:\n\n", query_body(query.text).strip("\n") + "\n"]
    return "".join(parts)


def listing(queries: list[Query], width: int | None) -> str:
    """Every query: name, summary, and its parameters as a table."""
    blocks = []
    for query in queries:
        block = f"{query.name}\n" + wrap(query.summary, width, "  ")
        if query.params:
            block += indent(params_table(query.params, narrower(width, 4)), "    ")
        else:
            block += "    no parameters\n"
        blocks.append(block)
    return "\n".join(blocks)


def portability(queries: list[Query]) -> tuple[list[str], int]:
    """The ``queries --check`` report: a ``file:line: engine: why`` line for each construct some
    engine answers differently (:mod:`cyberflag.queries.portability`), then a count; and the
    number of such constructs."""
    from cyberflag.queries.portability import check
    from cyberflag.rdf.files import display_path

    lines = []
    for query in queries:
        where = display_path(query.path) if query.path is not None else f"{query.name}.rq"
        lines += [issue.text(where) for issue in check(query.text)]
    plural = "query" if len(queries) == 1 else "queries"
    found = f"{len(lines)} construct{'s' if len(lines) != 1 else ''} to look at" if lines else (
        "none known to differ between engines"
    )
    return [*lines, f"{len(queries)} saved {plural} checked: {found}"], len(lines)


__all__ = ["describe", "listing", "param_json", "params_table", "portability", "query_json"]
