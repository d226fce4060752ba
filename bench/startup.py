"""Start-up of the query commands, this checkout against an earlier commit, side by side.

Why: a person types ``cyberflag who-said --person Bailey`` and waits; on the shipped data nearly
all of that wait is Python starting and importing. A restructuring of the package must not make it
longer (issue #11). Each command runs as a fresh process (``python -m cyberflag``, so the same
interpreter and site-packages serve both trees), the two trees interleaved run by run so that the
machine's load affects them alike; the median of ``--runs`` runs is reported, with the ratio.

Usage::

    python bench/startup.py [--before 640652d] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = {
    "who-said --person Bailey": ["who-said", "--person", "Bailey"],
    "query articles": ["query", "articles", "--format", "csv"],
    "-h": ["-h"],
}


def export(revision: str, into: Path) -> Path:
    """The tree of ``revision`` (code, data, ontology, queries), as ``git archive`` gives it."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def once(tree: Path, args: list[str]) -> float:
    """Seconds for one fresh process running ``cyberflag args`` from ``tree``'s source."""
    env = {**os.environ, "PYTHONPATH": str(tree / "cli"), "COLUMNS": "100"}
    env.pop("CYBERFLAG_DATA", None)
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cyberflag", *args], env=env, cwd=tree, check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default="640652d", help="the earlier commit")
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        before = export(options.before, Path(work))
        trees = {f"before ({options.before})": before, "now": ROOT}
        print(f"| command | {' | '.join(trees)} | now / before |")
        print("| --- | ---: | ---: | ---: |")
        for label, args in COMMANDS.items():
            for tree in trees.values():  # warm the file cache and the bytecode caches
                once(tree, args)
            times: dict[str, list[float]] = {name: [] for name in trees}
            for _ in range(options.runs):
                for name, tree in trees.items():
                    times[name].append(once(tree, args))
            medians = [statistics.median(t) for t in times.values()]
            cells = " | ".join(f"{m * 1000:.0f} ms" for m in medians)
            print(f"| `{label}` | {cells} | {medians[1] / medians[0]:.2f} |")


if __name__ == "__main__":
    main()
