"""``show`` and ``site``: a resource, or every resource, as a reader meets it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cyberflag.cli.options import (
    SERVER_FAILED,
    data_option,
    endpoint_options,
    engine_option,
    engine_option_with,
    exit_codes,
    store_option,
)
from cyberflag.cli.query import make_engine
from cyberflag.errors import InputError

if TYPE_CHECKING:
    from cyberflag.cli.options import Endpoint


@click.command("show", epilog=exit_codes(SERVER_FAILED))
@click.argument("resource", metavar="IRI|CURIE")
@click.option(
    "--width", type=click.IntRange(min=30), default=None, metavar="N",
    help="Wrap lines at N columns (default: the terminal's width, or 80).",
)
@engine_option
@data_option
@endpoint_options
@store_option
def show_resource(
    resource: str,
    width: int | None,
    engine: str,
    data: Path | None,
    endpoint: Endpoint | None,
    store: Path | None,
) -> None:
    """Describe one resource: its names, classes and properties (by their labels), what refers
    to it, and, for a statement, an observation or any fact with evidence, each article's
    sentence with the cited words marked [[like this]] (reverse video on a terminal).

    \b
    Examples:
      cyberflag show cfd:person/simon-bailey
      cyberflag show https://w3id.org/cyberflag/id/statement/bailey-thousand-eyes
    An IRI the graph does not describe is an error (exit 2).
    """
    from cyberflag.site.describe import expand
    from cyberflag.site.evidence import Sources
    from cyberflag.site.graph import load_around
    from cyberflag.site.show import render
    from cyberflag.text.table import terminal_width

    iri = expand(resource.strip())
    graph = load_around(make_engine(data, engine, endpoint, store), iri)
    if iri not in graph:
        raise InputError(f"no resource {resource!r} in the graph (give an IRI or a CURIE such "
                         "as cfd:person/simon-bailey)")
    tty = sys.stdout.isatty()
    columns = terminal_width(width) or 80
    click.echo(render(graph, iri, Sources(data), columns, highlight=tty), nl=False)


@click.command("site", epilog=exit_codes(SERVER_FAILED))
@click.option(
    "-o", "--output", "output", required=True,
    type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
    help="Folder to write the site to (replaced whole, atomically, when it holds a site).",
)
@click.option(
    "--base-url", default=None, metavar="URL",
    help="Where the site will be published: pages name their address there "
    "(<link rel=canonical>). Default: the IRIs' own base, https://w3id.org/cyberflag/.",
)
@engine_option_with(
    "oxigraph",
    "SPARQL engine. Oxigraph (the default, as for every query command and for 'serve') is "
    "fast, but gives derived integer types as xsd:integer (a span's offsets, which the data "
    "types xsd:nonNegativeInteger, in the span pages' Turtle and JSON-LD); rdflib keeps every "
    "literal as the data writes it and takes several times as long on a large graph.",
)
@data_option
@endpoint_options
@store_option
def build_site(
    output: Path,
    base_url: str | None,
    engine: str,
    data: Path | None,
    endpoint: Endpoint | None,
    store: Path | None,
) -> None:
    """Write a static site: a page for every resource at its IRI's path (with Turtle and
    JSON-LD beside it), each article's text with its cited words marked and linked to their
    facts, a who-said page and an index. Plain files: open DIR/index.html, no server needed.
    The same data gives the same bytes.
    """
    from cyberflag.site.build import write_site

    summary = write_site(make_engine(data, engine, endpoint, store), output, data, base_url)
    click.echo(summary, err=True)
