"""``cyberflag validate`` and ``cyberflag conflicts`` on real data, through click's CliRunner."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cyberflag.checks import findings
from cyberflag.checks.findings import LAYERS
from cyberflag.cli import cli
from cyberflag.rdf import resources

A2 = "articles/npcc-spike-in-cyber-child-sex-abuse.ttl"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(resources.data_dir(), target)
    return target


def invoke(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def test_cli_layers_are_the_checks_layers() -> None:
    assert findings.LAYERS == LAYERS


def test_shipped_data_passes_every_layer() -> None:
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for layer in LAYERS:
        row = next(line for line in lines if line.startswith(f"  {layer} "))
        assert row.split()[1] == "passed", row
    # the node and its file do not fit 80 columns together: the file goes on the next line
    at = lines.index(
        "  [explained] cfd:observation/cyber-flagged-offences-12-months-to-june-2016"
    )
    assert lines[at + 1] == "    (articles/npcc-spike-in-cyber-child-sex-abuse.ttl)"
    assert all(len(line) <= 80 for line in lines)
    assert lines[-1] == "OK: 0 errors, 0 warnings, 1 explained conflict."


def test_json_report_is_machine_readable() -> None:
    result = invoke("validate", "--format", "json", "--layer", "arithmetic")
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["ok"] is True
    statuses = {row["layer"]: row["status"] for row in payload["layers"]}
    assert statuses["arithmetic"] == "passed"
    assert statuses["shapes"] == "skipped"
    rise = next(f for f in payload["findings"] if f["focus"].endswith("percentage-change-2016-17"))
    assert rise["detail"][0] == "working: (5,653 − 3,903) / 3,903 × 100 = 44.84"
    assert rise["file"] == A2


def test_broken_data_fails_with_an_actionable_finding(data: Path) -> None:
    path = data / A2
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('oa:exact "This can’t be left to chance."',
                                 'oa:exact "This cannot be left to chance."'), encoding="utf-8")
    result = invoke("validate", "--data", str(data), "--layer", "anchoring")
    assert result.exit_code == 1
    assert "quote does not occur in the source text" in result.output
    assert "closest passage:" in result.output
    # the report's own words no longer match its span either
    assert "cf:reportedWords differ from the report's spans" in result.output
    assert result.output.splitlines()[-1] == "FAILED: 2 errors, 0 warnings, 0 explained conflicts."


def test_shape_violation_is_reported_with_its_file(data: Path) -> None:
    path = data / A2
    text = path.read_text(encoding="utf-8")
    speaker = "    cf:speaker <https://w3id.org/cyberflag/id/person/simon-bailey> ;\n"
    path.write_text(text.replace(speaker, "", 1), encoding="utf-8")
    result = invoke("validate", "--data", str(data), "--layer", "shapes")
    assert result.exit_code == 1, result.output
    assert "shapes       failed" in result.output
    assert f"({A2})" in result.output


def test_syntax_error_is_a_finding_with_file_line_column(data: Path) -> None:
    (data / "entities.ttl").write_text("<http://a> <http://b> .\n", encoding="utf-8")
    result = invoke("validate", "--data", str(data), "--layer", "syntax")
    assert result.exit_code == 1
    assert "      entities.ttl:1:" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [("validate",), ("who-said", "--person", "Bailey")])
def test_a_byte_order_mark_is_named(data: Path, command: tuple[str, ...]) -> None:
    """A BOM made the parser's message show an invisible character; every command names it."""
    entities = data / "entities.ttl"
    entities.write_bytes(b"\xef\xbb\xbf" + entities.read_bytes())
    result = invoke(*command, "--data", str(data))
    assert result.exit_code in (1, 2)
    assert "entities.ttl:1:1: the file starts with a byte-order mark (U+FEFF)" in " ".join(
        result.output.split()
    )
    assert "\ufeff" not in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "broken",
    [b"<http://a> <http://b> .\n", b"@prefix : <x#> .\n:a :b :c ;;; @@\n", b"\xff\xfe\x00<"],
)
def test_an_unparsable_entities_file_is_a_syntax_finding(data: Path, broken: bytes) -> None:
    """A typo or invalid UTF-8 in entities.ttl, which every layer reads: the syntax layer says
    where, the others run on what parsed, and nothing crashes (once an AttributeError)."""
    (data / "entities.ttl").write_bytes(broken)
    result = invoke("validate", "--data", str(data))
    assert result.exit_code == 1, result.output
    assert "  syntax       failed" in result.output
    assert re.search(r"^      entities\.ttl:\d+:\d+: ", result.output, flags=re.M)
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_missing_data_directory_cannot_run(tmp_path: Path) -> None:
    result = invoke("validate", "--data", str(tmp_path / "missing"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "data directory not found" in result.stderr


def test_conflicts_lists_the_explained_conflict() -> None:
    result = invoke("conflicts", "--width", "0")
    assert result.exit_code == 0
    # the data directory's path depends on how the package was installed; the rest does not
    title, blank, first = result.output.splitlines()[:3]
    assert title.startswith("cyberflag conflicts: ")
    assert title.endswith(" (7 data files)")
    assert (blank, first.split()[:2]) == ("", ["consistency", "passed"])
    assert "skipped" not in result.output  # only the layer it runs
    assert "explained: Two different periods" in result.output
    assert "exactly 3903 for 2015-07-01 to 2016-06-30" in result.output


def test_conflicts_unexplained_is_a_warning(data: Path) -> None:
    path = data / "entities.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("a cf:ExplainedConflict ;", "a cf:Reviewed ;"), encoding="utf-8")
    result = invoke("conflicts", "--data", str(data), "--format", "json")
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert [f["severity"] for f in payload["findings"]] == ["warning"]
