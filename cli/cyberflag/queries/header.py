"""The ``#+`` header of a saved query (grlc's convention): summary, description, parameters.

A saved query is a standard SPARQL 1.1 file that starts with a ``#+`` comment header in YAML
(the convention of grlc, https://github.com/CLARIAH/grlc)::

    #+ summary: Who said what, when
    #+ description: One row per report ...
    #+ params:
    #+   - name: person
    #+     type: string          # iri | string | date | integer | decimal
    #+     required: false
    #+     multiple: true
    #+     enum: [a, b]          # optional: the allowed values, when the set is closed
    #+     default: "2"          # optional
    #+     partial: start        # optional, dates: a year or month alone means its first day
    #+     description: ...

The header stays a comment, so the file stays valid SPARQL for any other tool. YAML is imported
only when a header is parsed.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cyberflag.queries import binding
from cyberflag.queries.params import PARAM_TYPES, Param, ParameterError, to_term
from cyberflag.rdf.files import display_path
from cyberflag.sparql.syntax import QueryFileError, check_syntax, query_form

_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_PARAM_KEYS = {
    "name", "type", "required", "default", "enum", "multiple", "description", "partial",
}
_HEADER_KEYS = {"summary", "description", "params"}


@dataclass(frozen=True)
class Query:
    """A saved query: name, file, text and parsed header."""

    name: str
    path: Path | None
    text: str
    summary: str
    description: str = ""
    params: tuple[Param, ...] = ()

    @property
    def form(self) -> str:
        """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``."""
        return query_form(self.text)

    def param(self, name: str) -> Param:
        """The parameter ``name``; :class:`ParameterError` listing the others if there is none."""
        for p in self.params:
            if p.name == name:
                return p
        raise ParameterError(f"query {self.name!r} has no parameter {name!r}; {self.params_text()}")

    def params_text(self) -> str:
        """``parameters: a (string), b (date, required)`` or ``it takes no parameters``."""
        if not self.params:
            return "it takes no parameters"
        return "parameters: " + "; ".join(p.describe() for p in self.params)

    def bind(self, values: Mapping[str, str | Sequence[str]] | None = None) -> str:
        """The query text with ``values`` bound (see :func:`cyberflag.queries.binding.bind`)."""
        return binding.bind(self, values or {})



def header_lines(text: str) -> list[tuple[int, str]]:
    """The ``#+`` lines at the top of ``text`` (line number, content after ``#+``)."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#+"):
            out.append((number, stripped[2:].removeprefix(" ")))
        elif stripped and not stripped.startswith("#"):
            break  # the header is over once the query proper begins
    return out


def parse_header(text: str, where: str = "<query>") -> dict[str, Any]:
    """The YAML of the ``#+`` header as a dict (empty if there is none).

    Raises :class:`QueryFileError` with the line of a YAML error.
    """
    import yaml  # only when a header is read: PyYAML is not needed to run a bound query

    lines = header_lines(text)
    if not lines:
        return {}
    try:
        data = yaml.safe_load("\n".join(content for _, content in lines))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = lines[min(mark.line, len(lines) - 1)][0] if mark is not None else lines[0][0]
        column = mark.column + 3 if mark is not None else None  # + "#+ "
        problem = getattr(error, "problem", None) or str(error)
        raise QueryFileError(where, line, column, f"bad #+ header: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise QueryFileError(where, lines[0][0], None, "bad #+ header: expected key: value lines")
    return data


def _as_strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(_scalar(v) for v in value)
    return (_scalar(value),)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _params(data: Any, where: str, line: int) -> tuple[Param, ...]:
    def fail(message: str) -> QueryFileError:
        return QueryFileError(where, line, None, f"bad #+ header: {message}")

    if data is None:
        return ()
    if not isinstance(data, list):
        raise fail("params must be a list")
    params: list[Param] = []
    for item in data:
        if not isinstance(item, dict) or "name" not in item:
            raise fail("each param needs at least a name")
        unknown = set(item) - _PARAM_KEYS
        if unknown:
            raise fail(f"param {item['name']!r}: unknown keys {sorted(unknown)}")
        name = str(item["name"])
        if not _NAME.match(name):
            raise fail(f"param name {name!r} must match [a-z][a-z0-9_]*")
        if any(p.name == name for p in params):
            raise fail(f"param {name!r} declared twice")
        kind = str(item.get("type", "string"))
        if kind not in PARAM_TYPES:
            raise fail(f"param {name!r}: type must be one of {', '.join(PARAM_TYPES)}")
        for flag in ("required", "multiple"):
            if not isinstance(item.get(flag, False), bool):
                raise fail(f"param {name!r}: {flag} must be true or false")
        enum = _as_strings(item["enum"]) if item.get("enum") is not None else None
        partial = item.get("partial")
        if partial is not None and (kind != "date" or partial not in ("start", "end")):
            raise fail(f"param {name!r}: partial must be start or end, on a date")
        param = Param(
            name=name,
            type=kind,
            required=item.get("required", False),
            multiple=item.get("multiple", False),
            default=_as_strings(item.get("default")),
            enum=enum,
            description=" ".join(str(item.get("description", "")).split()),
            partial=partial,
        )
        try:  # a default must itself be a valid value
            for raw in param.default:
                to_term(param, raw)
        except ParameterError as error:
            raise fail(f"default: {error}") from None
        params.append(param)
    return tuple(params)


def parse_query(text: str, name: str, path: Path | None = None) -> Query:
    """A :class:`Query` from its text: header parsed and checked, query syntax checked."""
    where = display_path(path) if path is not None else name
    data = parse_header(text, where)
    first_line = header_lines(text)[0][0] if data else 1
    unknown = set(data) - _HEADER_KEYS
    if unknown:
        raise QueryFileError(
            where, first_line, None, f"bad #+ header: unknown keys {sorted(unknown)}"
        )
    if data and not isinstance(data.get("summary"), str):
        raise QueryFileError(where, first_line, None, "bad #+ header: summary is required")
    query = Query(
        name=name,
        path=path,
        text=text,
        summary=" ".join(str(data.get("summary", "")).split()),
        description=" ".join(str(data.get("description", "")).split()),
        params=_params(data.get("params"), where, first_line),
    )
    check_syntax(text, where, file=path is not None)
    return query



__all__ = ["Query", "header_lines", "parse_header", "parse_query"]
