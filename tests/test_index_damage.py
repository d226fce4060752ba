"""A damaged query index is a cache that heals: found on open (or by ``index --check``),
discarded, rebuilt once with a note on stderr, and the command still answers; a build that cannot
be opened even after that is one clear error naming the folder and ``--rebuild`` (issue #16).

Each case damages a real RocksDB build the way a crash, a full disk or a stray command would, then
runs the real command line in a fresh process.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from cyberflag.index import builds
from test_index import WHO, cyberflag, finished, wait_for


@pytest.fixture
def corpus(synthetic_corpus: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(synthetic_corpus, target)
    return target


def build_of(cache: Path) -> Path:
    (folder,) = cache.iterdir()
    pointer = json.loads((folder / "current.json").read_text(encoding="utf-8"))
    return folder / pointer["build"]


def largest_sst(build: Path) -> Path:
    return max(build.glob("*.sst"), key=lambda p: p.stat().st_size)


def overwrite_keeping_time(path: Path, start: int, length: int) -> None:
    """Zero ``length`` bytes at ``start`` and put the modification time back: damage that a
    size-and-time check cannot see."""
    stat = path.stat()
    data = bytearray(path.read_bytes())
    data[start : start + length] = bytes(length)
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


DAMAGE: dict[str, Callable[[Path], None]] = {
    "CURRENT deleted": lambda b: (b / "CURRENT").unlink(),
    "build emptied": lambda b: [p.unlink() for p in b.iterdir()],
    "MANIFEST truncated": lambda b: truncate(next(b.glob("MANIFEST-*"))),
    "an .sst deleted": lambda b: largest_sst(b).unlink(),
    "an .sst truncated": lambda b: truncate(largest_sst(b)),
}
"""Damage that changes a file's size or time, or that RocksDB sees on open. Damage that keeps both
is for ``index --check`` (below)."""


def answer(corpus: Path, cache: Path) -> tuple[int, str, str]:
    return finished(cyberflag(*WHO, "--data", str(corpus), "--store", str(cache)))


@pytest.mark.parametrize("how", sorted(DAMAGE))
def test_a_damaged_build_is_rebuilt_with_a_note(corpus: Path, tmp_path: Path, how: str) -> None:
    cache = tmp_path / "cache"
    code, expected, _ = answer(corpus, cache)
    assert code == 0
    damaged = build_of(cache)
    DAMAGE[how](damaged)
    code, out, err = answer(corpus, cache)
    assert (code, out) == (0, expected), err
    (note,) = err.splitlines()
    assert note.startswith(f"cyberflag: note: the query index in {damaged.parent} was damaged (")
    assert note.endswith("): rebuilt it")
    assert build_of(cache) != damaged
    code, out, err = answer(corpus, cache)  # healed: no note the next time
    assert (code, out, err) == (0, expected, "")


@pytest.mark.parametrize(
    "pointer",
    [
        "not json",
        '{"format": 2, "build": 7}',
        '{"format": 2, "build": "b-0123456789abcdef", "triples": "many", "files": {}}',
        "[]",
    ],
)
def test_a_pointer_of_the_wrong_shape_is_rebuilt(
    corpus: Path, tmp_path: Path, pointer: str
) -> None:
    cache = tmp_path / "cache"
    code, expected, _ = answer(corpus, cache)
    (build_of(cache).parent / "current.json").write_text(pointer, encoding="utf-8")
    code, out, err = answer(corpus, cache)
    assert (code, out) == (0, expected), err
    assert "Traceback" not in err


def test_index_check_finds_damage_that_keeps_size_and_time(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ("--data", str(corpus), "--store", str(cache))
    assert finished(cyberflag("index", *args))[0] == 0
    damaged = build_of(cache)
    sst = largest_sst(damaged)
    overwrite_keeping_time(sst, sst.stat().st_size // 2, 4096)
    code, out, err = finished(cyberflag("index", "--check", *args))
    assert code == 0, err
    assert out.startswith("built: ")
    assert err == (
        f"cyberflag: note: the query index in {damaged.parent} was damaged ({sst.name} does not "
        "hold what was written (its SHA-256 differs)): rebuilt it\n"
    )
    code, out, err = finished(cyberflag("index", "--check", *args))
    assert (code, err) == (0, "")
    assert out.startswith("reused")


def test_a_build_that_fails_after_the_rebuild_is_one_clear_error(
    corpus: Path, tmp_path: Path
) -> None:
    """The rebuild is damaged too (its CURRENT removed while it is made): the second failure
    names the folder and --rebuild, exit 1, and nothing is tried again."""
    cache = tmp_path / "cache"
    assert answer(corpus, cache)[0] == 0
    (build_of(cache) / "CURRENT").unlink()
    marker = tmp_path / "building"
    process = cyberflag(
        *WHO, "--data", str(corpus), "--store", str(cache),
        env={builds.PAUSE_ENV: f"{marker}:3"},
    )
    wait_for(marker)
    (folder,) = cache.iterdir()
    (tmp,) = folder.glob("tmp-*")
    (tmp / "CURRENT").unlink()
    code, out, err = finished(process)
    assert code == 1
    assert out == ""
    note, error = err.splitlines()
    assert note.endswith("(CURRENT is missing): rebuilt it")
    assert error.startswith(f"cyberflag: error: the query index in {folder} cannot be opened (")
    assert error.endswith("run 'cyberflag index --rebuild' or remove the folder")


def test_a_cache_folder_that_cannot_be_made_is_one_line(corpus: Path, tmp_path: Path) -> None:
    """--store under a regular file (as a read-only or full disk would): the index command,
    which must write, says so in one line, exit 1; no traceback."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    code, out, err = finished(
        cyberflag("index", "--data", str(corpus), "--store", str(blocker / "cache"))
    )
    assert (code, out) == (1, "")
    assert err.startswith(f"cyberflag: error: cannot use the query index in {blocker / 'cache'}/")
    assert err.endswith(": Not a directory\n")


