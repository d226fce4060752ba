"""Drafts of the figures a body states (editorial rules 8 and 9): the value, its comparator as the
words give it, the unit, the measure, and the period as written with the dates it stands for.

A number is a figure when a count or a percentage follows it; years, ages, dates and ordinals
are not figures. The period is read from the sentence ("last year", "2015/16", "between October
2017 and September 2018", "in the 12 months to June 2016", "since 1985"); a relative period is
dated from the article's date, and says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from cyberflag.curation.entities import Entity
from cyberflag.curation.layout import Layout, Range, paragraphs, sentences
from cyberflag.curation.periods import Period, find_period, same_period

_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "fifty": 50,
    "hundred": 100,
}
_NUMBER = r"(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(_WORDS) + r")"
COMPARATORS = [
    (r"an average of|on average", "AverageOf"),
    (r"more than", "MoreThan"),
    (r"over", "Over"),
    (r"almost|nearly", "Almost"),
    (r"about|around|approximately|roughly", "Approximately"),
]
"""Rule 8: the words before a figure and the comparator they give."""
_COMPARATOR = "|".join(f"(?:{words})" for words, _ in COMPARATORS)
_UNITS = [
    (r"%|per\s?cent", "percent"),
    (r"(?:[\w-]+\s+){0,4}?(?:offences|crimes|abuses|cases|incidents|rapes)", "offences"),
    (r"(?:[\w-]+\s+){0,2}?(?:children|victims|girls|boys)", "children"),
]
FIGURE = re.compile(
    rf"(?<![\w,.£$])(?:(?P<comparator>{_COMPARATOR})\s+)?{_NUMBER}(?P<unit>\s*(?:"
    + "|".join(u for u, _ in _UNITS)
    + r"))",
    re.IGNORECASE,
)


@dataclass
class SourceDraft:
    """A statistical source named in the body: its words, its kind and who it is attributed to."""

    words: Range
    kind: str
    by: Entity | None
    coverage: Range | None = None  # what its sentence says it covers


@dataclass
class FigureDraft:
    """One drafted figure: where its words are, the value as written, and what it measures."""

    clause: Range
    written: Range
    value: int | float
    comparator: str
    unit: str
    measure: str
    period: Period | None
    rule: str
    confidence: float
    area: str | None = None  # the IRI of a known area the sentence names
    also: list[tuple[Range, Range]] = field(default_factory=list)  # later reports: clause, words
    source: SourceDraft | None = None  # when the article names one
    source_carried: bool = False
    coverage: Range | None = None


def _value(number: str) -> int | float:
    if number.casefold() == "one":  # only read before "year old" (AGE)
        return 1
    if number.casefold() in _WORDS:
        return _WORDS[number.casefold()]
    number = number.replace(",", "")
    return float(number) if "." in number else int(number)


def _measure(sentence: str, unit: str, comparator: str) -> str:
    if unit == "percent":
        change = re.search(
            r"\b(?:rise|rose|risen|increase[ds]?|higher|up|fall|fell|fallen|"
            r"decrease[ds]?|decline[ds]?|dropped|down)\b",
            sentence,
        )
        return "percentage-change" if change and "made up" not in sentence else "share-of-total"
    if comparator == "AverageOf" or re.search(r"\ba day\b|\bevery day\b|\bper day\b", sentence):
        return "daily-average"
    return "victims" if unit == "children" else "offences-recorded"


def _confidence(unit: str, own_period: bool) -> float:
    """A count is read more surely than a percentage; a period from another sentence less so."""
    return round((0.6 if unit == "percent" else 0.7) - (0 if own_period else 0.2), 2)


def _area(sentence: str, areas: dict[str, str]) -> str | None:
    """The area the sentence names, longest name first ("England and Wales" before "England")."""
    for label in sorted(areas, key=len, reverse=True):
        if re.search(rf"\b{re.escape(label)}\b", sentence):
            return areas[label]
    return None


_FALL = re.compile(r"\b(?:fallen|fell|dropped|down|decreased|declined|cut)\s+(?:by\s+)?$")
CONTINUED = re.compile(rf"(?<=, )(?<![\w,.£$]){_NUMBER}(?=\s+(?:were|was|are)\b)")
"""A figure that continues a list begun by one with a unit, and takes that unit."""
RISEN = re.compile(
    rf"\b(?:risen|rose|increased|grown|climbed|totalled|totaled|reached)\s+(?:by\s+)?"
    rf"(?:(?P<comparator>{_COMPARATOR})\s+)?(?P<number>\d{{1,3}}(?:,\d{{3}})+|\d+)\b(?!\s*(?:%|per))",
    re.IGNORECASE,
)
"""A figure a sentence gives as what a count has come to, its unit named before it."""
DIFFERENCE = re.compile(rf"(?<![\w,.£$]){_NUMBER}\s+(?:higher|lower|more|fewer)\s+than\b")
AGE = re.compile(
    r"\b(?P<what>youngest(?:\s+victim)?|most\s+common\s+age(?:\s+for\s+victims)?)\s+(?:was|is|were)"
    r"\s+(?:just\s+|only\s+|a\s+)?(?P<number>\d+|one|" + "|".join(_WORDS) + r")\b",
    re.IGNORECASE,
)


def _readings(line: str) -> list[tuple[re.Match[str], str, str, str]]:
    """(match, unit, measure, comparator) for each figure of one sentence, in order."""
    found: list[tuple[re.Match[str], str, str, str]] = []
    for match in FIGURE.finditer(line):
        number = match.group("number")
        after = line[match.end("number") : match.end("number") + 12]
        if re.fullmatch(r"(?:19|20)\d\d", number) or re.match(
            r"\s*(?:years?|months?|days?|weeks?)\b", after
        ):
            continue  # a year, or a length of time
        unit = next(
            u
            for pattern, u in _UNITS
            if re.fullmatch(r"\s*(?:" + pattern + ")", match.group("unit"), re.IGNORECASE)
        )
        words = (match.group("comparator") or "").casefold()
        comparator = next((c for w, c in COMPARATORS if re.fullmatch(w, words)), "Exactly")
        found.append((match, unit, _measure(line, unit, comparator), comparator))
    for match in CONTINUED.finditer(line):  # "535 of the victims were 13, 272 were under 10"
        before = [f for f in found if f[0].end() <= match.start()]
        if before and not any(m.start() <= match.start() < m.end() for m, *_ in found):
            unit = before[-1][1]
            found.append((match, unit, _measure(line, unit, "Exactly"), "Exactly"))
    for match in RISEN.finditer(line):  # "the total number of offences has risen more than N"
        if any(m.start() <= match.start("number") < m.end() for m, *_ in found):
            continue
        noun = re.search(r"\b(offences|crimes|abuses|cases|children|victims)\b",
                         line[: match.start()])
        if noun is None:
            continue
        unit = "children" if noun.group(1) in ("children", "victims") else "offences"
        total = re.search(r"\btotal\b", line[: match.start()], re.IGNORECASE)
        words = (match.group("comparator") or "").casefold()
        comparator = next((c for w, c in COMPARATORS if re.fullmatch(w, words)), "Exactly")
        found.append((match, unit, "cumulative-total" if total else "difference", comparator))
    for match in DIFFERENCE.finditer(line):
        if not any(m.start() <= match.start() < m.end() for m, *_ in found):
            found.append((match, "offences", "difference", "Exactly"))
    for match in AGE.finditer(line):
        youngest = match.group("what").casefold().startswith("youngest")
        found.append(
            (
                match,
                "years-of-age",
                "youngest-victim-age" if youngest else "most-common-victim-age",
                "Exactly",
            )
        )
    return sorted(found, key=lambda f: f[0].start())


def _merge(drafts: list[FigureDraft]) -> list[FigureDraft]:
    """One observation per figure an article repeats (the same value, unit and comparator, "over"
    and "more than" being one: rule 8), with a report for each time; the period and area of any
    report that gives them."""
    merged: dict[tuple[object, ...], FigureDraft] = {}
    for d in drafts:
        key = (d.value, d.unit, "MoreThan" if d.comparator == "Over" else d.comparator)
        first = merged.get(key)
        if first is None:
            merged[key] = d
            continue
        first.also.append((d.clause, d.written))
        if d.comparator == "MoreThan":
            first.comparator = "MoreThan"
        if d.period is not None and (first.period is None or first.period.carried):
            first.period = d.period
        first.area = first.area or d.area
    return _fold_rounded(list(merged.values()))


_BOUNDS = {
    "MoreThan": lambda exact, bound: exact > bound,
    "Over": lambda exact, bound: exact > bound,
    "Almost": lambda exact, bound: exact < bound,
    "Approximately": lambda exact, bound: abs(exact - bound) <= bound * 0.1,
}
"""Whether an exact figure is within what a bound's words allow (rule 8)."""


