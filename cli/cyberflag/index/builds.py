"""The persistent query index: the data loaded once into an on-disk Oxigraph store, reused while
the data files are unchanged.

Why: reading the Turtle files costs time in proportion to the data (about 3.5 µs a triple into an
in-memory store), and every query command is a fresh process. Opening an on-disk store costs about
the same at any size (55 ms measured, 3,000 or 1,000,000 triples), so above a certain size the
index wins, and by far: a 1,000,000-triple corpus takes about 10 s to read but opens in 55 ms.

**Memory or disk.** Measured on this project's 2-core machine (median of 5, pyoxigraph 0.5.13):
reading the shipped data (300 KB of Turtle, 3,000 triples, ontology included) into memory takes
9 ms, against 52 ms to open its on-disk index; 10,000 triples (0.9 MB) 32 ms against 60 ms; 15,000
(1.4 MB) 47 ms against 56 ms; 20,000 (1.8 MB) 32-80 ms against 56 ms; 100,000 (9 MB) 360 ms
against 60 ms. So data under :data:`IN_MEMORY_MAX_BYTES` (1.5 MB of Turtle, data and ontology) is
read into memory and no index is kept; above it, the on-disk index is used. ``CYBERFLAG_STORE_MODE``
(``auto``, ``disk``, ``memory``) overrides the choice; ``cyberflag index`` always builds on disk.

**Where.** Under a cache folder: ``--store DIR``, else ``$CYBERFLAG_STORE``, else
``$XDG_CACHE_HOME/cyberflag``, else ``~/.cache/cyberflag``. Each data directory (with its ontology)
gets a folder of its own there, named by a digest of their paths, so one cache serves several data
directories. In it:

* ``current.json``, the pointer: which build is current, and for every file its size, modification
  time and SHA-256 when it was loaded;
* ``b-<id>/``, builds (RocksDB directories), each with a ``b-<id>.readers`` lock file;
* ``lock``, held by whoever builds.

**When it is rebuilt.** A command lists the files and compares their paths, sizes and modification
times with the pointer (11 ms for 4,000 files): equal, the index is used as is. Otherwise the
files whose size or time differ are hashed and compared by content: a file merely touched (or
checked out again) changes nothing but the recorded times. Files that really changed (or were
added or removed) are applied to a copy of the current build when they are a small part of the data
(at most :data:`UPDATE_MAX_FRACTION` of its bytes): a RocksDB checkpoint (hard links, about 2 ms)
whose changed graphs are replaced, 0.2 s for one article in 1,000,000 triples. Otherwise the index
is rebuilt from every file. Either way the result equals a fresh build (``tests/test_index.py``).
A file written within :data:`RACY_SECONDS` of being indexed has no trusted time recorded, so it is
compared by content next time (a second edit within the file system's time resolution could
otherwise keep size and time).

**Safety.** A build is written into a ``tmp-*`` folder, renamed to ``b-<id>``, and only then made
current by replacing ``current.json`` atomically: an interrupted build leaves the previous index in
use, and the next build removes its debris. Builders hold an exclusive ``fcntl`` lock on ``lock``
and look again once they have it, so two commands starting together build once: the second waits
and then finds the index fresh. Readers open a build read-only and hold a shared lock on its
``.readers`` file while they use it; an old build is deleted only when nobody holds that lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from cyberflag.atomic import write_text_atomic
from cyberflag.errors import CacheError
from cyberflag.index import inventory
from cyberflag.index.sources import Source, load_into, quads
from cyberflag.rdf.files import graph_name, sha256_file

FORMAT = 2
"""Bump when what a build holds changes (graph naming, loading rules, the pointer's fields): old
builds are rebuilt. 2: the pointer records the build's files (:mod:`cyberflag.index.inventory`)."""

UPDATE_MAX_FRACTION = 0.2
"""Changed files up to this share of the data's bytes are applied to a copy of the current build;
more, and the index is rebuilt (a build is also compacted; updates add small files)."""

MAX_UPDATES = 50
"""After this many updates in a row the next change rebuilds, so that small files never pile up."""

RACY_SECONDS = 2.0
"""Files modified less than this long before indexing are compared by content next time."""

PAUSE_ENV = "CYBERFLAG_INDEX_TEST_PAUSE"
"""Tests only: ``PATH`` or ``PATH:SECONDS``. A build that has loaded its data, before it becomes
current, creates the file and sleeps (60 s by default), so that a test can kill it mid-build, or
start a second command while it holds the build lock."""

log = logging.getLogger("cyberflag")
"""Notes for the person running the command (the command line prints them on stderr)."""

_POINTER = "current.json"
_LOCK = "lock"


@dataclass
class Opened:
    """A store ready for queries, and what it took to get it."""

    store: ox.Store
    action: str
    """``memory`` (read into memory), ``reused``, ``updated`` (changed files applied to a copy),
    or ``built``."""
    triples: int
    seconds: float
    files: int
    changed: list[str] = field(default_factory=list)
    """Keys of the files that differed from the previous index (``updated`` and ``built``)."""
    path: Path | None = None
    """The build in use (None in memory)."""
    inventory: dict[str, inventory.Entry] | None = None
    """The build's files as recorded when it was made (None in memory)."""
    _reader: IO[bytes] | None = None

    def close(self) -> None:
        """Release the store and the build (it may then be deleted by a later rebuild)."""
        # a closed build has no store: a use after close() fails at once, not on a stale store
        self.store = None  # type: ignore[assignment]
        if self._reader is not None:
            self._reader.close()
            self._reader = None


# --- the on-disk index ----------------------------------------------------------------------------


class Index:
    """One data directory's index folder: its pointer, builds, and locks."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    # pointer

    def pointer(self) -> dict[str, Any] | None:
        """The current pointer, or None when there is none (or it is unreadable or outdated)."""
        try:
            data = json.loads((self.folder / _POINTER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not _well_formed(data):
            return None  # another version's, or damaged: rebuilt, never trusted
        pointer: dict[str, Any] = data
        if not (self.folder / pointer["build"]).is_dir():
            return None
        return pointer

    def _write_pointer(self, pointer: dict[str, Any]) -> None:
        write_text_atomic(self.folder / _POINTER, json.dumps(pointer, indent=0) + "\n")

    @staticmethod
    def _unchanged(pointer: dict[str, Any], found: list[Source]) -> bool:
        """Same files, same sizes, same trusted modification times."""
        recorded = pointer["files"]
        if len(recorded) != len(found):
            return False
        for source in found:
            entry = recorded.get(source.key)
            if entry is None or entry[0] != source.size or entry[1] != source.mtime_ns:
                return False
        return True

    @staticmethod
    def _record(found: list[Source], hashes: dict[str, str]) -> dict[str, list[Any]]:
        now = time.time_ns()
        racy = int(RACY_SECONDS * 1e9)
        return {
            s.key: [s.size, s.mtime_ns if now - s.mtime_ns >= racy else None, hashes[s.key]]
            for s in found
        }

    # opening

    def open(self, found: list[Source], *, rebuild: bool = False, began: float) -> Opened:
        """The current build, brought up to date with ``found`` first when needed.

        A build that cannot be opened, or whose files are not what was written, is discarded and
        rebuilt once, with a note; if the new build cannot be opened either, :class:`CacheError`
        names the folder. No recursion: at most two builds are tried."""
        damaged: str | None = None
        if not rebuild:
            pointer = self.pointer()
            if pointer is not None and self._unchanged(pointer, found):
                opened = self._open_build(pointer)
                if isinstance(opened, Opened):
                    return self._done(opened, "reused", began, [])
                damaged = opened
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._exclusive():
            pointer = self.pointer()  # someone may have built while this process waited
            if pointer is not None and not rebuild and damaged is None:
                found_damage = self._open_build(pointer)
                if isinstance(found_damage, Opened):
                    found_damage.close()
                else:
                    damaged = found_damage
            if damaged is not None:
                log.warning("the query index in %s was damaged (%s): rebuilt it",
                            self.folder, damaged)
            action, changed = "built", [s.key for s in found]
            if pointer is not None and not rebuild and damaged is None:
                action, changed, pointer = self._bring_up_to_date(pointer, found)
            else:
                pointer = self._build(found, None, [])
            self._clean(keep=pointer["build"])
        opened = self._open_build(pointer)
        if not isinstance(opened, Opened):
            why = opened or "its build was removed by another process"
            raise CacheError(
                f"the query index in {self.folder} cannot be opened ({why}); run 'cyberflag "
                "index --rebuild' or remove the folder"
            )
        return self._done(opened, action, began, changed)

    def verify(self, opened: Opened) -> str | None:
        """What is wrong with the build ``opened`` holds, reading every file (digests) and
        counting its triples: for damage the cheap check on open cannot see (``index --check``)."""
        pointer = self.pointer()
        if pointer is None or opened.path is None or opened.path.name != pointer["build"]:
            return "its pointer no longer names the build that was opened"
        wrong = inventory.damage(opened.path, pointer["inventory"], digests=True)
        if wrong is None and len(opened.store) != pointer["triples"]:
            wrong = f"it holds {len(opened.store):,} triples, not the {pointer['triples']:,} built"
        return wrong

    def _done(self, opened: Opened, action: str, began: float, changed: list[str]) -> Opened:
        opened.action = action
        opened.changed = changed
        opened.seconds = time.perf_counter() - began
        return opened

    def _open_build(self, pointer: dict[str, Any]) -> Opened | str | None:
        """Open the pointer's build read-only, holding its readers' lock: the store, or what is
        wrong with the build, or None if it is gone (removed by another process's rebuild)."""
        build = self.folder / pointer["build"]
        reader = open(self.folder / f"{pointer['build']}.readers", "ab")  # noqa: SIM115 - held
        fcntl.flock(reader, fcntl.LOCK_SH)
        if not build.is_dir():  # removed between reading the pointer and locking
            reader.close()
            return None
        wrong = inventory.damage(build, pointer["inventory"])
        if wrong is not None:
            reader.close()
            return wrong
        try:
            store = ox.Store.read_only(str(build))
        except (OSError, RuntimeError, ValueError) as error:  # RocksDB: "Corruption: ..."
            reader.close()
            said = " ".join(str(error).split()) or type(error).__name__
            return said if len(said) <= 120 else said[:120].rsplit(" ", 1)[0] + " …"
        return Opened(store, "reused", int(pointer["triples"]), 0.0, len(pointer["files"]),
                      path=build, inventory=pointer["inventory"], _reader=reader)

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        with open(self.folder / _LOCK, "ab") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _bring_up_to_date(
        self, pointer: dict[str, Any], found: list[Source]
    ) -> tuple[str, list[str], dict[str, Any]]:
        """Compare by content the files whose size or time differ; reuse, update or rebuild."""
        recorded: dict[str, list[Any]] = pointer["files"]
        hashes: dict[str, str] = {}
        changed: list[str] = []
        for source in found:
            entry = recorded.get(source.key)
            if entry is not None and entry[0] == source.size and entry[1] == source.mtime_ns:
                hashes[source.key] = entry[2]
                continue
            hashes[source.key] = sha256_file(source.path)
            if entry is None or entry[2] != hashes[source.key]:
                changed.append(source.key)
        present = {s.key for s in found}
        removed = sorted(k for k in recorded if k not in present)
        if not changed and not removed:  # only times changed: record them, keep the build
            pointer = {**pointer, "files": self._record(found, hashes)}
            self._write_pointer(pointer)
            return "reused", [], pointer
        by_key = {s.key: s for s in found}
        total = sum(s.size for s in found) or 1
        changed_bytes = sum(by_key[k].size for k in changed)
        if changed_bytes <= UPDATE_MAX_FRACTION * total and pointer.get("updates", 0) < MAX_UPDATES:
            new = self._build(found, pointer, changed + removed, hashes)
            return "updated", sorted(changed + removed), new
        return "built", sorted(changed + removed), self._build(found, None, [], hashes)

    # building

    def _build(
        self,
        found: list[Source],
        base: dict[str, Any] | None,
        changed: list[str],
        hashes: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Write a build (from scratch, or ``base``'s build with ``changed`` files replaced),
        make it current, and return the new pointer. Called with the exclusive lock held."""
        for debris in self.folder.glob("tmp-*"):  # left by an interrupted build
            shutil.rmtree(debris, ignore_errors=True)
        build_id = f"b-{uuid.uuid4().hex[:16]}"
        tmp = self.folder / f"tmp-{build_id}"
        by_key = {s.key: s for s in found}
        try:
            if base is None:
                store = ox.Store(str(tmp))
                store.bulk_extend(quads(found))
            else:
                previous = ox.Store.read_only(str(self.folder / base["build"]))
                previous.backup(str(tmp))  # a RocksDB checkpoint: hard links, not copies
                del previous
                store = ox.Store(str(tmp))
                for key in changed:
                    store.remove_graph(ox.NamedNode(_graph_of(key, by_key, base)))
                    if key in by_key:
                        source = by_key[key]
                        load_into(store, [source])
            store.flush()
            triples = len(store)
            del store
            _test_pause()
            if hashes is None:
                hashes = {s.key: sha256_file(s.path) for s in found}
            elif len(hashes) < len(found):
                hashes = {**{s.key: sha256_file(s.path) for s in found}, **hashes}
            recorded = inventory.record(tmp, base.get("inventory") if base is not None else None)
            os.rename(tmp, self.folder / build_id)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        graphs = {s.key: s.graph for s in found}
        pointer = {
            "format": FORMAT,
            "build": build_id,
            "triples": triples,
            "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "updates": 0 if base is None else int(base.get("updates", 0)) + 1,
            "graphs": graphs,
            "files": self._record(found, hashes),
            "inventory": recorded,
        }
        self._write_pointer(pointer)  # the commit point
        return pointer

    def _clean(self, keep: str) -> None:
        """Delete builds other than ``keep`` that no reader holds."""
        for build in self.folder.glob("b-*"):
            if build.name == keep or not build.is_dir():
                continue
            lock_path = self.folder / f"{build.name}.readers"
            with open(lock_path, "ab") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue  # in use: a later build deletes it
                shutil.rmtree(build, ignore_errors=True)
                with contextlib.suppress(FileNotFoundError):
                    lock_path.unlink()
        for lock_path in self.folder.glob("b-*.readers"):  # locks of builds already gone
            if lock_path.stem != keep and not (self.folder / lock_path.stem).exists():
                with contextlib.suppress(FileNotFoundError):
                    lock_path.unlink()


def _well_formed(data: object) -> bool:
    """Whether a pointer read from disk has every field of the current format, each of its type
    (a pointer that does not is treated as absent: the index is rebuilt)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return False
    files, graphs = data.get("files"), data.get("graphs")
    return (
        isinstance(data.get("build"), str)
        and re.fullmatch(r"b-[0-9a-f]{16}", data["build"]) is not None
        and isinstance(data.get("triples"), int)
        and isinstance(data.get("updates", 0), int)
        and isinstance(graphs, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in graphs.items())
        and isinstance(files, dict)
        and all(
            isinstance(k, str) and isinstance(v, list) and len(v) == 3
            and isinstance(v[0], int) and isinstance(v[1], int | None) and isinstance(v[2], str)
            for k, v in files.items()
        )
        and inventory.well_formed(data.get("inventory"))
    )


def _graph_of(key: str, by_key: dict[str, Source], base: dict[str, Any]) -> str:
    """The named graph of ``key``: from the file, or for a removed file from the old pointer."""
    if key in by_key:
        return by_key[key].graph
    return str(base.get("graphs", {}).get(key) or graph_name(key.split("/", 1)[1]))


def _test_pause() -> None:
    setting = os.environ.get(PAUSE_ENV)
    if setting:
        marker, _, seconds = setting.rpartition(":")
        if not marker or not re.fullmatch(r"[0-9.]+", seconds):
            marker, seconds = setting, "60"
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(float(seconds))


__all__ = ["FORMAT", "Index", "Opened"]
