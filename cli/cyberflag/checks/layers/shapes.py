"""The shapes layer: pySHACL's verdict on the data, each SHACL result as a finding.

The SHACL machinery lives in :mod:`cyberflag.checks.shacl`; this module only turns its results
into the findings every layer reports, and owns the layer's line (:func:`summary`), which the
incremental check also writes when it reuses cached findings.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph

from cyberflag.checks.findings import ERROR, INFO, WARNING, Finding

LAYER = "shapes"

SHACL_SEVERITY = {"Violation": ERROR, "Warning": WARNING, "Info": INFO}
"""SHACL's severities as the report's."""


def summary() -> Finding:
    """The layer's line when nothing was found."""
    return Finding(LAYER, INFO, "data", "the data conforms to the SHACL shapes")


def check(
    data: Graph, ontology: Graph, shapes: Graph | None, only: Iterable[str] | None = None
) -> list[Finding]:
    """pySHACL over the data with the ontology; each result as a finding. ``only``: the findings
    of these nodes only (see :func:`cyberflag.checks.shacl.validator.validate_graph`)."""
    from cyberflag.checks.shacl import validator  # pySHACL is slow to import: only here

    report = validator.validate_graph(data, ontology=ontology, shapes=shapes, only=only)
    findings = [
        Finding(
            LAYER,
            SHACL_SEVERITY.get(r.severity, ERROR),
            r.focus,
            r.message,
            tuple(
                line
                for line in (
                    f"path: {r.path}" if r.path else "",
                    f"value: {r.value}" if r.value else "",
                    f"shape: {r.shape}",
                )
                if line
            ),
        )
        for r in report.results
    ]
    return findings or [summary()]


__all__ = ["LAYER", "SHACL_SEVERITY", "check", "summary"]
