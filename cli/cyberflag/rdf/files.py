"""How a data directory is laid out: which files are data, which named graph each becomes, and
how a file is named in a message (path, and line and column of a parse error).

One place for the rule, kept free of rdflib so that the query path (pyoxigraph only) can use it
without paying rdflib's import time: :mod:`cyberflag.rdf.graphs` (rdflib) and
:mod:`cyberflag.sparql.engines`
(pyoxigraph) both read the data through these functions and so always agree on graph names.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from cyberflag.errors import DataError
from cyberflag.rdf.prefixes import PREFIXES

GRAPH_BASE = PREFIXES["cfd"] + "graph/"
"""Named graphs are ``GRAPH_BASE + relative path without .ttl``."""

OX_LOCATION = re.compile(r"^Parser error (?:at|between) line [^:]*:\s*")
"""The location pyoxigraph puts before a parse error's message (it is given as line and column
instead)."""


def graph_name(relative: str) -> str:
    """The named graph for the file at ``relative`` (POSIX path under data/, ``.ttl`` dropped)."""
    if relative.endswith(".ttl"):
        relative = relative[: -len(".ttl")]
    return GRAPH_BASE + quote(relative, safe="/-._~")


def walk(data_dir: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """``(relative POSIX path, entry)`` for every data file: each ``*.ttl`` under ``data_dir``
    except under ``sources/`` (the articles' texts) and anything hidden. One walk for every reader
    of the data (the index, the loaders, the checks), with ``os.scandir``: 11 ms against 58 ms for
    ``Path.rglob`` on 4,000 files, which matters because every query command does this.

    Symbolic links are followed to files and folders outside ``data_dir`` only: one pointing
    inside it would load the same files twice under other names (or, to a parent, for ever), so
    it is skipped, and no folder is entered twice."""
    root = data_dir.resolve()
    entered = {_identity(data_dir)}
    stack = [(str(data_dir), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                relative = prefix + entry.name
                if entry.is_symlink() and _inside(Path(entry.path), root):
                    continue
                if entry.is_dir():
                    identity = _identity(Path(entry.path))
                    if relative != "sources" and identity not in entered:
                        entered.add(identity)
                        stack.append((entry.path, relative + "/"))
                elif entry.name.endswith(".ttl") and entry.is_file():
                    yield relative, entry


def _identity(folder: Path) -> tuple[int, int]:
    stat = folder.stat()
    return stat.st_dev, stat.st_ino


def _inside(link: Path, root: Path) -> bool:
    """Whether the symbolic link ``link`` leads back inside ``root`` (or loops)."""
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):  # a loop, or a link to nothing
        return True
    return target == root or root in target.parents


def data_files(data: Path) -> list[Path]:
    """Every ``*.ttl`` under ``data`` except ``sources/`` and hidden files or folders, sorted by
    their path under ``data``."""
    return [Path(entry.path) for _, entry in sorted(walk(data), key=lambda found: found[0])]


def sha256_file(path: Path) -> str:
    """The file's SHA-256 (hex), read a megabyte at a time: what the index and the checks' cache
    compare to tell an edited file from a touched one."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


BOM = b"\xef\xbb\xbf"
"""The UTF-8 byte-order mark, which some editors put at the start of a file and Turtle forbids."""


def parse_error(path: Path, error: Exception) -> DataError:
    """A parse or read error as the one-line ``path:line:column: message`` the CLI prints. A
    byte-order mark is named as such: the parser's message shows it as an invisible character."""
    if isinstance(error, SyntaxError):
        if starts_with_bom(path):
            return DataError(
                display_path(path), 1, 1, "the file starts with a byte-order mark (U+FEFF), "
                "which Turtle does not allow: save it as UTF-8 without a BOM"
            )
        message = OX_LOCATION.sub("", error.msg or str(error)) or "syntax error"
        return DataError(display_path(path), error.lineno, error.offset, message)
    message = getattr(error, "strerror", None) or str(error)
    return DataError(display_path(path), None, None, message)


RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
"""The link from one cell of an RDF list to the next: a long list is a chain of blank nodes, not a
nesting (the Turtle writer writes a list's cells one after another, not inside each other)."""

MAX_BLANK_NESTING = 64
"""The deepest blank nodes may nest (``[ ... [ ... ] ]``, or a chain of ``_:b`` labels): the
writers recurse (rdflib's JSON-LD writer overflows Python's stack at about 400 levels; 150 were
written by every format), and the data uses none."""


def nesting_depth(edges: dict[str, list[str]]) -> int:
    """The longest chain of blank nodes in ``edges`` (node → the nodes it points at), counting
    nodes; a cycle counts once round. Iterative: a chain of any length is measured."""
    depth: dict[str, int] = {}
    for start in edges:
        if start in depth:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        on_path: set[str] = {start}
        while stack:
            node, index = stack[-1]
            children = edges.get(node, [])
            if index < len(children):
                stack[-1] = (node, index + 1)
                child = children[index]
                if child not in depth and child not in on_path:
                    on_path.add(child)
                    stack.append((child, 0))
                continue
            stack.pop()
            on_path.discard(node)
            depth[node] = 1 + max(
                (depth.get(c, 0) for c in children if c not in on_path), default=0
            )
    return max(depth.values(), default=0)


def nesting_error(path: Path, edges: dict[str, list[str]]) -> DataError | None:
    """The error for a file whose blank nodes (``edges``: node → the nodes it points at) nest
    deeper than :data:`MAX_BLANK_NESTING`, else ``None``."""
    depth = nesting_depth(edges)
    if depth <= MAX_BLANK_NESTING:
        return None
    return DataError(
        display_path(path), None, None,
        f"blank nodes nested {depth} deep; at most {MAX_BLANK_NESTING} are allowed (deeper ones "
        "cannot be written back as Turtle or JSON-LD)",
    )


def starts_with_bom(path: Path) -> bool:
    """Whether the file at ``path`` starts with a UTF-8 byte-order mark."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(BOM)) == BOM
    except OSError:
        return False


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when below it (shorter messages), else as is."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


__all__ = [
    "BOM",
    "GRAPH_BASE",
    "MAX_BLANK_NESTING",
    "OX_LOCATION",
    "data_files",
    "display_path",
    "graph_name",
    "nesting_depth",
    "nesting_error",
    "parse_error",
    "sha256_file",
    "starts_with_bom",
    "walk",
]
