"""Run every verification layer over a data directory and gather the findings.

``cyberflag validate`` asks two questions a curator cares about: is the graph well-formed (syntax,
shapes, vocabulary), and is it true to its sources and to itself (anchoring, arithmetic,
consistency)? Each layer lives in its own module and returns :class:`~cyberflag.checks.findings.Finding`
values; this module only decides what each layer is given, so that a file that does not parse is
reported once, in the syntax layer, and the other layers still run on everything that did parse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import Graph, URIRef

from cyberflag.checks.findings import (
    ERROR,
    EXPLAINED,
    INFO,
    LAYERS,
    WARNING,
    Finding,
    sort_findings,
)
from cyberflag.errors import DataError, InputError
from cyberflag.rdf import graphs, resources

SHACL_SEVERITY = {"Violation": ERROR, "Warning": WARNING, "Info": INFO}


@dataclass
class CheckRun:
    """The findings of one run, and which layers ran."""

    layers: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)
    files: int = 0

    @property
    def ok(self) -> bool:
        """True when no layer found an error (warnings and explained conflicts do not count)."""
        return not any(f.severity == ERROR for f in self.findings)

    def count(self, layer: str, severity: str) -> int:
        return sum(1 for f in self.findings if f.layer == layer and f.severity == severity)

    def status(self, layer: str) -> str:
        if layer not in self.layers:
            return "skipped"
        if self.count(layer, ERROR):
            return "failed"
        return "passed with warnings" if self.count(layer, WARNING) else "passed"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return graphs.display_path(path)


def parse_file(path: Path, name: str) -> tuple[Graph | None, Finding | None]:
    """One file's graph, or the syntax finding (``name:line:column: message``) when it does not
    parse."""
    try:
        return graphs.parse_turtle(path), None
    except DataError as error:
        where = DataError(name, error.line, error.column, error.message)
        return None, Finding("syntax", ERROR, name, str(where), file=name)


def query_findings(query_dir: Path | None) -> tuple[int, list[Finding]]:
    """How many saved queries there are, and a finding for each that does not load."""
    from cyberflag.queries import catalogue  # only the syntax check: no engine is started

    if query_dir is None:
        return 0, []
    findings = []
    names = catalogue.names(query_dir)
    for name in names:
        try:
            catalogue.load(name, query_dir)
        except InputError as error:
            findings.append(Finding("syntax", ERROR, f"{name}.rq", str(error)))
    return len(names), findings


def syntax_summary(data_dir: Path, data: int, ontology: int, saved: int) -> Finding:
    """The syntax layer's line when everything parses."""
    return Finding(
        "syntax",
        INFO,
        str(data_dir),
        f"{data} data files, {ontology} ontology files and {saved} saved queries parse",
    )


def syntax_layer(
    data_dir: Path, ontology_files: Iterable[Path], query_dir: Path | None
) -> tuple[dict[str, Graph], dict[str, Graph], list[Finding]]:
    """Parse every data, ontology and query file; return the data and ontology graphs that parsed,
    and one finding per file that did not (``path:line:column: message``)."""
    findings: list[Finding] = []
    data: dict[str, Graph] = {}
    ontology: dict[str, Graph] = {}
    for target, paths, root in (
        (data, graphs.data_files(data_dir), data_dir),
        (ontology, list(ontology_files), None),
    ):
        for path in paths:
            name = _relative(path, root) if root is not None else graphs.display_path(path)
            graph, finding = parse_file(path, name)
            if graph is not None:
                target[name] = graph
            if finding is not None:
                findings.append(finding)
    saved, query_errors = query_findings(query_dir)
    findings += query_errors
    if not findings:
        findings.append(syntax_summary(data_dir, len(data), len(ontology), saved))
    return data, ontology, findings


def shapes_layer(
    data: Graph, ontology: Graph, shapes: Graph | None, only: Iterable[str] | None = None
) -> list[Finding]:
    """pySHACL over the data with the ontology; each result as a finding. ``only``: the findings
    of these nodes only (see :func:`cyberflag.checks.shacl.validator.validate_graph`)."""
    from cyberflag.checks.shacl import validator  # pySHACL is slow to import: only here

    report = validator.validate_graph(data, ontology=ontology, shapes=shapes, only=only)
    findings = [
        Finding(
            "shapes",
            SHACL_SEVERITY.get(f.severity, ERROR),
            f.focus,
            f.message,
            tuple(
                line
                for line in (
                    f"path: {f.path}" if f.path else "",
                    f"value: {f.value}" if f.value else "",
                    f"shape: {f.shape}",
                )
                if line
            ),
        )
        for f in report.findings
    ]
    if not findings:
        findings.append(Finding("shapes", INFO, "data", "the data conforms to the SHACL shapes"))
    return findings


