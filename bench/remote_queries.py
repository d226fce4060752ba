"""Time every saved query embedded (pyoxigraph, in process) and over HTTP (a local Oxigraph server).

Usage: python bench/remote_queries.py [RUNS]   (needs the `oxigraph` server package: the test extra)

Embedded: ``OxigraphEngine.query`` on a store already loaded with the shipped data. HTTP:
``RemoteEngine.query`` (SPARQLWrapper, POST, SPARQL JSON results parsed into the neutral model)
against ``oxigraph serve`` on 127.0.0.1 after ``cyberflag push``, the project's graphs already
found; and the same request without the dataset parameters, answered from the server's own
union default graph (``--union-default-graph``), to show what naming the dataset costs. All
include converting results to :mod:`cyberflag.sparql.results`; none includes rendering.
Prints a Markdown table of the median milliseconds per query, and the one-off costs.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "cli"))

from cyberflag.queries import catalogue
from cyberflag.server.push import push
from cyberflag.server.serve import find_oxigraph, free_port
from cyberflag.sparql.engines import OxigraphEngine
from cyberflag.sparql.remote import RemoteEngine, request
from cyberflag.sparql.results import rows_equal


def median_ms(func, runs: int) -> float:
    func()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = subprocess.Popen(
            [str(find_oxigraph()), "serve", "--location", tmp, "--bind", f"127.0.0.1:{port}",
             "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1)
                    break
                except OSError:
                    time.sleep(0.05)
            start = time.perf_counter()
            local = OxigraphEngine()
            load_ms = (time.perf_counter() - start) * 1000
            report = push(f"{url}/query")
            remote = RemoteEngine(f"{url}/query")
            start = time.perf_counter()
            remote.dataset()
            discover_ms = (time.perf_counter() - start) * 1000
            print(f"median of {runs} runs, milliseconds; {report.lines()[0]}\n")
            print("| saved query | rows | embedded | HTTP | HTTP, server's union |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for query in catalogue.all_queries():
                text = query.bind({})
                rows = len(local.query(text))  # type: ignore[arg-type]
                a, b = local.query(text), remote.query(text)
                assert rows_equal(a.rows, b.rows), query.name  # type: ignore[union-attr]
                embedded = median_ms(lambda t=text: local.query(t), runs)
                http = median_ms(lambda t=text: remote.query(t), runs)
                union = median_ms(lambda t=text: request(f"{url}/query", t), runs)
                print(f"| {query.name} | {rows} | {embedded:.1f} | {http:.1f} | {union:.1f} |")
            print(f"\none-off: embedded load of the data {load_ms:.0f} ms; "
                  f"finding the project's graphs on the server {discover_ms:.1f} ms; "
                  f"push {report.seconds * 1000:.0f} ms")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
