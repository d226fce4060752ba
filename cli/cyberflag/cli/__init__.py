"""The ``cyberflag`` command line: one group, flat verb-noun commands.

Errors the user can act on are raised as :mod:`cyberflag.errors` exceptions and reported here as one
line on stderr (``cyberflag: error: ...``) with the exit code of their class; no traceback. Usage
errors (a bad option or value) are reported the same way, with exit code 2.

Start-up time matters for the query commands (``query``, ``sparql``, ``who-said``): this module
imports only click and cheap project modules; each command imports what it needs when it runs.
The query commands use pyoxigraph and never import rdflib (unless ``--engine rdflib`` or a graph
format asks for it) or pySHACL (only ``validate`` does).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cyberflag import __version__
from cyberflag.cli.options import (
    TABLE_FORMATS,
    data_option,
    emit,
    endpoint_options,
    engine_option,
    fit_columns,
    natural_widths,
    output_options,
    queries_option,
    render_columns,
    render_json,
    render_table,
    store_option,
    terminal_width,
    width_option,
)
from cyberflag.errors import EXIT_FAILURE, EXIT_USAGE, CyberflagError
from cyberflag.rdf.prefixes import PREFIXES

if TYPE_CHECKING:
    from cyberflag.cli.options import Endpoint
    from cyberflag.queries.catalogue import Param, Query
    from cyberflag.sparql.engines import Engine
    from cyberflag.sparql.results import Result, SelectResult, Term

EPILOG = """\b
Exit codes:
  0  success (validate: no layer found an error)
  1  failure (validate: an error in some layer; a SPARQL server failed; push not verified)
  2  usage or input error (bad option or parameter, missing file, Turtle or SPARQL syntax error)
"""



def exit_codes(failure: str | None = None) -> str:
    """A command's help epilog: its exit codes, with code 1 only where the command can fail
    that way (each command's own, not the whole tool's list)."""
    lines = ["\b", "Exit codes:", "  0  success"]
    if failure is not None:
        lines.append(f"  1  {failure}")
    lines.append("  2  usage or input error (bad option or parameter, missing file, syntax error)")
    return "\n".join(lines) + "\n"


SERVER_FAILED = "the SPARQL server (--endpoint) failed, timed out or refused the connection"

LAYERS = ("syntax", "shapes", "anchoring", "arithmetic", "consistency", "vocabulary")
"""The verification layers, as :data:`cyberflag.checks.findings.LAYERS` (not imported: it is cheap, but
keeping cli.py's imports to click alone keeps every command's start-up fast)."""

SELECT_FORMATS = ("table", "csv", "tsv", "json", "jsonl")
"""Formats for solutions (SELECT) and booleans (ASK); as :data:`cyberflag.text.render.SELECT_FORMATS`."""

GRAPH_FORMATS = ("turtle", "nt", "jsonld")
"""Formats for graphs (CONSTRUCT, DESCRIBE); as :data:`cyberflag.text.render.GRAPH_FORMATS`."""

SELECT_FORMAT_HELP = (
    "Output format: table (the default, also when output is not a terminal: ask for csv, tsv, "
    "json or jsonl explicitly), or the W3C SPARQL 1.1 results formats csv, tsv, json, or jsonl "
    "(one JSON object per row)."
)
RESULT_FORMAT_HELP = (
    "Output format. Solutions and booleans: table (the default, also when output is not a "
    "terminal: ask for csv, tsv, json or jsonl explicitly), or the W3C SPARQL 1.1 results formats "
    "csv, tsv, json, or jsonl (one JSON object per row). Graphs (CONSTRUCT, DESCRIBE): turtle "
    "(the default), nt or jsonld."
)


class CyberflagGroup(click.Group):
    """A click group that turns :class:`CyberflagError` into one stderr line and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CyberflagError as error:
            click.echo(f"cyberflag: error: {one_line(str(error))}", err=True)
            ctx.exit(error.exit_code)
        except click.UsageError as error:
            # click's own report is three lines (usage, hint, error); keep errors to one line.
            if error.ctx is not None:
                where = error.ctx.command_path
            else:  # an error parsing a subcommand's options that click raised without context
                where = " ".join(filter(None, (ctx.command_path, ctx.invoked_subcommand)))
            click.echo(
                f"cyberflag: error: {one_line(error.format_message()).rstrip('.')} "
                f"(see '{where} -h')",
                err=True,
            )
            ctx.exit(EXIT_USAGE)


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) made one space."""
    return " ".join(text.split())


@click.group(
    "cyberflag",
    cls=CyberflagGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EPILOG,
)
@click.version_option(
    __version__, "--version", prog_name="cyberflag", message="%(prog)s %(version)s"
)
def cli() -> None:
    """Query and check the cyberflag knowledge graph: how UK news reported police-recorded online
    child sexual abuse, 2016-2020."""


VALIDATE_EPILOG = """\b
Layers (all run by default; --layer picks some):
  syntax       every data, ontology and query file parses (file:line:column)
  shapes       SHACL shapes (pySHACL) over the data and ontology
  anchoring    every quote equals its source text at its offsets, inside the article body
  arithmetic   derived figures recomputed from the figures they derive from
  consistency  conflicting figures, quotes or roles across articles (explained ones shown)
  vocabulary   every class and property is defined in the ontology or a standard vocabulary

