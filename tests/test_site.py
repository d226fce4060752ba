"""``cyberflag show`` and ``cyberflag site`` through click's CliRunner, on the real data.

What a reader relies on: every fact is shown in its article's words, the words a page marks are
exactly the source's, the links between a fact and its words work both ways, and a build is the
same bytes every time and replaces only what it wrote.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, URIRef

from cyberflag.cli import cli
from cyberflag.rdf.prefixes import PREFIXES
from cyberflag.site.article import marked
from cyberflag.site.build import MARKER
from cyberflag.site.context import fragment
from cyberflag.site.evidence import Span
from cyberflag.site.html import relative
from cyberflag.sparql.engines import default_engine

from conftest import FIXTURE_DATA, REPO, SHIPPED_DATA

CFD = PREFIXES["cfd"]
BAILEY = CFD + "person/simon-bailey"
STATEMENT = CFD + "statement/bailey-cant-be-left-to-chance"
ARTICLE_SLUG = "npcc-spike-in-cyber-child-sex-abuse"

REPORT_SPANS = """
PREFIX cf: <https://w3id.org/cyberflag/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?fact ?article ?file ?start ?end WHERE {
  ?fact cf:hasReport/oa:hasTarget ?span .
  ?span oa:hasSource ?article ; oa:hasSelector ?sel .
  ?sel oa:start ?start ; oa:end ?end .
  ?article cf:sourceFile ?file .
}"""


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def one_line_error(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("cyberflag: error: ")
    assert result.stderr.count("\n") == 1
    return result.stderr


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# --- show -----------------------------------------------------------------------------------------


def test_show_person_by_curie(runner: CliRunner) -> None:
    result = run(runner, "show", "cfd:person/simon-bailey")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Simon Bailey\n")
    assert "Person · cfd:person/simon-bailey" in out
    assert "Mr Bailey" in out  # an alias as written
    # the memberships pointing at him, by role and organisation rather than by IRI
    assert "lead for child protection, National Police Chiefs’ Council" in out
    assert "speaker of" in out


def test_show_statement_marks_each_reports_words_in_context(runner: CliRunner) -> None:
    result = run(runner, "show", STATEMENT, "--width", "100")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "In the articles:" in out
    assert "reporting verb: told" in out
    text = " ".join(out.split())
    # the sentence around the quote, with the quote's three segments marked (stdout is no TTY)
    assert "Mr Bailey told Police Professional: “[[This can’t be left to chance.]]" in text
    assert "“[[I know from my own force that we are engaging" in text
    assert "\x1b[" not in out
    assert all(max(map(len, line.split(" "))) <= 100 for line in out.splitlines() if line)


def test_show_observation_names_its_article_and_characters(runner: CliRunner) -> None:
    engine = default_engine()
    row = engine.select(REPORT_SPANS).dicts()[0]
    result = run(runner, "show", row["fact"].value)
    assert result.exit_code == 0, result.output
    assert f"characters {row['start'].value}-{row['end'].value}" in result.stdout


def test_show_on_a_terminal_uses_reverse_video() -> None:
    from cyberflag.site.evidence import Sources
    from cyberflag.site.graph import load_around
    from cyberflag.site.show import render

    graph = load_around(default_engine(), STATEMENT)
    text = render(graph, STATEMENT, Sources(None), 100, highlight=True)
    assert "\x1b[7mThis can’t be left to chance.\x1b[27m" in text
    assert "[[" not in text


def test_show_span_in_its_sentence(runner: CliRunner) -> None:
    result = run(runner, "show", f"cfd:span/{ARTICLE_SLUG}/1380-1409")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("“This can’t be left to chance.”\n")
    assert "Mr Bailey told Police Professional: “[[This can’t be left to chance.]]" in result.stdout


@pytest.mark.parametrize("name", ["cfd:person/nobody", "https://example.org/x", "nope:thing"])
def test_show_unknown_resource_is_one_line_exit_2(runner: CliRunner, name: str) -> None:
    assert name in one_line_error(run(runner, "show", name))


def test_show_help_lists_exit_codes(runner: CliRunner) -> None:
    result = run(runner, "show", "-h")
    assert result.exit_code == 0
    assert "2  usage or input error" in result.stdout


# --- site: files and links ------------------------------------------------------------------------


def test_site_writes_a_page_per_resource_with_its_descriptions(built_site: Path) -> None:
    folder = built_site / "id" / "person" / "simon-bailey"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="text/turtle" href="index.ttl">' in page
    assert '<link rel="alternate" type="application/ld+json" href="index.jsonld">' in page
    assert "<h2>Roles over time</h2>" in page
    assert "<h2>Statements (" in page
    turtle = Graph().parse(folder / "index.ttl", format="turtle")
    jsonld = Graph().parse(folder / "index.jsonld", format="json-ld")
    assert len(turtle) == len(jsonld) > 0
    assert set(turtle.subjects()) == {URIRef(BAILEY)}
    organisation = (built_site / "id" / "org" / "npcc" / "index.html").read_text("utf-8")
    assert "<h2>Members over time</h2>" in organisation
    assert 'href="../../person/simon-bailey/index.html">Simon Bailey</a>' in organisation
    for name in ("index.html", "who-said/index.html", "void.ttl", "assets/site.css", MARKER):
        assert (built_site / name).is_file(), name


def test_every_statement_and_observation_has_a_page(built_site: Path) -> None:
    facts = {row["fact"].value for row in default_engine().select(REPORT_SPANS).dicts()}
    assert facts
    for fact in facts:
        assert (built_site / "id" / fact[len(CFD):] / "index.html").is_file(), fact


def source_div(page: str) -> str:
    match = re.search(r'<div class="source"[^>]*>(.*?)</div>', page, re.S)
    assert match is not None
    return match.group(1)


def test_article_pages_show_the_body_exactly_with_every_report_marked(built_site: Path) -> None:
    manifest = json.loads((SHIPPED_DATA / "sources" / "manifest.json").read_text("utf-8"))
    rows = default_engine().select(REPORT_SPANS).dicts()
    for entry in manifest["sources"]:
        page = (built_site / "id" / "article" / entry["slug"] / "index.html").read_text("utf-8")
        body = source_div(page)
        text = (SHIPPED_DATA / "sources" / entry["file"]).read_text("utf-8")
        # the body, character for character, once the marks and fact numbers are taken out
        plain = html.unescape(re.sub(r"<sup[^>]*>.*?</sup>|<[^>]+>", "", body))
        assert plain == text[entry["body_start"]:entry["body_end"]]
        assert body.count("<mark") == body.count("</mark>")
        for row in rows:
            if row["file"].value == entry["file"]:
                start, end = int(row["start"].value), int(row["end"].value)
                anchor = f'<mark id="span-{start}-{end}">'
                assert anchor in body or anchor in page, (entry["slug"], start, end)


def test_a_fact_links_to_its_words_and_the_words_link_back(built_site: Path) -> None:
    page_path = built_site / "id" / "statement" / "bailey-cant-be-left-to-chance" / "index.html"
    page = page_path.read_text("utf-8")
    links = re.findall(rf'href="(\.\./\.\./article/{ARTICLE_SLUG}/index\.html#(span-\d+-\d+))"',
                       page)
    assert len({anchor for _, anchor in links}) == 3  # the quote's three segments
    article = (page_path.parent / links[0][0].split("#")[0]).resolve().read_text("utf-8")
    for _, anchor in links:
        assert f'<mark id="{anchor}">' in article
        sup = re.search(rf'<sup data-for="{anchor}">(.*?)</sup>', article)
        assert sup is not None
        assert 'href="../../statement/bailey-cant-be-left-to-chance/index.html"' in sup.group(1)


def test_who_said_page_has_a_row_per_report(built_site: Path, runner: CliRunner) -> None:
    rows = json.loads(run(runner, "who-said", "--format", "json").stdout)["results"]["bindings"]
    page = (built_site / "who-said" / "index.html").read_text("utf-8")
    assert page.count("<tr data-person=") == len(rows) > 0
    assert '<form id="filters" class="filters" hidden>' in page  # readable without JavaScript
    assert "<script src" not in page  # the filter is inline: nothing is fetched


def test_void_describes_the_dataset(built_site: Path) -> None:
    void = Graph().parse(built_site / "void.ttl", format="turtle")
    triples = int(default_engine().select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
                  .value)  # type: ignore[union-attr]
    found = list(void.objects(None, URIRef("http://rdfs.org/ns/void#triples")))
    assert [int(t) for t in found] == [triples]


def test_every_link_and_anchor_resolves(built_site: Path) -> None:
    """Every relative link of every page names a file of the site, and every #anchor an id of
    its page; no page has an id twice."""
    pages = sorted(built_site.rglob("*.html"))
    ids: dict[Path, set[str]] = {}
    for page in pages:
        found = re.findall(r' id="([^"]+)"', page.read_text("utf-8"))
        assert len(found) == len(set(found)), page
        ids[page.resolve()] = set(found)
    broken = []
    for page in pages:
        for href in re.findall(r'(?:href="|url=)([^"]+)"', page.read_text("utf-8")):
            if re.match(r"[a-z]+:", href):
                continue
            path, _, anchor = href.partition("#")
            target = (page.parent / unquote(path)).resolve() if path else page.resolve()
            if not target.is_file() or (
                anchor and target.suffix == ".html" and unquote(anchor) not in ids[target]
            ):
                broken.append(f"{page.relative_to(built_site)}: {href}")
    assert broken == []
    assert len(pages) > 100


def test_a_reports_iri_resolves_to_its_statements_page(built_site: Path) -> None:
    """A part (a statement's report) is described on its owner's page, and its own path sends
    the reader there, to the part's anchor."""
    report = built_site / "id" / "statement" / "bailey-cant-be-left-to-chance" / "report"
    pages = list(report.glob("*/index.html"))
    assert pages
    for page in pages:
        refresh = re.search(r'http-equiv="refresh" content="0; url=([^"#]+)#([^"]+)"',
                            page.read_text("utf-8"))
        assert refresh is not None
        owner = (page.parent / refresh.group(1)).resolve()
        assert owner == (report.parent / "index.html").resolve()
        assert f'<section id="{refresh.group(2)}">' in owner.read_text("utf-8")


def test_builds_in_other_processes_are_identical(built_site: Path, tmp_path: Path) -> None:
    """No order in the pages follows Python's per-process string hashing."""
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "cyberflag", "site", "-o", str(tmp_path / seed)],
            env=env, check=True, capture_output=True, cwd=REPO,
        )
        assert tree(tmp_path / seed) == tree(built_site), seed


