"""The timeline: the statements and events on one axis of dates with the figures' periods
(:mod:`cyberflag.site.axis`), then each measure over its reference periods, one chart per measure.

A chart is drawn with matplotlib at build time and inlined as SVG, so the page works offline and
from ``file://``, with no script and nothing fetched. One mark per observation, at the middle of
its period, with a line across the period; the mark's shape is the comparator ("more than" is a
bound, drawn pointing up, not a point), its colour the area; each mark links to the observation's
page. Two observations of one period with different values (3,903 and "more than 3,000") stand
side by side. A table under each chart gives the same marks in words, for reading without the
picture and for printing.

The rows are the saved query ``statistics-timeline``: the figures with a measure, a period and an
area, as the command gives them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cyberflag.queries.catalogue import load
from cyberflag.site.axis import axis_section, date_of, days, svg_chart
from cyberflag.site.describe import name_of
from cyberflag.site.html import esc, frame, link, relative

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from cyberflag.site.context import Context
    from cyberflag.sparql.engines import Engine

HERE = "timeline/index.html"
TITLE = "Figures, statements and events over time"
MARKERS = {"more than": "^", "over": "^", "almost": "v", "approximately": "D",
           "an average of": "s", "average of": "s"}
"""A comparator's mark: a bound points the way the value may lie; "exactly" is a dot."""
COLOURS = ["#1f4e79", "#b35c00", "#2e7d32", "#6a1b9a", "#ad1457", "#37474f"]
"""Areas' colours: dark enough for text contrast, told apart without relying on hue alone (the
table says the area in words)."""


def _chart(ctx: Context, rows: list[dict[str, str]], areas: list[str], unit: str,
           prefix: str) -> str:
    """One measure's chart as SVG text, through the charts' one setup (:func:`svg_chart`)."""
    titles: dict[str, str] = {}

    def draw(figure: Figure) -> None:
        from matplotlib.lines import Line2D

        axes = figure.add_subplot()
        for row in rows:
            start = date_of(row["periodStart"])
            end = date_of(row["periodEnd"]) if row.get("periodEnd") else start
            first, last = days(start), days(end)
            value = float(row["value"])
            colour = COLOURS[areas.index(row["areaName"]) % len(COLOURS)]
            axes.plot([first, last], [value, value], color=colour, linewidth=1.2, alpha=0.7)
            marker = MARKERS.get(row["comparatorLabel"], "o")
            mark = axes.scatter([(first + last) / 2], [value], marker=marker, color=colour, s=46,
                                zorder=3)
            url = relative(HERE, ctx.target(row["observation"]) or HERE)
            mark.set_urls([url])
            titles[url] = (f"{row['comparatorLabel']} {row['value']} {row.get('unitLabel', '')}, "
                           f"{row['areaName']}, {row['periodStart']} to "
                           f"{row.get('periodEnd') or 'open'}")
        axes.xaxis_date()
        axes.set_ylabel(unit)
        axes.grid(axis="y", linewidth=0.4, alpha=0.5)
        handles = [Line2D([], [], color=COLOURS[i % len(COLOURS)], marker="o", linestyle="",
                          label=area) for i, area in enumerate(areas)]
        handles += [Line2D([], [], color="#333333", marker=m, linestyle="", label=label)
                    for label, m in (("exactly", "o"), ("more than / over", "^"),
                                     ("almost", "v"), ("average of", "s"))
                    if any(MARKERS.get(r["comparatorLabel"], "o") == m for r in rows)]
        axes.legend(handles=handles, fontsize=8, frameon=False, loc="upper left",
                    bbox_to_anchor=(1.01, 1))

    return svg_chart(draw, (8, 3.2), prefix, titles)


def timeline_page(ctx: Context, engine: Engine) -> str:
    """The page: the statements and events on one axis with the figures' periods (``timeline``),
    then a chart and a table per measure (``statistics-timeline``)."""
    result = engine.select(load("statistics-timeline").bind({}))
    by_measure: dict[str, dict[str, dict[str, str]]] = {}
    for row in result.dicts():
        values = {k: v.value for k, v in row.items() if v is not None}
        by_measure.setdefault(values["measureLabel"], {}).setdefault(values["observation"], values)
    sections: list[str] = []
    for measure, observations in sorted(by_measure.items()):
        rows = sorted(observations.values(),
                      key=lambda r: (r["periodStart"], r.get("periodEnd", ""), r["observation"]))
        areas = sorted({r["areaName"] for r in rows})
        unit = rows[0].get("unitLabel", "")
        table = "".join(
            f"<tr><td>{esc(r['periodStart'])} to {esc(r.get('periodEnd') or 'open')}</td>"
            f"<td>{esc(r['comparatorLabel'])} {esc(r['value'])} {esc(r.get('unitLabel', ''))}</td>"
            f"<td>{esc(r['areaName'])}</td>"
            f"<td>{link(HERE, ctx.target(r['observation']), name_of(ctx.graph, r['observation']))}"
            + (' <span class="note">(draft)</span>' if r.get("draft") == "true" else "")
            + "</td></tr>\n"
            for r in rows
        )
        chart = _chart(ctx, rows, areas, unit, f"chart{len(sections) + 1}")
        sections.append(
            f'<section class="measure">\n<h2>{esc(measure.capitalize())}</h2>\n'
            f"<figure>\n{chart}\n<figcaption>{len(rows)} "
            f"figure{'s' if len(rows) != 1 else ''} for {esc(measure)}, by reference period: a "
            "line spans the period, the mark's shape is the comparator (pointing up: more than; "
            "down: almost), its colour the area. Each mark links to its figure.</figcaption>\n"
            "</figure>\n<table>\n<thead><tr><th scope=\"col\">Period</th><th scope=\"col\">Value"
            "</th><th scope=\"col\">Area</th><th scope=\"col\">Figure</th></tr></thead>\n"
            f"<tbody>\n{table}</tbody>\n</table>\n</section>\n"
        )
    body = (
        f"<h1>{esc(TITLE)}</h1>\n"
        "<p>First the statements, the policy events and documents, and the figures' reference "
        "periods on one time axis; then every figure the articles give with a reference period "
        "and an area, one chart per measure. Figures for the same period that disagree stand "
        "side by side; each links to its page, which quotes the articles' words.</p>\n"
        + axis_section(ctx, engine, HERE) + "".join(sections)
    )
    return frame(HERE, TITLE, body, canonical=ctx.canonical(HERE))


__all__ = ["HERE", "timeline_page"]
