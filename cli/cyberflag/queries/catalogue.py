"""Saved queries (``queries/*.rq``): their grlc-style headers, and binding parameters safely.

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
    #+     description: ...

A parameter ``name`` reaches the query as the variable ``?_name``. Why not text substitution: a
value pasted into query text is an injection hole (``x" } ; DROP ALL ; #``) and a quoting bug
waiting to happen. Instead each value becomes an RDF term, serialised by pyoxigraph's own
N-Triples/SPARQL term writer, and the terms are joined to the query through an inline ``VALUES``
block placed right after the opening brace of the top-level ``WHERE`` group. That is plain
SPARQL 1.1, so the same bound text runs on Oxigraph, rdflib or any remote endpoint. Several values
of one parameter give several ``VALUES`` rows (the cartesian product across parameters): queries use
``SELECT DISTINCT`` / ``COUNT(DISTINCT ...)`` so that a row matching two values appears once.
Parameters not given (and without a default) stay unbound; queries test them with
``!BOUND(?_name) || ...`` in FILTERs of the top-level group.

Importing this module is cheap: pyoxigraph only, no rdflib, no YAML until a header is parsed.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import difflib
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from cyberflag.errors import DataError, InputError
from cyberflag.rdf import resources
from cyberflag.rdf.files import display_path
from cyberflag.rdf.prefixes import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "string", "date", "integer", "decimal")
"""The parameter types a header may declare."""

_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_PARAM_KEYS = {
    "name", "type", "required", "default", "enum", "multiple", "description", "partial",
}
_HEADER_KEYS = {"summary", "description", "params"}

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


# --- errors ---------------------------------------------------------------------------------------


class QueryNotFoundError(InputError):
    """No saved query of that name; the message suggests the closest names."""


class ParameterError(InputError):
    """A parameter is unknown, missing, repeated when it may not be, or of the wrong type."""


class QueryFileError(DataError):
    """A saved query cannot be used: ``path:line:column: message``, like a compiler's."""


class QuerySyntaxError(InputError):
    """Query text (not a saved file) does not parse; the message gives line and column."""


# --- a small SPARQL tokenizer ---------------------------------------------------------------------
# Only as much as is needed to find the top-level WHERE brace and the query form reliably: comments,
# the four string forms, IRIs and names are skipped or read whole, so a brace, keyword or "#"
# inside any of them is never mistaken for syntax.

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
# A run of characters that can belong to one name-like token: keyword, prefixed name, variable,
# number, language tag. "where" inside "?where", "ex:where" or "@where" is then not the keyword.
_WORD = re.compile(r"[A-Za-z0-9_?$:@%\\\-.\u00b7-\U0010ffff]+")


@dataclass(frozen=True)
class Token:
    """A structural token: a brace/paren (``kind`` is the character) or a ``word``."""

    kind: str
    text: str
    start: int
    depth: int  # braces and parentheses open before this token


def _skip_string(text: str, i: int) -> int:
    """Index just past the string literal starting at ``i`` (any of the four quote forms)."""
    quote = text[i]
    long = text.startswith(quote * 3, i)
    delimiter = quote * 3 if long else quote
    j = i + len(delimiter)
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if text.startswith(delimiter, j):
            return j + len(delimiter)
        if not long and c in "\r\n":
            return j  # unterminated short string: let the real parser report it
        j += 1
    return len(text)


