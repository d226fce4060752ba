"""The incremental check's cache: ``validate.sqlite`` beside the data directory's query index.

It holds every data file's triples exactly as rdflib parsed them (table ``triples``, indexed by
subject and by IRI object: Oxigraph's store cannot serve here, as it rewrites literals, e.g.
``"5"^^xsd:nonNegativeInteger`` as ``"5"^^xsd:integer``); for each file its size, time and SHA-256
and its per-file findings (syntax, vocabulary) and terms; and the last run's findings and
consistency groups (table ``meta``). Per-file results are keyed by content: a file that changed
back is simply re-read. What may be read from it and why is in
:mod:`cyberflag.checks.incremental.driver`; how far from a node its checks read, in
:mod:`cyberflag.checks.incremental.closure`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from cyberflag.index import opening

FORMAT = 3
"""Bump when what the cache holds changes: older caches are then rebuilt by a full run. 3: the
subject index covers the file (duplicate descriptions are found from it)."""

_TYPE = str(RDF.type)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY, sha TEXT NOT NULL, size INTEGER NOT NULL, mtime INTEGER,
    parsed INTEGER NOT NULL, bnodes INTEGER NOT NULL, syntax TEXT NOT NULL,
    vocabulary TEXT NOT NULL, terms TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS triples (
    file TEXT NOT NULL, s TEXT NOT NULL, p TEXT NOT NULL, o TEXT NOT NULL,
    literal INTEGER NOT NULL, dt TEXT, lang TEXT
);
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS triples_s ON triples (s, file);
CREATE INDEX IF NOT EXISTS triples_o ON triples (o) WHERE literal = 0;
CREATE INDEX IF NOT EXISTS triples_file ON triples (file);
"""


def row(graph_file: str, s: Any, p: Any, o: Any) -> tuple[Any, ...]:
    """One triple of ``graph_file`` as a row of the ``triples`` table."""
    if isinstance(o, Literal):
        datatype = str(o.datatype) if o.datatype is not None else None
        return (graph_file, str(s), str(p), str(o), 1, datatype, o.language)
    return (graph_file, str(s), str(p), str(o), 0, None, None)


def _term(o: str, literal: int, datatype: str | None, lang: str | None) -> URIRef | Literal:
    """The object as :func:`cyberflag.rdf.graphs.parse_triples` gives it (so findings read the
    same)."""
    if not literal:
        return URIRef(o)
    if lang:
        return Literal(o, lang=lang)
    return Literal(o, datatype=URIRef(datatype)) if datatype else Literal(o)


