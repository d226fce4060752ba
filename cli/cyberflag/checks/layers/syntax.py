"""The syntax layer: every data, ontology and saved-query file parses.

A file that does not parse is reported once, here (``path:line:column: message``), and the other
layers still run on everything that did parse. The incremental check reads files one at a time
through :func:`parse_file` and rebuilds the layer's line with :func:`summary`, so both paths say
the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Graph, URIRef

from cyberflag.checks.findings import ERROR, INFO, WARNING, Finding
from cyberflag.errors import DataError, InputError
from cyberflag.rdf import graphs

LAYER = "syntax"


def relative(path: Path, root: Path) -> str:
    """How a data file is named in findings: relative to the data directory where it can be."""
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
        return None, Finding(LAYER, ERROR, name, str(where), file=name)


def query_findings(query_dir: Path | None) -> tuple[int, list[Finding]]:
    """How many saved queries there are, an error for each that does not load, and a warning for
    each construct some SPARQL engine answers differently (``queries --check``): a saved query
    must give the same rows on every engine, and only a run on each would show otherwise."""
    from cyberflag.queries import catalogue  # only the syntax check: no engine is started
    from cyberflag.queries.portability import check

    if query_dir is None:
        return 0, []
    findings = []
    names = catalogue.names(query_dir)
    for name in names:
        try:
            query = catalogue.load(name, query_dir)
        except InputError as error:
            findings.append(Finding(LAYER, ERROR, f"{name}.rq", str(error)))
            continue
        where = f"{name}.rq"
        findings += [
            Finding(LAYER, WARNING, where, issue.text(where), file=where)
            for issue in check(query.text)
        ]
    return len(names), findings


def summary(data_dir: Path, data: int, ontology: int, saved: int) -> Finding:
    """The layer's line when everything parses."""
    return Finding(
        LAYER,
        INFO,
        str(data_dir),
        f"{data} data files, {ontology} ontology files and {saved} saved queries parse",
    )


SHOWN_SHARED = 3
"""How many of the resources two files share a duplicate finding names."""


def shared_subjects(subjects: Mapping[str, Iterable[str]]) -> list[Finding]:
    """A warning for each data file that describes resources an earlier file (in name order)
    already describes: each resource belongs in one file (``ontology/MODEL.md``, Files), so two
    files describing the same IRIs are most often one article copied under a second name, which
    the graph's union would otherwise hide. ``subjects`` maps a file to its subject IRIs."""
    findings = []
    seen: dict[str, str] = {}
    for name in sorted(subjects):
        shared: dict[str, list[str]] = {}
        for subject in sorted(set(subjects[name])):
            first = seen.setdefault(subject, name)
            if first != name:
                shared.setdefault(first, []).append(subject)
        for first, iris in sorted(shared.items()):
            count = f"{len(iris):,} resource" + ("s" if len(iris) != 1 else "")
            findings.append(Finding(
                LAYER, WARNING, name,
                f"{name} describes {count} that {first} also describes; each resource belongs "
                "in one file (is one file a copy of the other?)",
                tuple(iris[:SHOWN_SHARED]) + (("…",) if len(iris) > SHOWN_SHARED else ()),
                file=name,
            ))
    return findings


def check(
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
            name = relative(path, root) if root is not None else graphs.display_path(path)
            graph, finding = parse_file(path, name)
            if graph is not None:
                target[name] = graph
            if finding is not None:
                findings.append(finding)
    saved, query_errors = query_findings(query_dir)
    findings += query_errors
    if not findings:
        findings.append(summary(data_dir, len(data), len(ontology), saved))
    findings += shared_subjects({
        name: (str(s) for s in graph.subjects(unique=True) if isinstance(s, URIRef))
        for name, graph in data.items()
    })
    return data, ontology, findings


__all__ = [
    "LAYER", "check", "parse_file", "query_findings", "relative", "shared_subjects", "summary"
]
