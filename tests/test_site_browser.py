"""The built site in a real browser: headless Chromium driven by Playwright, never mocked.

The pages must work as plain files (``file://``), offline: every request a page makes is recorded
and any that is not a file of the site fails the test; so does any console error. Chromium is the
system's (``apt-get install chromium``; ``.ci/run`` installs it), never one Playwright downloads:
set ``CYBERFLAG_CHROMIUM`` to use another binary. A missing browser fails the tests, it does not
skip them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route

STATEMENT = "id/statement/bailey-cant-be-left-to-chance/index.html"


class Visit:
    """A page with what it logged and what it asked for outside ``root``: the built site's
    folder (pages opened as ``file://``) or a served site's URL."""

    def __init__(self, browser: Browser, root: Path | str, javascript: bool = True) -> None:
        self.base = root if isinstance(root, str) else root.resolve().as_uri()
        self.context = browser.new_context(java_script_enabled=javascript)
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(self.base + "/"):
            route.continue_()
        else:  # nothing may leave the machine, nor read outside the site
            self.outside.append(url)
            route.abort()

    def open(self, path: str) -> Page:
        self.page.goto(f"{self.base}/{path.lstrip('/')}")
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Browser, built_site: Path) -> Iterator[Visit]:
    opened = Visit(browser, built_site)
    yield opened
    opened.close()


def sample_pages(site: Path) -> list[str]:
    """The front page, who-said, and the first page of each kind of resource."""
    pages = ["index.html", "who-said/index.html", "timeline/index.html", "conflicts/index.html"]
    for kind in sorted((site / "id").iterdir()):
        first = sorted(kind.rglob("index.html"))[0]
        pages.append(str(first.relative_to(site)))
    return pages


def test_pages_load_offline_without_errors(visit: Visit, built_site: Path) -> None:
    pages = sample_pages(built_site)
    assert len(pages) > 10
    for path in pages:
        page = visit.open(path)
        assert page.locator("h1").count() == 1, path
        assert page.locator("main").count() == 1, path
    assert visit.errors == []
    assert visit.outside == []


def test_who_said_filter_changes_the_rows(visit: Visit) -> None:
    page = visit.open("who-said/index.html")
    rows = page.locator("#said tbody tr")
    total = rows.count()
    assert page.locator("#filters").is_visible()
    assert page.locator("#said tbody tr:visible").count() == total

    page.select_option("#f-person", "Simon Bailey")
    shown = page.locator("#said tbody tr:visible")
    assert 0 < shown.count() < total
    speakers = shown.locator("td:nth-child(2) a").all_inner_texts()
    assert set(speakers) == {"Simon Bailey"}
    assert page.locator("#count").inner_text() == f"{shown.count()} of {total} reports shown"

    page.select_option("#f-person", "")
    page.fill("#f-words", "thousand eyes")
    words = page.locator("#said tbody tr:visible td:nth-child(5)").all_inner_texts()
    assert words
    assert all("thousand eyes" in w.lower() for w in words)

    page.fill("#f-words", "")
    page.select_option("#f-kind", "headline")
    kinds = page.locator("#said tbody tr:visible td:nth-child(3)").all_inner_texts()
    assert kinds
    assert all(k.startswith("headline") for k in kinds)
    page.select_option("#f-kind", "")
    organisation = page.locator("#f-organisation option").nth(1).get_attribute("value")
    assert organisation
    page.select_option("#f-organisation", organisation)
    assert 0 < page.locator("#said tbody tr:visible").count() < total
    assert visit.errors == []


def test_who_said_is_readable_without_javascript(browser: Browser, built_site: Path) -> None:
    plain = Visit(browser, built_site, javascript=False)
    try:
        page = plain.open("who-said/index.html")
        assert not page.locator("#filters").is_visible()
        rows = page.locator("#said tbody tr")
        assert rows.count() > 0
        assert page.locator("#said tbody tr:visible").count() == rows.count()
    finally:
        plain.close()


def test_statement_links_to_its_highlighted_words_and_back(visit: Visit) -> None:
    page = visit.open(STATEMENT)
    statement_url = page.url
    quoted = page.locator(".citation blockquote mark").first.inner_text()
    page.locator(".citation a", has_text="characters").first.click()
    page.wait_for_url("**/article/**")
    anchor = page.url.split("#", 1)[1]
    assert anchor.startswith("span-")
    target = page.locator(":target")
    assert target.evaluate("node => node.tagName") == "MARK"
    assert target.inner_text() == quoted
    assert target.is_visible()
    page.locator(f'sup[data-for="{anchor}"] a[href*="bailey-cant-be-left-to-chance"]').click()
    page.wait_for_url(statement_url)
    assert page.locator("h1").inner_text().startswith("Simon Bailey")
    assert visit.errors == []
    assert visit.outside == []


def test_the_timeline_draws_a_mark_per_figure_that_leads_to_it(visit: Visit) -> None:
    """#13: the chart has one mark per figure in the browser too, and a mark is a link to the
    figure's page."""
    page = visit.open("timeline/index.html")
    marks = page.locator(".measure figure svg a")
    assert marks.count() == 20
    assert page.locator("figure").count() == page.locator("h2").count()
    box = marks.first.bounding_box()
    assert box is not None
    assert box["width"] > 0
    href = marks.first.get_attribute("xlink:href") or ""
    assert "/id/observation/" in href
    marks.first.click()
    page.wait_for_url("**/id/observation/**")
    assert page.locator("h1").count() == 1
    assert visit.errors == []
    assert visit.outside == []


def test_the_timeline_axis_has_a_mark_per_statement_and_event_that_leads_to_it(
    visit: Visit,
) -> None:
    """#13: the axis draws one mark for each dated report and event the tables under it list,
    each a link to the same page; an inferred date is a range, wider than a day; a statement's
    mark leads to its report on the statement's page."""
    page = visit.open("timeline/index.html")
    marks = page.locator("#axis svg a")
    drawn = marks.evaluate_all("links => links.map(a => a.getAttribute('xlink:href'))")
    listed = page.locator("#axis tbody tr").evaluate_all(
        "rows => rows.filter(r => r.cells[0].innerText !== 'no date given')"
        ".flatMap(r => [...r.querySelectorAll('a')].map(a => a.getAttribute('href')))"
        ".filter(href => /\\/id\\/(statement|event|document)\\//.test(href))"
    )
    assert drawn
    assert sorted(drawn) == sorted(listed)
    day = page.locator('[id="axis-statement-day"] a').first
    inferred = page.locator('[id="axis-statement-inferred"] a').first
    day_box, inferred_box = day.bounding_box(), inferred.bounding_box()
    assert day_box is not None
    assert inferred_box is not None
    assert 0 < day_box["width"] < inferred_box["width"]
    href = day.get_attribute("xlink:href") or ""
    assert "/id/statement/" in href
    assert "#part-report-" in href
    day.click()
    page.wait_for_url("**/id/statement/**")
    assert page.url.endswith("/index.html#" + href.split("#", 1)[1])
    assert page.locator(":target").count() == 1
    assert page.locator(":target").is_visible()
    assert page.locator("h1").count() == 1
    assert visit.errors == []
    assert visit.outside == []
