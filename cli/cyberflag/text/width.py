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


def wrap(text: str, columns: int) -> list[str]:
    """One paragraph wrapped to lines of at most ``columns`` display columns, at spaces, words
    longer than a line cut (never at hyphens: IRIs and names stay whole where they fit).

    Text whose every character takes one column is wrapped by :func:`textwrap.wrap` itself, so
    that output stays exactly what it was; other text by the same rules, measured in columns.
    """
    if width(text) == len(text):
        return textwrap.wrap(text, columns, break_long_words=True, break_on_hyphens=False)
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for word in text.split():
        size = width(word)
        if line and used + 1 + size <= columns:
            line.append(word)
            used += 1 + size
            continue
        if line:
            lines.append(" ".join(line))
            line, used = [], 0
        if size <= columns:
            line, used = [word], size
            continue
        piece, taken = "", 0  # a word longer than a line: cut between clusters
        for cluster in clusters(word):
            step = width(cluster)
            if piece and taken + step > columns:
                lines.append(piece)
                piece, taken = "", 0
            piece += cluster
            taken += step
        line, used = [piece], taken
    if line:
        lines.append(" ".join(line))
    return lines


__all__ = ["ZERO_WIDTH", "char_width", "clusters", "ljust", "rjust", "width", "wrap"]
