"""Which cases of the slow differential tests a default ``python -m pytest`` runs.

Why: a few tests compare two implementations case by case (every shape example on every engine,
every kind of edit on the incremental and the full path). Each case costs seconds, together most
of the suite's time, and a change that breaks the comparison almost always breaks many cases at
once. So a default run takes a deterministic sample of each such test's cases, and the sample
rotates from day to day, so that over a few days of CI every case runs:

* ``@pytest.mark.slow(keep=N, cover=("engine", ...))`` marks such a test. Its cases stand in a
  fixed order (a hash of each test id, the same on every machine), read as a circle; a default run
  keeps ``N`` consecutive cases starting at the day's offset, plus, for every value of each
  parameter named in ``cover`` (each member, when a value is a set), the next case with that
  value, so that every engine or layer still runs every day. The offset moves on by ``N`` a day,
  so every case runs at least once every ``ceil(cases / N)`` days (a random sample a day would
  leave some out for months). A test with ``N`` cases or fewer runs whole (so ``-k`` on a few cases
  runs them all).
* ``CYBERFLAG_TEST_SEED`` sets the seed (default: today's date, UTC): a date gives that day's
  offset, any other text one of its own. The header prints it, and so does the summary, so that a
  failing sample can be run again exactly.
* ``CYBERFLAG_TESTS=all`` runs every case.
* A case named on the command line by its full id (``tests/x.py::test_y[case]``) always runs.

The cases left out are deselected (pytest counts them as "deselected"), not skipped: a skip would
read as something missing.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pytest

ALL_ENV = "CYBERFLAG_TESTS"
SEED_ENV = "CYBERFLAG_TEST_SEED"
MARKER = "slow"


@dataclass
class Sample:
    """The run's choice: every case (``everything``) or a sample for ``seed``, and its counts."""

    everything: bool
    seed: str
    slow: int = 0
    """Cases of slow tests collected (after ``-k`` and friends)."""
    kept: int = 0
    """Of those, how many run."""
    functions: set[str] = field(default_factory=set)


SAMPLE = pytest.StashKey[Sample]()


def choose(environ: Mapping[str, str] | None = None) -> Sample:
    """What the environment asks for; a ``CYBERFLAG_TESTS`` other than ``all`` or ``sample`` is
    refused rather than read as "sample" (a typo must not quietly shrink a full run)."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    mode = env.get(ALL_ENV, "sample").strip().lower() or "sample"
    if mode not in ("all", "sample"):
        raise pytest.UsageError(f"{ALL_ENV} must be 'all' or 'sample', not {mode!r}")
    seed = env.get(SEED_ENV, "").strip() or datetime.datetime.now(datetime.UTC).date().isoformat()
    return Sample(everything=mode == "all", seed=seed)


def rank(nodeid: str) -> str:
    """A stable order of test ids, the same on every machine and Python, unrelated to their names
    (so that neighbouring days do not run neighbouring examples)."""
    return hashlib.sha256(nodeid.encode()).hexdigest()


def day(seed: str) -> int:
    """Which day's window a seed asks for: a date's day number, so that consecutive days take
    consecutive windows; for any other seed, a number from its hash."""
    try:
        return datetime.date.fromisoformat(seed).toordinal()
    except ValueError:
        return int(hashlib.sha256(seed.encode()).hexdigest()[:12], 16)


def labels(item: pytest.Item, cover: Sequence[str]) -> set[tuple[str, Hashable]]:
    """``(parameter, value)`` for each covered parameter of the case; a set-valued parameter (the
    layers an edit breaks) gives one label per member."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    found: set[tuple[str, Hashable]] = set()
    for name in cover:
        if name not in params:
            raise pytest.UsageError(f"{item.nodeid}: slow(cover=...) names no parameter {name!r}")
        value = params[name]
        members = value if isinstance(value, set | frozenset) else {value}
        found |= {(name, str(member)) for member in members}
    return found


def pick(items: Sequence[pytest.Item], seed: str, keep: int, cover: Sequence[str]) -> set[str]:
    """The ids of the cases of one test function that run: the day's window of ``keep`` cases in
    the fixed order, then, going on round the circle, a case for each covered value the window
    lacks."""
    ranked = sorted(items, key=lambda item: rank(item.nodeid))
    start = day(seed) * keep % len(ranked) if ranked else 0
    ranked = ranked[start:] + ranked[:start]
    chosen = ranked[:keep]
    covered = {label for item in chosen for label in labels(item, cover)}
    for item in ranked[keep:]:
        missing = labels(item, cover) - covered
        if missing:
            chosen.append(item)
            covered |= missing
    return {item.nodeid for item in chosen}


def named_cases(args: Iterable[str]) -> set[str]:
    """The arguments naming one case of a parametrized test (``file::test[case]``)."""
    return {arg.replace(os.sep, "/") for arg in args if "::" in arg and "[" in arg}


def is_named(nodeid: str, named: set[str]) -> bool:
    """Whether a command-line argument names this case, relative to the root, to the directory
    pytest ran in, or as an absolute path."""
    return any(
        nodeid == arg or nodeid.endswith("/" + arg) or arg.endswith("/" + nodeid) for arg in named
    )


def select(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the slow cases outside the sample (see the module docstring)."""
    sample = config.stash[SAMPLE]
    groups: dict[str, list[pytest.Item]] = {}
    for item in items:
        if item.get_closest_marker(MARKER) is not None:
            groups.setdefault(item.nodeid.split("[", 1)[0], []).append(item)
    sample.slow = sum(len(group) for group in groups.values())
    sample.functions = set(groups)
    if sample.everything:
        sample.kept = sample.slow
        return
    named = named_cases(config.invocation_params.args)
    kept: set[str] = set()
    for group in groups.values():
        marker = group[0].get_closest_marker(MARKER)
        assert marker is not None
        keep = int(marker.kwargs.get("keep", 1))
        if keep < 1:
            raise pytest.UsageError(f"{group[0].nodeid}: slow(keep=...) must be at least 1")
        kept |= pick(group, sample.seed, keep, tuple(marker.kwargs.get("cover", ())))
        kept |= {i.nodeid for i in group if is_named(i.nodeid, named)}
    sample.kept = len(kept)
    deselected = [i for i in items if i.nodeid.split("[", 1)[0] in groups and i.nodeid not in kept]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        dropped = {id(i) for i in deselected}
        items[:] = [i for i in items if id(i) not in dropped]


def header(sample: Sample) -> str:
    """The line under pytest's header: what runs, and how to repeat or widen it."""
    if sample.everything:
        return f"cyberflag: {ALL_ENV}=all, every case of the slow tests runs"
    return (
        f"cyberflag: a sample of the slow tests' cases, seed {sample.seed} "
        f"({SEED_ENV}={sample.seed} repeats it; {ALL_ENV}=all runs every case)"
    )


def summary(sample: Sample) -> str | None:
    """The closing line: how many slow cases were chosen, and the seed again (next to any
    failure, so that the sample can be repeated)."""
    if not sample.slow:
        return None
    tests = f"{len(sample.functions)} slow test{'s' if len(sample.functions) != 1 else ''}"
    if sample.everything:
        return f"cyberflag: all {sample.slow} cases of the {tests} selected ({ALL_ENV}=all)"
    return (
        f"cyberflag: {sample.kept} of {sample.slow} cases of the {tests} selected "
        f"(seed {sample.seed}); {SEED_ENV}={sample.seed} repeats this sample, "
        f"{ALL_ENV}=all selects every case"
    )
