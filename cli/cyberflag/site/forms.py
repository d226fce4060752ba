"""A form for every saved query, built from its ``#+`` header, and its answer as a table people
can read.

Why from the header: the header already says each parameter's type, whether it repeats, its
allowed values and its default (``queries/header``), so a form needs no code per query and a new
saved query gets its form by being saved. The static site shows each form with a note that it
runs when the site is served (a file cannot run a query); ``cyberflag serve`` answers the same
page live (``site/serving``), with the rows under the form.

The rows are shown as readers want them: a resource by its name, linked to its page; a literal
by its value, without its datatype. The CSV and JSON downloads carry the exact terms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from cyberflag.queries.params import Param, ParameterError
from cyberflag.site.describe import name_of
from cyberflag.site.html import esc, frame, lines, link
from cyberflag.sparql.results import AskResult, SelectResult, Term
from cyberflag.text.iri import short_iri

if TYPE_CHECKING:
    from cyberflag.queries.header import Query
    from cyberflag.site.context import Context

HERE = "queries/index.html"
MAX_ROWS = 1000
"""Rows shown in a page; the downloads hold them all."""
LONG = 60
"""A cell longer than this many characters gets a wider column (words, roles, reasoning)."""
TAG = re.compile(r"<[^>]*>")
RUN = "run"
"""The field a live form sends with its parameters, so that a form sent empty still runs."""
DATE_PATTERN = r"\d{4}(-\d{2}(-\d{2})?)?"
TYPES = {
    "string": ("text", "text"),
    "iri": ("text", "an IRI or a CURIE such as cfd:person/simon-bailey"),
    "date": ("text", "a date: YYYY-MM-DD, or YYYY or YYYY-MM"),
    "integer": ("number", "a whole number"),
    "decimal": ("number", "a number"),
}
"""A parameter type's input type and how the form names it."""


def query_here(name: str) -> str:
    """The page of the saved query ``name``, from the site's root."""
    return f"queries/{name}/index.html"


def catalogue_page(queries: Sequence[Query], live: bool) -> str:
    """The list of saved queries, each with its summary and a link to its form."""
    items = "".join(
        f"<li>{link(HERE, query_here(q.name), q.name)}: {esc(q.summary)}</li>\n" for q in queries
    )
    how = ("Each opens a form: fill in what you know, run it, and read or download the rows."
           if live else
           "Each page describes a query and its parameters. The forms run when the site is served "
           "(<code>cyberflag serve</code>); here, run a query with <code>cyberflag query "
           "NAME</code>.")
    body = (f"<h1>Saved queries</h1>\n<p>{how}</p>\n<ul>\n{items}</ul>\n"
            + ('<p><a href="../console/">The SPARQL console</a> has the same queries and the '
               "project's prefixes, for writing your own.</p>\n" if live else ""))
    return frame(HERE, "Saved queries", body)


