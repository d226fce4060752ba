"""The one time axis: how every chart of the timeline is drawn, and the statements and events
drawn beside the figures.

Every chart goes through :func:`svg_chart`, so that all share one setup: a fixed hash salt and no
date in the metadata (a build is the same bytes run to run), ids of their own (one page holds
several charts), links that open in the page, and a title on each link (its name when hovered or
read aloud).

The axis chart answers what the figures' charts cannot: when the articles spoke and when the
policy events happened, beside the periods the figures cover. Three lanes share one axis of
dates: the figures' reference periods, the events and documents at their own dates, and the
statements at the date of the article reporting them. Dates are of different kinds, and the
caption says which is which. Statements cluster on a few article dates, so the reports of one
date are stacked, one linked mark each, with their number above. A date that is a range (a
month, or what an inference allows for an undated article) is drawn as a range, never a point,
and an inferred one is hatched: the page must not look surer than the data. The rows are the
saved query ``timeline``, as the command gives them; the tables under the chart say the same in
words.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cyberflag.queries.catalogue import load
from cyberflag.site.describe import name_of, snippet
from cyberflag.site.html import esc, link, relative

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from cyberflag.site.context import Context
    from cyberflag.sparql.engines import Engine

KINDS = {"statement": "#1f4e79", "event": "#b35c00", "document": "#2e7d32"}
"""Each kind's colour on the axis (the lanes and the legend also say the kind in words)."""
PERIOD_COLOUR = "#c8c8c8"
ROW = 0.2
"""Height of one packed row of periods or events, in the axis chart's units (about inches)."""
GAP = 0.3
STACK = 2.2
"""The statements' lane is at most this high: a tall stack is drawn in thinner marks, so the
chart keeps its size however many reports one date has."""


