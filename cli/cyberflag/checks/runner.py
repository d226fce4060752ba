"""``cyberflag validate``'s entry point: a full run of the layers, or an incremental one.

The full run (:mod:`cyberflag.checks.full`) and the incremental one
(:mod:`cyberflag.checks.incremental.driver`, which reuses the full run's layers) are separate
modules; this one only chooses between them, so imports flow one way: runner → driver → full.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from cyberflag.checks.findings import LAYERS, CheckRun
from cyberflag.checks.full import full_run


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
    note: Callable[[str], None] | None = None,
) -> CheckRun:
    """Run the chosen ``layers`` over ``data_dir`` (default: the shipped data).

    With ``incremental`` (and every layer chosen) the findings of the last run are reused for
    everything a change cannot have affected (:mod:`cyberflag.checks.incremental.driver`, cached
    under the index folder ``store``); the result is the same as a full run's. ``full`` then
    checks everything but still writes the cache, so that the next run can be incremental; it
    runs in ``jobs`` worker processes (:mod:`cyberflag.checks.incremental.parallel`). ``note``
    is told, one line at a time, what the person running the check should know about how it ran
    (a full run where an incremental one was expected, and why).

    Raises :class:`~cyberflag.errors.InputError` only when the check cannot run at all (no data
    directory, no ontology); everything wrong *in* the data is a finding.
    """
    if incremental and set(LAYERS) <= set(layers):
        from cyberflag.checks.incremental import driver  # its cache and workers: only here

        outcome = driver.run(
            data_dir,
            ontology_path=ontology_path,
            shapes_path=shapes_path,
            query_dir=query_dir,
            store=store,
            full=full,
            jobs=jobs,
        )
        if note is not None:
            for line in outcome.notes:
                note(line)
        return outcome.result
    return full_run(
        data_dir,
        layers=layers,
        ontology_path=ontology_path,
        shapes_path=shapes_path,
        query_dir=query_dir,
    ).result


__all__ = ["CheckRun", "run"]
