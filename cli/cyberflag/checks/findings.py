"""What a check found: one type shared by every verification layer.

``cyberflag validate`` runs several layers (syntax, shapes, source anchoring, arithmetic,
consistency, vocabulary) and reports them together, in text or JSON. Each layer returns plain
:class:`Finding` values, so the report code never needs to know which layer produced what.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LAYERS = ("syntax", "shapes", "anchoring", "arithmetic", "consistency", "vocabulary")
"""The verification layers, in the order they run and are reported."""

ERROR = "error"
"""The data is wrong: ``validate`` exits 1."""
WARNING = "warning"
"""Worth a curator's look (an unexplained conflict, a figure that cannot be checked)."""
EXPLAINED = "explained"
"""A known conflict the data explains; shown, not counted against the data."""
INFO = "info"
"""A check that passed or could not apply, with its working shown."""

SEVERITIES = (ERROR, WARNING, EXPLAINED, INFO)


@dataclass(frozen=True, order=True)
class Finding:
    """One result of one check.

    ``focus`` is the node (IRI) or file the finding is about; ``detail`` holds the working (the
    sums, the two conflicting figures side by side, where a misplaced quote really occurs), one
    line each.
    """

    layer: str
    severity: str
    focus: str
    message: str
    detail: tuple[str, ...] = field(default=())
    file: str | None = None

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["detail"] = list(self.detail)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        """The finding :meth:`to_json` gave (the incremental cache stores findings so)."""
        return cls(**{**data, "detail": tuple(data["detail"])})


@dataclass
class CheckRun:
    """The findings of one run, and which layers ran: what the report prints, however the run
    was made (in full, or incrementally from a cache)."""

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


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Layer order, then severity order, then focus and message: stable, reviewable output."""
    return sorted(
        findings,
        key=lambda f: (
            LAYERS.index(f.layer),
            SEVERITIES.index(f.severity),
            f.focus,
            f.message,
            f.detail,
            f.file or "",
        ),
    )


__all__ = [
    "ERROR",
    "EXPLAINED",
    "INFO",
    "LAYERS",
    "SEVERITIES",
    "WARNING",
    "CheckRun",
    "Finding",
    "sort_findings",
]
