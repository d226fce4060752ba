"""``cyberflag push`` checks what the server holds triple by triple, and after a failed update says
what it holds (old, new or unknown) rather than guessing. Real servers only: an Oxigraph server
holds the data; scripted servers in front of it lie about updates, lose their answers or fail."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from cyberflag.rdf.files import GRAPH_BASE
from cyberflag.server.push import push, read_dataset
from cyberflag.server.verify import batches, compare
from cyberflag.sparql.remote import form_body, graph_counts
from test_push import one_line_error, project_quads, run

from conftest import FIXTURE_DATA, SHIPPED_DATA, OxigraphServer, ScriptedServer, Seen

pytestmark = pytest.mark.usefixtures("no_endpoint_env")

ENTITIES = f"{GRAPH_BASE}entities"
Respond = Callable[[Seen, int], tuple | None]
UPDATE_LOST = (504, {"Content-Type": "text/plain"}, b"upstream timed out")


def in_front_of(
    make: Callable[..., ScriptedServer], server: OxigraphServer, on_update: Respond
) -> ScriptedServer:
    """A scripted server that forwards every query to ``server`` and answers each update with
    ``on_update(seen, n)``, which may forward it first (``holder[0].forward(seen)``)."""

    def respond(seen: Seen, n: int) -> tuple | None:
        return on_update(seen, n) if seen.path.startswith("/update") else None

    return make(respond, upstream=server.base)


def queries(data: Path) -> int:
    """Requests a verification of ``data`` takes: the counts, then a lookup per batch."""
    return 1 + len(list(batches(read_dataset(data).graphs)))


def edited_copy(tmp_path: Path) -> Path:
    """The fixture data with one label corrected: every graph keeps its triple count."""
    data = tmp_path / "edited"
    shutil.copytree(FIXTURE_DATA, data)
    entities = data / "entities.ttl"
    text = entities.read_text(encoding="utf-8")
    assert text.count('"England and Wales"') == 1
    entities.write_text(text.replace('"England and Wales"', '"England & Wales"'), encoding="utf-8")
    return data


# --- content, not only counts ---------------------------------------------------------------------


def test_a_server_that_stores_nothing_fails_after_an_edit_that_keeps_the_counts(
    runner: CliRunner, oxigraph_server: OxigraphServer,
    scripted_server: Callable[..., ScriptedServer], tmp_path: Path,
) -> None:
    """The adversarial run of #16: 200 to the update, nothing stored, the same counts as the new
    data. Counting alone called this verified; the lookup names the graph and the triple."""
    assert run(runner, "push", "--endpoint", oxigraph_server.query,
               "--data", str(FIXTURE_DATA)).exit_code == 0
    old = project_quads(oxigraph_server)
    edited = edited_copy(tmp_path)
    new = read_dataset(edited)
    held = graph_counts(oxigraph_server.query, sorted(new.graphs))
    assert held == {g: len(t) for g, t in new.graphs.items()}  # the counts cannot tell

    liar = in_front_of(scripted_server, oxigraph_server, lambda seen, n: (200, {}, b""))
    error = one_line_error(run(runner, "push", "--endpoint", f"{liar.base}/query",
                               "--data", str(edited)))
    assert error == (
        f"cyberflag: error: {liar.base}/query: after the push the server does not hold what was "
        f"sent: <{ENTITIES}> holds as many triples as were sent ({len(new.graphs[ENTITIES])}) "
        "but lacks 1 of them, e.g. <https://w3id.org/cyberflag/id/area/england-and-wales> "
        '<http://www.w3.org/2004/02/skos/core#prefLabel> "England & Wales"\n'
    )
    assert project_quads(oxigraph_server) == old


def test_the_normal_push_looks_up_every_triple(
    runner: CliRunner, oxigraph_server: OxigraphServer
) -> None:
    result = run(runner, "push", "--endpoint", oxigraph_server.query, "--data", str(SHIPPED_DATA))
    assert result.exit_code == 0, result.stderr
    dataset = read_dataset(SHIPPED_DATA)
    assert result.stdout.splitlines()[-1].endswith(
        f"({len(dataset.graphs)} graphs, {dataset.triples:,} triples; counted per graph, "
        f"{dataset.triples:,} triples looked up in {queries(SHIPPED_DATA)} queries)"
    )


def test_lookups_in_small_batches_find_a_change_in_the_last_one(
    oxigraph_server: OxigraphServer,
) -> None:
    """Every batch is asked: a triple changed on the server in the last graph is found."""
    push(oxigraph_server.query, data=SHIPPED_DATA)
    dataset = read_dataset(SHIPPED_DATA)
    last = list(dataset.graphs)[-1]
    s, p, o = dataset.graphs[last][-1]
    oxigraph_server.run_update(
        f"DELETE DATA {{ GRAPH <{last}> {{ {s} {p} {o} }} }} ;"
        f'INSERT DATA {{ GRAPH <{last}> {{ {s} {p} "changed on the server" }} }}'
    )
    assert compare(oxigraph_server.query, dataset.graphs).exact is False
    small = compare(oxigraph_server.query, dataset.graphs, batch_bytes=4096)
    assert small.queries > 20
    assert small.looked_up == dataset.triples
    assert [(d.graph, d.missing) for d in small.differences] == [(last, 1)]
    assert small.differences[0].example.startswith(f"{s} {p} ")


def test_extra_triples_in_a_graph_fail_the_push(
    oxigraph_server: OxigraphServer, scripted_server: Callable[..., ScriptedServer]
) -> None:
    """The update is applied, then someone adds a triple before the check: the count shows it."""
    triple = '<http://example.org/x> <http://example.org/y> "z"'
    extra = f"INSERT DATA {{ GRAPH <{ENTITIES}> {{ {triple} }} }}"

    def apply_then_add(seen: Seen, n: int) -> tuple | None:
        answer = holder[0].forward(seen)
        oxigraph_server.run_update(extra)
        return answer

    holder = [in_front_of(scripted_server, oxigraph_server, apply_then_add)]
    sent = len(read_dataset(FIXTURE_DATA).graphs[ENTITIES])
    with pytest.raises(Exception, match=f"<{ENTITIES}> holds {sent + 1} triples, not the {sent}"):
        push(f"{holder[0].base}/query", data=FIXTURE_DATA)


def test_blank_nodes_are_checked_by_count_only(
    oxigraph_server: OxigraphServer, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    with (data / "concepts.ttl").open("a", encoding="utf-8") as out:
        out.write('\n[] <http://example.org/note> "a blank node" .\n')
    report = push(oxigraph_server.query, data=data)
    dataset = read_dataset(data)
    assert report.checked.by_count_only == 1
    assert report.checked.looked_up == dataset.triples - 1
    assert "; 1 with blank nodes checked by count only)" in report.lines()[-1]


# --- after a failed update: old, new or unknown ---------------------------------------------------


def test_a_504_after_the_server_applied_the_update_is_a_verified_push(
    runner: CliRunner, oxigraph_server: OxigraphServer,
    scripted_server: Callable[..., ScriptedServer],
) -> None:
    """The push did happen, and the server holds exactly the data: exit 0, the lost answer said
    on stderr (the exit code's promise is the server's content, which is verified)."""
    run(runner, "push", "--endpoint", oxigraph_server.query, "--data", str(FIXTURE_DATA))

    def apply_then_lose(seen: Seen, n: int) -> tuple | None:
        holder[0].forward(seen)
        return UPDATE_LOST

    holder = [in_front_of(scripted_server, oxigraph_server, apply_then_lose)]
    result = run(runner, "push", "--endpoint", f"{holder[0].base}/query",
                 "--data", str(SHIPPED_DATA), "--retries", "0")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"cyberflag: {holder[0].base}/update: HTTP 504 Gateway Timeout: upstream timed out; but "
        "the server holds the new data (verified: "
        f"{read_dataset(SHIPPED_DATA).triples:,} triples looked up in "
        f"{queries(SHIPPED_DATA)} queries)\n"
    )
    lines = result.stdout.splitlines()
    assert lines[0].endswith("(its answer was lost)")
    assert lines[-1].startswith(f"verified at {holder[0].base}/query: the server holds exactly")
    assert len(project_quads(oxigraph_server)) == read_dataset(SHIPPED_DATA).triples


def test_a_504_the_server_did_not_apply_says_it_holds_the_old_data(
    runner: CliRunner, oxigraph_server: OxigraphServer,
    scripted_server: Callable[..., ScriptedServer],
) -> None:
    run(runner, "push", "--endpoint", oxigraph_server.query, "--data", str(FIXTURE_DATA))
    old = project_quads(oxigraph_server)
    lost = in_front_of(scripted_server, oxigraph_server, lambda seen, n: UPDATE_LOST)
    error = one_line_error(run(runner, "push", "--endpoint", f"{lost.base}/query",
                               "--data", str(SHIPPED_DATA), "--retries", "0"))
    assert error.startswith(
        f"cyberflag: error: {lost.base}/update: HTTP 504 Gateway Timeout: upstream timed out; the "
        "server still holds the old data (checked after the failure: every graph has the triple "
        "count it had before the push, and "
    )
    assert "nothing was changed" not in error
    assert project_quads(oxigraph_server) == old


def test_a_deadline_passed_after_the_server_applied_the_update(
    oxigraph_server: OxigraphServer, scripted_server: Callable[..., ScriptedServer],
) -> None:
    """No answer in time, yet the server committed: the push says so rather than failing."""

    def apply_then_stall(seen: Seen, n: int) -> tuple | None:
        answer = holder[0].forward(seen)
        holder[0].stall(10)
        return answer

    holder = [in_front_of(scripted_server, oxigraph_server, apply_then_stall)]
    notes: list[str] = []
    report = push(f"{holder[0].base}/query", data=FIXTURE_DATA, timeout=1, note=notes.append)
    assert report.answer_lost
    assert notes == [
        f"cyberflag: {holder[0].base}/update: no answer within 1 s; but the server holds the new "
        f"data (verified: {report.checked.summary()})\n"
    ]


def test_a_server_that_applies_half_an_update_is_unknown(
    runner: CliRunner, oxigraph_server: OxigraphServer,
    scripted_server: Callable[..., ScriptedServer],
) -> None:
    """A non-atomic server applies the drops and not the insert, then fails: neither old nor new."""
    run(runner, "push", "--endpoint", oxigraph_server.query, "--data", str(FIXTURE_DATA))

    def drop_only(seen: Seen, n: int) -> tuple | None:
        drops = b"".join(line for line in seen.body.splitlines(True) if line.startswith(b"DROP"))
        oxigraph_server.run_update(drops.decode().rstrip().rstrip(";"))
        return 500, {"Content-Type": "text/plain"}, b"out of memory"

    half = in_front_of(scripted_server, oxigraph_server, drop_only)
    error = one_line_error(run(runner, "push", "--endpoint", f"{half.base}/query",
                               "--data", str(FIXTURE_DATA)))
    assert error.startswith(
        f"cyberflag: error: {half.base}/update: HTTP 500 Internal Server Error: out of memory; "
        "what the server holds is unknown (neither the old triple counts nor the new data: <"
    )
    assert error.endswith("): run push again\n")


def test_a_server_that_cannot_be_asked_after_the_failure_is_unknown(
    runner: CliRunner, oxigraph_server: OxigraphServer,
    scripted_server: Callable[..., ScriptedServer],
) -> None:
    def respond(seen: Seen, n: int) -> tuple | None:
        if seen.path.startswith("/update") or any(r.path.startswith("/update")
                                                  for r in server.requests):
            return 503, {"Content-Type": "text/plain"}, b"down for maintenance"
        return None

    server = scripted_server(respond, upstream=oxigraph_server.base)
    error = one_line_error(run(runner, "push", "--endpoint", f"{server.base}/query",
                               "--data", str(FIXTURE_DATA), "--retries", "0"))
    assert error == (
        f"cyberflag: error: {server.base}/update: HTTP 503 Service Unavailable: down for "
        "maintenance; what the server holds is unknown (checking failed: HTTP 503 Service "
        "Unavailable: down for maintenance): run push again\n"
    )


# --- --graph --------------------------------------------------------------------------------------


@pytest.mark.parametrize("graph", [f"{GRAPH_BASE}entities", f"{GRAPH_BASE}everything"])
def test_push_graph_refuses_the_projects_own_graphs(
    runner: CliRunner, oxigraph_server: OxigraphServer, graph: str
) -> None:
    error = one_line_error(
        run(runner, "push", "--endpoint", oxigraph_server.query, "--graph", graph), 2
    )
    assert error == (
        f"cyberflag: error: --graph {graph} is under {GRAPH_BASE}, where each data file has its "
        "own graph: the whole data set poured into one of them would be replaced or dropped by "
        "the next push; name a graph outside it, or push without --graph (one graph per file)\n"
    )
    assert project_quads(oxigraph_server) == []


# --- the request's body ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", " ", "a  b", " lead and trail ", 'SELECT * { ?s ?p "x + y = 100% & more" }',
     "«guillemets» and 𝔘nicode\tand\nlines", "same same same same"],
)
def test_form_body_is_urlencode(text: str) -> None:
    assert form_body(text) == urlencode({"query": text}).encode("ascii")


def test_progress_line_ends_before_the_failure_is_said(
    runner: CliRunner, oxigraph_server: OxigraphServer,
    scripted_server: Callable[..., ScriptedServer],
) -> None:
    """The progress line is complete when the whole body was sent: no blank line, no line glued
    to the error."""
    lost = in_front_of(scripted_server, oxigraph_server, lambda seen, n: UPDATE_LOST)
    result = run(runner, "push", "--endpoint", f"{lost.base}/query", "--data", str(FIXTURE_DATA),
                 "--retries", "1", "--progress")
    assert result.exit_code == 1
    lines = result.stderr.split("\n")
    assert [line.endswith("sent (100%)") for line in lines[:-1]] == [True, False, True, False]
    assert lines[1].startswith("cyberflag: ")
    assert "retrying in 1 s" in lines[1]
    assert lines[3].startswith("cyberflag: error: ")
    assert "still holds none of the data" in lines[3]
    assert lines[-1] == ""


# --- a batch answer that names held triples (Virtuoso 7.2, #14) -----------------------------------


def _lookup(seen: Seen) -> tuple[str, int]:
    """A request's query text and how many triples it looks up (0: not a lookup)."""
    from urllib.parse import parse_qs

    text = parse_qs(seen.body.decode()).get("query", [""])[0]
    rows = sum(line.startswith("    (") for line in text.splitlines())
    return text, rows if "FILTER NOT EXISTS" in text else 0


