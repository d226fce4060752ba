"""Incremental validation: after a change, re-check what the change can affect and reuse the
last run's findings for everything else, with the same result as a full run.

Why: a full run over a million triples takes minutes (pySHACL alone is about 4 minutes), most of
it re-checking files nobody touched. A curator who fixes one article should wait seconds.

The pieces: the cache of triples and findings (:mod:`~cyberflag.checks.incremental.cache`), what
changed (:mod:`~cyberflag.checks.incremental.changes`), what a change can affect and what a check
reads (:mod:`~cyberflag.checks.incremental.closure`), the checks of chunks of nodes in worker
processes (:mod:`~cyberflag.checks.incremental.parallel`) and the report rebuilt from the cache
(:mod:`~cyberflag.checks.incremental.assemble`). This module runs them in order. The consistency
layer compares nodes in groups (figures for one measure, area and category; statements with the
same words; one person's roles in one organisation): a group with any re-checked member is
recomputed whole, with all its members. The last run's findings for every other node are kept.

**When it runs in full.** No cache yet, ``--full``, a changed ontology or shapes file, blank nodes
in the data, a changed ``cf:ExplainedConflict``, or a change reaching more than
:data:`FULL_FRACTION` of the graph's nodes (editing ``entities.ttl`` usually does). Shapes that
read further than the incremental check can follow (:mod:`~cyberflag.checks.incremental.reach`,
derived from them at each full run and kept in the cache) make every run a full one on the whole
graph at once (unless nothing changed), with a note saying why: neither re-checking a part nor
checking in chunks would hand their checks all they read. Small data (under
:data:`cyberflag.index.opening.IN_MEMORY_MAX_BYTES`, as the shipped data) is always checked in
full, and no cache is written: a full run is quick there (``CYBERFLAG_STORE_MODE=disk`` forces the
cache, as for the query index).

``tests/test_incremental.py`` checks that the result equals a full run's after edits of every
kind, each layer's errors included.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from cyberflag.checks.findings import ERROR, CheckRun, Finding
from cyberflag.checks.full import FullRun, Inputs, full_run, inputs
from cyberflag.checks.incremental import changes, closure, parallel, reach
from cyberflag.checks.incremental.assemble import assemble
from cyberflag.checks.incremental.cache import FORMAT, Cache, cache_path, locked
from cyberflag.checks.layers import consistency, syntax, vocabulary
from cyberflag.index import opening
from cyberflag.index import sources as index_sources
from cyberflag.rdf import graphs
from cyberflag.rdf.files import sha256_file

FULL_FRACTION = 0.25
"""A change that reaches more than this share of the nodes is checked by a full run."""


@dataclass
class Outcome:
    """A run's result, and how it was obtained."""

    result: CheckRun
    mode: str
    """``full`` (no cache kept: small data, or asked), ``full, cached`` (a full run that wrote the
    cache), ``reused`` (nothing changed) or ``incremental``."""
    reason: str = ""
    """Why a run was full."""
    changed: list[str] = field(default_factory=list)
    rechecked: int = 0
    """Nodes re-checked (incremental)."""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    """What the person running the check should know about how it ran (one line each)."""


