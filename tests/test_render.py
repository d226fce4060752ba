"""Renderers: the W3C SPARQL 1.1 results formats byte for byte, and the table for people."""

from __future__ import annotations

import json
import textwrap

import pytest

from cyberflag.errors import InputError
from cyberflag.sparql.results import AskResult, GraphResult, SelectResult, Term
from cyberflag.text import render

XSD = "http://www.w3.org/2001/XMLSchema#"

RESULT = SelectResult(
    ("s", "o", "n"),
    [
        (Term.uri("https://w3id.org/cyberflag/id/person/a"), Term.literal('say "hi", then\nleave'),
         Term.literal("5", XSD + "integer")),
        (Term.bnode("b0"), Term.literal("colour", lang="en-GB"), None),
        (None, Term.literal("2017-06-01", XSD + "date"), Term.literal("tab\there")),
        (Term.uri("http://example.org/a b>"), Term.literal(""), Term.literal("back\\slash")),
    ],
)


def test_json_is_w3c_results_json() -> None:
    assert json.loads(render.render(RESULT, "json")) == {
        "head": {"vars": ["s", "o", "n"]},
        "results": {"bindings": [
            {"s": {"type": "uri", "value": "https://w3id.org/cyberflag/id/person/a"},
             "o": {"type": "literal", "value": 'say "hi", then\nleave'},
             "n": {"type": "literal", "value": "5", "datatype": XSD + "integer"}},
            {"s": {"type": "bnode", "value": "b0"},
             "o": {"type": "literal", "value": "colour", "xml:lang": "en-gb"}},
            {"o": {"type": "literal", "value": "2017-06-01", "datatype": XSD + "date"},
             "n": {"type": "literal", "value": "tab\there"}},
            {"s": {"type": "uri", "value": "http://example.org/a b>"},
             "o": {"type": "literal", "value": ""},
             "n": {"type": "literal", "value": "back\\slash"}},
        ]},
    }


def test_json_ask() -> None:
    assert json.loads(render.render(AskResult(True), "json")) == {"head": {}, "boolean": True}
    assert json.loads(render.render(AskResult(False), "json"))["boolean"] is False


def test_csv_is_w3c_results_csv() -> None:
    assert render.render(RESULT, "csv") == (
        "s,o,n\r\n"
        'https://w3id.org/cyberflag/id/person/a,"say ""hi"", then\nleave",5\r\n'
        "_:b0,colour,\r\n"
        ",2017-06-01,tab\there\r\n"
        "http://example.org/a b>,,back\\slash\r\n"
    )


def test_tsv_is_w3c_results_tsv() -> None:
    assert render.render(RESULT, "tsv") == (
        "?s\t?o\t?n\n"
        '<https://w3id.org/cyberflag/id/person/a>\t"say \\"hi\\", then\\nleave"\t'
        '"5"^^<http://www.w3.org/2001/XMLSchema#integer>\n'
        '_:b0\t"colour"@en-gb\t\n'
        '\t"2017-06-01"^^<http://www.w3.org/2001/XMLSchema#date>\t"tab\\there"\n'
        '<http://example.org/a\\u0020b\\u003E>\t""\t"back\\\\slash"\n'
    )


def test_tsv_and_csv_of_no_rows() -> None:
    empty = SelectResult(("a", "b"), [])
    assert render.render(empty, "tsv") == "?a\t?b\n"
    assert render.render(empty, "csv") == "a,b\r\n"
    assert render.render(empty, "jsonl") == ""
    assert json.loads(render.render(empty, "json"))["results"]["bindings"] == []


def test_jsonl_rows_for_jq() -> None:
    lines = render.render(RESULT, "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"s": "https://w3id.org/cyberflag/id/person/a", "o": 'say "hi", then\nleave', "n": 5},
        {"s": "_:b0", "o": "colour", "n": None},
        {"s": None, "o": "2017-06-01", "n": "tab\there"},
        {"s": "http://example.org/a b>", "o": "", "n": "back\\slash"},
    ]


def test_table_prefixes_and_alignment() -> None:
    text = render.render(RESULT, "table", prefixes={"cfd": "https://w3id.org/cyberflag/id/"})
    lines = text.splitlines()
    assert lines[0].split() == ["s", "o", "n"]
    assert set(lines[1].replace("  ", "")) == {"-"}
    assert lines[2].startswith("cfd:person/a ")
    assert [c.strip() for c in lines[2].split("  ") if c.strip()] == [
        "cfd:person/a", 'say "hi", then', "5"
    ]
    assert lines[3].strip() == "leave"  # a newline in a value continues in the same column
    assert "<http://example.org/a b>>" in text
    # every line's columns line up: the second column starts at the same place in each row line
    start = lines[0].index("o")
    assert lines[2][start - 2 : start] == "  "


def test_table_wraps_to_width() -> None:
    long = SelectResult(("id", "text"), [(Term.literal("1"), Term.literal("word " * 40))])
    text = render.render(long, "table", width=40, prefixes={})
    assert max(len(line) for line in text.splitlines()) <= 40
    assert text.count("word") == 40  # wrapped, nothing lost


