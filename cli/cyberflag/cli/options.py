"""Output helpers shared by the commands: ``--format``/``-o`` options, tables, JSON, term display.

Modelled on sqlite-utils' ``output_options``: one decorator gives every command that prints results
the same options, so ``query``, ``sparql`` and ``who-said`` behave like ``stats`` without copying
option code.

Importing this module is cheap (click and the standard library): rdflib is imported only by
:func:`format_term`, so the query commands, which never need it, start fast.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cyberflag.errors import InputError
from cyberflag.rdf.prefixes import PREFIXES
from cyberflag.text.render import cell_lines

if TYPE_CHECKING:
    from rdflib.term import Node

F = TypeVar("F", bound=Callable[..., Any])

TABLE_FORMATS = ("table", "json")


def output_options(
    formats: Sequence[str] = TABLE_FORMATS,
    default: str | None = None,
    *,
    output: bool = True,
    help_text: str = "Output format.",
    auto: bool = False,
) -> Callable[[F], F]:
    """Add ``--format`` (one of ``formats``, passed as ``fmt``) and, if ``output``, ``-o``.

    The default is ``default`` or the first format; with ``auto`` there is none (``fmt`` is
    ``None``) and the command picks one from what it has to print, as ``help_text`` should say.
    """

    def decorator(func: F) -> F:
        if output:
            func = _format_from_extension(func, formats)
            func = click.option(
                "-o",
                "--output",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help="Write to FILE (atomically: never half a file) instead of stdout.",
            )(func)
        func = click.option(
            "--format",
            "fmt",
            type=click.Choice(list(formats), case_sensitive=False),
            default=None if auto else default or formats[0],
            show_default=not auto,
            help=help_text,
        )(func)
        return func

    return decorator


EXTENSIONS = {
    ".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "jsonld",
    ".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
}
"""The format a file name's extension names, as Jena's riot reads it (``-o graph.nt``)."""


def _format_from_extension(func: F, formats: Sequence[str]) -> F:
    """``-o FILE`` with a known extension sets the format when ``--format`` is not given, and
    a ``--format`` that contradicts it is refused (exit 2), so ``export -o graph.nt`` never
    writes Turtle into a ``.nt`` file."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        output, fmt = kwargs.get("output"), kwargs.get("fmt")
        named = EXTENSIONS.get(output.suffix.lower()) if output is not None else None
        if named is not None and named in formats:
            context = click.get_current_context()
            given = context.get_parameter_source("fmt") in (
                click.core.ParameterSource.COMMANDLINE,
                click.core.ParameterSource.ENVIRONMENT,
            )
            if not given:
                kwargs["fmt"] = named
            elif fmt is not None and fmt.lower() != named:
                raise click.UsageError(
                    f"-o {output.name} names the {named} format but --format is {fmt.lower()}; "
                    f"drop --format or give the file a .{_suffix(fmt.lower())} name",
                    ctx=context,
                )
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _suffix(fmt: str) -> str:
    return next((ext[1:] for ext, name in EXTENSIONS.items() if name == fmt), fmt)


def data_option(func: F) -> F:
    """``--data DIR``: read a directory laid out like ``data/`` instead of the shipped data."""
    return click.option(
        "--data",
        "data",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="CYBERFLAG_DATA",
        default=None,
        metavar="DIR",
        help="Data directory laid out like data/ (default: the shipped data; env CYBERFLAG_DATA).",
    )(func)


def store_option(func: F) -> F:
    """``--store DIR``: the cache folder of the persistent query index (:mod:`cyberflag.index.builds`)."""
    return click.option(
        "--store",
        "store",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="CYBERFLAG_STORE",
        default=None,
        metavar="DIR",
        help="Cache folder for the on-disk query index, used when the data is large (default: "
        "$XDG_CACHE_HOME/cyberflag or ~/.cache/cyberflag; env CYBERFLAG_STORE).",
    )(func)


ENGINES = ("oxigraph", "rdflib")
"""The ``--engine`` choices (as :data:`cyberflag.sparql.engines.ENGINES`, which imports pyoxigraph)."""


def engine_option(func: F) -> F:
    """``--engine oxigraph|rdflib``: which SPARQL engine answers (Oxigraph is the fast default)."""
    return click.option(
        "--engine",
        type=click.Choice(list(ENGINES), case_sensitive=False),
        default=ENGINES[0],
        show_default=True,
        help="SPARQL engine: Oxigraph (fast) or rdflib (slower; an independent implementation).",
    )(func)