def test_queries_fall_back_to_memory_when_the_cache_folder_fails(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """In auto mode on large data a query needs no index to answer: it reads the data into
    memory and says why (here the threshold is lowered so the synthetic corpus counts as large)."""
    from cyberflag.index import opening

    monkeypatch.setattr(opening, "IN_MEMORY_MAX_BYTES", 0)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="cyberflag"):
        opened = opening.open_store(corpus, store=blocker / "cache", mode="auto")
    try:
        assert opened.action == "memory"
        assert opened.triples > 10_000
    finally:
        opened.close()
    (message,) = caplog.messages
    assert message.startswith(f"cannot use the query index in {blocker / 'cache'}/")
    assert message.endswith("(Not a directory): reading the data into memory")


def test_validate_without_a_usable_cache_checks_in_full(corpus: Path, tmp_path: Path) -> None:
    """validate's cache sits beside the index: a folder that cannot be made is a note and a full
    check, not a NotADirectoryError traceback."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    code, out, err = finished(
        cyberflag("validate", "--data", str(corpus), "--store", str(blocker / "cache"))
    )
    assert code == 0, err
    assert out.rstrip().endswith("OK: 0 errors, 0 warnings, 0 explained conflicts.")
    assert err.startswith(
        f"cyberflag: note: cannot use the validation cache in {blocker / 'cache'}/"
    )
    assert err.endswith("(Not a directory): checked in full without it\n")


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
"""A cartesian count: 10^8 rows over the synthetic corpus, far longer than the watch waits."""


def test_a_long_query_over_damage_that_keeps_size_and_time_stops_and_heals(
    corpus: Path, tmp_path: Path
) -> None:
    """The check on open cannot see this damage; a query left running over it could spin and
    grow without end (issue #16, item 1). Once the query has run a while the build is read, found
    damaged, discarded, and the command stops with one line; the next command rebuilds."""
    cache = tmp_path / "cache"
    args = ("--data", str(corpus), "--store", str(cache))
    code, expected, _ = answer(corpus, cache)
    assert code == 0
    damaged = build_of(cache)
    sst = largest_sst(damaged)
    overwrite_keeping_time(sst, sst.stat().st_size // 3, 65536)
    code, out, err = finished(cyberflag("sparql", SLOW, *args))
    assert (code, out) == (1, "")
    assert err == (
        f"cyberflag: error: the query index in {damaged.parent} is damaged ({sst.name} does not "
        "hold what was written (its SHA-256 differs)); the query was stopped and the next "
        "command rebuilds the index\n"
    )
    code, out, err = answer(corpus, cache)
    assert (code, out, err) == (0, expected, "")
    assert build_of(cache) != damaged


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_query_past_the_memory_bound_is_one_line(tmp_path: Path, engine: str) -> None:
    """A query over sound data can grow without end too: both local engines stop at the bound."""
    grows = "SELECT ?a ?b WHERE { ?a ?p ?x . ?b ?q ?y } ORDER BY ?a ?b LIMIT 1"
    code, out, err = finished(cyberflag(
        "sparql", grows, "--engine", engine,
        env={"CYBERFLAG_MAX_MEMORY": "300M", "CYBERFLAG_STORE_MODE": "memory"},
    ))
    assert (code, out) == (1, "")
    assert err.startswith("cyberflag: error: the query made cyberflag hold ")
    assert err.endswith(", over the bound of 300 MiB (CYBERFLAG_MAX_MEMORY; by default half of "
                        "the memory); simplify the query or raise the bound\n")
