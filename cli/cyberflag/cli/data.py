"""``export``, ``stats`` and ``index``: the graph as a whole."""

from __future__ import annotations

from pathlib import Path

import click

from cyberflag.cli.options import (
    SERVER_FAILED,
    Endpoint,
    data_option,
    emit,
    endpoint_options,
    exit_codes,
    output_options,
    store_option,
)
from cyberflag.text.formats import EXPORT_FORMATS, TEXT_FORMATS
from cyberflag.text.render import render_json
from cyberflag.text.table import render_table


@click.command("export", epilog=exit_codes())
@output_options(formats=EXPORT_FORMATS)
@data_option
def export_graph(fmt: str, output: Path | None, data: Path | None) -> None:
    """Write the whole graph (data and ontology) in one RDF format.

    Turtle, N-Triples and JSON-LD merge all files; TriG and N-Quads keep one named graph per file.
    Output is deterministic: the same data gives the same bytes.
    """
    from cyberflag.rdf.export import serialize
    from cyberflag.rdf.graphs import load

    emit(serialize(load(data), fmt.lower()), output)


@click.command("stats", epilog=exit_codes(SERVER_FAILED))
@output_options(formats=TEXT_FORMATS, output=False)
@data_option
@endpoint_options
def show_stats(fmt: str, data: Path | None, endpoint: Endpoint | None) -> None:
    """Count articles, people, organisations, statements, statistics and more.

    With --endpoint, counts what the SPARQL server holds of the project's graphs (the same saved
    queries, stats and triples, run there).
    """
    from cyberflag.cli.query import make_engine
    from cyberflag.text.stats import compute

    stats = compute(make_engine(data, "oxigraph", endpoint))
    if fmt == "json":
        emit(render_json(stats.as_json()))
    else:
        emit(render_table(stats.rows()))


@click.command("index", epilog=exit_codes())
@store_option
@data_option
@click.option(
    "--rebuild", is_flag=True, help="Build from every file, even when the index is up to date."
)
@click.option(
    "--check",
    is_flag=True,
    help="Also read the whole index to find damage that opening it cannot see (files changed "
    "in place, a wrong triple count), and rebuild it if there is any.",
)
@output_options(formats=TEXT_FORMATS, output=False)
def build_index(
    store: Path | None, data: Path | None, rebuild: bool, check: bool, fmt: str
) -> None:
    """Build or update the on-disk query index, and say what was done.

    \b
    The query commands (who-said, query, sparql) keep the data in an on-disk
    Oxigraph store under a cache folder (--store DIR, env CYBERFLAG_STORE,
    default $XDG_CACHE_HOME/cyberflag or ~/.cache/cyberflag), built on first use
    and reused while the data files are unchanged; changed files are applied to
    it, or it is rebuilt. Data under 1.5 MB of Turtle is read into memory
    instead, which is faster; this command builds the index whatever the size.
    The index is a cache: a damaged one is rebuilt, with a note on stderr.
    """
    from cyberflag.index import opening

    opened = opening.open_store(data, store=store, mode="disk", rebuild=rebuild, check=check)
    report = {
        "action": opened.action,
        "triples": opened.triples,
        "files": opened.files,
        "changed": opened.changed if opened.action == "updated" else [],
        "seconds": round(opened.seconds, 3),
        "path": str(opened.path),
    }
    opened.close()
    if fmt == "json":
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
