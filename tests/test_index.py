"""The persistent query index (cli/cyberflag/builds.py): reused while the data is unchanged,
updated or rebuilt when it changes (always equal to a fresh build), never used half-built, and
built once when two commands start together.

The ~10,000-triple synthetic corpus is below the in-memory threshold, so these tests ask for the
on-disk index explicitly (``mode="disk"``, or ``CYBERFLAG_STORE_MODE=disk`` for the command line).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cyberflag.errors import DataError, InputError
from cyberflag.index import builds, opening
from cyberflag.index import sources as index_sources
from cyberflag.rdf import files
from cyberflag.sparql.engines import OxigraphEngine

ARTICLE = "articles/synthetic-article-000003.ttl"


@pytest.fixture
def corpus(synthetic_corpus: Path, tmp_path: Path) -> Path:
    """A writable copy of the synthetic corpus."""
    target = tmp_path / "data"
    shutil.copytree(synthetic_corpus, target)
    return target


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def open_disk(corpus: Path, cache: Path, **kwargs: object) -> builds.Opened:
    return opening.open_store(corpus, store=cache, mode="disk", **kwargs)  # type: ignore[arg-type]


def quads(store: ox.Store) -> set[str]:
    """Every quad as N-Quads text (blank nodes are not used in the data)."""
    return {str(q) for q in store}


def fresh_quads(corpus: Path, tmp_path: Path) -> set[str]:
    opened = opening.open_store(corpus, store=tmp_path / "fresh", mode="disk", rebuild=True)
    try:
        return quads(opened.store)
    finally:
        opened.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- choosing memory or disk ----------------------------------------------------------------------


def test_small_data_is_read_into_memory(shipped_data: Path, cache: Path) -> None:
    opened = opening.open_store(shipped_data, store=cache)
    assert opened.action == "memory"
    assert opened.path is None
    assert not cache.exists()


def test_mode_comes_from_the_environment(
    corpus: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(opening.MODE_ENV, "disk")
    assert opening.open_store(corpus, store=cache).action == "built"
    monkeypatch.setenv(opening.MODE_ENV, "sideways")
    with pytest.raises(InputError, match="CYBERFLAG_STORE_MODE"):
        opening.open_store(corpus, store=cache)


def test_cache_folder_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(opening.STORE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert opening.cache_root() == tmp_path / "xdg" / "cyberflag"
    monkeypatch.setenv(opening.STORE_ENV, str(tmp_path / "mine"))
    assert opening.cache_root() == tmp_path / "mine"
    assert opening.cache_root(tmp_path / "given") == tmp_path / "given"


def test_files_are_those_the_layout_names(corpus: Path, shipped_data: Path) -> None:
    (corpus / ".hidden.ttl").write_text("", encoding="utf-8")
    (corpus / "sources" / "stray.ttl").write_text("", encoding="utf-8")
    (corpus / "extra").mkdir()
    (corpus / "extra" / "more.ttl").write_text("", encoding="utf-8")
    for data in (corpus, shipped_data):
        found = [s.path for s in index_sources.sources(data, None)]
        assert found == files.data_files(data)
        assert [s.graph for s in index_sources.sources(data, None)] == [
            files.graph_name(p.relative_to(data).as_posix()) for p in found
        ]


# --- reuse, update, rebuild -----------------------------------------------------------------------


def test_first_use_builds_and_later_uses_reuse(corpus: Path, cache: Path) -> None:
    first = open_disk(corpus, cache)
    assert first.action == "built"
    assert first.path is not None
    assert first.path.parent.parent == cache
    built = quads(first.store)
    first.close()
    second = open_disk(corpus, cache)
    assert second.action == "reused"
    assert second.path == first.path
    assert quads(second.store) == built
    assert second.triples == len(built)
    second.close()
    memory = opening.open_store(corpus, mode="memory")
    assert quads(memory.store) == built


def test_a_touched_file_is_compared_by_content(corpus: Path, cache: Path) -> None:
    open_disk(corpus, cache).close()
    path = corpus / ARTICLE
    later = time.time() + 100
    os.utime(path, (later, later))
    touched = open_disk(corpus, cache)
    assert touched.action == "reused"
    assert touched.changed == []
    touched.close()


def test_a_changed_article_is_applied_and_equals_a_fresh_build(
    corpus: Path, cache: Path, tmp_path: Path
) -> None:
    before = open_disk(corpus, cache)
    old_build = before.path
    before.close()
    edit(corpus / ARTICLE, "placeholder remark", "revised placeholder remark")
    after = open_disk(corpus, cache)
    assert after.action == "updated"
    assert after.changed == [f"data/{ARTICLE}"]
    assert after.path != old_build
    assert old_build is not None
    assert not old_build.exists()  # no reader held it: removed
    assert quads(after.store) == fresh_quads(corpus, tmp_path)
    after.close()
    assert open_disk(corpus, cache).action == "reused"


def test_added_and_removed_files_are_applied(corpus: Path, cache: Path, tmp_path: Path) -> None:
    open_disk(corpus, cache).close()
    (corpus / "extra.ttl").write_text(
        "<https://w3id.org/cyberflag/id/x> <http://www.w3.org/2004/02/skos/core#prefLabel> "
        '"added" .\n',
        encoding="utf-8",
    )
    (corpus / "articles" / "synthetic-article-000007.ttl").unlink()
    after = open_disk(corpus, cache)
    assert after.action == "updated"
    assert after.changed == ["data/articles/synthetic-article-000007.ttl", "data/extra.ttl"]
    assert quads(after.store) == fresh_quads(corpus, tmp_path)
    after.close()


def test_many_changes_rebuild(corpus: Path, cache: Path, tmp_path: Path) -> None:
    open_disk(corpus, cache).close()
    for path in sorted((corpus / "articles").glob("*.ttl"))[:20]:
        edit(path, "placeholder remark", "other placeholder remark")
    after = open_disk(corpus, cache)
    assert after.action == "built"
    assert len(after.changed) == 20
    assert quads(after.store) == fresh_quads(corpus, tmp_path)
    after.close()


def test_a_syntax_error_keeps_the_previous_index(corpus: Path, cache: Path) -> None:
    good = open_disk(corpus, cache)
    expected = quads(good.store)
    good.close()
    path = corpus / ARTICLE
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "\n<https://w3id.org/cyberflag/id/x> .\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"synthetic-article-000003\.ttl:\d+:\d+: "):
        open_disk(corpus, cache)
    with pytest.raises(DataError):
        open_disk(corpus, cache, rebuild=True)
    assert not list(next(cache.iterdir()).glob("tmp-*"))
    path.write_text(original, encoding="utf-8")
    again = open_disk(corpus, cache)
    assert again.action == "reused"
    assert quads(again.store) == expected
    again.close()


def test_a_build_in_use_is_kept_until_released(corpus: Path, cache: Path) -> None:
    reader = open_disk(corpus, cache)
    held = reader.path
    rebuilt = open_disk(corpus, cache, rebuild=True)
    assert rebuilt.path != held
    assert held is not None
    assert held.is_dir()  # still open by the first reader
    assert len(reader.store) == rebuilt.triples  # and still readable
    reader.close()
    rebuilt.close()
    open_disk(corpus, cache, rebuild=True).close()
    assert not held.exists()


# --- whole commands: interrupted builds, concurrent starts ---------------------------------------


def cyberflag(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cyberflag", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, opening.MODE_ENV: "disk", **(env or {})},
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def wait_for(path: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


WHO = ("who-said", "--person", "Speaker 0001", "--format", "csv")


def test_query_commands_use_the_index(corpus: Path, cache: Path) -> None:
    in_memory = {opening.MODE_ENV: "memory"}
    code, memory, _ = finished(cyberflag(*WHO, "--data", str(corpus), env=in_memory))
    assert code == 0
    assert memory.count("\n") > 2
    assert not cache.exists()
    code, disk, _ = finished(cyberflag(*WHO, "--data", str(corpus), "--store", str(cache)))
    assert code == 0
    assert disk == memory
    assert (next(cache.iterdir()) / "current.json").is_file()


def test_index_command_reports_what_it_did(corpus: Path, cache: Path) -> None:
    runs = [
        finished(cyberflag("index", "--data", str(corpus), "--store", str(cache), *extra))
        for extra in ((), (), ("--format", "json"))
    ]
    assert [code for code, _, _ in runs] == [0, 0, 0]
    assert runs[0][1].startswith("built: ")
    assert runs[1][1].startswith("reused (the data files are unchanged): ")
    report = json.loads(runs[2][1])
    assert report["action"] == "reused"
    assert report["files"] == 43  # 42 data files and the ontology
    assert report["triples"] > 10_000


def test_an_interrupted_build_leaves_the_previous_index_working(
    corpus: Path, cache: Path, tmp_path: Path
) -> None:
    code, before, _ = finished(cyberflag(*WHO, "--data", str(corpus), "--store", str(cache)))
    assert code == 0
    folder = next(cache.iterdir())
    pointer = (folder / "current.json").read_text(encoding="utf-8")
    marker = tmp_path / "building"
    build = cyberflag(
        "index", "--rebuild", "--data", str(corpus), "--store", str(cache),
        env={builds.PAUSE_ENV: str(marker)},
    )
    wait_for(marker)  # loaded into tmp-*, not yet current
    assert list(folder.glob("tmp-*"))
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=30)
    assert (folder / "current.json").read_text(encoding="utf-8") == pointer
    code, after, _ = finished(cyberflag(*WHO, "--data", str(corpus), "--store", str(cache)))
    assert code == 0
    assert after == before
    code, out, _ = finished(cyberflag("index", "--rebuild", "--data", str(corpus), "--store",
                                      str(cache)))
    assert code == 0
    assert out.startswith("built: ")
    assert not list(folder.glob("tmp-*"))  # the debris is gone
    assert len([p for p in folder.glob("b-*") if p.is_dir()]) == 1


def test_a_command_starting_during_a_build_waits_and_reuses(
    corpus: Path, cache: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "building"
    first = cyberflag("index", "--data", str(corpus), "--store", str(cache),
                      env={builds.PAUSE_ENV: f"{marker}:1.5"})
    wait_for(marker)  # the first holds the build lock
    second = cyberflag(*WHO, "--data", str(corpus), "--store", str(cache))
    third = cyberflag("index", "--data", str(corpus), "--store", str(cache), "--format", "json")
    code, out, _ = finished(first)
    assert code == 0
    assert out.startswith("built: ")
    assert finished(second)[0] == 0
    code, out, _ = finished(third)
    assert code == 0
    assert json.loads(out)["action"] == "reused"
    folder = next(cache.iterdir())
    assert len([p for p in folder.glob("b-*") if p.is_dir()]) == 1


def test_two_simultaneous_starts_build_once(corpus: Path, cache: Path) -> None:
    args = ("index", "--data", str(corpus), "--store", str(cache), "--format", "json")
    processes = [cyberflag(*args) for _ in range(2)]
    reports = []
    for process in processes:
        code, out, err = finished(process)
        assert code == 0, err
        reports.append(json.loads(out))
    assert sorted(r["action"] for r in reports) == ["built", "reused"]
    assert reports[0]["path"] == reports[1]["path"]


def test_engine_takes_the_store(corpus: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(opening.MODE_ENV, "disk")
    engine = OxigraphEngine(corpus, store=cache)
    assert engine.opened is not None
    assert engine.opened.action == "built"
    result = engine.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert result.rows[0][0] is not None


@pytest.mark.parametrize("person", ["Speaker 0001", "speaker 000", "nobody"])
def test_who_said_person_gives_the_saved_query_rows(
    synthetic_corpus: Path, runner: CliRunner, person: str
) -> None:
    # who-said looks the names up first and binds the speaker IRIs (fast on large data); the rows
    # must be exactly those of the saved query's name match alone.
    from cyberflag.cli import cli

    data = ["--data", str(synthetic_corpus), "--format", "csv"]
    said = runner.invoke(cli, ["who-said", "--person", person, *data])
    saved = runner.invoke(cli, ["query", "who-said-what", "-p", "person", person, *data])
    assert said.exit_code == saved.exit_code == 0
    assert said.stdout == saved.stdout
