"""The query commands (``queries``, ``query``, ``sparql``, ``who-said``) through click's CliRunner.

Every command, format and error is exercised on the shipped data, asserting exit code and output.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import cyberflag
from cyberflag.cli import cli
from cyberflag.queries import binding, catalogue
from cyberflag.rdf import namespaces, prefixes
from cyberflag.sparql import syntax

from conftest import FIXTURE_DATA

CLI_DIR = Path(cyberflag.__file__).resolve().parent.parent

HOSTILE = [
    'x" } ; DROP ALL ; #',
    "x' } ; DELETE WHERE { ?s ?p ?o } ; #",
    "Bailey\n} ; CLEAR ALL",
    "Bailey\n",
    "\\u0022 } #",
    "> <x> . } #",
    "Ωmega ☃ 名前",
]
"""Values that would break or change a query pasted together as text; each must find nothing."""

BAILEY_TEXTS = [
    "the figures “highlight the importance” of building resilience in young people and educating "
    "them about sexual relationships",
    # one quotation in three stretches, each opened without the last being closed (rule 1)
    "This can’t be left to chance. … I know from my own force that we are engaging with schools "
    "more than ever to educate and raise awareness of both the different forms of abuse and how to "
    "get support. … It is clear from the increase in the number of reports we are receiving how "
    "vital this work is.",
]
BAILEY_ROLE = (
    "Chief Constable, unnamed police force (‘my own force’); "
    "lead for child protection, National Police Chiefs’ Council"
)


def run(runner: CliRunner, *args: str, **kwargs: object) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False, **kwargs)  # type: ignore[arg-type]


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def one_line_error(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("cyberflag: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def bindings(stdout: str) -> list[dict[str, str]]:
    """SPARQL JSON results as ``[{var: value}]``."""
    document = json.loads(stdout)
    return [{k: v["value"] for k, v in b.items()} for b in document["results"]["bindings"]]


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No width or data directory leaking in from the developer's shell."""
    for name in ("COLUMNS", "CYBERFLAG_DATA", "CYBERFLAG_QUERIES"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def required_queries(tmp_path: Path) -> Path:
    """A queries directory with one query taking a required date and an enum parameter."""
    (tmp_path / "dated.rq").write_text(
        "#+ summary: Articles published on a day\n"
        "#+ params:\n"
        "#+   - name: day\n"
        "#+     type: date\n"
        "#+     required: true\n"
        "#+     description: The day (YYYY-MM-DD).\n"
        "#+   - name: order\n"
        "#+     type: string\n"
        "#+     enum: [asc, desc]\n"
        "#+     default: asc\n"
        "PREFIX schema: <http://schema.org/>\n"
        "SELECT ?article WHERE { ?article schema:datePublished ?_day } ORDER BY STR(?article)\n",
        encoding="utf-8",
    )
    return tmp_path


# --- help -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["queries", "query", "sparql", "who-said"])
def test_command_help(runner: CliRunner, command: str) -> None:
    out = ok(run(runner, command, "-h"))
    assert "Exit codes:" in out
    assert "--width N" in out
    if command != "queries":
        for option in ("--format", "--engine", "--data DIR", "-o, --output"):
            assert option in out, option
        assert "also when output is not a terminal" in " ".join(out.split())


def test_group_help_lists_query_commands(runner: CliRunner) -> None:
    out = ok(run(runner, "-h"))
    for command in ("queries", "query", "sparql", "who-said"):
        assert f"  {command} " in out


# --- queries --------------------------------------------------------------------------------------


def test_queries_lists_every_saved_query(runner: CliRunner) -> None:
    out = ok(run(runner, "queries"))
    names = catalogue.names()
    assert [line for line in out.splitlines() if line and not line[0].isspace()] == names
    block = out.split("who-said-what\n", 1)[1]
    assert block.startswith("  Who said what, when, and in which article it was reported\n")
    assert "parameter     type    required  multiple  default  allowed values" in block
    # the allowed values wrap within their column: no line is wider than 80
    assert "kind          string  no        yes       -        direct, partial,\n" in block
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "min_articles  integer  no        no        2        -" in out
    assert "stats\n  " in out
    assert "    no parameters\n" in out


def test_queries_listing_is_stable(runner: CliRunner) -> None:
    assert ok(run(runner, "queries")) == ok(run(runner, "queries"))


def test_queries_json(runner: CliRunner) -> None:
    listing = json.loads(ok(run(runner, "queries", "--format", "json")))
    assert [q["name"] for q in listing] == catalogue.names()
    who = next(q for q in listing if q["name"] == "who-said-what")
    assert who["form"] == "SELECT"
    assert who["summary"] == "Who said what, when, and in which article it was reported"
    assert [p["name"] for p in who["parameters"]] == [
        "person", "organisation", "contains", "since", "until", "speaker", "kind",
    ]
    kind = who["parameters"][-1]
    assert kind == {
        "name": "kind",
        "type": "string",
        "required": False,
        "multiple": True,
        "default": None,
        "allowed": ["direct", "partial", "reported", "headline", "publication"],
        "description": "How the article conveys the words: a direct or partial quote, reported "
        "speech, a headline's claim or the publication's own claim.",
        "partial": None,
    }
    since, until = (p for p in who["parameters"] if p["name"] in ("since", "until"))
    assert (since["partial"], until["partial"]) == ("start", "end")
    repeated = next(q for q in listing if q["name"] == "repeated-statements")
    assert repeated["parameters"][0]["default"] == ["2"]
    assert "text" not in who


def test_queries_name_shows_one_in_full(runner: CliRunner) -> None:
    out = ok(run(runner, "queries", "who-said-what", "--width", "100"))
    assert out.startswith(
        "who-said-what  (SELECT)\n  Who said what, when, and in which article it was reported\n"
    )
    assert "  One row per report of a statement" in out
    assert "  person: Part of a person speaker's name or of any alias" in out
    assert "\nSPARQL (who-said-what.rq):\n\n" in out
    body = out.split("\nSPARQL (who-said-what.rq):\n\n", 1)[1]
    text = catalogue.load("who-said-what").text
    assert body.startswith("#\n# Parameters arrive as ?_person")
    assert "#+" not in body
    assert body.rstrip().endswith("STR(?report)")
    assert text.endswith(body)


def test_queries_name_json_has_the_text(runner: CliRunner) -> None:
    shown = json.loads(ok(run(runner, "queries", "statistics-timeline", "--format", "json")))
    assert shown["name"] == "statistics-timeline"
    assert shown["text"] == catalogue.load("statistics-timeline").text
    assert [p["name"] for p in shown["parameters"]] == ["measure", "area", "since", "until"]


def test_queries_without_parameters(runner: CliRunner) -> None:
    out = ok(run(runner, "queries", "stats"))
    assert "  no parameters\n" in out


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [("who-said", "did you mean who-said-what"), ("statistics", "statistics-timeline")],
)
def test_queries_unknown_name_suggests(runner: CliRunner, name: str, suggestion: str) -> None:
    err = one_line_error(run(runner, "queries", name))
    assert f"no saved query named {name!r}" in err
    assert suggestion in err


