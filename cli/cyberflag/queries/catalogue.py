"""The saved queries: ``queries/*.rq`` by name, each with its header parsed and syntax checked."""

from __future__ import annotations

from pathlib import Path

from cyberflag.errors import InputError, did_you_mean
from cyberflag.queries.header import Query, parse_query
from cyberflag.rdf import resources


class QueryNotFoundError(InputError):
    """No saved query of that name; the message suggests the closest names."""



def _directory(directory: Path | str | None) -> Path:
    return Path(directory) if directory is not None else resources.queries_dir()


def names(directory: Path | str | None = None) -> list[str]:
    """The saved queries' names (file names without ``.rq``), sorted."""
    folder = _directory(directory)
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.rq") if p.is_file())


def load(name: str, directory: Path | str | None = None) -> Query:
    """The saved query ``name`` (``queries/{name}.rq``), header parsed, syntax checked.

    An unknown name raises :class:`QueryNotFoundError` naming the closest matches.
    """
    folder = _directory(directory)
    path = folder / f"{name}.rq"
    if "/" in name or "\\" in name or not path.is_file():
        known = names(folder)
        close = did_you_mean([name], known, n=3, cutoff=0.5, quote=False)
        hint = f"; {close}" if close else "."
        listing = f" Known queries: {', '.join(known)}." if known else " No saved queries exist."
        raise QueryNotFoundError(f"no saved query named {name!r}{hint}{listing}")
    return parse_query(path.read_text(encoding="utf-8"), name, path)


def all_queries(directory: Path | str | None = None) -> list[Query]:
    """Every saved query, by name."""
    return [load(n, directory) for n in names(directory)]


__all__ = ["QueryNotFoundError", "all_queries", "load", "names"]
