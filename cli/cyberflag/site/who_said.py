"""The who-said page: every report of every statement, with a filter that runs in the browser.

The rows are the saved query ``who-said-what`` with no filter, laid out as ``cyberflag who-said``
lays them out (:func:`cyberflag.text.who_said.rows`: inferred dates as ranges, inferred
attributions marked), so the page and the command cannot disagree. The table is complete without
JavaScript; a small inline script (nothing fetched) adds the filter by person, organisation, kind
and words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cyberflag.queries.who_said import bound_query
from cyberflag.rdf.prefixes import PREFIXES
from cyberflag.site.describe import name_of
from cyberflag.site.evidence import citations
from cyberflag.site.html import esc, frame, lines, link
from cyberflag.sparql.results import Term
from cyberflag.text.who_said import COLUMNS, rows

if TYPE_CHECKING:
    from cyberflag.site.context import Context
    from cyberflag.sparql.engines import Engine

HERE = "who-said/index.html"
ORG = PREFIXES["org"]
PERSON = PREFIXES["schema"] + "Person"

SCRIPT = """<script>
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#said tbody tr"));
  var count = document.getElementById("count");
  function apply() {
    var person = form.elements.person.value, org = form.elements.organisation.value;
    var kind = form.elements.kind.value;
    var words = form.elements.words.value.toLowerCase().trim();
    var shown = 0;
    rows.forEach(function (row) {
      var keep = (!person || row.dataset.person === person) &&
        (!org || row.dataset.orgs.indexOf("|" + org + "|") >= 0) &&
        (!kind || row.dataset.kind === kind) &&
        (!words || row.dataset.words.indexOf(words) >= 0);
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " reports shown";
  }
  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  apply();
}());
</script>
"""
"""The filter: hides the rows that do not match; without JavaScript every row shows."""


def who_said_page(ctx: Context, engine: Engine) -> str:
    """The page, from the saved query run on ``engine``."""
    result = engine.select(bound_query(engine))
    cells = rows(result)
    people: set[str] = set()
    organisations: set[str] = set()
    kinds: set[str] = set()
    body_rows = []
    for row, values in zip(result.dicts(), cells, strict=True):
        speaker, article = _iri(row, "speaker"), _iri(row, "article")
        orgs = _organisations(ctx, speaker, article) | (
            {row["campaignLabel"].value} if row.get("campaignLabel") else set()
        )
        is_person = PERSON in ctx.graph.types(speaker)
        person = name_of(ctx.graph, speaker) if is_person else ""
        kind = row["kind"].value if row.get("kind") else ""
        people.update([person] if person else [])
        organisations.update(orgs)
        kinds.update([kind] if kind else [])
        body_rows.append(_row(ctx, row, values, person, orgs, kind))
    table = (
        '<table id="said">\n<caption class="note">One row per report of a statement, in date '
        "order. Inferred dates are ranges and inferred attributions are marked.</caption>\n"
        "<thead><tr>"
        + "".join(f'<th scope="col">{esc(c.capitalize())}</th>' for c in COLUMNS)
        + "</tr></thead>\n<tbody>\n" + "".join(body_rows) + "</tbody>\n</table>\n"
    )
    body = (
        "<h1>Who said what</h1>\n"
        f"<p>{len(cells)} reports of statements in the articles: who spoke, in what role at the "
        "time, how the article conveys the words, and where. Each row links to the statement "
        "and to its words in the article.</p>\n"
        + _filters(sorted(people), sorted(organisations), sorted(kinds))
        + '<p id="count" class="note" aria-live="polite"></p>\n' + table
    )
    return frame(HERE, "Who said what", body, canonical=ctx.canonical(HERE), script=SCRIPT)


def _iri(row: dict[str, Term], key: str) -> str:
    term = row.get(key)
    return term.value if term is not None else ""


def _organisations(ctx: Context, speaker: str, article: str) -> set[str]:
    """The organisation that spoke, or those the speaker held a role in according to the
    reporting article (as ``who-said --organisation`` matches them)."""
    graph = ctx.graph
    if PERSON not in graph.types(speaker):
        return {name_of(graph, speaker)}
    found: set[str] = set()
    for membership in graph.subjects(ORG + "member", speaker):
        if any(c.article == article for c in citations(graph, membership)):
            found.update(
                name_of(graph, o.value) for o in graph.objects(membership, ORG + "organization")
            )
    return found


def _row(
    ctx: Context, row: dict[str, Term], values: list[str], person: str, orgs: set[str], kind: str
) -> str:
    here = HERE
    statement, report = _iri(row, "statement"), _iri(row, "report")
    words = values[4]
    cited = [c for c in citations(ctx.graph, statement) if c.node == report]
    where = ctx.span_target(cited[0].spans[0]) if cited else ctx.target(_iri(row, "article"))
    date = lines(values[0])
    cells = [
        f'<span class="inferred">{date}</span>' if "(inferred)" in values[0] else date,
        link(here, ctx.target(_iri(row, "speaker")), values[1].split("\n")[0])
        + "".join(f"<br>{esc(line)}" for line in values[1].split("\n")[1:]),
        lines(values[2]),
        esc(values[3]),
        link(here, ctx.target(statement), words),
        link(here, where, name_of(ctx.graph, _iri(row, "article")))
        + "".join(f"<br>{esc(line)}" for line in [*values[5].split("\n")[1:], values[6]] if line),
    ]
    data = (
        f' data-person="{esc(person)}" data-orgs="{esc("|" + "|".join(sorted(orgs)) + "|")}"'
        f' data-kind="{esc(kind)}" data-words="{esc(words.lower())}"'
    )
    return f"<tr{data}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>\n"


def _filters(people: list[str], organisations: list[str], kinds: list[str]) -> str:
    def choice(name: str, label: str, options: list[str]) -> str:
        items = "".join(f'<option value="{esc(o)}">{esc(o)}</option>' for o in options)
        return (
            f'<label for="f-{name}">{label}<select id="f-{name}" name="{name}">'
            f'<option value="">any</option>{items}</select></label>\n'
        )

    return (
        '<form id="filters" class="filters" hidden>\n'
        + choice("person", "Person", people)
        + choice("organisation", "Organisation or campaign", organisations)
        + choice("kind", "Kind", kinds)
        + '<label for="f-words">Words<input id="f-words" name="words" type="search"></label>\n'
        "</form>\n"
    )


__all__ = ["HERE", "SCRIPT", "who_said_page"]
