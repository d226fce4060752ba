"""Options and texts shared by the commands: ``--format``/``-o``, ``--data``, ``--endpoint``, ...

Modelled on sqlite-utils' ``output_options``: one decorator gives every command that prints results
the same options, so ``query``, ``sparql`` and ``who-said`` behave like ``stats`` without copying
option code.

Importing this module is cheap (click and the standard library), so every command starts fast.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from cyberflag.errors import InputError
from cyberflag.text.formats import (
    EXTENSIONS,
    GRAPH_FORMATS,
    SELECT_FORMATS,
    TEXT_FORMATS,
    FormatChoice,
)

F = TypeVar("F", bound=Callable[..., Any])


def output_options(
    formats: Sequence[str] = TEXT_FORMATS,
    default: str | None = None,
    *,
    output: bool = True,
    help_text: str = "Output format.",
    auto: bool = False,
) -> Callable[[F], F]:
    """Add ``--format`` (one of ``formats``, passed as ``fmt`` by its canonical name, aliases
    such as ``table`` accepted: :class:`~cyberflag.text.formats.FormatChoice`) and, if
    ``output``, ``-o``.

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
            type=FormatChoice(formats),
            default=None if auto else default or formats[0],
            show_default=not auto,
            help=help_text,
        )(func)
        return func

    return decorator