@dataclass(frozen=True)
class Endpoint:
    """Where ``--endpoint`` sends queries: the URL, the timeout, and the graphs (``()``: found on
    the server). Gathered into one value so that commands pass it on without knowing its parts."""

    url: str
    timeout: float | None
    graphs: tuple[str, ...] = ()


DEFAULT_QUERY_TIMEOUT = 60.0
"""As :data:`cyberflag.sparql.remote.DEFAULT_TIMEOUT` (not imported: SPARQLWrapper is slow to load)."""


def endpoint_options(func: F) -> F:
    """``--endpoint URL``, ``--timeout SECONDS``, ``--graph IRI``: run on a SPARQL server.

    The command receives one ``endpoint`` argument, an :class:`Endpoint` or ``None``. The options
    that only make sense together are checked here, once for every command: ``--timeout`` and
    ``--graph`` need ``--endpoint``; ``--engine rdflib`` and ``--data`` (given on the command
    line) contradict it, since the server holds the data and runs the query.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        url = kwargs.pop("endpoint_url")
        timeout = kwargs.pop("endpoint_timeout")
        graphs = tuple(kwargs.pop("endpoint_graphs"))
        ctx = click.get_current_context()
        if url is None:
            for name, flag in (("endpoint_timeout", "--timeout"), ("endpoint_graphs", "--graph")):
                if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE:
                    raise click.UsageError(f"{flag} needs --endpoint URL")
            kwargs["endpoint"] = None
        else:
            for name, flag in (("engine", "--engine"), ("data", "--data")):
                if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE:
                    raise click.UsageError(
                        f"{flag} and --endpoint exclude each other: the server holds the data "
                        "and runs the query"
                    )
            kwargs["endpoint"] = Endpoint(url, timeout, graphs)
        return func(*args, **kwargs)

    for option in (
        click.option(
            "--graph",
            "endpoint_graphs",
            multiple=True,
            metavar="IRI",
            help="With --endpoint: the named graph(s) holding the data (default: every graph "
            "on the server under https://w3id.org/cyberflag/id/graph/). Repeatable.",
        ),
        click.option(
            "--timeout",
            "endpoint_timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=DEFAULT_QUERY_TIMEOUT,
            show_default=True,
            metavar="SECONDS",
            help="With --endpoint: how long to wait for the server.",
        ),
        click.option(
            "--endpoint",
            "endpoint_url",
            metavar="URL",
            envvar="CYBERFLAG_ENDPOINT",
            default=None,
            help="Run on this SPARQL 1.1 endpoint instead of the local files (env "
            "CYBERFLAG_ENDPOINT). Credentials, if needed, from CYBERFLAG_ENDPOINT_USER and "
            "CYBERFLAG_ENDPOINT_PASSWORD.",
        ),
    ):
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]


def width_option(func: F) -> F:
    """``--width N``: the width tables wrap to (0: never wrap); default :func:`terminal_width`."""
    return click.option(
        "--width",
        type=click.IntRange(min=0),
        default=None,
        metavar="N",
        help=(
            "Wrap table cells to fit N columns; 0 never wraps, nor does a table too wide to "
            "fit even when wrapped. Default: the terminal's width (or $COLUMNS), 80 when output "
            "is not a terminal."
        ),
    )(func)


def queries_option(func: F) -> F:
    """``--queries DIR``: read saved queries from ``DIR`` instead of the shipped ``queries/``."""
    return click.option(
        "--queries",
        "queries_dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="CYBERFLAG_QUERIES",
        default=None,
        metavar="DIR",
        help="Directory of saved queries, *.rq (default: the shipped ones; env CYBERFLAG_QUERIES).",
    )(func)


def terminal_width(width: int | None = None) -> int | None:
    """The width to wrap tables to: ``width`` if given (0 → ``None``, no wrapping), else
    ``$COLUMNS``, else the terminal's width when stdout is a terminal, else 80.

    80 rather than "no wrapping" when piped, so that ``cyberflag who-said > notes.txt`` gives the
    same readable layout, and the same bytes, wherever it runs.
    """
    if width is not None:
        return width or None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    isatty = getattr(sys.stdout, "isatty", None)
    if isatty is not None and isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return 80


def fit_columns(
    natural: Sequence[int], width: int | None, weights: Mapping[int, int], floor: int = 12
) -> list[int]:
    """Column widths for a line of at most ``width`` characters (two-space gaps).

    Columns not in ``weights`` keep their natural width (dates, kinds: short and never wrapped).
    The rest of the line is shared among the ``weights`` columns in proportion to their weights,
    none narrower than ``floor`` (or its natural width), none wider than it needs; what one column
    does not need goes to the others. If even the floors do not fit, lines overflow rather than
    lose text.
    """
    widths = list(natural)
    if width is None:
        return widths
    flexible = [i for i in weights if natural[i] > 0]
    budget = width - 2 * (len(widths) - 1) - sum(
        w for i, w in enumerate(widths) if i not in flexible
    )
    for i in flexible:
        widths[i] = min(natural[i], floor)
    spare = budget - sum(widths[i] for i in flexible)
    while spare > 0:
        hungry = [i for i in flexible if widths[i] < natural[i]]
        if not hungry:
            break
        total = sum(weights[i] for i in hungry)
        given = 0
        for i in hungry:
            share = max(1, spare * weights[i] // total)
            add = min(share, natural[i] - widths[i], spare - given)
            widths[i] += add
            given += add
        if given == 0:
            break
        spare -= given
    return widths


def render_columns(
    headers: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[int]
) -> str:
    """A text table with the given column widths; a cell's text wraps within its column, and a
    newline in a cell starts a new line in it. Rows are separated by a blank line when any cell
    wraps, so that one row's lines are never read as the next's."""
    body = [[str(c) for c in row] for row in rows]
    blocks = [[cell_lines(c, w) for c, w in zip(row, widths, strict=True)] for row in body]
    spaced = any(max(len(c) for c in block) > 1 for block in blocks)
    out = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    for n, block in enumerate(blocks):
        if spaced and n:
            out.append("")
        for k in range(max(len(c) for c in block)):
            parts = [
                (c[k] if k < len(c) else "").ljust(w) for c, w in zip(block, widths, strict=True)
            ]
            out.append("  ".join(parts).rstrip())
    return "\n".join(out) + "\n"


def natural_widths(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[int]:
    """The widest line of each column (header included)."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            for line in str(cell).splitlines() or [""]:
                widths[i] = max(widths[i], len(line))
    return widths


