"""Constructs in a query that are known to give different answers on different SPARQL engines.

Every saved query must run unchanged, with the same rows, on rdflib, Oxigraph and any SPARQL 1.1
endpoint. Standard SPARQL is not enough for that: engines differ on what the standard leaves open
(``GROUP_CONCAT``'s order), on extensions, and in their own bugs. Each rule here is one such
difference met in practice (issue #14: Virtuoso), so that a query author hears of it from
``cyberflag queries --check`` or ``cyberflag validate`` rather than from a user of another engine.
``queries/README.md`` keeps the engine matrix the rules come from.

The rules read the query's tokens (:func:`cyberflag.sparql.syntax.tokens`: comments, strings and
IRIs skipped), not its algebra: they must stay cheap and work on any text that parses. So they
err on the side of flagging: a hit names a construct to look at, with the engine and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cyberflag.sparql.syntax import Token, tokens

VIRTUOSO = "Virtuoso"
ANY = "any engine"

STANDARD_FUNCTIONS = frozenset(
    {
        "STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND", "IRI", "URI", "BNODE", "RAND", "ABS",
        "CEIL", "FLOOR", "ROUND", "CONCAT", "STRLEN", "UCASE", "LCASE", "ENCODE_FOR_URI",
        "CONTAINS", "STRSTARTS", "STRENDS", "STRBEFORE", "STRAFTER", "YEAR", "MONTH", "DAY",
        "HOURS", "MINUTES", "SECONDS", "TIMEZONE", "TZ", "NOW", "UUID", "STRUUID", "MD5", "SHA1",
        "SHA256", "SHA384", "SHA512", "COALESCE", "IF", "STRLANG", "STRDT", "SAMETERM", "ISIRI",
        "ISURI", "ISBLANK", "ISLITERAL", "ISNUMERIC", "REGEX", "SUBSTR", "REPLACE", "EXISTS", "NOT",
        "IN", "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT",
    }
)
"""SPARQL 1.1's built-in calls (section 17.4) and aggregates."""

AGGREGATES = frozenset({"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"})
KEYWORDS = frozenset(
    {"SELECT", "WHERE", "FILTER", "BIND", "AS", "VALUES", "OPTIONAL", "UNION", "MINUS", "GRAPH",
     "SERVICE", "GROUP", "ORDER", "BY", "HAVING", "ASC", "DESC", "DISTINCT", "REDUCED", "LIMIT",
     "OFFSET", "CONSTRUCT", "DESCRIBE", "ASK", "FROM", "NAMED", "PREFIX", "BASE", "SEPARATOR",
     "UNDEF", "A", "TRUE", "FALSE", "SILENT"}
)
XSD_CAST = re.compile(r"^xsd:(string|boolean|integer|decimal|float|double|dateTime)$")
CLAUSE_ENDS = frozenset({"HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES", "}"})
MAX_GROUP_KEYS = 20
"""Virtuoso refuses a GROUP BY (or hash join) over more keys: "SQ186: Over 20 keys"."""


@dataclass(frozen=True, order=True)
class Issue:
    """One construct an engine reads differently: where (line), which engine, what and why."""

    line: int
    engine: str
    message: str

    def text(self, where: str) -> str:
        """``where:line: engine: message``, like a compiler's warning."""
        return f"{where}:{self.line}: {self.engine}: {self.message}"


def check(text: str) -> list[Issue]:
    """The portability issues of the query ``text``, by line."""
    found = list(_walk(text, list(tokens(text))))
    return sorted(set(found))


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _close(toks: list[Token], i: int) -> int:
    """Index of the token closing the bracket opened at ``toks[i]``."""
    depth = toks[i].depth
    for j in range(i + 1, len(toks)):
        if toks[j].kind in "})]" and toks[j].depth == depth:
            return j
    return len(toks) - 1


def _walk(text: str, toks: list[Token]) -> list[Issue]:
    issues: list[Issue] = []
    where = next((i for i, t in enumerate(toks) if t.text.upper() == "WHERE"), 0)
    for i, tok in enumerate(toks):
        word = tok.text.upper() if tok.kind == "word" else ""
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        line = _line(text, tok.start)
        if word == "GRAPH" and i + 3 < len(toks) and toks[i + 2].kind == "{" \
                and toks[i + 3].kind == "}":
            issues.append(Issue(line, VIRTUOSO, "empty GRAPH pattern: Virtuoso matches it in no "
                                "graph, so ?g lists nothing; use GRAPH ?g { ?s ?p ?o }"))
        elif word == "GROUP_CONCAT":
            issues.append(Issue(line, ANY, "GROUP_CONCAT's order is undefined: engines join the "
                                "values in different orders; return rows, or MIN and MAX"))
        elif word == "BIND" and nxt is not None and nxt.kind == "(":
            issues += _bind_unbound(text, toks, i, where)
        elif word == "IF" and nxt is not None and nxt.kind == "(":
            issues += _aggregate_in_if(text, toks, i)
        elif word == "FILTER" and nxt is not None and nxt.kind == "(":
            inside = toks[i + 1 : _close(toks, i + 1)]
            if sum(t.text.upper() == "EXISTS" for t in inside if t.kind == "word") > 1:
                issues.append(Issue(line, VIRTUOSO, "several EXISTS in one FILTER: Virtuoso "
                                    "dropped rows only some of them matched; test OPTIONAL "
                                    "matches with BOUND instead"))
        elif word == "GROUP" and nxt is not None and nxt.text.upper() == "BY":
            count = _group_keys(toks, i + 2, tok.depth)
            if count > MAX_GROUP_KEYS:
                issues.append(Issue(line, VIRTUOSO, f"GROUP BY over {count} keys: Virtuoso "
                                    f"refuses more than {MAX_GROUP_KEYS}"))
        elif word == "ORDER" and nxt is not None and nxt.text.upper() == "BY":
            issues += _case_of_str(text, toks, i)
        elif tok.kind == "word" and nxt is not None and nxt.kind == "(" and i > where \
                and not text[tok.start + len(tok.text) : nxt.start].strip():  # not a path
            issues += _function(text, tok, line)
    return issues