def date_of(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def days(day: dt.date) -> float:
    """Matplotlib's date number for ``day``: days since its epoch, which :func:`svg_chart` sets
    to 1970-01-01."""
    return float((day - dt.date(1970, 1, 1)).days)


def svg_chart(draw: Callable[[Figure], None], size: tuple[float, float], prefix: str,
              titles: dict[str, str]) -> str:
    """The figure ``draw`` fills, as SVG text to inline: ids start with ``prefix``, and each link
    whose target is a key of ``titles`` gets that title (the targets are unique per mark)."""
    import matplotlib

    matplotlib.use("svg")
    from matplotlib.figure import Figure

    # One look for every chart; the hash salt makes the SVG's ids the same run to run.
    with matplotlib.rc_context({"svg.hashsalt": "cyberflag", "svg.fonttype": "none",
                                "date.epoch": "1970-01-01T00:00:00",
                                "font.size": 9, "axes.spines.top": False,
                                "axes.spines.right": False}):
        figure = Figure(figsize=size)
        draw(figure)
        figure.tight_layout()
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg"):]
    # matplotlib numbers ids per figure ("figure_1"); a page holds several figures.
    svg = re.sub(r'\bid="', f'id="{prefix}-', svg)
    svg = re.sub(r"url\(#", f"url(#{prefix}-", svg)
    svg = re.sub(r'href="#', f'href="#{prefix}-', svg)

    def titled(match: re.Match[str]) -> str:
        title = titles.get(html.unescape(match[1]))
        return f'<a xlink:href="{match[1]}">' + (f"<title>{esc(title)}</title>" if title else "")

    # A mark opens its page here, as links do, not in a new window.
    return re.sub(r'<a xlink:href="([^"]*)" target="_blank">', titled, svg)


@dataclass(frozen=True)
class Mark:
    """One row of the axis: a statement's report, an event or document, or a reference period."""

    kind: str
    iri: str
    """What the mark links to: the report for a statement (its anchor on the statement's page)."""
    start: dt.date | None
    end: dt.date | None
    inferred: bool
    label: str
    who: str = ""
    precision: str = ""
    """How precisely the text gives the date, as ``timeline`` words it ("month precision")."""
    article: str = ""
    count: int = 1

    @property
    def ranged(self) -> bool:
        return self.start != self.end or self.start is None

    @property
    def style(self) -> str:
        return "inferred" if self.inferred else "range" if self.ranged else "day"

    def when(self) -> str:
        """The date in words (ISO dates, as on the who-said page), marked when inferred."""
        start, end = self.start, self.end
        if start is None and end is None:
            return "no date given"
        if end is None and self.kind == "statistic":
            words = f"from {start}, open (no end given)"
        elif start is None or end is None:
            words = f"{end} or earlier" if start is None else f"{start} or later"
        else:
            words = str(start) if start == end else f"{start} to {end}"
            if self.precision == "month precision" and start.replace(day=1) == end.replace(day=1):
                words = f"{start:%Y-%m} (given to the month)"
        return words + (" (inferred)" if self.inferred else "")


def marks(engine: Engine) -> tuple[list[Mark], list[Mark], list[Mark]]:
    """The periods (one per period, with its number of figures), events and documents (one per
    item, its organisations joined) and reports of statements (one each), from ``timeline``."""
    periods: dict[tuple[str, str], set[str]] = {}
    events: dict[str, Mark] = {}
    reports: dict[str, Mark] = {}
    for row in engine.select(load("timeline").bind({})).dicts():
        get = {k: v.value for k, v in row.items()}.get
        kind, item = get("type", ""), get("item", "")
        start = date_of(get("from", "")) if get("from") else None
        end = date_of(get("to", "")) if get("to") else None
        inferred = get("datePrecision") == "inferred"
        if kind == "statistic":
            periods.setdefault((get("from", ""), get("to", "")), set()).add(item)
        elif kind == "statement":
            reports.setdefault(get("report", ""), Mark(
                kind, get("report", ""), start, end, inferred, get("label", ""),
                get("whoName", ""), get("datePrecision", ""), get("article", "")))
        elif kind in KINDS:
            seen = events.get(item)
            who = get("whoName", "")
            if seen is not None and who:
                who = f"{seen.who}; {who}" if seen.who else who
            events[item] = Mark(kind, item, start, end, inferred, get("label", ""), who,
                                get("datePrecision", ""))
    spans = [Mark("statistic", "", date_of(s) if s else None, date_of(e) if e else None, False,
                  "", count=len(items)) for (s, e), items in sorted(periods.items())]
    return spans, list(events.values()), list(reports.values())


def _limits(groups: Iterable[list[Mark]]) -> tuple[float, float] | None:
    """The axis's dates: every date the statements and events give, and every closed period; a
    period open at one end (figures "since" a year) is clipped rather than stretch the axis."""
    found = [days(d) for group in groups for m in group
             if m.kind != "statistic" or (m.start and m.end) for d in (m.start, m.end) if d]
    if not found:
        return None
    low, high = min(found), max(found)
    pad = max(30.0, (high - low) * 0.03)
    return low - pad, high + pad


def _extent(mark: Mark, low: float, high: float, width: float) -> tuple[float, float]:
    """Where ``mark`` lies on the axis: its range, an open end at the axis's edge, a day as a
    narrow bar ``width`` wide."""
    if not mark.ranged and mark.start is not None:
        return days(mark.start) - width / 2, days(mark.start) + width / 2
    first = max(low, days(mark.start)) if mark.start else low
    last = min(high, days(mark.end) + 1) if mark.end else high
    return first, max(last, first + width)


def _pack(extents: list[tuple[float, float]]) -> list[int]:
    """A row for each extent, the lowest one free, so that no two in a row overlap."""
    rows = [0] * len(extents)
    ends: list[float] = []  # each row's last end
    for i in sorted(range(len(extents)), key=lambda i: extents[i]):
        start, end = extents[i]
        row = next((r for r, last in enumerate(ends) if last < start), len(ends))
        ends[row:row + 1] = [end]
        rows[i] = row
    return rows


def _stacks(reports: list[Mark], extents: list[tuple[float, float]]) -> list[int]:
    """Each report's place in its stack: the reports of one date stand on one another, and a
    stack that would overlap an earlier one stands on top of it."""
    levels = [0] * len(reports)
    keys: dict[tuple[float, float], list[int]] = {}
    for i, extent in enumerate(extents):
        keys.setdefault(extent, []).append(i)
    active: list[tuple[float, int]] = []  # (end, top) of the stacks a later one may overlap
    for (start, end), members in sorted(keys.items()):
        active = [(e, top) for e, top in active if e > start]
        base = max((top for _, top in active), default=0)
        for level, i in enumerate(members):
            levels[i] = base + level
        active.append((end, base + len(members)))
    return levels


def axis_chart(ctx: Context, here: str, lanes: tuple[list[Mark], list[Mark], list[Mark]]
               ) -> str:
    """The three lanes on one axis of dates, as SVG; empty when nothing has a date."""
    dated = tuple([m for m in lane if m.start or m.end] for lane in lanes)
    spans, events, reports = dated
    limits = _limits(dated)
    if limits is None:
        return ""
    low, high = limits
    width = (high - low) / 110
    placed = [[_extent(m, low, high, width) for m in lane] for lane in dated]
    span_rows, event_rows = _pack(placed[0]), _pack(placed[1])
    levels = _stacks(reports, placed[2])
    tallest = max(levels, default=-1) + 1
    pitch = min(ROW, STACK / max(tallest, 1))
    heights = [pitch * tallest, ROW * (max(event_rows, default=-1) + 1),
               ROW * (max(span_rows, default=-1) + 1)]
    bases = [0.0, heights[0] + GAP, heights[0] + heights[1] + 2 * GAP]
    titles: dict[str, str] = {}

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        axes.set_xlim(low, high)
        _bars(axes, "statistic", spans, placed[0], [bases[2] + r * ROW for r in span_rows], ROW,
              {}, here, ctx)
        _bars(axes, "event", events, placed[1], [bases[1] + r * ROW for r in event_rows], ROW,
              titles, here, ctx)
        _bars(axes, "statement", reports, placed[2], [level * pitch for level in levels], pitch,
              titles, here, ctx)
        for (first, last), top in _tops(placed[2], levels, pitch).items():
            if top[1] > 1:
                axes.text((first + last) / 2, top[0] + pitch * 0.3, str(top[1]), ha="center",
                          va="bottom", fontsize=7)
        names = ["Statements\n(article date)", "Events and\ndocuments",
                 "Figures\n(reference period)"]
        axes.set_yticks([b + h / 2 for b, h in zip(bases, heights, strict=True)], names)
        axes.tick_params(axis="y", length=0)
        axes.spines["left"].set_visible(False)
        for line in (bases[1] - GAP / 2, bases[2] - GAP / 2):
            axes.axhline(line, color="#cccccc", linewidth=0.5)
        axes.set_ylim(-pitch * 0.5, bases[2] + heights[2] + pitch * 2)
        axes.xaxis_date()
        axes.grid(axis="x", linewidth=0.4, alpha=0.5)
        _legend(axes, bool(spans), events + reports)

    size = (8.0, 1.1 + sum(heights) + 2 * GAP)
    return svg_chart(draw, size, "axis", titles)


def _tops(extents: list[tuple[float, float]], levels: list[int], pitch: float
          ) -> dict[tuple[float, float], tuple[float, int]]:
    """Each stack's top and its number of marks, to write the number above it."""
    tops: dict[tuple[float, float], tuple[float, int]] = {}
    for extent, level in zip(extents, levels, strict=True):
        top, count = tops.get(extent, (0.0, 0))
        tops[extent] = (max(top, (level + 1) * pitch), count + 1)
    return tops


def _bars(axes: Axes, lane: str, lane_marks: list[Mark], extents: list[tuple[float, float]],
          bottoms: list[float], height: float, titles: dict[str, str], here: str,
          ctx: Context) -> None:
    """One lane's marks: a collection per kind and style, each mark linked to its page; a
    period is a grey bar with its number of figures, an open end an arrow at the axis's edge."""
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import to_rgba

    groups: dict[tuple[str, str], tuple[list[list[tuple[float, float]]], list[str | None]]] = {}
    low, high = axes.get_xlim()
    arrows: list[tuple[float, float, str]] = []
    for mark, (first, last), bottom in zip(lane_marks, extents, bottoms, strict=True):
        top = bottom + height * 0.8
        verts, urls = groups.setdefault((mark.kind, mark.style), ([], []))
        verts.append([(first, bottom), (last, bottom), (last, top), (first, top)])
        target = ctx.target(mark.iri) if mark.iri else None
        url = relative(here, target) if target else None
        urls.append(url)
        if url is not None:
            said = f"{mark.who}: " if mark.who and lane == "statement" else ""
            titles[url] = f"{said}{snippet(mark.label)} ({mark.when()})"
        if mark.start is None or days(mark.start) < low:
            arrows.append((low, (bottom + top) / 2, "<"))
        if mark.end is None or days(mark.end) >= high:
            arrows.append((high, (bottom + top) / 2, ">"))
        if lane == "statistic":
            axes.text((first + last) / 2, (bottom + top) / 2,
                      f"{mark.count} figure{'s' if mark.count != 1 else ''}", ha="center",
                      va="center", fontsize=6.5, clip_on=True, zorder=4)
    for (kind, style), (verts, urls) in sorted(groups.items()):
        colour = KINDS.get(kind, PERIOD_COLOUR)
        face = {"inferred": "white", "range": to_rgba(colour, 0.35)}.get(style, colour)
        collection = PolyCollection(
            verts, facecolors=[face] if kind in KINDS else colour, edgecolors=colour,
            linewidths=0.6, hatch="////" if style == "inferred" else None, zorder=3)
        collection.set_urls(urls)
        collection.set_gid(f"{kind}-{style}")
        axes.add_collection(collection)
    for arrow in ("<", ">"):  # an open end: the range goes on beyond the axis
        ends = [(x, y) for x, y, a in arrows if a == arrow]
        if ends:
            axes.plot(*zip(*ends, strict=True), linestyle="", marker=arrow, color="#333333",
                      markersize=4, clip_on=False)


def _legend(axes: Axes, periods: bool, shown: list[Mark]) -> None:
    """What the colours and hatching mean, for the kinds and styles the chart has."""
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=PERIOD_COLOUR, label="reference period")] if periods else []
    handles += [Patch(facecolor=colour, label=kind) for kind, colour in KINDS.items()
                if any(m.kind == kind for m in shown)]
    styles = {m.style for m in shown}
    if "range" in styles:
        handles.append(Patch(facecolor=(0.2, 0.2, 0.2, 0.35), edgecolor="#333333",
                             label="date given to\nthe month: a range"))
    if "inferred" in styles:
        handles.append(Patch(facecolor="white", edgecolor="#333333", hatch="////",
                             label="date inferred:\nthe range it allows"))
    axes.legend(handles=handles, fontsize=8, frameon=False, loc="upper left",
                bbox_to_anchor=(1.01, 1))


