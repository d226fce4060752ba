"""A resource as a reader meets it: its name, what it is, and its properties by their labels.

One description, drawn from :class:`~cyberflag.site.graph.Triples`, is laid out twice: as text by
``show`` (:mod:`cyberflag.site.show`) and as HTML by the site (:mod:`cyberflag.site.pages`). It is
generic: any resource, of any class, is described from its triples and the ontology's labels, so a
new kind of fact (or a draft one) needs no code here.
"""

from __future__ import annotations

from dataclasses import dataclass

from cyberflag.rdf.prefixes import PREFIXES
from cyberflag.site.graph import LABELS, RDF_TYPE, Triples
from cyberflag.sparql.results import Term
from cyberflag.text.iri import short_iri

HIDDEN = {*LABELS[:1], RDF_TYPE}
"""Shown in the heading rather than among the properties (the name and the classes)."""


@dataclass(frozen=True)
class Value:
    """One object of a property: a resource (with its label, when it has one) or a literal."""

    term: Term
    label: str

    @property
    def is_resource(self) -> bool:
        return self.term.is_uri


@dataclass(frozen=True)
class Property:
    """One property of the resource (or one pointing at it, when ``inverse``)."""

    iri: str
    label: str
    values: tuple[Value, ...]
    inverse: bool = False


@dataclass(frozen=True)
class Description:
    iri: str
    label: str
    types: tuple[Value, ...]
    properties: tuple[Property, ...]
    incoming: tuple[Property, ...]

    @property
    def kind(self) -> str:
        """The first class's label (``statement``, ``Person``): what the page is about."""
        return self.types[0].label if self.types else "resource"


CF, ORG, OA = PREFIXES["cf"], PREFIXES["org"], PREFIXES["oa"]
SPEAKER, TEXT, HAS_REPORT = CF + "speaker", PREFIXES["schema"] + "text", CF + "hasReport"
SNIPPET = 60
"""How many characters of a statement's words name it, when it has no label."""


def name_of(graph: Triples, iri: str) -> str:
    """The label of ``iri``; else a name made from what it says (statements, observations,
    asks, inferences and memberships have no label of their own): for what someone said, the
    speaker and the first words; for a report-bearing fact, its first report's words; else its
    own words or reasoning; for a membership, its role and organisation. Else its shortened IRI:
    never nothing."""
    label = graph.label(iri)
    if label is not None:
        return label
    speaker, text = graph.value(iri, SPEAKER), graph.value(iri, TEXT)
    if speaker is not None and text is not None:
        return f"{name_of(graph, speaker.value)}: “{snippet(text.value)}”"
    words = [graph.value(r.value, CF + "reportedWords") for r in graph.objects(iri, HAS_REPORT)]
    own = next((w for w in words if w is not None), None) or text or graph.value(
        iri, CF + "reasoning"
    )
    if own is not None:
        return f"“{snippet(own.value)}”" if words else snippet(own.value)
    of, target = graph.value(iri, OA + "hasBody"), graph.value(iri, OA + "hasTarget")
    article = graph.value(target.value, OA + "hasSource") if target is not None else None
    if of is not None and article is not None:  # a report
        return f"report in {name_of(graph, article.value)}"
    span = _exact(graph, iri)  # a span: its words
    if span is not None:
        return f"“{snippet(span)}”"
    body = graph.value(iri, CF + "body")  # an article without a headline: its first words
    first_words = _exact(graph, body.value) if body is not None else None
    if first_words is not None:
        return f"“{snippet(first_words)}” (no headline)"
    role, organisation = graph.value(iri, ORG + "role"), graph.value(iri, ORG + "organization")
    if role is not None and organisation is not None:
        return f"{name_of(graph, role.value)}, {name_of(graph, organisation.value)}"
    return short_iri(iri, brackets=False)


def _exact(graph: Triples, span: str) -> str | None:
    """The words a span's quote selector gives, or ``None``."""
    for selector in graph.objects(span, OA + "hasSelector"):
        exact = graph.value(selector.value, OA + "exact")
        if exact is not None:
            return exact.value
    return None


def snippet(text: str) -> str:
    """The first words of ``text``, cut at a word and marked when cut."""
    words = " ".join(text.split())
    return words if len(words) <= SNIPPET else words[:SNIPPET].rsplit(" ", 1)[0] + " …"


def property_name(graph: Triples, iri: str) -> str:
    """A property's label, else the last part of its IRI (``text`` for ``schema:text``)."""
    label = graph.label(iri)
    if label is not None:
        return label
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def value_of(graph: Triples, term: Term) -> Value:
    """``term`` with the text a reader sees for it (a literal's language or datatype is left to
    the Turtle and JSON-LD files beside the page)."""
    if term.is_uri:
        return Value(term, name_of(graph, term.value))
    if term.is_bnode:
        return Value(term, "_:" + term.value)
    return Value(term, term.value)


def describe(graph: Triples, iri: str) -> Description:
    """``iri``'s description: properties in label order, values in label order."""
    own = graph.out.get(iri, {})
    properties = [
        Property(p, property_name(graph, p), _values(graph, objects))
        for p, objects in own.items() if p not in HIDDEN
    ]
    by_predicate: dict[str, list[Term]] = {}
    for subject, predicate in graph.into.get(iri, ()):
        by_predicate.setdefault(predicate, []).append(subject)
    incoming = [
        Property(p, property_name(graph, p), _values(graph, subjects), inverse=True)
        for p, subjects in by_predicate.items()
    ]
    return Description(
        iri,
        name_of(graph, iri),
        tuple(
            Value(t, property_name(graph, t.value)) for t in graph.objects(iri, RDF_TYPE)
        ),
        tuple(sorted(properties, key=lambda p: (p.label.lower(), p.iri))),
        tuple(sorted(incoming, key=lambda p: (p.label.lower(), p.iri))),
    )


def _values(graph: Triples, terms: list[Term]) -> tuple[Value, ...]:
    values = {value_of(graph, t) for t in terms}
    return tuple(sorted(values, key=lambda v: (v.label.lower(), v.term.value)))


def expand(text: str) -> str:
    """A CURIE of the project's prefixes (``cfd:person/simon-bailey``) as its IRI; an IRI (or
    anything else) unchanged."""
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return text


__all__ = [
    "Description", "Property", "Value", "describe", "expand", "name_of", "property_name",
    "snippet", "value_of",
]