def test_queries_from_another_directory(runner: CliRunner, required_queries: Path) -> None:
    out = ok(run(runner, "queries", "--queries", str(required_queries)))
    assert out.startswith("dated\n  Articles published on a day\n")
    assert "day        date    yes       no        -        -" in out
    assert "order      string  no        no        asc      asc, desc" in out


def test_queries_broken_file_is_located(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "broken.rq").write_text(
        "#+ summary: broken\nSELECT ?x WHERE { ?x ?y ?z ) }\n", encoding="utf-8"
    )
    err = one_line_error(run(runner, "queries", "broken", "--queries", str(tmp_path)))
    assert re.match(rf"cyberflag: error: {re.escape(str(tmp_path / 'broken.rq'))}:\d+:\d+: ", err)


# --- query ----------------------------------------------------------------------------------------


def test_query_statistics_timeline_json_is_sparql_results_json(runner: CliRunner) -> None:
    out = ok(run(
        runner, "query", "statistics-timeline", "-p", "measure", "offences recorded",
        "--format", "json",
    ))
    document = json.loads(out)
    assert set(document) == {"head", "results"}
    assert document["head"]["vars"][:3] == ["periodStart", "periodEnd", "periodLabel"]
    rows = document["results"]["bindings"]
    assert rows
    for row in rows:
        assert "offences recorded" in row["measureLabel"]["value"]
        assert row["measureLabel"]["type"] == "literal"
        assert row["observation"]["type"] == "uri"
        assert row["periodStart"]["datatype"] == "http://www.w3.org/2001/XMLSchema#date"
    first = rows[0]
    assert first["value"]["value"] == "3000"
    assert first["comparatorLabel"]["value"] == "more than"
    assert first["areaName"]["value"] == "England and Wales"
    starts = [r["periodStart"]["value"] for r in rows]
    assert starts == sorted(starts)


def test_query_csv_and_tsv_are_sparql_formats(runner: CliRunner) -> None:
    args = ("query", "statistics-timeline", "-p", "measure", "offences recorded")
    as_json = bindings(ok(run(runner, *args, "--format", "json")))
    result = run(runner, *args, "--format", "csv")
    ok(result)
    csv_out = result.stdout_bytes.decode("utf-8")  # .stdout would turn CRLF into LF
    assert csv_out.startswith("periodStart,periodEnd,periodLabel,")
    assert csv_out.endswith("\r\n")
    assert "\n" not in csv_out.replace("\r\n", "")
    table = list(csv.DictReader(io.StringIO(csv_out, newline="")))
    assert [r["observation"] for r in table] == [r["observation"] for r in as_json]
    assert table[0]["sourceTitle"] == as_json[0]["sourceTitle"]  # a value with commas, quoted
    tsv_out = ok(run(runner, *args, "--format", "tsv"))
    lines = tsv_out.split("\n")
    assert lines[0].startswith("?periodStart\t?periodEnd\t")
    assert lines[1].startswith(
        '"2015-04-01"^^<http://www.w3.org/2001/XMLSchema#date>\t'
    )
    assert len(lines) == len(as_json) + 2  # header, rows, and the empty string after the last \n


def test_query_jsonl(runner: CliRunner) -> None:
    out = ok(run(runner, "query", "who-said-what", "-p", "person", "Bailey", "--format", "jsonl"))
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 2
    assert {r["speakerName"] for r in rows} == {"Simon Bailey"}
    assert rows[0]["position"] == 1218  # xsd:integer as a number
    assert rows[0]["headlineClaim"] is False  # xsd:boolean as a boolean
    out = ok(run(runner, "query", "who-said-what", "-p", "kind", "headline", "--format", "jsonl"))
    assert json.loads(out.splitlines()[0])["verb"] is None  # unbound: null


def test_query_table_is_default_and_wraps(runner: CliRunner) -> None:
    wide = ok(run(runner, "query", "people", "-p", "person", "Bailey", "--width", "0"))
    lines = wide.splitlines()
    assert lines[0].split() == list(json.loads(ok(run(
        runner, "query", "people", "-p", "person", "Bailey", "--format", "json"
    )))["head"]["vars"])
    assert set(lines[1]) == {"-", " "}
    assert lines[2].startswith("cfd:person/simon-bailey  Simon Bailey")  # project prefixes
    assert "unnamed police force (‘my own force’)" in wide
    # 21 columns cannot fit 100 characters even wrapped: records rather than 12-character strips
    narrow = ok(run(runner, "query", "people", "-p", "person", "Bailey", "--width", "100"))
    assert narrow.startswith("-[ RECORD 1 ]---")
    assert max(len(line) for line in narrow.splitlines()) <= 100
    assert "\nperson                  | cfd:person/simon-bailey\n" in narrow


