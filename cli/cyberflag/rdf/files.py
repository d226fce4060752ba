"""How a data directory is laid out: which files are data, and which named graph each becomes.

One place for the rule, kept free of rdflib so that the query path (pyoxigraph only) can use it
without paying rdflib's import time: :mod:`cyberflag.rdf.graphs` (rdflib) and :mod:`cyberflag.sparql.engines`
(pyoxigraph) both read the data through these functions and so always agree on graph names.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from cyberflag.rdf.prefixes import PREFIXES

GRAPH_BASE = PREFIXES["cfd"] + "graph/"
"""Named graphs are ``GRAPH_BASE + relative path without .ttl``."""


def graph_name(relative: str) -> str:
    """The named graph for the file at ``relative`` (POSIX path under data/, ``.ttl`` dropped)."""
    if relative.endswith(".ttl"):
        relative = relative[: -len(".ttl")]
    return GRAPH_BASE + quote(relative, safe="/-._~")


def data_files(data: Path) -> list[Path]:
    """Every ``*.ttl`` under ``data`` except ``sources/`` and hidden files or folders, sorted."""
    found = []
    for path in data.rglob("*.ttl"):
        parts = path.relative_to(data).parts
        if parts[0] == "sources" or any(p.startswith(".") for p in parts):
            continue
        if path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(data).as_posix())


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when below it (shorter messages), else as is."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


__all__ = ["GRAPH_BASE", "data_files", "display_path", "graph_name"]