def _fold_rounded(drafts: list[FigureDraft]) -> list[FigureDraft]:
    """A round bound ("more than 10,000") and the exact figure it rounds ("10,391") for the same
    measure and period in one article are one observation (rule 8): the exact value, each report
    with its own words. Within a fifth of the bound, and only when exactly one figure fits."""
    kept = []
    for d in drafts:
        test = _BOUNDS.get(d.comparator)
        exact = [e for e in drafts if e.comparator == "Exactly" and e.unit == d.unit
                 and e.measure == d.measure and test is not None and test(e.value, d.value)
                 and abs(e.value - d.value) <= abs(d.value) * 0.2
                 and same_period(d.period, e.period)]
        if test is not None and d.value >= 100 and d.value % 100 == 0 and len(exact) == 1:
            exact[0].also[:0] = [(d.clause, d.written), *d.also]
            exact[0].area = exact[0].area or d.area
            continue
        kept.append(d)
    return kept


def draft_figures(
    text: str, layout: Layout, published: dt.date | None, areas: dict[str, str] | None = None,
    latest: Period | None = None,
) -> list[FigureDraft]:
    """The figures of a body, in text order; ``areas`` maps the known areas' names to IRIs. A
    figure whose sentence names no period takes the last period the body named before it, with
    an inference saying so; a sentence printed twice (a standfirst, rule 4) is read once."""
    drafts = []
    carried: Period | None = None  # ``latest``: the body's latest period (periods.latest_period)
    seen: set[str] = set()
    for p_start, p_end in paragraphs(text, *layout.body):
        for start, end in sentences(text, p_start, p_end):
            line = text[start:end]
            if line in seen:
                continue
            seen.add(line)
            here = find_period(text, start, end, published, latest)
            if here is not None:
                carried = here
            for match, unit, measure, comparator in _readings(line):
                value = _value(match.group("number"))
                if _FALL.search(line[: match.start()]) and unit == "percent":
                    value, measure = -value, "percentage-change"
                period = here or (
                    carried
                    and Period(
                        carried.written,
                        carried.start,
                        carried.end,
                        "Its sentence names no period; the last period the article named before "
                        f"it, “{text[slice(*carried.written)]}”, is taken.",
                        carried=True,
                    )
                )
                clause = (start, end - 1 if text[end - 1] == "." else end)
                written = (start + match.start(), start + match.end())
                if unit != "percent" and measure not in ("difference",) and match.re is FIGURE:
                    written = (start + match.start(), start + match.end("number"))
                drafts.append(
                    FigureDraft(
                        clause,
                        written,
                        value,
                        comparator,
                        unit,
                        measure,
                        period,
                        "figure-with-unit",
                        _confidence(unit, period is here),
                        _area(line, areas or {}),
                    )
                )
    _forward(text, layout, published, drafts)
    return _merge(drafts)


def _forward(
    text: str, layout: Layout, published: dt.date | None, drafts: list[FigureDraft]
) -> None:
    """A figure before any period the body names (a standfirst's) takes the first one after it."""
    named = [
        (p, s)
        for ps, pe in paragraphs(text, *layout.body)
        for s, e in sentences(text, ps, pe)
        for p in [find_period(text, s, e, published)]
        if p is not None
    ]
    for d in drafts:
        if d.period is not None:
            continue
        later = next((p for p, at in named if at >= d.clause[1]), None)
        if later is not None:
            d.period = Period(
                later.written,
                later.start,
                later.end,
                "No period is named before it; the first the article names after it, "
                f"“{text[slice(*later.written)]}”, is taken.",
                carried=True,
            )
            d.confidence = round(d.confidence - 0.2, 2)


__all__ = [
    "AGE",
    "COMPARATORS",
    "DIFFERENCE",
    "FIGURE",
    "FigureDraft",
    "SourceDraft",
    "draft_figures",
]