def test_table_wraps_long_cells_to_the_width(runner: CliRunner) -> None:
    query = (
        "PREFIX schema: <http://schema.org/>\n"
        "SELECT ?article ?headline WHERE { ?article schema:headline ?headline } ORDER BY ?article"
    )
    wide = ok(run(runner, "sparql", query, "--width", "0")).splitlines()
    assert len(wide) == 6
    assert wide[2].startswith("cfd:article/council-leaders-warn-online-child-abuse  ")
    assert wide[2].endswith("  Council leaders warn that online child abuse is a ‘growing concern’")
    narrow = ok(run(runner, "sparql", query, "--width", "90")).splitlines()
    assert max(len(line) for line in narrow) <= 90
    assert len(narrow) == 2 + 2 * 4  # each row wrapped onto two lines
    column = narrow[0].index("headline")
    assert " ".join(line[column:] for line in narrow[2:4]) == (
        "Council leaders warn that online child abuse is a ‘growing concern’"
    )


def test_query_multi_valued_parameter(runner: CliRunner) -> None:
    out = ok(run(
        runner, "query", "who-said-what", "-p", "person", "Bailey", "-p", "person", "wanless",
        "-p", "kind", "partial", "--format", "json",
    ))
    rows = bindings(out)
    assert {r["speakerName"] for r in rows} == {"Simon Bailey", "Peter Wanless"}
    assert {r["kind"] for r in rows} == {"partial"}


def test_query_parameter_with_default(runner: CliRunner) -> None:
    default = bindings(ok(run(runner, "query", "repeated-statements", "--format", "json")))
    assert default
    assert all(int(r["articleCount"]) >= 2 for r in default)
    none = bindings(ok(run(
        runner, "query", "repeated-statements", "-p", "min_articles", "99", "--format", "json"
    )))
    assert none == []


def test_query_output_file(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "bailey.csv"
    result = run(
        runner, "query", "who-said-what", "-p", "person", "Bailey", "--format", "csv",
        "-o", str(target),
    )
    assert ok(result) == ""
    written = target.read_bytes().decode("utf-8")
    assert written.endswith("\r\n")
    assert len(written.splitlines()) == 3
    assert written == run(
        runner, "query", "who-said-what", "-p", "person", "Bailey", "--format", "csv"
    ).stdout_bytes.decode("utf-8")


def test_query_engines_agree(runner: CliRunner) -> None:
    args = ("query", "who-said-what", "-p", "organisation", "NSPCC", "--format", "json")
    oxigraph = ok(run(runner, *args))
    assert oxigraph == ok(run(runner, *args, "--engine", "rdflib"))
    assert bindings(oxigraph)


def test_query_output_is_stable(runner: CliRunner) -> None:
    args = ("query", "timeline", "--format", "tsv")
    assert ok(run(runner, *args)) == ok(run(runner, *args))


def test_query_on_other_data(runner: CliRunner) -> None:
    out = ok(run(runner, "query", "people", "--data", str(FIXTURE_DATA), "--format", "jsonl"))
    assert [json.loads(line)["name"] for line in out.splitlines()] == [
        "Alex Example", "Sam Reporter",
    ]


def test_query_missing_required_parameter_lists_parameters(
    runner: CliRunner, required_queries: Path
) -> None:
    err = one_line_error(run(runner, "query", "dated", "--queries", str(required_queries)))
    assert "needs parameter 'day'" in err
    assert "parameters: day (date, required); order (string, one of asc|desc, default asc)" in err


def test_query_required_parameter_given(runner: CliRunner, required_queries: Path) -> None:
    result = run(
        runner, "query", "dated", "--queries", str(required_queries), "-p", "day", "2017-06-01",
        "--format", "csv",
    )
    ok(result)
    assert result.stdout_bytes.decode("utf-8") == (
        "article\r\nhttps://w3id.org/cyberflag/id/article/npcc-spike-in-cyber-child-sex-abuse\r\n"
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (["-p", "since", "last week"],
         "parameter 'since': 'last week' is not a date (YYYY-MM-DD, or YYYY or YYYY-MM)"),
        (["-p", "since", "2017-02-30"], "parameter 'since': '2017-02-30' is not a valid date"),
        (["-p", "kind", "quoted"], "parameter 'kind': 'quoted' is not one of direct, partial"),
        (["-p", "author", "x"], "has no parameter 'author'; parameters: person (string"),
        (["-p", "speaker", "x"], "parameter 'speaker': 'x' is not an absolute IRI"),
        (["-p", "since", "2017-01-01", "-p", "since", "2018-01-01"], "takes one value, got 2"),
    ],
)
def test_query_bad_parameter(runner: CliRunner, params: list[str], message: str) -> None:
    err = one_line_error(run(runner, "query", "who-said-what", *params))
    assert message in err


def test_query_bad_integer(runner: CliRunner) -> None:
    err = one_line_error(run(runner, "query", "repeated-statements", "-p", "min_articles", "two"))
    assert "parameter 'min_articles': 'two' is not an integer" in err


def test_query_unknown_name(runner: CliRunner) -> None:
    err = one_line_error(run(runner, "query", "who-sed-what"))
    assert "did you mean who-said-what" in err


@pytest.mark.parametrize(
    "args",
    [
        ("query", "articles", "--format", "yaml"),
        ("query", "articles", "--engine", "virtuoso"),
        ("query", "articles", "-p", "since"),
        ("query",),
        ("query", "articles", "--width", "-3"),
        ("who-said", "--kind", "quoted"),
        ("sparql", "ASK {}", "--format", "yaml"),
    ],
)
def test_usage_errors_are_one_line(runner: CliRunner, args: tuple[str, ...]) -> None:
    err = one_line_error(run(runner, *args))
    assert f"(see 'cyberflag {args[0]} -h')" in err