def test_marks_nest_when_spans_overlap() -> None:
    text = "abcdefghij"
    spans = [Span("a", 1, 6, "x"), Span("a", 4, 9, "y"), Span("a", 2, 3, "z")]
    out = marked(text, 0, 10, spans, lambda s: f"[{s.iri}]")
    assert out == (
        'a<mark id="span-1-6">b<mark id="span-2-3">c</mark>[z]d<mark id="span-4-9">ef</mark>'
        '</mark>[x]<mark class="cont">ghi</mark>[y]j'
    )


def test_relative_links_are_what_relpath_gives() -> None:
    """Links are worked out from the path segments, without relpath's cost; the same paths."""
    pages = ["index.html", "who-said/index.html", "id/person/a/index.html",
             "id/statement/s/report/r/index.html", "id/person/index.html"]
    for here in pages:
        for target in [*pages, "assets/site.css", "id/person/a/index.html#part-b", "id/person"]:
            path, hash_mark, anchor = target.partition("#")
            expected = posixpath.relpath(path, posixpath.dirname(here) or ".") + hash_mark + anchor
            assert relative(here, target) == expected, (here, target)


# --- site: builds ---------------------------------------------------------------------------------


def test_two_builds_are_identical_and_replace_the_old_site(
    runner: CliRunner, built_site: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out"
    first = run(runner, "site", "-o", str(target))
    assert first.exit_code == 0, first.output
    assert re.fullmatch(r"cyberflag: wrote \d+ pages \(\d+ files, .+\) to .+ in .+ s\n",
                        first.stderr)
    (target / "stale.html").write_text("old", encoding="utf-8")
    second = run(runner, "site", "-o", str(target))
    assert second.exit_code == 0, second.output
    assert tree(target) == tree(built_site)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left behind


def test_engines_agree_on_pages_and_rdflib_keeps_the_datas_literals(
    runner: CliRunner, built_site: Path, tmp_path: Path
) -> None:
    """Both engines give the same pages to read. Oxigraph (the default, as for the CLI's
    queries) makes derived integer types canonical in the span pages' Turtle and JSON-LD; with
    ``--engine rdflib`` they are as the data writes them."""
    result = run(runner, "site", "-o", str(tmp_path / "rdflib"), "--engine", "rdflib")
    assert result.exit_code == 0, result.output
    ours, theirs = tree(built_site), tree(tmp_path / "rdflib")
    assert ours.keys() == theirs.keys()
    differ = {name for name in ours if ours[name] != theirs[name]}
    assert differ
    assert {name.split("/")[1] for name in differ} == {"span"}
    assert all(name.endswith((".ttl", ".jsonld")) for name in differ)
    span = sorted(differ)[0].removesuffix(".jsonld").removesuffix(".ttl") + ".ttl"
    assert "^^xsd:nonNegativeInteger" in theirs[span].decode("utf-8")
    assert "^^xsd:nonNegativeInteger" not in ours[span].decode("utf-8")


def test_site_refuses_a_folder_it_did_not_write(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    one_line_error(run(runner, "site", "-o", str(tmp_path)))
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    one_line_error(run(runner, "site", "-o", str(tmp_path / "notes.txt")))


def test_base_url(runner: CliRunner, tmp_path: Path) -> None:
    one_line_error(run(runner, "site", "-o", str(tmp_path / "a"), "--base-url", "ftp://x"))
    result = run(runner, "site", "-o", str(tmp_path / "b"), "--base-url", "https://example.org/cf")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "b" / "id" / "person" / "simon-bailey" / "index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://example.org/cf/id/person/simon-bailey/">' in page


def test_site_of_other_data_is_generic(runner: CliRunner, tmp_path: Path) -> None:
    """The invented fixture data set: nothing in the pages depends on the shipped articles."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    manifest = data / "sources" / "manifest.json"  # the fixture's is an older, bare list
    entries = json.loads(manifest.read_text("utf-8"))
    if isinstance(entries, list):
        manifest.write_text(json.dumps({"sources": entries}), encoding="utf-8")
    result = run(runner, "site", "-o", str(tmp_path / "site"), "--data", str(data))
    assert result.exit_code == 0, result.output
    articles = list((tmp_path / "site" / "id" / "article").glob("*/index.html"))
    assert articles
    for article in articles:
        assert "<mark id=" in article.read_text("utf-8")


def test_the_timeline_has_one_linked_mark_per_figure(built_site: Path, runner: CliRunner) -> None:
    """#13: each figure with a period and an area is one mark on its measure's chart, linked to
    the figure's page; a bound ("more than") is drawn as a bound, not a point."""
    page = (built_site / "timeline" / "index.html").read_text("utf-8")
    result = runner.invoke(cli, ["query", "statistics-timeline", "--format", "json"])
    rows = json.loads(result.output)["results"]["bindings"]
    observations = {r["observation"]["value"] for r in rows}
    measures = re.findall(r'<section class="measure">.*?</section>', page, re.DOTALL)
    marks = [m for section in measures for m in re.findall(r'<a xlink:href="([^"]+)"', section)]
    assert len(marks) == len(observations) == 20
    linked = {(built_site / "timeline" / unquote(m)).resolve() for m in marks}
    assert linked == {(built_site / "id" / o.split("/id/", 1)[1] / "index.html").resolve()
                      for o in observations}
    assert len(measures) == len({r["measureLabel"]["value"] for r in rows})
    assert all(section.count("<figure>") == 1 for section in measures)
    assert "more than 37000 offences" in page  # the table says the bound in words
    assert page.count('id="chart1-figure_1"') == 1


AXIS_MARK = re.compile(
    r'<a xlink:href="([^"]+)">(?:<title>[^<]*</title>)?\s*'
    r'(?:<path d="([^"]+)"|<use xlink:href="#([^"]+)" x="([-\d.]+)")'
)


def axis_marks(page: str) -> dict[str, tuple[str, float, float]]:
    """The axis chart's linked marks: each link → its group (kind and style), left and right.
    A mark is its own path, or a path defined once and used at an offset (matplotlib's SVG
    writer chooses)."""
    svg = page[page.index('<section id="axis">'):]
    svg = svg[:svg.index("</svg>")]
    defined = dict(re.findall(r'<path id="([^"]+)" d="([^"]+)"', svg))
    found: dict[str, tuple[str, float, float]] = {}
    groups = list(re.finditer(r'<g id="axis-([^"]+)">', svg))
    for here, after in zip(groups, [*groups[1:], None], strict=True):
        group = here[1]
        inner = svg[here.end():after.start() if after else len(svg)]
        for href, path, used, offset in AXIS_MARK.findall(inner):
            shift = float(offset) if used else 0.0
            xs = [float(x) + shift
                  for x in re.findall(r"[ML] (-?[\d.]+) ", defined[used] if used else path)]
            assert href not in found, href
            found[href] = (group, min(xs), max(xs))
    return found


def test_the_timeline_sets_statements_and_events_on_the_figures_axis(
    built_site: Path, runner: CliRunner
) -> None:
    """#13: every report of a statement and every dated event or document of the saved query
    `timeline` is one mark on the axis the figures' periods are drawn on, linked to its page (a
    report to its place on its statement's page); a day is drawn at its day, a range (an
    inferred date, a month) across the days it allows; the tables say the same in words."""
    page = (built_site / "timeline" / "index.html").read_text("utf-8")
    result = runner.invoke(cli, ["query", "timeline", "--format", "json"])
    rows = [{k: v["value"] for k, v in row.items()}
            for row in json.loads(result.output)["results"]["bindings"]]
    dated = [r for r in rows if r["type"] != "statistic" and ("from" in r or "to" in r)]
    reports = {r["report"]: r for r in dated if r["type"] == "statement"}
    events = {r["item"]: r for r in dated if r["type"] != "statement"}
    assert reports
    assert events
    marks = axis_marks(page)
    assert len(marks) == len(reports) + len(events)

    def page_of(iri: str) -> Path:
        return (built_site / "id" / iri.split("/id/", 1)[1] / "index.html").resolve()

    expected = {(page_of(r["item"]), fragment(report, r["item"])): r
                for report, r in reports.items()}
    expected.update({(page_of(item), ""): r for item, r in events.items()})
    drawn: dict[tuple[Path, str], tuple[str, float, float]] = {}
    for href, mark in marks.items():
        path, _, anchor = unquote(href).partition("#")
        target = (built_site / "timeline" / path).resolve()
        assert target.is_file(), href
        assert not anchor or f'id="{anchor}"' in target.read_text("utf-8"), href
        drawn[(target, anchor)] = mark
    assert drawn.keys() == expected.keys()

    # Where each mark lies: the day marks give the scale; a range spans its days.
    def day(text: str) -> float:
        return float(date.fromisoformat(text).toordinal())

    days = sorted(((day(expected[k]["from"]), (left + right) / 2, right - left)
                   for k, (group, left, right) in drawn.items() if group.endswith("-day")))
    (first, x0, width), (last, x1, _) = days[0], days[-1]
    assert last > first
    scale = (x1 - x0) / (last - first)

    def x(value: float) -> float:
        return x0 + (value - first) * scale

    for key, (group, left, right) in drawn.items():
        row = expected[key]
        style = "range" if row.get("from") != row.get("to") else "day"
        if row.get("datePrecision") == "inferred":
            style = "inferred"
        assert group == f"{row['type']}-{style}"
        if group.endswith("-day"):
            assert (left + right) / 2 == pytest.approx(x(day(row["from"])), abs=0.05)
            assert right - left == pytest.approx(width, abs=0.05)
        else:
            assert right == pytest.approx(max(x(day(row["to"]) + 1), left + width), abs=0.05)
            if "from" in row:
                assert left == pytest.approx(x(day(row["from"])), abs=0.05)
    assert any(g.endswith("-inferred") for g, _, _ in drawn.values())

    # The same in words: every mark's link is in the tables under the chart.
    words = page[page.index("</svg>", page.index('<section id="axis">')):]
    words = words[:words.index("</section>")]
    assert set(marks) <= set(re.findall(r'<a href="([^"]+)"', words))
    items = {r["item"] for r in rows if r["type"] in ("event", "document")}
    periods = {(r.get("from"), r.get("to")) for r in rows if r["type"] == "statistic"}
    said = {r["report"] for r in rows if r["type"] == "statement"}
    assert words.count("<tr><td>") == len(items) + len(periods) + len(said)
    assert page.count('id="axis-figure_1"') == 1


def test_the_conflicts_page_sets_each_conflict_side_by_side(built_site: Path,
                                                          runner: CliRunner) -> None:
    """#13: each conflict `cyberflag conflicts` lists, its sides with the articles' words
    marked and linked, and the curators' explanation."""
    page = (built_site / "conflicts" / "index.html").read_text("utf-8")
    listed = json.loads(runner.invoke(cli, ["conflicts", "--format", "json"]).output)["findings"]
    conflicts = [f for f in listed if f["layer"] == "consistency" and f["severity"] != "info"]
    assert len(conflicts) == 1
    assert page.count('<section id="conflict-') == len(conflicts)
    assert page.count('<div class="side">') == 2
    assert "3,903 sexual offences against children were ‘cyber-flagged’" in html.unescape(page)
    assert "<mark>More than 3,000 sex crimes involving the Internet" in html.unescape(page)
    assert "Explained by the curators." in page
    assert "Two different periods, not two counts of one period." in page