def read_values(fields: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """The form's values by field name, blanks dropped (binding the query checks the names and
    reads each value as its parameter's type: a mistyped link is refused, naming the parameters
    the query takes)."""
    values: dict[str, list[str]] = {}
    for name, value in fields:
        if name != RUN and value.strip():
            values.setdefault(name, []).append(value)
    return values


def field(param: Param, values: Sequence[str], live: bool) -> str:
    """One parameter's input(s), labelled, with its description."""
    ident = f"p-{param.name}"
    note = f'<span class="note" id="{ident}-d">{esc(param.description)}</span>'
    chosen = list(values) or list(param.default)
    if param.enum is not None and param.multiple:
        boxes = "".join(
            f'<label><input type="checkbox" name="{esc(param.name)}" value="{esc(v)}"'
            f'{" checked" if v in chosen else ""}> {esc(v)}</label>\n'
            for v in param.enum
        )
        return (f'<fieldset class="field" aria-describedby="{ident}-d"><legend>{esc(param.name)}'
                f" (any of these)</legend>\n{boxes}{note}</fieldset>\n")
    label = f'<label for="{ident}">{esc(param.name)}{" (required)" if param.required else ""}'
    if param.enum is not None:
        options = "" if param.required else '<option value="">(any)</option>'
        options += "".join(
            f'<option{" selected" if v in chosen else ""}>{esc(v)}</option>' for v in param.enum
        )
        return (f'<div class="field">{label}</label>\n<select id="{ident}" name="{esc(param.name)}"'
                f' aria-describedby="{ident}-d">{options}</select>\n{note}</div>\n')
    kind, what = TYPES.get(param.type, ("text", param.type))
    extra = ' step="1"' if param.type == "integer" else ' step="any"' if kind == "number" else ""
    if param.type == "date":
        extra = f' pattern="{DATE_PATTERN}" placeholder="YYYY-MM-DD"'
    if param.required:
        extra += " required"
    # A repeatable parameter shows each value given and one empty input for the next (no script
    # needed to add a value); the inputs after the first are labelled by their position.
    shown = [*chosen, ""] if param.multiple or not chosen else chosen
    inputs = ""
    for i, value in enumerate(shown):
        own = f'id="{ident}"' if i == 0 else (
            f'id="{ident}-{i + 1}" aria-label="{esc(param.name)}, value {i + 1}"')
        inputs += (f'<input {own} name="{esc(param.name)}" type="{kind}" value="{esc(value)}"'
                   f'{extra} aria-describedby="{ident}-d">\n')
    several = "; several values: any of them matches" if param.multiple else ""
    return (f'<div class="field">{label} <span class="note">({esc(what)}{several})</span></label>\n'
            f"{inputs}{note}</div>\n")


def query_page(query: Query, values: dict[str, list[str]], live: bool, answer: str = "") -> str:
    """A saved query's page: what it answers, its form, and (served) ``answer`` below it."""
    here = query_here(query.name)
    fields = "".join(field(p, values.get(p.name, []), live) for p in query.params)
    if live:
        form = (f'<form method="get" action="./" class="query">\n{fields}'
                f'<p><button type="submit" name="{RUN}" value="1">Run</button></p>\n</form>\n')
    else:
        form = (f'<form class="query"><fieldset disabled>\n<legend>Parameters</legend>\n{fields}'
                "</fieldset></form>\n<p class=\"note\">This form runs when the site is served "
                f"(<code>cyberflag serve</code>). Here: <code>cyberflag query {esc(query.name)}"
                + "".join(f" -p {esc(p.name)} …" for p in query.params[:2]) + "</code>.</p>\n")
    body = (f"<h1>{esc(query.name)}</h1>\n<p>{esc(query.summary)}</p>\n"
            f"<details><summary>What the rows hold</summary>\n<p>{lines(query.description)}</p>\n"
            f"</details>\n{form}{answer}"
            f'<p class="note">{link(here, HERE, "All saved queries")}</p>\n')
    return frame(here, query.name, body)


def cell(ctx: Context | None, here: str, term: Term | None) -> str:
    """A value as a reader reads it: a resource by its name, linked to its page when the site
    has one; a literal by its value (its datatype is in the downloads)."""
    if term is None:
        return ""
    if term.is_uri:
        if ctx is None:
            return esc(short_iri(term.value, brackets=False))
        return link(here, ctx.target(term.value), name_of(ctx.graph, term.value))
    if term.is_bnode:
        return esc("_:" + term.value)
    return lines(term.value)


def answer_html(ctx: Context | None, query: Query, result: SelectResult | AskResult,
                values: dict[str, list[str]], console: str) -> str:
    """The rows under a live form: a count, the downloads, the table (at most :data:`MAX_ROWS`)."""
    here = query_here(query.name)
    pairs = [(name, v) for name, found in values.items() for v in found]
    downloads = (f'<a href="results.csv?{esc(urlencode(pairs))}" download>CSV</a> · '
                 f'<a href="results.json?{esc(urlencode(pairs))}" download>JSON</a> · '
                 f'<a href="{esc(console)}">Open in the SPARQL console</a>')
    if isinstance(result, AskResult):
        return (f'<section aria-labelledby="answer"><h2 id="answer">Answer</h2>\n'
                f"<p>{'Yes' if result.boolean else 'No'}.</p>\n<p>{downloads}</p>\n</section>\n")
    count = len(result.rows)
    shown = [[cell(ctx, here, t) for t in row] for row in result.rows[:MAX_ROWS]]
    kept = columns(result.variables, shown)
    head = "".join(f'<th scope="col">{esc(result.variables[i])}</th>' for i in kept)
    rows = "".join("<tr>" + "".join(
        f'<td class="long">{row[i]}</td>' if len(TAG.sub("", row[i])) > LONG
        else f"<td>{row[i]}</td>"
        for i in kept) + "</tr>\n" for row in shown)
    more = (f"<p>The first {MAX_ROWS:,} rows are shown; the downloads hold all {count:,}.</p>\n"
            if count > len(shown) else "")
    left = [v for i, v in enumerate(result.variables) if i not in kept]
    omitted = (f'<p class="note">Not shown, as empty or repeating the name of a linked column: '
               f"{esc(', '.join(left))} (the downloads have every column).</p>\n" if left else "")
    return (f'<section class="answer" aria-labelledby="answer"><h2 id="answer">{count:,} '
            f"row{'s' if count != 1 else ''}</h2>\n<p>{downloads}</p>\n{more}{omitted}"
            f'<div class="scroll"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}'
            "</tbody>\n</table></div>\n</section>\n")


def columns(variables: Sequence[str], cells: Sequence[Sequence[str]]) -> list[int]:
    """The columns worth a reader's width: not empty in every row, and not a name that the
    column before it already shows as its link's text (``speakerName`` after ``speaker``)."""
    kept = []
    for i in range(len(variables)):
        values = [row[i] for row in cells]
        if cells and not any(values):
            continue
        if i and cells and all(
            row[i] and row[i - 1].endswith(f">{row[i]}</a>") for row in cells
        ):
            continue
        kept.append(i)
    return kept


def failure_html(error: ParameterError | str) -> str:
    """Why the query did not run, in one paragraph the form's reader sees first."""
    return (f'<section aria-labelledby="answer" role="alert"><h2 id="answer">Not run</h2>\n'
            f"<p>{esc(str(error))}</p>\n</section>\n")


__all__ = [
    "HERE", "MAX_ROWS", "RUN", "answer_html", "catalogue_page", "cell", "columns", "failure_html",
    "field",
    "query_here", "query_page", "read_values",
]
