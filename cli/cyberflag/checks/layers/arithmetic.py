"""Arithmetic: every derived figure is recomputed from the figures it was derived from.

"A 44 per cent rise" is only as good as the two counts behind it. Each observation with a
``cf:derivation`` and ``prov:wasDerivedFrom`` parts is recomputed, with interval arithmetic so that
parts stated as bounds ("more than 3,000") give a range rather than a false point, and compared with
the stated value under its comparator and the press's rounding: a stated whole number N accepts any
true value that truncates to N (44.0-44.99 for "44 per cent") or rounds to N. When the parts are not
all in the data the figure is reported as not checkable, with what is missing. Every finding shows
its working.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from rdflib import Graph, Literal
from rdflib.namespace import PROV, RDF
from rdflib.term import Node

from cyberflag.checks.findings import ERROR, INFO, Finding
from cyberflag.rdf.namespaces import CF, QB

LAYER = "arithmetic"
APPROXIMATE = Fraction(5, 100)
"""How far "approximately N" may stray from N: 5 per cent."""
EXACT = (CF.Exactly, CF.AverageOf)
"""Comparators whose figure is the value itself, rounded as the press rounds: "an average of
15 a day" is a mean stated to the unit, checked exactly as a plain "15" would be (rule 8)."""


@dataclass(frozen=True)
class Range:
    """A value known to lie in [lo, hi]; ``hi`` None is unbounded above. Open ends are not
    distinguished: at this precision the difference never decides a check."""

    lo: Fraction
    hi: Fraction | None

    def __str__(self) -> str:
        if self.hi == self.lo:
            return _fmt(self.lo)
        if self.hi is None:
            return f"at least {_fmt(self.lo)}"
        return f"{_fmt(self.lo)} to {_fmt(self.hi)}"


def _fmt(x: Fraction) -> str:
    if x.denominator == 1:
        return f"{x.numerator:,}"
    return f"{float(x):,.2f}"


@dataclass(frozen=True)
class Figure:
    """An observation's stated value, comparator and period."""

    node: Node
    value: Fraction
    comparator: Node | None
    start: dt.date
    end: dt.date
    decimals: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def range(self) -> Range | None:
        """What the statement says about the true value (None: too vague to compute with)."""
        if self.comparator in EXACT:
            return Range(self.value, self.value)
        if self.comparator in (CF.MoreThan, CF.Over):
            return Range(self.value, None)
        if self.comparator == CF.Almost:
            return Range(self.value * (1 - APPROXIMATE), self.value)
        if self.comparator == CF.Approximately:
            return Range(self.value * (1 - APPROXIMATE), self.value * (1 + APPROXIMATE))
        return None


def figure(graph: Graph, node: Node) -> Figure | None:
    value = graph.value(node, CF.value)
    period = graph.value(node, CF.refPeriod)
    start = graph.value(period, CF.startDate) if period is not None else None
    end = graph.value(period, CF.endDate) if period is not None else None
    first = start.toPython() if isinstance(start, Literal) else None
    last = end.toPython() if isinstance(end, Literal) else None
    if value is None or not isinstance(first, dt.date) or not isinstance(last, dt.date):
        return None  # a period bound that is not a date: the shapes layer reports it
    lexical = str(value)
    try:
        number = Fraction(lexical)
    except (ValueError, ZeroDivisionError):
        return None  # not a number ("abc"): the shapes layer reports its datatype
    decimals = len(lexical.split(".", 1)[1]) if "." in lexical else 0
    return Figure(
        node,
        number,
        graph.value(node, CF.comparator),
        first,
        last,
        decimals,
    )


def _div(a: Range, b: Range) -> Range:
    """a / b for positive b."""
    lo = a.lo / b.hi if b.hi is not None else Fraction(0)
    hi = a.hi / b.lo if a.hi is not None and b.lo > 0 else None
    return Range(lo, hi)


def _sub(a: Range, b: Range) -> Range:
    lo = a.lo - b.hi if b.hi is not None else None
    hi = a.hi - b.lo if a.hi is not None else None
    return Range(lo if lo is not None else Fraction(-(10**12)), hi)


