"""The verification layers, each shown failing on one small break in a copy of the real data.

Every test copies the shipped ``data/`` to a temporary folder, makes one edit a curator could make
by mistake, and asserts the exact finding that must come out of it; the untouched data passes.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from cyberflag.checks.findings import ERROR, EXPLAINED, INFO, WARNING, Finding
from cyberflag.checks.layers import anchoring, arithmetic, consistency, quotations, vocabulary
from cyberflag.rdf import graphs, resources
from cyberflag.rdf.namespaces import SCHEMA

ID = "https://w3id.org/cyberflag/id/"
A0 = "articles/council-leaders-warn-online-child-abuse.ttl"
A2 = "articles/npcc-spike-in-cyber-child-sex-abuse.ttl"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(resources.data_dir(), target)
    return target


def edit(data: Path, file: str, old: str, new: str) -> None:
    """Replace exactly one occurrence of ``old`` in a data file: a curator's one slip."""
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def union(data: Path) -> Graph:
    return graphs.load(data, include_ontology=False).data_union()


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == ERROR]


# --- anchoring ------------------------------------------------------------------------------------


def test_shipped_data_is_anchored() -> None:
    data = resources.data_dir()
    findings = anchoring.check(union(data), data)
    assert errors(findings) == []
    assert findings[-1].severity == INFO
    assert "spans match their source texts" in findings[-1].message


def test_misquoted_word_is_reported_with_the_closest_passage(data: Path) -> None:
    edit(
        data,
        A0,
        'oa:exact "These figures confirm our fears that the online world is playing',
        'oa:exact "These figures confirm our fears that the online word is playing',
    )
    # the span is wrong, and so the report's words no longer match it: the span is named
    (finding,) = [f for f in errors(anchoring.check(union(data), data)) if "/span/" in f.focus]
    assert finding.message == "quote does not occur in the source text"
    assert finding.focus.startswith(ID + "span/council-leaders-warn-online-child-abuse/")
    assert any(
        line.startswith("closest passage: ") and "online world" in line for line in finding.detail
    )


def test_offset_off_by_one_names_the_right_offsets(data: Path) -> None:
    span = ID + "span/council-leaders-warn-online-child-abuse/1883-2009"  # Wanless, 2016
    edit(
        data,
        A0,
        f"<{span}/position>\n    a oa:TextPositionSelector ;\n"
        '    oa:end "2009"^^xsd:nonNegativeInteger ;\n'
        '    oa:start "1883"^^xsd:nonNegativeInteger .',
        f"<{span}/position>\n    a oa:TextPositionSelector ;\n"
        '    oa:end "2010"^^xsd:nonNegativeInteger ;\n'
        '    oa:start "1884"^^xsd:nonNegativeInteger .',
    )
    (finding, *rule_1) = errors(anchoring.check(union(data), data))
    assert finding.focus == span
    assert finding.message == "offsets do not match the quote; it occurs at 1883-2009"
    # the shifted span no longer starts at its opening quotation mark either
    assert [f.message.split(" must ")[0] for f in rule_1] == ["a direct quote's segment"]


def test_quote_in_boilerplate_is_rejected(data: Path) -> None:
    source = (data / "sources" / "council-leaders-warn-online-child-abuse.txt").read_text(
        encoding="utf-8"
    )
    start = source.index("Rob Whiteman")
    end = start + len("Rob Whiteman")
    span = f"<{ID}span/council-leaders-warn-online-child-abuse/{start}-{end}>"
    with (data / A0).open("a", encoding="utf-8") as f:
        f.write(f"""
{span} a oa:SpecificResource ;
    oa:hasSource <{ID}article/council-leaders-warn-online-child-abuse> ;
    oa:hasSelector <{span[1:-1]}/q>, <{span[1:-1]}/p> .
<{span[1:-1]}/q> a oa:TextQuoteSelector ; oa:exact "Rob Whiteman" .
<{span[1:-1]}/p> a oa:TextPositionSelector ; oa:start {start} ; oa:end {end} .
""")
    (finding,) = errors(anchoring.check(union(data), data))
    assert finding.message == (
        "quote lies outside the article body (27-2377), in site boilerplate (only "
        "cf:publisherEvidence may point there, rule 12)"
    )


