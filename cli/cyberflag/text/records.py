"""The record view: one block per row, one ``field | value`` line per column, as ``psql``'s
expanded display (``\\x``) prints it.

A table of many columns cannot fit a terminal: wrapped, its columns become strips a few characters
wide; unwrapped, its lines run to hundreds of characters. Turned on its side, each value gets the
whole width but its field name's, so every record reads top to bottom within the line.
"""

from __future__ import annotations

from collections.abc import Sequence

from cyberflag.text import width as display
from cyberflag.text.table import WRAP_FLOOR, cell_lines

BAR = " | "
"""Between a field's name and its value."""


def render_records(
    headers: Sequence[str], rows: Sequence[Sequence[str]], width: int | None = None
) -> str:
    """``rows`` as records: a ``-[ RECORD n ]`` line, then each field's name and value, values
    wrapped within ``width`` display columns (``None``: not wrapped) with continuation lines under
    the value. An empty value (an unbound variable) still gets its line, so every record shows
    every field.

    The value column is never narrower than :data:`~cyberflag.text.table.WRAP_FLOOR`: only a
    ``width`` below that plus the longest field name lets a line overflow.
    """
    if not rows:
        return "(0 rows)\n"
    name_width = max(display.width(h) for h in headers)
    value_width = None if width is None else max(width - name_width - len(BAR), WRAP_FLOOR)
    blocks: list[list[str]] = []
    for row in rows:
        block: list[str] = []
        for header, cell in zip(headers, row, strict=True):
            for k, line in enumerate(cell_lines(str(cell), value_width)):
                name = header if k == 0 else ""
                block.append((display.ljust(name, name_width) + BAR + line).rstrip())
        blocks.append(block)
    # one rule length for every record, as long as the widest line (within the width)
    rule = max(display.width(line) for block in blocks for line in block)
    if width is not None:
        rule = min(rule, width)
    out: list[str] = []
    for number, block in enumerate(blocks, start=1):
        label = f"-[ RECORD {number} ]"
        out.append(label + "-" * max(rule - len(label), 0))
        out += block
    return "\n".join(out) + "\n"


__all__ = ["BAR", "render_records"]
