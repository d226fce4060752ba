"""How long ``cyberflag add`` takes on a 1,000-word article: on the shipped data, and with a large
graph behind it (a synthetic corpus, its query index built beforehand as a user's would be).

Why: adding the next article must stay interactive (issue #12: under 2 s on the shipped data,
under 5 s with a 1M-triple graph). Each run is a fresh ``cyberflag`` process, as a curator runs
it; after each run the data folder is put back as it was (the new files removed, the manifest
and ``entities.ttl`` restored), so every run adds the same article to the same graph.

The article is made of the shipped sources' bodies, paragraph by paragraph, until it has 1,000
words, under a headline and a dateline of its own: a page of the genre, with its quotes and
figures, that the graph does not hold yet.

Usage: ``python bench/add_speed.py [--corpus DIR --store DIR] [--runs 5]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def page(words: int = 1000) -> str:
    """A 1,000-word page from the shipped bodies."""
    manifest = json.loads((DATA / "sources" / "manifest.json").read_text(encoding="utf-8"))
    paragraphs: list[str] = []
    count = 0
    for entry in manifest["sources"]:
        text = (DATA / "sources" / entry["file"]).read_text(encoding="utf-8")
        body = text[entry["body_start"] : entry["body_end"]]
        for paragraph in body.split("\n"):
            if len(paragraph.split()) >= 8 and count < words:
                paragraphs.append(paragraph.strip())
                count += len(paragraph.split())
    head = "Benchmark Gazette | News\n\n3 June 2021\n\nCharities warn of rise in online abuse\n\n"
    return head + "\n\n".join(paragraphs) + "\n\nCopyright © 2021 Benchmark Gazette\n"


def timed_add(article: Path, data: Path, store: Path | None, runs: int) -> list[float]:
    """Seconds per run of ``cyberflag add``, the data folder restored after each."""
    manifest = data / "sources" / "manifest.json"
    entities = data / "entities.ttl"
    saved = manifest.read_bytes(), entities.read_bytes()
    env = {**os.environ, **({"CYBERFLAG_STORE": str(store)} if store else {})}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "cyberflag", "add", str(article), "--data", str(data),
             "--slug", "bench-article"],
            capture_output=True, text=True, env=env, check=False,
        )
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"add failed: {done.stderr.strip()}")
        (data / "sources" / "bench-article.txt").unlink()
        (data / "articles" / "bench-article.ttl").unlink()
        manifest.write_bytes(saved[0])
        entities.write_bytes(saved[1])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="a large data folder (bench/generate.py)")
    parser.add_argument("--store", type=Path, help="its query index (cyberflag index --store)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        article = Path(tmp) / "article.txt"
        article.write_text(page(), encoding="utf-8")
        print(f"article: {len(article.read_text(encoding='utf-8').split())} words")
        shipped = Path(tmp) / "data"
        shutil.copytree(DATA, shipped)
        rows = [("shipped data", timed_add(article, shipped, None, args.runs))]
        if args.corpus:
            times = timed_add(article, args.corpus, args.store, args.runs)
            rows.append((f"{args.corpus.name} (indexed)", times))
    print("| graph behind it | median | min | max | runs |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, times in rows:
        print(f"| {name} | {statistics.median(times):.2f} s | {min(times):.2f} s "
              f"| {max(times):.2f} s | {len(times)} |")


if __name__ == "__main__":
    main()