def test_offset_that_is_not_a_number_is_a_missing_position(data: Path) -> None:
    # The shapes layer names the bad datatype; this layer once stopped validate with int()'s
    # ValueError.
    edit(data, A0, 'oa:start "1001"^^xsd:nonNegativeInteger', 'oa:start "1001a"^^xsd:string')
    (finding,) = errors(anchoring.check(union(data), data))
    assert finding.focus == f"{ID}span/council-leaders-warn-online-child-abuse/1001-1172"
    assert finding.message == "span lacks a position or a quote selector"


def test_publisher_evidence_may_lie_in_furniture_and_nothing_else(data: Path) -> None:
    # Rule 12: the copyright line is evidence of who published the page; as a date's
    # evidence it is boilerplate and rejected.
    span = ID + "span/npcc-spike-in-cyber-child-sex-abuse/2782-2818"
    assert errors(anchoring.check(union(data), data)) == []
    with (data / A2).open("a", encoding="utf-8") as f:
        f.write(f"\n<{ID}article/npcc-spike-in-cyber-child-sex-abuse> cf:dateEvidence <{span}> .\n")
    (finding,) = errors(anchoring.check(union(data), data))
    assert finding.focus == span
    assert finding.message.startswith("quote lies outside the article body (0-2766)")
    assert "only cf:publisherEvidence may point there, rule 12" in finding.message


def test_reported_words_must_be_the_spans_words(data: Path) -> None:
    edit(
        data,
        A0,
        'cf:reportedWords "These figures confirm our fears that the online world',
        'cf:reportedWords "These figures confirm our fears that the online word',
    )
    (finding,) = errors(anchoring.check(union(data), data))
    assert finding.focus.endswith("/report/council-leaders-warn-online-child-abuse")
    assert finding.message.startswith("cf:reportedWords differ from the report's spans")


SPIKE = (resources.data_dir() / "sources" / "npcc-spike-in-cyber-child-sex-abuse.txt").read_text(
    encoding="utf-8"
)


def _segment(text: str, words: str) -> tuple[str, int, int]:
    start = text.index(words)
    return (f"span/{start}", start, start + len(words))


def test_direct_quote_cut_inside_one_pair_of_marks() -> None:
    # Rule 1: Wanless's "…this issue. We are calling on them…" is one quoted stretch; cutting it
    # at the full stop leaves "them" without its referent.
    whole = _segment(SPIKE, "Today’s worrying data leaves the next government with no choice but "
                     "to urgently address this issue. We are calling on them to force internet "
                     "companies and social media sites to adhere to rules that keep their young "
                     "users safe.")
    cut = _segment(SPIKE, "Today’s worrying data leaves the next government with no choice but "
                   "to urgently address this issue.")
    assert list(quotations.stretch_problems(SPIKE, [whole])) == []
    ((span, problem),) = quotations.stretch_problems(SPIKE, [cut])
    assert span == cut[0]
    assert problem.startswith("a direct quote's segment must end at its closing quotation mark")
    assert "it ends before ' We are call', inside the quotation" in problem


def test_quotation_running_on_belongs_to_one_report() -> None:
    # Bailey's three stretches, each opened without the previous being closed: one report.
    stretches = [
        _segment(SPIKE, "This can’t be left to chance."),
        _segment(SPIKE, "I know from my own force that we are engaging with schools more than "
                 "ever to educate and raise awareness of both the different forms of abuse and "
                 "how to get support."),
        _segment(SPIKE, "It is clear from the increase in the number of reports we are receiving "
                 "how vital this work is."),
    ]
    assert list(quotations.stretch_problems(SPIKE, stretches)) == []
    problems = list(quotations.stretch_problems(SPIKE, stretches[:1]))
    assert [span for span, _ in problems] == [stretches[0][0]]
    assert "its next stretch must be a segment of the same report" in problems[0][1]
    late = _segment(SPIKE, "can’t be left to chance.")
    ((_, problem),) = quotations.stretch_problems(SPIKE, [late, *stretches[1:]])
    assert problem.startswith("a direct quote's segment must start just after an opening")


