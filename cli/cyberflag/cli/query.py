"""``queries``, ``query`` and ``sparql``: the saved queries and any SPARQL query, on the local
data or a server (``--endpoint``)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cyberflag.cli.options import (
    SERVER_FAILED,
    emit,
    exit_codes,
    output_options,
    queries_option,
    result_options,
    width_option,
)
from cyberflag.errors import EXIT_FAILURE, InputError
from cyberflag.rdf.prefixes import PREFIXES
from cyberflag.text.formats import TEXT, TEXT_FORMATS
from cyberflag.text.render import render_json
from cyberflag.text.table import terminal_width

if TYPE_CHECKING:
    from cyberflag.cli.options import Endpoint
    from cyberflag.sparql.engines import Engine
    from cyberflag.sparql.results import Result

def make_engine(
    data: Path | None, engine: str, endpoint: Endpoint | None = None, store: Path | None = None
) -> Engine:
    """The engine for a command: the server at ``endpoint`` when given, else an embedded engine
    over ``data`` (Oxigraph's index cached under ``store``). The one place where the commands'
    engine is chosen."""
    if endpoint is not None:
        from cyberflag.sparql.remote import RemoteEngine  # SPARQLWrapper: only when asked for

        return RemoteEngine(
            endpoint.url,
            timeout=endpoint.timeout,
            graphs=endpoint.graphs,
            max_answer=endpoint.max_answer,
        )
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


def write_result(
    result: Result,
    fmt: str | None,
    output: Path | None,
    width: int | None,
    columns: Sequence[str] = (),
) -> None:
    """Render ``result`` in ``fmt`` (default: text, Turtle for a graph), only ``columns`` if given,
    and print or write it. Text too wide for the width comes out as records (see
    :func:`cyberflag.text.render.render`), so no line is wider than ``--width``."""
    from cyberflag.sparql.results import GraphResult, SelectResult
    from cyberflag.text.render import render

    if fmt is None:
        fmt = "turtle" if isinstance(result, GraphResult) else TEXT
    if columns:
        if not isinstance(result, SelectResult):
            what = "a graph" if isinstance(result, GraphResult) else "a boolean"
            raise InputError(f"--columns picks among a SELECT query's variables; this is {what}")
        result = result.project(columns)
    wrap = terminal_width(width) if fmt in (TEXT, "records") else None
    emit(render(result, fmt, wrap, prefixes=PREFIXES), output)


PORTABILITY_FOUND = "--check found a construct some SPARQL engine answers differently"


@click.command("queries", epilog=exit_codes(PORTABILITY_FOUND))
@click.argument("name", required=False)
@output_options(formats=TEXT_FORMATS, output=False)
@width_option
@queries_option
@click.option(
    "--check",
    "check",
    is_flag=True,
    help="Check the saved queries (or NAME) for constructs known to give different answers on "
    "different SPARQL engines: one 'file:line: engine: why' line each (see queries/README.md).",
)
@click.pass_context
def list_queries(
    ctx: click.Context,
    name: str | None,
    fmt: str,
    width: int | None,
    queries_dir: Path | None,
    check: bool,
) -> None:
    """List the saved queries, or show the query NAME in full.

    \b
    Without NAME: each query's name, summary and parameters (type, required, repeatable,
    default, allowed values). With NAME: its description, its parameters with their
    descriptions, and its SPARQL text. Run one with 'cyberflag query NAME -p PARAM VALUE'.
    """
    from cyberflag.queries import catalogue
    from cyberflag.text import catalogue as view

    if check:
        found = [catalogue.load(name, queries_dir)] if name else catalogue.all_queries(queries_dir)
        lines, count = view.portability(found)
        emit("\n".join(lines) + "\n")
        ctx.exit(EXIT_FAILURE if count else 0)
    wrap_at = terminal_width(width)
    if name is not None:
        query = catalogue.load(name, queries_dir)
        if fmt == "json":
            emit(render_json(view.query_json(query, text=True)))
        else:
            emit(view.describe(query, wrap_at))
        return
    found = catalogue.all_queries(queries_dir)
    if fmt == "json":
        emit(render_json([view.query_json(q) for q in found]))
    else:
        emit(view.listing(found, wrap_at))


@click.command("query", epilog=exit_codes(SERVER_FAILED))
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
    columns: tuple[str, ...],
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
    write_result(run_query(text, data, engine, endpoint, store), fmt, output, width, columns)


@click.command("sparql", epilog=exit_codes(SERVER_FAILED))
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
    columns: tuple[str, ...],
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
    from cyberflag.rdf.files import display_path
    from cyberflag.sparql.syntax import check_syntax

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
        text = query_text or ""
        check_syntax(text, "query")
    write_result(run_query(text, data, engine, endpoint, store), fmt, output, width, columns)
