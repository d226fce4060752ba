"""``cyberflag queries --check`` and the syntax layer of ``validate``: constructs known to give
different answers on different SPARQL engines, named with the engine and ``file:line``.

Each flagged construct below is one that Virtuoso (or every engine) really answered differently
in tests/test_virtuoso.py's differential runs before the saved queries were rewritten (#14).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cyberflag.checks.findings import WARNING
from cyberflag.checks.layers.syntax import query_findings
from cyberflag.cli import cli
from cyberflag.queries import catalogue
from cyberflag.queries.portability import ANY, VIRTUOSO, check

HEADER = "#+ summary: A query\n#+ params: []\n"
KEYS = " ".join(f"?k{n}" for n in range(21))


@pytest.mark.parametrize(
    ("body", "engine", "words"),
    [
        ("SELECT ?g WHERE { GRAPH ?g { } }", VIRTUOSO, "empty GRAPH pattern"),
        ("SELECT ?s WHERE { BIND (?_speaker AS ?s) ?s ?p ?o }", VIRTUOSO, "BIND of ?_speaker"),
        ("SELECT (GROUP_CONCAT(?o) AS ?all) WHERE { ?s ?p ?o }", ANY, "GROUP_CONCAT's order"),
        ("PREFIX bif: <bif:> SELECT ?s WHERE { ?s ?p ?o FILTER (bif:contains(?o, 'x')) }",
         VIRTUOSO, "bif:contains() is Virtuoso's own"),
        ("PREFIX ex: <http://example.org/> SELECT ?s WHERE { ?s ?p ?o BIND (ex:f(?o) AS ?x) }",
         ANY, "ex:f() is not a SPARQL 1.1 function"),
        ("SELECT ?s (IF(COUNT(?o) = 1, 'one', 'more') AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s",
         VIRTUOSO, "an aggregate in IF's condition"),
        (f"SELECT {KEYS} WHERE {{ ?s ?p ?o }} GROUP BY {KEYS}", VIRTUOSO, "GROUP BY over 21 keys"),
        ("SELECT ?s WHERE { ?s ?p ?o FILTER (EXISTS { ?s ?q 1 } || EXISTS { ?s ?q 2 }) }",
         VIRTUOSO, "several EXISTS in one FILTER"),
        ("SELECT ?o WHERE { ?s ?p ?o } ORDER BY LCASE(STR(?o))", VIRTUOSO,
         "write STR(LCASE(...))"),
    ],
)
def test_construct_is_flagged_with_engine_and_line(body: str, engine: str, words: str) -> None:
    text = "# a comment: GRAPH ?g { } GROUP_CONCAT( in a comment is not flagged\n" + body
    issues = check(text)
    assert [(i.line, i.engine) for i in issues] == [(2, engine)], issues
    assert words in issues[0].message


@pytest.mark.parametrize(
    "body",
    [
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT ?x WHERE { ?s ?p ?o BIND (xsd:integer(?o) AS ?x) }",
        "SELECT ?x WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?v } BIND (COALESCE(?v, 0) AS ?x) }",
        "SELECT ?x WHERE { ?s ?p ?o BIND (IF(EXISTS { ?s ?q ?v }, 1, 0) AS ?x) }",
        "SELECT ?s WHERE { ?s ex:p/(ex:q|ex:r) ?o }",  # a path, not a call of ex:p
        "SELECT ?s (IF(?n = 1, 'one', 'more') AS ?m) WHERE { { SELECT ?s (COUNT(?o) AS ?n) "
        "WHERE { ?s ?p ?o } GROUP BY ?s } }",
        "SELECT ?o WHERE { ?s ?p ?o } ORDER BY STR(LCASE(?o))",
        "SELECT ?s WHERE { ?s ?p ?o FILTER ('GROUP_CONCAT(' != STR(?o)) }",
    ],
)
def test_portable_constructs_are_not_flagged(body: str) -> None:
    assert check(body) == []


def test_shipped_queries_are_portable(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["queries", "--check"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{len(catalogue.names())} saved queries checked: none known to differ between engines\n"
    )


def write_query(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.rq"
    path.write_text(HEADER + body + "\n", encoding="utf-8")
    return path


def test_check_names_file_line_and_engine(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "queries"
    write_query(folder, "graphs", "SELECT DISTINCT ?g\nWHERE { GRAPH ?g { } }")
    write_query(folder, "fine", "SELECT ?s WHERE { ?s ?p ?o }")
    result = runner.invoke(cli, ["queries", "--check", "--queries", str(folder)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].endswith("graphs.rq:4: Virtuoso: empty GRAPH pattern: Virtuoso matches it in "
                             "no graph, so ?g lists nothing; use GRAPH ?g { ?s ?p ?o }")
    assert lines[1:] == ["2 saved queries checked: 1 construct to look at"]
    one = runner.invoke(cli, ["queries", "fine", "--check", "--queries", str(folder)])
    assert (one.exit_code, one.stdout) == (0, "1 saved query checked: none known to differ "
                                           "between engines\n")


def test_validate_warns_of_each_construct(tmp_path: Path) -> None:
    folder = tmp_path / "queries"
    write_query(folder, "sorted", "SELECT ?o WHERE { ?s ?p ?o }\nORDER BY UCASE(STR(?o))")
    count, findings = query_findings(folder)
    assert count == 1
    assert [(f.severity, f.file, f.message.split(": ")[0:2]) for f in findings] == [
        (WARNING, "sorted.rq", ["sorted.rq:4", "Virtuoso"])
    ]