def test_unknown_format_names_the_choices(runner: CliRunner) -> None:
    err = one_line_error(run(runner, "query", "articles", "--format", "yaml"))
    assert (
        "'--format': 'yaml' is not one of 'text', 'records', 'csv', 'tsv', 'json', 'jsonl', 'xml'"
        in err
    )
    assert "'table'" not in err  # an alias is accepted, never offered


def test_graph_format_for_solutions_is_an_error(runner: CliRunner) -> None:
    err = one_line_error(run(runner, "query", "articles", "--format", "turtle"))
    assert "format 'turtle' is for graphs" in err


# --- sparql ---------------------------------------------------------------------------------------

PEOPLE = (
    "PREFIX schema: <http://schema.org/>\n"
    "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name"
)
HEADLINES = (
    "PREFIX schema: <http://schema.org/>\n"
    "CONSTRUCT { ?a schema:headline ?h } WHERE { ?a schema:headline ?h }"
)


def test_sparql_select_table(runner: CliRunner) -> None:
    out = ok(run(runner, "sparql", PEOPLE))
    lines = out.splitlines()
    assert lines[0].rstrip() == "name"
    assert lines[1].startswith("-----")
    assert {"Simon Bailey", "Peter Wanless", "Roy Perry"} <= set(lines)
    assert lines[2:] == sorted(lines[2:])


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("table", "true\n"),
        ("csv", "true\r\n"),
        ("tsv", "true\n"),
        ("jsonl", '{"boolean": true}\n'),
        ("json", '{\n  "head": {},\n  "boolean": true\n}\n'),
    ],
)
def test_sparql_ask_formats(runner: CliRunner, fmt: str, expected: str) -> None:
    query = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        'ASK { ?x skos:altLabel "Cllr Perry" }'
    )
    result = run(runner, "sparql", query, "--format", fmt)
    ok(result)
    assert result.stdout_bytes.decode("utf-8") == expected


def test_sparql_ask_false(runner: CliRunner) -> None:
    assert ok(run(runner, "sparql", "ASK { <urn:x:nothing> ?p ?o }")) == "false\n"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl"])
def test_sparql_select_formats(runner: CliRunner, fmt: str) -> None:
    result = run(runner, "sparql", PEOPLE, "--format", fmt)
    out = ok(result)
    if fmt == "csv":
        out = result.stdout_bytes.decode("utf-8")
        assert out.startswith("name\r\n")
        assert "Simon Bailey\r\n" in out
    elif fmt == "tsv":
        assert out.startswith("?name\n")
        assert '"Simon Bailey"\n' in out
    elif fmt == "json":
        assert {"name": "Simon Bailey"} in bindings(out)
    else:
        assert '{"name": "Simon Bailey"}' in out.splitlines()


def test_sparql_construct_defaults_to_turtle(runner: CliRunner) -> None:
    out = ok(run(runner, "sparql", HEADLINES))
    assert out.startswith("@prefix schema: <http://schema.org/> .\n")
    assert "schema:headline \"NPCC: Spike in cyber child sex abuse" in out


def test_sparql_construct_nt_and_jsonld(runner: CliRunner) -> None:
    nt = ok(run(runner, "sparql", HEADLINES, "--format", "nt"))
    lines = nt.splitlines()
    assert len(lines) == 4
    assert lines == sorted(lines)
    assert all(line.endswith(" .") and "<http://schema.org/headline>" in line for line in lines)
    document = json.loads(ok(run(runner, "sparql", HEADLINES, "--format", "jsonld")))
    assert "NPCC: Spike in cyber child sex abuse" in json.dumps(document, ensure_ascii=False)


def test_sparql_describe(runner: CliRunner) -> None:
    out = ok(run(
        runner, "sparql", "DESCRIBE <https://w3id.org/cyberflag/id/person/simon-bailey>",
        "--format", "nt",
    ))
    assert '"Simon Bailey"' in out


def test_sparql_graph_as_table_is_an_error(runner: CliRunner) -> None:
    err = one_line_error(run(runner, "sparql", HEADLINES, "--format", "table"))
    assert "a graph is written as turtle, nt, jsonld" in err


