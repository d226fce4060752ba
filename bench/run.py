"""The scale benchmark: cyberflag's commands on synthetic corpora of growing size, side by side
with the same work done directly on the engines underneath.

Why: users will add every year's figures and every outlet's coverage, and teams load far larger
corpora; the commands must stay interactive as the graph grows a thousandfold. This measures where
they stand, and how far that is from what the engines themselves can do.

For each size (``--sizes 10k,100k,1M``) it generates a corpus (``bench/generate.py``, seed 0) and
times whole processes, each started afresh (a cold process; the operating system's file cache is
left warm, as it is for a user running commands one after another), taking the median of
``--runs`` runs, the variants of one measurement interleaved run by run so that the machine's
load affects them alike:

* ``cyberflag index --rebuild``, and pyoxigraph's bulk load of the same files alone;
* ``cyberflag who-said --person "Speaker 0001"`` (table), ``cyberflag query who-said-what`` and
  ``cyberflag query statistics-timeline`` (CSV), each against: the same query texts run by a
  process that only opens the same on-disk store with pyoxigraph and writes CSV (our overhead);
  a process that parses the Turtle with rdflib and runs them (what a user would write by hand;
  parse and query timed apart); and a process sending them over HTTP to ``oxigraph
  serve-read-only`` on the same store (server started beforehand, not timed);
* ``cyberflag validate --full``, and ``cyberflag validate`` after one article changed;
* the peak memory (maximum resident set) of every process.

rdflib and full validation take minutes on the largest corpus, so they run ``--heavy-runs`` times
(default 1) from 500,000 triples on. Anything over ``--timeout`` seconds is stopped and reported
as such. Writes ``results.json`` (every sample) and ``results.md`` (the tables) to ``--out``
(default: ``bench/``).

Usage::

    python bench/run.py --sizes 10k,100k,1M [--runs 3] [--work DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT / "cli") not in sys.path:
    sys.path.insert(0, str(ROOT / "cli"))

PERSON = "Speaker 0001"
"""A speaker every corpus size has (the smallest has 10 people)."""
EDITED = "articles/synthetic-article-000003.ttl"
HEAVY_FROM = 500_000


# --- children: the baselines, each a whole process ----------------------------------------------


def child_pyoxigraph(args: list[str]) -> None:
    """Open the on-disk store read-only and run each query file in turn, CSV to stdout."""
    import pyoxigraph as ox

    build, *query_files = args
    store = ox.Store.read_only(build)
    out = sys.stdout.buffer
    for path in query_files:
        text = Path(path).read_text(encoding="utf-8")
        results = store.query(text, use_default_graph_as_union=True)
        results.serialize(out, ox.QueryResultsFormat.CSV)  # type: ignore[union-attr]


def child_bulk_load(args: list[str]) -> None:
    """pyoxigraph alone: parse every file and bulk-load it into a new on-disk store."""
    import pyoxigraph as ox

    from cyberflag.index import sources as index_sources
    from cyberflag.rdf import resources

    data, target = args
    store = ox.Store(target)
    found = index_sources.sources(Path(data), resources.ontology_path())
    store.bulk_extend(index_sources.quads(found))
    store.flush()


def child_http(args: list[str]) -> None:
    """POST each query file to a SPARQL endpoint, CSV results to stdout."""
    url, *query_files = args
    for path in query_files:
        request = urllib.request.Request(
            url,
            data=Path(path).read_bytes(),
            headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        )
        with urllib.request.urlopen(request, timeout=3600) as response:
            shutil.copyfileobj(response, sys.stdout.buffer)


def child_rdflib(args: list[str]) -> None:
    """Parse every Turtle file with rdflib into its named graph, then run each group of query
    files; one JSON line of timings per step to the report file (so a timeout keeps the rest)."""
    from rdflib import Dataset, URIRef

    from cyberflag.index import sources as index_sources
    from cyberflag.rdf import resources

    report, data, *groups = args

    def note(step: str, seconds: float) -> None:
        with open(report, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"step": step, "seconds": seconds}) + "\n")

    began = time.perf_counter()
    dataset = Dataset(default_union=True)
    for source in index_sources.sources(Path(data), resources.ontology_path()):
        dataset.graph(URIRef(source.graph)).parse(source.path, format="turtle")
    note("parse", time.perf_counter() - began)
    for group in groups:
        name, _, files = group.partition("=")
        began = time.perf_counter()
        for path in files.split(","):
            result = dataset.query(Path(path).read_text(encoding="utf-8"))
            sys.stdout.buffer.write(result.serialize(format="csv") or b"")
        note(name, time.perf_counter() - began)


CHILDREN = {
    "pyoxigraph": child_pyoxigraph,
    "bulk-load": child_bulk_load,
    "http": child_http,
    "rdflib": child_rdflib,
}


# --- timing whole processes -----------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    peak_mb: float
    code: int
    timed_out: bool = False


GNU_TIME = shutil.which("time") if Path("/usr/bin/time").exists() else None
"""GNU time reports a child's peak memory without counting ours: ``wait4``'s figure for a direct
child includes the memory of this (large) process, which the child shares until it starts the
command."""


def session_rss_kb(session: int) -> float:
    """The resident memory of every process in ``session``, together (kB): a command that starts
    worker processes uses the memory of all of them at once."""
    page_kb = os.sysconf("SC_PAGE_SIZE") / 1024
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[3]) == session:  # state ppid pgrp session ... rss is the 22nd after ")"
            total += int(fields[21]) * page_kb
    return total


class TreeMemory:
    """Samples :func:`session_rss_kb` every 50 ms while a command runs; keeps the highest."""

    def __init__(self, session: int) -> None:
        self.session = session
        self.peak_kb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak_kb = max(self.peak_kb, session_rss_kb(self.session))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_kb


def run_process(cmd: list[str], env: dict[str, str], timeout: float) -> Sample:
    """Start ``cmd``, wait for it, and return its wall time and peak memory: the larger of the
    maximum resident set size of its largest process (GNU time when present, else ``wait4``) and
    the most that all its processes held at once (sampled, for commands with worker processes)."""
    report = None
    if GNU_TIME:
        handle, name = tempfile.mkstemp(suffix=".time")
        os.close(handle)
        report = Path(name)
        cmd = [GNU_TIME, "-f", "%M", "-o", str(report), *cmd]
    began = time.perf_counter()
    process = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True
    )
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        os.killpg(process.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, stop)
    timer.start()
    tree = TreeMemory(process.pid)  # start_new_session: the session is the command's pid
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
        tree_kb = tree.stop()
    seconds = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    peak_kb = float(usage.ru_maxrss)
    if report is not None:
        text = report.read_text(encoding="utf-8").strip().splitlines()
        report.unlink(missing_ok=True)
        if text and text[-1].isdigit():
            peak_kb = float(text[-1])
    peak_kb = max(peak_kb, tree_kb)
    if process.returncode not in (0, 1) and not timed_out.is_set():
        raise RuntimeError(f"{' '.join(cmd)} failed ({process.returncode}):\n{error[-2000:]}")
    return Sample(seconds, peak_kb / 1024, process.returncode, timed_out.is_set())


def command_env(**extra: str) -> dict[str, str]:
    """The environment of a timed command: this checkout's package first, and none of the
    user's ``CYBERFLAG_*`` settings (a store or data folder of their own would change the work)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERFLAG_")}
    env["PYTHONPATH"] = str(ROOT / "cli") + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


