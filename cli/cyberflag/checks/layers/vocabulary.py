"""Vocabulary hygiene: every class and property the data uses is defined somewhere we know.

A misspelt property (``schema:headlne``) is valid Turtle and passes any shape that does not ask for
it: the fact silently disappears from every query. Here every predicate and every ``rdf:type``
object in the data must be declared in ``ontology/`` (``cf:`` terms) or be a term of one of the
standard vocabularies the ontology builds on. rdflib ships closed term lists for most of them; the
Web Annotation vocabulary, which it lacks, is listed below from the W3C recommendation.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import (
    DCTERMS,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    TIME,
    XSD,
    DefinedNamespace,
)

from cyberflag.checks.findings import ERROR, INFO, Finding
from cyberflag.rdf.namespaces import CF, OA, SCHEMA

LAYER = "vocabulary"

_OA_TERMS_TEXT = """
Annotation AnnotationCollection AnnotationPage Choice CssSelector CssStyle DataPositionSelector
Direction FragmentSelector HttpRequestState Motivation RangeSelector ResourceSelection Selector
SpecificResource State SvgSelector TextPositionSelector TextQuoteSelector TextualBody TimeState
XPathSelector annotationService bodyValue cachedSource canonical end exact hasBody
hasEndSelector hasPurpose hasScope hasSelector hasSource hasStartSelector hasState hasTarget
motivatedBy prefix processingLanguage refinedBy renderedVia sourceDate sourceDateEnd
sourceDateStart start styleClass styledBy suffix textDirection via assessing bookmarking
classifying commenting describing editing highlighting identifying linking moderating
questioning replying tagging
"""
OA_TERMS = frozenset(_OA_TERMS_TEXT.split())
"""Terms of the Web Annotation Vocabulary (W3C Recommendation, 23 February 2017)."""

_DEFINED: tuple[tuple[str, type[DefinedNamespace]], ...] = (
    (str(SCHEMA), SDO),  # the data uses http://schema.org/; rdflib lists https://schema.org/
    (str(PROV), PROV),
    (str(ORG), ORG),
    (str(QB), QB),
    (str(TIME), TIME),
    (str(SKOS), SKOS),
    (str(DCTERMS), DCTERMS),
    (str(RDF), RDF),
    (str(RDFS), RDFS),
    (str(OWL), OWL),
    (str(XSD), XSD),
    (str(SH), SH),
)


def is_standard_term(term: URIRef) -> bool | None:
    """True/False for a term of a known standard vocabulary; None when the namespace is unknown."""
    iri = str(term)
    if iri.startswith(str(OA)):
        return iri[len(str(OA)) :] in OA_TERMS
    for base, namespace in _DEFINED:
        if iri.startswith(base):
            return URIRef(str(namespace) + iri[len(base) :]) in namespace
    return None


def _namespace_of(term: URIRef) -> str:
    iri = str(term)
    return next(base for base in (str(OA), *(b for b, _ in _DEFINED)) if iri.startswith(base))


def declared_terms(ontology: Graph) -> set[URIRef]:
    """The ``cf:`` terms the ontology declares (anything it gives a type)."""
    return {
        s
        for s in ontology.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(CF))
    }


def used_terms(graph: Graph) -> set[tuple[str, URIRef]]:
    """('property', p) for every predicate and ('class', c) for every rdf:type object."""
    used: set[tuple[str, URIRef]] = {
        ("property", p) for p in graph.predicates() if isinstance(p, URIRef)
    }
    used |= {("class", c) for c in graph.objects(None, RDF.type) if isinstance(c, URIRef)}
    return used


def check_graph(graph: Graph, declared: set[URIRef], file: str | None) -> list[Finding]:
    """Findings for the terms one file uses."""
    findings = []
    for kind, term in sorted(used_terms(graph)):
        if str(term).startswith(str(CF)):
            if term in declared:
                continue
            why = "is not declared in the ontology"
        else:
            known = is_standard_term(term)
            if known:
                continue
            why = (
                f"is not a term of {_namespace_of(term)}"
                if known is False
                else "belongs to no vocabulary the ontology builds on"
            )
        findings.append(Finding(LAYER, ERROR, str(term), f"{kind} {why}", file=file))
    return findings


def check(files: dict[str, Graph], ontology: Graph) -> list[Finding]:
    """Findings for every data file (name → graph), against the ontology's declarations."""
    declared = declared_terms(ontology)
    findings: list[Finding] = []
    for name, graph in sorted(files.items()):
        findings += check_graph(graph, declared, name)
    if not findings:
        count = len(set().union(*(used_terms(g) for g in files.values()))) if files else 0
        findings.append(summary(count))
    return findings


def summary(terms: int) -> Finding:
    """The layer's line when every one of the ``terms`` used is defined (the incremental check
    counts them from its cache)."""
    return Finding(
        LAYER,
        INFO,
        "data",
        f"all {terms} classes and properties used "
        f"are defined in the ontology or a standard vocabulary",
    )


__all__ = [
    "OA_TERMS", "check", "check_graph", "declared_terms", "is_standard_term", "summary",
    "used_terms",
]