def _format_from_extension(func: F, formats: Sequence[str]) -> F:
    """``-o FILE`` with a known extension sets the format when ``--format`` is not given, and
    a ``--format`` that contradicts it is refused (exit 2), so ``export -o graph.nt`` never
    writes Turtle into a ``.nt`` file."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        output, fmt = kwargs.get("output"), kwargs.get("fmt")
        named = EXTENSIONS.get(output.suffix.lower()) if output is not None else None
        if named is not None and named in formats and output is not None:
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

    # functools.wraps keeps func's signature, so the wrapper is an F (mypy cannot see it)
    return wrapper  # type: ignore[return-value]


def _suffix(fmt: str) -> str:
    return next((ext[1:] for ext, name in EXTENSIONS.items() if name == fmt), fmt)


def _folder_option(flag: str, dest: str, env: str, help_text: str) -> Callable[[F], F]:
    """A ``--flag DIR`` option for a folder, also read from the environment variable ``env``."""
    return click.option(
        flag,
        dest,
        type=click.Path(file_okay=False, path_type=Path),
        envvar=env,
        default=None,
        metavar="DIR",
        help=help_text,
    )


data_option = _folder_option(
    "--data", "data", "CYBERFLAG_DATA",
    "Data directory laid out like data/ (default: the shipped data; env CYBERFLAG_DATA).",
)
"""``--data DIR``: read a directory laid out like ``data/`` instead of the shipped data."""

store_option = _folder_option(
    "--store", "store", "CYBERFLAG_STORE",
    "Cache folder for the on-disk query index, used when the data is large (default: "
    "$XDG_CACHE_HOME/cyberflag or ~/.cache/cyberflag; env CYBERFLAG_STORE).",
)
"""``--store DIR``: the cache folder of the persistent query index
(:mod:`cyberflag.index.builds`)."""

queries_option = _folder_option(
    "--queries", "queries_dir", "CYBERFLAG_QUERIES",
    "Directory of saved queries, *.rq (default: the shipped ones; env CYBERFLAG_QUERIES).",
)
"""``--queries DIR``: read saved queries from ``DIR`` instead of the shipped ``queries/``."""


ENGINES = ("oxigraph", "rdflib")
"""The ``--engine`` choices (as :data:`cyberflag.sparql.engines.ENGINES`, which imports
pyoxigraph; a test checks that the two agree)."""


ENGINE_HELP = "SPARQL engine: Oxigraph (fast) or rdflib (slower; an independent implementation)."


def engine_option_with(default: str, help_text: str = ENGINE_HELP) -> Callable[[F], F]:
    """``--engine oxigraph|rdflib`` with its own default, for a command that needs the other
    engine's strength, or that must say more about what the engines' choice means."""

    def decorator(func: F) -> F:
        return click.option(
            "--engine",
            type=click.Choice(list(ENGINES), case_sensitive=False),
            default=default,
            show_default=True,
            help=help_text,
        )(func)

    return decorator


engine_option = engine_option_with(ENGINES[0])
"""``--engine oxigraph|rdflib``: which SPARQL engine answers (Oxigraph is the fast default)."""


@dataclass(frozen=True)
class Endpoint:
    """Where ``--endpoint`` sends queries: the URL, the deadline, the graphs (``()``: found on
    the server) and the largest answer (``None``: the transport's default). Gathered into one
    value so that commands pass it on without knowing its parts."""

    url: str
    timeout: float | None
    graphs: tuple[str, ...] = ()
    max_answer: int | None = None


DEFAULT_QUERY_TIMEOUT = 60.0
"""As :data:`cyberflag.sparql.transport.DEFAULT_TIMEOUT` (not imported: every command would pay
for the HTTP modules)."""

TIMEOUT_HELP = (
    "a deadline, not an idle timeout: connecting, sending and receiving the whole answer must "
    "end within SECONDS"
)


def size_value(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """``--max-answer 100M`` as bytes (``None`` when not given); a bad size is a usage error.
    The parser is imported only when a size is given, so other commands do not load it."""
    if value is None:
        return None
    from cyberflag.memory import parse_size

    try:
        return parse_size(value)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from None


def max_answer_option(func: F) -> F:
    """``--max-answer SIZE`` (env ``CYBERFLAG_MAX_ANSWER``): the largest answer read from a
    server, so that an endless or huge answer ends the command instead of filling the memory."""
    return click.option(
        "--max-answer",
        "max_answer",
        metavar="SIZE",
        envvar="CYBERFLAG_MAX_ANSWER",
        default=None,
        callback=size_value,
        help="The largest answer accepted from the server, e.g. 100M or 2G (default: 512M, or a "
        "quarter of the memory if less; env CYBERFLAG_MAX_ANSWER). A larger answer ends the "
        "command with an error.",
    )(func)


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
        max_answer = kwargs.pop("max_answer")
        ctx = click.get_current_context()
        if url is None:
            for name, flag in (("endpoint_timeout", "--timeout"), ("endpoint_graphs", "--graph"),
                               ("max_answer", "--max-answer")):
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
            kwargs["endpoint"] = Endpoint(url, timeout, graphs, max_answer)
        return func(*args, **kwargs)

    for option in (
        max_answer_option,
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
            help=f"With --endpoint: how long each request to the server may take, {TIMEOUT_HELP}.",
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
    # the decorated wrapper stands in for func as click's command callback (mypy cannot see it)
    return wrapper  # type: ignore[return-value]


def width_option(func: F) -> F:
    """``--width N``: the width tables wrap to (0: never wrap); default :func:`terminal_width`."""
    return click.option(
        "--width",
        type=click.IntRange(min=0),
        default=None,
        metavar="N",
        help=(
            "Fit text output to N columns: cells wrap within their column, and a table too wide "
            "to fit even when wrapped is printed as records; 0 never wraps. Default: the "
            "terminal's width (or $COLUMNS), 80 when output is not a terminal."
        ),
    )(func)


def split_names(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[
    str, ...
]:
    """``--columns a,b --columns c`` as ``("a", "b", "c")``: commas and repetition both list."""
    return tuple(name.strip() for given in value for name in given.split(",") if name.strip())


def columns_option(func: F) -> F:
    """``--columns NAME,...``: keep only these result columns, in this order, in every format;
    checked against the result's variables once the query has run
    (:meth:`~cyberflag.sparql.results.SelectResult.project`)."""
    return click.option(
        "--columns",
        "columns",
        multiple=True,
        callback=split_names,
        metavar="NAME[,NAME...]",
        help="Print only these result columns (the query's variables, without '?'), in this "
        "order, in every format. Comma-separated or repeated; an unknown name is refused.",
    )(func)


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


def exit_codes(failure: str | None = None) -> str:
    """A command's help epilog: its exit codes, with code 1 only where the command can fail
    that way (each command's own, not the whole tool's list)."""
    lines = ["\b", "Exit codes:", "  0  success"]
    if failure is not None:
        lines.append(f"  1  {failure}")
    lines.append("  2  usage or input error (bad option or parameter, missing file, syntax error)")
    return "\n".join(lines) + "\n"


SERVER_FAILED = (
    "the SPARQL server (--endpoint) failed, refused the connection, missed the --timeout "
    "deadline or sent an answer over --max-answer"
)

SELECT_FORMAT_HELP = (
    "Output format: text (a table, the default, also when output is not a terminal: ask for "
    "csv, tsv, json or jsonl explicitly; records when the table cannot fit the width), records "
    "(one 'field | value' block per row, as psql's \\x), or the W3C SPARQL 1.1 results formats "
    "csv, tsv, json, jsonl (one JSON object per row) or xml."
)
RESULT_FORMAT_HELP = (
    "Output format. Solutions and booleans: text (a table, the default, also when output is not "
    "a terminal: ask for csv, tsv, json or jsonl explicitly; records when the table cannot fit "
    "the width), records (one 'field | value' block per row, as psql's \\x), or the W3C SPARQL "
    "1.1 results formats csv, tsv, json, jsonl (one JSON object per row) or xml. Graphs "
    "(CONSTRUCT, DESCRIBE): turtle (the default), nt or jsonld."
)


def result_options(func: F, graphs: bool = True) -> F:
    """The options every command that runs SPARQL shares: format, -o, columns, width, engine, data,
    the index's ``--store``, and ``--endpoint`` (with ``--timeout``, ``--graph``) to run on a SPARQL
    server instead. ``graphs``: whether the command can return a graph (who-said never does, so
    it does not offer graph formats that would always fail)."""
    formats: tuple[str, ...]
    formats, help_text = SELECT_FORMATS, SELECT_FORMAT_HELP
    if graphs:
        formats, help_text = SELECT_FORMATS + GRAPH_FORMATS, RESULT_FORMAT_HELP
    for option in (
        store_option,
        data_option,
        engine_option,
        width_option,
        columns_option,
        output_options(formats, auto=True, help_text=help_text),
        endpoint_options,
    ):
        func = option(func)
    return func


def rows_result_options(func: F) -> F:
    """:func:`result_options` for a command whose answer is always rows (who-said)."""
    return result_options(func, graphs=False)


__all__ = [
    "TIMEOUT_HELP", "Endpoint", "columns_option", "data_option", "emit", "endpoint_options",
    "engine_option", "exit_codes", "max_answer_option", "output_options", "queries_option",
    "result_options", "rows_result_options", "size_value", "split_names", "store_option",
    "width_option",
]
