"""The W3C RDF 1.1 Turtle test suite through the loader and ``cyberflag validate``.

Every negative-syntax file of the manifest, dropped into a data folder, must be rejected by
``validate`` with one ``file:line:column: message`` finding and no traceback; every positive-syntax
and evaluation input must load, and each evaluation input must give the triples its ``.nt`` file
lists. rdflib's own Turtle parser accepts dozens of the malformed files, which is why the loader
uses pyoxigraph.

The negative files are validated together, in one data folder (the syntax layer reads each file on
its own), and each case checks its own file's finding: one run of ``validate`` costs about as much
as the ontology, shapes and saved queries it reads, 94 runs about 16 s.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph

from cyberflag.cli import cli
from cyberflag.rdf import graphs

from conftest import W3C_BASE, W3C_DIR, assert_isomorphic, w3c_cases

NEGATIVE = w3c_cases("TestTurtleNegativeSyntax")
POSITIVE = w3c_cases("TestTurtlePositiveSyntax")
EVAL = w3c_cases("TestTurtleEval")
W3C = W3C_DIR
BASE = W3C_BASE


def test_manifest_counts() -> None:
    assert (len(NEGATIVE), len(POSITIVE), len(EVAL)) == (94, 74, 145)


@pytest.fixture(scope="module")
def negative_findings(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The JSON findings of ``validate --layer syntax`` on a data folder of every negative file."""
    data = tmp_path_factory.mktemp("w3c-negative") / "data"
    data.mkdir()
    for name, _ in NEGATIVE:
        shutil.copyfile(W3C / name, data / name)
    result = CliRunner().invoke(
        cli, ["validate", "--data", str(data), "--layer", "syntax", "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    findings: list[dict[str, Any]] = json.loads(result.output)["findings"]
    return findings


def test_every_negative_file_is_one_finding(negative_findings: list[dict[str, Any]]) -> None:
    """Nothing else is reported: no finding without a file, none for a file twice."""
    assert len(negative_findings) == len(NEGATIVE)


@pytest.mark.parametrize(("name", "_"), NEGATIVE, ids=[n for n, _ in NEGATIVE])
def test_negative_syntax_is_rejected_with_file_line_column(
    name: str, _: None, negative_findings: list[dict[str, Any]]
) -> None:
    findings = [f for f in negative_findings if f["message"].startswith(f"{name}:")]
    assert len(findings) == 1, negative_findings
    assert findings[0]["layer"] == "syntax"
    assert findings[0]["severity"] == "error"
    assert re.match(rf"^{re.escape(name)}:\d+(:\d+)?: \S", findings[0]["message"]), findings[0]


@pytest.mark.parametrize(("name", "_"), POSITIVE, ids=[n for n, _ in POSITIVE])
def test_positive_syntax_loads(name: str, _: None) -> None:
    graphs.parse_turtle(W3C / name, base_iri=BASE + name)


@pytest.mark.parametrize(("name", "expected"), EVAL, ids=[n for n, _ in EVAL])
def test_evaluation_input_gives_the_expected_triples(name: str, expected: str) -> None:
    got = graphs.parse_turtle(W3C / name, base_iri=BASE + name)
    assert_isomorphic(Graph().parse(W3C / expected, format="nt"), got)


def test_positive_files_pass_the_syntax_layer_as_data(tmp_path: Path) -> None:
    """Dropped into a data folder with no base given, every positive input still loads."""
    data = tmp_path / "data"
    data.mkdir()
    for name, _ in POSITIVE + EVAL:
        shutil.copyfile(W3C / name, data / name)
    result = CliRunner().invoke(cli, ["validate", "--data", str(data), "--layer", "syntax"])
    assert result.exit_code == 0, result.output
    assert f"{len({n for n, _ in POSITIVE + EVAL})} data files" in result.output
