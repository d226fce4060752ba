"""The command line's table manners (#11): no line wider than ``--width``, the record view,
``--columns``, display width, one format vocabulary.

Through click's CliRunner on the shipped data, asserting exit code and output.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner, Result

from cyberflag.cli import COMMANDS, cli
from cyberflag.queries import catalogue
from cyberflag.text.width import width as display_width

SAVED = [q.name for q in catalogue.all_queries()]


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def usage_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("cyberflag: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def widest(text: str) -> int:
    return max(display_width(line) for line in text.splitlines())


def records(text: str) -> list[dict[str, str]]:
    """Record-view output read back as ``{field: value}``, continuation lines joined by a space."""
    out: list[dict[str, str]] = []
    field = ""
    for line in text.splitlines():
        if re.fullmatch(r"-\[ RECORD \d+ \]-*", line):
            out.append({})
            continue
        name, bar, value = line.partition(" |")
        assert bar, line
        if name.strip():
            field = name.strip()
            out[-1][field] = value.strip()
        else:
            out[-1][field] = (out[-1][field] + " " + value.strip()).strip()
    return out


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COLUMNS", "CYBERFLAG_DATA", "CYBERFLAG_QUERIES"):
        monkeypatch.delenv(name, raising=False)


# --- no line wider than --width -------------------------------------------------------------------


@pytest.mark.parametrize("name", SAVED)
@pytest.mark.parametrize("width", ["80", "50"])
def test_every_saved_query_fits_the_width(runner: CliRunner, name: str, width: str) -> None:
    assert widest(ok(run(runner, "query", name, "--width", width))) <= int(width)


def test_default_width_when_piped_is_80(runner: CliRunner) -> None:
    out = ok(run(runner, "query", "who-said-what"))
    assert widest(out) <= 80
    assert out.startswith("-[ RECORD 1 ]")


@pytest.mark.parametrize("width", ["80", "60", "40"])
def test_who_said_fits_the_width(runner: CliRunner, width: str) -> None:
    assert widest(ok(run(runner, "who-said", "--width", width))) <= int(width)
    assert widest(ok(run(runner, "who-said", "--format", "records", "--width", width))) <= int(
        width
    )


def test_width_zero_is_unlimited_and_keeps_the_table(runner: CliRunner) -> None:
    out = ok(run(runner, "query", "people", "--width", "0"))
    assert out.splitlines()[0].split()[:2] == ["person", "name"]
    assert widest(out) > 300  # one line per row, as before


def test_a_table_that_fits_stays_a_table(runner: CliRunner) -> None:
    out = ok(run(runner, "query", "triples", "--width", "80"))
    assert out.splitlines()[0].split() == ["dataTriples", "allTriples"]
    assert "RECORD" not in out


# --- records --------------------------------------------------------------------------------------


def test_records_show_every_field_of_every_row(runner: CliRunner) -> None:
    document = json.loads(ok(run(runner, "query", "people", "--format", "json")))
    variables = document["head"]["vars"]
    rows = document["results"]["bindings"]
    out = ok(run(runner, "query", "people", "--format", "records", "--width", "0"))
    got = records(out)
    assert len(got) == len(rows)
    assert [list(record) for record in got] == [variables] * len(rows)
    for record, row in zip(got, rows, strict=True):
        assert record["name"] == row["name"]["value"]
        for variable in variables:
            if variable not in row:  # unbound: the field is there, empty
                assert record[variable] == ""
    assert "\nparentOrganisation      |\n" in out


def test_records_wrap_values_under_the_value(runner: CliRunner) -> None:
    wide = records(ok(run(runner, "query", "people", "--format", "records", "--width", "0")))
    out = ok(run(runner, "query", "people", "--format", "records", "--width", "60"))
    assert widest(out) <= 60
    lines = out.splitlines()
    bar = lines[1].index(" | ")
    assert all(line[bar:bar + 2] == " |" for line in lines if not line.startswith("-["))
    narrow = records(out)
    # wrapped at spaces or inside a long word: the words are the same, spaces aside
    assert [{k: v.replace(" ", "") for k, v in r.items()} for r in narrow] == [
        {k: v.replace(" ", "") for k, v in r.items()} for r in wide
    ]


def test_records_for_sparql_and_an_empty_result(runner: CliRunner) -> None:
    query = "SELECT ?x ?y WHERE { VALUES (?x ?y) { (1 UNDEF) } }"
    assert ok(run(runner, "sparql", query, "--format", "records")) == (
        "-[ RECORD 1 ]\nx | 1\ny |\n"
    )
    empty = "SELECT ?x WHERE { FILTER(false) }"
    assert ok(run(runner, "sparql", empty, "--format", "records")) == "(0 rows)\n"


def test_who_said_records_name_speaker_and_article_in_every_record(runner: CliRunner) -> None:
    out = ok(run(runner, "who-said", "--person", "Bailey", "--format", "records"))
    got = records(out)
    assert [list(r) for r in got] == [
        ["date", "speaker, role", "kind", "verb", "words", "reported in"]
    ] * 2
    assert [r["kind"] for r in got] == ["partial", "direct"]
    for record in got:  # the table names them once; each record stands alone
        assert record["speaker, role"].startswith("Simon Bailey Chief Constable")
        assert "Police Professional" in record["reported in"]


# --- --columns ------------------------------------------------------------------------------------


def test_columns_choose_and_order_in_every_format(runner: CliRunner) -> None:
    args = ("query", "people", "--columns", "name,person")
    header = next(csv.reader(io.StringIO(ok(run(runner, *args, "--format", "csv")))))
    assert header == ["name", "person"]
    assert ok(run(runner, *args, "--format", "tsv")).splitlines()[0] == "?name\t?person"
    assert json.loads(ok(run(runner, *args, "--format", "json")))["head"]["vars"] == [
        "name", "person",
    ]
    first = ok(run(runner, *args, "--format", "jsonl")).splitlines()[0]
    assert list(json.loads(first)) == ["name", "person"]
    assert ok(run(runner, *args)).splitlines()[0].split() == ["name", "person"]
    assert list(records(ok(run(runner, *args, "--format", "records")))[0]) == ["name", "person"]
    repeated = ("query", "people", "--columns", "name", "--columns", "person", "--format", "csv")
    assert ok(run(runner, *repeated)) == ok(run(runner, *args, "--format", "csv"))


def test_columns_keep_every_row(runner: CliRunner) -> None:
    full = json.loads(ok(run(runner, "query", "articles", "--format", "json")))
    some = json.loads(ok(run(
        runner, "query", "articles", "--format", "json", "--columns", "headline"
    )))
    assert [b.get("headline") for b in some["results"]["bindings"]] == [
        b.get("headline") for b in full["results"]["bindings"]
    ]


def test_unknown_column_is_refused_with_a_suggestion(runner: CliRunner) -> None:
    err = usage_error(run(runner, "query", "people", "--columns", "name,persn"))
    assert "no column 'persn'" in err
    assert "did you mean 'person'?" in err
    assert "the columns are person, name, role," in err


def test_columns_need_solutions(runner: CliRunner) -> None:
    err = usage_error(run(runner, "sparql", "ASK { ?s ?p ?o }", "--columns", "x"))
    assert "--columns picks among a SELECT query's variables; this is a boolean" in err


def test_who_said_columns_select_among_the_query_variables(runner: CliRunner) -> None:
    out = ok(run(runner, "who-said", "--person", "Bailey", "--columns", "kind,speakerName"))
    lines = out.splitlines()
    assert lines[0].split() == ["kind", "speakerName"]
    assert [line.split(None, 1) for line in lines[2:]] == [
        ["partial", "Simon Bailey"], ["direct", "Simon Bailey"],
    ]
    err = usage_error(run(runner, "who-said", "--columns", "date,speakr"))
    assert "no column 'speakr' in the results; did you mean 'speaker'?" in err
    assert "the columns are date, earliest, latest," in err  # the query's, not the table's


# --- display width --------------------------------------------------------------------------------

WIDE = "SELECT ?name ?note WHERE { VALUES (?name ?note) { " \
    '("東京都" "wide") ("Zoe\u0308" "combining") ("Zoe" "plain") } }'


def test_wide_and_combining_characters_stay_aligned(runner: CliRunner) -> None:
    lines = ok(run(runner, "sparql", WIDE, "--width", "0")).splitlines()
    assert lines[0] == "name    note"
    assert lines[2:] == ["東京都  wide", "Zoe\u0308     combining", "Zoe     plain"]
    column = {display_width(line[: line.index(note)]) for line, note in zip(
        lines[2:], ("wide", "combining", "plain"), strict=True
    )}
    assert column == {8}


def test_records_align_wide_field_values(runner: CliRunner) -> None:
    query = 'SELECT ?名前 ?x WHERE { VALUES (?名前 ?x) { ("東京都" "Zoe\u0308") } }'
    out = ok(run(runner, "sparql", query, "--format", "records"))
    assert out == "-[ RECORD 1 ]\n名前 | 東京都\nx    | Zoe\u0308\n"


def test_wide_text_wraps_by_columns(runner: CliRunner) -> None:
    words = "東京都の子ども " * 12
    query = f'SELECT ?a ?b WHERE {{ VALUES (?a ?b) {{ ("x" "{words.strip()}") }} }}'
    out = ok(run(runner, "sparql", query, "--width", "30"))
    assert widest(out) <= 30
    assert "".join(line[3:].replace(" ", "") for line in out.splitlines()[2:]) == (
        words.replace(" ", "")
    )


# --- one format vocabulary ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("stats",), ("queries",), ("queries", "people"), ("validate", "--layer", "syntax"),
     ("query", "triples"), ("who-said", "--person", "Bailey")],
)
def test_text_is_the_human_format_and_table_its_alias(runner: CliRunner, args: tuple[str]) -> None:
    text = ok(run(runner, *args, "--format", "text"))
    assert ok(run(runner, *args, "--format", "table")) == text
    assert ok(run(runner, *args, "--format", "TABLE")) == text
    listed = re.search(r"--format \[([a-z|]+)\]", ok(run(runner, args[0], "-h")))
    assert listed is not None
    assert "text" in listed[1].split("|")
    assert "table" not in listed[1].split("|")


# --- help -----------------------------------------------------------------------------------------

IRI = re.compile(r"https?://[^\s),>]+")


def help_text(runner: CliRunner, command: str, **settings: int) -> str:
    result = runner.invoke(cli, [command, "-h"] if command else ["-h"], **settings)  # type: ignore[arg-type]
    return ok(result)


@pytest.mark.parametrize("command", ["", *sorted(COMMANDS)])
@pytest.mark.parametrize("width", [40, 60, 80])
def test_help_never_cuts_an_iri_or_a_hyphenated_word(
    runner: CliRunner, command: str, width: int
) -> None:
    unwrapped = help_text(runner, command, terminal_width=1000, max_content_width=1000)
    lines = help_text(runner, command, terminal_width=width).splitlines()
    for iri in set(IRI.findall(unwrapped)):
        assert any(iri in line for line in lines), (iri, width)
    assert not [line for line in lines if re.search(r"[a-z]-$", line)]


def test_help_has_iris_to_keep_whole(runner: CliRunner) -> None:
    narrow = help_text(runner, "who-said", terminal_width=40)
    assert "https://w3id.org/cyberflag/id/graph/)." in narrow.split()
    assert "police-recorded" in help_text(runner, "", terminal_width=80).split()