def run(
    data_dir: Path | None = None,
    *,
    ontology_path: Path | None = None,
    shapes_path: Path | None = None,
    query_dir: Path | None = None,
    store: Path | None = None,
    full: bool = False,
    jobs: int | None = None,
    chunk: int | None = None,
) -> Outcome:
    """Validate ``data_dir`` with every layer, reusing the cache where it can (see the module
    docstring); ``full`` checks everything and rewrites the cache. A full run uses ``jobs``
    worker processes and chunks of ``chunk`` triples
    (:mod:`cyberflag.checks.incremental.parallel`)."""
    began = time.perf_counter()
    where = inputs(data_dir, ontology_path, shapes_path, query_dir)
    found = index_sources.sources(where.data_dir, None)
    mode = opening.resolve_mode(None)
    size = sum(s.size for s in found) + where.ontology.stat().st_size
    if mode == "memory" or (mode == "auto" and size < opening.IN_MEMORY_MAX_BYTES):
        result = _full_run(where).result
        return Outcome(result, "full", "small data", seconds=time.perf_counter() - began)

    path = cache_path(where.data_dir, where.ontology, store)
    try:
        with locked(path):
            cache = Cache(path)
            try:
                outcome = _run(Job(cache, where, found, jobs, chunk), full)
            finally:
                cache.close()
    except (OSError, sqlite3.OperationalError) as error:  # cannot be made, written, or is full
        reason = getattr(error, "strerror", None) or str(error)
        result = _full_run(where).result
        return Outcome(
            result, "full", "no cache", seconds=time.perf_counter() - began,
            notes=[f"cannot use the validation cache in {path.parent} ({reason}): "
                   "checked in full without it"],
        )
    outcome.seconds = time.perf_counter() - began
    return outcome


@dataclass
class Job:
    """One run's cache, inputs and data files, and how to split a full run."""

    cache: Cache
    where: Inputs
    found: list[index_sources.Source]
    jobs: int | None
    chunk: int | None

    @functools.cached_property
    def fingerprint(self) -> list[str]:
        """What the cache was built against: the ontology's and the shapes' SHA-256 (read once
        a run: compared before it, recorded after)."""
        return [sha256_file(self.where.ontology), sha256_file(self.where.shapes)]

    def names(self) -> list[str]:
        return [changes.source_name(s) for s in self.found]


def _full_run(where: Inputs) -> FullRun:
    return full_run(where.data_dir, ontology_path=where.ontology, shapes_path=where.shapes,
                    query_dir=where.queries)


def _run(job: Job, full: bool) -> Outcome:
    cache = job.cache
    reason = "asked for" if full else ""
    if not reason and cache.meta("format") != FORMAT:
        reason = "no cache yet"
    if not reason and cache.meta("ontology") != job.fingerprint:
        reason = "the ontology or the shapes changed"
    if not reason and cache.meta("bnodes"):
        reason = "the data has blank nodes"
    if not reason and not cache.meta("ontology_parses"):
        reason = "the ontology or the shapes do not parse"
    if reason:
        return _full(job, reason)
    stored = cache.meta("reach")
    if stored is None:
        return _full(job, "no reach of the shapes in the cache")
    return _incremental(job, reach.Reach.from_json(stored))


_UNCOVERED = "checked in full: {}, further than the incremental check follows"
"""The note (and reason) of a run made in full because of what the shapes read."""


def _record_sources(
    job: Job, terms: dict[str, int], bnodes: bool, found: reach.Reach | None
) -> None:
    """The meta data every full run writes, before the findings."""
    cache = job.cache
    cache.set_meta("ontology", job.fingerprint)
    cache.set_meta("reach", found.to_json() if found is not None else None)
    cache.set_meta("bnodes", bnodes)
    cache.set_meta("terms", terms)
    cache.set_meta("sources", changes.sources_state(job.where.data_dir))


