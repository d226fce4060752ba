"""Incremental validation: after a change, re-check what the change can affect and reuse the
last run's findings for everything else, with the same result as a full run.

Why: a full run over a million triples takes minutes (pySHACL alone is about 4 minutes), most of
it re-checking files nobody touched. A curator who fixes one article should wait seconds.

**The cache.** ``validate.sqlite`` in the data directory's index folder (see
:mod:`cyberflag.index.builds`: ``--store DIR`` or the default cache folder). It holds every data file's
triples exactly as rdflib parsed them (table ``triples``, indexed by subject and by IRI object:
Oxigraph's store cannot serve here, as it rewrites literals, e.g. ``"5"^^xsd:nonNegativeInteger``
as ``"5"^^xsd:integer``); for each file its size, time and SHA-256 and its per-file findings
(syntax, vocabulary) and terms; and the last run's findings and consistency groups. Per-file
results are keyed by content: a file that changed back is simply re-read.

**What a change can affect.** Let *S* be the subjects of the changed files (before and after the
change, which is why the old triples are kept) and *O* their IRI objects. A shape, or the
anchoring and arithmetic layers, checking a node *f* reads the triples of nodes at most
:data:`DEPTH` hops from *f* (the longest chain is span → article → body span → its position
selector), and for reports and spans (:data:`INBOUND_TYPES`) the triples pointing at *f* too (a
report's back link, a span's users). So the nodes to re-check are *S*, every node from which a
node of *S* can be reached in :data:`DEPTH` hops, and the reports and spans among *O*; plus the
spans of articles whose source text or manifest entry changed. They are re-checked on a graph
holding the triples of every node within :data:`DEPTH` hops of them and the triples pointing at
their reports and spans, with the ontology: everything their checks read, so their findings are
those of a full run. The consistency layer compares nodes in groups (figures for one measure,
area and category; statements with the same words; one person's roles in one organisation): a
group with any re-checked member is recomputed whole, with all its members. The last run's
findings for every other node are kept.

**When it runs in full.** No cache yet, ``--full``, a changed ontology or shapes file, blank nodes
in the data, a changed ``cf:ExplainedConflict``, or a change reaching more than
:data:`FULL_FRACTION` of the graph's nodes (editing ``entities.ttl`` usually does). Small data
(under :data:`cyberflag.index.builds.IN_MEMORY_MAX_BYTES`, as the shipped data) is always checked in full,
and no cache is written: a full run is quick there (``CYBERFLAG_STORE_MODE=disk`` forces the cache,
as for the query index).

``tests/test_incremental.py`` checks that the result equals a full run's after edits of every
kind, each layer's errors included.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from cyberflag.checks import runner
from cyberflag.checks.findings import ERROR, INFO, LAYERS, Finding, sort_findings
from cyberflag.index import builds, opening
from cyberflag.index import sources as index_sources
from cyberflag.rdf import graphs, resources

FORMAT = 1
"""Bump when what the cache holds changes: older caches are then rebuilt by a full run."""

DEPTH = 3
"""How far (in triples) from a node its checks read: span → article → body → position."""

INBOUND_TYPES = (
    "https://w3id.org/cyberflag/ontology#Report",
    "http://www.w3.org/ns/oa#SpecificResource",
)
"""The kinds of node whose checks also read the triples pointing at them: a report's back link
from its statement (``cf:ReportBacklinkShape``), a span's users (``cf:SpanInBodyShape``). A node
of any other kind is unaffected by a change of the triples pointing at it."""

FULL_FRACTION = 0.25
"""A change that reaches more than this share of the nodes is checked by a full run."""

_CF = "https://w3id.org/cyberflag/ontology#"
_OA = "http://www.w3.org/ns/oa#"
_TYPE = str(RDF.type)
_EXPLAINED = _CF + "ExplainedConflict"
_SPAN = _OA + "SpecificResource"
_UNCHECKED_SPAN = ("no source text for the span", "span lacks a position or a quote selector")
"""Anchoring's messages for spans it could not check (not counted as checked in its summary)."""

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
CREATE INDEX IF NOT EXISTS triples_s ON triples (s);
CREATE INDEX IF NOT EXISTS triples_o ON triples (o) WHERE literal = 0;
CREATE INDEX IF NOT EXISTS triples_file ON triples (file);
"""


@dataclass
class Outcome:
    """A run's result, and how it was obtained."""

    result: runner.CheckRun
    mode: str
    """``full`` (no cache kept: small data, or asked), ``full, cached`` (a full run that wrote the
    cache), ``reused`` (nothing changed) or ``incremental``."""
    reason: str = ""
    """Why a run was full."""
    changed: list[str] = field(default_factory=list)
    rechecked: int = 0
    """Nodes re-checked (incremental)."""
    seconds: float = 0.0


