"""The site as ``serve`` answers it (``site/serving``), without a server: the built pages at
their paths, content negotiation, the saved queries' forms run on the real embedded engine, and
what a bad request gets. The same app behind the real front and Oxigraph server is tested in
tests/test_serve.py, and in Chromium in tests/test_serve_browser.py."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyberflag.cli import cli
from cyberflag.queries import catalogue
from cyberflag.rdf.prefixes import PREFIXES
from cyberflag.server.routes import Answer, Incoming
from cyberflag.server.serve import without_header
from cyberflag.site.build import context
from cyberflag.site.serving import SiteApp, wants_rdf
from cyberflag.sparql.engines import OxigraphEngine

BAILEY = "https://w3id.org/cyberflag/id/person/simon-bailey"


@pytest.fixture(scope="module")
def app(built_site: Path) -> SiteApp:
    engine = OxigraphEngine()
    return SiteApp(built_site, context(engine, None), catalogue.all_queries(), engine)


def get(app: SiteApp, path: str, query: str = "", accept: str = "") -> Answer:
    answer = app(Incoming("GET", path, query, "", lambda: b"", accept))
    assert answer is not None, path
    return answer


def text(answer: Answer) -> str:
    return answer.body.decode("utf-8")


def test_pages_are_the_built_files(app: SiteApp, built_site: Path) -> None:
    home = get(app, "/")
    assert (home.status, home.content_type) == (200, "text/html; charset=utf-8")
    assert home.body == (built_site / "index.html").read_bytes()
    page = get(app, "/id/person/simon-bailey/")
    assert page.body == (built_site / "id/person/simon-bailey/index.html").read_bytes()
    assert get(app, "/assets/site.css").content_type.startswith("text/css")


def test_a_folder_without_its_slash_is_redirected(app: SiteApp) -> None:
    moved = get(app, "/id/person/simon-bailey")
    assert moved.status == 301
    assert moved.headers["Location"] == "/id/person/simon-bailey/"


@pytest.mark.parametrize(("accept", "file"), [
    ("text/turtle", "index.ttl"),
    ("application/ld+json", "index.jsonld"),
    ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "index.html"),
    ("text/turtle;q=0.5, text/html", "index.html"),
    ("text/html;q=0.4, text/turtle", "index.ttl"),
    ("", "index.html"),
])
def test_an_iri_answers_rdf_when_asked(
    app: SiteApp, built_site: Path, accept: str, file: str
) -> None:
    answer = get(app, "/id/person/simon-bailey/", accept=accept)
    assert answer.body == (built_site / "id/person/simon-bailey" / file).read_bytes()
    assert answer.headers["Vary"] == "Accept"


def test_the_preferred_rdf_is_read_with_its_weights() -> None:
    assert wants_rdf("application/ld+json;q=0.9, text/turtle") == "index.ttl"
    assert wants_rdf("text/turtle;q=x") is None  # a weight that is not a number counts as 0


@pytest.mark.parametrize("path", [
    "/../etc/passwd", "/id/%2e%2e/%2e%2e/etc/passwd", "/nothing-here/", "/id/person/nobody/",
    "/id/person/simon-bailey/index.ttl/x",
])
def test_what_the_site_does_not_hold_goes_on_to_the_routes(app: SiteApp, path: str) -> None:
    assert app(Incoming("GET", path, "", "", lambda: b"")) is None


def test_the_catalogue_links_a_form_per_saved_query(app: SiteApp) -> None:
    page = text(get(app, "/queries/"))
    linked = re.findall(r'<li><a href="([^"]+)/index.html">([^<]+)</a>', page)
    assert [name for _, name in linked] == catalogue.names()
    assert all(href == name for href, name in linked)


def test_the_sites_own_links_reach_the_live_forms(app: SiteApp) -> None:
    assert get(app, "/queries/index.html").body == get(app, "/queries/").body
    live = text(get(app, "/queries/people/index.html"))
    assert '<button type="submit" name="run" value="1">Run</button>' in live
    assert "<fieldset disabled>" not in live


def test_every_parameter_has_a_labelled_field(app: SiteApp) -> None:
    for query in catalogue.all_queries():
        page = text(get(app, f"/queries/{query.name}/"))
        for param in query.params:
            assert f'name="{param.name}"' in page, (query.name, param.name)
            if param.enum is not None and param.multiple:
                boxes = re.findall(rf'type="checkbox" name="{param.name}" value="([^"]+)"', page)
                assert tuple(boxes) == param.enum
            else:
                assert f'<label for="p-{param.name}">' in page
            if param.type == "date":
                assert re.search(rf'id="p-{param.name}"[^>]*pattern=', page)


def rows_of(page: str) -> list[list[str]]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in body.split("<tr>")[1:]]


def test_the_form_runs_who_said_what_for_bailey(app: SiteApp, built_site: Path) -> None:
    answer = get(app, "/queries/who-said-what/", "person=Bailey&organisation=&run=1")
    assert answer.status == 200
    page = text(answer)
    expected = CliRunner().invoke(cli, ["who-said", "--person", "Bailey", "--format", "json"])
    bindings = json.loads(expected.stdout)["results"]["bindings"]
    rows = rows_of(page)
    assert len(rows) == len(bindings) > 0
    assert f"<h2 id=\"answer\">{len(bindings)} rows</h2>" in page
    assert 'value="Bailey"' in page  # the form keeps what was asked
    speakers = set(re.findall(r'<a href="([^"]+)">Simon Bailey</a>', page))
    assert speakers == {"../../id/person/simon-bailey/index.html"}
    assert (built_site / "id/person/simon-bailey/index.html").is_file()
    table = page.split("<tbody>", 1)[1]
    assert "^^" not in table
    assert "XMLSchema" not in table
    assert "<td>2017-06-01</td>" in table
    for link in set(re.findall(r'href="(\.\./\.\./id/[^"#]+)', page)):
        assert (built_site / "queries/who-said-what" / html.unescape(link)).resolve().is_file()


def test_the_downloads_hold_the_exact_rows(app: SiteApp) -> None:
    answer = get(app, "/queries/who-said-what/results.csv", "person=Bailey")
    assert answer.headers["Content-Disposition"] == 'attachment; filename="who-said-what.csv"'
    cli_csv = CliRunner().invoke(
        cli, ["query", "who-said-what", "-p", "person", "Bailey", "--format", "csv"]
    )
    assert list(csv.reader(io.StringIO(text(answer)))) == list(
        csv.reader(io.StringIO(cli_csv.stdout))
    )
    assert list(csv.reader(io.StringIO(text(answer))))[1][5] == BAILEY
    data = json.loads(text(get(app, "/queries/who-said-what/results.json", "person=Bailey")))
    assert len(data["results"]["bindings"]) == len(text(answer).splitlines()) - 1


@pytest.mark.parametrize(("query", "message"), [
    ("since=last+spring&run=1", "&#x27;since&#x27;: &#x27;last spring&#x27; is not a date"),
    ("persons=Bailey", "has no parameter &#x27;persons&#x27;"),
    ("kind=rumour", "&#x27;rumour&#x27; is not one of direct"),
])
def test_a_bad_parameter_is_one_clear_message(app: SiteApp, query: str, message: str) -> None:
    answer = get(app, "/queries/who-said-what/", query)
    assert answer.status == 400
    assert message in text(answer)
    assert "<tbody>" not in text(answer)
    download = get(app, "/queries/who-said-what/results.csv", query)
    assert download.status == 400
    assert download.body.count(b"\n") == 1


def test_an_unknown_query_names_the_known_ones(app: SiteApp) -> None:
    answer = get(app, "/queries/who-said/")
    assert answer.status == 404
    assert "who-said-what" in text(answer)
    assert get(app, "/queries/who-said-what").headers["Location"] == "/queries/who-said-what/"


def test_the_console_has_the_prefixes_and_the_saved_queries(app: SiteApp) -> None:
    page = text(get(app, "/console/"))
    data = json.loads(re.search(
        r'<script type="application/json" id="console-data">(.*?)</script>', page, re.S
    ).group(1))  # type: ignore[union-attr]
    assert sorted(data["queries"]) == catalogue.names()
    for name, query_text in data["queries"].items():
        assert query_text == without_header(catalogue.load(name).bind({}))
    for prefix, namespace in PREFIXES.items():
        assert f"PREFIX {prefix}: <{namespace}>" in data["prologue"]
    assert '<script src="/yasgui.min.js">' in page


CUSTOM = """\
#+ summary: Statements of one kind, at most N
#+ params:
#+   - name: kind
#+     type: string
#+     required: true
#+     enum: [direct, partial]
#+     default: direct
#+     description: The kind.
#+   - name: limit
#+     type: integer
#+     default: "3"
#+     description: How many.
#+   - name: share
#+     type: decimal
#+     description: A share.
PREFIX cf: <https://w3id.org/cyberflag/ontology#>
SELECT ?statement ?kind WHERE {
  ?statement cf:statementKind ?k .
  BIND(STRAFTER(STR(?k), "#") AS ?kind)
  FILTER(STRSTARTS(LCASE(?kind), ?_kind))
  FILTER(!BOUND(?_limit) || ?_limit > 0)
  FILTER(!BOUND(?_share) || ?_share >= 0)
} ORDER BY ?statement
"""


def test_a_header_gives_defaults_single_choices_and_number_fields(tmp_path: Path) -> None:
    (tmp_path / "kinds.rq").write_text(CUSTOM, encoding="utf-8")
    engine = OxigraphEngine()
    custom = SiteApp(None, None, catalogue.all_queries(tmp_path), engine)
    page = text(get(custom, "/queries/kinds/"))
    assert '<select id="p-kind" name="kind"' in page
    assert "<option selected>direct</option><option>partial</option>" in page
    assert "(any)" not in page  # required: no empty choice
    assert re.search(r'id="p-limit" name="limit" type="number" value="3" step="1"', page)
    assert re.search(r'id="p-share" name="share" type="number" value="" step="any"', page)
    ran = text(get(custom, "/queries/kinds/", "kind=partial&limit=3&run=1"))
    partial = engine.select(catalogue.load("kinds", tmp_path).bind({"kind": ["partial"]})).rows
    assert len(rows_of(ran)) == len(partial) > 0
    assert "<option selected>partial</option>" in ran
    assert get(custom, "/queries/kinds/", "share=a+lot&run=1").status == 400
    assert custom(Incoming("GET", "/", "", "", lambda: b"")) is None  # no site: / is the engine's
