"""Binding a saved query's parameters: values become RDF terms, never text pasted into SPARQL.

Parameters are declared in the query's ``#+`` header (:mod:`cyberflag.queries.header`). A
parameter ``name`` reaches the query as the variable ``?_name``. Why not text substitution: a
value pasted into query text is an injection hole (``x" } ; DROP ALL ; #``) and a quoting bug
waiting to happen. Instead each value becomes an RDF term, serialised by pyoxigraph's own
N-Triples/SPARQL term writer, and the terms are joined to the query through an inline ``VALUES``
block placed right after the opening brace of the top-level ``WHERE`` group. That is plain
SPARQL 1.1, so the same bound text runs on Oxigraph, rdflib or any remote endpoint. Several values
of one parameter give several ``VALUES`` rows (the cartesian product across parameters): queries use
``SELECT DISTINCT`` / ``COUNT(DISTINCT ...)`` so that a row matching two values appears once.
Parameters not given (and without a default) stay unbound; queries test them with
``!BOUND(?_name) || ...`` in FILTERs of the top-level group.

Importing this module is cheap: pyoxigraph only, no rdflib.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from cyberflag.errors import did_you_mean
from cyberflag.queries.params import ParameterError, to_term
from cyberflag.sparql.syntax import QUERY_FORMS, tokens

if TYPE_CHECKING:  # header imports this module: Query.bind is bind()
    from cyberflag.queries.header import Query


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


def binding_brace(text: str) -> int:
    """Offset of the ``{`` after which the parameters' ``VALUES`` block goes.

    The top-level ``WHERE`` group's brace (:func:`where_brace`), unless that group holds nothing
    but one sub-select: then the sub-select's own ``WHERE`` brace, and so on down. Why: SPARQL
    has no way to test an aggregate in an ``IF`` that every engine compiles (Virtuoso fails on
    ``IF(COUNT(...) = 1, ...)``), so a query that spells out its aggregates (who-said-what's
    roles) groups in a sub-select and words the result in the outer ``SELECT``. Its parameters
    must still reach the group that filters on them and starts from them: bound outside, a
    sub-select would see them unbound (sub-selects are evaluated first) and match every row.
    """
    brace = where_brace(text)
    while (inner := _sole_subselect_where(text, brace)) is not None:
        brace = inner
    return brace


def _sole_subselect_where(text: str, brace: int) -> int | None:
    """The ``WHERE`` brace of the sub-select that is the only content of the group opened at
    ``brace``, or ``None`` when the group holds anything else."""
    inner = list(tokens(text[brace:]))[1:]  # depth 1: the group's content; 2: the sub-select's
    if len(inner) < 3 or inner[0].kind != "{" or inner[1].text.upper() != "SELECT":
        return None
    closing = next((i for i, t in enumerate(inner) if t.kind == "}" and t.depth == 1), None)
    if closing is None or closing + 1 >= len(inner) or inner[closing + 1].kind != "}":
        return None  # the sub-select is not alone in the group
    braces = [t for t in inner[2:closing] if t.kind == "{" and t.depth == 2]
    return brace + braces[0].start if braces else None


def _values_of(raw: str | Sequence[str]) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    return list(raw)


def resolve(query: Query, values: Mapping[str, str | Sequence[str]]) -> dict[str, list[str]]:
    """Check names, apply defaults and required, and return ``{name: [raw values]}`` to bind."""
    unknown = sorted(set(values) - {p.name for p in query.params})
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        meant = did_you_mean(unknown, [p.name for p in query.params])
        meant += " " if meant else ""
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
    # to_term widens a year or month to its first or last day and checks it: the same reading
    # as the values bound below, so the comparison is of the dates the query will see.
    first = to_term(low, chosen[low.name][0]).value
    last = to_term(high, chosen[high.name][0]).value
    if first > last:
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
    brace = binding_brace(query.text)
    return query.text[: brace + 1] + block + query.text[brace + 1 :]


__all__ = ["bind", "binding_brace", "resolve", "term_text", "values_block", "where_brace"]