# --- findings and terms as JSON -------------------------------------------------------------------


def _finding_json(finding: Finding) -> dict[str, Any]:
    return finding.to_json()


def _finding(data: dict[str, Any]) -> Finding:
    return Finding(**{**data, "detail": tuple(data["detail"])})


def _row(graph_file: str, s: Any, p: Any, o: Any) -> tuple[Any, ...]:
    if isinstance(o, Literal):
        datatype = str(o.datatype) if o.datatype is not None else None
        return (graph_file, str(s), str(p), str(o), 1, datatype, o.language)
    return (graph_file, str(s), str(p), str(o), 0, None, None)


def _term(o: str, literal: int, datatype: str | None, lang: str | None) -> URIRef | Literal:
    """The object as :func:`cyberflag.rdf.graphs.parse_triples` gives it (so findings read the same)."""
    if not literal:
        return URIRef(o)
    if lang:
        return Literal(o, lang=lang)
    return Literal(o, datatype=URIRef(datatype)) if datatype else Literal(o)


def _has_bnodes(graph: Graph) -> bool:
    return any(isinstance(t, BNode) for triple in graph for t in triple)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _chunks(items: Iterable[str], size: int = 500) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- consistency groups ---------------------------------------------------------------------------


def consistency_keys(graph: Graph, nodes: Iterable[URIRef] | None = None) -> dict[str, list[str]]:
    """The consistency groups each node belongs to, as :mod:`cyberflag.checks.layers.consistency` forms them.

    A figure is compared with the figures of its measure, area, category and victim group; a
    statement with those of the same (normalised) words, and on its own for its dates; a
    membership with the person's other memberships in the same organisation.
    """
    from cyberflag.checks.layers import consistency
    from cyberflag.rdf.namespaces import CF, ORG, QB, SCHEMA

    wanted = set(nodes) if nodes is not None else None
    keys: dict[str, list[str]] = {}

    def chosen(kind: URIRef) -> Iterator[URIRef]:
        for node in graph.subjects(RDF.type, kind):
            if isinstance(node, URIRef) and (wanted is None or node in wanted):
                yield node

    for node in chosen(QB.Observation):
        values = (
            graph.value(node, p)
            for p in (CF.measure, CF.refArea, CF.offenceCategory, CF.victimGroup)
        )
        keys.setdefault(str(node), []).append(
            "obs\x1f" + "\x1f".join("" if v is None else str(v) for v in values)
        )
    for node in chosen(CF.Statement):
        text = consistency._normal(str(graph.value(node, SCHEMA.text)))
        keys.setdefault(str(node), []).extend([f"text\x1f{text}", f"dates\x1f{node}"])
    for node in chosen(ORG.Membership):
        member, org = graph.value(node, ORG.member), graph.value(node, ORG.organization)
        keys.setdefault(str(node), []).append(f"role\x1f{member}\x1f{org}")
    return keys


# --- the cache ------------------------------------------------------------------------------------


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
                (_row(name, s, p, o) for s, p, o in graph),
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

    def files_stating(self, node: str) -> list[str]:
        return sorted(
            f for (f,) in self.db.execute("SELECT DISTINCT file FROM triples WHERE s = ?", (node,))
        )

    def subject_count(self) -> int:
        row = self.db.execute("SELECT COUNT(DISTINCT s) FROM triples").fetchone()
        return int(row[0])


