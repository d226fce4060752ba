"""`cyberflag add`: a new article's text in, its source, manifest entry and drafts out (#12).

The article under tests/articles/ is invented for the tests, in the genre of the five sources but
with new names (a charity, a police force, its officers), so that the drafting rules are tried
on words they were not written against.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import DCTERMS, PROV, RDF, SKOS, XSD, Graph, Literal, URIRef

from cyberflag.cli import cli
from cyberflag.rdf.namespaces import CF, CFD, OA, ORG, SCHEMA

ARTICLES = Path(__file__).resolve().parent / "articles"
HARBOUR = ARTICLES / "harbour-police-online-grooming.txt"
HARBOUR_SLUG = "charity-warns-of-alarming-rise-in-online-grooming-crimes"


@pytest.fixture
def data(shipped_copy: Path) -> Path:
    return shipped_copy


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def add(runner: CliRunner, data: Path, *args: str, input: bytes | None = None) -> object:
    return runner.invoke(cli, ["add", *args, "--data", str(data)], input=input)


def statements(graph: Graph) -> list[tuple[str, str, str | None, list[str]]]:
    """(speaker, kind, verb, segments' words) for each statement, in text order."""
    rows = []
    for node in graph.subjects(CF.statementKind, None):
        report = graph.value(node, CF.hasReport)
        spans = sorted(
            graph.objects(report, OA.hasTarget),
            key=lambda s: int(str(s).rsplit("/", 1)[1].split("-")[0]),
        )
        verb = graph.value(report, CF.reportingVerb)
        rows.append(
            (
                str(graph.value(node, CF.speaker)).rsplit("/", 1)[1],
                str(graph.value(node, CF.statementKind)).rsplit("#", 1)[1],
                str(verb) if verb is not None else None,
                [str(graph.value(URIRef(f"{s}/quote"), OA.exact)) for s in spans],
                int(str(spans[0]).rsplit("/", 1)[1].split("-")[0]),
            )
        )
    return [row[:4] for row in sorted(rows, key=lambda r: r[4])]


def test_add_writes_the_source_its_manifest_entry_and_the_drafts(
    runner: CliRunner, data: Path
) -> None:
    result = add(runner, data, str(HARBOUR))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"added {HARBOUR_SLUG}: body 68-1168; 8 statements, 2 figures and 2 asks drafted"
    )
    source = data / "sources" / f"{HARBOUR_SLUG}.txt"
    assert source.read_bytes() == HARBOUR.read_bytes()
    entry = json.loads((data / "sources" / "manifest.json").read_text(encoding="utf-8"))["sources"][
        -1
    ]
    assert entry["sha256"] == hashlib.sha256(HARBOUR.read_bytes()).hexdigest()
    assert (entry["slug"], entry["body_start"], entry["body_end"]) == (HARBOUR_SLUG, 68, 1168)
    text = HARBOUR.read_text(encoding="utf-8")
    assert text[68:1168].startswith("12 March 2021")
    assert text[68:1168].endswith("to the police.")

    graph = Graph().parse(data / "articles" / f"{HARBOUR_SLUG}.ttl")
    article = CFD[f"article/{HARBOUR_SLUG}"]
    assert graph.value(article, SCHEMA.datePublished) == Literal("2021-03-12", datatype=XSD.date)
    assert (
        str(graph.value(article, SCHEMA.headline))
        == "Charity warns of ‘alarming’ rise in online grooming crimes"
    )
    assert graph.value(article, SCHEMA.publisher) == CFD["org/harbourside-gazette"]
    assert statements(graph) == [
        (
            "harbourside-gazette",
            "HeadlineClaim",
            None,
            ["Charity warns of ‘alarming’ rise in online grooming crimes"],
        ),
        (
            "safe-horizons",
            "ReportedSpeech",
            "has revealed",
            [
                "Police in Wessex recorded more than 1,200 online grooming offences against"
                " children last year"
            ],
        ),
        (
            "helen-marsh",
            "DirectQuote",
            "said",
            [
                "These numbers are a stark warning that offenders are moving online faster"
                " than the services meant to stop them.",
                "Every one of these offences is a child who was targeted, and we must not"
                " look away.",
            ],
        ),
        (
            "helen-marsh",
            "ReportedSpeech",
            "also called on",
            ["ministers to fund specialist officers in every force"],
        ),
        (
            "tom-reyes",
            "PartialQuote",
            "said",
            ["the force was “determined to bring offenders to justice” wherever they operate"],
        ),
        (
            "tom-reyes",
            "ReportedSpeech",
            "added",
            ["officers had received new training in the past year"],
        ),
        (
            "tom-reyes",
            "DirectQuote",
            "said",
            ["We are working with schools and parents so that children know where to turn"],
        ),
        (
            "safe-horizons",
            "ReportedSpeech",
            "is calling for",
            ["a duty on technology companies to report grooming attempts to the police"],
        ),
    ]
    figures = {
        (
            int(graph.value(o, CF.value)),
            str(graph.value(o, CF.comparator)).rsplit("#")[1],
            str(graph.value(o, CF.unit)).rsplit("/")[-1],
        )
        for o in graph.subjects(CF.value, None)
    }
    assert figures == {(1200, "MoreThan", "offences"), (23, "Exactly", "percent")}
    people = {str(graph.value(p, SCHEMA.name)) for p in graph.subjects(RDF.type, SCHEMA.Person)}
    assert people == {"Helen Marsh", "Tom Reyes"}
    # "Dr Helen Marsh, chief executive of Safe Horizons": a new membership, a draft, in a role
    # the graph knows; Tom Reyes's force is named nowhere the graph knows, so no role is drafted
    membership = CFD["membership/helen-marsh/safe-horizons/chief-executive"]
    assert (membership, ORG.role, CFD["role/chief-executive"]) in graph
    assert (membership, CF.curationStatus, CF.Draft) in graph
    evidence = graph.value(membership, CF.evidence)
    assert str(graph.value(URIRef(f"{evidence}/quote"), OA.exact)) == (
        "Dr Helen Marsh, chief executive of Safe Horizons")
    assert not list(graph.subjects(ORG.member, CFD["person/tom-reyes"]))
    # "The figures, obtained through a Freedom of Information request to 4 police forces, show a
    # 23 per cent rise": the source and coverage as written
    rise = next(o for o in graph.subjects(CF.value, None) if int(graph.value(o, CF.value)) == 23)
    assert str(graph.value(rise, CF.coverage)) == "4 police forces"
    source = graph.value(rise, CF.statisticalSource)
    assert str(graph.value(source, DCTERMS.title)) == "Freedom of Information request"
    assert graph.value(source, CF.sourceKind) == CFD["source-kind/foi-request"]
    assert (source, CF.curationStatus, CF.Draft) in graph


