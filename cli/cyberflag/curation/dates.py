"""Dates as news pages print them: a dateline's day, and the years and periods a sentence names.

Only forms that name a day, month and year unambiguously are read as a publication date; a bare
year or "last year" is a period, never a date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

DATE_PATTERNS = [
    re.compile(rf"\b{_DAY}\s+{_MONTH}\s*,?\s+{_YEAR}\b", re.IGNORECASE),  # 21 June 2016
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),  # Jun 1, 2017
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),  # 2019-05-02
    re.compile(
        r"(?<![\d.])(?P<day>[0-3]\d)[./](?P<month>[01]\d)[./](?P<year>\d\d(?:\d\d)?)(?![\d.])"
    ),
]
"""Day-month-year forms: words first, then ISO, then numeric day-first (UK pages: 21.06.16)."""


@dataclass(frozen=True)
class FoundDate:
    """A date printed in the text: where, and which day."""

    start: int
    end: int
    day: dt.date


def _to_date(match: re.Match[str]) -> dt.date | None:
    month_text = match.group("month").lower().rstrip(".")
    month = MONTHS.get(month_text) or (int(month_text) if month_text.isdigit() else 0)
    year = int(match.group("year"))
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, int(match.group("day")))
    except ValueError:  # 31.02.16, month 13: not a date
        return None


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[FoundDate]:
    """Every day-month-year date in ``text[start:end]``, in text order, none overlapping."""
    stop = len(text) if end is None else end
    found: list[FoundDate] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text, start, stop):
            day = _to_date(match)
            if day is None or any(f.start < match.end() and match.start() < f.end for f in found):
                continue
            found.append(FoundDate(match.start(), match.end(), day))
    return sorted(found, key=lambda f: f.start)


__all__ = ["DATE_PATTERNS", "MONTHS", "FoundDate", "find_dates"]