\b
Exit codes:
  0  no errors (warnings and explained conflicts do not fail the data)
  1  at least one error in some layer (a Turtle syntax error in a data file included)
  2  could not run (missing data directory or ontology, bad option)
"""


@cli.command("validate", epilog=VALIDATE_EPILOG)
@data_option
@click.option(
    "--layer",
    "layers",
    multiple=True,
    type=click.Choice(LAYERS),
    help="Run only this layer (repeatable; default: all).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="text for people, json for machines.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Check every file again, ignoring the results cached by the last run.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for a full check of large data "
    "[default: CYBERFLAG_JOBS, else one per core].",
)
@store_option
@click.pass_context
@width_option
def validate_data(
    ctx: click.Context,
    data: Path | None,
    layers: tuple[str, ...],
    fmt: str,
    full: bool,
    jobs: int | None,
    store: Path | None,
    width: int | None,
) -> None:
    """Check that the data is well-formed, true to its sources and consistent with itself.

    \b
    On data above 1.5 MB of Turtle, the results are cached (beside the query index,
    --store DIR): the next run re-checks only what the changed files can affect, and
    reports the same findings as a full run. --full checks everything. A full check
    of such data runs in chunks, side by side in --jobs worker processes.
    """
    from cyberflag.checks import runner

    run = runner.run(data, layers=layers or LAYERS, incremental=True, full=full, store=store,
                     jobs=jobs)
    _print_check_report(run, data, fmt, width)
    ctx.exit(0 if run.ok else EXIT_FAILURE)


@cli.command("conflicts", epilog=exit_codes())
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="text for people, json for machines.",
)
@width_option
def list_conflicts(data: Path | None, fmt: str, width: int | None) -> None:
    """Figures, quotes and roles that disagree between articles, side by side with their sources.

    Conflicts a curator has reviewed and explained in the data (cf:ExplainedConflict) are listed as
    explained; the others as warnings. The listing itself exits 0; `validate` is the gate.
    """
    from cyberflag.checks import runner

    _print_check_report(
        runner.run(data, layers=("consistency",)), data, fmt, width, command="conflicts"
    )


def _print_check_report(
    run: Any, data: Path | None, fmt: str, width: int | None, command: str = "validate"
) -> None:
    """Print a validation run as text (wrapped to the terminal) or JSON."""
    from cyberflag.checks import report
    from cyberflag.rdf.graphs import display_path
    from cyberflag.rdf.resources import data_dir

    where = display_path(data if data is not None else data_dir())
    if fmt == "json":
        click.echo(report.format_json(run, where), nl=False)
    else:
        text = report.format_text(
            run, where, terminal_width(width) or 0, command, ran_only=command != "validate"
        )
        click.echo(text, nl=False)


@cli.command("export", epilog=exit_codes())
@output_options(formats=("turtle", "trig", "nt", "nquads", "jsonld"))
@data_option
def export_graph(fmt: str, output: Path | None, data: Path | None) -> None:
    """Write the whole graph (data and ontology) in one RDF format.

    Turtle, N-Triples and JSON-LD merge all files; TriG and N-Quads keep one named graph per file.
    Output is deterministic: the same data gives the same bytes.
    """
    from cyberflag.rdf.export import serialize
    from cyberflag.rdf.graphs import load

    emit(serialize(load(data), fmt.lower()), output)


@cli.command("stats", epilog=exit_codes())
@output_options(formats=TABLE_FORMATS, output=False)
@data_option
def show_stats(fmt: str, data: Path | None) -> None:
    """Count articles, people, organisations, statements, statistics and more."""
    from cyberflag.sparql.engines import default_engine
    from cyberflag.text.stats import compute

    stats = compute(default_engine(data))
    if fmt.lower() == "json":
        emit(render_json(stats.as_json()))
    else:
        emit(render_table(stats.rows()))


@cli.command("index", epilog=exit_codes())
@store_option
@data_option
@click.option(
    "--rebuild", is_flag=True, help="Build from every file, even when the index is up to date."
)
@output_options(formats=("text", "json"), output=False)
def build_index(store: Path | None, data: Path | None, rebuild: bool, fmt: str) -> None:
    """Build or update the on-disk query index, and say what was done.

    \b
    The query commands (who-said, query, sparql) keep the data in an on-disk
    Oxigraph store under a cache folder (--store DIR, env CYBERFLAG_STORE,
    default $XDG_CACHE_HOME/cyberflag or ~/.cache/cyberflag), built on first use
    and reused while the data files are unchanged; changed files are applied to
    it, or it is rebuilt. Data under 1.5 MB of Turtle is read into memory
    instead, which is faster; this command builds the index whatever the size.
    """
    from cyberflag.index import builds

    opened = builds.open_store(data, store=store, mode="disk", rebuild=rebuild)
    report = {
        "action": opened.action,
        "triples": opened.triples,
        "files": opened.files,
        "changed": opened.changed if opened.action == "updated" else [],
        "seconds": round(opened.seconds, 3),
        "path": str(opened.path),
    }
    opened.close()
    if fmt.lower() == "json":
        emit(render_json(report))
        return
    what = {
        "built": "built",
        "updated": f"updated ({len(opened.changed)} changed files applied)",
        "reused": "reused (the data files are unchanged)",
    }[opened.action]
    emit(
        f"{what}: {opened.triples:,} triples from {opened.files:,} files in "
        f"{opened.seconds:.2f} s\n{opened.path}\n"
    )


# --- saved queries, SPARQL, who-said ------------------------------------------------------------


def result_options(func: Any, graphs: bool = True) -> Any:
    """The options every command that runs SPARQL shares: format, -o, width, engine, data, the
    index's ``--store``, and ``--endpoint`` (with ``--timeout``, ``--graph``) to run on a SPARQL
    server instead. ``graphs``: whether the command can return a graph (who-said never does, so
    it does not offer graph formats that would always fail)."""
    formats, help_text = SELECT_FORMATS, SELECT_FORMAT_HELP
    if graphs:
        formats, help_text = SELECT_FORMATS + GRAPH_FORMATS, RESULT_FORMAT_HELP
    for option in (
        store_option,
        data_option,
        engine_option,
        width_option,
        output_options(formats, auto=True, help_text=help_text),
        endpoint_options,
    ):
        func = option(func)
    return func


def rows_result_options(func: Any) -> Any:
    """:func:`result_options` for a command whose answer is always rows (who-said)."""
    return result_options(func, graphs=False)


def make_engine(
    data: Path | None, engine: str, endpoint: Endpoint | None = None, store: Path | None = None
) -> Engine:
    """The engine for a command: the server at ``endpoint`` when given, else an embedded engine
    over ``data`` (Oxigraph's index cached under ``store``). The one place where the commands'
    engine is chosen."""
    if endpoint is not None:
        from cyberflag.sparql.remote import RemoteEngine  # SPARQLWrapper: only when asked for

        return RemoteEngine(endpoint.url, timeout=endpoint.timeout, graphs=endpoint.graphs)
    from cyberflag.sparql.engines import default_engine

    return default_engine(data, engine.lower(), store)


def run_query(
    text: str,
    data: Path | None,
    engine: str,
    endpoint: Endpoint | None = None,
    store: Path | None = None,
) -> Result:
    """Evaluate ``text`` (already syntax-checked) on :func:`make_engine`'s engine."""
    return make_engine(data, engine, endpoint, store).query(text)


def write_result(result: Result, fmt: str | None, output: Path | None, width: int | None) -> None:
    """Render ``result`` in ``fmt`` (default: table, Turtle for a graph) and print or write it."""
    from cyberflag.sparql.results import GraphResult, SelectResult
    from cyberflag.text.render import render

    if fmt is None:
        fmt = "turtle" if isinstance(result, GraphResult) else "table"
    fmt = fmt.lower()
    wrap = terminal_width(width) if fmt == "table" else None
    if wrap is not None and isinstance(result, SelectResult) and not fits(result, wrap):
        wrap = None  # one line per row (for `less -S`) beats cells cut into 12-character strips
    emit(render(result, fmt, wrap, prefixes=PREFIXES), output)


WRAP_FLOOR = 12
"""The narrowest a column is wrapped to (as :mod:`cyberflag.text.render`'s tables)."""


def fits(result: SelectResult, width: int) -> bool:
    """True if a table of ``result`` fits ``width`` with no column wrapped below ``WRAP_FLOOR``."""
    from cyberflag.text.render import short

    ordered = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
    rows = [[short(term, ordered) for term in row] for row in result.rows]
    natural = natural_widths(result.variables, rows)
    return sum(min(n, WRAP_FLOOR) for n in natural) + 2 * (len(natural) - 1) <= width


def param_json(param: Param) -> dict[str, Any]:
    """One parameter as ``queries --format json`` lists it."""
    return {
        "name": param.name,
        "type": param.type,
        "required": param.required,
        "multiple": param.multiple,
        "default": list(param.default) if param.default else None,
        "allowed": list(param.enum) if param.enum is not None else None,
        "description": param.description,
        "partial": param.partial,
    }


def query_json(query: Query, *, text: bool = False) -> dict[str, Any]:
    """One saved query as ``queries --format json`` lists it (``text``: with its SPARQL)."""
    out: dict[str, Any] = {
        "name": query.name,
        "form": query.form,
        "summary": query.summary,
        "description": query.description,
        "parameters": [param_json(p) for p in query.params],
    }
    if text:
        out["text"] = query.text
    return out


def params_table(params: tuple[Param, ...], *, descriptions: bool = False) -> str:
    """The parameters as an aligned table (name, type, required, multiple, default, allowed)."""
    headers = ["parameter", "type", "required", "multiple", "default", "allowed values"]
    rows = [
        [
            p.name,
            p.type,
            "yes" if p.required else "no",
            "yes" if p.multiple else "no",
            ", ".join(p.default) or "-",
            ", ".join(p.enum) if p.enum is not None else "-",
        ]
        for p in params
    ]
    text = render_table(rows, headers)
    if descriptions:
        text += "".join(f"\n{p.name}: {p.description}\n" for p in params if p.description)
    return text


def indent(text: str, prefix: str = "  ") -> str:
    """Every non-empty line of ``text`` indented by ``prefix``."""
    return "".join(prefix + line if line.strip() else line for line in text.splitlines(True))


def wrap(text: str, width: int | None, prefix: str = "") -> str:
    """``text`` wrapped to ``width`` (``None``: not wrapped), each line starting with ``prefix``."""
    import textwrap

    if width is None:
        return prefix + text + "\n"
    return textwrap.fill(text, max(width, 40), initial_indent=prefix, subsequent_indent=prefix) + (
        "\n"
    )


def query_body(text: str) -> str:
    """The query text after its ``#+`` header (the header is shown decoded above it)."""
    lines = text.splitlines(True)
    i = 0
    while i < len(lines) and lines[i].lstrip().startswith("#+"):
        i += 1
    return "".join(lines[i:])


@cli.command("queries", epilog=exit_codes())
@click.argument("name", required=False)
@output_options(formats=("table", "json"), output=False)
@width_option
@queries_option
def list_queries(
    name: str | None, fmt: str, width: int | None, queries_dir: Path | None
) -> None:
    """List the saved queries, or show the query NAME in full.

    \b
    Without NAME: each query's name, summary and parameters (type, required, repeatable,
    default, allowed values). With NAME: its description, its parameters with their
    descriptions, and its SPARQL text. Run one with 'cyberflag query NAME -p PARAM VALUE'.
    """
    from cyberflag.queries import catalogue

    wrap_at = terminal_width(width)
    if name is not None:
        query = catalogue.load(name, queries_dir)
        if fmt.lower() == "json":
            emit(render_json(query_json(query, text=True)))
            return
        parts = [f"{query.name}  ({query.form})\n", wrap(query.summary, wrap_at, "  ")]
        if query.description:
            parts += ["\n", wrap(query.description, wrap_at, "  ")]
        parts.append("\n")
        if query.params:
            parts.append(indent(params_table(query.params)))
            parts += [
                "\n" + wrap(f"{p.name}: {p.description}", wrap_at, "  ")
                for p in query.params
                if p.description
            ]
        else:
            parts.append("  no parameters\n")
        where = f" ({query.path.name})" if query.path is not None else ""
        parts += [f"\nSPARQL{where}:\n\n", query_body(query.text).strip("\n") + "\n"]
        emit("".join(parts))
        return
    found = catalogue.all_queries(queries_dir)
    if fmt.lower() == "json":
        emit(render_json([query_json(q) for q in found]))
        return
    blocks = []
    for query in found:
        block = f"{query.name}\n" + wrap(query.summary, wrap_at, "  ")
        if query.params:
            block += indent(params_table(query.params), "    ")
        else:
            block += "    no parameters\n"
        blocks.append(block)
    emit("\n".join(blocks))


@cli.command("query", epilog=exit_codes(SERVER_FAILED))
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="Set parameter NAME to VALUE; repeat for more, or for more values of a repeatable one.",
)
@result_options
@queries_option
def run_saved_query(
    name: str,
    params: tuple[tuple[str, str], ...],
    fmt: str | None,
    output: Path | None,
    width: int | None,
    engine: str,
    data: Path | None,
    queries_dir: Path | None,
    endpoint: Endpoint | None,
    store: Path | None,
) -> None:
    """Run the saved query NAME ('cyberflag queries' lists them and their parameters).

    \b
    Examples:
      cyberflag query statistics-timeline -p measure "offences recorded"
      cyberflag query who-said-what -p person Wanless -p kind direct --format csv
    Values are bound as RDF terms (never pasted into the query text), so any text is safe.
    """
    from cyberflag.queries import catalogue

    values: dict[str, list[str]] = {}
    for key, value in params:
        values.setdefault(key, []).append(value)
    query = catalogue.load(name, queries_dir)
    text = query.bind(values)
    write_result(run_query(text, data, engine, endpoint, store), fmt, output, width)


