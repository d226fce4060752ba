"""The output formats' names, in one place: what each command offers, what a file's extension
names (``-o graph.nt``), and the one name for output meant for people.

That name is ``text``, for every command: Jena's ``sparql --results text`` prints its table under
that name, and it is true of everything this tool prints for people (tables, validation
reports, the query listing). ``table``, which ``stats``, ``queries`` and the
query commands used before, stays accepted as a hidden alias (:class:`FormatChoice`) so that
scripts keep working; help lists only the canonical names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import click

TEXT = "text"
"""The format for people: aligned text (a table, a report, a listing)."""

ALIASES = {"table": TEXT}
"""Names accepted for a format but not listed: each maps to its canonical name."""

TEXT_FORMATS = (TEXT, "json")
"""Output for people or for machines (stats, queries, validate, conflicts, index)."""

SELECT_FORMATS = (TEXT, "records", "csv", "tsv", "json", "jsonl", "xml")
"""Solutions (SELECT) and booleans (ASK): the table and the record view (one ``field | value``
block per row, as ``psql``'s ``\\x``), and the W3C SPARQL 1.1 results formats (``xml``: the
SPARQL Query Results XML Format, which some servers and older tools speak rather than JSON)."""

GRAPH_FORMATS = ("turtle", "nt", "jsonld")
"""Graphs (CONSTRUCT, DESCRIBE)."""

EXPORT_FORMATS = ("turtle", "trig", "nt", "nquads", "jsonld")
"""The whole graph (``export``): TriG and N-Quads keep one named graph per file."""

EXTENSIONS = {
    ".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "jsonld",
    ".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".srx": "xml",
}
"""The format a file name's extension names, as Jena's riot reads it (``-o graph.nt``). None names
``text`` or ``records``: they are laid out for a terminal's width, not for a file to be read by a
program."""


def canonical(fmt: str) -> str:
    """The canonical name of format ``fmt`` (any case; an alias becomes the name it stands for)."""
    name = fmt.lower()
    return ALIASES.get(name, name)


class FormatChoice(click.Choice):  # type: ignore[type-arg]
    """``--format``'s type: one of ``formats`` in any case, or an alias of one of them
    (:data:`ALIASES`), always passed on as the canonical name. Only canonical names are listed in
    ``--help`` and in the error for an unknown name."""

    def __init__(self, formats: Sequence[str], aliases: Mapping[str, str] = ALIASES) -> None:
        super().__init__(list(formats), case_sensitive=False)
        self.aliases = {alias: name for alias, name in aliases.items() if name in formats}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            value = self.aliases.get(value.lower(), value)
        return super().convert(value, param, ctx)


__all__ = [
    "ALIASES",
    "EXPORT_FORMATS",
    "EXTENSIONS",
    "GRAPH_FORMATS",
    "SELECT_FORMATS",
    "TEXT",
    "TEXT_FORMATS",
    "FormatChoice",
    "canonical",
]
