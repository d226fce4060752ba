"""Sizes as people write them (``512M``), how much memory a query may make an engine hold, and
how much a process holds.

Why a bound: a query can make Oxigraph hold more and more (an ``ORDER BY`` over a cartesian
product of the shipped data grew it by about 100 MB a second, to 6 GB within a minute, with
``--timeout-s 2``; a damaged index build made a local query grow to 3.9 GB in 6 s); left alone it
takes the machine down. ``server/oxigraph`` polls ``serve``'s engine and restarts it past the
bound; ``index/watch`` polls the command's own process while a local query runs and stops it.
One bound, one variable (:data:`ENV_MAX_MEMORY`), for both.

The default is half of the memory: ``MemTotal`` from ``/proc/meminfo``, or the control group's
limit (``memory.max``, cgroup v2) when that is lower, as in a container. Outside Linux there is no
``/proc``: no default, and nothing is polled.
"""

from __future__ import annotations

import re
from pathlib import Path

MIB = 1 << 20
_SIZE = re.compile(r"(\d+(?:\.\d*)?)\s*([KMGT]?)(?:I?B)?", re.IGNORECASE)
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
ENV_MAX_MEMORY = "CYBERFLAG_MAX_MEMORY"
MEMORY_POLL = 0.25
"""Seconds between two readings of the process's resident size (one small read of /proc)."""


def parse_size(text: str) -> int:
    """``100M``, ``2G``, ``512KiB``, ``1.5GB`` or ``4096`` as bytes (units are powers of 1024);
    :class:`ValueError` for anything else, or for nothing."""
    found = _SIZE.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"{text!r} is not a size (e.g. 4096, 100M, 2G)")
    size = int(float(found.group(1)) * _UNITS[found.group(2).upper()])
    if size <= 0:
        raise ValueError(f"{text!r} is not a size above zero")
    return size


def format_size(n: int) -> str:
    """``512 MiB``, ``1.5 GiB``, ``100 B``: a limit as people write it back."""
    for unit, factor in (("GiB", 1024**3), ("MiB", MIB), ("KiB", 1024)):
        if n >= factor:
            value = n / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} B"


def _kib_field(text: str, name: str) -> int | None:
    """``name:   123 kB`` in a /proc file, in bytes."""
    for line in text.splitlines():
        if line.startswith(f"{name}:"):
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                return int(parts[1]) * 1024
    return None


def resident(pid: int) -> int | None:
    """The resident size of ``pid`` in bytes (``VmRSS``), or ``None`` (gone, or no /proc)."""
    try:
        return _kib_field(Path(f"/proc/{pid}/status").read_text(), "VmRSS")
    except (OSError, ValueError):
        return None


def machine_memory() -> int | None:
    """The memory this process may use: ``MemTotal``, or the cgroup's limit if lower."""
    try:
        total = _kib_field(Path("/proc/meminfo").read_text(), "MemTotal")
    except OSError:
        return None
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
    except OSError:
        limit = "max"
    if total is not None and limit.isdigit():
        return min(total, int(limit))
    return total


def max_memory() -> int | None:
    """The bound: :data:`ENV_MAX_MEMORY` (``2G``, ``512M``, bytes) when set and valid, else
    :func:`default_max_memory`. A value that is not a size is ignored, not fatal: the bound is a
    guard, and the default guards as well."""
    import os

    text = os.environ.get(ENV_MAX_MEMORY, "").strip()
    if text:
        try:
            return parse_size(text)
        except ValueError:
            pass
    return default_max_memory()


def default_max_memory() -> int | None:
    """Half of :func:`machine_memory` (at least 256 MiB), or ``None`` where it is unknown."""
    memory = machine_memory()
    return None if memory is None else max(256 * MIB, memory // 2)


__all__ = [
    "ENV_MAX_MEMORY", "MEMORY_POLL", "MIB", "default_max_memory", "format_size", "machine_memory",
    "max_memory", "parse_size",
    "resident",
]