@cli.command("sparql", epilog=exit_codes(SERVER_FAILED))
@click.argument("query_text", metavar="[QUERY | -]", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=None,
    metavar="FILE",
    help="Read the query from FILE ('-': standard input).",
)
@result_options
def run_sparql(
    query_text: str | None,
    query_file: Path | None,
    fmt: str | None,
    output: Path | None,
    width: int | None,
    engine: str,
    data: Path | None,
    endpoint: Endpoint | None,
    store: Path | None,
) -> None:
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE) on the graph.

    \b
    The query is QUERY, the contents of FILE (-f FILE), or standard input ('-').
    The default graph is the union of every data file and the ontology; each file
    is also a named graph. Declare the prefixes you use, e.g.
      cyberflag sparql 'PREFIX schema: <http://schema.org/>
        SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name'
    SPARQL Update (INSERT, DELETE, LOAD, DROP, ...) is refused: the graph is read-only.
    """
    from cyberflag.queries.catalogue import check_syntax
    from cyberflag.rdf.files import display_path

    if query_text is not None and query_file is not None:
        raise click.UsageError("give the query as QUERY or -f FILE, not both")
    if query_text is None and query_file is None:
        raise click.UsageError("no query: give QUERY, -f FILE, or '-' to read standard input")
    if query_file is not None and str(query_file) != "-":
        try:
            text = query_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise click.BadParameter(
                f"cannot read {query_file}: {reason}", param_hint="'-f'"
            ) from None
        check_syntax(text, display_path(query_file), file=True)
    elif query_file is not None or query_text == "-":
        text = sys.stdin.read()
        check_syntax(text, "stdin")
    else:
        assert query_text is not None
        text = query_text
        check_syntax(text, "query")
    write_result(run_query(text, data, engine, endpoint, store), fmt, output, width)


WHO_SAID_COLUMNS = ("date", "speaker, role", "kind", "verb", "words", "reported in")
"""The columns of ``who-said``'s table (json, csv, tsv and jsonl keep every query column)."""


