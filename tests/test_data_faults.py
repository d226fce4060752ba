"""Faults in a data folder that once gave tracebacks (issue #16): symbolic links that loop or lead
back into the data, so that files would be read twice or for ever."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyberflag.cli import cli
from cyberflag.rdf import files, resources


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(resources.data_dir(), target)
    return target


def test_links_back_into_the_data_are_not_followed(data: Path, tmp_path: Path) -> None:
    before = [p.relative_to(data) for p in files.data_files(data)]
    (data / "loop").symlink_to(".")  # a loop
    (data / "again").symlink_to("articles")  # the same files under another name
    (data / "articles" / "up").symlink_to(data)  # a loop through a parent
    (data / "articles" / "twin.ttl").symlink_to(data / "entities.ttl")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(data / "concepts.ttl", outside / "more.ttl")
    (data / "extra").symlink_to(outside)  # outside the data: followed
    after = [p.relative_to(data) for p in files.data_files(data)]
    assert after == sorted([*before, Path("extra/more.ttl")], key=lambda p: p.as_posix())


def test_commands_run_on_a_folder_with_a_link_loop(data: Path) -> None:
    runner = CliRunner()
    expected = runner.invoke(cli, ["who-said", "--person", "Bailey", "--data", str(data)])
    (data / "loop").symlink_to(".")
    (data / "articles" / "up").symlink_to("..")
    for args in (["validate"], ["stats"], ["export", "--format", "nt"]):
        result = runner.invoke(cli, [*args, "--data", str(data)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["who-said", "--person", "Bailey", "--data", str(data)])
    assert (result.exit_code, result.output) == (0, expected.output)


def nested(depth: int) -> str:
    """An organisation whose blank nodes nest ``depth`` deep (``[ ... [ ... ] ]``)."""
    return (
        "@prefix schema: <http://schema.org/> .\n"
        "<https://w3id.org/cyberflag/id/org/nspcc> schema:knowsAbout "
        + "[ schema:knowsAbout " * depth + '"x"' + " ]" * depth + " .\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ("export", "--format", "turtle"),
        ("export", "--format", "jsonld"),
        ("sparql", "DESCRIBE <https://w3id.org/cyberflag/id/org/nspcc>"),
        ("stats",),
    ],
)
def test_blank_nodes_nested_too_deep_are_one_line(data: Path, command: tuple[str, ...]) -> None:
    """400 levels made export to Turtle and JSON-LD fail with RecursionError (and DESCRIBE grow
    with the square of the depth): refused when the file is read, exit 2."""
    (data / "deep.ttl").write_text(nested(400), encoding="utf-8")
    result = CliRunner().invoke(cli, [*command, "--data", str(data)])
    assert result.exit_code == 2, result.output
    assert result.output.endswith(
        "deep.ttl: blank nodes nested 400 deep; at most 64 are allowed (deeper ones cannot be "
        "written back as Turtle or JSON-LD)\n"
    )
    assert result.output.count("\n") == 1


def test_validate_reports_nesting_as_a_syntax_finding(data: Path) -> None:
    (data / "deep.ttl").write_text(nested(65), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--data", str(data), "--layer", "syntax"])
    assert result.exit_code == 1
    assert "deep.ttl: blank nodes nested 65 deep; at most 64 are allowed" in " ".join(
        result.output.split()
    )


def test_nesting_up_to_the_limit_is_written(data: Path) -> None:
    (data / "deep.ttl").write_text(nested(64), encoding="utf-8")
    for fmt in ("turtle", "jsonld", "nt", "trig"):
        result = CliRunner().invoke(cli, ["export", "--format", fmt, "--data", str(data)])
        assert result.exit_code == 0, result.output


def test_nesting_depth_is_measured_without_recursion() -> None:
    chain = {str(i): [str(i + 1)] for i in range(100_000)}
    assert files.nesting_depth(chain) == 100_001
    assert files.nesting_depth({"a": ["b"], "b": ["a"]}) == 2  # a cycle, once round
    assert files.nesting_depth({}) == 0


def test_a_long_list_is_not_nesting_and_is_written(data: Path) -> None:
    """An RDF list is a chain of blank nodes; 200 items are long, not deep: read, and written
    back by every format (the Turtle writer labels cells beyond 32 levels instead of recursing)."""
    items = " ".join(f'"item {i}"' for i in range(200))
    (data / "long.ttl").write_text(
        "<https://w3id.org/cyberflag/id/org/nspcc> <http://schema.org/keywords> "
        f"( {items} ) .\n",
        encoding="utf-8",
    )
    for fmt in ("turtle", "nt", "trig", "jsonld"):
        result = CliRunner().invoke(cli, ["export", "--format", fmt, "--data", str(data)])
        assert result.exit_code == 0, result.output
        assert "item 199" in result.output
