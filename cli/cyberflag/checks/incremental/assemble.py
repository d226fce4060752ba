"""A cached run's report, as a full run would give it.

The incremental check keeps node findings (shapes, anchoring of spans, arithmetic, consistency)
from the cache or re-checks them; everything else (the per-file findings, the source files'
findings and every layer's line) is rebuilt here from the cache, with each layer's own
``summary`` function, the same one its full run uses, so the two paths cannot drift apart.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from cyberflag.checks.findings import ERROR, INFO, LAYERS, CheckRun, Finding, sort_findings
from cyberflag.checks.incremental.cache import Cache
from cyberflag.checks.incremental.closure import SPAN
from cyberflag.checks.layers import anchoring, consistency, shapes, syntax, vocabulary

ONTOLOGY_FILES = 2
"""The ontology and the shapes: the ontology files a run parses (a cached run reached its
incremental path only if both parse)."""

_UNCHECKED_SPAN = ("no source text for the span", "span lacks a position or a quote selector")
"""Anchoring's messages for spans it could not check (not counted as checked in its summary)."""


def is_node_finding(finding: Finding) -> bool:
    """Whether the finding is about a node of the data, not a file or a layer's line."""
    return finding.focus.startswith(("http://", "https://"))


def with_file_cached(cache: Cache, finding: Finding) -> Finding:
    """As :func:`cyberflag.checks.full.with_file`, from the cache: the first file stating the
    node."""
    if finding.file is not None or not is_node_finding(finding):
        return finding
    stating = cache.files_stating(finding.focus)
    return replace(finding, file=stating[0]) if stating else finding


def assemble(
    cache: Cache,
    data_dir: Path,
    findings: list[Finding],
    query_count: int,
    query_errors: list[Finding],
    files: dict[str, dict[str, Any]],
) -> CheckRun:
    """The run's findings: the node findings given, and every per-file finding, source finding
    and layer line recomputed as a full run would give them."""
    nodes = [
        f for f in findings
        if f.layer in ("shapes", "arithmetic", "consistency")
        or (f.layer == "anchoring" and is_node_finding(f))
    ]
    out = [f for f in nodes if not (f.severity == INFO and f.focus == "data")]
    # syntax: per file, the saved queries, and the summary
    syntax_found = [
        Finding.from_json(f) for info in files.values() for f in info["syntax"]
    ] + query_errors
    out += syntax_found
    parsed = sum(1 for info in files.values() if info["parsed"])
    if not syntax_found:
        out.append(syntax.summary(data_dir, parsed, ONTOLOGY_FILES, query_count))
    out += syntax.shared_subjects(cache.shared_subjects())
    if not any(f.layer == "shapes" for f in out):
        out.append(shapes.summary())
    # anchoring: the manifest and source files, then the summary
    sources, source_findings = anchoring.load_sources(data_dir)
    out += source_findings
    anchoring_all = [f for f in out if f.layer == "anchoring"]
    if not [f for f in anchoring_all if f.severity == ERROR]:
        spans = len(cache.nodes_of_type(SPAN))
        unchecked = sum(1 for f in anchoring_all if f.message.startswith(_UNCHECKED_SPAN))
        out.append(anchoring.summary(data_dir, spans - unchecked, len(sources)))
    if not any(f.layer == "consistency" for f in out):
        out.append(consistency.summary())
    vocab = [Finding.from_json(f) for info in files.values() for f in info["vocabulary"]]
    out += vocab
    if not vocab:
        out.append(vocabulary.summary(len(cache.meta("terms") or {})))
    return CheckRun(LAYERS, sort_findings(out), files=parsed)


__all__ = ["assemble", "is_node_finding", "with_file_cached"]