def who_said_rows(result: SelectResult) -> list[list[str]]:
    """``who-said-what`` rows as the table shows them: one cell per :data:`WHO_SAID_COLUMNS`, then
    the "also in" note that the table puts under the article."""
    rows = []
    for row in result.dicts():

        def get(key: str, row: dict[str, Term] = row) -> str:
            term = row.get(key)
            return term.value if term is not None else ""

        if get("date"):
            date = get("date")
        elif get("earliest") and get("latest"):
            date = f"{get('earliest')} to\n{get('latest')}\n(inferred)"
        elif get("earliest"):
            date = f"{get('earliest')}\nor later\n(inferred)"
        elif get("latest"):
            date = f"{get('latest')}\nor earlier\n(inferred)"
        else:
            date = "undated"
        speaker = get("speakerName") + (f"\n{get('roles')}" if get("roles") else "")
        if get("attributionInferred") == "true":
            # Rule 5: the reporting sentence does not name the speaker; say so where it is read.
            speaker += "\n(attribution inferred)"
        kind = get("kind")
        if get("campaignLabel"):
            kind += f"\n{get('campaignLabel')}"
        article = get("headline") or short_iri(get("article"))
        if get("publisherName"):
            article += f"\n{get('publisherName')}"
        note = also_in(get("articleCount"))
        rows.append([date, speaker, kind, get("verb"), get("text"), article, note])
    return rows