def _union(graphs: Iterable[Graph]) -> Graph:
    union = Graph()
    for graph in graphs:
        union += graph
    return union


def run(
    data_dir: Path | None = None,
    *,
    layers: Iterable[str] = LAYERS,
    ontology_path: Path | None = None,
    shapes_path: Path | None = None,
    query_dir: Path | None = None,
    incremental: bool = False,
    full: bool = False,
    store: Path | None = None,
    jobs: int | None = None,
) -> CheckRun:
    """Run the chosen ``layers`` over ``data_dir`` (default: the shipped data).

    With ``incremental`` (and every layer chosen) the findings of the last run are reused for
    everything a change cannot have affected (:mod:`cyberflag.checks.incremental.driver`, cached under the
    index folder ``store``); the result is the same as a full run's. ``full`` then checks
    everything but still writes the cache, so that the next run can be incremental; it runs in
    ``jobs`` worker processes (:mod:`cyberflag.checks.incremental.parallel`).

    Raises :class:`InputError` only when the check cannot run at all (no data directory, no
    ontology); everything wrong *in* the data is a finding.
    """
    if incremental and set(LAYERS) <= set(layers):
        from cyberflag.checks.incremental import driver as incremental_run

        return incremental_run.run(
            data_dir,
            ontology_path=ontology_path,
            shapes_path=shapes_path,
            query_dir=query_dir,
            store=store,
            full=full,
            jobs=jobs,
        ).result
    return full_run(
        data_dir,
        layers=layers,
        ontology_path=ontology_path,
        shapes_path=shapes_path,
        query_dir=query_dir,
    ).result


@dataclass
class FullRun:
    """A full run's result and what it read (:mod:`cyberflag.checks.incremental.driver` caches both)."""

    result: CheckRun
    files: dict[str, Graph]
    """Every data file that parsed, by its path relative to the data directory."""
    data: Graph
    """Their union."""
    ontology: Graph
    data_dir: Path


def full_run(
    data_dir: Path | None = None,
    *,
    layers: Iterable[str] = LAYERS,
    ontology_path: Path | None = None,
    shapes_path: Path | None = None,
    query_dir: Path | None = None,
) -> FullRun:
    """Every chosen layer over every file: what :func:`run` does without ``incremental``."""
    chosen = tuple(layer for layer in LAYERS if layer in set(layers))
    data_dir = resources.require_dir(
        Path(data_dir) if data_dir is not None else resources.data_dir(), "data directory"
    )
    onto_path = resources.require_file(ontology_path or resources.ontology_path(), "ontology")
    shp_path = resources.require_file(shapes_path or resources.shapes_path(), "SHACL shapes")
    if query_dir is None:  # the saved queries are checked whichever data is
        query_dir = resources.queries_dir()

    files, onto_files, syntax = syntax_layer(data_dir, (onto_path, shp_path), query_dir)
    result = CheckRun(chosen, files=len(files))
    if "syntax" in chosen:
        result.findings += syntax
    data = _union(files.values())
    ontology = onto_files.get(graphs.display_path(onto_path), Graph())
    shapes = onto_files.get(graphs.display_path(shp_path))
    if "shapes" in chosen and shapes is not None:
        result.findings += shapes_layer(data, ontology, shapes)
    if "anchoring" in chosen:
        from cyberflag.checks.layers import anchoring

        result.findings += anchoring.check(data, data_dir)
    if "arithmetic" in chosen:
        from cyberflag.checks.layers import arithmetic

        result.findings += arithmetic.check(data)
    if "consistency" in chosen:
        from cyberflag.checks.layers import consistency

        found = consistency.check(data + ontology)
        result.findings += found or [
            Finding("consistency", INFO, "data", "no conflicting figures, quotes or roles")
        ]
    if "vocabulary" in chosen:
        from cyberflag.checks.layers import vocabulary

        result.findings += vocabulary.check(files, ontology)
    result.findings = sort_findings([with_file(f, files) for f in result.findings])
    return FullRun(result, files, data, ontology, data_dir)


def with_file(finding: Finding, files: dict[str, Graph]) -> Finding:
    """Name the data file that describes the finding's focus node, so the curator knows which
    file to open (the first, in file order, that has the node as a subject)."""
    if finding.file is not None or not finding.focus.startswith(("http://", "https://")):
        return finding
    node = URIRef(finding.focus)
    for name in sorted(files):
        if (node, None, None) in files[name]:
            return replace(finding, file=name)
    return finding


__all__ = [
    "EXPLAINED", "CheckRun", "FullRun", "full_run", "parse_file", "query_findings", "run",
    "shapes_layer", "syntax_layer", "syntax_summary", "with_file",
]