def compute(derivation: Node, target: Figure, parts: list[Figure]) -> tuple[Range | None, str]:
    """The range the derived value must lie in, and the working (or why it cannot be computed)."""
    ranges = [r for r in (p.range() for p in parts) if r is not None]
    if len(ranges) != len(parts):
        return None, "a part is stated too vaguely to compute with"
    ordered = sorted(zip(parts, ranges, strict=True), key=lambda pr: pr[0].start)
    if derivation == CF.DailyAverage:
        if len(parts) != 1:
            return None, f"a daily average needs one count, the data links {len(parts)}"
        ((_part, r),) = ordered
        days = Range(Fraction(target.days), Fraction(target.days))
        return _div(r, days), f"{r} / {target.days} days ({target.start} to {target.end})"
    if derivation in (CF.Difference, CF.PercentageChange):
        if len(parts) != 2:
            return None, (f"needs the earlier and the later figure; the data links {len(parts)}")
        (early, re_), (late, rl) = ordered
        diff = _sub(rl, re_)
        if derivation == CF.Difference:
            return diff, f"{rl} ({late.start:%Y-%m}…) − {re_} ({early.start:%Y-%m}…)"
        pct = _div(diff, re_)
        pct = Range(pct.lo * 100, pct.hi * 100 if pct.hi is not None else None)
        return pct, f"({rl} − {re_}) / {re_} × 100"
    if derivation == CF.Share:
        return None, "the whole the share is taken of is not in the data"
    if derivation == CF.CumulativeTotal:
        covered = sum(p.days for p in parts)
        total = sum((r.lo for r in ranges), Fraction(0))
        if covered < target.days:
            return None, (
                f"the parts in the data cover {covered} of the period's "
                f"{target.days} days (they sum to at least {_fmt(total)})"
            )
        his = [r.hi for r in ranges if r.hi is not None]
        hi = sum(his, Fraction(0)) if len(his) == len(ranges) else None
        return Range(total, hi), " + ".join(str(r) for r in ranges)
    return None, f"unknown derivation {derivation}"


def agrees(stated: Figure, computed: Range) -> tuple[bool, str]:
    """Does the stated value fit the computed range, under its comparator and rounding?"""
    unit = Fraction(1, 10**stated.decimals)
    v = stated.value
    if stated.comparator in EXACT:
        # truncation accepts [v, v+unit), rounding [v-unit/2, v+unit/2): together [v-unit/2, v+unit)
        lo, hi = v - unit / 2, v + unit
        ok = (computed.hi is None or computed.hi >= lo) and computed.lo < hi
        return ok, f"stated {_fmt(v)} accepts {_fmt(lo)} up to {_fmt(hi)} (rounded or truncated)"
    if stated.comparator in (CF.MoreThan, CF.Over):
        ok = computed.hi is None or computed.hi > v
        return ok, f"stated more than {_fmt(v)}"
    if stated.comparator == CF.Almost:
        return computed.lo < v, f"stated almost {_fmt(v)}"
    if stated.comparator == CF.Approximately:
        lo, hi = v * (1 - APPROXIMATE), v * (1 + APPROXIMATE)
        ok = (computed.hi is None or computed.hi >= lo) and computed.lo <= hi
        return ok, f"stated approximately {_fmt(v)} ({_fmt(lo)} to {_fmt(hi)})"
    return False, f"unknown comparator {stated.comparator}"


def check(graph: Graph) -> list[Finding]:
    """One finding per derived observation: confirmed, contradicted or not checkable."""
    findings: list[Finding] = []
    for node in sorted(graph.subjects(RDF.type, QB.Observation), key=str):
        derivation = graph.value(node, CF.derivation)
        if derivation is None:
            continue
        target = figure(graph, node)
        parts = [
            figure(graph, p) for p in sorted(graph.objects(node, PROV.wasDerivedFrom), key=str)
        ]
        known = [p for p in parts if p is not None]
        if target is None or len(known) != len(parts):
            findings.append(
                Finding(
                    LAYER,
                    ERROR,
                    str(node),
                    "a derived figure or one of its parts lacks a value or a period",
                )
            )
            continue
        name = str(derivation).rsplit("#", 1)[-1]
        computed, working = compute(derivation, target, known)
        if computed is None:
            findings.append(Finding(LAYER, INFO, str(node), f"{name}: not checkable", (working,)))
            continue
        ok, rule = agrees(target, computed)
        detail = (f"working: {working} = {computed}", rule)
        if ok:
            findings.append(
                Finding(
                    LAYER, INFO, str(node), f"{name}: stated value agrees with its parts", detail
                )
            )
        else:
            findings.append(
                Finding(
                    LAYER,
                    ERROR,
                    str(node),
                    f"{name}: stated value {_fmt(target.value)} does not follow from its parts",
                    detail,
                )
            )
    return findings


__all__ = ["Figure", "Range", "agrees", "check", "compute", "figure"]
