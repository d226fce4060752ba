"""Turn a SHACL validation report into text a curator can act on.

Each finding says what is wrong (severity, message), where (focus node, path, value) and, the
thing a raw pySHACL report lacks, which data file to open: the file(s) whose triples describe the
focus node.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, Protocol

from rdflib import URIRef
from rdflib.term import Node

from cyberflag.output import format_term
from cyberflag.store import LoadedData, display_path


class FindingLike(Protocol):
    """What :mod:`cyberflag.validate` reports per SHACL result (a ``Finding``)."""

    focus: Any
    path: Any
    message: str
    severity: Any
    shape: Any
    value: Any


class ReportLike(Protocol):
    """What :func:`cyberflag.validate.validate_graph` returns (a ``ShaclReport``)."""

    conforms: bool
    findings: tuple[FindingLike, ...]


def severity_name(severity: Any) -> str:
    """``sh:Violation`` / ``"Violation"`` / ``None`` → ``"Violation"``."""
    if severity is None:
        return "Violation"
    text = str(severity)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or text


def _node(term: Any) -> Node | None:
    """A finding's term as an rdflib node: findings carry IRIs bare, literals in N-Triples form and
    blank nodes as ``_:id`` (strings), or rdflib terms."""
    if term is None or isinstance(term, Node):
        return term
    text = str(term)
    if not text or text.startswith(('"', "_:")):
        return None  # a literal or blank node: shown as written, never looked up
    return URIRef(text)


def _show(term: Any) -> str:
    node = _node(term)
    if node is None:
        return "-" if term is None or term == "" else str(term)
    return format_term(node)


def _files(loaded: LoadedData, focus: Any) -> str:
    node = _node(focus)
    if node is None:
        return "-"
    paths = loaded.files_stating(node, ontology=True)
    return ", ".join(display_path(p) for p in paths) if paths else "(no file states this node)"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def format_report(report: ReportLike, loaded: LoadedData) -> str:
    """One block per finding, sorted by file and focus node, then a summary line."""
    blocks = []
    for finding in report.findings:
        file_text = _files(loaded, finding.focus)
        block = [
            f"{severity_name(finding.severity)}: {_show(finding.focus)}",
            f"  file:    {file_text}",
            f"  path:    {_show(finding.path)}",
            f"  message: {' '.join(str(finding.message).split())}",
        ]
        if finding.value is not None:
            block.append(f"  value:   {_show(finding.value)}")
        if finding.shape:
            block.append(f"  shape:   {_show(finding.shape)}")
        blocks.append((file_text, _show(finding.focus), "\n".join(block)))
    blocks.sort()
    out = [b[2] + "\n" for b in blocks]
    out.append(summary_line(report.conforms, (f.severity for f in report.findings)))
    return "\n".join(out)


def summary_line(conforms: bool, severities: Iterable[Any]) -> str:
    """``conforms: 0 findings`` or ``does not conform: 3 findings (2 Violations, 1 Warning)``."""
    counts = Counter(severity_name(s) for s in severities)
    total = sum(counts.values())
    parts = ", ".join(_plural(n, name) for name, n in sorted(counts.items()))
    detail = f"{_plural(total, 'finding')}" + (f" ({parts})" if parts else "")
    verdict = "The data conforms to the shapes" if conforms else "The data does not conform"
    return f"{verdict}: {detail}.\n"


__all__ = ["FindingLike", "ReportLike", "format_report", "severity_name", "summary_line"]
