"""The files an index holds: every data file (as :func:`cyberflag.rdf.files.walk` finds them) and
the ontology, each with the named graph it becomes, its size and its modification time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cyberflag.rdf.files import graph_name, walk


@dataclass(frozen=True)
class Source:
    """One Turtle file and the named graph it becomes."""

    key: str
    """``data/<path under the data directory>`` or ``ontology/<file name>``."""
    path: Path
    graph: str
    size: int
    mtime_ns: int


def sources(data_dir: Path, ontology: Path | None) -> list[Source]:
    """The files a store over ``data_dir`` (and ``ontology``) holds, in loading order."""
    found = []
    for relative, entry in walk(data_dir):
        stat = entry.stat()
        found.append(
            Source(f"data/{relative}", Path(entry.path), graph_name(relative), stat.st_size,
                   stat.st_mtime_ns)
        )
    found.sort(key=lambda s: s.key)
    if ontology is not None:
        stat = ontology.stat()
        found.append(
            Source(f"ontology/{ontology.name}", ontology, graph_name(f"ontology/{ontology.stem}"),
                   stat.st_size, stat.st_mtime_ns)
        )
    return found


__all__ = ["Source", "sources"]