def test_every_drafted_fact_says_it_is_a_draft_with_its_rule_and_confidence(
    runner: CliRunner, data: Path
) -> None:
    assert add(runner, data, str(HARBOUR)).exit_code == 0
    graph = Graph().parse(data / "articles" / f"{HARBOUR_SLUG}.ttl")
    facts = set(graph.subjects(CF.statementKind, None)) | set(graph.subjects(CF.value, None))
    assert len(facts) == 10
    for node in facts:
        assert graph.value(node, CF.curationStatus) == CF.Draft, node
        assert str(graph.value(node, CF.draftRule)), node
        assert 0 < float(graph.value(node, CF.confidence)) <= 1, node


def test_validate_passes_on_a_fresh_draft(runner: CliRunner, data: Path) -> None:
    assert add(runner, data, str(HARBOUR)).exit_code == 0
    result = runner.invoke(cli, ["validate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "OK: 0 errors, 0 warnings" in result.output
    # rule 15: drafts are counted and listed, never errors
    assert "\ndrafts: 19 awaiting review (cyberflag review lists them)\n" in result.output
    assert f"\n  articles/{HARBOUR_SLUG}.ttl  19\n" in result.output
    as_json = runner.invoke(cli, ["validate", "--data", str(data), "--format", "json"])
    assert json.loads(as_json.output)["drafts"] == {f"articles/{HARBOUR_SLUG}.ttl": 19}


def test_known_people_are_matched_by_name_and_alias(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "Charity renews call for regulation\n\n3 May 2021\n\n"
        "NSPCC chief executive Peter Wanless said the new figures were “a wake-up call”"
        " for the industry.\n\n"
        "Mr Wanless added that regulation could not wait another year.\n\n"
        "Cllr Roy Perry said: “Councils will keep working with schools on online safety.”\n",
        encoding="utf-8",
    )
    result = add(runner, data, str(page), "--publisher", "Test Weekly")
    assert result.exit_code == 0, result.output
    graph = Graph().parse(next((data / "articles").glob("charity-renews-call*.ttl")))
    assert [row[:3] for row in statements(graph)] == [
        ("test-weekly", "HeadlineClaim", None),  # "Charity renews call for …" credits someone
        ("peter-wanless", "PartialQuote", "said"),
        ("peter-wanless", "ReportedSpeech", "added"),
        ("roy-perry", "DirectQuote", "said"),
    ]
    assert not set(graph.subjects(None, SCHEMA.Person))  # nobody new
    # the role stated is evidence of the membership entities.ttl describes, added there
    entities = Graph().parse(data / "entities.ttl")
    wanless = CFD["membership/peter-wanless/nspcc/chief-executive"]
    added = [e for e in entities.objects(wanless, CF.evidence) if "/charity-renews-call" in str(e)]
    assert len(added) == 1
    assert runner.invoke(cli, ["validate", "--data", str(data)]).exit_code == 0


def test_standard_input_and_an_explicit_slug(runner: CliRunner, data: Path) -> None:
    result = add(runner, data, "-", "--slug", "harbour", input=HARBOUR.read_bytes())
    assert result.exit_code == 0, result.output
    assert (data / "sources" / "harbour.txt").read_bytes() == HARBOUR.read_bytes()
    assert (data / "articles" / "harbour.ttl").is_file()


def test_the_same_text_gives_the_same_bytes(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(data, other)
    assert add(runner, data, str(HARBOUR)).exit_code == 0
    assert add(runner, other, str(HARBOUR)).exit_code == 0
    assert snapshot(data) == snapshot(other)


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"", (), "the file is empty"),
        (b"  \n\n", (), "the file is empty"),
        (b"Home\nNews\nSport\nContact us\n", (), "no recognisable article body"),
        (None, ("--slug", "council-leaders-warn-online-child-abuse"), "already in use"),
        (None, ("--slug", "Bad Slug"), "lower-case letters"),
        (None, ("--body-start", "words that are not there"), "does not occur"),
        (b"\xff\xfe not utf-8 text at all, really, not at all.", (), "not UTF-8"),
    ],
)
def test_refusals_write_nothing(
    runner: CliRunner,
    data: Path,
    tmp_path: Path,
    content: bytes | None,
    args: tuple[str, ...],
    message: str,
) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(HARBOUR.read_bytes() if content is None else content)
    before = snapshot(data)
    result = add(runner, data, str(page), *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert snapshot(data) == before


def test_a_text_already_in_the_graph_is_refused(runner: CliRunner, data: Path) -> None:
    assert add(runner, data, str(HARBOUR)).exit_code == 0
    before = snapshot(data)
    result = add(runner, data, str(HARBOUR), "--slug", "again")
    assert result.exit_code == 2
    assert f"already in the graph, as '{HARBOUR_SLUG}'" in result.output
    assert snapshot(data) == before
    shipped = data / "sources" / "council-leaders-warn-online-child-abuse.txt"
    assert "already in the graph" in add(runner, data, str(shipped), "--slug", "x").output


def test_a_missing_file_is_one_line(runner: CliRunner, data: Path) -> None:
    result = add(runner, data, str(data / "nope.txt"))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "nope.txt" in result.output


def test_a_saved_html_page_is_read_for_its_main_text_and_metadata(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    paragraphs = HARBOUR.read_text(encoding="utf-8").split("\n\n")[4:-3]
    html = (
        "<!DOCTYPE html><html><head><title>Charity warns of rise in online grooming crimes</title>"
        '<meta property="og:site_name" content="Harbourside Gazette">'
        '<meta property="article:published_time" content="2021-03-12">'
        '<link rel="canonical" href="https://gazette.example/news/grooming"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav><article>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article><aside><h3>Most read</h3><p>Council budget approved</p></aside>"
        "<footer>Copyright © 2021 Harbourside Gazette</footer></body></html>"
    )
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    result = add(runner, data, str(page), "--slug", "harbour-html")
    assert result.exit_code == 0, result.output
    text = (data / "sources" / "harbour-html.txt").read_text(encoding="utf-8")
    assert "Dr Helen Marsh, chief executive of Safe Horizons" in text
    assert "Most read" not in text
    assert "Sport" not in text
    assert (data / "sources" / "harbour-html.html").read_text(encoding="utf-8") == html
    graph = Graph().parse(data / "articles" / "harbour-html.ttl")
    article = CFD["article/harbour-html"]
    assert str(graph.value(article, SCHEMA.datePublished)) == "2021-03-12"
    assert str(graph.value(article, SCHEMA.url)) == "https://gazette.example/news/grooming"
    assert ("helen-marsh", "DirectQuote", "said") in [s[:3] for s in statements(graph)]
    assert runner.invoke(cli, ["validate", "--data", str(data)]).exit_code == 0


def test_the_readme_adding_transcript(
    runner: CliRunner, shipped_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README's "Adding an article" transcript is true, run in a folder with a copy of the data
    (`cp -r data mydata`) and the test article; `| head -N` and `| tail -N` applied here."""
    import re
    import shlex

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Adding an article\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block is not None
    lines = block.group(1).splitlines()
    assert lines[0] == "$ cp -r data mydata"
    shutil.copytree(shipped_data, tmp_path / "mydata")
    (tmp_path / "tests" / "articles").mkdir(parents=True)
    shutil.copy(HARBOUR, tmp_path / "tests" / "articles" / HARBOUR.name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COLUMNS", raising=False)
    commands: list[tuple[str, list[str]]] = []
    for line in lines[1:]:
        if line.startswith("$ "):
            commands.append((line[2:], []))
        else:
            commands[-1][1].append(line)
    assert [c.split()[1] for c, _ in commands] == [
        "add", "review", "review", "quote", "review", "query", "who-said", "validate", "stats"]
    for command, expected in commands:
        pipe = re.search(r" \| (head|tail) -(\d+)$", command)
        args = shlex.split(command[: pipe.start()] if pipe else command)
        output = runner.invoke(cli, args[1:], prog_name="cyberflag").output.splitlines()
        if pipe:
            n = int(pipe.group(2))
            output = output[:n] if pipe.group(1) == "head" else output[-n:]
        assert output == expected, f"$ {command}"


def test_a_new_campaign_and_its_asks(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    """Rules 10 and 11: a campaign the graph does not know is drafted with the organisation the
    article says runs it; its statements are that organisation's, and its asks the campaign's."""
    page = tmp_path / "page.txt"
    page.write_text(
        "Charity launches campaign on grooming\n\n4 May 2021\n\n"
        "The charity Safe Harbours said that online grooming had risen in every region.\n\n"
        "The charity’s #SafeOnline campaign is calling for the government to fund school "
        "programmes, and to publish its review by the end of the year.\n",
        encoding="utf-8")
    result = add(runner, data, str(page), "--publisher", "Test Weekly")
    assert result.exit_code == 0, result.output
    graph = Graph().parse(next((data / "articles").glob("charity-launches*.ttl")))
    campaign = CFD["campaign/safeonline"]
    assert str(graph.value(campaign, SKOS.prefLabel)) == "#SafeOnline"
    assert graph.value(campaign, PROV.wasAssociatedWith) == CFD["org/safe-harbours"]
    assert (campaign, CF.curationStatus, CF.Draft) in graph
    asks = sorted(str(graph.value(a, SCHEMA.text)) for a in graph.subjects(RDF.type, CF.Ask))
    assert asks == ["fund school programmes", "publish its review by the end of the year"]
    for ask in graph.subjects(RDF.type, CF.Ask):
        assert graph.value(ask, CF.askedBy) == campaign
        assert graph.value(ask, CF.addressedTo) == CFD["org/uk-government"]
    assert runner.invoke(cli, ["validate", "--data", str(data)]).exit_code == 0


NORTHSHIRE = ARTICLES / "northshire-online-abuse-figures.txt"


def test_a_second_invented_article_in_another_house_style(runner: CliRunner, data: Path) -> None:
    """Straight quotation marks, an attribution after the quote ("… ," said Professor Anna Lind,
    director of …), a description by role ("The centre's director added"), a possessive role
    before a name, a quote of two sentences attributed after both, a dateline with a label."""
    result = add(runner, data, str(NORTHSHIRE), "--slug", "north")
    assert result.exit_code == 0, result.output
    text = NORTHSHIRE.read_text(encoding="utf-8")
    assert text[51:862].startswith("Posted: 14 September 2022")
    assert text[51:862].endswith("without further delay.")
    graph = Graph().parse(data / "articles" / "north.ttl")
    assert str(graph.value(CFD["article/north"], SCHEMA.datePublished)) == "2022-09-14"
    assert [row[:3] for row in statements(graph)] == [
        ("anna-lind", "DirectQuote", "said"),
        ("anna-lind", "ReportedSpeech", "added"),
        ("mark-osei", "PartialQuote", "said"),
        ("mark-osei", "DirectQuote", "said"),
        ("anna-lind", "ReportedSpeech", "is urging"),
    ]
    osei = statements(graph)[3][3]
    assert osei == ["We have trained every frontline officer in the last year. We will keep "
                    "working with schools and the NSPCC"]
    figures = [(int(graph.value(o, CF.value)), str(graph.value(o, CF.refPeriod)).rsplit("/")[-1])
               for o in graph.subjects(CF.value, None)]
    assert figures == [(412, "2021-04-01_2022-03-31")]  # "up from 309" names no unit: not drafted
    ask = next(graph.subjects(RDF.type, CF.Ask))
    assert str(graph.value(ask, SCHEMA.text)) == (
        "bring in the Online Safety Bill without further delay")
    assert graph.value(ask, CF.addressedTo) == CFD["org/uk-government"]
    assert runner.invoke(cli, ["validate", "--data", str(data)]).exit_code == 0


def test_the_site_marks_every_draft_and_only_drafts(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    assert add(runner, data, str(HARBOUR)).exit_code == 0
    site = tmp_path / "site"
    built = runner.invoke(cli, ["site", "-o", str(site), "--data", str(data)])
    assert built.exit_code == 0, built.output
    graph = Graph().parse(data / "articles" / f"{HARBOUR_SLUG}.ttl")
    drafts = {str(n) for n in graph.subjects(CF.curationStatus, CF.Draft)}
    assert drafts
    marked = set()
    for page in site.joinpath("id").rglob("index.html"):
        if "Draft, not yet reviewed." in page.read_text("utf-8"):
            marked.add(str(CFD) + str(page.parent.relative_to(site / "id")))
    paged = {d for d in drafts if (site / "id" / d.removeprefix(str(CFD)) / "index.html").is_file()}
    assert paged
    assert marked == paged
