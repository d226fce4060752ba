"""While a local query runs: the process's memory bounded, and a long query's index build read
for damage.

Why: damage inside a build that keeps each file's size and time (zeroed blocks in an ``.sst``,
written in place) passes the check on open (:mod:`cyberflag.index.inventory` compares sizes and
times, not contents, to keep opening cheap), and a query over such a build can spin at full CPU
while its memory grows by hundreds of MB a second, until the kernel kills it or the machine
stalls. A query over sound data can also grow without end (a cartesian product).

So, while Oxigraph evaluates a query (it releases the GIL, so a thread can watch):

* every :data:`~cyberflag.memory.MEMORY_POLL` s the process's resident size is compared with the
  bound (:func:`cyberflag.memory.max_memory`: half of the memory, or ``CYBERFLAG_MAX_MEMORY``);
  past it the command stops with one line and exit 1;
* a query that is still running after :data:`CHECK_AFTER` s over an on-disk build has the build
  read once and compared with its recorded digests (what ``cyberflag index --check`` does). A
  damaged build is discarded (the pointer that names it is removed, so the next command
  rebuilds) and the command stops with one line and exit 1. A sound build costs one read of its
  files, once, and only for queries that are slow anyway.

The process ends with :func:`os._exit`: a query inside the engine cannot be interrupted, and
nothing has been written yet (results are printed, or written atomically, after the query).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from cyberflag.errors import EXIT_FAILURE
from cyberflag.index import inventory
from cyberflag.index.builds import Index, Opened
from cyberflag.memory import ENV_MAX_MEMORY, MEMORY_POLL, format_size, max_memory, resident

CHECK_AFTER = 2.0
"""Seconds a query runs over an on-disk build before the build is read for damage."""


def stop(message: str) -> None:  # pragma: no cover - ends the process (tested in a subprocess)
    """One line on stderr, exit 1, at once: the engine's thread cannot be interrupted."""
    sys.stderr.write(f"cyberflag: error: {message}\n")
    sys.stderr.flush()
    os._exit(EXIT_FAILURE)


def damage_of(opened: Opened) -> str | None:
    """What reading the build's files finds wrong with it (``None``: sound, or in memory)."""
    if opened.path is None or opened.inventory is None:
        return None
    return inventory.damage(opened.path, opened.inventory, digests=True)


def discard(build: Path) -> None:
    """Make the next command rebuild: remove the pointer if it still names ``build``."""
    index = Index(build.parent)
    pointer = index.pointer()
    if pointer is not None and pointer.get("build") == build.name:
        with contextlib.suppress(OSError):
            (build.parent / "current.json").unlink()


def _damaged(opened: Opened) -> str:
    """The line for a damaged build, after discarding it; empty when the build is sound."""
    wrong = damage_of(opened)
    if wrong is None or opened.path is None:
        return ""
    discard(opened.path)
    return (f"the query index in {opened.path.parent} is damaged ({wrong}); the query was "
            "stopped and the next command rebuilds the index")


def _watch(opened: Opened | None, bound: int | None, done: threading.Event) -> None:
    began = time.monotonic()
    checked = opened is None or opened.path is None
    pid = os.getpid()
    while not done.wait(MEMORY_POLL):
        held = resident(pid) if bound is not None else None
        if bound is not None and held is not None and held > bound:
            said = _damaged(opened) if opened is not None and not checked else ""
            stop(said or (
                f"the query made cyberflag hold {format_size(held)}, over the bound of "
                f"{format_size(bound)} ({ENV_MAX_MEMORY}; by default half of the memory); simplify "
                "the query or raise the bound"
            ))
        if not checked and time.monotonic() - began >= CHECK_AFTER:
            checked = True
            said = _damaged(opened) if opened is not None else ""
            if said and not done.is_set():
                stop(said)


@contextlib.contextmanager
def watched(opened: Opened | None, bound: int | None = None) -> Iterator[None]:
    """Watch the code inside (one query's evaluation) as the module docstring says. ``bound``:
    bytes (default :func:`~cyberflag.memory.max_memory`)."""
    limit = bound if bound is not None else max_memory()
    done = threading.Event()
    thread = threading.Thread(target=_watch, args=(opened, limit, done), daemon=True,
                              name="cyberflag-watch")
    thread.start()
    try:
        yield
    finally:
        done.set()


__all__ = ["CHECK_AFTER", "damage_of", "discard", "watched"]