def _chunks(items: Iterable[str], size: int = 500) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class Cache:
    """``validate.sqlite``: the data's triples by file, per-file findings, the last findings."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=120, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def meta(self, key: str) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row is not None else None

    def set_meta(self, key: str, value: Any) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value))
        )

    def files(self) -> dict[str, dict[str, Any]]:
        rows = self.db.execute(
            "SELECT name, sha, size, mtime, parsed, bnodes, syntax, vocabulary, terms FROM files"
        )
        return {
            r[0]: {
                "sha": r[1], "size": r[2], "mtime": r[3], "parsed": bool(r[4]),
                "bnodes": bool(r[5]), "syntax": json.loads(r[6]),
                "vocabulary": json.loads(r[7]), "terms": json.loads(r[8]),
            }
            for r in rows
        }

    def put_file(self, name: str, info: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name, info["sha"], info["size"], info["mtime"], int(info["parsed"]),
                int(info["bnodes"]), json.dumps(info["syntax"]), json.dumps(info["vocabulary"]),
                json.dumps(info["terms"]),
            ),
        )

    def clear(self) -> None:
        """Empty every table, and drop the triples' indexes while they are refilled (faster)."""
        for name in ("triples_s", "triples_o", "triples_file"):
            self.db.execute(f"DROP INDEX IF EXISTS {name}")
        for table in ("triples", "files", "meta"):
            self.db.execute(f"DELETE FROM {table}")

    def index(self) -> None:
        """(Re)create the triples' indexes."""
        for statement in _INDEXES.strip().split(";"):
            if statement.strip():
                self.db.execute(statement)

    def put_triples(self, name: str, graph: Graph | None) -> None:
        self.db.execute("DELETE FROM triples WHERE file = ?", (name,))
        if graph is not None:
            self.db.executemany(
                "INSERT INTO triples VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row(name, s, p, o) for s, p, o in graph),
            )

    def file_nodes(self, name: str) -> tuple[set[str], set[str]]:
        """The file's subjects and IRI objects, as cached."""
        subjects: set[str] = set()
        objects: set[str] = set()
        for s, o, literal in self.db.execute(
            "SELECT s, o, literal FROM triples WHERE file = ?", (name,)
        ):
            subjects.add(s)
            if not literal:
                objects.add(o)
        return subjects, objects

    def referrers(self, nodes: Iterable[str]) -> set[str]:
        """Subjects of triples whose object is one of ``nodes``."""
        found: set[str] = set()
        for batch in _chunks(nodes):
            marks = ",".join("?" * len(batch))
            found.update(
                s for (s,) in self.db.execute(
                    f"SELECT DISTINCT s FROM triples WHERE literal = 0 AND o IN ({marks})", batch
                )
            )
        return found

    def closure(self, start: Iterable[str], depth: int) -> set[str]:
        """``start`` and every IRI within ``depth`` hops of it, following triples forwards."""
        seen = set(start)
        frontier = set(seen)
        for _ in range(depth):
            reached: set[str] = set()
            for batch in _chunks(frontier):
                marks = ",".join("?" * len(batch))
                reached.update(
                    o for (o,) in self.db.execute(
                        f"SELECT DISTINCT o FROM triples WHERE literal = 0 AND s IN ({marks})",
                        batch,
                    )
                )
            frontier = reached - seen
            seen |= frontier
            if not frontier:
                break
        return seen

    def graph(self, subjects: Iterable[str], inbound: Iterable[str]) -> Graph:
        """The triples of ``subjects``, and every triple whose object is one of ``inbound``."""
        graph = Graph()
        graph.addN((s, p, o, graph) for s, p, o in self.triples(subjects, inbound))
        return graph

    def triples(
        self, subjects: Iterable[str], inbound: Iterable[str]
    ) -> Iterator[tuple[URIRef, URIRef, URIRef | Literal]]:
        """As :meth:`graph`, one triple at a time (a triple may come twice)."""
        for column, nodes in (("s", subjects), ("o", inbound)):
            extra = " AND literal = 0" if column == "o" else ""
            for batch in _chunks(nodes):
                marks = ",".join("?" * len(batch))
                rows = self.db.execute(
                    f"SELECT s, p, o, literal, dt, lang FROM triples WHERE {column} IN ({marks})"
                    + extra,
                    batch,
                )
                for s, p, o, literal, dt, lang in rows:
                    yield URIRef(s), URIRef(p), _term(o, literal, dt, lang)

    def pointing(
        self, nodes: Iterable[str], predicates: Iterable[str] | None
    ) -> Iterator[tuple[URIRef, URIRef, URIRef]]:
        """The triples whose object is one of ``nodes``, with one of ``predicates`` (``None``:
        any)."""
        kinds = None if predicates is None else list(predicates)
        only = "" if kinds is None else f" AND p IN ({','.join('?' * len(kinds))})"
        for batch in _chunks(nodes):
            marks = ",".join("?" * len(batch))
            for s, p, o in self.db.execute(
                f"SELECT s, p, o FROM triples WHERE literal = 0 AND o IN ({marks})" + only,
                (*batch, *(kinds or ())),
            ):
                yield URIRef(s), URIRef(p), URIRef(o)

    def objects(self, subjects: Iterable[str], predicates: Iterable[str] | None) -> set[str]:
        """The IRI objects of the triples of ``subjects`` with one of ``predicates`` (``None``:
        any)."""
        kinds = None if predicates is None else list(predicates)
        only = "" if kinds is None else f" AND p IN ({','.join('?' * len(kinds))})"
        found: set[str] = set()
        for batch in _chunks(subjects):
            marks = ",".join("?" * len(batch))
            found.update(
                o for (o,) in self.db.execute(
                    f"SELECT DISTINCT o FROM triples WHERE literal = 0 AND s IN ({marks})" + only,
                    (*batch, *(kinds or ())),
                )
            )
        return found

    def targets(self, nodes: Iterable[str], kind: str, iris: Iterable[str]) -> set[str]:
        """Those of ``nodes`` that a SHACL target of ``kind`` (``targetClass``, ``targetNode``,
        ``targetSubjectsOf``, ``targetObjectsOf``) on ``iris`` selects."""
        wanted = list(iris)
        if kind == "targetClass":
            return self.typed(nodes, wanted)
        if kind == "targetNode":
            return set(nodes) & set(wanted)
        column = {"targetSubjectsOf": "s", "targetObjectsOf": "o"}[kind]
        iri = " AND literal = 0" if column == "o" else ""
        found: set[str] = set()
        predicates = ",".join("?" * len(wanted))
        for batch in _chunks(nodes):
            found.update(
                n for (n,) in self.db.execute(
                    f"SELECT DISTINCT {column} FROM triples WHERE p IN ({predicates}) "
                    f"AND {column} IN ({','.join('?' * len(batch))})" + iri,
                    (*wanted, *batch),
                )
            )
        return found

    def nodes_of_type(self, type_iri: str) -> set[str]:
        return {
            s for (s,) in self.db.execute(
                "SELECT DISTINCT s FROM triples WHERE p = ? AND o = ? AND literal = 0",
                (_TYPE, type_iri),
            )
        }

    def typed(self, nodes: Iterable[str], types: Iterable[str]) -> set[str]:
        """Those of ``nodes`` that have one of ``types``."""
        kinds = list(types)
        found: set[str] = set()
        for batch in _chunks(nodes):
            marks = ",".join("?" * len(batch))
            found.update(
                s for (s,) in self.db.execute(
                    f"SELECT DISTINCT s FROM triples WHERE p = ? AND literal = 0 AND o IN "
                    f"({','.join('?' * len(kinds))}) AND s IN ({marks})",
                    (_TYPE, *kinds, *batch),
                )
            )
        return found

    def subjects_with(self, predicate: str, literals: list[str]) -> set[str]:
        """Subjects of triples with ``predicate`` and one of ``literals`` as object."""
        if not literals:
            return set()
        return {
            s for (s,) in self.db.execute(
                f"SELECT DISTINCT s FROM triples WHERE p = ? AND literal = 1 AND o IN "
                f"({','.join('?' * len(literals))})",
                (predicate, *literals),
            )
        }

    def forget_file(self, name: str) -> None:
        """Drop a removed file's record (its triples go with :meth:`put_triples`)."""
        self.db.execute("DELETE FROM files WHERE name = ?", (name,))

    def files_stating(self, node: str) -> list[str]:
        return sorted(
            f for (f,) in self.db.execute("SELECT DISTINCT file FROM triples WHERE s = ?", (node,))
        )

    def shared_subjects(self) -> dict[str, set[str]]:
        """Each data file with its subject IRIs that another file also has as subjects: one scan
        of the ``(s, file)`` index, however large the data."""
        shared: dict[str, set[str]] = {}
        for s, name in self.db.execute(
            "SELECT s, file FROM triples WHERE s IN (SELECT s FROM triples "
            "WHERE s LIKE 'http%' GROUP BY s HAVING MIN(file) < MAX(file)) GROUP BY s, file"
        ):
            shared.setdefault(name, set()).add(s)
        return shared

    def subject_count(self) -> int:
        row = self.db.execute("SELECT COUNT(DISTINCT s) FROM triples").fetchone()
        return int(row[0])


def cache_path(data_dir: Path, ontology: Path, store_dir: Path | None = None) -> Path:
    """Where the validation cache of ``data_dir`` lives (beside its query index)."""
    return opening.index_dir(opening.cache_root(store_dir), data_dir, ontology) / "validate.sqlite"


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """One validation at a time per cache: a run reads, then rewrites, the whole state."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


__all__ = ["FORMAT", "Cache", "cache_path", "locked", "row"]
