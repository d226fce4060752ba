"""``push`` and ``serve``: the data on a SPARQL server."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cyberflag.cli.options import (
    TIMEOUT_HELP,
    data_option,
    emit,
    exit_codes,
    max_answer_option,
    queries_option,
    size_value,
)


@click.command(
    "push",
    epilog=exit_codes(
        "the server failed, or it does not hold exactly what was sent (an update whose answer "
        "was lost, but which the server holds, is a success)"
    ),
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
    "of one graph per file. Not a graph under https://w3id.org/cyberflag/id/graph/: those are "
    "the per-file graphs.",
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
    help=f"How long the update (each attempt) may take, {TIMEOUT_HELP}. Listing the graphs, "
    "and each query that checks them afterwards, may take at most 60 s.",
)
@max_answer_option
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
    max_answer: int | None,
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
    default graph are never named, so never touched. Afterwards each graph on the server is
    compared with what was sent, triple by triple, and must hold exactly that. If the update
    fails (no answer, HTTP 504, a cut connection), the server is asked what it holds: the old
    data, the new, or unknown (run push again).
    \b
    Examples:
      cyberflag push --endpoint http://127.0.0.1:7878/query
      cyberflag push --endpoint http://host:3030/ds/query --graph https://example.org/cyberflag
    Credentials, if the server needs them: CYBERFLAG_ENDPOINT_USER, CYBERFLAG_ENDPOINT_PASSWORD.
    """
    from cyberflag.server.push import push
    from cyberflag.sparql.transport import DEFAULT_MAX_ANSWER

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
        max_answer=max_answer or DEFAULT_MAX_ANSWER,
        retries=retries,
        note=note,
        progress=progress,
    )
    emit("".join(line + "\n" for line in report.lines()))


@click.command("serve", epilog=exit_codes(
    "the server could not start, or stopped with an error (or died 4 times within a minute)"
))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but 127.0.0.1, ::1 or localhost (0.0.0.0, a LAN "
    "address) lets other machines read all the data and run any query on it; SERVICE and "
    "updates are refused either way.",
)
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=7878,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="Oxigraph's time limit per query (whole seconds). It does not stop every query "
    "(a COUNT or ORDER BY over a large join runs on), so a request's whole answer may take "
    "SECONDS and half as long again (at most 30 s more); past that serve restarts the engine "
    "to stop the query, and the client gets HTTP 504.",
)
@click.option(
    "--max-memory",
    "max_memory",
    metavar="SIZE",
    envvar="CYBERFLAG_MAX_MEMORY",
    default=None,
    callback=size_value,
    help="The most memory the engine may hold, e.g. 2G (default: half of the memory; env "
    "CYBERFLAG_MAX_MEMORY). Past it (checked 4 times a second, on Linux) serve restarts "
    "the engine to stop the query that grew it; the requests it was answering get HTTP 503.",
)
@click.option(
    "--site/--no-site",
    default=True,
    show_default=True,
    help="Build the site from the data and serve it at / (as 'cyberflag site' writes it). "
    "Without it, / is Oxigraph's query page; the forms and the console are served either way.",
)
@data_option
@queries_option
def serve_data(
    host: str, port: int, timeout: int, max_memory: int | None, site: bool, data: Path | None,
    queries_dir: Path | None,
) -> None:
    """Serve the site, a form per saved query and a read-only SPARQL endpoint.

    \b
    Builds the site from the data (as 'cyberflag site' does; --no-site skips it) and runs
    the Oxigraph server (the 'oxigraph' package: pip install 'cyberflag[server]') over a
    temporary copy of the data, one named graph per file, the default graph being their
    union as in 'cyberflag query', on a private port of 127.0.0.1. A front on --host and
    --port answers:
      /             the site: a page at every IRI's path (Turtle or JSON-LD when the
                    request's Accept asks for it)
      /queries/     a form per saved query, built from its #+ header; its rows as a
                    table linked to the pages, with CSV and JSON downloads
      /console/     a SPARQL console with the project's prefixes and the saved queries
      /query        the SPARQL endpoint (also /sparql)
    It refuses (HTTP 403 or 400, one line saying why) any query with SERVICE (which would
    make the server fetch from other hosts), queries nested over 32 deep, updates and
    Graph Store writes, and bodies over 1 MiB. If the server dies it is restarted (at most
    3 times a minute), with a note on stderr.
    \b
    A long query: Oxigraph stops some at --timeout; one still running when its answer
    passes --timeout and half as long again (90 s by default), or that makes the engine
    hold more than --max-memory, is stopped by restarting the engine (a note on stderr,
    a second or less, not counted as a crash): its client gets HTTP 504 (503 for memory),
    other requests cut by the restart 503, each with one line saying why.
    \b
    Prints these addresses; other tools (and 'cyberflag query NAME --endpoint URL/query')
    can use the endpoint. The pages' links are relative, so they work from another machine
    when --host lets it in. Ctrl-C stops it and removes the temporary copy.
    \b
    --host decides who can read: 127.0.0.1 (the default) is this machine only; any other
    address lets every machine that can reach it read all the data.
    """
    from cyberflag.server.serve import front_deadline, serve
    from cyberflag.site.serving import prepare

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
        timeout=timeout,
        max_memory=max_memory,
        prepare=prepare(data, queries_dir, site=site, timeout=front_deadline(timeout) + 5),
        say=lambda text: click.echo(text, nl=False),
        note=lambda text: click.echo(text, err=True, nl=False),
    )