@dataclass
class Measure:
    """The samples of one measurement at one size."""

    samples: list[Sample] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        done = [s.seconds for s in self.samples if not s.timed_out]
        return statistics.median(done) if done else None

    @property
    def peak_mb(self) -> float | None:
        return max((s.peak_mb for s in self.samples), default=None)

    @property
    def timed_out(self) -> bool:
        return any(s.timed_out for s in self.samples)


# --- one size -------------------------------------------------------------------------------------


class Bench:
    def __init__(
        self, work: Path, runs: int, heavy_runs: int, timeout: float, rdflib_timeout: float
    ) -> None:
        self.work = work
        self.runs = runs
        self.heavy_runs = heavy_runs
        self.timeout = timeout
        self.rdflib_timeout = rdflib_timeout
        self.results: dict[str, dict[str, Any]] = {}
        self.python = sys.executable
        self.cyberflag = [self.python, "-m", "cyberflag"]

    def env(self, **extra: str) -> dict[str, str]:
        return command_env(**extra)

    def child(self, name: str, *args: str) -> list[str]:
        return [self.python, str(Path(__file__).resolve()), "--child", name, *args]

    def log(self, text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    def measure(
        self,
        size: str,
        variants: dict[str, list[str]],
        runs: int,
        env: dict[str, str] | None = None,
    ) -> None:
        """Time each variant ``runs`` times, interleaved."""
        measures = {name: Measure() for name in variants}
        for _ in range(runs):
            for name, cmd in variants.items():
                if measures[name].timed_out:
                    continue
                sample = run_process(cmd, env or self.env(), self.timeout)
                measures[name].samples.append(sample)
                self.log(f"{size} {name}: {sample.seconds:.2f} s, {sample.peak_mb:.0f} MB"
                         + (" (timed out)" if sample.timed_out else ""))
        for name, measure in measures.items():
            self.results[size][name] = {
                "median_s": measure.median,
                "peak_mb": measure.peak_mb,
                "timed_out": measure.timed_out,
                "samples": [s.__dict__ for s in measure.samples],
            }

    def size(self, label: str, triples_wanted: int) -> None:
        sys.path.insert(0, str(BENCH))
        import generate  # bench/generate.py
        from cyberflag.index import opening
        from cyberflag.index import sources as index_sources
        from cyberflag.queries import catalogue, header
        from cyberflag.queries.who_said import SPEAKERS
        from cyberflag.rdf import resources
        from cyberflag.server.serve import find_oxigraph, free_port

        results = self.results.setdefault(label, {})
        data = self.work / f"corpus-{label}"
        store = self.work / f"store-{label}"
        if not (data / "entities.ttl").is_file():
            shutil.rmtree(data, ignore_errors=True)
            written = generate.generate(data, generate.articles_for(triples_wanted), seed=0)
            results["generate_s"] = written.seconds
            self.log(f"{label}: generated {written.triples:,} triples in {written.seconds:.1f} s")
        heavy = self.heavy_runs
        opened = opening.open_store(data, store=store, mode="disk")
        results["triples"] = opened.triples
        results["files"] = opened.files
        heavy_runs = heavy if opened.triples >= HEAVY_FROM else self.runs
        opened.close()
        turtle_bytes = sum(s.size for s in index_sources.sources(data, resources.ontology_path()))
        results["turtle_mb"] = turtle_bytes / 1e6
        results["query_mode"] = "memory" if turtle_bytes < opening.IN_MEMORY_MAX_BYTES else "disk"
        data_args = ["--data", str(data), "--store", str(store)]

        # 1. building the index
        self.measure(label, {
            "index_build": [*self.cyberflag, "index", "--rebuild", *data_args],
            "pyoxigraph_bulk_load": self.child("bulk-load", str(data), str(self.work / "bulk")),
        }, self.runs)
        shutil.rmtree(self.work / "bulk", ignore_errors=True)
        opened = opening.open_store(data, store=store, mode="disk")
        build = str(opened.path)
        engine_store = opened.store

        # 2. the query texts, bound exactly as the commands bind them
        speaker_query = header.parse_query(SPEAKERS.read_text(encoding="utf-8"), "speakers")
        speakers = speaker_query.bind({"person": [PERSON]})
        iris = [str(r["speaker"].value) for r in engine_store.query(
            speakers, use_default_graph_as_union=True)]
        opened.close()
        texts = {
            "speakers": speakers,
            "who_person": catalogue.load("who-said-what").bind(
                {"person": [PERSON], "speaker": iris}
            ),
            "who_all": catalogue.load("who-said-what").bind({}),
            "timeline": catalogue.load("statistics-timeline").bind({}),
        }
        files = {}
        for name, text in texts.items():
            files[name] = self.work / f"{label}-{name}.rq"
            files[name].write_text(text, encoding="utf-8")
        groups = {  # rdflib runs them in this order: the slowest last, for --rdflib-timeout
            "who_person": [str(files["speakers"]), str(files["who_person"])],
            "timeline": [str(files["timeline"])],
            "who_all": [str(files["who_all"])],
        }
        commands = {
            "who_person": [*self.cyberflag, "who-said", "--person", PERSON, *data_args],
            "who_all": [*self.cyberflag, "query", "who-said-what", "--format", "csv", *data_args],
            "timeline": [*self.cyberflag, "query", "statistics-timeline", "--format", "csv",
                         *data_args],
        }

        # 3. the queries: cyberflag, pyoxigraph alone, HTTP
        port = free_port()
        server = subprocess.Popen(
            [str(find_oxigraph()), "serve-read-only", "--location", build, "--bind",
             f"127.0.0.1:{port}", "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}/query"
        try:
            for _ in range(400):
                try:
                    urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1)
                    break
                except OSError:
                    time.sleep(0.05)
            for name, cmd in commands.items():
                self.measure(label, {
                    f"{name}_cyberflag": cmd,
                    f"{name}_pyoxigraph": self.child("pyoxigraph", build, *groups[name]),
                    f"{name}_http": self.child("http", url, *groups[name]),
                }, self.runs)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()

        # 4. rdflib: parse, then every query (timed apart inside the process)
        steps: list[dict[str, Any]] = []
        for _ in range(heavy_runs):
            report = self.work / f"{label}-rdflib.jsonl"
            report.unlink(missing_ok=True)
            sample = run_process(
                self.child("rdflib", str(report), str(data),
                           *(f"{name}={','.join(paths)}" for name, paths in groups.items())),
                self.env(), self.rdflib_timeout,
            )
            lines = report.read_text(encoding="utf-8").splitlines() if report.exists() else []
            timings = [json.loads(line) for line in lines]
            steps.append({"sample": sample.__dict__,
                          "steps": {x["step"]: x["seconds"] for x in timings}})
            self.log(f"{label} rdflib: {sample.seconds:.1f} s, {sample.peak_mb:.0f} MB, "
                     f"steps {steps[-1]['steps']}" + (" (timed out)" if sample.timed_out else ""))
        results["rdflib"] = {
            "runs": steps,
            "peak_mb": max(s["sample"]["peak_mb"] for s in steps),
            "timed_out": any(s["sample"]["timed_out"] for s in steps),
            "median_s": {
                step: statistics.median(s["steps"][step] for s in steps if step in s["steps"])
                for step in ("parse", *groups)
                if any(step in s["steps"] for s in steps)
            },
        }

        # 5. validation: full, then after one article changed (edited, then changed back). The
        # edit misquotes a span, so a run after it must fail (exit 1, an anchoring error) and a
        # run after changing it back must pass (exit 0): anything else means a wrong result.
        self.measure(label, {
            "validate_full": [*self.cyberflag, "validate", "--full", "--format", "json",
                              *data_args],
        }, heavy_runs)
        edited = data / EDITED
        original = edited.read_text(encoding="utf-8")
        samples = Measure()
        for attempt in range(self.runs):
            changed = original.replace("placeholder remark", "placeholder remarks", 1)
            edited.write_text(changed if attempt % 2 == 0 else original, encoding="utf-8")
            sample = run_process(
                [*self.cyberflag, "validate", "--format", "json", *data_args], self.env(),
                self.timeout,
            )
            samples.samples.append(sample)
            self.log(f"{label} validate after one change: {sample.seconds:.2f} s, "
                     f"{sample.peak_mb:.0f} MB, exit {sample.code}")
            expected = 1 if attempt % 2 == 0 else 0
            if sample.code != expected and not sample.timed_out:
                raise RuntimeError(
                    f"{label}: validate after {'the edit' if expected else 'changing back'} "
                    f"exited {sample.code}, not {expected}"
                )
        edited.write_text(original, encoding="utf-8")
        results["validate_incremental"] = {
            "median_s": samples.median, "peak_mb": samples.peak_mb,
            "timed_out": samples.timed_out, "samples": [s.__dict__ for s in samples.samples],
            "incremental": results["query_mode"] == "disk",
        }


# --- the tables -----------------------------------------------------------------------------------


def fmt_s(value: float | None, timed_out: bool = False, timeout: float = 0) -> str:
    if value is None:
        return f"> {timeout:.0f} s (stopped)" if timed_out else "-"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.1f} s" if value < 100 else f"{value:.0f} s"


def fmt_x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def tables(results: dict[str, dict[str, Any]], timeout: float) -> str:
    sizes = list(results)

    def get(size: str, key: str) -> float | None:
        entry = results[size].get(key)
        return entry.get("median_s") if isinstance(entry, dict) else None

    def cell(size: str, key: str) -> str:
        entry = results[size].get(key, {})
        return fmt_s(entry.get("median_s"), entry.get("timed_out", False), timeout)

    def rd(size: str, step: str) -> float | None:
        return results[size].get("rdflib", {}).get("median_s", {}).get(step)

    def rd_cell(size: str, step: str, plus_parse: bool = False) -> str:
        """rdflib's time, or for the step it was stopped in a lower bound."""
        value = rd(size, step)
        if value is not None:
            return fmt_s(value + (rd(size, "parse") or 0) if plus_parse else value)
        runs = results[size].get("rdflib", {}).get("runs", [])
        stopped = [r for r in runs if r["sample"]["timed_out"]]
        if not stopped:
            return "-"
        run = stopped[0]
        order = ["parse", "who_person", "timeline", "who_all"]
        missing = [k for k in order if k not in run["steps"]]
        if not missing or missing[0] != step:
            return "not run (stopped earlier)"
        spent = run["sample"]["seconds"] - sum(run["steps"].values())
        if plus_parse:
            spent += run["steps"].get("parse", 0)
        return f"> {spent:.0f} s (stopped)"

    def growth(values: list[float | None]) -> list[str]:
        return [
            fmt_x(b / a) if a and b else "-" for a, b in itertools.pairwise(values)
        ]

    head = ["measurement", *sizes, *(f"growth {a}→{b}" for a, b in itertools.pairwise(sizes))]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def row(name: str, values: list[float | None], cells: list[str] | None = None) -> None:
        shown = cells if cells is not None else [fmt_s(v) for v in values]
        lines.append("| " + " | ".join([name, *shown, *growth(values)]) + " |")

    lines.append("| triples | " + " | ".join(f"{results[s]['triples']:,}" for s in sizes)
                 + " |" + " |" * (len(sizes) - 1))
    lines.append("| Turtle files (MB) | " + " | ".join(
        f"{results[s]['files']:,} ({results[s]['turtle_mb']:.1f})" for s in sizes)
        + " |" + " |" * (len(sizes) - 1))
    lines.append("| query commands read | " + " | ".join(
        "memory" if results[s]["query_mode"] == "memory" else "on-disk index" for s in sizes)
        + " |" + " |" * (len(sizes) - 1))
    row("`cyberflag index --rebuild`", [get(s, "index_build") for s in sizes])
    row("pyoxigraph bulk load alone", [get(s, "pyoxigraph_bulk_load") for s in sizes])
    for key, title in (
        ("who_person", f'`who-said --person "{PERSON}"`'),
        ("who_all", "`query who-said-what` (all rows, CSV)"),
        ("timeline", "`query statistics-timeline` (CSV)"),
    ):
        row(f"{title}: cyberflag", [get(s, f"{key}_cyberflag") for s in sizes],
            [cell(s, f"{key}_cyberflag") for s in sizes])
        row("  same queries, pyoxigraph on the same store",
            [get(s, f"{key}_pyoxigraph") for s in sizes])
        row("  same queries over HTTP (oxigraph serve-read-only)",
            [get(s, f"{key}_http") for s in sizes])
        row("  rdflib, query only (after parsing)", [rd(s, key) for s in sizes],
            [rd_cell(s, key) for s in sizes])
        row("  rdflib, parse + query",
            [(rd(s, "parse") or 0) + rd(s, key) if rd(s, key) is not None else None
             for s in sizes],
            [rd_cell(s, key, plus_parse=True) for s in sizes])
    row("rdflib parse (all files)", [rd(s, "parse") for s in sizes])
    row("`validate --full`", [get(s, "validate_full") for s in sizes],
        [cell(s, "validate_full") for s in sizes])
    row("`validate` after one article changed", [get(s, "validate_incremental") for s in sizes],
        [cell(s, "validate_incremental")
         + ("" if results[s]["validate_incremental"].get("incremental") else " (full: small data)")
         for s in sizes])

    ratio_lines = ["", "| ratio | " + " | ".join(sizes) + " |", "|" + "---|" * (len(sizes) + 1)]

    def ratio(name: str, top: str, bottom: str) -> None:
        cells = []
        for s in sizes:
            a, b = get(s, top), get(s, bottom)
            cells.append(fmt_x(a / b) if a and b else "-")
        ratio_lines.append("| " + " | ".join([name, *cells]) + " |")

    for key, title in (("who_person", "who-said --person"), ("who_all", "who-said-what, all"),
                       ("timeline", "statistics-timeline")):
        ratio(f"{title}: cyberflag / pyoxigraph", f"{key}_cyberflag", f"{key}_pyoxigraph")
        ratio(f"{title}: HTTP / cyberflag", f"{key}_http", f"{key}_cyberflag")
    for key, title in (("who_person", "who-said --person"), ("who_all", "who-said-what, all"),
                       ("timeline", "statistics-timeline")):
        cells = []
        for s in sizes:
            a, b = rd(s, key), get(s, f"{key}_cyberflag")
            cells.append(fmt_x(((rd(s, "parse") or 0) + a) / b) if a is not None and b else "-")
        ratio_lines.append(f"| {title}: rdflib parse + query / cyberflag | " + " | ".join(cells)
                           + " |")
    ratio(
        "index build: cyberflag / pyoxigraph bulk load", "index_build", "pyoxigraph_bulk_load"
    )
    ratio("validate: full / after one change", "validate_full", "validate_incremental")

    memory_lines = ["", "| peak memory (MB) | " + " | ".join(sizes) + " |",
                    "|" + "---|" * (len(sizes) + 1)]
    for key, title in (
        ("index_build", "cyberflag index --rebuild"),
        ("who_person_cyberflag", "cyberflag who-said --person"),
        ("who_all_cyberflag", "cyberflag query who-said-what"),
        ("timeline_cyberflag", "cyberflag query statistics-timeline"),
        ("validate_full", "cyberflag validate --full"),
        ("validate_incremental", "cyberflag validate (one article changed)"),
        ("pyoxigraph_bulk_load", "pyoxigraph bulk load"),
        ("rdflib", "rdflib parse + queries"),
    ):
        cells = []
        for s in sizes:
            peak = results[s].get(key, {}).get("peak_mb")
            cells.append(f"{peak:,.0f}" if peak is not None else "-")
        memory_lines.append("| " + " | ".join([title, *cells]) + " |")
    return "\n".join(lines + ratio_lines + memory_lines) + "\n"


def targets(results: dict[str, dict[str, Any]]) -> str:
    """The issue's targets, each met or not, from the largest size measured (and the shipped
    data's who-said)."""
    biggest = max(results, key=lambda s: results[s]["triples"])
    r = results[biggest]

    def med(key: str) -> float | None:
        entry = r.get(key)
        return entry.get("median_s") if isinstance(entry, dict) else None

    peaks = [r.get(k, {}).get("peak_mb") for k in (
        "index_build", "who_person_cyberflag", "who_all_cyberflag", "timeline_cyberflag",
        "validate_full", "validate_incremental")]
    ratio = (med("who_all_cyberflag") / med("who_all_pyoxigraph")
             if med("who_all_cyberflag") and med("who_all_pyoxigraph") else None)
    checks = [
        ("index build under 15 s", med("index_build"), 15),
        ("`who-said --person NAME` under 0.5 s", med("who_person_cyberflag"), 0.5),
        ("`statistics-timeline` under 0.5 s", med("timeline_cyberflag"), 0.5),
        ("full `who-said-what` within 1.3x of pyoxigraph", ratio, 1.3),
        ("`validate` after one article changes under 3 s", med("validate_incremental"), 3),
        ("full `validate` under 90 s", med("validate_full"), 90),
        ("peak memory under 2 GB for every command", max(p for p in peaks if p is not None)
         if any(p is not None for p in peaks) else None, 2048),
    ]
    lines = [f"| target ({biggest}, {r['triples']:,} triples) | measured | met |",
             "|---|---|---|"]
    for name, value, limit in checks:
        if value is None:
            shown, met = "not measured", "-"
        elif "memory" in name:
            shown, met = f"{value:,.0f} MB", "yes" if value < limit else "no"
        elif "1.3x" in name:
            shown, met = fmt_x(value), "yes" if value <= limit else "no"
        else:
            shown, met = fmt_s(value), "yes" if value < limit else "no"
        lines.append(f"| {name} | {shown} | {met} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        CHILDREN[argv[1]](argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--heavy-runs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument(
        "--rdflib-timeout", type=float, default=300,
        help="stop the rdflib process after this many seconds (parse and queries together)",
    )
    parser.add_argument("--work", type=Path, help="keep corpora and stores here (reused)")
    parser.add_argument("--out", type=Path, default=BENCH)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BENCH))
    import generate

    began = time.perf_counter()
    work = args.work or Path(tempfile.mkdtemp(prefix="cyberflag-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work, args.runs, args.heavy_runs, args.timeout, args.rdflib_timeout)
    try:
        for label in args.sizes.split(","):
            bench.size(label, generate.parse_size(label))
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "results.json").write_text(json.dumps({
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                            "platform": platform.platform()},
                "runs": args.runs, "heavy_runs": args.heavy_runs, "timeout_s": args.timeout,
                "results": bench.results,
            }, indent=1) + "\n", encoding="utf-8")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    text = (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; median of {args.runs} runs ({args.heavy_runs} for rdflib "
        f"and full validation from {HEAVY_FROM:,} triples); whole run "
        f"{(time.perf_counter() - began) / 60:.1f} min.\n\n"
        + tables(bench.results, args.timeout) + "\n" + targets(bench.results)
    )
    (args.out / "results.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
