"""Where a page's article is: its paragraphs, sentences, headline, dateline, byline and body.

A saved page carries site furniture around the article (mastheads, navigation, "most read",
sign-up boxes, job listings, other stories). The body is found as the first run of prose
paragraphs, widened backwards over the headline, dateline and byline printed just above it, and
ended at the first paragraph that is furniture or reads as a title (another story's heading, a
teaser, a box's label): a paragraph of prose is a sentence that ends as sentences end. Curators
override either end by its words (``--body-start``/``--body-end``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cyberflag.curation.dates import FoundDate, find_dates
from cyberflag.errors import InputError

Range = tuple[int, int]

_CLOSERS = "”’\"')\\]"
_SENTENCE_END = re.compile(rf"[.!?][{_CLOSERS}]*$")
_BULLET = re.compile(r"^(?:[-–•*·▪]|\d+[.)])\s")
FURNITURE = re.compile(
    r"click here|sign up|subscribe|newsletter|copyright|©|all rights reserved|^related\b"
    r"|most read|^comments?$|add your comment|no comments|share this|^advertisement|tel:"
    r"|contact us|cookie|follow us|^read more|got a story|^tags?:|^share$|jobs$",
    re.IGNORECASE,
)
"""Words that mark a page's own furniture rather than its news."""

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "cllr",
    "prof",
    "no",
    "vs",
    "rt",
    "hon",
    "gov",
    "jr",
    "sr",
    "co",
    "inc",
    "ltd",
    "e.g",
    "i.e",
    "etc",
    "approx",
}


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Range]:
    """The non-blank lines of ``text[start:end]``, each without its surrounding whitespace."""
    stop = len(text) if end is None else end
    found = []
    for match in re.finditer(r"[^\n]+", text[start:stop]):
        line = match.group()
        left = len(line) - len(line.lstrip())
        right = len(line.rstrip())
        if right > left:
            found.append((start + match.start() + left, start + match.start() + right))
    return found


def sentences(text: str, start: int, end: int) -> list[Range]:
    """The sentences of one paragraph: split after ``.``, ``!`` or ``?`` (and any closing quote)
    followed by a space and a capital, a digit or an opening quote; not after an abbreviation
    ("Mr.") or an initial."""
    found = []
    begin = start
    for match in re.finditer(rf"[.!?][{_CLOSERS}]*(?=\s+[A-Z0-9“‘\"(])", text[start:end]):
        stop = start + match.end()
        word = re.search(r"([A-Za-z.]+)[.!?]$", text[begin : start + match.start() + 1])
        if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
            continue
        found.append((begin, stop))
        begin = stop
        while begin < end and text[begin].isspace():
            begin += 1
    if begin < end:
        found.append((begin, end))
    return found


def is_prose(line: str) -> bool:
    """A paragraph of the article's own prose: eight words or more, ending as a sentence does."""
    return len(line.split()) >= 8 and bool(_SENTENCE_END.search(line))


def is_furniture(line: str) -> bool:
    """A line that a site prints around its news, whatever the story."""
    return bool(FURNITURE.search(line))


def _is_date_line(text: str, span: Range) -> bool:
    line = text[span[0] : span[1]]
    return bool(find_dates(text, *span)) and len(line.split()) <= 8


def is_title(line: str) -> bool:
    """A heading or teaser: short, and not ended as a sentence, a list item or an introduction."""
    return (
        not _BULLET.match(line)
        and len(line.split()) <= 25
        and not re.search(rf"[.!?:;,][{_CLOSERS}]*$", line)
    )


@dataclass(frozen=True)
class Layout:
    """Where the parts of one page are (offsets into its text, end exclusive)."""

    body: Range
    headline: Range | None
    dateline: FoundDate | None
    byline: Range | None


def _find(text: str, words: str, last: bool) -> int:
    at = text.rfind(words) if last else text.find(words)
    if at < 0:
        raise InputError(
            f"the body's {'end' if last else 'start'} {words!r} does not occur in the text"
        )
    return at + len(words) if last else at


def _first_prose(text: str, lines: list[Range], start: int = 0) -> int:
    first = next(
        (
            i
            for i, (s, e) in enumerate(lines)
            if s >= start and is_prose(text[s:e]) and not is_furniture(text[s:e])
        ),
        None,
    )
    if first is None:
        raise InputError("the text has no recognisable article body: no paragraph of prose")
    return first


def _start(
    text: str, lines: list[Range]
) -> tuple[int, Range | None, FoundDate | None, Range | None]:
    first = _first_prose(text, lines)
    headline = dateline = byline = None
    index = first
    for before in range(first - 1, max(first - 5, -1), -1):
        span = lines[before]
        line = text[span[0] : span[1]]
        if is_furniture(line):
            break
        if _is_date_line(text, span) and dateline is None:
            dateline = find_dates(text, *span)[0]
            if (
                span[1] - span[0] > dateline.end - dateline.start + 2
            ):  # "William Eichler 21 June 2016"
                byline = span
        elif re.match(r"By\s+[A-Z]", line) and byline is None and len(line.split()) <= 6:
            byline = span
        elif is_title(line) and headline is None:
            headline = span
        else:
            break
        index = before
    return lines[index][0], headline, dateline, byline


def _end(text: str, lines: list[Range], start: int) -> int:
    first = _first_prose(text, lines, start)
    end = lines[first][1]
    for span in lines[first + 1 :]:
        line = text[span[0] : span[1]]
        if is_furniture(line) or (is_title(line) and not _is_date_line(text, span)):
            break
        end = span[1]
    return end


def find_layout(text: str, body_start: str | None = None, body_end: str | None = None) -> Layout:
    """The body, headline, dateline and byline of a page's text; ``body_start``/``body_end``
    give the body's first and last words when the heuristics would get them wrong."""
    lines = paragraphs(text)
    start, headline, dateline, byline = _start(text, lines)
    if body_start is not None:
        start = _find(text, body_start, last=False)
        headline = dateline = byline = None
        head = [s for s in lines if s[1] > start][:4]
        for span in head:
            line = text[span[0] : span[1]]
            if _is_date_line(text, span) and dateline is None:
                dateline = find_dates(text, *span)[0]
            elif is_title(line) and headline is None and not is_prose(line):
                headline = span
    end = _find(text, body_end, last=True) if body_end is not None else _end(text, lines, start)
    if end <= start:
        raise InputError("the text has no recognisable article body: its end is before its start")
    if dateline is None:  # a date printed on its own line inside the body's first paragraphs
        for span in [s for s in lines if start <= s[0] < end][:4]:
            if _is_date_line(text, span) and not is_prose(text[span[0] : span[1]]):
                dateline = find_dates(text, *span)[0]
                break
    return Layout((start, end), headline, dateline, byline)


__all__ = [
    "FURNITURE",
    "Layout",
    "Range",
    "find_layout",
    "is_furniture",
    "is_prose",
    "is_title",
    "paragraphs",
    "sentences",
]
