"""IRIs and terms as people read them: ``cfd:person/simon-bailey`` rather than the full IRI.

The one shortener for every view (tables, who-said, the validation report). Unlike the Turtle
writer it does not insist that the local part is a valid prefixed name: ``cfd:span/a/1-5`` is
clearer on screen than the full IRI, and a view is never parsed back. Free of rdflib, so the query
commands can shorten without paying for its import.
"""

from __future__ import annotations

from collections.abc import Mapping

from cyberflag.rdf.prefixes import PREFIXES
from cyberflag.sparql.results import Term

PROJECT_PREFIXES = {"cfd": PREFIXES["cfd"], "cf": PREFIXES["cf"]}
"""The project's own namespaces: what the validation report shortens (other IRIs stay whole)."""

Prefixes = tuple[tuple[str, str], ...]


def ordered(prefixes: Mapping[str, str] | None = None) -> Prefixes:
    """``prefixes`` (default: the project's table) longest namespace first, so a nested namespace
    wins over the one containing it; ties keep the table's order."""
    table = PREFIXES if prefixes is None else prefixes
    return tuple(sorted(table.items(), key=lambda kv: -len(kv[1])))


_DEFAULT = ordered()


def short_iri(iri: str, prefixes: Prefixes = _DEFAULT, *, brackets: bool = True) -> str:
    """``prefix:local`` when a namespace of ``prefixes`` starts ``iri`` (and something follows it);
    otherwise the IRI, in angle brackets when ``brackets``."""
    for name, namespace in prefixes:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{name}:{iri[len(namespace):]}"
    return f"<{iri}>" if brackets else iri


def short_term(term: Term | None, prefixes: Prefixes = _DEFAULT) -> str:
    """A result term for people: IRIs shortened, blank nodes as ``_:label``, literals as their
    text, unbound as ``""``."""
    if term is None:
        return ""
    if term.is_uri:
        return short_iri(term.value, prefixes)
    if term.is_bnode:
        return "_:" + term.value
    return term.value


__all__ = ["PROJECT_PREFIXES", "Prefixes", "ordered", "short_iri", "short_term"]
