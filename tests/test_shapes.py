"""The ontology, the SHACL shapes and the validation module, tested against example graphs.

Examples live under ``tests/shapes/``:

* ``valid/world.ttl`` is a small conforming graph built from a real article (offsets are real), and
  every other example is validated *on top of it*, so an example only adds the nodes it is about and
  can point at the world's people, spans and concepts.
* ``valid/*.ttl``: other conforming additions (an undated article, a negative percentage change).
* ``invalid/*.ttl``: each breaks exactly one rule. The first line ``# expect: <shape>`` names the
  shape that must fire (local name in ``cf:``, ``cf:Name`` or a full IRI); ``# also: <shape>`` lines
  name shapes that unavoidably fire with it (a string where a number belongs also fails the ``≥ 0``
  check). No other shape may fire, so an example cannot pass by breaking something else.

Every shape must be shown to reject something: shapes that fire on their own (targeted node shapes
and their property shapes) must be expected by an invalid example; helper shapes used through
``sh:node``/``sh:or``/``sh:xone``/``sh:qualifiedValueShape`` must be reachable from one that is.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from cyberflag.checks.shacl.validator import ShaclReport, ShaclResult, validate_graph
from cyberflag.rdf.namespaces import CF

EXAMPLES = Path(__file__).resolve().parent / "shapes"
VALID = EXAMPLES / "valid"
INVALID = EXAMPLES / "invalid"
WORLD = VALID / "world.ttl"
MODEL = Path(__file__).resolve().parent.parent / "ontology" / "MODEL.md"

VALID_FILES = sorted(VALID.glob("*.ttl"))
INVALID_FILES = sorted(INVALID.glob("*.ttl"))

# Predicates through which one shape uses another without the inner one ever being sh:sourceShape.
_SHAPE_LINKS = (SH.node, SH.qualifiedValueShape, SH.property, SH["not"])
_SHAPE_LISTS = (SH["or"], SH.xone, SH["and"])
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


# --- helpers --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world() -> Graph:
    """The conforming base graph every example is layered on."""
    return Graph().parse(WORLD, format="turtle")


def _shape_iri(name: str) -> str:
    if name.startswith(("http://", "https://")):
        return name
    return str(CF) + name.removeprefix("cf:")


def expectations(path: Path) -> tuple[str, frozenset[str]]:
    """The ``# expect:`` shape and the ``# also:`` shapes declared at the top of an example."""
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0] if text else ""
    match = re.fullmatch(r"# expect: (\S+)", first)
    assert match, f"{path.name}: the first line must be '# expect: <shape>'"
    also = frozenset(_shape_iri(a) for a in re.findall(r"^# also: (\S+)$", text, flags=re.M))
    return _shape_iri(match.group(1)), also


def layered(world: Graph, path: Path) -> Graph:
    """``world`` plus the example at ``path`` (the world itself when ``path`` is the world)."""
    graph = Graph()
    graph += world
    if path != WORLD:
        graph.parse(path, format="turtle")
    return graph


def all_shapes(shapes: Graph) -> set[URIRef]:
    """Every shape in the shapes graph: typed node and property shapes, and anything with a path."""
    found = set(shapes.subjects(RDF.type, SH.NodeShape))
    found |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    found |= set(shapes.subjects(SH.path, None))
    return {s for s in found if isinstance(s, URIRef)}


def independent_shapes(shapes: Graph) -> set[URIRef]:
    """Shapes that can be a result's sh:sourceShape: targeted node shapes and their properties."""
    roots = {s for t in _TARGETS for s in shapes.subjects(t, None) if isinstance(s, URIRef)}
    props = {p for r in roots for p in shapes.objects(r, SH.property) if isinstance(p, URIRef)}
    return roots | props


def used_shapes(shapes: Graph, shape: URIRef) -> Iterator[URIRef]:
    """Shapes ``shape`` uses directly (through sh:node, sh:or lists, ...), excluding itself."""
    for link in _SHAPE_LINKS:
        for inner in shapes.objects(shape, link):
            if isinstance(inner, URIRef):
                yield inner
    for link in _SHAPE_LISTS:
        for head in shapes.objects(shape, link):
            for inner in Collection(shapes, head):
                if isinstance(inner, URIRef):
                    yield inner


def reachable(shapes: Graph, start: set[URIRef]) -> set[URIRef]:
    seen: set[URIRef] = set()
    todo = list(start)
    while todo:
        shape = todo.pop()
        if shape in seen:
            continue
        seen.add(shape)
        todo.extend(used_shapes(shapes, shape))
    return seen


def short(findings: tuple[ShaclResult, ...]) -> str:
    return "\n".join(
        f"  {f.shape.rsplit('#', 1)[-1]}: {f.focus} {f.value} {f.message}" for f in findings
    )


# --- the ontology ---------------------------------------------------------------------------------


