"""Display width: how many terminal columns a string takes, as terminals show it.

``len()`` counts code points, which is wrong for the text this graph holds as soon as a name is
written in a script with wide characters (Chinese, Japanese, Korean: two columns each) or with a
combining accent (zero columns: it sits on the letter before it). A table measured with ``len()``
then drifts out of alignment. Measured here with :mod:`unicodedata` only, so no dependency.
"""

from __future__ import annotations

import textwrap
import unicodedata
from functools import lru_cache

ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
"""Format characters that take no column (zero-width space and joiners)."""


@lru_cache(maxsize=4096)
def char_width(char: str) -> int:
    """Columns one character takes: 0 for combining marks, 2 for East Asian wide and full-width
    characters, else 1."""
    if char in ZERO_WIDTH or unicodedata.combining(char):
        return 0
    if unicodedata.category(char) in ("Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def width(text: str) -> int:
    """Columns ``text`` (one line) takes in a terminal."""
    if text.isascii():
        return len(text)
    return sum(char_width(c) for c in text)


def ljust(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` display columns (``str.ljust`` counts code
    points, which misaligns wide and combining characters)."""
    return text + " " * max(columns - width(text), 0)


def rjust(text: str, columns: int) -> str:
    """``text`` right-aligned in ``columns`` display columns."""
    return " " * max(columns - width(text), 0) + text


def clusters(text: str) -> list[str]:
    """``text`` cut into characters with their combining marks, so that a cut between two
    clusters never leaves an accent without its letter."""
    out: list[str] = []
    for char in text:
        if out and char_width(char) == 0:
            out[-1] += char
        else:
            out.append(char)
    return out


def wrap(
    text: str,
    columns: int,
    *,
    initial: str = "",
    subsequent: str = "",
    cut_long: bool = True,
) -> list[str]:
    """One paragraph wrapped to lines of at most ``columns`` display columns (indents included),
    at spaces, never at hyphens (IRIs and names stay whole where they fit); the first line starts
    with ``initial``, the others with ``subsequent``. A word longer than a line is cut between
    characters when ``cut_long``, else it overflows whole (an IRI in a report). The one wrapping
    rule for every view: table cells, the validation report, the queries listing.

    Text whose every character takes one column is wrapped by :func:`textwrap.wrap` itself, so
    that output stays exactly what it was; other text by the same rules, measured in columns.
    """
    if width(text) == len(text) and width(initial + subsequent) == len(initial + subsequent):
        return textwrap.wrap(
            text, columns, initial_indent=initial, subsequent_indent=subsequent,
            break_long_words=cut_long, break_on_hyphens=False,
        )
    lines: list[str] = []
    line: list[str] = []
    used = 0

    def room() -> int:
        return columns - width(subsequent if lines else initial)

    def close() -> None:
        lines.append((subsequent if lines else initial) + " ".join(line))

    for word in text.split():
        size = width(word)
        if line and used + 1 + size <= room():
            line.append(word)
            used += 1 + size
            continue
        if line:
            close()
            line, used = [], 0
        if size <= room() or not cut_long:
            line, used = [word], size
            continue
        piece, taken = "", 0  # a word longer than a line: cut between clusters
        for cluster in clusters(word):
            step = width(cluster)
            if piece and taken + step > room():
                line = [piece]
                close()
                line, piece, taken = [], "", 0
            piece += cluster
            taken += step
        line, used = [piece], taken
    if line:
        close()
    return lines


__all__ = ["ZERO_WIDTH", "char_width", "clusters", "ljust", "rjust", "width", "wrap"]
