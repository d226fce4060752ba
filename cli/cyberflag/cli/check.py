"""``validate`` and ``conflicts``: the checks of the data, as a report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cyberflag.checks.findings import LAYERS
from cyberflag.cli.options import (
    data_option,
    exit_codes,
    output_options,
    store_option,
    width_option,
)
from cyberflag.errors import EXIT_FAILURE, CyberflagError
from cyberflag.text.formats import TEXT_FORMATS
from cyberflag.text.table import terminal_width

if TYPE_CHECKING:
    from cyberflag.checks.runner import CheckRun

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


@click.command("validate", epilog=VALIDATE_EPILOG)
@data_option
@click.option(
    "--layer",
    "layers",
    multiple=True,
    type=click.Choice(LAYERS),
    help="Run only this layer (repeatable; default: all).",
)
@output_options(formats=TEXT_FORMATS, output=False, help_text="text for people, json for machines.")
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
    from cyberflag.curation.edit import draft_counts

    run = runner.run(data, layers=layers or LAYERS, incremental=True, full=full, store=store,
                     jobs=jobs, note=lambda line: click.echo(f"cyberflag: note: {line}", err=True))
    try:
        drafts = draft_counts(data)
    except CyberflagError:  # a file that does not parse: the syntax layer has said why
        drafts = {}
    print_report(run, data, fmt, width, drafts=drafts)
    ctx.exit(0 if run.ok else EXIT_FAILURE)


@click.command("conflicts", epilog=exit_codes())
@data_option
@output_options(formats=TEXT_FORMATS, output=False, help_text="text for people, json for machines.")
@width_option
def list_conflicts(data: Path | None, fmt: str, width: int | None) -> None:
    """Figures, quotes and roles that disagree between articles, side by side with their sources.

    Conflicts a curator has reviewed and explained in the data (cf:ExplainedConflict) are listed as
    explained; the others as warnings. The listing itself exits 0; `validate` is the gate.
    """
    from cyberflag.checks import runner

    print_report(
        runner.run(data, layers=("consistency",)), data, fmt, width, command="conflicts"
    )


def print_report(
    run: CheckRun, data: Path | None, fmt: str, width: int | None, command: str = "validate",
    drafts: dict[str, int] | None = None,
) -> None:
    """Print a validation run as text (wrapped to the terminal) or JSON."""
    from cyberflag.rdf.graphs import display_path
    from cyberflag.rdf.resources import data_dir
    from cyberflag.text import report

    where = display_path(data if data is not None else data_dir())
    if fmt == "json":
        click.echo(report.format_json(run, where, drafts), nl=False)
    else:
        text = report.format_text(
            run, where, terminal_width(width) or 0, command, ran_only=command != "validate",
            drafts=drafts,
        )
        click.echo(text, nl=False)
