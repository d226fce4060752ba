"""Errors the command line turns into one line on stderr and an exit code.

Exit codes follow pySHACL's convention, so scripts can tell "the data is wrong" from "I could not
even look at the data":

====  =====================================================================
0     success (and, for ``validate``, the data conforms)
1     failure: the data does not conform, or a check found a problem
2     usage or input error: bad option, missing file, Turtle syntax error
====  =====================================================================
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class CyberflagError(Exception):
    """Base class: an expected failure with a one-line message and an exit code."""

    exit_code: int = EXIT_FAILURE


class InputError(CyberflagError):
    """Something given (or shipped) cannot be used: a missing file, a bad option."""

    exit_code = EXIT_USAGE


class DataError(InputError):
    """A data file cannot be parsed. ``str()`` is one line: ``path:line:column: message``."""

    def __init__(self, path: str, line: int | None, column: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.message = " ".join(message.split())  # one line, whatever the parser said
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


__all__ = [
    "EXIT_FAILURE",
    "EXIT_OK",
    "EXIT_USAGE",
    "CyberflagError",
    "DataError",
    "InputError",
]
