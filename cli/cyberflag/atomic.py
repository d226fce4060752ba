"""Write files so that a reader (or a crash) never sees half of one.

The text goes to a temporary file in the target's own directory (so ``os.replace`` is a rename on
one file system, atomic on POSIX and Windows) and is fsynced before it replaces the target.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def _new_file_mode() -> int:
    """The mode ``open(..., "w")`` would give: 0o666 less the umask (mkstemp uses 0o600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` atomically; line ends are written as given."""
    write_bytes_atomic(path, text.encode(encoding))


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, keeping an existing file's permissions."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path()
    mode = target.stat().st_mode & 0o7777 if target.exists() else _new_file_mode()
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


__all__ = ["write_bytes_atomic", "write_text_atomic"]
