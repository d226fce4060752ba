"""How much memory ``serve``'s Oxigraph process may hold, and how much it holds.

Why a bound: a query can make Oxigraph hold more and more (an ``ORDER BY`` over a cartesian
product of the shipped data grew it by about 100 MB a second, to 6 GB within a minute, with
``--timeout-s 2``); left alone it takes the machine down. ``server/oxigraph`` polls the process's
resident size and restarts it past the bound.

The default is half of the memory: ``MemTotal`` from ``/proc/meminfo``, or the control group's
limit (``memory.max``, cgroup v2) when that is lower, as in a container. Outside Linux there is no
``/proc``: no default, and nothing is polled.
"""

from __future__ import annotations

from pathlib import Path

MIB = 1 << 20
ENV_MAX_MEMORY = "CYBERFLAG_SERVE_MAX_MEMORY"
MEMORY_POLL = 0.25
"""Seconds between two readings of the process's resident size (one small read of /proc)."""


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


def default_max_memory() -> int | None:
    """Half of :func:`machine_memory` (at least 256 MiB), or ``None`` where it is unknown."""
    memory = machine_memory()
    return None if memory is None else max(256 * MIB, memory // 2)


__all__ = [
    "ENV_MAX_MEMORY", "MEMORY_POLL", "default_max_memory", "machine_memory", "resident",
]
