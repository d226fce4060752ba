"""``cyberflag serve`` in a real browser: headless Chromium (Debian's, driven by Playwright) over
a real ``serve`` of the shipped data, never mocked. Every request a page makes is recorded; any
that leaves the server fails the test, and so does any console error. A missing browser fails
the tests, it does not skip them (``.ci/run`` installs Chromium)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser

from cyberflag.cli import cli
from cyberflag.queries import catalogue
from cyberflag.sparql.engines import OxigraphEngine
from test_serve import Served, start_serve
from test_site_browser import Visit

from conftest import free_port


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One ``serve`` of the shipped data (its site, forms and console) for the module."""
    server = start_serve(tmp_path_factory.mktemp("serve"), "--port", str(free_port()))
    try:
        yield server
    finally:
        server.process.terminate()
        server.process.wait(timeout=20)


@pytest.fixture
def tab(browser: Browser, served: Served) -> Iterator[Visit]:
    opened = Visit(browser, served.url)
    yield opened
    assert opened.errors == []
    assert opened.outside == []
    opened.close()


def test_the_who_said_what_form_runs_for_bailey(tab: Visit) -> None:
    said = CliRunner().invoke(cli, ["who-said", "--person", "Bailey", "--format", "json"])
    expected = json.loads(said.stdout)["results"]["bindings"]
    page = tab.open("/")
    page.get_by_role("link", name="Saved queries").click()
    page.get_by_role("link", name="who-said-what").click()
    page.fill("#p-person", "Bailey")
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("#answer")
    assert "person=Bailey" in page.url
    assert page.locator(".answer tbody tr").count() == len(expected) > 0
    assert page.locator("#answer").inner_text() == f"{len(expected)} rows"
    assert page.input_value("#p-person") == "Bailey"
    page.locator(".answer tbody").get_by_role("link", name="Simon Bailey").first.click()
    page.wait_for_load_state()
    assert page.url == tab.base + "/id/person/simon-bailey/index.html"
    assert "Simon Bailey" in page.locator("h1").inner_text()


def test_a_kind_ticked_narrows_the_rows(tab: Visit) -> None:
    page = tab.open("/queries/who-said-what/")
    page.fill("#p-person", "Bailey")
    page.check("input[name=kind][value=direct]")
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("#answer")
    header = page.locator(".answer thead th").all_inner_texts()
    column = header.index("kind")
    kinds = [row.locator("td").nth(column).inner_text()
             for row in page.locator(".answer tbody tr").all()]
    assert kinds == ["direct"]


def test_the_console_runs_a_saved_query_and_fetches_nothing_elsewhere(tab: Visit) -> None:
    page = tab.open("/console/")
    page.select_option("#saved", "people")
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    summary = page.locator(".tabPanel.active .yasr_response_chip")
    summary.wait_for()
    rows = len(OxigraphEngine().select(catalogue.load("people").bind({})).rows)
    assert summary.inner_text().startswith(f"{rows} results")
    editor = page.locator(".tabPanel.active .CodeMirror").inner_text()
    assert "SELECT DISTINCT ?person" in editor


def test_a_forms_answer_opens_in_the_console(tab: Visit) -> None:
    page = tab.open("/queries/people/?run=1")
    page.get_by_role("link", name="Open in the SPARQL console").click()
    page.locator(".tabPanel.active .CodeMirror").wait_for()
    assert "SELECT DISTINCT ?person" in page.locator(".tabPanel.active .CodeMirror").inner_text()


def test_the_served_pages_need_no_file_paths(tab: Visit, served: Served) -> None:
    page = tab.open("/id/person/simon-bailey/")
    assert "Simon Bailey" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Who said what").click()
    assert page.url == served.url + "/who-said/index.html"
    assert Path(page.url).name == "index.html"