def test_partial_quote_that_cuts_a_quoted_stretch() -> None:
    assert not quotations.unbalanced("the figures “highlight the importance” of building")
    assert not quotations.unbalanced("the figures “highlight the importance”")
    assert quotations.unbalanced("the figures “highlight the")
    assert quotations.unbalanced('a "thousand eyes')


def test_changed_source_file_breaks_its_hash(data: Path) -> None:
    path = data / "sources" / "council-leaders-warn-online-child-abuse.txt"
    path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")
    findings = errors(anchoring.check(union(data), data))
    assert any("differs from the manifest's SHA-256" in f.message for f in findings)


# --- arithmetic -----------------------------------------------------------------------------------


def test_shipped_figures_add_up() -> None:
    findings = arithmetic.check(union(resources.data_dir()))
    assert errors(findings) == []
    by_focus = {f.focus.rsplit("/", 1)[1]: f for f in findings}
    rise = by_focus["percentage-change-2016-17"]
    assert rise.message == "PercentageChange: stated value agrees with its parts"
    assert rise.detail[0] == "working: (5,653 − 3,903) / 3,903 × 100 = 44.84"
    assert by_focus["difference-2016-17"].detail[0].endswith("= 1,750")
    # "an average of 15" (cf:AverageOf, rule 8) is checked as the press rounds a plain figure
    average = by_focus["daily-average-2016-17"]
    assert average.message == "DailyAverage: stated value agrees with its parts"
    assert average.detail == (
        "working: 5,653 / 365 days (2016-04-01 to 2017-03-31) = 15.49",
        "stated 15 accepts 14.50 up to 16 (rounded or truncated)",
    )
    assert "not checkable" in by_focus["cumulative-total-2015-16-to-2019-20"].message
    assert (
        "cover 1097 of the period's 1827 days"
        in (by_focus["cumulative-total-2015-16-to-2019-20"].detail[0])
    )


def test_wrong_percentage_is_an_error_with_working(data: Path) -> None:
    text = (data / A2).read_text(encoding="utf-8")
    block = text.index("<https://w3id.org/cyberflag/id/observation/percentage-change-2016-17>\n")
    value = text.index("cf:value 44 .", block)
    (data / A2).write_text(
        text[:value] + "cf:value 54 ." + text[value + len("cf:value 44 .") :], encoding="utf-8"
    )
    (finding,) = errors(arithmetic.check(union(data)))
    assert finding.message == "PercentageChange: stated value 54 does not follow from its parts"
    assert finding.detail == (
        "working: (5,653 − 3,903) / 3,903 × 100 = 44.84",
        "stated 54 accepts 53.50 up to 55 (rounded or truncated)",
    )


def test_daily_average_over_the_wrong_number_of_days(data: Path) -> None:
    # The 2016/17 daily average given the 2015/16 period (366 days, not 365) still fits; a
    # one-month period does not.
    edit(
        data,
        A2,
        "cf:offenceCategory <https://w3id.org/cyberflag/id/offence-category/online-child"
        "-sexual-offences> ;\n    cf:periodInference <https://w3id.org/cyberflag/id/"
        "inference/period-2016-17> ;\n    cf:refArea <https://w3id.org/cyberflag/id/area/"
        "england-and-wales> ;\n    cf:refPeriod <https://w3id.org/cyberflag/id/period/"
        "2016-04-01_2017-03-31> ;\n    cf:statisticalSource <https://w3id.org/cyberflag/"
        "id/source/nspcc-figures-2017> ;\n    cf:unit <https://w3id.org/cyberflag/id/unit/"
        "offences-per-day>",
        "cf:offenceCategory <https://w3id.org/cyberflag/id/offence-category/online-child"
        "-sexual-offences> ;\n    cf:periodInference <https://w3id.org/cyberflag/id/"
        "inference/period-2016-17> ;\n    cf:refArea <https://w3id.org/cyberflag/id/area/"
        "england-and-wales> ;\n    cf:refPeriod <https://w3id.org/cyberflag/id/period/"
        "2016-04-01_2016-04-30> ;\n    cf:statisticalSource <https://w3id.org/cyberflag/"
        "id/source/nspcc-figures-2017> ;\n    cf:unit <https://w3id.org/cyberflag/id/unit/"
        "offences-per-day>",
    )
    with (data / A2).open("a", encoding="utf-8") as f:
        f.write(
            f'\n<{ID}period/2016-04-01_2016-04-30> cf:startDate "2016-04-01"^^xsd:date ;'
            f' cf:endDate "2016-04-30"^^xsd:date .\n'
        )
    (finding,) = errors(arithmetic.check(union(data)))
    assert finding.focus == ID + "observation/daily-average-2016-17"
    assert finding.detail[0] == ("working: 5,653 / 30 days (2016-04-01 to 2016-04-30) = 188.43")


