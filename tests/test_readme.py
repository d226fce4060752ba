"""The README's transcripts are true: every ``$ cyberflag ...`` in it gives the output shown.

A transcript is a fenced block whose lines start with ``$ cyberflag``; the command runs until its
quotes close (a SPARQL query may span lines), and its output is every line up to the next ``$``.
A transcript the text calls "(trimmed)" must show lines the command prints, in order (``...``
marks where lines were left out); every other one must match exactly. The shared-server section
is run against a real Oxigraph server in ``tests/test_remote.py``.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyberflag.cli import cli

REPO = Path(__file__).resolve().parent.parent
SERVER_SECTION = "## Using a shared server\n"


def transcripts() -> list[tuple[str, str, bool]]:
    """``(command line, expected output, trimmed)`` for each local transcript in the README."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    before, _, after = text.partition(SERVER_SECTION)
    text = before + "\n## ".join(["", *after.split("\n## ")[1:]])
    found: list[tuple[str, str, bool]] = []
    for match in re.finditer(r"```\n(\$ cyberflag .*?)```", text, flags=re.S):
        block = match.group(1)
        intro = text[: match.start()].rstrip("\n").rsplit("\n\n", 1)[-1]
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            command = lines[i][2:]
            i += 1
            while not complete(command) and i < len(lines):
                command += "\n" + lines[i]
                i += 1
            output = []
            while i < len(lines) and not lines[i].startswith("$ "):
                output.append(lines[i])
                i += 1
            found.append((command, "".join(line + "\n" for line in output), "trimmed" in intro))
    return found


def complete(command: str) -> bool:
    try:
        shlex.split(command)
    except ValueError:  # an open quote: the command goes on
        return False
    return True


def run(command: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The output of one transcript line, as a terminal 80 columns wide shows it (stdout and
    stderr together); ``| head -N`` is applied here."""
    pipeline = command.split(" | head -")
    args = shlex.split(pipeline[0])
    assert args[0] == "cyberflag", command
    monkeypatch.chdir(REPO)  # messages name files relative to the working directory
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setenv("CYBERFLAG_DATA", "data")  # the checkout's data, as the README shows it
    result = CliRunner().invoke(cli, args[1:], prog_name="cyberflag")
    output = result.output
    if len(pipeline) == 2:
        output = "".join(output.splitlines(True)[: int(pipeline[1])])
    return output


TRANSCRIPTS = transcripts()


def test_the_readme_has_transcripts() -> None:
    """Guard against a parser that finds nothing and a test that then checks nothing."""
    commands = [c.split()[1] for c, _, _ in TRANSCRIPTS]
    assert {"stats", "validate", "who-said", "queries", "query", "sparql"} <= set(commands)
    assert len(TRANSCRIPTS) >= 10


@pytest.mark.parametrize(
    ("command", "expected", "trimmed"), TRANSCRIPTS, ids=[c[:60] for c, _, _ in TRANSCRIPTS]
)
def test_transcript(
    command: str, expected: str, trimmed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    actual = run(command, monkeypatch)
    if not trimmed:
        assert actual == expected, f"$ {command}"
        return
    lines = iter(actual.splitlines())
    shown = [line for line in expected.splitlines() if line != "..."]  # "...": lines left out
    missing = [line for line in shown if line not in lines]
    assert not missing, f"$ {command}: not printed, in this order: {missing}"
