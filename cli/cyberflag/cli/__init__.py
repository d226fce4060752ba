"""The ``cyberflag`` command line: one group, flat verb-noun commands.

Errors the user can act on are raised as :mod:`cyberflag.errors` exceptions and reported here as one
line on stderr (``cyberflag: error: ...``) with the exit code of their class; no traceback. Usage
errors (a bad option or value) are reported the same way, with exit code 2.

Start-up time matters for the query commands (``query``, ``sparql``, ``who-said``): this module
imports only click; each command's module is imported when the command runs (:data:`COMMANDS`),
and imports what it needs then.
The query commands use pyoxigraph and never import rdflib (unless ``--engine rdflib`` or a graph
format asks for it) or pySHACL (only ``validate`` does).
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from typing import Any

import click

from cyberflag import __version__
from cyberflag.cli.help import HelpContext
from cyberflag.errors import EXIT_FAILURE, EXIT_USAGE, CyberflagError

COMMANDS = {
    "add": "curate:add_article",
    "conflicts": "check:list_conflicts",
    "export": "data:export_graph",
    "figure": "curate:add_figure",
    "index": "data:build_index",
    "push": "server:push_data",
    "queries": "query:list_queries",
    "query": "query:run_saved_query",
    "quote": "curate:add_quote",
    "review": "curate:review_drafts",
    "serve": "server:serve_data",
    "show": "site:show_resource",
    "site": "site:build_site",
    "sparql": "query:run_sparql",
    "stats": "data:show_stats",
    "validate": "check:validate_data",
    "who-said": "who_said:who_said",
}
"""Each command's module (under ``cyberflag.cli``) and function: a command's module is imported
only when that command runs (or when ``-h`` lists them all), so one command's imports never slow
another's start-up."""

EPILOG = """\b
Exit codes:
  0  success (validate: no layer found an error)
  1  failure (validate: an error in some layer; a SPARQL server failed; push not verified)
  2  usage or input error (bad option or parameter, missing file, Turtle or SPARQL syntax error)
"""


class CyberflagGroup(click.Group):
    """A click group that loads its commands lazily (:data:`COMMANDS`), gives them help that
    never cuts an IRI (:class:`~cyberflag.cli.help.HelpContext`), and turns
    :class:`CyberflagError` into one stderr line and its exit code."""

    context_class = HelpContext

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        module, _, name = where.partition(":")
        command = getattr(importlib.import_module(f"cyberflag.cli.{module}"), name)
        if not isinstance(command, click.Command):
            raise TypeError(f"cyberflag.cli.{module}.{name} is not a click command")
        command.context_class = HelpContext  # click makes each command's context of its class
        return command

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
    notes = logging.getLogger("cyberflag")
    if not any(isinstance(h, NoteHandler) for h in notes.handlers):
        notes.addHandler(NoteHandler())


class NoteHandler(logging.Handler):
    """What the library logs for the person at the terminal (the query index was damaged and
    rebuilt, ...) as one ``cyberflag: note: ...`` line each on stderr."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"cyberflag: note: {' '.join(record.getMessage().split())}", err=True)


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
