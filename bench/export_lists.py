"""``cyberflag export`` of one long RDF list, this checkout against an earlier commit, side by side.

Why: the writers label blank nodes so that an export is byte-identical from run to run. rdflib's
canonicalisation, which did that for every graph, grows much faster than the graph: one list of
1,000 items took about 46 s to export in the four formats, and longer lists never finished
(issue #16 item 4). Each export runs as a fresh process (``python -m cyberflag``, so the same
interpreter and site-packages serve both trees) on a data folder holding one file with one list
of N string items (plus the shipped ontology, which ``export`` always adds), the two trees
interleaved format by format. A process still running after ``--timeout`` seconds is stopped and
reported as such; the earlier commit is then not run on longer lists in that format (it can only
be slower there).

Usage::

    python bench/export_lists.py [--before 1d59158] [--sizes 1000,10000,100000] [--timeout 120]
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
FORMATS = ("turtle", "trig", "nt", "nquads")


def export_tree(revision: str, into: Path) -> Path:
    """The tree of ``revision`` (code, data, ontology, queries), as ``git archive`` gives it."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True
    ).stdout
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def list_data(items: int, into: Path) -> Path:
    """A data folder with one file: one subject whose ``schema:keywords`` is a list of ``items``."""
    into.mkdir(parents=True)
    body = " ".join(f'"item {i}"' for i in range(items))
    (into / "list.ttl").write_text(
        f"<https://w3id.org/cyberflag/id/org/nspcc> <http://schema.org/keywords> ( {body} ) .\n",
        encoding="utf-8",
    )
    return into


def once(tree: Path, fmt: str, data: Path, timeout: float) -> float | None:
    """Seconds for one fresh process exporting ``data`` in ``fmt``; None if stopped at timeout."""
    env = {**os.environ, "PYTHONPATH": str(tree / "cli")}
    env.pop("CYBERFLAG_DATA", None)
    began = time.perf_counter()
    try:
        subprocess.run(
            [sys.executable, "-m", "cyberflag", "export", "--format", fmt, "--data", str(data)],
            env=env, cwd=tree, check=True, stdout=subprocess.DEVNULL, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - began


def ratio(before: float | None, now: float | None) -> str:
    if before is None or not now:
        return "-"
    return f"{before / now:.1f}x" if before / now < 10 else f"{before / now:.0f}x"


def shown(seconds: float | None, timeout: float) -> str:
    if seconds is None:
        return f"> {timeout:.0f} s (stopped)"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default="1d59158", help="the earlier commit")
    parser.add_argument("--sizes", default="1000,10000,100000", help="list lengths")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per process")
    parser.add_argument("--runs", type=int, default=1, help="runs per cell (median)")
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    stopped: set[str] = set()  # formats the earlier commit could not finish
    with tempfile.TemporaryDirectory() as work:
        before = export_tree(options.before, Path(work) / "before")
        trees = {f"before ({options.before})": before, "now": ROOT}
        print(f"| list items | format | {' | '.join(trees)} | before / now |")
        print("| ---: | --- | ---: | ---: | ---: |")
        for size in sizes:
            data = list_data(size, Path(work) / f"list-{size}")
            totals: dict[str, float | None] = dict.fromkeys(trees, 0.0)
            for fmt in FORMATS:
                cells: dict[str, float | None] = {}
                for name, tree in trees.items():
                    if tree is before and fmt in stopped:
                        cells[name] = None
                        continue
                    runs = [once(tree, fmt, data, options.timeout) for _ in range(options.runs)]
                    done = [r for r in runs if r is not None]
                    cells[name] = statistics.median(done) if len(done) == len(runs) else None
                    if cells[name] is None and tree is before:
                        stopped.add(fmt)
                for name, seconds in cells.items():
                    total = totals[name]
                    totals[name] = None if seconds is None or total is None else total + seconds
                text = " | ".join(shown(s, options.timeout) for s in cells.values())
                print(f"| {size:,} | {fmt} | {text} | {ratio(*cells.values())} |", flush=True)
            text = " | ".join(
                shown(s, options.timeout) if s is not None else "-" for s in totals.values()
            )
            print(f"| {size:,} | all four | {text} | {ratio(*totals.values())} |", flush=True)


if __name__ == "__main__":
    main()
