"""Engine-neutral SPARQL results: terms, solution sequences, booleans and graphs.

Why a neutral model: rdflib and pyoxigraph each have their own term classes, and they disagree on
details that do not matter in RDF 1.1 (``"x"`` vs ``"x"^^xsd:string``, language-tag case, blank-node
labels). Converting both to one small, comparable representation lets the renderers stay
engine-free, lets the tests assert that both engines return *the same rows*, and keeps the Oxigraph
path free of rdflib imports (which cost more start-up time than the whole Oxigraph query).

The representation mirrors the W3C SPARQL 1.1 Query Results JSON format: a term is ``uri``,
``literal`` or ``bnode`` with a ``value``; a literal has at most one of ``datatype`` or ``lang``.
A simple literal (``xsd:string``) carries no datatype, as in that format.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

from cyberflag.errors import InputError, did_you_mean
from cyberflag.rdf.escape import escape_iri, escape_string

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD_BOOLEAN = XSD + "boolean"
_BOOLEAN_FORMS = {"1": "true", "0": "false"}

TermKind = TypingLiteral["uri", "literal", "bnode"]


@dataclass(frozen=True, slots=True, order=True)
class Term:
    """One RDF term, engine-independent (``order=True`` gives a stable sort for tests)."""

    kind: TermKind
    value: str
    datatype: str | None = None
    lang: str | None = None

    @classmethod
    def uri(cls, value: str) -> Term:
        """An IRI."""
        return cls("uri", value)

    @classmethod
    def bnode(cls, label: str) -> Term:
        """A blank node, by the label the engine gave it (labels are only meaningful per result)."""
        return cls("bnode", label)

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, lang: str | None = None) -> Term:
        """A literal, normalised: ``xsd:string``, ``rdf:langString`` implicit, tags lower-case.

        Normalising here is what makes results from different engines compare equal. A boolean
        is written in its canonical form, ``true`` or ``false``: Virtuoso writes ``1`` and ``0``,
        the same values in the other lexical form XML Schema allows.
        """
        if datatype == XSD_BOOLEAN and value in _BOOLEAN_FORMS:
            return cls("literal", _BOOLEAN_FORMS[value], datatype)
        if lang:
            return cls("literal", value, None, lang.lower())
        if datatype in (None, XSD_STRING, RDF_LANGSTRING):
            return cls("literal", value)
        return cls("literal", value, datatype)

    @property
    def is_uri(self) -> bool:
        return self.kind == "uri"

    @property
    def is_literal(self) -> bool:
        return self.kind == "literal"

    @property
    def is_bnode(self) -> bool:
        return self.kind == "bnode"

    def n3(self) -> str:
        """The term in N-Triples syntax (what the SPARQL TSV results format uses)."""
        if self.kind == "uri":
            return escape_iri(self.value)
        if self.kind == "bnode":
            return "_:" + self.value
        text = escape_string(self.value)
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype:
            return f"{text}^^{escape_iri(self.datatype)}"
        return text

    def to_json(self) -> dict[str, str]:
        """The term as an object of the W3C SPARQL 1.1 Query Results JSON format."""
        out = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype:
            out["datatype"] = self.datatype
        return out

    def __str__(self) -> str:
        return self.value


Row = tuple[Term | None, ...]
"""One solution: a term per variable, ``None`` where the variable is unbound."""


@dataclass(frozen=True)
class SelectResult:
    """A solution sequence: the variables in projection order and the rows in result order."""

    variables: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def dicts(self) -> list[dict[str, Term]]:
        """Rows as ``{variable: term}``, unbound variables left out (as in the JSON format)."""
        return [
            {v: t for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]

    def column(self, variable: str) -> list[Term | None]:
        """The values of one variable, in row order."""
        i = self.variables.index(variable)
        return [row[i] for row in self.rows]

    def project(self, columns: Sequence[str]) -> SelectResult:
        """Only ``columns``, in that order (a name given twice is kept once), as ``--columns``
        asks: the same rows, narrowed before any format sees them, so every format agrees.

        An unknown name raises :class:`InputError` naming the closest variable and all of them:
        a typo must not quietly print a narrower table.
        """
        chosen = list(dict.fromkeys(columns))
        unknown = [c for c in chosen if c not in self.variables]
        if unknown:
            meant = did_you_mean(unknown, self.variables)
            meant += " " if meant else ""
            plural = "s" if len(unknown) > 1 else ""
            raise InputError(
                f"no column{plural} {', '.join(map(repr, unknown))} in the results; {meant}"
                f"the columns are {', '.join(self.variables) or '(none)'}"
            )
        where = [self.variables.index(c) for c in chosen]
        return SelectResult(tuple(chosen), [tuple(row[i] for i in where) for row in self.rows])


@dataclass(frozen=True)
class AskResult:
    """The answer to an ASK query."""

    boolean: bool

    def __bool__(self) -> bool:
        return self.boolean


@dataclass(frozen=True)
class GraphResult:
    """The triples a CONSTRUCT or DESCRIBE query built, in engine order (renderers sort)."""

    triples: list[tuple[Term, Term, Term]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.triples)


Result = SelectResult | AskResult | GraphResult


def rows_equal(a: Sequence[Row], b: Sequence[Row]) -> bool:
    """True if two row lists are equal, blank-node labels aside (they are per-result)."""

    def norm(rows: Sequence[Row]) -> list[tuple[object, ...]]:
        return [
            tuple(("bnode",) if t is not None and t.is_bnode else t for t in row) for row in rows
        ]

    return norm(a) == norm(b)


__all__ = [
    "AskResult", "GraphResult", "Result", "Row", "SelectResult", "Term", "rows_equal",
]