def also_in(article_count: str) -> str:
    """The note on how many other articles report the row's statement ("" when none)."""
    others = int(article_count or 1) - 1
    return f"(also in {others} other article{'s' if others > 1 else ''})" if others > 0 else ""


def short_iri(iri: str) -> str:
    """``cfd:article/...`` for a project IRI, else the IRI in angle brackets."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def who_said_table(result: SelectResult, width: int | None) -> str:
    """A table for reading: the statement text gets most of the width, then speaker and article."""
    if not result.rows:
        return "No statements match.\n"
    rows = who_said_rows(result)
    # Consecutive statements from one article by one speaker: name them once, on the first row.
    # The "also in" note (the last cell) belongs to the row, so it stays when the name goes.
    for previous, row in zip(reversed(rows[:-1]), reversed(rows[1:]), strict=True):
        if row[5] == previous[5]:
            if row[1] == previous[1]:
                row[1] = ""
            row[5] = ""
    rows = [[*row[:5], "\n".join(cell for cell in row[5:] if cell)] for row in rows]
    natural = natural_widths(WHO_SAID_COLUMNS, rows)
    widths = fit_columns(natural, width, {1: 2, 3: 1, 4: 6, 5: 2}, floor=13)
    return render_columns(WHO_SAID_COLUMNS, rows, widths)


SPEAKERS_QUERY = """\
#+ summary: The people any of whose names contain the text (who-said --person)
#+ params:
#+   - name: person
#+     type: string
#+     required: true
#+     multiple: true
PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?speaker WHERE {
  ?speaker a schema:Person ; skos:prefLabel|skos:altLabel ?label .
  FILTER (CONTAINS(LCASE(STR(?label)), LCASE(STR(?_person))))
}
ORDER BY STR(?speaker)
"""
NO_SPEAKER = "https://w3id.org/cyberflag/id/person/-"
"""Bound as the speaker when no name matches: the query then returns no rows, with its columns."""


def speakers_named(runner: Engine, person: tuple[str, ...]) -> list[str]:
    """The IRIs of the people whose name or any alias contains any of ``person`` (any case).

    Why a first query: who-said-what's name match is a FILTER, which an engine tests on every
    statement in the graph; the speaker IRIs, bound as its ``speaker`` parameter, let it start from
    those speakers' statements instead (0.2 s rather than 4 s on a million triples). The name match
    stays in the main query too, so the rows are exactly those it alone would give.
    """
    from cyberflag.queries import catalogue

    query = catalogue.parse_query(SPEAKERS_QUERY, "who-said-speakers")
    found = runner.select(query.bind({"person": list(person)}))
    return [row[0].value for row in found.rows if row[0] is not None] or [NO_SPEAKER]


@cli.command("who-said", epilog=exit_codes(SERVER_FAILED))
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
    reporting the same statement; csv, tsv, json and jsonl give every column of the
    who-said-what saved query.
    """
    from cyberflag.queries import catalogue
    from cyberflag.sparql.results import SelectResult

    values: dict[str, list[str]] = {
        "person": list(person),
        "organisation": list(organisation),
        "contains": list(contains),
        "since": [since] if since is not None else [],
        "until": [until] if until is not None else [],
        "kind": [k.lower() for k in kind],
    }
    runner = make_engine(data, engine, endpoint, store)
    if person:
        values["speaker"] = speakers_named(runner, person)
    text = catalogue.load("who-said-what").bind({k: v for k, v in values.items() if v})
    result = runner.query(text)
    if fmt is None or fmt.lower() == "table":
        assert isinstance(result, SelectResult)
        emit(who_said_table(result, terminal_width(width)), output)
    else:
        write_result(result, fmt, output, width)



