"""What changed since the last run: data files by size, time and content, and the source texts.

The incremental check re-reads only the files whose size or time differ from the cache's record,
and counts a file as changed only when its SHA-256 differs too (a file merely touched has its new
time recorded and nothing re-checked). The source texts and the manifest are fingerprinted
together (:func:`sources_state`), since an article's spans are checked against both.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, URIRef

from cyberflag.checks.findings import Finding
from cyberflag.checks.incremental.cache import Cache
from cyberflag.checks.layers import anchoring, syntax, vocabulary
from cyberflag.index import builds
from cyberflag.index import sources as index_sources
from cyberflag.rdf.files import sha256_file


def source_name(source: index_sources.Source) -> str:
    """A data file's name in findings and in the cache: its key without the ``data/`` part."""
    return source.key.split("/", 1)[1]


def sources_state(data_dir: Path) -> dict[str, str]:
    """A fingerprint of each source text and its manifest entry, by file name."""
    try:
        entries = anchoring.manifest_entries(data_dir)
    except (OSError, ValueError, KeyError, TypeError):
        return {"\x00manifest": "unreadable"}
    state: dict[str, str] = {}
    for entry in entries:
        path = data_dir / "sources" / str(entry.get("file"))
        digest = sha256_file(path) if path.is_file() else "missing"
        state[str(entry.get("file"))] = hashlib.sha256(
            (json.dumps(entry, sort_keys=True) + digest).encode("utf-8")
        ).hexdigest()
    return state


def has_bnodes(graph: Graph) -> bool:
    """Whether any triple holds a blank node (the cache cannot fetch those by name)."""
    return any(isinstance(t, BNode) for triple in graph for t in triple)


def file_info(
    source: index_sources.Source, sha: str, graph: Graph | None, syntax_found: list[Finding],
    vocabulary_found: list[Finding],
) -> dict[str, Any]:
    """What the cache keeps about one data file: its fingerprint, whether it parsed, its per-file
    findings and the terms it uses. A time too recent to trust (see
    :data:`cyberflag.index.builds.RACY_SECONDS`) is not kept, so the next run hashes the file."""
    racy = time.time_ns() - source.mtime_ns < int(builds.RACY_SECONDS * 1e9)
    terms = (
        sorted(f"{kind}\x1f{term}" for kind, term in vocabulary.used_terms(graph)) if graph else []
    )
    return {
        "sha": sha, "size": source.size, "mtime": None if racy else source.mtime_ns,
        "parsed": graph is not None, "bnodes": graph is not None and has_bnodes(graph),
        "syntax": [f.to_json() for f in syntax_found],
        "vocabulary": [f.to_json() for f in vocabulary_found], "terms": terms,
    }


def read_source(
    source: index_sources.Source, sha: str, declared: set[URIRef]
) -> tuple[Graph | None, dict[str, Any]]:
    """One data file parsed and checked on its own (syntax, vocabulary): its graph (``None`` when
    it does not parse) and what the cache keeps about it."""
    name = source_name(source)
    graph, error = syntax.parse_file(source.path, name)
    found = vocabulary.check_graph(graph, declared, name) if graph is not None else []
    return graph, file_info(source, sha, graph, [error] if error else [], found)


@dataclass
class Changes:
    """The data files and source texts that differ from the cache's record."""

    present: dict[str, index_sources.Source]
    """Every data file now, by name."""
    known: dict[str, dict[str, Any]]
    """The cache's record of each file."""
    changed: dict[str, str | None] = field(default_factory=dict)
    """Name → new SHA-256 (``None``: removed)."""
    touched: dict[str, str] = field(default_factory=dict)
    """Files whose time changed but not their content: name → SHA-256."""
    sources_now: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    """Source texts whose file or manifest entry changed."""

    @property
    def none(self) -> bool:
        """Nothing to re-check."""
        return not self.changed and not self.sources

    def record_touched(self, cache: Cache) -> None:
        """Record the new times of the files only touched, so they are not hashed again."""
        for name, sha in self.touched.items():
            source = self.present[name]
            cache.put_file(
                name, {**self.known[name], "sha": sha, "size": source.size,
                       "mtime": source.mtime_ns},
            )


def detect(cache: Cache, found: list[index_sources.Source], data_dir: Path) -> Changes:
    """Compare the data files and source texts with the cache's record."""
    changes = Changes({source_name(s): s for s in found}, cache.files())
    for name, source in changes.present.items():
        entry = changes.known.get(name)
        if entry is not None and entry["size"] == source.size and entry["mtime"] == source.mtime_ns:
            continue
        sha = sha256_file(source.path)
        if entry is not None and entry["sha"] == sha:
            changes.touched[name] = sha
            continue
        changes.changed[name] = sha
    for name in changes.known:
        if name not in changes.present:
            changes.changed[name] = None
    changes.sources_now = sources_state(data_dir)
    before: dict[str, str] = cache.meta("sources") or {}
    changes.sources = sorted(
        name for name in set(changes.sources_now) | set(before)
        if changes.sources_now.get(name) != before.get(name)
    )
    return changes


def touched_nodes(
    cache: Cache, changed: dict[str, str | None], new_graphs: dict[str, Graph | None]
) -> tuple[set[str], set[str]]:
    """The subjects and IRI objects of the changed files, before (as cached) and after."""
    subjects: set[str] = set()
    objects: set[str] = set()
    for name in changed:
        old_s, old_o = cache.file_nodes(name)
        subjects |= old_s
        objects |= old_o
        graph = new_graphs.get(name)
        if graph is not None:
            subjects.update(str(s) for s in graph.subjects())
            objects.update(str(o) for o in graph.objects() if isinstance(o, URIRef))
    return subjects, objects


__all__ = [
    "Changes", "detect", "file_info", "has_bnodes", "read_source", "source_name", "sources_state",
    "touched_nodes",
]
