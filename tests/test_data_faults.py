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
