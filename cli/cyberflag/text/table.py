"""Text tables: column widths that fit a line, cells wrapped within their column.

Every table the command line prints is laid out here (saved-query results, who-said, stats, the
queries listing), so that width rules are the same everywhere.

Why not tabulate or rich: start-up. Imported alone (``python -X importtime``), tabulate takes 53 ms
and rich's tables 22 ms, against 5 ms for this module; ``who-said`` on the shipped data starts in
about 125 ms in all, so either would make every query command a fifth to two fifths slower to
start. Neither fits columns to a terminal by weight either (who-said gives its words most of the
line).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cyberflag.text import width as display

GAP = "  "
"""Between two columns."""

WRAP_FLOOR = 12
"""The narrowest a column is wrapped to: narrower strips are harder to read than a long line."""


def terminal_width(width: int | None = None) -> int | None:
    """The width to wrap tables to: ``width`` if given (0 → ``None``, no wrapping), else
    ``$COLUMNS``, else the terminal's width when stdout is a terminal, else 80.

    80 rather than "no wrapping" when piped, so that ``cyberflag who-said > notes.txt`` gives the
    same readable layout, and the same bytes, wherever it runs.
    """
    if width is not None:
        return width or None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    isatty = getattr(sys.stdout, "isatty", None)
    if isatty is not None and isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return 80


def natural_widths(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[int]:
    """The widest line of each column (header included), in display columns."""
    widths = [display.width(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            for line in str(cell).splitlines() or [""]:
                widths[i] = max(widths[i], display.width(line))
    return widths


def fits(natural: Sequence[int], width: int) -> bool:
    """True if columns of these natural widths fit ``width`` with none wrapped below
    :data:`WRAP_FLOOR`."""
    return sum(min(n, WRAP_FLOOR) for n in natural) + len(GAP) * (len(natural) - 1) <= width


def shrink_widest(natural: Sequence[int], width: int | None) -> list[int]:
    """Column widths: natural widths, the widest shrunk first until the line fits ``width``.

    A column is never made narrower than its natural width or :data:`WRAP_FLOOR`, whichever is
    less, so short values (dates, counts, kinds) stay whole; if even that does not fit, lines
    overflow rather than lose text.
    """
    widths = list(natural)
    if width is None or not widths:
        return widths
    floors = [min(n, WRAP_FLOOR) for n in natural]
    budget = width - len(GAP) * (len(widths) - 1)
    while sum(widths) > budget:
        candidates = [i for i in range(len(widths)) if widths[i] > floors[i]]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def fit_columns(
    natural: Sequence[int], width: int | None, weights: Mapping[int, int], floor: int = WRAP_FLOOR
) -> list[int]:
    """Column widths for a line of at most ``width`` characters, shared by weight.

    Columns not in ``weights`` keep their natural width (dates, kinds: short and never wrapped).
    The rest of the line is shared among the ``weights`` columns in proportion to their weights,
    none narrower than ``floor`` (or its natural width), none wider than it needs; what one column
    does not need goes to the others. If even the floors do not fit, lines overflow rather than
    lose text.
    """
    widths = list(natural)
    if width is None:
        return widths
    flexible = [i for i in weights if natural[i] > 0]
    budget = width - len(GAP) * (len(widths) - 1) - sum(
        w for i, w in enumerate(widths) if i not in flexible
    )
    for i in flexible:
        widths[i] = min(natural[i], floor)
    spare = budget - sum(widths[i] for i in flexible)
    while spare > 0:
        hungry = [i for i in flexible if widths[i] < natural[i]]
        if not hungry:
            break
        total = sum(weights[i] for i in hungry)
        given = 0
        for i in hungry:
            share = max(1, spare * weights[i] // total)
            add = min(share, natural[i] - widths[i], spare - given)
            widths[i] += add
            given += add
        if given == 0:
            break
        spare -= given
    return widths


def cell_lines(text: str, width: int | None) -> list[str]:
    """A table cell's text as lines of at most ``width`` display columns (``None``: no wrapping);
    the text's own line breaks are kept."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        if width is None or display.width(paragraph) <= width:
            lines.append(paragraph)
        else:
            lines += display.wrap(paragraph, width) or [""]
    return lines


def render_columns(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths: Sequence[int],
    *,
    spaced: bool | None = None,
) -> str:
    """A text table with the given column widths; a cell's text (a header's too) wraps within its
    column, and a newline in a cell starts a new line in it. Rows are separated by a blank line when
    ``spaced``
    (default: when any cell takes more than one line), so that one row's lines are never read as
    the next's."""
    body = [[str(c) for c in row] for row in rows]
    blocks = [[cell_lines(c, w) for c, w in zip(row, widths, strict=True)] for row in body]
    if spaced is None:
        spaced = any(max(len(c) for c in block) > 1 for block in blocks)
    out: list[str] = []

    def lines(block: list[list[str]]) -> None:
        for k in range(max((len(c) for c in block), default=1)):
            parts = [
                display.ljust(c[k] if k < len(c) else "", w)
                for c, w in zip(block, widths, strict=True)
            ]
            out.append(GAP.join(parts).rstrip())

    lines([cell_lines(h, w) for h, w in zip(headers, widths, strict=True)])
    out.append(GAP.join("-" * w for w in widths))
    for n, block in enumerate(blocks):
        if spaced and n:
            out.append("")
        lines(block)
    return "\n".join(out) + "\n"


def render_table(rows: Iterable[Sequence[Any]], headers: Sequence[str] | None = None) -> str:
    """A plain, aligned text table: numbers right-aligned, text left-aligned, two spaces apart."""
    body = [list(r) for r in rows]
    table = ([list(headers)] if headers else []) + body
    if not table:
        return ""
    widths = [max(display.width(str(row[i])) for row in table) for i in range(len(table[0]))]
    lines = []
    for n, row in enumerate(table):
        cells = []
        for i, cell in enumerate(row):
            numeric = isinstance(cell, int | float) and not isinstance(cell, bool)
            text = str(cell)
            cells.append(
                display.rjust(text, widths[i]) if numeric else display.ljust(text, widths[i])
            )
        lines.append(GAP.join(cells).rstrip())
        if headers and n == 0:
            lines.append(GAP.join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


__all__ = [
    "GAP", "WRAP_FLOOR", "cell_lines", "fit_columns", "fits", "natural_widths", "render_columns",
    "render_table", "shrink_widest", "terminal_width",
]
