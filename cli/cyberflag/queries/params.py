"""A saved query's parameters: their declared types, and one raw value read as an RDF term.

Dates are taken as people write them: ``2017`` and ``2017-06`` stand for a first or last day,
as the parameter's ``partial`` says, so ``--since 2017 --until 2017`` is the whole of 2017.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from cyberflag.errors import InputError
from cyberflag.rdf.prefixes import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "string", "date", "integer", "decimal")
"""The parameter types a header may declare."""


class ParameterError(InputError):
    """A parameter is unknown, missing, repeated when it may not be, or of the wrong type."""


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



__all__ = ["PARAM_TYPES", "Param", "ParameterError", "to_term", "whole_date"]
