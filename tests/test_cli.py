"""The command line, through click's CliRunner: exit codes, stdout, stderr."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Dataset, Graph

import cyberflag
from cyberflag.cli import cli
from cyberflag.output import format_term, render_table
from cyberflag.store import display_path, load, parse_turtle

from conftest import FIXTURE_DATA, assert_isomorphic


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
    }
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
    for command in ("stats", "export", "validate"):
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


@dataclass(frozen=True)
class FakeFinding:
    focus: str
    path: str | None
    message: str
    severity: str
    shape: str
    value: str | None


@dataclass(frozen=True)
class FakeReport:
    conforms: bool
    findings: tuple[FakeFinding, ...]


def fake_validate(monkeypatch: pytest.MonkeyPatch, report: FakeReport) -> list[Graph]:
    """Stand in for cyberflag.validate (pySHACL is slow); returns the graphs it was given."""
    seen: list[Graph] = []

    def validate_graph(
        data: Graph, *, ontology: Graph | None = None, shapes: Graph | None = None
    ) -> FakeReport:
        seen.append(data)
        return report

    module = types.ModuleType("cyberflag.validate")
    module.validate_graph = validate_graph  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cyberflag.validate", module)
    monkeypatch.setattr(cyberflag, "validate", module, raising=False)
    return seen


CF = "https://w3id.org/cyberflag/ontology#"
CFD = "https://w3id.org/cyberflag/id/"


def test_validate_reports_each_finding_with_its_file(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, fixture_data: Path
) -> None:
    seen = fake_validate(
        monkeypatch,
        FakeReport(
            False,
            (
                FakeFinding(
                    CFD + "statement/example-warning",
                    CF + "speaker",
                    "A statement needs exactly one cf:speaker.",
                    "Violation",
                    CF + "StatementShape-speaker",
                    None,
                ),
                FakeFinding(
                    CFD + "org/example-charity",
                    "http://www.w3.org/2004/02/skos/core#altLabel",
                    "An alias should be\n verbatim.",
                    "Warning",
                    CF + "OrgShape-altLabel",
                    '"Example  Charity"',
                ),
            ),
        ),
    )
    result = run(runner, "validate", "--data", str(fixture_data))
    assert result.exit_code == 1
    assert len(seen) == 1
    assert len(seen[0]) == len(load(fixture_data).data_union())
    article = FIXTURE_DATA / "articles" / "example-article.ttl"
    out = result.stdout
    assert "Violation: cfd:statement/example-warning\n" in out
    assert f"  file:    {display_path(article)}\n" in out
    assert "  path:    cf:speaker\n" in out
    assert "  message: A statement needs exactly one cf:speaker.\n" in out
    assert "  shape:   cf:StatementShape-speaker\n" in out
    assert "Warning: cfd:org/example-charity\n" in out
    assert "entities.ttl\n" in out
    assert "  message: An alias should be verbatim.\n" in out  # one line per field
    assert '  value:   "Example  Charity"\n' in out
    assert out.endswith("The data does not conform: 2 findings (1 Violation, 1 Warning).\n")


def test_validate_conforming_exits_zero(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, fixture_data: Path
) -> None:
    fake_validate(monkeypatch, FakeReport(True, ()))
    result = run(runner, "validate", "--data", str(fixture_data))
    assert result.exit_code == 0
    assert result.stdout == "The data conforms to the shapes: 0 findings.\n"


def test_validate_fixture_with_real_shapes(runner: CliRunner, fixture_data: Path) -> None:
    """The fixture is meant to be valid in the model: no finding may point into its files."""
    pytest.importorskip("cyberflag.validate")
    result = run(runner, "validate", "--data", str(fixture_data))
    assert result.exit_code in (0, 1), result.stderr
    assert result.stdout.rstrip().splitlines()[-1].startswith("The data ")
    assert str(fixture_data) not in result.stdout, result.stdout
    assert "fixtures/data" not in result.stdout, result.stdout


# --- output helpers -------------------------------------------------------------------------------


def test_render_table_aligns_numbers_right() -> None:
    assert render_table([("a", 1), ("longer", 100)]) == "a         1\nlonger  100\n"
    assert render_table([("x", 2)], headers=("name", "n")) == "name  n\n----  -\nx     2\n"


def test_format_term_prefers_prefixes() -> None:
    from rdflib import Literal, URIRef

    assert format_term(URIRef(CFD + "span/a/1-2")) == "cfd:span/a/1-2"
    assert format_term(URIRef("http://example.org/x")) == "<http://example.org/x>"
    assert format_term(Literal("“q”")) == '"“q”"'
    assert format_term(None) == "-"
