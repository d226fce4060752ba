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
from rdflib import Graph, Literal, URIRef

from cyberflag.checks.incremental import closure
from cyberflag.checks.shacl import algebra, batching, validator
from cyberflag.rdf.namespaces import CF

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


@pytest.mark.parametrize(
    ("pattern", "reach"),
    [
        (chain(1), (0, False)),
        (chain(3), (2, False)),
        ("$this <http://example.org/p>/<http://example.org/q> ?v .", (1, False)),
        ("?v ^<http://example.org/p> $this . ?v <http://example.org/q> ?w .", (1, False)),
        ("?x <http://example.org/p> $this .", (0, True)),
        ("?x <http://example.org/p> $this . ?x <http://example.org/q> ?y .", None),
        ("$this <http://example.org/p>* ?v .", None),
    ],
)
def test_reach_of_a_sparql_constraint(pattern: str, reach: tuple[int, bool] | None) -> None:
    assert algebra.reach(f"SELECT $this WHERE {{ {pattern} }}") == reach


def test_shapes_within_the_incremental_bounds_are_covered() -> None:
    assert closure.uncovered(sparql_shape(chain(closure.DEPTH + 1))) is None
    inbound = "?x <http://example.org/p> $this ."
    assert closure.uncovered(sparql_shape(inbound, target=f"<{closure.SPAN}>")) is None


def test_shapes_reading_one_link_further_are_not_covered() -> None:
    reason = closure.uncovered(sparql_shape(chain(closure.DEPTH + 2)))
    assert reason == f"S reads {closure.DEPTH + 1} links from a node, more than the 3 allowed for"
    reason = closure.uncovered(sparql_shape("?x <http://example.org/p> $this ."))
    assert reason == "S reads the triples pointing at nodes other than reports and spans"


def test_the_shipped_shapes_against_the_incremental_bounds() -> None:
    """Every shipped shape reads within DEPTH links and INBOUND_TYPES, except one: the backing of
    an external fact reads the reified statements pointing at a node (``?fact rdf:subject
    $this``), which the cache's neighbourhood of a node does not hold."""
    shipped = validator.load_shapes()
    reached = {
        str(c.shape).rsplit("#", 1)[-1]: algebra.reach(c.query)
        for c in batching.batchable(shipped)
    }
    assert max(r[0] for r in reached.values() if r is not None) == closure.DEPTH
    assert [name for name, r in reached.items() if r is None] == ["ExternalFactBackingShape"]
    assert closure.uncovered(shipped) == (
        "ExternalFactBackingShape reads the data without a bound the incremental check can follow"
    )
    shipped.remove((CF.ExternalFactBackingShape, None, None))
    assert closure.uncovered(shipped) is None
