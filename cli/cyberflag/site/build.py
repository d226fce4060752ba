"""``cyberflag site``: every page, written as one folder that replaces the last one whole.

The pages are built in memory, written to a new folder beside the target, and renamed into
place: a reader never sees half a site, and a failed build leaves the old one untouched. The
same data gives the same bytes: no dates, no hash order, no absolute paths. A folder that does
not hold a site this command wrote is never replaced.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from cyberflag.errors import InputError
from cyberflag.memory import format_size
from cyberflag.queries.catalogue import all_queries
from cyberflag.rdf.prefixes import BASE
from cyberflag.site.article import article_page
from cyberflag.site.conflicts import HERE as CONFLICTS
from cyberflag.site.conflicts import conflicts_page
from cyberflag.site.context import Context
from cyberflag.site.evidence import Sources
from cyberflag.site.forms import HERE as QUERIES
from cyberflag.site.forms import catalogue_page, query_here, query_page
from cyberflag.site.graph import load_all
from cyberflag.site.home import HERE, VOID, home_page, void_turtle
from cyberflag.site.html import CSS, STYLE, page_path
from cyberflag.site.pages import part_page, resource_page
from cyberflag.site.timeline import HERE as TIMELINE
from cyberflag.site.timeline import timeline_page
from cyberflag.site.who_said import HERE as WHO_SAID
from cyberflag.site.who_said import who_said_page
from cyberflag.sparql.results import GraphResult
from cyberflag.text.render import render_graphs

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cyberflag.queries.header import Query
    from cyberflag.sparql.engines import Engine

MARKER = ".cyberflag-site"
"""The file that says a folder holds a site this command wrote (and may replace)."""

ARTICLE = "http://schema.org/NewsArticle"


def check_base_url(base_url: str | None) -> str:
    """``base_url`` (default: the IRIs' base) ending in ``/``; anything but an http(s) URL is
    an input error."""
    if base_url is None:
        return BASE
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise InputError(f"--base-url {base_url!r} is not an http(s) URL without query or fragment")
    return base_url if base_url.endswith("/") else base_url + "/"


def build(engine: Engine, data: Path | None, base_url: str | None = None,
          queries_dir: Path | None = None) -> dict[str, str]:
    """Every file of the site, path (from the root, ``/``-separated) → text."""
    return site_files(context(engine, data, base_url), engine, data, all_queries(queries_dir))


def context(engine: Engine, data: Path | None, base_url: str | None = None) -> Context:
    """One build's shared state: every triple (through ``engine``), the sources, the pages."""
    return Context(load_all(engine), Sources(data), check_base_url(base_url))


def site_files(ctx: Context, engine: Engine, data: Path | None,
               queries: Sequence[Query]) -> dict[str, str]:
    """Every file of the site built on ``ctx``, path (from the root) → text."""
    files: dict[str, str] = {}
    for iri, path in sorted(ctx.pages.items()):
        is_article = ARTICLE in ctx.graph.types(iri)
        files[path] = article_page(ctx, iri) if is_article else resource_page(ctx, iri)
        described = GraphResult(ctx.graph.describing(iri))
        folder = path.removesuffix("index.html")
        turtle, jsonld = render_graphs(described, ("turtle", "jsonld"))
        files[folder + "index.ttl"] = turtle
        files[folder + "index.jsonld"] = jsonld
    for iri in sorted(ctx.parts):
        own = page_path(iri)
        if own is not None:
            files[own] = part_page(ctx, iri, own)
    files[HERE] = home_page(ctx)
    files[WHO_SAID] = who_said_page(ctx, engine)
    files[TIMELINE] = timeline_page(ctx, engine)
    files[CONFLICTS] = conflicts_page(ctx, data)
    files[QUERIES] = catalogue_page(queries, live=False)
    for query in queries:
        files[query_here(query.name)] = query_page(query, {}, live=False)
    files[VOID] = void_turtle(ctx)
    files[STYLE] = CSS
    files[MARKER] = "A site written by `cyberflag site`; the command replaces this folder whole.\n"
    return files


def publish(output: Path, files: dict[str, str]) -> None:
    """Write ``files`` into a new folder beside ``output`` and rename it to ``output``."""
    if output.exists() and not output.is_dir():
        raise InputError(f"{output} is a file, not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise InputError(
            f"{output} is not empty and holds no site written by cyberflag; "
            "choose a new or empty folder"
        )
    parent = output.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{output.name}.", suffix=".new"))
    except OSError as error:
        raise InputError(f"cannot write beside {output}: {error.strerror or error}") from None
    try:
        for path, text in sorted(files.items()):
            target = staging.joinpath(*path.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)
        if output.exists():
            retired = staging.with_suffix(".old")
            os.rename(output, retired)
            os.rename(staging, output)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.rename(staging, output)
    except BaseException as error:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
        if isinstance(error, OSError):
            raise InputError(f"cannot write the site to {output}: {error}") from None
        raise


def write_site(
    engine: Engine, output: Path, data: Path | None, base_url: str | None = None
) -> str:
    """Build and publish the site; one line saying what was written, for stderr."""
    started = time.monotonic()
    files = build(engine, data, base_url)
    publish(output, files)
    pages = sum(1 for path in files if path.endswith(".html"))
    size = sum(len(text.encode("utf-8")) for text in files.values())
    return (
        f"cyberflag: wrote {pages} pages ({len(files)} files, {format_size(size)}) to {output} "
        f"in {time.monotonic() - started:.1f} s"
    )


__all__ = [
    "MARKER", "build", "check_base_url", "context", "publish", "site_files", "write_site",
]
