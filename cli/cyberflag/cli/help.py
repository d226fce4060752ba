"""Help text whose words are never cut: not at hyphens, not when longer than the line.

click wraps help with ``break_on_hyphens`` and ``break_long_words`` on, so in a narrow terminal
an IRI such as ``https://w3id.org/cyberflag/id/graph/`` is cut into pieces that cannot be copied
back together, and a hyphenated name (``who-said-what``) is split where it is not one word's end.
Here each paragraph is wrapped at spaces only and handed to click already wrapped, marked with
click's own "do not rewrap" sign (a ``\\b`` line), so click only indents it. A word longer than
the line overflows it whole: a long line can be read, a cut IRI is wrong.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import click

from cyberflag.text.width import width as display_width

RAW = "\b"
"""click's mark, alone on a paragraph's first line, for a paragraph not to be rewrapped."""


def paragraphs(text: str) -> list[tuple[int, bool, str]]:
    """``text`` as click reads help: paragraphs separated by blank lines, each with the indent of
    its first line and whether it is raw (first line ``\\b``); a paragraph's lines are joined."""
    out: list[tuple[int, bool, str]] = []
    lines: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line:
            lines.append(line)
            continue
        if lines:
            first = lines[0]
            if first.strip() == RAW:
                out.append((0, True, "\n".join(lines[1:])))
            else:
                indent = len(first) - len(first.lstrip())
                out.append((indent, False, " ".join([first.lstrip(), *lines[1:]])))
        lines = []
    return out


def prewrap(text: str, width: int) -> str:
    """``text`` with every paragraph wrapped to ``width`` at spaces only and marked raw, so that
    click keeps its lines as they are."""
    wrapped = []
    for indent, raw, body in paragraphs(text):
        if raw:
            wrapped.append(f"{RAW}\n{body}")
            continue
        lines = textwrap.wrap(
            body,
            max(width - indent, 1),
            replace_whitespace=False,
            break_long_words=False,
            break_on_hyphens=False,
        )
        wrapped.append(RAW + "\n" + "\n".join(" " * indent + line for line in lines))
    return "\n\n".join(wrapped)


class UnbrokenFormatter(click.HelpFormatter):
    """click's help formatter, its text and definition lists wrapped by :func:`prewrap`."""

    def write_text(self, text: str) -> None:
        super().write_text(prewrap(text, self.width - self.current_indent))

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        # the help column's width, as click.HelpFormatter.write_dl computes it
        first = min(max((display_width(term) for term, _ in rows), default=0), col_max)
        text_width = max(self.width - first - col_spacing - 2, 10)
        super().write_dl(
            [(term, prewrap(text, text_width)) for term, text in rows], col_max, col_spacing
        )


class HelpContext(click.Context):
    """A context whose help is formatted by :class:`UnbrokenFormatter`; set on the group and on
    every command it loads, since click gives each command a context of the command's class."""

    formatter_class = UnbrokenFormatter


__all__ = ["RAW", "HelpContext", "UnbrokenFormatter", "paragraphs", "prewrap"]
