"""Every verification layer over every file of a data directory: the full run.

``cyberflag validate`` asks two questions a curator cares about: is the graph well-formed (syntax,
shapes, vocabulary), and is it true to its sources and to itself (anchoring, arithmetic,
consistency)? Each layer lives in its own module under :mod:`cyberflag.checks.layers` and returns
:class:`~cyberflag.checks.findings.Finding` values; this module only decides what each layer is
given, so that a file that does not parse is reported once, in the syntax layer, and the other
layers still run on everything that did parse.

It imports nothing of the incremental check, which reuses it (a full run writes its cache when it
cannot be chunked); :mod:`cyberflag.checks.runner` chooses between the two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import Graph, URIRef

from cyberflag.checks.findings import LAYERS, CheckRun, Finding, sort_findings
from cyberflag.checks.layers import syntax
from cyberflag.rdf import graphs, resources


@dataclass(frozen=True)
class Inputs:
    """What a run reads besides the data files, each checked to exist."""

    data_dir: Path
    ontology: Path
    shapes: Path
    queries: Path


def inputs(
    data_dir: Path | None = None,
    ontology_path: Path | None = None,
    shapes_path: Path | None = None,
    query_dir: Path | None = None,
) -> Inputs:
    """The shipped data, ontology, shapes and saved queries unless others are given.

    Raises :class:`~cyberflag.errors.InputError` when one is missing: the check cannot run at
    all then, whereas everything wrong *in* the files is a finding.
    """
    return Inputs(
        resources.require_dir(
            Path(data_dir) if data_dir is not None else resources.data_dir(), "data directory"
        ),
        resources.require_file(ontology_path or resources.ontology_path(), "ontology"),
        resources.require_file(shapes_path or resources.shapes_path(), "SHACL shapes"),
        # the saved queries are checked whichever data is
        query_dir if query_dir is not None else resources.queries_dir(),
    )


@dataclass
class FullRun:
    """A full run's result and what it read (the incremental check caches both)."""

    result: CheckRun
    files: dict[str, Graph]
    """Every data file that parsed, by its path relative to the data directory."""
    data: Graph
    """Their union."""
    ontology: Graph
    data_dir: Path


def _union(parts: Iterable[Graph]) -> Graph:
    union = Graph()
    for graph in parts:
        union += graph
    return union


def full_run(
    data_dir: Path | None = None,
    *,
    layers: Iterable[str] = LAYERS,
    ontology_path: Path | None = None,
    shapes_path: Path | None = None,
    query_dir: Path | None = None,
) -> FullRun:
    """Every chosen layer over every file, on one graph."""
    chosen = tuple(layer for layer in LAYERS if layer in set(layers))
    where = inputs(data_dir, ontology_path, shapes_path, query_dir)
    data_dir = where.data_dir

    files, onto_files, syntax_found = syntax.check(
        data_dir, (where.ontology, where.shapes), where.queries
    )
    result = CheckRun(chosen, files=len(files))
    if "syntax" in chosen:
        result.findings += syntax_found
    data = _union(files.values())
    ontology = onto_files.get(graphs.display_path(where.ontology), Graph())
    shapes_graph = onto_files.get(graphs.display_path(where.shapes))
    if "shapes" in chosen and shapes_graph is not None:
        from cyberflag.checks.layers import shapes

        result.findings += shapes.check(data, ontology, shapes_graph)
    if "anchoring" in chosen:
        from cyberflag.checks.layers import anchoring

        result.findings += anchoring.check(data, data_dir)
    if "arithmetic" in chosen:
        from cyberflag.checks.layers import arithmetic

        result.findings += arithmetic.check(data)
    if "consistency" in chosen:
        from cyberflag.checks.layers import consistency

        result.findings += consistency.check(data + ontology) or [consistency.summary()]
    if "vocabulary" in chosen:
        from cyberflag.checks.layers import vocabulary

        result.findings += vocabulary.check(files, ontology)
    first_file = first_files(files)
    result.findings = sort_findings([with_file(f, first_file) for f in result.findings])
    return FullRun(result, files, data, ontology, data_dir)


def first_files(files: dict[str, Graph]) -> dict[str, str]:
    """Each subject IRI and the first data file, in file order, that describes it: one pass over
    the files rather than one per finding."""
    found: dict[str, str] = {}
    for name in sorted(files):
        for subject in files[name].subjects(unique=True):
            if isinstance(subject, URIRef):
                found.setdefault(str(subject), name)
    return found


def with_file(finding: Finding, first_file: dict[str, str]) -> Finding:
    """Name the data file that describes the finding's focus node, so the curator knows which
    file to open (the first, in file order, that has the node as a subject)."""
    if finding.file is not None or not finding.focus.startswith(("http://", "https://")):
        return finding
    name = first_file.get(finding.focus)
    return finding if name is None else replace(finding, file=name)


__all__ = ["FullRun", "Inputs", "first_files", "full_run", "inputs", "with_file"]
