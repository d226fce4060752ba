"""``who-said``'s options as the parameters of the saved query ``who-said-what``.

The command is a reading of one saved query, so that what it prints can always be reproduced with
``cyberflag query who-said-what`` and runs unchanged on any SPARQL 1.1 endpoint.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cyberflag.queries import catalogue
from cyberflag.queries.header import parse_query
from cyberflag.rdf.prefixes import PREFIXES

if TYPE_CHECKING:
    from cyberflag.sparql.engines import Engine

SPEAKERS = Path(__file__).with_name("speakers.rq")
"""The helper query that finds the people a ``--person`` text names (shipped in the package, not
among the saved queries: it answers a question of the command, not of a reader)."""

NO_SPEAKER = PREFIXES["cfd"] + "person/-"
"""Bound as the speaker when no name matches: the query then returns no rows, with its columns."""

def speakers_named(engine: Engine, person: tuple[str, ...]) -> list[str]:
    """The IRIs of the people whose name or any alias contains any of ``person`` (any case).

    Why a first query: who-said-what's name match is a FILTER, which an engine tests on every
    statement in the graph; the speaker IRIs, bound as its ``speaker`` parameter, let it start from
    those speakers' statements instead. The name match stays in the main query too, so the rows are
    exactly those it alone would give.
    """
    query = parse_query(SPEAKERS.read_text(encoding="utf-8"), "who-said-speakers", SPEAKERS)
    found = engine.select(query.bind({"person": list(person)}))
    return [row[0].value for row in found.rows if row[0] is not None] or [NO_SPEAKER]


def bound_query(
    engine: Engine,
    *,
    person: tuple[str, ...] = (),
    organisation: tuple[str, ...] = (),
    contains: tuple[str, ...] = (),
    since: str | None = None,
    until: str | None = None,
    kind: tuple[str, ...] = (),
) -> str:
    """The text of who-said-what with the options bound (repeated options match any value)."""
    values: dict[str, list[str]] = {
        "person": list(person),
        "organisation": list(organisation),
        "contains": list(contains),
        "since": [since] if since is not None else [],
        "until": [until] if until is not None else [],
        "kind": [k.lower() for k in kind],
    }
    if person:
        values["speaker"] = speakers_named(engine, person)
    return catalogue.load("who-said-what").bind({k: v for k, v in values.items() if v})


__all__ = ["NO_SPEAKER", "SPEAKERS", "bound_query", "speakers_named"]
