"""Where the query index lives and whether it is used: the cache folder, one index folder per data
directory, and the choice between reading small data into memory and opening the on-disk index
(:mod:`cyberflag.index.builds` explains the measurements behind :data:`IN_MEMORY_MAX_BYTES`)."""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

import pyoxigraph as ox

from cyberflag.errors import CacheError, InputError
from cyberflag.index.builds import Index, Opened, log
from cyberflag.index.sources import load_into, of_data

STORE_ENV = "CYBERFLAG_STORE"
"""Environment variable naming the cache folder (as ``--store DIR``)."""

MODE_ENV = "CYBERFLAG_STORE_MODE"
"""``auto`` (the default: memory below :data:`IN_MEMORY_MAX_BYTES`, else disk), ``disk`` or
``memory``."""

MODES = ("auto", "disk", "memory")

IN_MEMORY_MAX_BYTES = 1_500_000
"""Turtle (data and ontology) below this many bytes is read into memory; see
:mod:`cyberflag.index.builds` for the measurements behind it."""

def cache_root(store: Path | str | None = None) -> Path:
    """The cache folder: ``store``, ``$CYBERFLAG_STORE``, ``$XDG_CACHE_HOME/cyberflag`` or
    ``~/.cache/cyberflag``."""
    if store is not None:
        return Path(store)
    if os.environ.get(STORE_ENV):
        return Path(os.environ[STORE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cyberflag"


def index_dir(root: Path, data_dir: Path, ontology: Path | None) -> Path:
    """The folder for one data directory's index: ``<data folder name>-<digest of the paths>``."""
    key = f"{data_dir.resolve()}\0{ontology.resolve() if ontology is not None else ''}"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", data_dir.resolve().name)[:40] or "data"
    return root / f"{name}-{digest}"


def resolve_mode(mode: str | None) -> str:
    mode = (mode or os.environ.get(MODE_ENV) or "auto").lower()
    if mode not in MODES:
        raise InputError(f"{MODE_ENV} must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


def open_store(
    data: Path | str | None = None,
    *,
    ontology: Path | str | None = None,
    include_ontology: bool = True,
    store: Path | str | None = None,
    mode: str | None = None,
    rebuild: bool = False,
    check: bool = False,
) -> Opened:
    """A read-only store over ``data`` (default: the shipped data) and the ontology.

    In memory for small data, else the on-disk index under ``store`` (see the module docstring),
    built or brought up to date first when the files changed. Raises :class:`InputError` when the
    data directory is missing or empty and :class:`DataError` for a file that does not parse (the
    previous index, if any, stays as it was). ``check``: read the whole build to find damage
    that opening cannot see, and rebuild it if there is any.
    """
    began = time.perf_counter()
    data_dir, onto, found = of_data(data, ontology, include_ontology=include_ontology)
    chosen = resolve_mode(mode)
    small = sum(s.size for s in found) < IN_MEMORY_MAX_BYTES
    if chosen == "memory" or (chosen == "auto" and small and not rebuild):
        memory = ox.Store()
        load_into(memory, found)
        return Opened(memory, "memory", len(memory), time.perf_counter() - began, len(found))
    folder = index_dir(cache_root(store), data_dir, onto)
    index = Index(folder)
    try:
        opened = index.open(found, rebuild=rebuild, began=began)
    except OSError as error:  # a cache folder that cannot be made or written (read-only, full)
        reason = error.strerror or str(error)
        if chosen == "disk":
            raise CacheError(f"cannot use the query index in {folder}: {reason}") from None
        log.warning("cannot use the query index in %s (%s): reading the data into memory",
                    folder, reason)
        return open_store(data_dir, ontology=onto, include_ontology=include_ontology,
                          mode="memory")
    if check:
        damage = index.verify(opened)
        if damage is not None:
            opened.close()
            log.warning("the query index in %s was damaged (%s): rebuilt it", folder, damage)
            opened = index.open(found, rebuild=True, began=began)
    return opened


__all__ = [
    "IN_MEMORY_MAX_BYTES", "MODES", "MODE_ENV", "STORE_ENV", "cache_root", "index_dir",
    "open_store",
]