def test_ontology_parses_without_blank_nodes(ontology_graph: Graph) -> None:
    assert len(ontology_graph) > 0
    blank = [t for t in ontology_graph if any(isinstance(n, BNode) for n in t)]
    assert not blank, f"blank nodes in ontology/cyberflag.ttl: {blank[:3]}"


def test_ontology_header(ontology_graph: Graph) -> None:
    ontologies = list(ontology_graph.subjects(RDF.type, OWL.Ontology))
    assert ontologies == [URIRef("https://w3id.org/cyberflag/ontology")]
    header = ontologies[0]
    assert ontology_graph.value(header, DCTERMS.title) is not None
    assert ontology_graph.value(header, DCTERMS.description) is not None
    assert ontology_graph.value(header, OWL.versionInfo) == Literal("0.1.0")


def cf_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(str(CF))}


def test_every_cf_term_has_a_label_and_a_definition(ontology_graph: Graph) -> None:
    terms = cf_terms(ontology_graph)
    assert len(terms) > 50
    unlabelled = sorted(t for t in terms if ontology_graph.value(t, RDFS.label) is None)
    undefined = sorted(
        t
        for t in terms
        if ontology_graph.value(t, SKOS.definition) is None
        and ontology_graph.value(t, RDFS.comment) is None
    )
    assert not unlabelled, f"without rdfs:label: {unlabelled}"
    assert not undefined, f"without skos:definition or rdfs:comment: {undefined}"


def test_every_cf_term_in_the_model_is_declared(ontology_graph: Graph) -> None:
    """MODEL.md is binding: each ``cf:`` name it uses must be declared in the ontology."""
    named = set(re.findall(r"\bcf:([A-Za-z][A-Za-z0-9]*)", MODEL.read_text(encoding="utf-8")))
    declared = {t.removeprefix(str(CF)) for t in cf_terms(ontology_graph)}
    assert named, "MODEL.md names no cf: terms?"
    assert sorted(named - declared) == []


def test_every_cf_term_the_data_uses_is_declared(ontology_graph: Graph) -> None:
    """Terms the data needs beyond MODEL.md (cf:areaInference, ...) must be in the ontology too."""
    files = sorted((MODEL.parent.parent / "data").rglob("*.ttl"))
    if not files:
        pytest.skip("no data/*.ttl yet")
    declared = cf_terms(ontology_graph)
    used: set[URIRef] = set()
    for path in files:
        graph = Graph().parse(path, format="turtle")
        for s, p, o in graph:
            used |= {n for n in (s, p, o) if isinstance(n, URIRef) and n.startswith(str(CF))}
    assert sorted(used - declared) == []


def test_concepts_are_in_their_schemes(ontology_graph: Graph) -> None:
    for concept in ontology_graph.subjects(RDF.type, SKOS.Concept):
        scheme = ontology_graph.value(concept, SKOS.inScheme)
        assert scheme is not None, concept
        assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology_graph
        assert ontology_graph.value(concept, SKOS.prefLabel) is not None, concept
        assert ontology_graph.value(concept, SKOS.definition) is not None, concept


# --- the shapes -----------------------------------------------------------------------------------


def test_shapes_have_no_blank_nodes(shapes_graph: Graph) -> None:
    blank = [t for t in shapes_graph if any(isinstance(n, BNode) for n in t)]
    assert not blank, f"blank nodes in ontology/shapes.ttl: {blank[:3]}"


def test_every_shape_has_a_message(shapes_graph: Graph) -> None:
    shapes = all_shapes(shapes_graph)
    silent = sorted(s for s in shapes if shapes_graph.value(s, SH.message) is None)
    assert not silent, f"shapes without sh:message: {silent}"
    constraints = set(shapes_graph.objects(None, SH.sparql))
    assert all(shapes_graph.value(c, SH.message) is not None for c in constraints)


def test_shapes_refer_only_to_declared_cf_terms(shapes_graph: Graph, ontology_graph: Graph) -> None:
    """A typo in an sh:path or sh:class would make a shape silently check nothing."""
    declared = cf_terms(ontology_graph)
    shapes = all_shapes(shapes_graph)
    referring = (
        SH.path, SH["class"], SH.targetClass, SH.hasValue, SH.lessThan, SH.lessThanOrEquals,
    )
    used = {
        o
        for p in referring
        for o in shapes_graph.objects(None, p)
        if isinstance(o, URIRef) and o.startswith(str(CF))
    }
    assert sorted(used - declared - shapes) == []


# --- examples -------------------------------------------------------------------------------------


def test_there_are_examples() -> None:
    assert WORLD in VALID_FILES
    assert len(INVALID_FILES) >= len(VALID_FILES)


@pytest.mark.parametrize("path", VALID_FILES, ids=lambda p: p.stem)
def test_valid_example_conforms(
    path: Path, world: Graph, ontology_graph: Graph, shapes_graph: Graph
) -> None:
    report = validate_graph(layered(world, path), ontology=ontology_graph, shapes=shapes_graph)
    assert report.conforms, f"{path.name} should conform:\n{short(report.results)}"
    assert report.results == ()


