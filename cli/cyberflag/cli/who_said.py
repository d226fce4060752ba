"""``who-said``: who said what, when, in what role, and where it was reported."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cyberflag.cli.options import SERVER_FAILED, emit, exit_codes, rows_result_options
from cyberflag.cli.query import make_engine, write_result
from cyberflag.text.formats import TEXT
from cyberflag.text.table import terminal_width

if TYPE_CHECKING:
    from cyberflag.cli.options import Endpoint

@click.command("who-said", epilog=exit_codes(SERVER_FAILED))
@click.option(
    "--person",
    multiple=True,
    metavar="TEXT",
    help="Part of the speaker's name or of any alias as written, any case: 'Wanless', "
    "'Cllr Perry'. Repeat to match any of several people.",
)
@click.option(
    "--organisation",
    multiple=True,
    metavar="TEXT",
    help="Part of an organisation's name, alias or official name, or of a campaign's name: "
    "statements by it, by people holding a role in it at the time, or made for the campaign. "
    "Repeatable (any of them).",
)
@click.option(
    "--contains",
    multiple=True,
    metavar="TEXT",
    help="Part of the words of any report of the statement as its article gives them, or of "
    "its campaign's name, any case. Repeatable (any of them).",
)
@click.option(
    "--since",
    metavar="DATE",
    help="Reported on or after DATE: YYYY-MM-DD, or a year or month (2017 is 2017-01-01).",
)
@click.option(
    "--until",
    metavar="DATE",
    help="Reported on or before DATE: YYYY-MM-DD, or a year or month (2017 is 2017-12-31).",
)
@click.option(
    "--kind",
    type=click.Choice(
        ["direct", "partial", "reported", "headline", "publication"], case_sensitive=False
    ),
    multiple=True,
    help="Direct quote, partial quote, reported speech, a headline's claim or the "
    "publication's own claim. Repeatable (any of them).",
)
@rows_result_options
def who_said(
    person: tuple[str, ...],
    organisation: tuple[str, ...],
    contains: tuple[str, ...],
    since: str | None,
    until: str | None,
    kind: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    width: int | None,
    columns: tuple[str, ...],
    engine: str,
    data: Path | None,
    endpoint: Endpoint | None,
    store: Path | None,
) -> None:
    """Who said what, when, in what role, and where it was reported.

    \b
    Examples:
      cyberflag who-said --person Bailey
      cyberflag who-said --contains "thousand eyes"
      cyberflag who-said --organisation NSPCC --since 2018-01-01 --format csv
    Different options must all match. Undated articles match --since and --until
    through the range of dates their date inference allows. The table shows date
    (inferred dates as ranges), speaker and role at the time (inferred attributions
    marked), kind (and campaign), reporting verb as written, the report's own words
    (segments joined with " … ") and the article, with the number of other articles
    reporting the same statement; records gives the same six fields as one block per
    statement (also when the table cannot fit the width). csv, tsv, json and jsonl
    give every column of the who-said-what saved query. --columns picks among those
    columns (its variables, such as speakerName,date,text) and prints them as any
    query's results, a plain table or records.
    """
    from cyberflag.queries.who_said import bound_query
    from cyberflag.text import who_said as view

    runner = make_engine(data, engine, endpoint, store)
    text = bound_query(
        runner, person=person, organisation=organisation, contains=contains, since=since,
        until=until, kind=kind,
    )
    result = runner.select(text)
    if columns:  # the query's own variables, as any query's: the six-column view is not asked for
        write_result(result, fmt, output, width, columns)
    elif fmt is None or fmt == TEXT:
        emit(view.render(result, terminal_width(width)), output)
    elif fmt == "records":
        emit(view.records(result, terminal_width(width)), output)
    else:
        write_result(result, fmt, output, width)
