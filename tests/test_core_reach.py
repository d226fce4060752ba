"""How far pySHACL's checks read from a focus node (``validator.core_reach``), and reporting on some
nodes only (``validate_graph(only=...)``), which hands pySHACL just the triples within that reach.

The reach must never be under-estimated: a check that reads further than the triples handed to
pySHACL would report differently than on the whole graph. So each kind of shape that reads further
is tested, and so is the answer for the shipped shapes.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from cyberflag.checks.incremental import closure, reach
from cyberflag.checks.shacl import algebra, batching, validator
from cyberflag.rdf.namespaces import CF, ORG, SCHEMA

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def shapes(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


@pytest.mark.parametrize(
    ("text", "reach"),
    [
        ("ex:S sh:targetClass ex:A ; sh:datatype xsd:string .", 0),
        ("ex:S sh:targetClass ex:A ; sh:property ex:P . ex:P sh:path ex:p ; sh:minCount 1 .", 0),
        ("ex:S sh:targetClass ex:A ; sh:property ex:P . ex:P sh:path ex:p ; sh:class ex:B .", 1),
        ("ex:S sh:targetClass ex:A ; sh:property ex:P . ex:P sh:path ex:p ; sh:node ex:N . "
         "ex:N sh:property ex:Q . ex:Q sh:path ex:q ; sh:class ex:C .", 2),
        ("ex:S sh:targetClass ex:A ; sh:property ex:P . ex:P sh:path ex:p ; "
         "sh:qualifiedValueShape ex:N ; sh:qualifiedMinCount 1 . ex:N sh:class ex:C .", 1),
        ("ex:S sh:targetClass ex:A ; sh:property ex:P . ex:P sh:path [ sh:inversePath ex:p ] ; "
         "sh:minCount 1 .", None),
        ("ex:S sh:targetClass ex:A ; sh:property ex:P . ex:P sh:path ( ex:p ex:q ) ; "
         "sh:minCount 1 .", None),
        ("ex:S sh:targetObjectsOf ex:p ; sh:nodeKind sh:IRI .", None),
        ("ex:S sh:targetClass ex:A ; sh:sparql ex:C . ex:C sh:select \"SELECT $this {}\" .", None),
        ("ex:S sh:targetClass ex:A ; sh:node ex:S .", None),
    ],
)
def test_reach_of_each_kind_of_shape(text: str, reach: int | None) -> None:
    assert validator.core_reach(shapes(text)) == reach


def test_reach_of_the_shipped_shapes() -> None:
    shipped = validator.load_shapes()
    assert validator.core_reach(shipped) is None  # the SPARQL constraints may read anything
    core = batching.without(shipped, batching.batchable(shipped))
    assert validator.core_reach(core) == 1  # sh:class and nested shapes on values


def test_reporting_on_some_nodes_gives_their_findings_of_a_whole_run(shipped_data: Path) -> None:
    data = Graph()
    for path in sorted(shipped_data.rglob("*.ttl")):
        data.parse(path, format="turtle")
    # break three things: a figure's datatype (a nested sh:or on a literal), a statement's type
    # (its reports' sh:or on the value), a span's offset (a SPARQL constraint)
    figure = next(iter(data.subjects(CF.value, None)))
    data.set((figure, CF.value, Literal("many")))
    statement = next(iter(data.subjects(CF.speaker, None)))
    data.remove((statement, None, CF.Statement))
    whole = validator.validate_graph(data)
    assert not whole.conforms
    broken = sorted({f.focus for f in whole.results})
    assert str(figure) in broken
    for chosen in ({str(figure)}, set(broken), {broken[0], str(statement)}):
        part = validator.validate_graph(data, only=chosen)
        assert part.results == tuple(f for f in whole.results if f.focus in chosen)
    assert validator.validate_graph(data, only=[]).results == ()
    assert (URIRef(str(figure)), CF.value, Literal("many")) in data  # data left as it was


# --- the incremental check's bounds, against the shapes ---------------------------------------

SPARQL_SHAPE = """
ex:S a sh:NodeShape ; sh:targetClass {target} ; sh:sparql ex:C .
ex:C sh:message "m" ; sh:select \"\"\"SELECT $this WHERE {{ {pattern} }}\"\"\" .
"""


def sparql_shape(pattern: str, target: str = "ex:A") -> Graph:
    return shapes(SPARQL_SHAPE.format(pattern=pattern, target=target))


def chain(links: int) -> str:
    """A pattern reading ``links`` links forwards from $this: $this ex:p ?v1 . ?v1 ex:p ?v2 ..."""
    ends = ["$this", *(f"?v{i}" for i in range(1, links + 1))]
    return " ".join(f"{a} <http://example.org/p> {b} ." for a, b in itertools.pairwise(ends))


P, Q = "<http://example.org/p>", "<http://example.org/q>"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (chain(1), (0, None, None)),
        (chain(3), (2, None, None)),
        (f"$this {P}/{Q} ?v .", (1, None, None)),
        (f"?v ^{P} $this . ?v {Q} ?w .", (1, None, None)),
        # the triples pointing at $this, and (1) their subjects' own triples
        (f"?x {P} $this .", (0, 0, frozenset({P[1:-1]}))),
        (f"?x {P} $this . ?x {Q} ?y .", (0, 1, frozenset({P[1:-1]}))),
        (f"?x {P} $this . ?x {Q} ?y . ?y {Q} ?z .", (0, 2, frozenset({P[1:-1]}))),
        ("?x ?p $this .", (0, 0, None)),
        # a UNION branch binds ?v by a link at $this, another by a link from it (the back link
        # of a report); EXISTS binds nothing, so ?v is behind $this in the second branch
        (f"{{ $this {P} ?v . }} UNION {{ ?v {Q} $this . FILTER NOT EXISTS {{ $this {P} ?v }} }}",
         (0, 0, frozenset({Q[1:-1]}))),
        # an OPTIONAL part that may not match binds nothing either
        (f"?v {Q} $this . OPTIONAL {{ $this {P} ?v . }}", (1, 0, frozenset({Q[1:-1]}))),
        (f"$this {P} ?v . ?w {Q} ?v .", None),  # the triples pointing at another node
        (f"$this {P}* ?v .", None),
    ],
)
def test_reach_of_a_sparql_constraint(pattern: str, expected: tuple[object, ...] | None) -> None:
    assert algebra.reach(f"SELECT $this WHERE {{ {pattern} }}") == expected


def test_shapes_within_the_incremental_bounds_are_covered() -> None:
    assert closure.uncovered(sparql_shape(chain(closure.DEPTH + 1))) is None
    behind = f"?x {P} $this . ?x {Q} ?y . ?y {Q} ?z . ?z {Q} ?w ."  # ?z's triples: 3 behind
    assert closure.uncovered(sparql_shape(behind)) is None


def test_shapes_reading_one_link_further_are_not_covered() -> None:
    reason = closure.uncovered(sparql_shape(chain(closure.DEPTH + 2)))
    assert reason == f"S reads {closure.DEPTH + 1} links from a node, more than the 3 allowed for"
    behind = f"?x {P} $this . ?x {Q} ?y . ?y {Q} ?z . ?z {Q} ?w . ?w {Q} ?v ."
    reason = closure.uncovered(sparql_shape(behind))
    assert reason == f"S reads {closure.DEPTH + 1} links from a node, more than the 3 allowed for"
    reason = closure.uncovered(sparql_shape(f"$this {P}+ ?v ."))  # not batched: not analysed
    assert reason == (
        "S has a SPARQL constraint outside what can be analysed, which may read anything"
    )
    reason = closure.uncovered(sparql_shape(f"$this {P} ?v . ?w {Q} ?v ."))
    assert reason == "S reads the data without a bound the incremental check can follow"


def test_the_shipped_shapes_against_the_incremental_bounds() -> None:
    """Every shipped shape reads within DEPTH links; those that read the triples pointing at a
    node are found, with their targets, the predicates of those triples and how far behind."""
    shipped = validator.load_shapes()
    reached = {
        str(c.shape).rsplit("#", 1)[-1]: algebra.reach(c.query)
        for c in batching.batchable(shipped)
    }
    assert None not in reached.values()
    assert max(r.forward for r in reached.values() if r is not None) == closure.DEPTH
    found = reach.derive(shipped, validator.load_ontology())
    assert found.uncovered is None
    shapes = {rule.by: rule for rule in found.inbound if rule not in reach.LAYERS}
    # cf:SpanInBodyShape reads a span's users, as the anchoring layer does: one rule for both
    assert reached["SpanInBodyShape"] == (3, 0, None)
    assert sorted(shapes) == ["ExternalFactBackingShape", "ReportBacklinkShape"]
    backing = [r for r in found.inbound if r.by == "ExternalFactBackingShape"]
    assert {(r.kind, r.nodes, r.predicates, r.hops) for r in backing} == {
        ("targetSubjectsOf", (str(p),), (str(RDF.subject),), 1)
        for p in (SCHEMA.legalName, SCHEMA.sameAs, ORG.memberDuring)
    }
    assert shapes["ReportBacklinkShape"].nodes == (str(CF.Report),)
    assert shapes["ReportBacklinkShape"].predicates == (str(CF.hasReport),)
    assert reach.Reach.from_json(found.to_json()) == found
