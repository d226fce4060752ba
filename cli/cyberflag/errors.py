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

from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit, urlunsplit

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


def did_you_mean(
    unknown: Iterable[str], known: Sequence[str], *, n: int = 1, cutoff: float = 0.6,
    quote: bool = True,
) -> str:
    """``did you mean 'a' or 'b'?`` for the names of ``known`` closest to each ``unknown`` one
    (``""`` when none is close): one wording for every mistyped name the tool can guess at
    (saved queries, parameters, result columns)."""
    import difflib  # an error path only: every command imports this module

    guesses = [g for u in unknown for g in difflib.get_close_matches(u, known, n=n, cutoff=cutoff)]
    if not guesses:
        return ""
    return f"did you mean {' or '.join(map(repr, guesses) if quote else guesses)}?"


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


class CacheError(CyberflagError):
    """A cache folder (the query index) cannot be used even after it was rebuilt once: exit 1,
    naming the folder and what to do. Damage that a rebuild repairs is only a note."""

    exit_code = EXIT_FAILURE


def redact_url(url: str) -> str:
    """``url`` without any ``user:password@`` part, fit to print.

    Error messages name the endpoint so that the reader knows which server failed; a URL may carry
    credentials, which must never reach a terminal, a log or a CI transcript.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    if parts.port is not None:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


class EndpointError(CyberflagError):
    """A SPARQL endpoint (or Graph Store) could not be used: refused, failed, silent, or garbled.

    Exit code 1, not 2: the command was well formed, the server (or the network) failed. ``str()``
    is one line that starts with the endpoint's URL (credentials removed) and ends with the reason,
    the server's own message included when it sent one.
    """

    exit_code = EXIT_FAILURE

    def __init__(self, endpoint: str, message: str, status: int | None = None) -> None:
        self.endpoint = redact_url(endpoint)
        self.message = " ".join(message.split())
        self.status = status
        """The HTTP status the server answered with, when it answered."""
        super().__init__(str(self))

    @property
    def refused(self) -> bool:
        """Whether the server answered that it would not do what was asked (a 4xx other than a
        timeout or a rate limit): by HTTP's rules it then did none of it."""
        return self.status is not None and 400 <= self.status < 500 and self.status not in (
            408, 429
        )

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.message}"


__all__ = [
    "EXIT_FAILURE",
    "EXIT_OK",
    "EXIT_USAGE",
    "CacheError",
    "CyberflagError",
    "DataError",
    "EndpointError",
    "InputError",
    "redact_url",
]
