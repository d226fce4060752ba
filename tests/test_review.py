"""`cyberflag review`, `quote` and `figure`: drafts accepted, corrected or rejected, and facts
added by their words, written back through the canonical Turtle writer (#12 item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, URIRef

from cyberflag.cli import cli
from cyberflag.rdf import turtle
from cyberflag.rdf.namespaces import CF, CFD, OA, SCHEMA

HARBOUR = Path(__file__).resolve().parent / "articles" / "harbour-police-online-grooming.txt"
SLUG = "harbour"


def run(runner: CliRunner, data: Path, *args: str) -> Result:
    return runner.invoke(cli, [*args, "--data", str(data)])


@pytest.fixture
def data(shipped_copy: Path, runner: CliRunner) -> Path:
    assert run(runner, shipped_copy, "add", str(HARBOUR), "--slug", SLUG).exit_code == 0
    return shipped_copy


def article(data: Path) -> Graph:
    return Graph().parse(data / "articles" / f"{SLUG}.ttl")


def node(kind: str, ident: str) -> object:
    return CFD[f"{kind}/{SLUG}-{ident}"]


def test_review_lists_each_draft_in_its_sentence(runner: CliRunner, data: Path) -> None:
    result = run(runner, data, "review", SLUG)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{SLUG}: 19 drafts"
    assert "  s3     direct quote by Helen Marsh, “said”  [direct-quote-introduced 0.9]" in lines
    assert any("said: “[[These numbers are a stark warning" in line for line in lines)
    assert any(line.startswith("  person/tom-reyes new person Tom Reyes") for line in lines)
    everything = run(runner, data, "review")
    assert everything.exit_code == 0
    assert everything.output == result.output  # the shipped articles have no drafts


def test_accept_and_reject_rewrite_the_file_canonically(runner: CliRunner, data: Path) -> None:
    s2_words = CFD[f"span/{SLUG}/143-236"]  # "Police in Wessex … last year": only s2 uses it
    assert (s2_words, OA.hasSource, CFD[f"article/{SLUG}"]) in article(data)
    result = run(runner, data, "review", SLUG, "--accept", "s3", "--accept", "s4", "--reject", "s2")
    assert result.exit_code == 0, result.output
    assert result.output == f"{SLUG}: 2 accepted, 1 rejected, 16 drafts left\n"
    graph = article(data)
    assert (node("statement", "s3"), CF.curationStatus, None) not in graph
    assert (node("statement", "s3"), CF.speaker, CFD["person/helen-marsh"]) in graph
    assert (node("statement", "s2"), None, None) not in graph
    assert not list(graph.subjects(OA.hasBody, node("statement", "s2")))
    assert (s2_words, None, None) not in graph
    assert (URIRef(f"{s2_words}/quote"), None, None) not in graph
    path = data / "articles" / f"{SLUG}.ttl"
    assert path.read_text(encoding="utf-8") == turtle.dumps(graph)
    assert run(runner, data, "validate").exit_code == 0


def test_correct_a_statement_and_a_figure(runner: CliRunner, data: Path) -> None:
    fixed = run(runner, data, "review", SLUG, "--correct", "s6", "--speaker", "Tom Reyes",
                "--words", "officers had received new training", "--kind", "reported")
    assert fixed.exit_code == 0, fixed.output
    graph = article(data)
    s6 = node("statement", "s6")
    assert str(graph.value(s6, SCHEMA.text)) == "officers had received new training"
    assert (s6, CF.curationStatus, None) not in graph
    incomplete = run(runner, data, "review", SLUG, "--accept", "f1")
    assert incomplete.exit_code == 2
    assert "f1 lacks its area, category, source" in incomplete.output
    complete = run(runner, data, "review", SLUG, "--correct", "f1", "--area", "england",
                   "--category", "online-child-sexual-offences", "--source", "nspcc-foi-2020",
                   "--value", "1200", "--comparator", "more-than")
    assert complete.exit_code == 0, complete.output
    assert run(runner, data, "validate").exit_code == 0


def test_accept_all_refused_whole_for_an_incomplete_figure(runner: CliRunner, data: Path) -> None:
    before = (data / "articles" / f"{SLUG}.ttl").read_bytes()
    result = run(runner, data, "review", SLUG, "--accept-all")
    assert result.exit_code == 2
    assert "lacks its" in result.output
    assert (data / "articles" / f"{SLUG}.ttl").read_bytes() == before


def test_rejecting_a_person_still_speaking_is_refused(runner: CliRunner, data: Path) -> None:
    result = run(runner, data, "review", SLUG, "--reject", "person/tom-reyes")
    assert result.exit_code == 2
    assert "still used by s5" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (("--accept", "s99"), "no 's99' in harbour"),
    (("--speaker", "X"), "go with --correct ID"),
    (("--correct", "f1", "--speaker", "X"), "not a statement"),
    (("--correct", "s3", "--value", "3"), "is a statement"),
    (("--correct", "f2", "--period", "2020-13-01/2021-01-01"), "--period"),
])
def test_review_refusals(runner: CliRunner, data: Path, args: tuple[str, ...], message: str
                         ) -> None:
    result = run(runner, data, "review", SLUG, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_quote_adds_a_statement_by_its_words(runner: CliRunner, data: Path) -> None:
    result = run(runner, data, "quote", SLUG, "officers had received new training in the past year",
                 "--speaker", "Tom Reyes", "--kind", "reported", "--verb", "added")
    assert result.exit_code == 0, result.output
    assert result.output == f"{SLUG}: added s9, a reported statement\n"
    graph = article(data)
    s9 = node("statement", "s9")
    assert (s9, CF.curationStatus, None) not in graph
    assert graph.value(s9, CF.speaker) == CFD["person/tom-reyes"]
    report = graph.value(s9, CF.hasReport)
    assert str(graph.value(report, CF.reportingVerb)) == "added"


@pytest.mark.parametrize(("words", "message"), [
    ("police", "occurs 2 times in the body"),
    ("Harbourside Gazette", "occurs only outside the body"),
    ("words nobody wrote", "does not occur"),
    ("it's a child", "does not occur"),
])
def test_quote_refuses_ambiguous_or_absent_words(runner: CliRunner, data: Path, words: str,
                                                 message: str) -> None:
    before = (data / "articles" / f"{SLUG}.ttl").read_bytes()
    result = run(runner, data, "quote", SLUG, words, "--speaker", "Tom Reyes", "--kind", "direct")
    assert result.exit_code == 2
    assert message in result.output
    assert (data / "articles" / f"{SLUG}.ttl").read_bytes() == before


def test_figure_is_a_draft_until_complete(runner: CliRunner, data: Path) -> None:
    partial = run(runner, data, "figure", SLUG, "4 police forces", "--value", "4")
    assert partial.exit_code == 0, partial.output
    assert "a draft until it has: measure, period, area, category, source" in partial.output
    whole = run(runner, data, "figure", SLUG, "a 23 per cent rise", "--value", "23", "--unit",
                "percent", "--measure", "percentage-change", "--period", "2019-04-01/2020-03-31",
                "--area", "england", "--category", "online-child-sexual-offences",
                "--source", "nspcc-foi-2020")
    assert whole.exit_code == 0, whole.output
    assert whole.output == f"{SLUG}: added f4\n"
    graph = article(data)
    assert (node("observation", "f4"), CF.curationStatus, None) not in graph
    assert (node("observation", "f3"), CF.curationStatus, CF.Draft) in graph
    assert run(runner, data, "validate").exit_code == 0


def test_an_unknown_article_is_named(runner: CliRunner, data: Path) -> None:
    result = run(runner, data, "review", "harbor")
    assert result.exit_code == 2
    assert "no article 'harbor'" in result.output
    assert "did you mean 'harbour'?" in result.output


def test_review_at_a_terminal_asks_draft_by_draft(data: Path) -> None:
    """At a real terminal (a pseudo-terminal here) review shows each draft and asks; the answers
    are applied when the curator quits."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "cyberflag", "review", SLUG, "--data", str(data)],
        stdin=follower, stdout=follower, stderr=follower, close_fds=True,
    )
    os.close(follower)
    seen = b""

    def read_until(marker: bytes, times: int = 1, timeout: float = 60) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while seen.count(marker) < times:
            assert time.monotonic() < deadline, seen.decode("utf-8", "replace")
            ready, _, _ = select.select([leader], [], [], 1)
            if ready:
                try:
                    seen += os.read(leader, 4096)
                except OSError:  # the terminal closed: the process ended
                    break

    for asked, answer in enumerate((b"a", b"s", b"r", b"q"), start=1):
        read_until(b"[q]uit: ", asked)  # accept the date, skip s1, reject f1, quit
        os.write(leader, answer + b"\n")
    read_until(b"drafts left")
    assert process.wait(timeout=60) == 0
    os.close(leader)
    assert b"2 decided, 17 drafts left" in seen
    graph = article(data)
    assert (CFD[f"article/{SLUG}"], CF.curationStatus, None) not in graph
    assert (node("observation", "f1"), None, None) not in graph
    assert (node("statement", "s1"), CF.curationStatus, CF.Draft) in graph


def test_the_comparator_options_are_the_comparators_review_knows() -> None:
    from cyberflag.cli.curate import COMPARATORS
    from cyberflag.curation.review import COMPARATORS as KNOWN

    assert set(COMPARATORS) == set(KNOWN)