def test_sparql_from_file_and_stdin(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "people.rq"
    path.write_text(PEOPLE, encoding="utf-8")
    expected = ok(run(runner, "sparql", PEOPLE, "--format", "csv"))
    assert ok(run(runner, "sparql", "-f", str(path), "--format", "csv")) == expected
    assert ok(run(runner, "sparql", "-", "--format", "csv", input=PEOPLE)) == expected
    assert ok(run(runner, "sparql", "-f", "-", "--format", "csv", input=PEOPLE)) == expected


def test_sparql_inline_syntax_error(runner: CliRunner) -> None:
    err = one_line_error(run(runner, "sparql", "SELECT * WHERE {\n  ?s ?p\n}"))
    assert re.match(r"cyberflag: error: query:3:\d+: expected ", err)


def test_sparql_file_syntax_error(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("SELECT ?s\nWHERE { ?s ?p ?o \n", encoding="utf-8")
    err = one_line_error(run(runner, "sparql", "-f", str(path)))
    assert err.startswith(f"cyberflag: error: {path}:3:1: ")


def test_sparql_stdin_syntax_error(runner: CliRunner) -> None:
    err = one_line_error(run(runner, "sparql", "-", input="ASK {\n ?s }"))
    assert err.startswith("cyberflag: error: stdin:2:")


@pytest.mark.parametrize(
    "update",
    [
        "DROP ALL",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX x: <urn:x:>\nDELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR DEFAULT",
    ],
)
def test_sparql_update_is_refused(runner: CliRunner, update: str) -> None:
    err = one_line_error(run(runner, "sparql", update))
    assert "SPARQL Update is not allowed" in err


def test_sparql_needs_exactly_one_query(runner: CliRunner, tmp_path: Path) -> None:
    err = one_line_error(run(runner, "sparql"))
    assert "no query: give QUERY, -f FILE, or '-'" in err
    path = tmp_path / "q.rq"
    path.write_text("ASK {}", encoding="utf-8")
    err = one_line_error(run(runner, "sparql", "ASK {}", "-f", str(path)))
    assert "not both" in err


def test_sparql_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    err = one_line_error(run(runner, "sparql", "-f", str(tmp_path / "nope.rq")))
    assert f"cannot read {tmp_path / 'nope.rq'}: No such file or directory" in err


def test_sparql_missing_prefix_names_it(runner: CliRunner) -> None:
    # rather than the parser's list of expected characters: which prefix, and its declaration
    err = one_line_error(run(runner, "sparql", "SELECT ?p WHERE { ?p a schema:Person }"))
    assert err.endswith(
        "query:1:37: prefix schema: not declared; add PREFIX schema: <http://schema.org/>\n"
    )
    err = one_line_error(run(
        runner, "sparql",
        "PREFIX schema: <http://schema.org/> SELECT ?p WHERE { ?p a schema:Person ; ex:x ?x }",
    ))
    assert err.endswith("prefix ex: not declared\n")  # one the project does not know
    assert len(err) < 200


def test_sparql_engines_agree(runner: CliRunner) -> None:
    oxigraph = ok(run(runner, "sparql", PEOPLE, "--format", "json"))
    assert oxigraph == ok(run(runner, "sparql", PEOPLE, "--format", "json", "--engine", "rdflib"))


# --- who-said -------------------------------------------------------------------------------------


def test_who_said_bailey_table(runner: CliRunner) -> None:
    out = ok(run(runner, "who-said", "--person", "Bailey", "--width", "0"))
    lines = out.splitlines()
    header = lines[0]
    assert re.split(r"  +", header) == [
        "date", "speaker, role", "kind", "verb", "words", "reported in",
    ]
    rows = [line for line in lines[2:] if line.startswith("2017-06-01")]
    assert len(rows) == 2
    kind = slice(header.index("kind"), header.index("verb"))
    assert [row[kind].strip() for row in rows] == ["partial", "direct"]
    verb = slice(header.index("verb"), header.index("words"))
    assert [row[verb].strip() for row in rows] == ["said", "told"]
    words = slice(header.index("words"), header.index("reported in"))
    assert [row[words].strip() for row in rows] == BAILEY_TEXTS
    assert rows[0].startswith("2017-06-01  Simon Bailey")
    assert "NPCC: Spike in cyber child sex abuse ‘shows how vital raising awareness is’" in rows[0]
    assert BAILEY_ROLE in out
    assert "Police Professional" in out


def test_who_said_bailey_wraps_to_the_width(runner: CliRunner) -> None:
    out = ok(run(runner, "who-said", "--person", "Bailey"))  # not a terminal: 80 columns
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[2].startswith("2017-06-01  Simon Bailey")
    def column(start: str, end: str) -> str:
        """The words of one column, read down the table."""
        left, right = lines[0].index(start), lines[0].index(end)
        return " ".join(" ".join(line[left:right] for line in lines[2:]).split())

    assert column("speaker, role", "kind") == "Simon Bailey " + BAILEY_ROLE
    assert column("words", "reported in") == " ".join(BAILEY_TEXTS)
    assert column("reported in", "reported in") == ""
    assert " ".join(" ".join(line[lines[0].index("reported in"):] for line in lines).split()) == (
        "reported in --------------- NPCC: Spike in cyber child sex abuse ‘shows how vital "
        "raising awareness is’ Police Professional"
    )
    assert ok(run(runner, "who-said", "--person", "Bailey", env={"COLUMNS": "120"})) == ok(
        run(runner, "who-said", "--person", "Bailey", "--width", "120")
    )
    wide = ok(run(runner, "who-said", "--person", "Bailey", "--width", "120")).splitlines()
    assert max(len(line) for line in wide) <= 120
    assert len(wide) < len(lines)


def test_who_said_bailey_json_has_every_column(runner: CliRunner) -> None:
    out = ok(run(runner, "who-said", "--person", "Bailey", "--format", "json"))
    document = json.loads(out)
    assert document["head"]["vars"] == [
        "date", "earliest", "latest", "datePrecision", "dateInferred", "speaker", "speakerName",
        "roles", "attributionInferred", "attributionReasoning", "kind", "draft", "headlineClaim",
        "verb", "text", "campaign", "campaignLabel", "statement", "article", "headline",
        "publisher", "publisherName", "position", "report", "articleCount",
    ]
    rows = bindings(out)
    assert [r["text"] for r in rows] == BAILEY_TEXTS
    assert [r["kind"] for r in rows] == ["partial", "direct"]
    assert {r["headlineClaim"] for r in rows} == {"false"}
    assert {r["draft"] for r in rows} == {"false"}
    assert {r["attributionInferred"] for r in rows} == {"false"}
    assert {r["dateInferred"] for r in rows} == {"false"}
    assert {r["date"] for r in rows} == {"2017-06-01"}
    assert {r["roles"] for r in rows} == {BAILEY_ROLE}
    assert {r["speaker"] for r in rows} == {"https://w3id.org/cyberflag/id/person/simon-bailey"}
    assert out == ok(run(runner, "query", "who-said-what", "-p", "person", "Bailey",
                         "--format", "json"))


def test_who_said_finds_who_said_a_phrase(runner: CliRunner) -> None:
    rows = bindings(ok(run(runner, "who-said", "--contains", "thousand eyes", "--format", "json")))
    assert len(rows) == 1
    row = rows[0]
    assert row["speakerName"] == "Roy Perry"
    assert row["roles"] == (
        "chair, LGA Children and Young People Board; councillor, Hampshire County Council"
    )
    assert row["date"] == "2016-06-21"
    assert row["headline"] == "Council leaders warn that online child abuse is a ‘growing concern’"
    assert "“a thousand eyes and ears”" in row["text"]
    table = ok(run(runner, "who-said", "--contains", "THOUSAND EYES", "--width", "0"))
    assert table.splitlines()[2].startswith("2016-06-21  Roy Perry")
    assert "chair, LGA Children and Young People Board" in table


@pytest.mark.parametrize(
    ("person", "speaker"),
    [("Wanless", "Peter Wanless"), ("Cllr Perry", "Roy Perry"), ("cllr roy perry", "Roy Perry"),
     ("BAILEY", "Simon Bailey")],
)
def test_who_said_matches_any_alias_in_any_case(
    runner: CliRunner, person: str, speaker: str
) -> None:
    rows = bindings(ok(run(runner, "who-said", "--person", person, "--format", "json")))
    assert rows
    assert {r["speakerName"] for r in rows} == {speaker}


def test_who_said_several_people_and_a_kind(runner: CliRunner) -> None:
    rows = bindings(ok(run(
        runner, "who-said", "--person", "Bailey", "--person", "Perry", "--kind", "direct",
        "--format", "json",
    )))
    assert {r["speakerName"] for r in rows} == {"Simon Bailey", "Roy Perry"}
    assert {r["kind"] for r in rows} == {"direct"}


def test_who_said_organisation_and_dates(runner: CliRunner) -> None:
    rows = bindings(ok(run(
        runner, "who-said", "--organisation", "nspcc", "--since", "2017-01-01",
        "--until", "2017-12-31", "--format", "json",
    )))
    assert rows
    assert {r["date"] for r in rows} == {"2017-06-01"}
    assert "Peter Wanless" in {r["speakerName"] for r in rows}


def test_who_said_inferred_dates_in_the_table(runner: CliRunner) -> None:
    out = ok(run(runner, "who-said", "--since", "2019-06-01", "--width", "0"))
    dates = [line[:13].rstrip() for line in out.splitlines()[2:] if line[:13].strip()]
    # the 2019 article is bounded by the ONS release and the ministers' terms (rule 9), the 2020
    # one by the White Paper's publication day; both are shown as inferred ranges
    assert dates[:3] == ["2019-01-24 to", "2019-07-24", "(inferred)"]
    assert "2020-08-08 to" in dates
    assert dates[dates.index("2020-08-08 to") + 1 : dates.index("2020-08-08 to") + 3] == [
        "2020-09-07", "(inferred)",
    ]
    assert not any(d.startswith(("2016", "2017")) for d in dates)
    # a bounded range no longer reaches the present
    assert ok(run(runner, "who-said", "--since", "2021-01-01")) == "No statements match.\n"


def test_who_said_shows_each_reports_own_words(runner: CliRunner) -> None:
    # Roy Perry's remark as each 21 June 2016 article words it (rule 7)
    rows = bindings(ok(run(runner, "who-said", "--contains", "long-term decline", "--format",
                           "json")))
    assert [(r["speakerName"], r["headline"]) for r in rows] == [
        ("Roy Perry", "Thousands of sex offences against children ‘cyber-flagged’ by police")
    ]
    assert rows[0]["text"] == (
        "the number of children dying due to homicide or assault has fallen by 69% in England "
        "since 1985 and remains in long-term decline"
    )
    assert rows[0]["articleCount"] == "2"
    for words in ("continuing to try", "don’t lose sight"):
        (row,) = bindings(ok(run(runner, "who-said", "--contains", words, "--format", "json")))
        assert row["speakerName"] == "Roy Perry"
        assert words in row["text"]
    both = bindings(ok(run(runner, "who-said", "--contains", "continuing to try", "--contains",
                           "don’t lose sight", "--format", "json")))
    assert len(both) == 2
    table = ok(run(runner, "who-said", "--contains", "long-term decline", "--width", "0"))
    assert "(also in 1 other article)" in table
    # the verb is this report's own ("also said"), not the other article's ("added")
    assert "also said" in table
    assert "added" not in table


def test_who_said_official_names_and_campaigns(runner: CliRunner) -> None:
    rows = bindings(ok(run(runner, "who-said", "--organisation", "Local Government Association",
                           "--format", "json")))
    assert rows
    assert {r["speakerName"] for r in rows} == {"Roy Perry"}
    for option in ("--organisation", "--contains"):
        rows = bindings(ok(run(runner, "who-said", option, "WildWestWeb", "--format", "json")))
        assert rows
        assert {r["campaignLabel"] for r in rows} == {"#WildWestWeb"}
        assert {r["speakerName"] for r in rows} == {"NSPCC"}


def test_who_said_marks_headlines_and_inferred_attributions(runner: CliRunner) -> None:
    rows = bindings(ok(run(runner, "who-said", "--kind", "headline", "--format", "json")))
    assert [(r["speakerName"], r["text"]) for r in rows] == [
        ("PSE", "Council leaders warn that online child abuse is a ‘growing concern’"),
        ("Police Professional",
         "NPCC: Spike in cyber child sex abuse ‘shows how vital raising awareness is’"),
    ]
    assert {r["headlineClaim"] for r in rows} == {"true"}
    (urged,) = bindings(ok(run(runner, "who-said", "--contains", "Forces are being urged",
                               "--contains", "ensure officers understand", "--format", "json")))
    assert urged["verb"] == "are being urged"
    assert urged["attributionInferred"] == "true"
    assert urged["attributionReasoning"].startswith("The sentence is passive")
    table = ok(run(runner, "who-said", "--contains", "ensure officers understand", "--width", "0"))
    assert "(attribution inferred)" in table


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
def test_who_said_machine_formats(runner: CliRunner, fmt: str) -> None:
    out = ok(run(runner, "who-said", "--person", "Bailey", "--format", fmt))
    expected = ok(run(runner, "query", "who-said-what", "-p", "person", "Bailey", "--format", fmt))
    assert out == expected
    assert "report" in out.splitlines()[0] or fmt == "jsonl"


def test_who_said_offers_only_row_formats(runner: CliRunner) -> None:
    # who-said always answers with rows: graph formats, which could only fail, are not offered
    assert "[text|records|csv|tsv|json|jsonl|xml]" in ok(run(runner, "who-said", "-h"))
    err = one_line_error(run(runner, "who-said", "--person", "Bailey", "--format", "turtle"))
    assert "'turtle' is not one of 'text', 'records', 'csv', 'tsv', 'json', 'jsonl', 'xml'" in err
    assert "[text|records|csv|tsv|json|jsonl|xml|turtle|nt|jsonld]" in ok(
        run(runner, "query", "-h")
    )


def test_who_said_no_match(runner: CliRunner) -> None:
    assert ok(run(runner, "who-said", "--person", "Nobody Atall")) == "No statements match.\n"


def test_who_said_bad_date_names_the_parameter(runner: CliRunner) -> None:
    err = one_line_error(run(runner, "who-said", "--since", "June 2017"))
    assert "parameter 'since': 'June 2017' is not a date (YYYY-MM-DD, or YYYY or YYYY-MM)" in err


def test_mistyped_parameter_and_reversed_range_are_explained(runner: CliRunner) -> None:
    err = one_line_error(run(runner, "query", "who-said-what", "-p", "persn", "Bailey"))
    assert "has no parameter 'persn'; did you mean 'person'? parameters: person" in err
    for args in (("who-said", "--since", "2018", "--until", "2017"),
                 ("query", "who-said-what", "-p", "since", "2018", "-p", "until", "2017")):
        err = one_line_error(run(runner, *args))
        assert "parameter 'since' (2018-01-01) is after 'until' (2017-12-31): no date can match" \
            in err
    # a one-day range is not reversed
    assert bindings(ok(run(runner, "who-said", "--since", "2017-06-01", "--until", "2017-06-01",
                           "--format", "json")))


def test_curies_as_the_tables_print_them_are_iris(runner: CliRunner) -> None:
    full = "https://w3id.org/cyberflag/id/person/simon-bailey"
    by_curie = ok(run(runner, "query", "who-said-what", "-p", "speaker",
                      "cfd:person/simon-bailey", "--format", "json"))
    assert by_curie == ok(run(runner, "query", "who-said-what", "-p", "speaker", full,
                              "--format", "json"))
    assert {r["speaker"] for r in bindings(by_curie)} == {full}
    # an IRI whose scheme is not a prefix of the project stays as it is
    assert bindings(ok(run(runner, "query", "who-said-what", "-p", "speaker",
                           "urn:x:simon-bailey", "--format", "json"))) == []


def test_dates_as_people_write_them(runner: CliRunner) -> None:
    # a year or a month stands for its first day in since, its last in until
    def rows(*args: str) -> list[dict[str, str]]:
        return bindings(ok(run(runner, "who-said", *args, "--format", "json")))

    year = rows("--since", "2017", "--until", "2017")
    assert year == rows("--since", "2017-01-01", "--until", "2017-12-31")
    assert {r["date"] for r in year} == {"2017-06-01"}
    assert rows("--since", "2017-06", "--until", "2017-06") == year
    assert rows("--since", "2017-05", "--until", "2017-05") == []
    assert rows("--until", "2016-06") == rows("--until", "2016-06-30")
    err = one_line_error(run(runner, "who-said", "--since", "2017-13"))
    assert "parameter 'since': '2017-13' is not a valid date (YYYY-MM-DD)" in err
    # the same in the saved queries' parameters
    assert ok(run(runner, "query", "timeline", "-p", "since", "2019", "-p", "until", "2019",
                  "--format", "csv")) == ok(run(
        runner, "query", "timeline", "-p", "since", "2019-01-01", "-p", "until", "2019-12-31",
        "--format", "csv"))


def test_who_said_rdflib_engine(runner: CliRunner) -> None:
    args = ("who-said", "--person", "Bailey", "--width", "100")
    assert ok(run(runner, *args, "--engine", "rdflib")) == ok(run(runner, *args))


def test_who_said_on_other_data(runner: CliRunner) -> None:
    out = ok(run(runner, "who-said", "--data", str(FIXTURE_DATA), "--width", "0"))
    assert "Alex Example" in out


# --- hostile values -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    "args",
    [
        ("query", "who-said-what", "-p", "person"),
        ("query", "who-said-what", "-p", "contains"),
        ("who-said", "--person"),
        ("who-said", "--contains"),
        ("who-said", "--organisation"),
    ],
    ids=["p-person", "p-contains", "person", "contains", "organisation"],
)
def test_hostile_values_find_nothing(runner: CliRunner, args: tuple[str, ...], value: str) -> None:
    out = ok(run(runner, *args, value, "--format", "json"))
    assert bindings(out) == []


@pytest.mark.parametrize("value", ['x" } ; DROP ALL ; #', "\\u0022 } #", "Bailey\n"])
def test_hostile_values_on_rdflib(runner: CliRunner, value: str) -> None:
    out = ok(run(runner, "who-said", "--person", value, "--format", "json", "--engine", "rdflib"))
    assert bindings(out) == []


def test_empty_value_is_a_literal_too(runner: CliRunner) -> None:
    """The empty string is contained in every text: it matches everything, as CONTAINS says."""
    everyone = bindings(ok(run(runner, "who-said", "--format", "json")))
    assert bindings(ok(run(runner, "who-said", "--contains", "", "--format", "json"))) == everyone


@pytest.mark.parametrize(
    ("contains", "speaker"),
    [
        ("can’t be left", "Simon Bailey"),  # a curly apostrophe: non-ASCII, matched literally
        ("“a thousand eyes", "Roy Perry"),  # a curly quote as written
        ("“HIGHLIGHT THE", "Simon Bailey"),
    ],
)
def test_non_ascii_values_match_literally(runner: CliRunner, contains: str, speaker: str) -> None:
    rows = bindings(ok(run(runner, "who-said", "--contains", contains, "--format", "json")))
    assert len(rows) == 1
    assert rows[0]["speakerName"] == speaker
    straight = contains.replace("’", "'").replace("“", '"')
    assert bindings(ok(run(runner, "who-said", "--contains", straight, "--format", "json"))) == []


@pytest.mark.parametrize("value", [*HOSTILE, ""])
def test_hostile_values_never_change_the_query(value: str) -> None:
    """Binding adds one VALUES block and nothing else; the block parses as a single literal."""
    query = catalogue.load("who-said-what")
    bound = query.bind({"person": [value], "contains": [value]})
    block = binding.values_block(query, {"person": [value], "contains": [value]})
    assert bound.replace(block, "", 1) == query.text
    assert block.count("\n    (") == 1  # one row of values
    syntax.check_syntax(bound)


def test_hostile_values_leave_the_data_alone(runner: CliRunner) -> None:
    before = ok(run(runner, "query", "triples", "--format", "csv"))
    for value in HOSTILE[:3]:
        ok(run(runner, "query", "who-said-what", "-p", "person", value, "--engine", "rdflib"))
    assert ok(run(runner, "query", "triples", "--format", "csv")) == before


# --- start-up -------------------------------------------------------------------------------------


def imported_modules(*args: str) -> set[str]:
    """Top-level packages a ``python -m cyberflag ARGS`` process imports (``-X importtime``)."""
    env = {**os.environ, "PYTHONPATH": str(CLI_DIR)}
    env.pop("COLUMNS", None)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cyberflag", *args],
        capture_output=True, text=True, env=env, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            modules.add(name.split(".")[0])
    assert "cyberflag" in modules
    return modules


@pytest.mark.parametrize(
    "args",
    [
        ("who-said", "--person", "Bailey"),
        ("query", "statistics-timeline", "-p", "measure", "offences recorded", "--format", "csv"),
        ("sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "json"),
        ("queries",),
    ],
    ids=["who-said", "query", "sparql", "queries"],
)
def test_query_commands_never_import_pyshacl_or_rdflib(args: tuple[str, ...]) -> None:
    modules = imported_modules(*args)
    assert "pyshacl" not in modules
    assert "rdflib" not in modules


def test_prefix_table_is_the_namespaces_table() -> None:
    assert namespaces.PREFIXES is prefixes.PREFIXES
    assert str(namespaces.CF) == prefixes.PREFIXES["cf"]
    assert str(namespaces.CFD) == prefixes.BASE + "id/"
    for name in ("dcterms", "owl", "prov", "rdf", "rdfs", "sh", "skos", "time", "xsd"):
        assert str(getattr(namespaces, name.upper())) == prefixes.PREFIXES[name]


def test_unknown_query_message_reads_as_sentences() -> None:
    result = CliRunner().invoke(cli, ["query", "nope"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "cyberflag: error: no saved query named 'nope'. Known queries: "
    )
    close = CliRunner().invoke(cli, ["query", "who-said"])
    assert "no saved query named 'who-said'; did you mean who-said-what? Known" in close.stderr


# --- nesting: refused before a parser can overflow its stack (issue #16) --------------------------


@pytest.mark.parametrize(("depth", "engine"), [(5000, "oxigraph"), (40, "rdflib")])
def test_deep_nesting_is_refused_before_parsing(runner: CliRunner, depth: int, engine: str) -> None:
    """5,000 nested groups crashed the process (Oxigraph's stack, exit 139); 40 overflow rdflib's
    recursion. Both are one line and exit 2; the limit leaves real queries (at most 8) alone."""
    text = "SELECT * WHERE " + "{ " * depth + "?s ?p ?o " + "} " * depth
    result = run(runner, "sparql", text, "--engine", engine)
    assert result.exit_code == 2
    assert result.output == (
        f"cyberflag: error: query: the query nests groups, parentheses or brackets {depth} deep; "
        "at most 32 are allowed\n"
    )


def test_nesting_up_to_the_limit_runs(runner: CliRunner) -> None:
    text = "SELECT (COUNT(*) AS ?n) WHERE " + "{ " * 31 + "?s ?p ?o " + "} " * 31
    result = run(runner, "sparql", text, "--format", "csv", "--engine", "rdflib")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].isdigit()


def test_a_saved_query_nested_too_deep_names_its_file(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "deep.rq").write_text(
        "#+ summary: too deep\nSELECT * WHERE " + "{ " * 40 + "?s ?p ?o " + "} " * 40 + "\n",
        encoding="utf-8",
    )
    result = run(runner, "query", "deep", "--queries", str(tmp_path))
    assert result.exit_code == 2
    assert "deep.rq: the query nests groups, parentheses or brackets 40 deep" in result.output


def test_xml_results_format(runner: CliRunner, tmp_path: Path) -> None:
    """``--format xml`` (and ``-o FILE.srx``) writes the SPARQL Query Results XML Format, with
    the rows ``--format json`` gives."""
    from cyberflag.sparql.answers import parse_results

    xml = ok(run(runner, "query", "people", "--format", "xml"))
    as_json = ok(run(runner, "query", "people", "--format", "json"))
    assert parse_results(xml.encode(), "SELECT", "application/sparql-results+xml") == (
        parse_results(as_json.encode(), "SELECT", "application/sparql-results+json")
    )
    target = tmp_path / "people.srx"
    ok(run(runner, "query", "people", "-o", str(target)))
    assert target.read_text(encoding="utf-8") == xml
    ask = ok(run(runner, "sparql", "ASK { ?s ?p ?o }", "--format", "xml"))
    assert "<boolean>true</boolean>" in ask