# --- shared servers: push, serve ----------------------------------------------------------------


@cli.command(
    "push",
    epilog=exit_codes("the server failed, or it does not hold exactly what was sent"),
)
@click.option(
    "--endpoint",
    "endpoint_url",
    metavar="URL",
    envvar="CYBERFLAG_ENDPOINT",
    required=True,
    help="The server's SPARQL query endpoint (env CYBERFLAG_ENDPOINT): used to find the "
    "project's graphs there and to verify the push.",
)
@click.option(
    "--update-endpoint",
    metavar="URL",
    default=None,
    help="Where SPARQL Update requests go (default: the endpoint with a final /query or /sparql "
    "made /update, as Oxigraph and Fuseki name it; otherwise the endpoint itself).",
)
@click.option(
    "--graph",
    "graph",
    metavar="IRI",
    default=None,
    help="Put everything (data and ontology) into this one named graph, replacing it, instead "
    "of one graph per file.",
)
@click.option(
    "--graph-store",
    metavar="URL",
    default=None,
    help="With --graph: replace the graph by a Graph Store Protocol PUT to this URL "
    "(e.g. http://host:7878/store) rather than by SPARQL Update.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=300.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for the server at each step.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0, max=10),
    default=3,
    show_default=True,
    metavar="N",
    help="Retry a transient failure (connection reset, HTTP 502, 503, 504) up to N times.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show bytes sent on stderr (default: when stderr is a terminal).",
)
@data_option
def push_data(
    endpoint_url: str,
    update_endpoint: str | None,
    graph: str | None,
    graph_store: str | None,
    timeout: float,
    retries: int,
    progress: bool | None,
    data: Path | None,
) -> None:
    """Load the data into a SPARQL server, replacing only the project's own graphs.

    \b
    By default each data file (and the ontology) goes into its own named graph,
    https://w3id.org/cyberflag/id/graph/..., as in the local store; every such graph on
    the server is replaced, in ONE SPARQL Update request (DROP SILENT GRAPH + INSERT DATA),
    so that the server holds the old data or the new, never a mixture. Other graphs and the
    default graph are never named, so never touched. Afterwards the triples in each graph are
    counted on the server and must be exactly those sent.
    \b
    Examples:
      cyberflag push --endpoint http://127.0.0.1:7878/query
      cyberflag push --endpoint http://host:3030/ds/query --graph https://example.org/cyberflag
    Credentials, if the server needs them: CYBERFLAG_ENDPOINT_USER, CYBERFLAG_ENDPOINT_PASSWORD.
    """
    from cyberflag.server.push import push

    if progress is None:
        progress = sys.stderr.isatty()

    def note(text: str) -> None:
        click.echo(text, err=True, nl=False)

    report = push(
        endpoint_url,
        data=data,
        update_endpoint=update_endpoint,
        graph_store=graph_store,
        graph=graph,
        timeout=timeout,
        retries=retries,
        note=note,
        progress=progress,
    )
    emit("".join(line + "\n" for line in report.lines()))