def _full(job: Job, reason: str) -> Outcome:
    """A full run: every file read into a fresh cache, then every node checked on the graph
    around it, a chunk at a time in worker processes (:mod:`cyberflag.checks.incremental.parallel`;
    ``jobs`` workers, ``chunk`` triples per chunk, both chosen there by default).

    Blank nodes cannot be fetched by name from the cache, and an ontology or shapes file that does
    not parse leaves nothing to check chunks against: such data is checked as one graph
    (:func:`_full_in_one`). The cache is marked complete only at the end, so an interrupted run
    leaves a cache the next run ignores."""
    cache, where = job.cache, job.where
    parsed = [syntax.parse_file(path, graphs.display_path(path))
              for path in (where.ontology, where.shapes)]
    ontology, shapes = (graph for graph, _ in parsed)
    if ontology is None or shapes is None:
        return _full_in_one(job, reason, None)
    found = reach.derive(shapes, ontology)
    if found.uncovered:
        return _full_in_one(job, _UNCOVERED.format(found.uncovered), found)
    workers = parallel.jobs(job.jobs)
    setting = parallel.Setting(cache.path, where.data_dir, where.ontology, where.shapes, found)
    with parallel.Pool(setting, workers) as pool:
        db = cache.db
        db.execute("BEGIN IMMEDIATE")
        try:
            cache.clear()
            terms: Counter[str] = Counter()
            for name, info, rows in pool.read(job.found):
                if info["bnodes"]:
                    db.execute("ROLLBACK")
                    return _full_in_one(job, reason, found)
                terms.update(info["terms"])
                cache.put_file(name, info)
                db.executemany("INSERT INTO triples VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            cache.index()
            _record_sources(job, dict(terms), False, found)
            cache.set_meta("ontology_parses", True)
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.OperationalError):
                db.execute("ROLLBACK")
            raise

        findings: set[Finding] = set()
        keys: dict[str, list[str]] = {}
        for found_here, keys_here in pool.nodes(parallel.node_chunks(cache, workers, job.chunk)):
            findings.update(found_here)
            keys.update(keys_here)
        explained = cache.nodes_of_type(closure.EXPLAINED)
        chunks = parallel.group_chunks(keys, workers, job.chunk)
        for found_here in pool.groups(chunks, keys, explained):
            findings.update(found_here)
    query_count, query_errors = syntax.query_findings(where.queries)
    result = assemble(cache, where.data_dir, sorted(findings), query_count, query_errors,
                      cache.files())
    db.execute("BEGIN IMMEDIATE")
    cache.set_meta("keys", keys)
    cache.set_meta("findings", [f.to_json() for f in result.findings])
    cache.set_meta("format", FORMAT)
    db.execute("COMMIT")
    return Outcome(result, "full, cached", reason, changed=[s.key for s in job.found])


def _full_in_one(job: Job, reason: str, found: reach.Reach | None) -> Outcome:
    """A full run on one graph, then the whole cache rewritten from what it read: for data that
    :func:`_full` cannot check in chunks, and shapes whose reach it cannot follow (``found``:
    the shapes' reach, ``None`` when they do not parse)."""
    cache = job.cache
    done = _full_run(job.where)
    result = done.result
    db = cache.db
    db.execute("BEGIN IMMEDIATE")
    try:
        cache.clear()
        terms: Counter[str] = Counter()
        bnodes = False
        for source in job.found:
            name = changes.source_name(source)
            graph = done.files.get(name)
            info = changes.file_info(
                source, sha256_file(source.path), graph,
                [f for f in result.findings
                 if f.layer == "syntax" and f.severity == ERROR and f.file == name],
                [f for f in result.findings if f.layer == "vocabulary" and f.file == name],
            )
            terms.update(info["terms"])
            bnodes = bnodes or info["bnodes"]
            cache.put_file(name, info)
            cache.put_triples(name, graph)
        cache.index()
        _record_sources(job, dict(terms), bnodes, found)
        cache.set_meta("keys", consistency.group_keys(done.data))
        cache.set_meta("findings", [f.to_json() for f in result.findings])
        names = set(job.names())
        cache.set_meta("ontology_parses", not any(
            f.layer == "syntax" and f.severity == ERROR and f.focus not in done.files
            and f.focus not in names and not f.focus.endswith(".rq")
            for f in result.findings
        ))
        cache.set_meta("format", FORMAT)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    notes = [reason] if found is not None and found.uncovered else []
    return Outcome(result, "full, cached", reason, changed=[s.key for s in job.found],
                   notes=notes)


def _reused(job: Job, delta: changes.Changes) -> Outcome:
    """Nothing changed: the last findings, with the per-file ones and the layers' lines."""
    cache = job.cache
    cache.db.execute("BEGIN IMMEDIATE")
    delta.record_touched(cache)
    cache.db.execute("COMMIT")
    query_count, query_errors = syntax.query_findings(job.where.queries)
    cached = [Finding.from_json(f) for f in cache.meta("findings")]
    result = assemble(cache, job.where.data_dir, cached, query_count, query_errors, delta.known)
    return Outcome(result, "reused")


