"""The validation report: every layer's verdict, then each finding with what to do about it.

A curator reads it top to bottom: one line per layer (passed, failed, skipped), then the findings
grouped by layer, each naming the node or file, the message and the working behind it (the sums,
the two figures side by side, where a misplaced quote really is). ``--format json`` gives the same
content for machines.
"""

from __future__ import annotations

import json
from collections import Counter

from cyberflag.checks.findings import ERROR, EXPLAINED, INFO, LAYERS, WARNING, CheckRun, Finding
from cyberflag.text.iri import PROJECT_PREFIXES, ordered, short_iri
from cyberflag.text.width import wrap

_PROJECT = ordered(PROJECT_PREFIXES)


def short(iri: str) -> str:
    """A readable name for the project's own IRIs (``cfd:observation/x``, ``cf:value``); other
    IRIs stay whole, without brackets."""
    return short_iri(iri, _PROJECT, brackets=False)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def layer_summary(run: CheckRun, layer: str) -> str:
    """What the layer's findings come to, in a few words."""
    counts = Counter(f.severity for f in run.findings if f.layer == layer)
    if layer not in run.layers:
        return "not run"
    parts = []
    if counts[ERROR]:
        parts.append(_plural(counts[ERROR], "error"))
    if counts[WARNING]:
        parts.append(_plural(counts[WARNING], "warning"))
    if counts[EXPLAINED]:
        parts.append(_plural(counts[EXPLAINED], "explained conflict"))
    passes = [f for f in run.findings if f.layer == layer and f.severity == INFO]
    if not parts and len(passes) == 1:
        return passes[0].message
    if not parts:
        checked = sum(1 for f in passes if "not checkable" not in f.message)
        unchecked = len(passes) - checked
        return f"{checked} checked, {unchecked} not checkable"
    return ", ".join(parts)


def _is_layer_summary(finding: Finding, run: CheckRun) -> bool:
    """A lone pass line is already shown as the layer's summary; don't repeat it."""
    same = [f for f in run.findings if f.layer == finding.layer]
    return finding.severity == INFO and len(same) == 1


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """``text`` wrapped to ``width`` (0: never), first line prefixed ``first``, others ``rest``."""
    if width <= 0:
        return [first + text]
    return wrap(text, width, initial=first, subsequent=rest, cut_long=False) or [first]


def format_text(
    run: CheckRun, where: str, width: int = 100, command: str = "validate", ran_only: bool = False,
    drafts: dict[str, int] | None = None,
) -> str:
    """The report for people, wrapped to ``width`` columns (0: no wrapping). ``ran_only`` leaves
    out the layers that were not run (``conflicts`` runs one layer: five "skipped" rows say
    nothing there, where ``validate --layer`` shows them so that a partial check is visible)."""
    lines = [f"cyberflag {command}: {where} ({_plural(run.files, 'data file')})", ""]
    for layer in LAYERS:
        if ran_only and run.status(layer) == "skipped":
            continue
        head = f"  {layer:<12} {run.status(layer):<21} "
        lines += _wrap(layer_summary(run, layer), width, head, " " * len(head))
    shown = [f for f in run.findings if not _is_layer_summary(f, run)]
    current = None
    for f in shown:
        if f.layer != current:
            current = f.layer
            lines += ["", f"{f.layer}:"]
        where_file = f" ({f.file})" if f.file and f.file != f.focus else ""
        # The node and its file: wrapped between them when too long, an IRI never cut.
        lines += _wrap(f"[{f.severity}] {short(f.focus)}{where_file}", width, "  ", "    ")
        lines += _wrap(f.message, width, "      ", "      ")
        for line in f.detail:
            lines += _wrap(line, width, "      - ", "        ")
    if drafts:  # rule 15: drafts are counted and listed, not errors
        total = sum(drafts.values())
        lines += ["", f"drafts: {total} awaiting review (cyberflag review lists them)"]
        lines += [f"  {file}  {count}" for file, count in sorted(drafts.items())]
    counts = Counter(f.severity for f in run.findings)
    lines += [
        "",
        f"{'OK' if run.ok else 'FAILED'}: {_plural(counts[ERROR], 'error')}, "
        f"{_plural(counts[WARNING], 'warning')}, "
        f"{_plural(counts[EXPLAINED], 'explained conflict')}.",
    ]
    return "\n".join(lines) + "\n"


def format_json(run: CheckRun, where: str, drafts: dict[str, int] | None = None) -> str:
    payload = {
        "data": where,
        "ok": run.ok,
        "layers": [
            {
                "layer": layer,
                "status": run.status(layer),
                "errors": run.count(layer, ERROR),
                "warnings": run.count(layer, WARNING),
                "explained": run.count(layer, EXPLAINED),
            }
            for layer in LAYERS
        ],
        "findings": [f.to_json() for f in run.findings],
        "drafts": drafts or {},
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


__all__ = ["format_json", "format_text", "layer_summary", "short"]
