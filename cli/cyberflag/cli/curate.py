"""The commands that grow the graph: ``add`` (a new article's text in, drafts out)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cyberflag.cli.options import data_option, exit_codes, store_option
from cyberflag.errors import InputError

if TYPE_CHECKING:  # the curation modules are imported when a command runs
    from cyberflag.curation.edit import ArticleFile
    from cyberflag.curation.review import DraftView


COMPARATORS = ("exactly", "more-than", "over", "almost", "approximately", "average-of")
"""The comparators' option names, as :data:`cyberflag.curation.review.COMPARATORS` (not imported:
``cyberflag -h`` imports this module, and the curation modules import rdflib)."""


def writable(data: Path | None) -> Path | None:
    """The data folder a command may change: ``--data``, else the checkout's ``data/``. Outside a
    checkout the default is the installed copy inside site-packages, which is nobody's data to
    edit (and a reinstall would lose the change), so a folder must be named."""
    from cyberflag.rdf.resources import checkout

    if data is None and checkout() is None:
        raise InputError("outside a checkout, name the data folder to change with --data DIR "
                         "(or CYBERFLAG_DATA): the installed copy is not yours to edit")
    return data


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.command("add", epilog=exit_codes())
@click.argument("file", metavar="FILE")
@data_option
@store_option
@click.option("--slug", help="The article's slug (default: from its headline).")
@click.option("--url", help="Where the page was published (schema:url).")
@click.option(
    "--published",
    callback=_date,
    metavar="DATE",
    help="Publication date (YYYY-MM-DD) when the page prints none; recorded as the "
    "curator's inference, not as the text's.",
)
@click.option(
    "--publisher",
    metavar="NAME",
    help="The publisher's name (default: from the page's copyright line).",
)
@click.option(
    "--body-start",
    metavar="TEXT",
    help="The body's first words, when the page's furniture confuses the search for it.",
)
@click.option("--body-end", metavar="TEXT", help="The body's last words (their last occurrence).")
def add_article(
    file: str,
    data: Path | None,
    store: Path | None,
    slug: str | None,
    url: str | None,
    published: dt.date | None,
    publisher: str | None,
    body_start: str | None,
    body_end: str | None,
) -> None:
    """Add an article from FILE ('-': standard input), a plain-text copy of the page or the saved
    HTML page, and draft its facts.

    Writes DATA/sources/SLUG.txt (the text, byte for byte), its manifest entry and
    DATA/articles/SLUG.ttl: the article and a draft of every statement and figure, each marked
    cf:Draft with the rule that drafted it and a confidence. Nothing is written when the file is
    empty, already in the graph, has no recognisable body, or the slug is in use (exit 2).
    """
    from cyberflag.curation.adding import add_article as add

    if file == "-":
        raw, name = sys.stdin.buffer.read(), "-"
    else:
        try:
            raw, name = Path(file).read_bytes(), file
        except OSError as error:
            raise InputError(f"{file}: {error.strerror or error}") from None
    added = add(
        raw,
        name,
        writable(data),
        slug=slug,
        url=url,
        published=published,
        publisher=publisher,
        body_start=body_start,
        body_end=body_end,
        store=store,
    )
    click.echo(
        f"added {added.slug}: body {added.body[0]}-{added.body[1]}; "
        f"{added.statements} statements, {added.figures} figures and {added.asks} asks drafted"
        + (f", {added.new_entities} new people or organisations" if added.new_entities else "")
    )
    click.echo(f"  {added.source}")
    click.echo(f"  {added.article}")
    click.echo("Review the drafts, then run: cyberflag validate")


def _print_drafts(slug: str, views: Sequence[DraftView], heading: bool = True) -> None:
    if heading:
        click.echo(f"{slug}: {len(views)} draft{'s' if len(views) != 1 else ''}")
    for v in views:
        click.echo(f"  {v.ident:<6} {v.what}  [{v.rule} {v.confidence}]")
        if v.context:
            click.echo(f"         {v.context}")


@click.command("review", epilog=exit_codes())
@click.argument("article", required=False)
@data_option
@store_option
@click.option(
    "--accept", "accepts", multiple=True, metavar="ID", help="Accept this draft (repeat)."
)
@click.option(
    "--reject", "rejects", multiple=True, metavar="ID", help="Reject this draft (repeat)."
)
@click.option("--accept-all", is_flag=True, help="Accept every draft of ARTICLE.")
@click.option(
    "--correct",
    "corrects",
    metavar="ID",
    help="Correct this draft with the options below, and accept it.",
)
@click.option("--speaker", metavar="NAME", help="With --correct: the speaker, by name or alias.")
@click.option(
    "--kind",
    type=click.Choice(sorted(["direct", "partial", "reported", "headline", "publication"])),
    help="With --correct: the statement's kind.",
)
@click.option("--words", metavar="TEXT", help="With --correct: the exact words the fact rests on.")
@click.option("--value", metavar="N", help="With --correct: the figure's value.")
@click.option(
    "--comparator",
    type=click.Choice(COMPARATORS),
    help="With --correct: the figure's comparator.",
)
@click.option(
    "--period",
    metavar="START/END",
    help="With --correct: the reference period, YYYY-MM-DD/YYYY-MM-DD or YYYY-MM-DD/open.",
)
@click.option(
    "--unit", metavar="SLUG", help="With --correct: the figure's unit (offences, percent)."
)
@click.option("--measure", metavar="SLUG", help="With --correct: the measure (offences-recorded).")
@click.option("--area", metavar="SLUG", help="With --correct: the area (england-and-wales).")
@click.option("--category", metavar="SLUG", help="With --correct: the offence category.")
@click.option("--source", metavar="SLUG", help="With --correct: the statistical source.")
def review_drafts(
    article: str | None,
    data: Path | None,
    store: Path | None,
    accepts: tuple[str, ...],
    rejects: tuple[str, ...],
    accept_all: bool,
    corrects: str | None,
    speaker: str | None,
    kind: str | None,
    words: str | None,
    value: str | None,
    comparator: str | None,
    period: str | None,
    unit: str | None,
    measure: str | None,
    area: str | None,
    category: str | None,
    source: str | None,
) -> None:
    """List the drafts of ARTICLE (or of every article), each in its sentence with the words it
    rests on marked [[…]]; accept, correct or reject them by their ID.

    \b
    Without an action, at a terminal, each draft is shown in turn: [a]ccept, [r]eject, [s]kip
    or [q]uit. In scripts use --accept, --reject, --accept-all and --correct ID with --speaker,
    --kind, --words, --value, --comparator or --period. Changes are written back to
    DATA/articles/ARTICLE.ttl atomically, through the canonical Turtle writer.
    """
    from cyberflag.curation import edit, review

    fix = review.Correction(
        speaker, kind, words, value, comparator, period, unit, measure, area, category, source
    )
    fixing = any(v is not None for v in vars(fix).values())
    if fixing and corrects is None:
        raise click.UsageError(
            "the correcting options (--speaker, --words, --value, ...) go with --correct ID"
        )
    acting = bool(accepts or rejects or accept_all or corrects)
    if article is None:
        if acting:
            raise click.UsageError("name the ARTICLE whose drafts to accept, correct or reject")
        from cyberflag.rdf.resources import data_dir

        folder = data if data is not None else data_dir()
        for path in sorted((folder / "articles").glob("*.ttl")):
            opened = edit.open_article(path.stem, data)
            found = review.views(opened)
            if found:
                _print_drafts(opened.slug, found)
        return
    opened = edit.open_article(article, writable(data) if acting or sys.stdin.isatty() else data)
    if not acting and sys.stdin.isatty() and sys.stdout.isatty():
        _interactive(opened)
        return
    if not acting:
        _print_drafts(opened.slug, review.views(opened))
        return
    nodes = edit.drafts(opened) if accept_all else [edit.resolve_id(opened, i) for i in accepts]
    rejected = [edit.resolve_id(opened, i) for i in rejects]
    if corrects is not None:
        from cyberflag.curation.adding import graph_facts

        known, existing, _, _ = graph_facts(data, store)  # one load of the graph for both
        review.correct(opened, edit.resolve_id(opened, corrects), fix, known, existing)
    for node in rejected:
        edit.reject(opened, node)
    for node in nodes:
        if node not in rejected:
            edit.accept(opened, node)
    opened.save()
    left = len(edit.drafts(opened))
    done = len(set(nodes) - set(rejected)) + (1 if corrects else 0)
    click.echo(f"{opened.slug}: {done} accepted, {len(rejected)} rejected, {left} drafts left")


def _interactive(opened: ArticleFile) -> None:
    from cyberflag.curation import edit, review

    decided = 0
    for node in edit.drafts(opened):
        v = review.view(opened, node)
        _print_drafts(opened.slug, [v], heading=False)
        answer = click.prompt(
            "  [a]ccept, [r]eject, [s]kip, [q]uit",
            type=click.Choice(["a", "r", "s", "q"]),
            show_choices=False,
        )
        if answer == "q":
            break
        if answer == "a":
            edit.accept(opened, node)
        elif answer == "r":
            edit.reject(opened, node)
        decided += answer in "ar"
    opened.save()
    click.echo(f"{opened.slug}: {decided} decided, {len(edit.drafts(opened))} drafts left")


@click.command("quote", epilog=exit_codes())
@click.argument("article")
@click.argument("words")
@click.option("--speaker", required=True, metavar="NAME", help="Who said it, by name or alias.")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(["direct", "partial", "reported"]),
    help="How the article gives it (MODEL.md rules 1 and 2).",
)
@click.option(
    "--verb", metavar="TEXT", help="The reporting verb as written (said, told, is urging)."
)
@data_option
@store_option
def add_quote(
    article: str,
    words: str,
    speaker: str,
    kind: str,
    verb: str | None,
    data: Path | None,
    store: Path | None,
) -> None:
    """Add a statement of ARTICLE by its exact WORDS: found once in the body (an ambiguous or
    absent match is refused, with where the words do occur)."""
    from cyberflag.curation import edit, review
    from cyberflag.curation.entities import load_known

    opened = edit.open_article(article, writable(data))
    node = review.add_quote(opened, words, speaker, kind, verb, load_known(data, store))
    opened.save()
    click.echo(f"{opened.slug}: added {edit.short_id(opened, node)}, a {kind} statement")


@click.command("figure", epilog=exit_codes())
@click.argument("article")
@click.argument("words")
@click.option("--value", required=True, metavar="N", help="The figure's value (3000, 16, 8.5).")
@click.option(
    "--comparator",
    default="exactly",
    show_default=True,
    type=click.Choice(COMPARATORS),
    help="As the words give it (MODEL.md rule 8).",
)
@click.option(
    "--unit", metavar="SLUG", help="A unit of cfd:scheme/units (offences, children, percent)."
)
@click.option("--period", metavar="START/END", help="YYYY-MM-DD/YYYY-MM-DD or YYYY-MM-DD/open.")
@click.option(
    "--measure", metavar="SLUG", help="A measure of cfd:scheme/measures (offences-recorded)."
)
@click.option("--area", metavar="SLUG", help="An area (england-and-wales).")
@click.option(
    "--category", metavar="SLUG", help="An offence category (online-child-sexual-offences)."
)
@click.option("--source", metavar="SLUG", help="A statistical source (nspcc-foi-2016).")
@data_option
@store_option
def add_figure(
    article: str,
    words: str,
    value: str,
    comparator: str,
    unit: str | None,
    period: str | None,
    measure: str | None,
    area: str | None,
    category: str | None,
    source: str | None,
    data: Path | None,
    store: Path | None,
) -> None:
    """Add a figure of ARTICLE reported by its exact WORDS. Without a measure, period, area,
    category and source it stays a draft until review gives them."""
    from cyberflag.curation import edit, review

    opened = edit.open_article(article, writable(data))
    dims = {
        k: v
        for k, v in (
            ("measure", measure),
            ("area", area),
            ("category", category),
            ("source", source),
        )
        if v
    }
    from cyberflag.curation.adding import graph_facts

    existing = graph_facts(data, store)[1]
    node, missing = review.add_figure(
        opened, words, value, comparator, unit, period, dims, existing
    )
    opened.save()
    click.echo(
        f"{opened.slug}: added {edit.short_id(opened, node)}"
        + (f", a draft until it has: {', '.join(missing)}" if missing else "")
    )
