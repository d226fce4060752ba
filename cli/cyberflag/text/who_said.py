"""The ``who-said`` table: one row per report of a statement, laid out for reading.

The saved query ``who-said-what`` gives every column (csv, tsv, json and jsonl print them all); the
table folds them into six columns, gives the words most of the width, and names a speaker and an
article once for consecutive statements from the same article.
"""

from __future__ import annotations

from cyberflag.sparql.results import SelectResult, Term
from cyberflag.text import table
from cyberflag.text.iri import short_iri

COLUMNS = ("date", "speaker, role", "kind", "verb", "words", "reported in")
"""The columns of the table."""


def rows(result: SelectResult) -> list[list[str]]:
    """``who-said-what`` rows as the table shows them: one cell per :data:`COLUMNS`, then the
    "also in" note that the table puts under the article."""
    out = []
    for row in result.dicts():

        def get(key: str, row: dict[str, Term] = row) -> str:
            term = row.get(key)
            return term.value if term is not None else ""

        out.append([
            _date(get("date"), get("earliest"), get("latest")),
            _speaker(get("speakerName"), get("roles"), get("attributionInferred") == "true"),
            get("kind") + (f"\n{get('campaignLabel')}" if get("campaignLabel") else ""),
            get("verb"),
            get("text"),
            (get("headline") or short_iri(get("article")))
            + (f"\n{get('publisherName')}" if get("publisherName") else ""),
            also_in(get("articleCount")),
        ])
    return out


def _date(date: str, earliest: str, latest: str) -> str:
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


def render(result: SelectResult, width: int | None) -> str:
    """A table for reading: the statement text gets most of the width, then speaker and article."""
    if not result.rows:
        return "No statements match.\n"
    cells = rows(result)
    # Consecutive statements from one article by one speaker: name them once, on the first row.
    # The "also in" note (the last cell) belongs to the row, so it stays when the name goes.
    for previous, row in zip(reversed(cells[:-1]), reversed(cells[1:]), strict=True):
        if row[5] == previous[5]:
            if row[1] == previous[1]:
                row[1] = ""
            row[5] = ""
    cells = [[*row[:5], "\n".join(cell for cell in row[5:] if cell)] for row in cells]
    natural = table.natural_widths(COLUMNS, cells)
    widths = table.fit_columns(natural, width, {1: 2, 3: 1, 4: 6, 5: 2}, floor=13)
    return table.render_columns(COLUMNS, cells, widths)


__all__ = ["COLUMNS", "also_in", "render", "rows"]
