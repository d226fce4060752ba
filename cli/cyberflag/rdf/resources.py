"""Where the shipped files are: the ontology, the SHACL shapes, the data and the queries.

The files live at the top of the repository (``ontology/``, ``data/``, ``queries/``) where people
edit them, and are mapped into the package (``cyberflag.ontology``, ``cyberflag._data``,
``cyberflag._queries``) when a wheel is built. Every other module asks here, so the two layouts
never leak into the rest of the code.

A source checkout is recognised by ``pyproject.toml`` two levels above the package
(``cli/cyberflag``); it wins over the installed copies so that an edit to ``data/`` is seen at
once, without reinstalling.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from pathlib import Path

from cyberflag.errors import InputError

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # cli/cyberflag
_CHECKOUT = _PACKAGE_DIR.parent.parent

# top-level directory in a checkout → subpackage in a wheel
_SUBPACKAGES = {"ontology": "ontology", "data": "_data", "queries": "_queries"}


def _is_checkout(folder: Path) -> bool:
    return (
        (folder / "pyproject.toml").is_file()
        and (folder / "cli" / "cyberflag").is_dir()
        and (folder / "ontology" / "cyberflag.ttl").is_file()
    )


@functools.lru_cache(maxsize=8)
def checkout(cwd: str | None = None) -> Path | None:
    """The source checkout whose files are read: the one the working directory ``cwd`` (default:
    the current one) is in, else the one this package was imported from, else ``None`` (an
    installed copy's files are read). Working in a checkout, its files are what a person edits and
    means, even when the package was installed without ``-e``."""
    if cwd is None:
        try:
            cwd = os.getcwd()
        except OSError:  # the working directory was removed
            cwd = ""
    if cwd:
        here = Path(cwd)
        for folder in (here, *here.parents):
            if _is_checkout(folder):
                return folder
    return _CHECKOUT if _is_checkout(_CHECKOUT) else None


def _shipped_dir(name: str) -> Path:
    """The directory for a top-level ``name`` (``ontology``, ``data``, ``queries``)."""
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = ""
    root = checkout(cwd)
    if root is not None:
        return root / name
    # An installed wheel: files("cyberflag") is a real directory in site-packages. Wheels are never
    # imported from a zip here, so a plain Path is safe (and needed: the parsers read paths).
    return Path(str(resources.files("cyberflag"))) / _SUBPACKAGES[name]


def ontology_dir() -> Path:
    """The ontology directory (``ontology/``)."""
    return _shipped_dir("ontology")


def ontology_path() -> Path:
    """The OWL/RDFS ontology, ``ontology/cyberflag.ttl``."""
    return ontology_dir() / "cyberflag.ttl"


def shapes_path() -> Path:
    """The SHACL shapes graph, ``ontology/shapes.ttl``."""
    return ontology_dir() / "shapes.ttl"


def data_dir() -> Path:
    """The data directory: ``entities.ttl``, ``concepts.ttl``, ``articles/``, ``sources/``."""
    return _shipped_dir("data")


def sources_dir(data: Path | None = None) -> Path:
    """The source texts and their manifest, ``data/sources/`` (of ``data`` when given)."""
    return (data if data is not None else data_dir()) / "sources"


def queries_dir() -> Path:
    """Named SPARQL queries (``queries/*.rq``)."""
    return _shipped_dir("queries")


def require_file(path: Path, what: str) -> Path:
    """Return ``path`` if it is a file, else raise an :class:`InputError` naming ``what``.

    A missing shipped file means a broken install or checkout; saying which file beats a traceback.
    """
    if not path.is_file():
        raise InputError(f"{what} not found: {path}")
    return path


def require_dir(path: Path, what: str) -> Path:
    """Return ``path`` if it is a directory, else raise an :class:`InputError`."""
    if not path.is_dir():
        raise InputError(f"{what} not found or not a directory: {path}")
    return path


__all__ = [
    "checkout",
    "data_dir",
    "ontology_dir",
    "ontology_path",
    "queries_dir",
    "require_dir",
    "require_file",
    "shapes_path",
    "sources_dir",
]