def daily_average(value: str, end: str) -> Graph:
    """A daily average of 3,650 over 2016, whose own value and period end are ``value`` and
    ``end`` (Turtle terms), to feed the arithmetic layer what the shapes would reject."""
    return Graph().parse(
        format="turtle",
        data=f"""
        @prefix cf: <https://w3id.org/cyberflag/ontology#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix qb: <http://purl.org/linked-data/cube#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <http://example.org/avg> a qb:Observation ; cf:value {value} ; cf:comparator cf:Exactly ;
            cf:derivation cf:DailyAverage ; prov:wasDerivedFrom <http://example.org/n> ;
            cf:refPeriod <http://example.org/own> .
        <http://example.org/n> a qb:Observation ; cf:value 3650 ; cf:comparator cf:Exactly ;
            cf:refPeriod <http://example.org/year> .
        <http://example.org/own> cf:startDate "2016-01-01"^^xsd:date ; cf:endDate {end} .
        <http://example.org/year> cf:startDate "2016-01-01"^^xsd:date ;
            cf:endDate "2016-12-31"^^xsd:date .
        """,
    )


def test_derived_figure_whose_period_is_not_dates_is_an_error() -> None:
    # The shapes layer reports the bad date; this layer once stopped validate with TypeError
    # (a str subtracted from a date) instead of reporting the figure as lacking a period.
    (finding,) = errors(arithmetic.check(daily_average("10", '"2016"')))
    assert finding.message == "a derived figure or one of its parts lacks a value or a period"


def test_derived_figure_whose_value_is_not_a_number_is_an_error() -> None:
    # The shapes layer reports the datatype; this layer once stopped validate with ValueError.
    (finding,) = errors(arithmetic.check(daily_average('"abc"', '"2016-12-31"^^xsd:date')))
    assert finding.message == "a derived figure or one of its parts lacks a value or a period"


# --- consistency ----------------------------------------------------------------------------------


def test_known_conflict_is_shown_as_explained() -> None:
    (finding,) = consistency.check(union(resources.data_dir()))
    assert finding.severity == EXPLAINED
    assert finding.message.startswith("figures differ for overlapping periods (275 days in common)")
    assert len(finding.detail) == 3
    assert "3903 for 2015-07-01 to 2016-06-30" in finding.detail[0]
    assert "3000 for 2015-04-01 to 2016-03-31" in finding.detail[1]
    assert finding.detail[2].startswith("explained: Two different periods")


def test_unexplained_conflict_is_a_warning(data: Path) -> None:
    edit(
        data,
        "entities.ttl",
        "<https://w3id.org/cyberflag/id/conflict/2015-16-against-12-months-to-june-2016>\n"
        "    a cf:ExplainedConflict ;",
        "<https://w3id.org/cyberflag/id/conflict/2015-16-against-12-months-to-june-2016>\n"
        "    a cf:SomethingElse ;",
    )
    (finding,) = consistency.check(union(data))
    assert finding.severity == WARNING
    assert "coverage 38 police forces in England and Wales" in finding.detail[1]


def test_same_words_given_to_two_speakers(data: Path) -> None:
    # Simon Bailey's quotation (three stretches, one statement) given to Peter Wanless as well,
    # with straight apostrophes: typography does not hide the copy.
    (text,) = [
        str(words)
        for statement, words in union(data).subject_objects(SCHEMA.text)
        if str(words).startswith("This can’t be left to chance.")
    ]
    copy = json.dumps(text.replace("’", "'"), ensure_ascii=False)
    with (data / A2).open("a", encoding="utf-8") as f:
        f.write(
            f"\n<{ID}statement/copy> a cf:Statement ; cf:speaker <{ID}person/peter-wanless> ;"
            f" schema:text {copy} .\n"
        )
    warnings = [f for f in consistency.check(union(data)) if f.severity == WARNING]
    assert [f.message for f in warnings] == ["the same words are attributed to different speakers"]


