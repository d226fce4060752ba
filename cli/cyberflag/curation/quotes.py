"""Quotation marks in a body: the stretches they enclose, and the quotations those make up.

Editorial rule 1 decides what one quotation is: a stretch left open at a paragraph's end and
reopened at the next paragraph's start continues it; so does a mark reopened inside a paragraph
before the last was closed (paragraph breaks lost in copying); two stretches separated only by
their attribution (", he said.") are one. A segment is all the words between the marks, less a
closing comma that belongs to the attribution. Double marks (curly or straight) and single curly
marks are both quotation marks; a closing single mark inside a word is an apostrophe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cyberflag.curation.layout import Range, paragraphs

_OPEN = {"“": "double", '"': "double", "‘": "single"}
_CLOSE = {"”": "double", '"': "double", "’": "single"}

ATTRIBUTION_BETWEEN = re.compile(
    r"^\s*[,.]?\s*(?:(?:he|she|they|it|[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3})\s+"
    r"(?:also\s+)?(?:said|says|added|adds|continued|went on|explained|warned|told \w+(?: \w+)?)"
    r"|(?:said|added|continued)\s+(?:he|she|[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3}))\s*[.,]\s*$"
)
"""What may stand between two stretches of one quotation: its attribution only."""


@dataclass
class Quotation:
    """One uninterrupted utterance in quotation marks: its segments (the words between the marks)
    and where its first mark opens and its last closes."""

    segments: list[Range] = field(default_factory=list)
    opened: int = 0
    closed: int = 0
    between: list[Range] = field(default_factory=list)  # attributions inside the quotation


def _opens(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-:") and not after.isspace()


def _closes(text: str, i: int) -> bool:
    after = text[i + 1] if i + 1 < len(text) else " "
    before = text[i - 1] if i > 0 else " "
    return not before.isspace() and not after.isalnum()


def _segment(text: str, start: int, end: int) -> Range:
    """The words between two marks: trimmed, less a closing comma."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and text[end - 1] == ",":
        end -= 1
    return (start, end)


def _stretches(text: str, start: int, end: int) -> list[tuple[int, int, int, bool]]:
    """(open mark, content start, content end, closed) for each stretch of one paragraph; a
    stretch still open at the paragraph's end runs to it."""
    found: list[tuple[int, int, int, bool]] = []
    family: str | None = None
    opened = 0
    i = start
    while i < end:
        ch = text[i]
        if family is None:
            if ch in _OPEN and _opens(text, i):
                family, opened = _OPEN[ch], i
        elif ch in _CLOSE and _CLOSE[ch] == family and _closes(text, i) and i > opened + 1:
            found.append((opened, opened + 1, i, True))
            family = None
        elif ch in _OPEN and _OPEN[ch] == family and _opens(text, i) and ch != '"':
            found.append((opened, opened + 1, i, False))  # reopened: a paragraph break was lost
            opened = i
        i += 1
    if family is not None:
        found.append((opened, opened + 1, end, False))
    return found


def find_quotations(text: str, body: Range) -> list[Quotation]:
    """The quotations of a body, in text order (editorial rule 1)."""
    quotations: list[Quotation] = []
    current: Quotation | None = None
    continues = False
    for p_start, p_end in paragraphs(text, *body):
        for opened, c_start, c_end, closed in _stretches(text, p_start, p_end):
            segment = _segment(text, c_start, c_end)
            if segment[1] <= segment[0]:
                continue
            gap = (current.closed, opened) if current is not None else (0, 0)
            joined = current is not None and (
                continues
                or (
                    gap[0] < gap[1]
                    and ATTRIBUTION_BETWEEN.match(text[gap[0] : gap[1]])
                    and "\n" not in text[gap[0] : gap[1]].strip()
                )
            )
            if current is not None and joined:
                if not continues:
                    current.between.append(gap)
                current.segments.append(segment)
            else:
                current = Quotation([segment], opened, 0)
                quotations.append(current)
            current.closed = c_end + 1 if closed else c_end
            continues = not closed
        if current is not None and continues:
            nxt = text[p_end : body[1]].lstrip()
            continues = bool(nxt) and nxt[0] in _OPEN
    return quotations


__all__ = ["ATTRIBUTION_BETWEEN", "Quotation", "find_quotations"]