def tokens(text: str) -> Iterator[Token]:
    """Braces, parentheses and words of ``text``, outside comments, strings and IRIs."""
    i, n, depth = 0, len(text), 0
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            i = _skip_string(text, i)
        elif c == "<":
            m = _IRIREF.match(text, i)
            i = m.end() if m else i + 1  # not an IRI: the less-than operator
        elif c in "{(":
            yield Token(c, c, i, depth)
            depth += 1
            i += 1
        elif c in "})":
            depth = max(depth - 1, 0)
            yield Token(c, c, i, depth)
            i += 1
        else:
            m = _WORD.match(text, i)
            if m:
                yield Token("word", m.group(), i, depth)
                i = m.end()
            else:
                i += 1


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``, or ``UPDATE`` for any SPARQL Update.

    Read from the first keyword after the prologue (``BASE``/``PREFIX``), so that a refusal of
    updates does not depend on an engine's error message.
    """
    skip_next = False
    for token in tokens(text):
        if token.kind != "word" or token.depth:
            continue
        if skip_next:
            skip_next = False
            continue
        word = token.text.upper()
        if word == "PREFIX":
            skip_next = True  # the prefix name; its IRI is skipped by the tokenizer
            continue
        if word == "BASE":
            continue
        if word in QUERY_FORMS:
            return word
        if word in UPDATE_KEYWORDS:
            return "UPDATE"
        break
    return "UNKNOWN"


def where_brace(text: str) -> int:
    """Offset of the ``{`` that opens the top-level WHERE group.

    The brace after the ``WHERE`` keyword at depth 0; failing that (``SELECT * { ... }``,
    ``ASK { ... }``), the first ``{`` at depth 0 after the query form keyword. Raises
    :class:`ParameterError` when there is none (``DESCRIBE <x>``) or the group is also a
    ``CONSTRUCT WHERE`` template, where a VALUES block would be invalid.
    """
    seen_form = None
    after_where = False
    for token in tokens(text):
        if token.depth:
            continue
        if token.kind == "word":
            word = token.text.upper()
            if seen_form is None and word in QUERY_FORMS:
                seen_form = word
            elif word == "WHERE" and seen_form is not None:
                if seen_form == "CONSTRUCT" and not _construct_has_template(text, token.start):
                    raise ParameterError(
                        "parameters cannot be bound in a short-form CONSTRUCT WHERE query"
                    )
                after_where = True
        elif (
            token.kind == "{"
            and seen_form is not None
            and (after_where or seen_form != "CONSTRUCT")
        ):
            return token.start
    raise ParameterError("the query has no WHERE group to bind parameters in")


def _construct_has_template(text: str, where_at: int) -> bool:
    return any(t.kind == "{" and t.depth == 0 and t.start < where_at for t in tokens(text))


# --- headers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One declared parameter."""

    name: str
    type: str = "string"
    required: bool = False
    multiple: bool = False
    default: tuple[str, ...] = ()
    enum: tuple[str, ...] | None = None
    description: str = ""
    partial: str | None = None
    """For a date: ``start`` or ``end``, what a year or month alone stands for (its first or last
    day), so that ``--since 2017 --until 2017`` means the whole of 2017."""

    @property
    def variable(self) -> str:
        """The SPARQL variable the value is bound to, without ``?``."""
        return "_" + self.name

    def describe(self) -> str:
        """One line for error messages and ``--help``-style listings."""
        bits = [self.type]
        if self.enum:
            bits.append("one of " + "|".join(self.enum))
        if self.multiple:
            bits.append("repeatable")
        if self.required:
            bits.append("required")
        if self.default:
            bits.append("default " + ",".join(self.default))
        return f"{self.name} ({', '.join(bits)})"


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
        """The query text with ``values`` bound (see :func:`bind`)."""
        return bind(self, values or {})


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


_OX_POSITION = re.compile(r"error at (\d+):(\d+):\s*")


def check_syntax(text: str, where: str = "<query>", *, file: bool = False) -> None:
    """Raise if ``text`` is not a SPARQL 1.1 query (by pyoxigraph's parser).

    ``Store.query`` on an empty store parses and plans the query; results are lazy and are never
    pulled, so nothing is evaluated (not even a SERVICE call). SPARQL Update is refused here too.
    """
    if query_form(text) == "UPDATE":
        raise InputError(f"{where}: SPARQL Update is not allowed; queries are read-only")
    try:
        ox.Store().query(text)
    except SyntaxError as error:
        message = error.msg or str(error)
        m = _OX_POSITION.search(message)
        line = int(m.group(1)) if m else None
        column = int(m.group(2)) if m else None
        message = _OX_POSITION.sub("", message) or "syntax error"
        # an undeclared prefix is the likeliest cause, whatever token the parser expected
        message = undeclared_prefixes(text) or message
        if file:
            raise QueryFileError(where, line, column, message) from None
        location = f"{line}:{column}: " if line is not None else ""
        raise QuerySyntaxError(f"{where}:{location}{' '.join(message.split())}") from None


_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:")


def undeclared_prefixes(text: str) -> str | None:
    """What to say when a query uses a prefix it does not declare (rather than the parser's list
    of expected characters): which prefixes, and the PREFIX lines for those the project knows."""
    words = [t.text for t in tokens(text) if t.kind == "word"]
    declared = {
        words[i + 1][:-1].lower()
        for i, word in enumerate(words[:-1])
        if word.lower() == "prefix" and words[i + 1].endswith(":")
    }
    used = []
    for i, word in enumerate(words):
        if word.startswith(("?", "$", "@")) or (i and words[i - 1].lower() == "prefix"):
            continue
        m = _PREFIXED.match(word)
        if m is not None and (m.group(1) or "").lower() not in declared:
            name = m.group(1) or ""
            if name not in used:
                used.append(name)
    if not used:
        return None
    lines = [f"PREFIX {name}: <{PREFIXES[name]}>" for name in used if name in PREFIXES]
    said = ", ".join(f"{name}:" for name in used)
    hint = f"; add {'; '.join(lines)}" if lines else ""
    return f"prefix {said} not declared{hint}"


# --- finding saved queries ------------------------------------------------------------------------


def _directory(directory: Path | str | None) -> Path:
    return Path(directory) if directory is not None else resources.queries_dir()


def names(directory: Path | str | None = None) -> list[str]:
    """The saved queries' names (file names without ``.rq``), sorted."""
    folder = _directory(directory)
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.rq") if p.is_file())


def load(name: str, directory: Path | str | None = None) -> Query:
    """The saved query ``name`` (``queries/{name}.rq``), header parsed, syntax checked.

    An unknown name raises :class:`QueryNotFoundError` naming the closest matches.
    """
    folder = _directory(directory)
    path = folder / f"{name}.rq"
    if "/" in name or "\\" in name or not path.is_file():
        known = names(folder)
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if close else "."
        listing = f" Known queries: {', '.join(known)}." if known else " No saved queries exist."
        raise QueryNotFoundError(f"no saved query named {name!r}{hint}{listing}")
    return parse_query(path.read_text(encoding="utf-8"), name, path)


def all_queries(directory: Path | str | None = None) -> list[Query]:
    """Every saved query, by name."""
    return [load(n, directory) for n in names(directory)]


# --- binding --------------------------------------------------------------------------------------

_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")
_DATE = re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}\Z")
_PARTIAL_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2}))?\Z")


