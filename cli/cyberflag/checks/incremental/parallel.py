"""Checking nodes on the graph around them: in chunks, and in worker processes.

Why: a full validation of a million triples in one rdflib graph needs over 4 GB and runs on one core
for minutes, most of it in pySHACL. But no check reads far: the checks of a node read the triples
within :data:`cyberflag.checks.incremental.closure.DEPTH` hops of it (and, where the shapes or a
layer say so, the triples pointing at it and what lies near their subjects:
:mod:`cyberflag.checks.incremental.reach`, :func:`cyberflag.checks.incremental.closure.context`),
and the consistency layer compares nodes only within their groups (see
:mod:`cyberflag.checks.incremental.driver`, whose cache holds every triple by file). So the nodes
can be checked a chunk at a time, each chunk on a graph holding just what its checks read, which
bounds the memory by the chunk and lets the chunks run side by side, one worker process per core.

A chunk's findings are those of its nodes (the graph around them is also checked, as a whole, but
what is found about nodes outside the chunk is dropped: their surroundings are not all there); a
consistency chunk holds whole groups. ``tests/test_incremental.py`` checks that a run in many chunks
over two workers gives exactly the findings of one whole-graph run.

Workers: ``--jobs N`` on ``cyberflag validate``, or :data:`JOBS_ENV`; by default one per core.
They are started with ``spawn`` (a fresh interpreter each): forking a process that holds an open
SQLite connection and rdflib's caches is not safe.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from cyberflag.checks.findings import Finding
from cyberflag.checks.incremental import closure
from cyberflag.checks.incremental.assemble import with_file_cached
from cyberflag.checks.incremental.cache import Cache, row
from cyberflag.checks.incremental.changes import read_source, source_name
from cyberflag.checks.incremental.reach import Reach
from cyberflag.checks.layers import consistency, shapes
from cyberflag.errors import InputError
from cyberflag.index.sources import Source
from cyberflag.rdf import graphs
from cyberflag.rdf.files import sha256_file

JOBS_ENV = "CYBERFLAG_JOBS"
"""How many worker processes a full validation uses (default: one per core)."""

CHUNK_TRIPLES = 100_000
"""At most this many triples of nodes to check per chunk: with the graph around them, pySHACL's
working copy of a chunk stays in the low hundreds of megabytes."""

CHUNKS_PER_JOB = 4
"""Aim for this many chunks per worker, so that an uneven chunk does not leave a core idle."""

MIN_CHUNK_TRIPLES = 5_000
"""Below this a chunk costs more in set-up than it saves."""


def jobs(requested: int | None = None) -> int:
    """The number of worker processes: ``requested``, else :data:`JOBS_ENV`, else the cores."""
    if requested is None:
        value = os.environ.get(JOBS_ENV)
        if value is not None:
            try:
                requested = int(value)
            except ValueError:
                raise InputError(f"{JOBS_ENV} must be a whole number, not {value!r}") from None
    if requested is None:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
            os.cpu_count() or 1
        )
    if requested < 1:
        raise InputError(f"the number of jobs must be at least 1, not {requested}")
    return requested


def node_chunks(cache: Cache, workers: int, limit: int | None = None) -> list[list[str]]:
    """Every subject in the cache, in chunks of about equal size by triples, file by file (so
    that a chunk's nodes share their surroundings). A node stated in several files is in the
    chunk of the first."""
    rows = cache.db.execute(
        "SELECT file, s, COUNT(*) FROM triples GROUP BY file, s ORDER BY file, s"
    ).fetchall()
    total = sum(count for _, _, count in rows)
    size = limit or max(MIN_CHUNK_TRIPLES, min(CHUNK_TRIPLES, total // (workers * CHUNKS_PER_JOB)))
    chunks: list[list[str]] = []
    seen: set[str] = set()
    current: list[str] = []
    weight = 0
    for _file, node, count in rows:
        if node in seen:
            continue
        seen.add(node)
        current.append(node)
        weight += count
        if weight >= size:
            chunks.append(current)
            current, weight = [], 0
    if current:
        chunks.append(current)
    return chunks


def group_chunks(
    keys: dict[str, list[str]], workers: int, limit: int | None = None
) -> list[tuple[list[str], list[str]]]:
    """The consistency groups, and their members, in chunks.

    A chunk holds whole groups, and with each group every other group of its members (a
    statement is in the group of its words and in one of its own): a node whose groups were split
    between chunks would be compared in each with only part of its peers."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for node_keys in keys.values():
        for key in node_keys[1:]:
            parent[root(key)] = root(node_keys[0])
    components: dict[str, tuple[set[str], set[str]]] = {}
    for node, node_keys in keys.items():
        for key in node_keys:
            groups, nodes = components.setdefault(root(key), (set(), set()))
            groups.add(key)
            nodes.add(node)
    size = limit or max(1_000, len(keys) // (workers * CHUNKS_PER_JOB) + 1)
    chunks: list[tuple[list[str], list[str]]] = []
    chunk_groups: set[str] = set()
    chunk_nodes: set[str] = set()
    for component in sorted(components):
        groups, nodes = components[component]
        chunk_groups |= groups
        chunk_nodes |= nodes
        if len(chunk_nodes) >= size:
            chunks.append((sorted(chunk_groups), sorted(chunk_nodes)))
            chunk_groups, chunk_nodes = set(), set()
    if chunk_groups:
        chunks.append((sorted(chunk_groups), sorted(chunk_nodes)))
    return chunks


def node_findings(
    cache: Cache, nodes: Iterable[str], data_dir: Path, ontology: Graph, shapes_graph: Graph,
    reach: Reach,
) -> tuple[list[Finding], dict[str, list[str]]]:
    """The shapes, anchoring and arithmetic findings of ``nodes``, checked on the graph holding
    everything their checks read (``reach``: what they read behind a node), with the data file of
    each; and their consistency groups."""
    from cyberflag.checks.layers import anchoring, arithmetic

    focus = set(nodes)
    around = closure.context(cache, focus, reach)
    found = shapes.check(around, ontology, shapes_graph, only=focus)
    found += anchoring.check(around, data_dir)
    found += arithmetic.check(around)
    mine = [with_file_cached(cache, f) for f in found if f.focus in focus]
    return mine, consistency.group_keys(around, (URIRef(n) for n in focus))


def group_findings(
    cache: Cache,
    groups: Iterable[str],
    members: Iterable[str],
    keys: dict[str, list[str]],
    explained: set[str],
    ontology: Graph,
) -> list[Finding]:
    """The consistency findings of whole ``groups`` (``members``: all their nodes)."""
    wanted = set(groups)
    graph = closure.group_graph(cache, set(members), explained)
    graph.addN((s, p, o, graph) for s, p, o in ontology)
    return [
        with_file_cached(cache, f)
        for f in consistency.check(graph)
        if wanted.intersection(keys.get(f.focus, []))
    ]


# --- worker processes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """What every chunk's check needs (sent once to each worker)."""

    cache: Path
    data_dir: Path
    ontology: Path
    shapes: Path
    reach: Reach
    """What the checks read behind a node, derived once from the shapes by the driver."""


_worker: dict[str, Any] = {}
"""A worker's open cache and parsed ontology and shapes, set up once by :func:`_start`."""


def _start(setting: Setting) -> None:
    _worker["setting"] = setting
    _worker["cache"] = Cache(setting.cache)
    _worker["ontology"] = graphs.parse_turtle(setting.ontology)
    _worker["shapes"] = graphs.parse_turtle(setting.shapes)


FileRead = tuple[str, dict[str, Any], list[tuple[Any, ...]]]
"""A data file read: its name, what the cache keeps about it, and its triples as cache rows."""


def read_file(source: Source, declared: set[URIRef]) -> FileRead:
    """One data file as :func:`cyberflag.checks.incremental.changes.read_source` reads it, with
    its triples as cache rows (what a worker sends back)."""
    name = source_name(source)
    graph, info = read_source(source, sha256_file(source.path), declared)
    rows = [row(name, s, p, o) for s, p, o in graph] if graph is not None else []
    return name, info, rows


def file_batches(sources: list[Source], workers: int) -> list[list[Source]]:
    """The files in batches of about equal size, about :data:`CHUNKS_PER_JOB` per worker."""
    total = sum(source.size for source in sources)
    size = max(1, total // (workers * CHUNKS_PER_JOB))
    batches: list[list[Source]] = [[]]
    weight = 0
    for source in sources:
        if weight >= size:
            batches.append([])
            weight = 0
        batches[-1].append(source)
        weight += source.size
    return [batch for batch in batches if batch]


def _read_task(sources: list[Source]) -> list[FileRead]:
    from cyberflag.checks.layers import vocabulary

    if "declared" not in _worker:
        _worker["declared"] = vocabulary.declared_terms(_worker["ontology"])
    return [read_file(source, _worker["declared"]) for source in sources]


def _nodes_task(nodes: list[str]) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    found, keys = node_findings(
        _worker["cache"], nodes, _worker["setting"].data_dir, _worker["ontology"],
        _worker["shapes"], _worker["setting"].reach,
    )
    return [f.to_json() for f in found], keys


def _groups_task(
    groups: list[str], members: list[str], keys: dict[str, list[str]], explained: set[str]
) -> list[dict[str, Any]]:
    found = group_findings(
        _worker["cache"], groups, members, keys, explained, _worker["ontology"]
    )
    return [f.to_json() for f in found]


@dataclass
class Pool:
    """Chunks run in ``workers`` processes, or in this one when there is one worker."""

    setting: Setting
    workers: int
    _executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> Pool:
        if self.workers > 1:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start,
                initargs=(self.setting,),
            )
        else:
            _start(self.setting)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        else:
            _worker.pop("cache").close()
            _worker.clear()

    def read(self, sources: list[Source]) -> Iterator[FileRead]:
        """Each data file read (:func:`read_file`), in the order given."""
        batches = file_batches(sources, self.workers)
        results = (
            self._executor.map(_read_task, batches) if self._executor is not None
            else map(_read_task, batches)
        )
        for batch in results:
            yield from batch

    def nodes(
        self, chunks: list[list[str]]
    ) -> Iterator[tuple[list[Finding], dict[str, list[str]]]]:
        """Each chunk's findings and consistency groups, in chunk order."""
        results = (
            self._executor.map(_nodes_task, chunks) if self._executor is not None
            else map(_nodes_task, chunks)
        )
        for found, keys in results:
            yield [Finding.from_json(f) for f in found], keys

    def groups(
        self,
        chunks: list[tuple[list[str], list[str]]],
        keys: dict[str, list[str]],
        explained: set[str],
    ) -> Iterator[list[Finding]]:
        """Each chunk's consistency findings, in chunk order."""
        tasks = [
            (groups, members, {n: keys[n] for n in members if n in keys}, explained)
            for groups, members in chunks
        ]
        if self._executor is not None:
            futures = [self._executor.submit(_groups_task, *task) for task in tasks]
            results: Iterable[list[dict[str, Any]]] = (f.result() for f in futures)
        else:
            results = (_groups_task(*task) for task in tasks)
        for found in results:
            yield [Finding.from_json(f) for f in found]


__all__ = [
    "CHUNK_TRIPLES", "JOBS_ENV", "FileRead", "Pool", "Setting", "file_batches", "group_chunks",
    "group_findings", "jobs", "node_chunks", "node_findings", "read_file",
]
