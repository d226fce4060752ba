"""SPARQL query text, read as far as the project needs: its form, its top-level ``WHERE`` brace,
a syntax check with line and column, and the prefixes it forgot to declare.

A small tokenizer, not a parser: only enough to find the query form and the ``WHERE`` brace
reliably (comments, the four string forms, IRIs and names are skipped or read whole, so a brace,
keyword or ``#`` inside any of them is never mistaken for syntax). The syntax check itself is
pyoxigraph's parser. Importing this module costs pyoxigraph only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from cyberflag.errors import DataError, InputError
from cyberflag.rdf.prefixes import PREFIXES

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


class QueryFileError(DataError):
    """A saved query cannot be used: ``path:line:column: message``, like a compiler's."""


class QuerySyntaxError(InputError):
    """Query text (not a saved file) does not parse; the message gives line and column."""



# An IRI may hold \u and \U escapes (UCHAR): read whole, so that a '#' or quote after one is
# not taken for a comment or a string (which would hide what follows from every check).
_IRIREF = re.compile(r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>')
# A run of characters that can belong to one name-like token: keyword, prefixed name, variable,
# number, language tag. "where" inside "?where", "ex:where" or "@where" is then not the keyword.
# A backslash escapes the next character of a local name (ex:a\#b, ex:a\'b), so it is taken
# with it: that '#' starts no comment and that quote no string.
_WORD = re.compile(r"(?:[A-Za-z0-9_?$:@%\-.\u00b7-\U0010ffff]|\\.)+")


@dataclass(frozen=True)
class Token:
    """A structural token: a brace/paren (``kind`` is the character) or a ``word``."""

    kind: str
    text: str
    start: int
    depth: int  # braces and parentheses open before this token


def _skip_string(text: str, i: int) -> int:
    """Index just past the string literal starting at ``i`` (any of the four quote forms)."""
    quote = text[i]
    long = text.startswith(quote * 3, i)
    delimiter = quote * 3 if long else quote
    j = i + len(delimiter)
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if text.startswith(delimiter, j):
            return j + len(delimiter)
        if not long and c in "\r\n":
            return j  # unterminated short string: let the real parser report it
        j += 1
    return len(text)


def tokens(text: str) -> Iterator[Token]:
    """Braces, parentheses and words of ``text``, outside comments, strings and IRIs."""
    i, n, depth = 0, len(text), 0
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            i = _skip_string(text, i)
        elif c == "<":
            m = _IRIREF.match(text, i)
            i = m.end() if m else i + 1  # not an IRI: the less-than operator
        elif c in "{([":
            yield Token(c, c, i, depth)
            depth += 1
            i += 1
        elif c in "})]":
            depth = max(depth - 1, 0)
            yield Token(c, c, i, depth)
            i += 1
        else:
            m = _WORD.match(text, i)
            if m:
                yield Token("word", m.group(), i, depth)
                i = m.end()
            else:
                i += 1


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``, or ``UPDATE`` for any SPARQL Update.

    Read from the first keyword after the prologue (``BASE``/``PREFIX``), so that a refusal of
    updates does not depend on an engine's error message.
    """
    skip_next = False
    for token in tokens(text):
        if token.kind != "word" or token.depth:
            continue
        if skip_next:
            skip_next = False
            continue
        word = token.text.upper()
        if word == "PREFIX":
            skip_next = True  # the prefix name; its IRI is skipped by the tokenizer
            continue
        if word == "BASE":
            continue
        if word in QUERY_FORMS:
            return word
        if word in UPDATE_KEYWORDS:
            return "UPDATE"
        break
    return "UNKNOWN"


OX_POSITION = re.compile(r"error at (\d+):(\d+):\s*")
"""Where pyoxigraph's query parser says an error is (line, column), before its message."""


MAX_NESTING = 32
"""The deepest a query may nest groups, parentheses and blank-node brackets. Parsers recurse: rdflib
overflows Python's stack at about 40 levels and Oxigraph's own stack (a crash of the process, or
of the server) in the low thousands; real queries stay under ten."""


def check_nesting(text: str, where: str = "<query>", *, file: bool = False) -> None:
    """Refuse ``text`` if it nests deeper than :data:`MAX_NESTING`, before any parser sees it."""
    deepest = max((t.depth + 1 for t in tokens(text) if t.kind in "{(["), default=0)
    if deepest <= MAX_NESTING:
        return
    message = (
        f"the query nests groups, parentheses or brackets {deepest} deep; at most "
        f"{MAX_NESTING} are allowed"
    )
    if file:
        raise QueryFileError(where, None, None, message)
    raise QuerySyntaxError(f"{where}: {message}")


_VARIABLE = re.compile(r"[?$][A-Za-z0-9_\u00b7-\U0010ffff]+")


def uses_service(text: str) -> bool:
    """Whether ``text`` may ask another endpoint for data (a ``SERVICE`` call): a server that runs
    it makes requests, on a stranger's behalf, wherever its host can reach.

    Read as warily as the parser reads: Oxigraph takes a keyword with no break before it
    (``?o.SERVICE``, ``1SERVICE``, ``trueSERVICE``, ``ex:.SERVICE`` all call a service), so any word
    holding "service" in any case counts, except a plain variable (``?service``). Strings, IRIs and
    comments never count: a query may still search for the word.
    """
    return any(
        "SERVICE" in t.text.upper() and not _VARIABLE.fullmatch(t.text)
        for t in tokens(text)
        if t.kind == "word"
    )


def check_syntax(text: str, where: str = "<query>", *, file: bool = False) -> None:
    """Raise if ``text`` is not a SPARQL 1.1 query (by pyoxigraph's parser).

    ``Store.query`` on an empty store parses and plans the query; results are lazy and are never
    pulled, so nothing is evaluated (not even a SERVICE call). SPARQL Update is refused here too.
    """
    if query_form(text) == "UPDATE":
        raise InputError(f"{where}: SPARQL Update is not allowed; queries are read-only")
    check_nesting(text, where, file=file)
    try:
        ox.Store().query(text)
    except SyntaxError as error:
        message = error.msg or str(error)
        m = OX_POSITION.search(message)
        line = int(m.group(1)) if m else None
        column = int(m.group(2)) if m else None
        message = OX_POSITION.sub("", message) or "syntax error"
        # an undeclared prefix is the likeliest cause, whatever token the parser expected
        message = undeclared_prefixes(text) or message
        if file:
            raise QueryFileError(where, line, column, message) from None
        location = f"{line}:{column}: " if line is not None else ""
        raise QuerySyntaxError(f"{where}:{location}{' '.join(message.split())}") from None


_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:")


def undeclared_prefixes(text: str) -> str | None:
    """What to say when a query uses a prefix it does not declare (rather than the parser's list
    of expected characters): which prefixes, and the PREFIX lines for those the project knows."""
    words = [t.text for t in tokens(text) if t.kind == "word"]
    declared = {
        words[i + 1][:-1].lower()
        for i, word in enumerate(words[:-1])
        if word.lower() == "prefix" and words[i + 1].endswith(":")
    }
    used = []
    for i, word in enumerate(words):
        if word.startswith(("?", "$", "@")) or (i and words[i - 1].lower() == "prefix"):
            continue
        m = _PREFIXED.match(word)
        if m is not None and (m.group(1) or "").lower() not in declared:
            name = m.group(1) or ""
            if name not in used:
                used.append(name)
    if not used:
        return None
    lines = [f"PREFIX {name}: <{PREFIXES[name]}>" for name in used if name in PREFIXES]
    said = ", ".join(f"{name}:" for name in used)
    hint = f"; add {'; '.join(lines)}" if lines else ""
    return f"prefix {said} not declared{hint}"



__all__ = [
    "MAX_NESTING", "OX_POSITION", "QUERY_FORMS", "UPDATE_KEYWORDS", "QueryFileError",
    "QuerySyntaxError", "Token",
    "check_nesting", "check_syntax", "query_form", "tokens", "undeclared_prefixes", "uses_service",
]