def whole_date(value: str, end: str) -> str:
    """A year or month as people write it (``2017``, ``2017-06``) as its first day, or for
    ``end`` its last (``2017-12-31``, ``2017-06-30``); anything else is returned unchanged."""
    match = _PARTIAL_DATE.match(value)
    if match is None:
        return value
    year, month = int(match.group(1)), match.group(2)
    if end == "start":
        return f"{year:04d}-{month or '01'}-01"
    if month is None:
        return f"{year:04d}-12-31"
    if not 1 <= int(month) <= 12:
        return value  # reported as not a valid date
    return f"{year:04d}-{month}-{calendar.monthrange(year, int(month))[1]:02d}"


def to_term(param: Param, raw: str) -> ox.NamedNode | ox.Literal:
    """The RDF term for one raw value of ``param``, checked against its type and enum."""
    value = raw.strip() if param.type != "string" else raw

    def bad(expected: str) -> ParameterError:
        return ParameterError(f"parameter {param.name!r}: {raw!r} is not {expected}")

    if param.enum is not None and value not in param.enum:
        raise ParameterError(
            f"parameter {param.name!r}: {raw!r} is not one of {', '.join(param.enum)}"
        )
    if param.type == "string":
        return ox.Literal(value)
    if param.type == "iri":
        if not value or ":" not in value:
            raise bad("an absolute IRI")
        # A CURIE as the tables print it (cfd:person/simon-bailey) means the full IRI: taken as
        # an IRI with the scheme "cfd" it would match nothing, silently.
        prefix, _, local = value.partition(":")
        if prefix in PREFIXES and not local.startswith("//"):
            value = PREFIXES[prefix] + local
        try:
            return ox.NamedNode(value)
        except ValueError:
            raise bad("a valid IRI") from None
    if param.type == "date":
        if param.partial is not None and _PARTIAL_DATE.match(value):
            value = whole_date(value, param.partial)
        if not _DATE.match(value):
            raise bad("a date (YYYY-MM-DD, or YYYY or YYYY-MM)" if param.partial else
                      "a date (YYYY-MM-DD)")
        try:
            _dt.date.fromisoformat(value)
        except ValueError:
            raise bad("a valid date (YYYY-MM-DD)") from None
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    if param.type == "integer":
        if not _INTEGER.match(value):
            raise bad("an integer")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if param.type == "decimal":
        if not _DECIMAL.match(value):
            raise bad("a decimal number")
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise bad("a decimal number") from None
        text = format(number, "f")
        if "." not in text:
            text += ".0"
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))
    raise ParameterError(f"parameter {param.name!r}: unknown type {param.type!r}")


def _values_of(raw: str | Sequence[str]) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    return list(raw)


def resolve(query: Query, values: Mapping[str, str | Sequence[str]]) -> dict[str, list[str]]:
    """Check names, apply defaults and required, and return ``{name: [raw values]}`` to bind."""
    unknown = sorted(set(values) - {p.name for p in query.params})
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        names = [p.name for p in query.params]
        guesses = [g for u in unknown for g in difflib.get_close_matches(u, names, n=1, cutoff=0.6)]
        meant = f"did you mean {' or '.join(map(repr, guesses))}? " if guesses else ""
        raise ParameterError(
            f"query {query.name!r} has no parameter{plural} {', '.join(map(repr, unknown))}; "
            f"{meant}{query.params_text()}"
        )
    chosen: dict[str, list[str]] = {}
    for param in query.params:
        given = _values_of(values[param.name]) if param.name in values else []
        if not given:
            given = list(param.default)
        if not given:
            if param.required:
                raise ParameterError(
                    f"query {query.name!r} needs parameter {param.name!r}; {query.params_text()}"
                )
            continue
        if len(given) > 1 and not param.multiple:
            raise ParameterError(
                f"parameter {param.name!r} of query {query.name!r} takes one value, "
                f"got {len(given)}"
            )
        chosen[param.name] = list(dict.fromkeys(given))  # repeated values add nothing
    _check_range(query, chosen)
    return chosen