@pytest.mark.parametrize("path", INVALID_FILES, ids=lambda p: p.stem)
def test_invalid_example_fires_its_shape(
    path: Path, world: Graph, ontology_graph: Graph, shapes_graph: Graph
) -> None:
    expected, also = expectations(path)
    known = all_shapes(shapes_graph)
    assert URIRef(expected) in known, f"{path.name}: no shape {expected} in shapes.ttl"
    assert all(URIRef(a) in known for a in also), f"{path.name}: unknown '# also:' shape"
    report = validate_graph(layered(world, path), ontology=ontology_graph, shapes=shapes_graph)
    assert not report.conforms, f"{path.name} should not conform"
    assert expected in report.shapes, (
        f"{path.name}: {expected} did not fire:\n{short(report.results)}"
    )
    assert report.shapes == {expected} | also, (
        f"{path.name} breaks more than its rule:\n{short(report.results)}"
    )
    assert all(f.severity == "Violation" and f.message for f in report.results)


def test_every_shape_rejects_some_example(shapes_graph: Graph) -> None:
    expected = {URIRef(expectations(p)[0]) for p in INVALID_FILES}
    independent = independent_shapes(shapes_graph)
    not_expected = sorted(independent - expected)
    assert not not_expected, f"no invalid example expects: {not_expected}"
    helpers = all_shapes(shapes_graph) - independent
    unused = sorted(helpers - reachable(shapes_graph, expected))
    assert not unused, f"helper shapes no expected shape uses: {unused}"


# --- the validation module ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def broken_report(world: Graph, ontology_graph: Graph, shapes_graph: Graph) -> ShaclReport:
    graph = layered(world, INVALID / "StatementShape-speaker--missing.ttl")
    graph.parse(INVALID / "ObservationShape-value--string.ttl", format="turtle")
    return validate_graph(graph, ontology=ontology_graph, shapes=shapes_graph)


def test_findings_are_sorted_and_flat(broken_report: ShaclReport) -> None:
    findings = broken_report.results
    assert len(findings) == 3
    key = [(f.focus, f.shape, f.path or "", f.value or "", f.message, f.severity) for f in findings]
    assert key == sorted(key)
    speaker = next(f for f in findings if f.shape.endswith("#StatementShape-speaker"))
    assert speaker == ShaclResult(
        focus="https://w3id.org/cyberflag/id/statement/second",
        path=str(CF.speaker),
        message="A statement needs exactly one cf:speaker, a person (schema:Person) or an "
        "organisation (org:Organization).",
        severity="Violation",
        shape=str(CF["StatementShape-speaker"]),
        value=None,
    )
    value = next(f for f in findings if f.shape.endswith("#ObservationShape-value"))
    assert value.value == '"5,653"'  # literals in N-Triples form, IRIs bare


def test_validation_is_deterministic(
    world: Graph, ontology_graph: Graph, shapes_graph: Graph, broken_report: ShaclReport
) -> None:
    graph = layered(world, INVALID / "StatementShape-speaker--missing.ttl")
    graph.parse(INVALID / "ObservationShape-value--string.ttl", format="turtle")
    assert validate_graph(graph, ontology=ontology_graph, shapes=shapes_graph) == broken_report


def test_sparql_findings_name_the_offending_nodes(
    world: Graph, ontology_graph: Graph, shapes_graph: Graph
) -> None:
    """A SPARQL constraint's own (templated) message wins over its node shape's generic one."""
    graph = layered(world, INVALID / "SpanInBodyShape--boilerplate.ttl")
    (finding,) = validate_graph(graph, ontology=ontology_graph, shapes=shapes_graph).results
    assert finding.message.startswith("Span https://w3id.org/cyberflag/id/span/")
    assert "lies outside the body span" in finding.message


def test_validation_leaves_the_data_alone(
    world: Graph, ontology_graph: Graph, shapes_graph: Graph
) -> None:
    before = len(world)
    validate_graph(world, ontology=ontology_graph, shapes=shapes_graph)
    assert len(world) == before


def test_default_ontology_and_shapes_come_from_resources(world: Graph) -> None:
    """Without explicit graphs, the shipped files (via cyberflag.rdf.resources) are used."""
    assert validate_graph(world).conforms


def test_the_ontology_is_needed(world: Graph, shapes_graph: Graph) -> None:
    """Without the ontology the closed schemes are empty, so every cf: concept value is rejected."""
    report = validate_graph(world, ontology=Graph(), shapes=shapes_graph)
    assert not report.conforms
    assert str(CF["ObservationShape-comparator"]) in report.shapes


def test_importing_validate_does_not_import_pyshacl() -> None:
    """The command line imports pySHACL only when it validates (it is slow to import)."""
    code = "import sys, cyberflag.checks.shacl.validator; sys.exit('pyshacl' in sys.modules)"
    cli = str(Path(__file__).resolve().parent.parent / "cli")
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": cli},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