def test_table_uses_project_prefixes_by_default() -> None:
    text = render.render(RESULT, "table")
    assert "cfd:person/a" in text


def test_ask_in_other_formats() -> None:
    assert render.render(AskResult(True), "table") == "true\n"
    assert json.loads(render.render(AskResult(False), "jsonl")) == {"boolean": False}


GRAPH = GraphResult([
    (Term.uri("https://w3id.org/cyberflag/id/person/a"), Term.uri("http://schema.org/name"),
     Term.literal("A \"quoted\" name")),
    (Term.uri("https://w3id.org/cyberflag/id/person/a"), Term.uri("http://example.org/n"),
     Term.literal("5", XSD + "integer")),
])


def test_graph_formats() -> None:
    nt = render.render(GRAPH, "nt")
    assert nt == (
        '<https://w3id.org/cyberflag/id/person/a> <http://example.org/n> '
        '"5"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        '<https://w3id.org/cyberflag/id/person/a> <http://schema.org/name> '
        '"A \\"quoted\\" name" .\n'
    )
    ttl = render.render(GRAPH, "turtle")
    assert ttl.startswith("@prefix schema: <http://schema.org/> .\n")
    assert 'schema:name "A \\"quoted\\" name"' in ttl
    doc = json.loads(render.render(GRAPH, "jsonld"))
    assert "@context" in doc


@pytest.mark.parametrize(("result", "fmt"), [(GRAPH, "table"), (GRAPH, "csv"), (RESULT, "turtle")])
def test_format_must_fit_result(result: object, fmt: str) -> None:
    with pytest.raises(InputError, match="format"):
        render.render(result, fmt)  # type: ignore[arg-type]


def test_display_width_counts_columns_not_code_points() -> None:
    from cyberflag.text import width

    assert width.width("東京") == 4
    assert width.width("Zoe\u0308") == 3
    assert width.ljust("東", 4) == "東  "
    assert width.clusters("e\u0301te\u0301") == ["e\u0301", "t", "e\u0301"]
    # a word cut across lines keeps each accent with its letter
    assert width.wrap("e\u0301" * 5, 2) == ["e\u0301e\u0301", "e\u0301e\u0301", "e\u0301"]
    assert width.wrap("東京都 東京都", 6) == ["東京都", "東京都"]
    text = "cfd:membership/andy-burrows/nspcc/head-of-child-safety-online-policy and more words"
    assert width.wrap(text, 20) == textwrap.wrap(
        text, 20, break_long_words=True, break_on_hyphens=False
    )


def test_one_wrap_rule_with_indents_in_display_columns() -> None:
    """The report's and the listing's wrapping (indents, long words kept whole) measured in
    display columns: CJK characters take two."""
    from cyberflag.text.width import width, wrap

    lines = wrap("警察 記録 統計 " * 4, 16, initial="  - ", subsequent="    ")
    assert lines[0].startswith("  - ")
    assert all(line.startswith("    ") for line in lines[1:])
    assert all(width(line) <= 16 for line in lines)
    iri = "https://w3id.org/cyberflag/id/observation/a-very-long-name-indeed"
    kept = wrap(f"see {iri} here", 30, initial="  ", subsequent="    ", cut_long=False)
    assert kept == ["  see", f"    {iri}", "    here"]
    cut = wrap(iri, 30)
    assert all(len(line) <= 30 for line in cut)
    assert "".join(cut) == iri


# --- SPARQL Query Results XML (#14, item 4) -------------------------------------------------------


def test_xml_is_w3c_results_xml_and_reads_back() -> None:
    from cyberflag.sparql.answers import parse_results

    text = render.render(RESULT, "xml")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n'
                           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n')
    assert '<binding name="o"><literal xml:lang="en-gb">colour</literal></binding>' in text
    assert '<literal>say "hi", then\nleave</literal>' in text
    assert "<uri>http://example.org/a b&gt;</uri>" in text
    back = parse_results(text.encode(), "SELECT", "application/sparql-results+xml")
    assert back == RESULT
    for boolean in (True, False):
        ask = render.render(AskResult(boolean), "xml")
        assert f"<boolean>{str(boolean).lower()}</boolean>" in ask
        assert parse_results(ask.encode(), "ASK", "application/sparql-results+xml") == AskResult(
            boolean
        )


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"<html><body>Down</body></html>", "no SPARQL results 'head'"),
        (b"<sparql xmlns='http://www.w3.org/2005/sparql-results#'><head/>", "not XML"),
        (b"<sparql xmlns='http://www.w3.org/2005/sparql-results#'><head/></sparql>",
         "no 'results'"),
    ],
)
def test_xml_that_is_not_results_is_one_line(body: bytes, why: str) -> None:
    from cyberflag.sparql.answers import parse_results

    with pytest.raises(ValueError, match=why) as caught:
        parse_results(body, "SELECT", "application/sparql-results+xml")
    assert "\n" not in str(caught.value)