def test_figure_without_a_period_is_left_to_the_shapes_layer() -> None:
    # The layers run on data the shapes reject; a figure with no period, or a period whose
    # bounds are not dates, once stopped validate with AttributeError (None.toPython()).
    graph = Graph().parse(
        format="turtle",
        data="""
        @prefix cf: <https://w3id.org/cyberflag/ontology#> .
        @prefix qb: <http://purl.org/linked-data/cube#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <http://example.org/a> a qb:Observation ; cf:measure <http://example.org/m> ;
            cf:value 1 ; cf:refPeriod <http://example.org/p> .
        <http://example.org/b> a qb:Observation ; cf:measure <http://example.org/m> ; cf:value 2 .
        <http://example.org/c> a qb:Observation ; cf:measure <http://example.org/m> ;
            cf:value 3 ; cf:refPeriod <http://example.org/q> .
        <http://example.org/p> cf:startDate "2016-01-01"^^xsd:date ;
            cf:endDate "2016-12-31"^^xsd:date .
        <http://example.org/q> cf:startDate "2016-01-01"^^xsd:date ; cf:endDate "2016" .
        """,
    )
    assert consistency.check(graph) == []


# --- vocabulary -----------------------------------------------------------------------------------


def vocabulary_findings(data: Path) -> list[Finding]:
    files = {
        p.relative_to(data).as_posix(): graphs.parse_turtle(p) for p in graphs.data_files(data)
    }
    return vocabulary.check(files, graphs.parse_turtle(resources.ontology_path()))


def test_shipped_data_uses_only_defined_terms() -> None:
    findings = vocabulary_findings(resources.data_dir())
    assert errors(findings) == []


def test_misspelt_property_names_file_and_term(data: Path) -> None:
    edit(data, A2, "schema:headline", "schema:headlne")
    (finding,) = errors(vocabulary_findings(data))
    assert finding.focus == "http://schema.org/headlne"
    assert finding.file == A2
    assert finding.message == "property is not a term of http://schema.org/"


def test_undeclared_cf_term_and_unknown_vocabulary(data: Path) -> None:
    edit(data, A2, 'cf:reportingVerb "told"', 'cf:reportingVerbb "told"')
    with (data / A2).open("a", encoding="utf-8") as f:
        f.write(f'\n<{ID}person/simon-bailey> <http://example.org/nick> "x" .\n')
    found = {(f.focus, f.message) for f in errors(vocabulary_findings(data))}
    assert found == {
        (
            "https://w3id.org/cyberflag/ontology#reportingVerbb",
            "property is not declared in the ontology",
        ),
        ("http://example.org/nick", "property belongs to no vocabulary the ontology builds on"),
    }


def test_person_given_two_roles_in_one_organisation(data: Path) -> None:
    with (data / "entities.ttl").open("a", encoding="utf-8") as f:
        f.write(
            f"\n<{ID}membership/peter-wanless/nspcc/chair> a org:Membership ;"
            f" org:member <{ID}person/peter-wanless> ; org:organization <{ID}org/nspcc> ;"
            f" org:role <{ID}role/chair> .\n"
        )
    warnings = [f for f in consistency.check(union(data)) if f.severity == WARNING]
    assert [f.message for f in warnings] == ["Peter Wanless is given different roles in NSPCC"]
    assert any(line.startswith("chief executive: ") for line in warnings[0].detail)


def test_broken_saved_query_is_a_syntax_finding(tmp_path: Path) -> None:
    from cyberflag.checks import runner

    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "broken.rq").write_text(
        "#+ summary: broken on purpose\nSELECT ?s WHERE { ?s ?p }\n", encoding="utf-8"
    )
    run = runner.run(layers=("syntax",), query_dir=queries)
    (finding,) = errors(run.findings)
    assert finding.layer == "syntax"
    assert finding.focus == "broken.rq"
    assert re.search(r"broken\.rq:\d+:\d+: expected ", finding.message), finding.message