def _answer(rows: list[tuple[str, tuple[str, str, str]]]) -> bytes:
    """A lookup's JSON answer naming ``rows`` (IRIs and plain strings only)."""
    import json

    def term(text: str) -> dict[str, str]:
        if text.startswith("<"):
            return {"type": "uri", "value": text[1:-1]}
        return {"type": "literal", "value": json.loads(text)}

    found = [
        {"g": {"type": "uri", "value": g}, **{v: term(x) for v, x in zip("spo", t, strict=True)}}
        for g, t in rows
    ]
    return json.dumps({"head": {"vars": ["g", "s", "p", "o"]},
                       "results": {"bindings": found}}).encode()


def test_a_batch_that_names_held_triples_is_asked_again_one_by_one(
    oxigraph_server: OxigraphServer, scripted_server: Callable[..., ScriptedServer]
) -> None:
    """Virtuoso answered a batched lookup with triples it holds, and found them when asked alone:
    such a server is still verified, at the cost of one query for each triple it named."""
    push(oxigraph_server.query, data=SHIPPED_DATA)
    dataset = read_dataset(SHIPPED_DATA)
    named = [(ENTITIES, t) for t in dataset.graphs[ENTITIES]
             if t[2].startswith("<") or (t[2].endswith('"') and "\\" not in t[2])][:3]

    def lying(seen: Seen, n: int) -> tuple | None:
        text, rows = _lookup(seen)
        if rows > 1 and f"<{ENTITIES}>" in text:
            return 200, {"Content-Type": "application/sparql-results+json"}, _answer(named)
        return None

    liar = scripted_server(lying, upstream=oxigraph_server.base)
    checked = compare(f"{liar.base}/query", dataset.graphs)
    assert checked.exact, checked.problem()
    assert checked.queries == queries(SHIPPED_DATA) + len(named)


def test_a_server_that_lacks_many_triples_is_believed_after_16(
    oxigraph_server: OxigraphServer,
) -> None:
    """Twenty triples changed on the server (counts kept): the first 16 are confirmed one by one,
    and the batch's answer is then believed for the rest."""
    push(oxigraph_server.query, data=SHIPPED_DATA)
    dataset = read_dataset(SHIPPED_DATA)
    for n, (s, p, o) in enumerate(dataset.graphs[ENTITIES][:20]):
        oxigraph_server.run_update(
            f"DELETE DATA {{ GRAPH <{ENTITIES}> {{ {s} {p} {o} }} }} ;"
            f'INSERT DATA {{ GRAPH <{ENTITIES}> {{ {s} {p} "changed {n}" }} }}'
        )
    checked = compare(oxigraph_server.query, dataset.graphs)
    assert [(d.graph, d.missing) for d in checked.differences] == [(ENTITIES, 20)]
    assert checked.queries == queries(SHIPPED_DATA) + 16
