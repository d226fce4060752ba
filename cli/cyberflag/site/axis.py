"""How every chart of the timeline is drawn: one setup, so that all charts agree.

Every chart goes through :func:`svg_chart`, so that all share one setup: a fixed hash salt and no
date in the metadata (a build is the same bytes run to run), ids of their own (one page holds
several charts), links that open in the page, and a title on each link (its name when hovered or
read aloud).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from cyberflag.site.html import esc

if TYPE_CHECKING:
    from matplotlib.figure import Figure


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


__all__ = ["date_of", "days", "svg_chart"]