def axis_section(ctx: Context, engine: Engine, here: str) -> str:
    """The axis chart with its caption, and its marks in words: the events and documents, the
    periods, the statements, each a table (readable without the picture, and in print)."""
    lanes = marks(engine)
    spans, events, reports = lanes
    chart = axis_chart(ctx, here, lanes)
    drawn = [m for m in events + reports if m.start or m.end]
    figures = sum(m.count for m in spans)
    caption = (
        f"{sum(m.kind == 'statement' for m in drawn)} reports of statements and "
        f"{sum(m.kind != 'statement' for m in drawn)} events and documents with a date, beside "
        f"the reference periods of {figures} figures. The dates are of three kinds: a figure's is "
        "its reference period, the time it counts (a police financial year runs from April to "
        "March), not when it was published; an event's or a document's is its own; a "
        "statement's is the date of the article reporting it. Reports of one date are stacked, "
        "their number above; a hatched bar is an inferred date, across the range its inference "
        "allows; a faded bar a date given to the month; an arrow an end left open or beyond the "
        "axis. Each statement and event links to its page."
    )
    undated = sum(not (m.start or m.end) for m in events)
    return (
        '<section id="axis">\n<h2>Statements, events and figures on one time axis</h2>\n'
        + (f"<figure>\n{chart}\n<figcaption>{esc(caption)}</figcaption>\n</figure>\n"
           if chart else "<p>Nothing has a date to draw.</p>\n")
        + '<h3 id="axis-events">Events and documents</h3>\n'
        + (f'<p class="note">{undated} without a date, listed last.</p>\n' if undated else "")
        + _table(["Date", "Event or document", "Kind", "Organisation"], [
            [_when(m), link(here, ctx.target(m.iri), m.label), esc(m.kind), esc(m.who)]
            for m in events])
        + '<h3 id="axis-periods">Reference periods of the figures</h3>\n'
        + _table(["Reference period", "Figures"],
                 [[_when(m), str(m.count)] for m in spans])
        + '<h3 id="axis-statements">Statements, by the date of the article</h3>\n'
        + _table(["Article date", "Speaker", "Words", "Article"], [
            [_when(m), esc(m.who), link(here, ctx.target(m.iri), m.label),
             link(here, ctx.target(m.article), name_of(ctx.graph, m.article))]
            for m in reports])
        + "</section>\n"
    )


def _when(mark: Mark) -> str:
    words = esc(mark.when())
    return f'<span class="inferred">{words}</span>' if mark.inferred else words


def _table(heads: list[str], rows: list[list[str]]) -> str:
    """A table of cells already HTML, under headings for its columns."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in heads)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>\n" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"


__all__ = ["Mark", "axis_chart", "axis_section", "date_of", "days", "marks", "svg_chart"]
