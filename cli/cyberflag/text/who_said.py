"""The ``who-said`` table: one row per report of a statement, laid out for reading.

The saved query ``who-said-what`` gives every column (csv, tsv, json and jsonl print them all); the
table folds them into six columns, gives the words most of the width, and names a speaker and an
article once for consecutive statements from the same article.
"""

from __future__ import annotations

from cyberflag.sparql.results import SelectResult, Term
from cyberflag.text import table
from cyberflag.text.iri import short_iri
from cyberflag.text.records import render_records

COLUMNS = ("date", "speaker, role", "kind", "verb", "words", "reported in")
"""The columns of the table."""

NO_MATCH = "No statements match.\n"


def rows(result: SelectResult) -> list[list[str]]:
    """``who-said-what`` rows as the table shows them: one cell per :data:`COLUMNS`, then the
    "also in" note that the table puts under the article."""
    out = []
    for row in result.dicts():

        def get(key: str, row: dict[str, Term] = row) -> str:
            term = row.get(key)
            return term.value if term is not None else ""

        out.append([
            date_cell(get("date"), get("earliest"), get("latest")),
            _speaker(get("speakerName"), get("roles"), get("attributionInferred") == "true"),
            get("kind")
            + ("\n(draft)" if get("draft") == "true" else "")  # rule 15: not yet reviewed
            + (f"\n{get('campaignLabel')}" if get("campaignLabel") else ""),
            get("verb"),
            get("text"),
            (get("headline") or short_iri(get("article")))
            + (f"\n{get('publisherName')}" if get("publisherName") else ""),
            also_in(get("articleCount")),
        ])
    return out


def date_cell(date: str, earliest: str, latest: str) -> str:
    """The date, or the range an undated article's date inference allows, marked as inferred."""
    if date:
        return date
    if earliest and latest:
        return f"{earliest} to\n{latest}\n(inferred)"
    if earliest:
        return f"{earliest}\nor later\n(inferred)"
    if latest:
        return f"{latest}\nor earlier\n(inferred)"
    return "undated"


def _speaker(name: str, roles: str, inferred: bool) -> str:
    """The speaker's name and role at the time; rule 5 of MODEL.md: an attribution the reporting
    sentence does not make is marked where it is read."""
    return name + (f"\n{roles}" if roles else "") + ("\n(attribution inferred)" if inferred else "")


def also_in(article_count: str) -> str:
    """The note on how many other articles report the row's statement ("" when none)."""
    others = int(article_count or 1) - 1
    return f"(also in {others} other article{'s' if others > 1 else ''})" if others > 0 else ""


def records(result: SelectResult, width: int | None) -> str:
    """The same six fields as the table, one record per report of a statement; each record names
    its speaker and article in full (no record leans on the one before it)."""
    if not result.rows:
        return NO_MATCH
    return render_records(COLUMNS, [folded(row) for row in rows(result)], width)


def folded(row: list[str]) -> list[str]:
    """A :func:`rows` row as six cells: the "also in" note goes under the article."""
    return [*row[:5], "\n".join(cell for cell in row[5:] if cell)]


def render(result: SelectResult, width: int | None) -> str:
    """A table for reading: the statement text gets most of the width, then speaker and article.
    Too narrow a ``width`` for even the narrowest columns gives :func:`records` instead."""
    if not result.rows:
        return NO_MATCH
    cells = rows(result)
    # Consecutive statements from one article by one speaker: name them once, on the first row.
    # The "also in" note (the last cell) belongs to the row, so it stays when the name goes.
    for previous, row in zip(reversed(cells[:-1]), reversed(cells[1:]), strict=True):
        if row[5] == previous[5]:
            if row[1] == previous[1]:
                row[1] = ""
            row[5] = ""
    cells = [folded(row) for row in cells]
    natural = table.natural_widths(COLUMNS, cells)
    widths = table.fit_columns(natural, width, {1: 2, 3: 1, 4: 6, 5: 2}, floor=13)
    if width is not None and sum(widths) + len(table.GAP) * (len(widths) - 1) > width:
        return records(result, width)
    return table.render_columns(COLUMNS, cells, widths)


__all__ = ["COLUMNS", "NO_MATCH", "also_in", "date_cell", "folded", "records", "render", "rows"]