@cli.command("serve", epilog=exit_codes("the server could not start, or stopped with an error"))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but 127.0.0.1 (or ::1) lets other machines read the data.",
)
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=7878,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--links/--no-links",
    default=True,
    help="List a link for each saved query that opens it in the query page.",
)
@data_option
@queries_option
def serve_data(
    host: str, port: int, links: bool, data: Path | None, queries_dir: Path | None
) -> None:
    """Serve the data as a local, read-only SPARQL endpoint with a query page.

    \b
    Runs the Oxigraph server (the 'oxigraph' package: pip install 'cyberflag[server]') over
    a temporary copy of the data, one named graph per file, the default graph being their
    union as in 'cyberflag query'. Prints the page's URL and a link per saved query; other
    tools (and 'cyberflag query NAME --endpoint URL/query') can use the endpoint. Updates
    are refused. Ctrl-C stops the server and removes the temporary copy.
    """
    from cyberflag.server.serve import serve

    if host not in ("127.0.0.1", "::1", "localhost"):
        click.echo(
            f"cyberflag: note: listening on {host}: other machines that can reach it can read "
            "the data",
            err=True,
        )
    serve(
        data,
        host=host,
        port=port,
        queries_dir=queries_dir,
        links=links,
        say=lambda text: click.echo(text, nl=False),
        note=lambda text: click.echo(text, err=True, nl=False),
    )


def main() -> None:
    """Console-script entry point; a closed pipe (``cyberflag export | head``) ends quietly."""
    try:
        cli(prog_name="cyberflag")
    except BrokenPipeError:
        # Python flushes stdout at exit and would print a second error: point it at /dev/null.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_FAILURE)
    except KeyboardInterrupt:
        click.echo("cyberflag: error: interrupted", err=True)
        sys.exit(130)


__all__ = ["cli", "main"]
