"""The command line, through click's CliRunner: exit codes, stdout, stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Dataset, Graph

import cyberflag
from cyberflag.cli import cli
from cyberflag.rdf.graphs import load, parse_turtle
from cyberflag.text.table import render_table

from conftest import assert_isomorphic


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


def assert_one_line_error(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("cyberflag: error: ")
    assert result.stderr.count("\n") == 1, "exactly one line on stderr"
    assert "Traceback" not in result.stderr
    return result.stderr


# --- the group ------------------------------------------------------------------------------------


def test_version(runner: CliRunner) -> None:
    result = run(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout == f"cyberflag {cyberflag.__version__}\n"
    assert cyberflag.__version__ == "0.1.0"


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_lists_commands_and_exit_codes(runner: CliRunner, flag: str) -> None:
    result = run(runner, flag)
    assert result.exit_code == 0
    for command in ("validate", "export", "stats"):
        assert command in result.stdout
    assert "Exit codes:" in result.stdout
    assert "2  usage or input error" in result.stdout


@pytest.mark.parametrize("command", ["validate", "export", "stats"])
def test_command_help(runner: CliRunner, command: str) -> None:
    result = run(runner, command, "-h")
    assert result.exit_code == 0
    assert "--data DIR" in result.stdout
    assert "Exit codes:" in result.stdout


@pytest.mark.parametrize(
    ("command", "failure"),
    [("export", None), ("conflicts", None),
     ("who-said", "the SPARQL server (--endpoint) failed"),
     ("stats", "the SPARQL server (--endpoint) failed"),
     ("push", "the server failed, or it does not hold exactly what was sent")],
)
def test_each_command_lists_its_own_exit_codes(
    runner: CliRunner, command: str, failure: str | None
) -> None:
    epilog = run(runner, command, "-h").stdout.split("Exit codes:", 1)[1]
    assert "0  success" in epilog
    assert "2  usage or input error" in epilog
    if failure is None:  # code 1 is not listed where the command cannot fail that way
        assert "  1  " not in epilog
    else:
        assert f"1  {failure}" in epilog
    assert "validate" not in epilog


def test_unknown_command_and_option_are_usage_errors(runner: CliRunner) -> None:
    assert run(runner, "frobnicate").exit_code == 2
    assert run(runner, "stats", "--format", "xml").exit_code == 2


# --- stats ----------------------------------------------------------------------------------------


def test_stats_table(runner: CliRunner, fixture_data: Path) -> None:
    result = run(runner, "stats", "--data", str(fixture_data))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    expected = {
        "articles": 1,
        "people": 2,
        "organisations": 3,
        "statements": 2,
        "direct quotes": 1,
        "partial quotes": 0,
        "reported speech": 1,
        "statistics (observations)": 1,
        "campaigns": 1,
        "asks": 1,
        "events and documents": 1,
        "reports": 3,
    }
    table = {line.rsplit(None, 1)[0].strip(): int(line.rsplit(None, 1)[1]) for line in lines}
    for label, count in expected.items():
        assert table[label] == count, label
    assert lines[4].startswith("  direct quotes")  # parts indented under their total
    assert table["triples (data)"] < table["triples (data and ontology)"]
    assert result.stderr == ""


def test_stats_json(runner: CliRunner, fixture_data: Path) -> None:
    result = run(runner, "stats", "--data", str(fixture_data), "--format", "json")
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    assert stats["articles"] == 1
    assert stats["statements"] == {
        "total": 2,
        "direct_quote": 1,
        "partial_quote": 0,
        "reported_speech": 1,
        "headline_claim": 0,
        "publication_claim": 0,
    }
    assert stats["external_facts"] == 0
    assert stats["triples"]["data"] == len(load(fixture_data).data_union())
    assert stats["triples"]["with_ontology"] == len(load(fixture_data).union())


def test_stats_reads_data_dir_from_environment(runner: CliRunner, fixture_data: Path) -> None:
    result = run(runner, "stats", "--format", "json", env={"CYBERFLAG_DATA": str(fixture_data)})
    assert json.loads(result.stdout)["articles"] == 1


def test_stats_on_shipped_data(runner: CliRunner, shipped_data: Path) -> None:
    result = run(runner, "stats", "--format", "json")
    assert result.exit_code == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["articles"] == len(list((shipped_data / "articles").glob("*.ttl")))
    for key in ("people", "organisations", "statistics", "reports"):
        assert stats[key] > 0, key
    assert (
        stats["statements"]["total"]
        == sum(v for k, v in stats["statements"].items() if k != "total")
        > 0
    )


def test_missing_data_dir_is_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    err = assert_one_line_error(run(runner, "stats", "--data", str(tmp_path / "nope")))
    assert "data directory not found" in err


def test_syntax_error_is_one_line_with_position(runner: CliRunner, data_copy: Path) -> None:
    bad = data_copy / "entities.ttl"
    bad.write_text("<http://a> <http://b> .\n", encoding="utf-8")
    for command in ("stats", "export"):  # validate reports it as a finding: test_cli_validate
        err = assert_one_line_error(run(runner, command, "--data", str(data_copy)))
        assert err.startswith(f"cyberflag: error: {bad}:1:")


# --- export ---------------------------------------------------------------------------------------

ROUND_TRIP = [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]


@pytest.mark.parametrize(("fmt", "rdflib_format"), ROUND_TRIP)
def test_export_merged_formats_round_trip(
    runner: CliRunner, fixture_data: Path, fmt: str, rdflib_format: str
) -> None:
    result = run(runner, "export", "--format", fmt, "--data", str(fixture_data))
    assert result.exit_code == 0, result.stderr
    back = Graph().parse(data=result.stdout, format=rdflib_format)
    assert_isomorphic(load(fixture_data).union(), back)


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("trig", "trig"), ("nquads", "nquads")])
def test_export_keeps_one_named_graph_per_file(
    runner: CliRunner, fixture_data: Path, fmt: str, rdflib_format: str
) -> None:
    result = run(runner, "export", "--format", fmt, "--data", str(fixture_data))
    assert result.exit_code == 0, result.stderr
    back = Dataset().parse(data=result.stdout, format=rdflib_format)
    loaded = load(fixture_data)
    names = {g.identifier for g in back.graphs() if len(g)}
    assert names == set(loaded.files)
    for name in loaded.files:
        assert_isomorphic(loaded.dataset.graph(name), back.graph(name))


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nt", "nquads", "jsonld"])
def test_export_is_deterministic(runner: CliRunner, fixture_data: Path, fmt: str) -> None:
    first = run(runner, "export", "--format", fmt, "--data", str(fixture_data)).stdout
    second = run(runner, "export", "--format", fmt, "--data", str(fixture_data)).stdout
    assert first
    assert first == second


@pytest.mark.parametrize("fmt", ["jsonld", "turtle"])
def test_export_is_deterministic_across_processes(fixture_data: Path, fmt: str) -> None:
    # Python's string hashes differ from process to process (rdflib's JSON-LD order followed
    # them); one process cannot see that, so three with different hash seeds are compared.
    import os
    import subprocess
    import sys

    outputs = {
        subprocess.run(
            [sys.executable, "-m", "cyberflag", "export", "--format", fmt, "--data",
             str(fixture_data)],
            capture_output=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    (output,) = outputs
    if fmt == "jsonld":  # and the sorted document is still the same graph
        assert_isomorphic(
            load(fixture_data).union(), Graph().parse(data=output.decode(), format="json-ld")
        )


def test_export_line_formats_are_sorted(runner: CliRunner, fixture_data: Path) -> None:
    for fmt in ("nt", "nquads"):
        lines = run(runner, "export", "--format", fmt, "--data", str(fixture_data)).stdout
        assert lines.splitlines() == sorted(lines.splitlines())


def test_export_defaults_to_turtle_and_writes_file(
    runner: CliRunner, fixture_data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "graph.ttl"
    result = run(runner, "export", "-o", str(out), "--data", str(fixture_data))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("@prefix cf: ")
    assert_isomorphic(load(fixture_data).union(), parse_turtle(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]


def test_output_file_extension_names_the_format(
    runner: CliRunner, fixture_data: Path, tmp_path: Path
) -> None:
    # -o graph.nt writes N-Triples, as Jena's riot would; no Turtle in a .nt file
    nt = tmp_path / "graph.nt"
    assert run(runner, "export", "-o", str(nt), "--data", str(fixture_data)).exit_code == 0
    merged = Graph().parse(nt, format="nt")
    assert_isomorphic(load(fixture_data).union(), merged)
    assert not nt.read_text(encoding="utf-8").startswith("@prefix")
    # a query's rows: -o x.csv writes CSV, not a text table
    csv = tmp_path / "people.csv"
    result = run(runner, "query", "people", "-o", str(csv), "--data", str(fixture_data))
    assert result.exit_code == 0
    assert csv.read_text(encoding="utf-8").splitlines()[0].startswith("person,name,")
    # an explicit --format that contradicts the name is refused, and nothing is written
    clash = tmp_path / "clash.nt"
    result = run(runner, "export", "--format", "turtle", "-o", str(clash), "--data",
                 str(fixture_data))
    err = assert_one_line_error(result)
    assert "-o clash.nt names the nt format but --format is turtle" in err
    assert not clash.exists()
    # an unknown extension keeps the default
    other = tmp_path / "graph.rdf-out"
    assert run(runner, "export", "-o", str(other), "--data", str(fixture_data)).exit_code == 0
    assert other.read_text(encoding="utf-8").startswith("@prefix cf: ")


def test_export_to_missing_directory_is_an_error(
    runner: CliRunner, fixture_data: Path, tmp_path: Path
) -> None:
    result = run(
        runner, "export", "-o", str(tmp_path / "no" / "x.ttl"), "--data", str(fixture_data)
    )
    err = assert_one_line_error(result)
    assert "cannot write" in err


def test_export_shipped_data_round_trips(
    runner: CliRunner, shipped_data: Path, tmp_path: Path
) -> None:
    result = run(runner, "export")
    assert result.exit_code == 0, result.stderr
    expected = load(shipped_data).union()
    assert_isomorphic(expected, Graph().parse(data=result.stdout, format="turtle"))
    out = tmp_path / "export.ttl"
    out.write_text(result.stdout, encoding="utf-8")
    assert_isomorphic(expected, parse_turtle(out))  # pyoxigraph reads it too


# --- validate -------------------------------------------------------------------------------------


# --- output helpers -------------------------------------------------------------------------------


def test_render_table_aligns_numbers_right() -> None:
    assert render_table([("a", 1), ("longer", 100)]) == "a         1\nlonger  100\n"
    assert render_table([("x", 2)], headers=("name", "n")) == "name  n\n----  -\nx     2\n"


def test_short_iri_prefers_the_longest_namespace() -> None:
    from cyberflag.text.iri import PROJECT_PREFIXES, ordered, short_iri

    assert short_iri("https://w3id.org/cyberflag/id/span/a/1-2") == "cfd:span/a/1-2"
    assert short_iri("https://w3id.org/cyberflag/ontology#value") == "cf:value"
    assert short_iri("http://example.org/x") == "<http://example.org/x>"
    assert short_iri("http://example.org/x", ordered(PROJECT_PREFIXES), brackets=False) == (
        "http://example.org/x"
    )
    # a namespace alone is not shortened to an empty local name
    assert short_iri("http://schema.org/") == "<http://schema.org/>"


def test_engine_choices_match_the_engines() -> None:
    """The option lists the engines without importing pyoxigraph; the two lists must agree."""
    from cyberflag.cli.options import ENGINES as OFFERED
    from cyberflag.sparql.engines import ENGINES

    assert OFFERED == ENGINES
