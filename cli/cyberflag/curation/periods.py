"""Reference periods as an article writes them: "2015/16", "between October 2017 and September
2018", "the 12 months to June 2016", "since 1985", "in the five years since …", "last year".

A period is read from the sentence a figure stands in; one stated relative to the article's date
("last year") or to its other periods ("the five years since") says how it was worked out
(``reasoning``), for the figure's ``cf:periodInference``. A year a figure is compared with ("1,750
higher than in 2015/16") is its baseline, not its period.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from cyberflag.curation.dates import MONTHS
from cyberflag.curation.layout import Layout, Range, paragraphs, sentences


@dataclass
class Period:
    """A reference period: as written, its first and last day (``end`` is ``None`` for a period
    the text leaves open), and the reasoning when it is worked out rather than read."""

    written: Range
    start: dt.date
    end: dt.date | None
    reasoning: str | None = None
    carried: bool = False  # taken from an earlier sentence


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


_BASELINE = re.compile(r"\b(?:than(?: in)?|compared (?:with|to)|from|on)\s+$")
"""Words before a year that make it the figure's baseline ("1,750 higher than in 2015/16"),
not its period."""


_YEARS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10}


def find_period(text: str, start: int, end: int, published: dt.date | None,
                latest: Period | None = None) -> Period | None:
    """The period a sentence names (not a baseline it compares with), or ``None``. "In the five
    years since …" is read as five years ending where ``latest`` (the article's latest period)
    ends."""
    line = text[start:end]
    years = re.search(r"\b(?:in|over) the (?:last |past )?(\d+|" + "|".join(_YEARS)
                      + r") years\b", line, re.IGNORECASE)
    if years and latest is not None and latest.end is not None:
        n = int(years.group(1)) if years.group(1).isdigit() else _YEARS[years.group(1).lower()]
        first = latest.end.replace(year=latest.end.year - n) + dt.timedelta(days=1)
        return Period((start + years.start(), start + years.end()), first, latest.end,
                      f"“{years.group(0)}” is read as {n} years ending where the latest period "
                      f"the article names, “{text[slice(*latest.written)]}”, ends "
                      f"({latest.end.isoformat()}).")
    month = "(" + "|".join(m for m in MONTHS if len(m) > 3) + ")"
    between = re.search(rf"between {month} (\d{{4}}) and {month} (\d{{4}})", line, re.IGNORECASE)
    if between:
        m1, y1, m2, y2 = between.groups()
        return Period(
            (start + between.start(), start + between.end()),
            dt.date(int(y1), MONTHS[m1.lower()], 1),
            month_end(int(y2), MONTHS[m2.lower()]),
        )
    months_to = re.search(rf"(?:in )?the 12 months to {month} (\d{{4}})", line, re.IGNORECASE)
    if months_to:
        m, y = months_to.groups()
        last = month_end(int(y), MONTHS[m.lower()])
        first = (
            dt.date(int(y) - 1, MONTHS[m.lower()] % 12 + 1, 1)
            if MONTHS[m.lower()] < 12
            else dt.date(int(y), 1, 1)
        )
        return Period((start + months_to.start(), start + months_to.end()), first, last)
    financial = next(
        (
            m
            for m in re.finditer(r"\b(20\d\d)[/-](\d\d)\b", line)
            if int(m.group(2)) == (int(m.group(1)) + 1) % 100
            and not _BASELINE.search(line[: m.start()])
        ),
        None,
    )
    if financial:
        year = int(financial.group(1))
        return Period(
            (start + financial.start(), start + financial.end()),
            dt.date(year, 4, 1),
            dt.date(year + 1, 3, 31),
            "A year written YYYY/YY or YYYY-YY is read as the financial year police "
            "figures are published for, 1 April to 31 March.",
        )
    since = re.search(r"\bsince ((?:19|20)\d\d)\b", line)
    if since:
        return Period(
            (start + since.start(), start + since.end()), dt.date(int(since.group(1)), 1, 1), None
        )
    last_year = re.search(r"\blast year\b", line)
    if last_year and published is not None:
        ended = published.year if published.month >= 4 else published.year - 1
        return Period(
            (start + last_year.start(), start + last_year.end()),
            dt.date(ended - 1, 4, 1),
            dt.date(ended, 3, 31),
            f"Police-recorded crime is counted by financial year (1 April to 31 March); “last "
            f"year” in an article dated {published.isoformat()} is read as the last financial "
            f"year that had ended, {ended - 1}/{str(ended)[2:]}.",
        )
    return None


def latest_period(text: str, layout: Layout) -> Period | None:
    """The closed period the body names (by dates, not relative to the article's date) that ends
    last: an undated article reporting it was written after it ended."""
    found = [p for ps, pe in paragraphs(text, *layout.body) for s, e in sentences(text, ps, pe)
             for p in [find_period(text, s, e, None)] if p is not None and p.end is not None]
    return max(found, key=lambda p: (p.end, p.written), default=None)


def same_period(a: Period | None, b: Period | None) -> bool:
    """The same dates, or one of them only carried from another sentence."""
    if a is None or b is None or a.carried or b.carried:
        return True
    return (a.start, a.end) == (b.start, b.end)


__all__ = ["Period", "find_period", "latest_period", "month_end", "same_period"]