def _check_range(query: Query, chosen: Mapping[str, list[str]]) -> None:
    """A lower date bound after the upper one can match nothing: say so, rather than print an
    empty answer that looks like an absence of data."""
    lows = [p for p in query.params if p.partial == "start" and p.name in chosen]
    highs = [p for p in query.params if p.partial == "end" and p.name in chosen]
    if len(lows) != 1 or len(highs) != 1:
        return
    low, high = lows[0], highs[0]
    first = whole_date(chosen[low.name][0].strip(), "start")
    last = whole_date(chosen[high.name][0].strip(), "end")
    if _DATE.match(first) and _DATE.match(last) and first > last:
        raise ParameterError(
            f"parameter {low.name!r} ({first}) is after {high.name!r} ({last}): no date can "
            f"match; swap them?"
        )


# SPARQL processes \\uXXXX / \\UXXXXXXXX codepoint escapes in the *whole* query text before parsing
# (SPARQL 1.1 section 19.2), and rdflib does so naively: in the correctly escaped string "\\u0022"
# (a backslash, then "u0022") it turns the second backslash and "u0022" into a quote. So a "u" or
# "U" that follows escaped backslashes is itself written as a codepoint escape, which every parser
# reads back as the letter: the value is unchanged and means the same to Oxigraph, rdflib, others.
# The 8-digit form, because rdflib also reads up to eight hex digits after a lower-case \\u.
_BACKSLASHES_BEFORE_U = re.compile(r"(?<!\\)((?:\\\\)+)([uU])")


def _guard_codepoint_escapes(term_text: str) -> str:
    return _BACKSLASHES_BEFORE_U.sub(
        lambda m: m.group(1) + ("\\U00000075" if m.group(2) == "u" else "\\U00000055"), term_text
    )


def term_text(term: ox.NamedNode | ox.Literal) -> str:
    """The term in SPARQL syntax: pyoxigraph's N-Triples form, codepoint escapes guarded."""
    return _guard_codepoint_escapes(str(term))


def values_block(query: Query, chosen: Mapping[str, Sequence[str]]) -> str:
    """The inline ``VALUES`` clause for ``chosen`` raw values (empty string when nothing is bound).

    Every term is written by pyoxigraph (``str()`` of a NamedNode or Literal is its N-Triples form,
    which is valid SPARQL), never by quoting here.
    """
    params = [p for p in query.params if p.name in chosen]
    if not params:
        return ""
    columns = [[term_text(to_term(p, raw)) for raw in chosen[p.name]] for p in params]
    head = " ".join("?" + p.variable for p in params)
    rows = "\n".join(f"    ({' '.join(row)})" for row in itertools.product(*columns))
    return f"\n  VALUES ({head}) {{\n{rows}\n  }}\n"


def bind(query: Query, values: Mapping[str, str | Sequence[str]] | None = None) -> str:
    """The text of ``query`` with parameter ``values`` (name → raw string or strings) bound.

    Raises :class:`ParameterError` for unknown names, missing required parameters, several
    values for a single-valued parameter, and values of the wrong type or outside the enum.
    """
    chosen = resolve(query, values or {})
    block = values_block(query, chosen)
    if not block:
        return query.text
    brace = where_brace(query.text)
    return query.text[: brace + 1] + block + query.text[brace + 1 :]


def parse_assignments(pairs: Iterable[str]) -> dict[str, list[str]]:
    """``["a=1", "a=2", "b=x"]`` → ``{"a": ["1", "2"], "b": ["x"]}``, for ``--param NAME=VALUE``."""
    out: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"expected NAME=VALUE, got {pair!r}")
        out.setdefault(name.strip(), []).append(value)
    return out


__all__ = [
    "PARAM_TYPES", "Param", "ParameterError", "Query", "QueryFileError", "QueryNotFoundError",
    "QuerySyntaxError", "all_queries", "bind", "check_syntax", "load", "names",
    "parse_assignments", "parse_header", "parse_query", "query_form", "resolve", "term_text",
    "to_term",
    "tokens", "values_block", "where_brace",
]