def emit(text: str, output: Path | None = None) -> None:
    """Print ``text`` (which ends with a newline) or write it atomically to ``output``."""
    if output is None:
        click.echo(text, nl=False)
        return
    from cyberflag.atomic import write_text_atomic

    try:
        write_text_atomic(output, text)
    except OSError as error:
        raise InputError(f"cannot write {output}: {error.strerror or error}") from None


def render_table(rows: Iterable[Sequence[Any]], headers: Sequence[str] | None = None) -> str:
    """A plain, aligned text table: numbers right-aligned, text left-aligned, two spaces apart."""
    body = [list(r) for r in rows]
    table = ([list(headers)] if headers else []) + body
    if not table:
        return ""
    widths = [max(len(str(row[i])) for row in table) for i in range(len(table[0]))]
    lines = []
    for n, row in enumerate(table):
        cells = []
        for i, cell in enumerate(row):
            numeric = isinstance(cell, int | float) and not isinstance(cell, bool)
            text = str(cell)
            cells.append(text.rjust(widths[i]) if numeric else text.ljust(widths[i]))
        lines.append("  ".join(cells).rstrip())
        if headers and n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def render_json(value: Any) -> str:
    """Indented JSON, keys in the given order, non-ASCII kept as is."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


_SHORT = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def format_term(term: Node | str | None) -> str:
    """A term as a person reads it: ``prefix:rest`` when it starts with a known namespace.

    Unlike the Turtle writer this does not insist that ``rest`` is a valid local name:
    ``cfd:span/a/1-5`` is clearer in a report than the full IRI, and a report is not parsed back.
    """
    from rdflib import BNode, Literal, URIRef

    from cyberflag.rdf.turtle import TermWriter

    if term is None:
        return "-"
    if isinstance(term, URIRef):
        iri = str(term)
        for name, namespace in _SHORT:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{name}:{iri[len(namespace) :]}"
        return f"<{iri}>"
    if isinstance(term, Literal):
        return TermWriter().literal(term)
    if isinstance(term, BNode):
        return "[blank node]"
    return str(term)


__all__ = [
    "ENGINES",
    "TABLE_FORMATS",
    "Endpoint",
    "data_option",
    "emit",
    "endpoint_options",
    "engine_option",
    "fit_columns",
    "format_term",
    "natural_widths",
    "output_options",
    "queries_option",
    "render_columns",
    "render_json",
    "render_table",
    "terminal_width",
    "width_option",
]
