"""What a build of the query index holds on disk, recorded when it is built, so that damage is
found before a query reads it.

The index is a cache: a build that is not exactly what was written is discarded and rebuilt,
never trusted. Two checks, by cost:

* on every open, each file of the build must still exist with the size and modification time it
  had when the build was made (a ``stat`` per file: RocksDB never rewrites the files of a build
  opened read-only, so any change is damage: a deleted ``CURRENT``, a truncated ``MANIFEST``, an
  ``.sst`` missing, cut short or written over);
* ``cyberflag index --check`` also reads every file and compares its SHA-256 with the one
  recorded, for damage that keeps a file's size and time.

RocksDB's own ``LOG`` files and its ``LOCK`` are left out: they are not data.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cyberflag.rdf.files import sha256_file

Entry = list[Any]
"""``[size, mtime_ns, sha256]`` of one file of a build."""


def _is_data(name: str) -> bool:
    return name != "LOCK" and not name.startswith("LOG")


def record(build: Path, previous: Mapping[str, Entry] | None = None) -> dict[str, Entry]:
    """Every data file of ``build`` with its size, time and digest. Files unchanged since
    ``previous`` (an update's checkpoint shares the base build's files as hard links) keep their
    recorded digest instead of being read again."""
    inventory: dict[str, Entry] = {}
    for path in sorted(build.iterdir()):
        if not _is_data(path.name) or not path.is_file():
            continue
        stat = path.stat()
        old = (previous or {}).get(path.name)
        if old is not None and old[0] == stat.st_size and old[1] == stat.st_mtime_ns:
            digest = old[2]
        else:
            digest = sha256_file(path)
        inventory[path.name] = [stat.st_size, stat.st_mtime_ns, digest]
    return inventory


def well_formed(inventory: object) -> bool:
    """Whether ``inventory`` (read from a pointer file) has the shape :func:`record` writes."""
    return isinstance(inventory, dict) and bool(inventory) and all(
        isinstance(name, str)
        and isinstance(entry, list)
        and len(entry) == 3
        and isinstance(entry[0], int)
        and isinstance(entry[1], int)
        and isinstance(entry[2], str)
        for name, entry in inventory.items()
    )


def damage(build: Path, inventory: Mapping[str, Entry], *, digests: bool = False) -> str | None:
    """What is wrong with ``build`` against its ``inventory`` (``None``: nothing found). Sizes and
    times only, unless ``digests``."""
    for name, (size, mtime_ns, digest) in sorted(inventory.items()):
        path = build / name
        try:
            stat = path.stat()
        except OSError:
            return f"{name} is missing"
        if stat.st_size != size:
            return f"{name} is {stat.st_size:,} bytes, not the {size:,} written"
        if stat.st_mtime_ns != mtime_ns:
            return f"{name} was modified after the build"
        if digests and sha256_file(path) != digest:
            return f"{name} does not hold what was written (its SHA-256 differs)"
    return None


__all__ = ["Entry", "damage", "record", "well_formed"]