def _incremental(job: Job, found: reach.Reach) -> Outcome:
    cache, where = job.cache, job.where
    delta = changes.detect(cache, job.found, where.data_dir)
    if delta.none:
        return _reused(job, delta)
    if found.uncovered:  # the last findings hold, but what a change affects cannot be told
        return _full_in_one(job, _UNCOVERED.format(found.uncovered), found)

    # Parse the changed files (the old triples are still in the cache).
    new_graphs: dict[str, Graph | None] = {}
    new_infos: dict[str, dict[str, Any]] = {}
    ontology = graphs.parse_turtle(where.ontology)
    declared = vocabulary.declared_terms(ontology)
    for name, sha in delta.changed.items():
        if sha is None:
            continue
        graph, info = changes.read_source(delta.present[name], sha, declared)
        if info["bnodes"]:
            return _full(job, f"{name} has blank nodes")
        new_graphs[name] = graph
        new_infos[name] = info

    subjects, objects = changes.touched_nodes(cache, delta.changed, new_graphs)
    explained = cache.nodes_of_type(closure.EXPLAINED)
    new_explained = {
        str(s) for g in new_graphs.values() if g is not None
        for s in g.subjects(RDF.type, URIRef(closure.EXPLAINED))
    }
    if (explained | new_explained) & subjects:
        return _full(job, "an explained conflict changed")

    # Bring the cached triples up to date, then find what to re-check.
    db = cache.db
    db.execute("BEGIN IMMEDIATE")
    try:
        for name in delta.changed:
            cache.put_triples(name, new_graphs.get(name))
        affected = closure.affected(cache, subjects, objects, delta.sources, found)
        total = cache.subject_count()
        if len(affected) > FULL_FRACTION * max(total, 1):
            db.execute("ROLLBACK")
            return _full(job, f"the change reaches {len(affected):,} of {total:,} nodes")

        keys_before: dict[str, list[str]] = cache.meta("keys") or {}
        keys_now, groups, members = closure.regrouped(cache, affected, keys_before)
        fresh, _ = parallel.node_findings(
            cache, affected, where.data_dir, ontology, graphs.parse_turtle(where.shapes), found
        )
        fresh += parallel.group_findings(cache, groups, members, keys_now, explained, ontology)
        kept = [
            f for f in (Finding.from_json(f) for f in cache.meta("findings"))
            if not (
                (f.layer in ("shapes", "anchoring", "arithmetic") and f.focus in affected)
                or (f.layer == "consistency" and groups.intersection(keys_before.get(f.focus, [])))
            )
        ]
        _record_files(job, delta, new_infos)
        cache.set_meta("keys", keys_now)
        cache.set_meta("sources", delta.sources_now)
        query_count, query_errors = syntax.query_findings(where.queries)
        result = assemble(cache, where.data_dir, kept + fresh, query_count, query_errors,
                          cache.files())
        cache.set_meta("findings", [f.to_json() for f in result.findings])
        db.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("ROLLBACK")
        raise
    return Outcome(result, "incremental",
                   changed=sorted(delta.changed) + [f"sources/{name}" for name in delta.sources],
                   rechecked=len(affected))


def _record_files(job: Job, delta: changes.Changes, new_infos: dict[str, dict[str, Any]]) -> None:
    """The changed files' records and the count of terms used, brought up to date."""
    cache = job.cache
    for name in delta.changed:
        if name in new_infos:
            cache.put_file(name, new_infos[name])
        else:
            cache.forget_file(name)
    delta.record_touched(cache)
    terms: Counter[str] = Counter(cache.meta("terms") or {})
    for name in delta.changed:
        if name in delta.known:
            terms.subtract(delta.known[name]["terms"])
        if name in new_infos:
            terms.update(new_infos[name]["terms"])
    cache.set_meta("terms", {t: n for t, n in terms.items() if n > 0})


__all__ = ["FULL_FRACTION", "Outcome", "cache_path", "run"]