# --- the run --------------------------------------------------------------------------------------


def cache_path(data_dir: Path, ontology: Path, store_dir: Path | None = None) -> Path:
    """Where the validation cache of ``data_dir`` lives (beside its query index)."""
    return opening.index_dir(opening.cache_root(store_dir), data_dir, ontology) / "validate.sqlite"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One validation at a time per cache: a run reads, then rewrites, the whole state."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _sources_state(data_dir: Path) -> dict[str, str]:
    """A fingerprint of each source text and its manifest entry, by file name."""
    manifest_path = data_dir / "sources" / "manifest.json"
    try:
        entries = json.loads(manifest_path.read_text(encoding="utf-8"))["sources"]
    except (OSError, ValueError, KeyError, TypeError):
        return {"\x00manifest": "unreadable"}
    state: dict[str, str] = {}
    for entry in entries:
        path = data_dir / "sources" / str(entry.get("file"))
        digest = _sha(path) if path.is_file() else "missing"
        state[str(entry.get("file"))] = hashlib.sha256(
            (json.dumps(entry, sort_keys=True) + digest).encode("utf-8")
        ).hexdigest()
    return state


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
    worker processes and chunks of ``chunk`` triples (:mod:`cyberflag.checks.incremental.parallel`)."""
    began = time.perf_counter()
    data_dir = resources.require_dir(
        Path(data_dir) if data_dir is not None else resources.data_dir(), "data directory"
    )
    onto_path = resources.require_file(ontology_path or resources.ontology_path(), "ontology")
    shp_path = resources.require_file(shapes_path or resources.shapes_path(), "SHACL shapes")
    if query_dir is None:
        query_dir = resources.queries_dir()
    found = index_sources.sources(data_dir, None)
    mode = opening.resolve_mode(None)
    small = sum(s.size for s in found) + onto_path.stat().st_size < opening.IN_MEMORY_MAX_BYTES
    if mode == "memory" or (mode == "auto" and small):
        result = runner.full_run(
            data_dir, ontology_path=onto_path, shapes_path=shp_path, query_dir=query_dir
        ).result
        return Outcome(result, "full", "small data", seconds=time.perf_counter() - began)

    path = cache_path(data_dir, onto_path, store)
    with _locked(path):
        cache = Cache(path)
        try:
            outcome = _run(cache, data_dir, onto_path, shp_path, query_dir, found, full,
                           jobs, chunk)
        finally:
            cache.close()
    outcome.seconds = time.perf_counter() - began
    return outcome


def _run(
    cache: Cache,
    data_dir: Path,
    onto_path: Path,
    shp_path: Path,
    query_dir: Path,
    found: list[index_sources.Source],
    full: bool,
    jobs: int | None,
    chunk: int | None,
) -> Outcome:
    reason = "asked for" if full else ""
    if not reason and cache.meta("format") != FORMAT:
        reason = "no cache yet"
    if not reason and cache.meta("ontology") != [_sha(onto_path), _sha(shp_path)]:
        reason = "the ontology or the shapes changed"
    if not reason and cache.meta("bnodes"):
        reason = "the data has blank nodes"
    if not reason and not cache.meta("ontology_parses"):
        reason = "the ontology or the shapes do not parse"
    if reason:
        return _full(cache, data_dir, onto_path, shp_path, query_dir, found, reason, jobs, chunk)
    return _incremental(cache, data_dir, onto_path, shp_path, query_dir, found, jobs, chunk)


def _file_info(
    source: index_sources.Source, sha: str, graph: Graph | None, syntax: list[Finding],
    vocabulary: list[Finding],
) -> dict[str, Any]:
    from cyberflag.checks.layers import vocabulary as vocab

    racy = time.time_ns() - source.mtime_ns < int(builds.RACY_SECONDS * 1e9)
    terms = sorted(f"{kind}\x1f{term}" for kind, term in vocab.used_terms(graph)) if graph else []
    return {
        "sha": sha, "size": source.size, "mtime": None if racy else source.mtime_ns,
        "parsed": graph is not None, "bnodes": graph is not None and _has_bnodes(graph),
        "syntax": [_finding_json(f) for f in syntax],
        "vocabulary": [_finding_json(f) for f in vocabulary], "terms": terms,
    }


def read_source(
    source: index_sources.Source, sha: str, declared: set[URIRef]
) -> tuple[Graph | None, dict[str, Any]]:
    """One data file parsed and checked on its own (syntax, vocabulary): its graph (``None`` when
    it does not parse) and what the cache keeps about it."""
    from cyberflag.checks.layers import vocabulary

    name = source.key.split("/", 1)[1]
    graph, syntax = runner.parse_file(source.path, name)
    vocab = vocabulary.check_graph(graph, declared, name) if graph is not None else []
    return graph, _file_info(source, sha, graph, [syntax] if syntax else [], vocab)


def _full(
    cache: Cache,
    data_dir: Path,
    onto_path: Path,
    shp_path: Path,
    query_dir: Path,
    found: list[index_sources.Source],
    reason: str,
    jobs: int | None = None,
    chunk: int | None = None,
) -> Outcome:
    """A full run: every file read into a fresh cache, then every node checked on the graph
    around it, a chunk at a time in worker processes (:mod:`cyberflag.checks.incremental.parallel`; ``jobs`` workers,
    ``chunk`` triples per chunk, both chosen there by default).

    Blank nodes cannot be fetched by name from the cache, and an ontology or shapes file that does
    not parse leaves nothing to check chunks against: such data is checked as one graph
    (:func:`_full_in_one`). The cache is marked complete only at the end, so an interrupted run
    leaves a cache the next run ignores."""
    from cyberflag.checks.incremental import parallel

    parsed = [runner.parse_file(path, graphs.display_path(path)) for path in (onto_path, shp_path)]
    if any(graph is None for graph, _ in parsed):
        return _full_in_one(cache, data_dir, onto_path, shp_path, query_dir, found, reason)
    workers = parallel.jobs(jobs)
    setting = parallel.Setting(cache.path, data_dir, onto_path, shp_path)
    with parallel.Pool(setting, workers) as pool:
        db = cache.db
        db.execute("BEGIN IMMEDIATE")
        try:
            cache.clear()
            terms: Counter[str] = Counter()
            for name, info, rows in pool.read(found):
                if info["bnodes"]:
                    db.execute("ROLLBACK")
                    return _full_in_one(cache, data_dir, onto_path, shp_path, query_dir, found,
                                        reason)
                terms.update(info["terms"])
                cache.put_file(name, info)
                db.executemany("INSERT INTO triples VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            cache.index()
            cache.set_meta("ontology", [_sha(onto_path), _sha(shp_path)])
            cache.set_meta("bnodes", False)
            cache.set_meta("ontology_parses", True)
            cache.set_meta("terms", dict(terms))
            cache.set_meta("sources", _sources_state(data_dir))
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.OperationalError):
                db.execute("ROLLBACK")
            raise

        findings: set[Finding] = set()
        keys: dict[str, list[str]] = {}
        for found_here, keys_here in pool.nodes(parallel.node_chunks(cache, workers, chunk)):
            findings.update(found_here)
            keys.update(keys_here)
        explained = cache.nodes_of_type(_EXPLAINED)
        for found_here in pool.groups(parallel.group_chunks(keys, workers, chunk), keys, explained):
            findings.update(found_here)
    query_count, query_errors = runner.query_findings(query_dir)
    result = _assemble(cache, data_dir, sorted(findings), query_count, query_errors,
                       cache.files())
    db.execute("BEGIN IMMEDIATE")
    cache.set_meta("keys", keys)
    cache.set_meta("findings", [_finding_json(f) for f in result.findings])
    cache.set_meta("format", FORMAT)
    db.execute("COMMIT")
    return Outcome(result, "full, cached", reason, changed=[s.key for s in found])


def _full_in_one(
    cache: Cache,
    data_dir: Path,
    onto_path: Path,
    shp_path: Path,
    query_dir: Path,
    found: list[index_sources.Source],
    reason: str,
) -> Outcome:
    """A full run on one graph, then the whole cache rewritten from what it read: for data that
    :func:`_full` cannot check in chunks."""
    done = runner.full_run(data_dir, ontology_path=onto_path, shapes_path=shp_path,
                           query_dir=query_dir)
    result = done.result
    db = cache.db
    db.execute("BEGIN IMMEDIATE")
    try:
        cache.clear()
        terms: Counter[str] = Counter()
        bnodes = False
        for source in found:
            name = source.key.split("/", 1)[1]
            graph = done.files.get(name)
            info = _file_info(
                source, _sha(source.path), graph,
                [f for f in result.findings if f.layer == "syntax" and f.file == name],
                [f for f in result.findings if f.layer == "vocabulary" and f.file == name],
            )
            terms.update(info["terms"])
            bnodes = bnodes or info["bnodes"]
            cache.put_file(name, info)
            cache.put_triples(name, graph)
        cache.index()
        cache.set_meta("ontology", [_sha(onto_path), _sha(shp_path)])
        cache.set_meta("bnodes", bnodes)
        cache.set_meta("terms", dict(terms))
        cache.set_meta("sources", _sources_state(data_dir))
        cache.set_meta("keys", consistency_keys(done.data))
        cache.set_meta("findings", [_finding_json(f) for f in result.findings])
        cache.set_meta("ontology_parses", not any(
            f.layer == "syntax" and f.severity == ERROR and f.focus not in done.files
            and f.focus not in {s.key.split("/", 1)[1] for s in found}
            and not f.focus.endswith(".rq")
            for f in result.findings
        ))
        cache.set_meta("format", FORMAT)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return Outcome(result, "full, cached", reason, changed=[s.key for s in found])


def _incremental(
    cache: Cache,
    data_dir: Path,
    onto_path: Path,
    shp_path: Path,
    query_dir: Path,
    found: list[index_sources.Source],
    jobs: int | None = None,
    chunk: int | None = None,
) -> Outcome:
    from cyberflag.checks.incremental import parallel
    from cyberflag.checks.layers import vocabulary

    def full(reason: str) -> Outcome:
        return _full(cache, data_dir, onto_path, shp_path, query_dir, found, reason, jobs, chunk)

    known = cache.files()
    present = {s.key.split("/", 1)[1]: s for s in found}
    changed: dict[str, str | None] = {}  # name → new sha (None: removed)
    unchanged_sha: dict[str, str] = {}
    for name, source in present.items():
        entry = known.get(name)
        if entry is not None and entry["size"] == source.size and entry["mtime"] == source.mtime_ns:
            continue
        sha = _sha(source.path)
        if entry is not None and entry["sha"] == sha:
            unchanged_sha[name] = sha  # touched only: record the new time below
            continue
        changed[name] = sha
    for name in known:
        if name not in present:
            changed[name] = None
    sources_now = _sources_state(data_dir)
    sources_before: dict[str, str] = cache.meta("sources") or {}
    changed_sources = sorted(
        name for name in set(sources_now) | set(sources_before)
        if sources_now.get(name) != sources_before.get(name)
    )
    cached = [_finding(f) for f in cache.meta("findings")]
    if not changed and not changed_sources:
        cache.db.execute("BEGIN IMMEDIATE")
        for name, sha in unchanged_sha.items():
            cache.put_file(name, {**known[name], "sha": sha, "size": present[name].size,
                                  "mtime": present[name].mtime_ns})
        cache.db.execute("COMMIT")
        query_count, query_errors = runner.query_findings(query_dir)
        result = _assemble(cache, data_dir, cached, query_count, query_errors,
                           known)
        return Outcome(result, "reused")

    # Parse the changed files (the old triples are still in the cache).
    new_graphs: dict[str, Graph | None] = {}
    new_infos: dict[str, dict[str, Any]] = {}
    ontology = graphs.parse_turtle(onto_path)
    declared = vocabulary.declared_terms(ontology)
    for name, sha in changed.items():
        if sha is None:
            continue
        graph, info = read_source(present[name], sha, declared)
        if info["bnodes"]:
            return full(f"{name} has blank nodes")
        new_graphs[name] = graph
        new_infos[name] = info

    # What the change touches: subjects and objects before and after.
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
    explained = cache.nodes_of_type(_EXPLAINED)
    new_explained = {
        str(s) for g in new_graphs.values() if g is not None
        for s in g.subjects(RDF.type, URIRef(_EXPLAINED))
    }
    if (explained | new_explained) & subjects:
        return full("an explained conflict changed")

    # Bring the cached triples up to date, then find what to re-check.
    db = cache.db
    db.execute("BEGIN IMMEDIATE")
    try:
        for name in changed:
            cache.put_triples(name, new_graphs.get(name))
        affected = set(subjects)
        frontier = set(subjects)
        for _ in range(DEPTH):
            frontier = cache.referrers(frontier) - affected
            affected |= frontier
        affected |= cache.typed(objects - affected, INBOUND_TYPES)
        if changed_sources:
            affected |= _spans_of_sources(cache, changed_sources)
        total = cache.subject_count()
        if len(affected) > FULL_FRACTION * max(total, 1):
            db.execute("ROLLBACK")
            return full(f"the change reaches {len(affected):,} of {total:,} nodes")

        # Consistency groups with a re-checked member are recomputed whole.
        keys_before: dict[str, list[str]] = cache.meta("keys") or {}
        first = cache.graph(affected, ())  # their own triples: what their groups depend on
        keys_now = {**keys_before}
        for node in affected:
            keys_now.pop(node, None)
        keys_now.update(consistency_keys(first, (URIRef(n) for n in affected)))
        groups = {k for n in affected for k in keys_before.get(n, []) + keys_now.get(n, [])}
        members = {n for n, ks in keys_now.items() if groups.intersection(ks)}
        fresh, _ = parallel.node_findings(
            cache, affected, data_dir, ontology, graphs.parse_turtle(shp_path)
        )
        fresh += parallel.group_findings(cache, groups, members, keys_now, explained, ontology)
        focus = affected

        kept = [
            f for f in cached
            if not (
                (f.layer in ("shapes", "anchoring", "arithmetic") and f.focus in focus)
                or (f.layer == "consistency" and groups.intersection(keys_before.get(f.focus, [])))
            )
        ]
        for name in changed:
            if name in new_infos:
                cache.put_file(name, new_infos[name])
            else:
                db.execute("DELETE FROM files WHERE name = ?", (name,))
        for name, sha in unchanged_sha.items():
            cache.put_file(name, {**known[name], "sha": sha, "size": present[name].size,
                                  "mtime": present[name].mtime_ns})
        terms: Counter[str] = Counter(cache.meta("terms") or {})
        for name in changed:
            if name in known:
                terms.subtract(known[name]["terms"])
            if name in new_infos:
                terms.update(new_infos[name]["terms"])
        cache.set_meta("terms", {t: n for t, n in terms.items() if n > 0})
        cache.set_meta("keys", keys_now)
        cache.set_meta("sources", sources_now)
        query_count, query_errors = runner.query_findings(query_dir)
        files_now = cache.files()
        result = _assemble(cache, data_dir, kept + fresh,
                           query_count, query_errors, files_now)
        cache.set_meta("findings", [_finding_json(f) for f in result.findings])
        db.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("ROLLBACK")
        raise
    return Outcome(result, "incremental",
                   changed=sorted(changed) + [f"sources/{name}" for name in changed_sources],
                   rechecked=len(focus))


def _group_graph(cache: Cache, members: set[str], explained: set[str]) -> Graph:
    """What the consistency layer compares: the group members and everything within
    :data:`DEPTH` hops of them, with only the members typed as figures, statements or memberships
    (so that nodes at the edge, whose own surroundings are not all there, form no groups)."""
    from cyberflag.rdf.namespaces import CF, ORG, QB

    grouped = {QB.Observation, CF.Statement, ORG.Membership}
    kept = {URIRef(n) for n in members}
    graph = Graph()
    graph.addN(
        (s, p, o, graph)
        for s, p, o in cache.triples(cache.closure(members | explained, DEPTH), ())
        if not (p == RDF.type and o in grouped and s not in kept)
    )
    return graph


def _spans_of_sources(cache: Cache, files: list[str]) -> set[str]:
    """The spans of the articles whose source text is one of ``files``."""
    articles = {
        s for (s,) in cache.db.execute(
            f"SELECT DISTINCT s FROM triples WHERE p = ? AND literal = 1 AND o IN "
            f"({','.join('?' * len(files))})",
            (_CF + "sourceFile", *files),
        )
    }
    return cache.referrers(articles) & cache.nodes_of_type(_SPAN) if articles else set()


def _with_file_cached(cache: Cache, finding: Finding) -> Finding:
    """As :func:`cyberflag.checks.runner.with_file`, from the cache: the first file stating the node."""
    from dataclasses import replace

    if finding.file is not None or not finding.focus.startswith(("http://", "https://")):
        return finding
    stating = cache.files_stating(finding.focus)
    return replace(finding, file=stating[0]) if stating else finding


def _assemble(
    cache: Cache,
    data_dir: Path,
    findings: list[Finding],
    query_count: int,
    query_errors: list[Finding],
    files: dict[str, dict[str, Any]],
) -> runner.CheckRun:
    """The run's findings: the node findings given, and every per-file finding, source finding
    and layer summary recomputed as a full run would give them."""
    from cyberflag.checks.layers import anchoring

    nodes = [
        f for f in findings
        if f.layer in ("shapes", "arithmetic", "consistency")
        or (f.layer == "anchoring" and f.focus.startswith(("http://", "https://")))
    ]
    nodes = [f for f in nodes if not (f.severity == INFO and f.focus == "data")]
    out = list(nodes)
    # syntax: per file, the saved queries, and the summary
    syntax = [_finding(f) for info in files.values() for f in info["syntax"]] + query_errors
    out += syntax
    parsed = sum(1 for info in files.values() if info["parsed"])
    if not syntax:
        out.append(runner.syntax_summary(data_dir, parsed, 2, query_count))
    # shapes: the summary when nothing was found
    if not any(f.layer == "shapes" for f in out):
        out.append(Finding("shapes", INFO, "data", "the data conforms to the SHACL shapes"))
    # anchoring: the manifest and source files, then the summary
    sources, source_findings = anchoring.load_sources(data_dir)
    out += source_findings
    anchoring_all = [f for f in out if f.layer == "anchoring"]
    if not [f for f in anchoring_all if f.severity == ERROR]:
        spans = len(cache.nodes_of_type(_SPAN))
        unchecked = sum(1 for f in anchoring_all if f.message.startswith(_UNCHECKED_SPAN))
        out.append(anchoring.summary(data_dir, spans - unchecked, len(sources)))
    # consistency: the summary when nothing was found
    if not any(f.layer == "consistency" for f in out):
        out.append(Finding("consistency", INFO, "data", "no conflicting figures, quotes or roles"))
    # vocabulary: per file, and the summary
    vocab = [_finding(f) for info in files.values() for f in info["vocabulary"]]
    out += vocab
    if not vocab:
        count = len(cache.meta("terms") or {})
        out.append(
            Finding(
                "vocabulary",
                INFO,
                "data",
                f"all {count} classes and properties used "
                f"are defined in the ontology or a standard vocabulary",
            )
        )
    return runner.CheckRun(LAYERS, sort_findings(out), files=parsed)


__all__ = [
    "DEPTH", "FORMAT", "Cache", "Outcome", "cache_path", "consistency_keys", "read_source", "run",
]
