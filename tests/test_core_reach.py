"""How far pySHACL's checks read from a focus node (``validator.core_reach``), and reporting on some
nodes only (``validate_graph(only=...)``), which hands pySHACL just the triples within that reach.

The reach must never be under-estimated: a check that reads further than the triples handed to
pySHACL would report differently than on the whole graph. So each kind of shape that reads further
is tested, and so is the answer for the shipped shapes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from cyberflag.checks.shacl import sparql, validator
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
    core = sparql.without(shipped, sparql.batchable(shipped))
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