def _group_keys(toks: list[Token], start: int, depth: int) -> int:
    """How many keys the GROUP BY clause starting at ``toks[start]`` has."""
    count = 0
    for tok in toks[start:]:
        if tok.depth < depth or (tok.depth == depth and tok.text.upper() in CLAUSE_ENDS):
            break
        if tok.depth == depth and (tok.kind == "(" or tok.text.startswith(("?", "$"))):
            count += 1
    return count


def _function(text: str, tok: Token, line: int) -> list[Issue]:
    """A call of a function SPARQL 1.1 does not define (an extension or a typo)."""
    name = tok.text
    upper = name.upper()
    if upper in STANDARD_FUNCTIONS or upper in KEYWORDS or name.startswith(("?", "$")):
        return []
    if XSD_CAST.match(name):
        return []
    if upper.startswith(("BIF:", "SQL:")):
        return [Issue(line, VIRTUOSO, f"{name}() is Virtuoso's own function: no other engine "
                      "has it")]
    return [Issue(line, ANY, f"{name}() is not a SPARQL 1.1 function: only the engine that "
                  "defines it runs this query")]


def _bind_unbound(text: str, toks: list[Token], i: int, where: int) -> list[Issue]:
    """BIND of a variable nothing before it binds: engines disagree on what such a BIND gives
    (Virtuoso joined the result with the rest of the group and returned no rows)."""
    end = _close(toks, i + 1)
    expression = toks[i + 2 : end]
    as_at = next((k for k, t in enumerate(expression) if t.text.upper() == "AS"), len(expression))
    before = {t.text[1:] for t in toks[where:i] if t.kind == "word" and t.text[0] in "?$"}
    issues = []
    braces = 0  # a pattern inside EXISTS binds its own variables
    for tok in expression[:as_at]:
        braces += (tok.kind == "{") - (tok.kind == "}")
        if braces == 0 and tok.kind == "word" and tok.text[0] in "?$" \
                and tok.text[1:] not in before:
            issues.append(Issue(_line(text, tok.start), VIRTUOSO, f"BIND of {tok.text}, which "
                                "nothing before it binds: Virtuoso evaluates an unbound variable "
                                "in BIND differently; bind it first, or use it in a pattern"))
    return issues


def _aggregate_in_if(text: str, toks: list[Token], i: int) -> list[Issue]:
    """An aggregate in IF's condition, which Virtuoso cannot compile ("Bad dfe")."""
    end = _close(toks, i + 1)
    condition = _first_argument(text, toks[i + 1].start + 1, toks[end].start)
    inside = [t for t in toks[i + 2 : end] if t.start < condition]
    if any(t.kind == "word" and t.text.upper() in AGGREGATES for t in inside):
        return [Issue(_line(text, toks[i].start), VIRTUOSO, "an aggregate in IF's condition: "
                      "Virtuoso cannot compile it; aggregate in a sub-select and test the result "
                      "outside")]
    return []


def _first_argument(text: str, start: int, end: int) -> int:
    """Offset of the comma that ends a call's first argument in ``text[start:end]`` (``end``
    when there is none); brackets and strings are stepped over."""
    depth, quote, k = 0, "", start
    while k < end:
        c = text[k]
        if quote:
            if c == "\\":
                k += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            return k
        k += 1
    return end


def _case_of_str(text: str, toks: list[Token], i: int) -> list[Issue]:
    """``LCASE(STR(...))``/``UCASE(STR(...))`` as a sort key: Virtuoso sorts long and short
    strings apart; ``STR(LCASE(...))`` sorts as other engines do."""
    issues = []
    for k in range(i + 2, len(toks) - 2):
        if toks[k].depth < toks[i].depth:
            break
        if toks[k].text.upper() in ("LCASE", "UCASE") and toks[k + 2].text.upper() == "STR":
            issues.append(Issue(_line(text, toks[k].start), VIRTUOSO, f"ORDER BY "
                                f"{toks[k].text}(STR(...)): Virtuoso sorts long and short "
                                f"strings apart; write STR({toks[k].text}(...))"))
    return issues


__all__ = ["ANY", "VIRTUOSO", "Issue", "check"]
