"""Batched SHACL-SPARQL constraints (cyberflag.checks.shacl) against pySHACL's own evaluation.

The batched path must be invisible: every report here is compared, finding for finding, with a run
of pySHACL alone over the unmodified shapes (one query per focus node, as before). Both engines are
compared: Oxigraph (full runs) and rdflib (small focus sets, and whatever Oxigraph cannot represent
exactly).

The comparisons on every shape example, and the three ways of running the whole faulty corpus on
rdflib, are marked ``slow``: a default run checks a daily sample of them (tests/sampling.py),
``CYBERFLAG_TESTS=all`` every one. pySHACL's reference reports are computed once per input and
shared by the engines' cases (:class:`References`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from cyberflag.checks.shacl import batching, sparql, validator
from cyberflag.checks.shacl.validator import ShaclReport, validate_graph
from cyberflag.rdf.namespaces import CF

from conftest import SHIPPED_DATA, shipped_data_present

EXAMPLES = Path(__file__).resolve().parent / "shapes"
WORLD = EXAMPLES / "valid" / "world.ttl"
INVALID_FILES = sorted((EXAMPLES / "invalid").glob("*.ttl"))
EXAMPLE_FILES = sorted((EXAMPLES / "valid").glob("*.ttl")) + sorted(
    (EXAMPLES / "invalid").glob("*.ttl")
)
ENGINES = ("oxigraph", "rdflib")
OA = "http://www.w3.org/ns/oa#"
TIME = "http://www.w3.org/2006/time#"
EDITORIAL_SHAPES = (
    "AltLabelShape", "ComparatorWordsShape", "ExternalFactAssertedShape",
    "ExternalFactBackingShape", "HeadlineReportShape", "MembershipDateBoundShape",
    "OpenIntervalDatesShape", "PassiveAttributionShape", "PublicationSpeakerShape",
    "RepeatedReportShape", "ReportVerbShape", "ReportWordsShape", "AcceptedObservationShape",
    "AcceptedAskShape",
)
"""The SHACL-SPARQL shapes of the editorial rules (ontology/MODEL.md)."""
SPARQL_SHAPES = frozenset(
    str(CF[name])
    for name in (
        "NewsArticleBodyShape", "SpanIriShape", "SpanLengthShape", "SpanInBodyShape",
        "PartialQuoteShape", "QuotedFragmentShape", "ReportBacklinkShape",
        "ProperIntervalDatesShape", "InstantDateShape",
    )
) | frozenset(str(CF[name]) for name in EDITORIAL_SHAPES)


def assert_engine(used: dict[str, str], engine: str, shapes: Graph) -> None:
    """Every constraint ran on ``engine``, except that one comparing literals may go to rdflib
    when Oxigraph's copy merged literals rdflib keeps apart (the designed fallback)."""
    joins = {str(c.constraint) for c in batching.batchable(shapes) if c.joins_literals}
    assert used
    for constraint, ran in used.items():
        assert ran == engine or (ran == "rdflib" and constraint in joins), constraint


# --- helpers --------------------------------------------------------------------------------------


def pyshacl_report(
    data: Graph, ontology: Graph, shapes: Graph, focus: Iterable[str] | None = None
) -> ShaclReport:
    """What validate_graph returned before batching: pySHACL alone, all shapes, on a merged copy
    (with the data's prefixes, which rdflib lends to queries that do not declare theirs)."""
    from pyshacl import validate as pyshacl_validate

    merged = Graph()
    for prefix, namespace in data.namespaces():
        merged.bind(prefix, namespace, override=True)
    merged += data
    merged += ontology
    with validator.prepared_queries():  # parses each query text once: saves time, nothing else
        conforms, report, _ = pyshacl_validate(
            merged,
            shacl_graph=shapes,
            inference="none",
            advanced=False,
            inplace=True,
            allow_warnings=True,
            allow_infos=True,
            focus_nodes=[URIRef(n) for n in focus] if focus is not None else None,
        )
    assert isinstance(report, Graph)
    return ShaclReport(conforms=bool(conforms), results=validator.findings_of(report, shapes))


class References:
    """pySHACL's reports on the shipped shapes, each computed once per module and input.

    Why: the reference costs about as much as both engines' runs together, and each engine's case
    of a test compares against the same one. ``key`` names the data (an example's file, the shipped
    data); the focus nodes are part of the key.
    """

    def __init__(self, ontology: Graph, shapes: Graph) -> None:
        self.ontology = ontology
        self.shapes = shapes
        self.reports: dict[tuple[Hashable, tuple[str, ...] | None], ShaclReport] = {}

    def report(
        self, key: Hashable, data: Graph, focus: Sequence[str] | None = None
    ) -> ShaclReport:
        index = (key, tuple(focus) if focus is not None else None)
        if index not in self.reports:
            self.reports[index] = pyshacl_report(data, self.ontology, self.shapes, focus=focus)
        return self.reports[index]


@pytest.fixture(scope="module")
def references(ontology_graph: Graph, shapes_graph: Graph) -> References:
    return References(ontology_graph, shapes_graph)


@pytest.fixture
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(sparql, "ENGINE", request.param)
    return str(request.param)


@pytest.fixture
def engines_used(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Which engine ran each batched constraint in the test (by constraint IRI)."""
    used: dict[str, str] = {}
    original = sparql.evaluate

    def spy(*args: object, **kwargs: object) -> sparql.BatchOutcome:
        outcome = original(*args, **kwargs)  # type: ignore[arg-type]
        used.update({str(k): v for k, v in outcome.engines.items()})
        return outcome

    monkeypatch.setattr(sparql, "evaluate", spy)
    return used


@pytest.fixture(scope="module")
def world() -> Graph:
    return Graph().parse(WORLD, format="turtle")


def layered(world: Graph, path: Path) -> Graph:
    graph = Graph()
    graph += world
    if path != WORLD:
        graph.parse(path, format="turtle")
    return graph


def differences(expected: ShaclReport, actual: ShaclReport) -> str:
    lines = [f"conforms {expected.conforms} -> {actual.conforms}"]
    lines += [f"  only pySHACL: {f}" for f in expected.results if f not in actual.results]
    lines += [f"  only batched: {f}" for f in actual.results if f not in expected.results]
    return "\n".join(lines)


def assert_same(expected: ShaclReport, actual: ShaclReport) -> None:
    assert actual == expected, differences(expected, actual)


# --- which constraints are batched ----------------------------------------------------------------


def test_all_shipped_constraints_are_batched(shapes_graph: Graph) -> None:
    batched = batching.batchable(shapes_graph)
    assert {str(c.shape) for c in batched} == SPARQL_SHAPES
    assert {str(c.constraint) for c in batched} == {
        str(c) for c in shapes_graph.objects(None, SH.sparql)
    }
    stripped = batching.without(shapes_graph, batched)
    assert not list(stripped.objects(None, SH.sparql))
    # the original is untouched
    assert len(list(shapes_graph.objects(None, SH.sparql))) == len(batched)
    # These shapes check nothing else, so pySHACL need not even look for their focus nodes.
    assert not [s for s in SPARQL_SHAPES if (URIRef(s), SH.targetClass, None) in stripped]


SHAPES_HEAD = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix schema: <http://schema.org/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
"""
SPAN = "<http://www.w3.org/ns/oa#SpecificResource>"
HAS_SOURCE = "<http://www.w3.org/ns/oa#hasSource>"
HAS_SELECTOR = "<http://www.w3.org/ns/oa#hasSelector>"

# name -> (select text, batched?)
QUERIES = {
    "plain": (f"SELECT $this ?value WHERE {{ $this {HAS_SOURCE} ?value }}", True),
    "this-in-one-union-branch-only": (
        f"SELECT $this ?value WHERE {{ {{ $this {HAS_SOURCE} ?value }} UNION "
        f"{{ ?value a {SPAN} }} }}",
        False,
    ),
    "this-only-in-optional": (
        f"SELECT $this ?value WHERE {{ ?value a {SPAN} OPTIONAL {{ $this {HAS_SOURCE} ?value }} }}",
        False,
    ),
    "this-in-filter-of-a-group-without-it": (
        f"SELECT $this ?value WHERE {{ $this {HAS_SOURCE} ?a . "
        f"{{ ?value {HAS_SOURCE} ?a FILTER (?value != $this) }} }}",
        False,
    ),
    "filter-reads-a-variable-of-another-group": (
        f"SELECT $this ?value WHERE {{ {{ $this {HAS_SOURCE} ?a }} "
        f"{{ ?value {HAS_SOURCE} ?b FILTER (?b = ?a) }} }}",
        False,
    ),
    "optional-filter-reads-the-outer-group": (  # the filter is the left join's condition
        f"SELECT $this ?value WHERE {{ $this {HAS_SOURCE} ?a . "
        f"OPTIONAL {{ ?value {HAS_SOURCE} ?b FILTER (?b = ?a) }} }}",
        True,
    ),
    "this-in-filter-after-binding": (
        f"SELECT $this ?value WHERE {{ $this {HAS_SOURCE} ?a . ?value {HAS_SOURCE} ?a "
        "FILTER (?value != $this) }",
        True,
    ),
    "sub-select": (
        f"SELECT $this ?value WHERE {{ {{ SELECT $this ?value WHERE {{ $this {HAS_SOURCE} ?value }}"
        " } }",
        False,
    ),
    "distinct": (f"SELECT DISTINCT $this ?value WHERE {{ $this {HAS_SOURCE} ?value }}", False),
    "this-not-projected": (f"SELECT ?value WHERE {{ $this {HAS_SOURCE} ?value }}", False),
    "path-column": (
        f"SELECT $this ?path ?value WHERE {{ $this ?path ?value FILTER (?path = {HAS_SOURCE}) }}",
        False,
    ),
    "prefix-from-the-data-graph": (
        "SELECT $this ?value WHERE { $this oa:hasSource ?value }", False
    ),
    "datatype": (
        f"SELECT $this ?value WHERE {{ $this {HAS_SELECTOR}/<{OA}start> ?value "
        "FILTER (DATATYPE(?value) != <http://www.w3.org/2001/XMLSchema#integer>) }",
        True,
    ),
    "literal-join": (  # ?n is not projected: only the join can tell the two engines apart
        f"SELECT $this WHERE {{ $this {HAS_SELECTOR}/<{OA}start> ?n . "
        "?other <http://example.org/n> ?n }",
        True,
    ),
    "integer-constant": (
        f"SELECT $this ?value WHERE {{ $this {HAS_SELECTOR}/<{OA}start> ?value "
        "FILTER (?value > 10) }",
        False,
    ),
}


def custom_shapes(name: str, query: str, extra: str = "") -> Graph:
    text = SHAPES_HEAD + f"""
ex:{name} a sh:NodeShape ; sh:targetClass oa:SpecificResource ;
    sh:message "Shape message for {{$this}}." ;
    sh:sparql ex:{name}-c .
ex:{name}-c a sh:SPARQLConstraint ;
    sh:message "Span {{$this}} has {{?value}}." ;
    sh:select {Literal(query).n3()} .
""" + extra
    return Graph().parse(data=text, format="turtle")


@pytest.mark.parametrize("name", sorted(QUERIES))
@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_only_safe_queries_are_batched_and_all_agree(
    name: str, engine: str, world: Graph, ontology_graph: Graph
) -> None:
    query, batched = QUERIES[name]
    shapes = custom_shapes(name, query)
    assert bool(batching.batchable(shapes)) == batched
    expected = pyshacl_report(world, ontology_graph, shapes)
    assert_same(expected, validate_graph(world, ontology=ontology_graph, shapes=shapes))


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_target_classes_follow_subclass_chains(
    engine: str, world: Graph, ontology_graph: Graph
) -> None:
    graph = layered(world, WORLD)
    graph.parse(data=SHAPES_HEAD + """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Sub1 rdfs:subClassOf oa:SpecificResource . ex:Sub2 rdfs:subClassOf ex:Sub1 .
ex:n a ex:Sub2 ; oa:hasSource ex:a .
""", format="turtle")
    shapes = custom_shapes("plain", QUERIES["plain"][0])
    expected = pyshacl_report(graph, ontology_graph, shapes)
    assert "http://example.org/n" in {f.focus for f in expected.results}
    assert_same(expected, validate_graph(graph, ontology=ontology_graph, shapes=shapes))


def test_datatype_queries_are_marked() -> None:
    (c,) = batching.batchable(custom_shapes("d", QUERIES["datatype"][0]))
    assert c.datatype_sensitive
    (c,) = batching.batchable(custom_shapes("p", QUERIES["plain"][0]))
    assert not c.datatype_sensitive


@pytest.mark.parametrize(
    "extra",
    [
        "ex:user a sh:NodeShape ; sh:targetNode ex:x ; sh:node ex:{name} .",
        "ex:{name} sh:deactivated true .",
        "ex:{name} sh:severity sh:Warning , sh:Info .",
        "ex:{name}-c sh:prefixes ex:prefixes .",
        "ex:{name}-c sh:deactivated false .",
        "ex:{name} sh:path oa:hasSource .",
        "ex:{name} a sh:PropertyShape .",
    ],
    ids=["nested", "deactivated", "two-severities", "prefixes", "deactivated-constraint",
         "property-shape", "typed-property-shape"],
)
def test_shapes_pyshacl_treats_specially_are_left_to_it(extra: str) -> None:
    shapes = custom_shapes("s", QUERIES["plain"][0], extra.format(name="s"))
    assert batching.batchable(shapes) == []


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_severity_and_targets(engine: str, world: Graph, ontology_graph: Graph) -> None:
    """A warning does not fail the graph; targetNode, targetSubjectsOf and targetObjectsOf work."""
    text = SHAPES_HEAD + f"""
ex:W a sh:NodeShape ; sh:severity sh:Warning ; sh:message "w" ;
    sh:targetSubjectsOf oa:hasSelector ; sh:targetNode <https://w3id.org/cyberflag/id/nowhere> ;
    sh:sparql [ sh:message "Span {{$this}}" ;
                sh:select "SELECT $this WHERE {{ $this {HAS_SELECTOR} ?s }}" ] .
ex:I a sh:NodeShape ; sh:severity sh:Info ; sh:message "i {{?value}}" ;
    sh:targetObjectsOf oa:hasSelector ;
    sh:sparql [ sh:select "SELECT $this ?value WHERE {{ ?value {HAS_SELECTOR} $this }}" ] .
"""
    shapes = Graph().parse(data=text, format="turtle")
    assert len(batching.batchable(shapes)) == 2
    expected = pyshacl_report(world, ontology_graph, shapes)
    actual = validate_graph(world, ontology=ontology_graph, shapes=shapes)
    assert_same(expected, actual)
    assert actual.conforms
    assert {f.severity for f in actual.results} == {"Warning", "Info"}


# --- the examples and the shipped data ------------------------------------------------------------


@pytest.mark.slow(keep=5)
@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_examples_report_as_pyshacl_does(
    path: Path, world: Graph, ontology_graph: Graph, shapes_graph: Graph,
    references: References, monkeypatch: pytest.MonkeyPatch,
) -> None:
    graph = layered(world, path)
    expected = references.report(path, graph)
    for engine in ENGINES:
        monkeypatch.setattr(sparql, "ENGINE", engine)
        actual = validate_graph(graph, ontology=ontology_graph, shapes=shapes_graph)
        assert actual == expected, f"{engine}:\n{differences(expected, actual)}"


def example_nodes(path: Path) -> list[str]:
    return sorted({str(s) for s in Graph().parse(path, format="turtle").subjects()
                   if isinstance(s, URIRef)})


SPARQL_EXAMPLES = [
    p for p in EXAMPLE_FILES
    if re.match(r"# expect: (\S+)", p.read_text(encoding="utf-8"))
    and str(CF[p.read_text(encoding="utf-8").split()[2]]) in SPARQL_SHAPES
]


def test_there_are_examples_for_every_sparql_shape() -> None:
    assert {str(CF[p.read_text(encoding="utf-8").split()[2]]) for p in SPARQL_EXAMPLES} == (
        SPARQL_SHAPES
    )


@pytest.mark.slow(keep=2, cover=("engine",))
@pytest.mark.parametrize("path", SPARQL_EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_focus_restricted_runs_report_as_pyshacl_does(
    path: Path, engine: str, world: Graph, ontology_graph: Graph, shapes_graph: Graph,
    references: References,
) -> None:
    graph = layered(world, path)
    focus = example_nodes(path)
    expected = references.report(path, graph, focus=focus)
    assert expected.results, "the example's own nodes should fail"
    actual = validate_graph(graph, ontology=ontology_graph, shapes=shapes_graph, focus=focus)
    assert_same(expected, actual)
    # and nodes elsewhere: nothing of the example is reported
    elsewhere = ["https://w3id.org/cyberflag/id/nowhere"]
    assert_same(
        references.report(path, graph, focus=elsewhere),
        validate_graph(graph, ontology=ontology_graph, shapes=shapes_graph, focus=elsewhere),
    )


@pytest.fixture(scope="module")
def shipped_graph() -> Graph:
    """The shipped data, parsed once (validation leaves a graph as it found it)."""
    if not shipped_data_present():
        pytest.skip("data/articles/*.ttl not written yet")
    graph = Graph()
    for path in sorted(SHIPPED_DATA.rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_shipped_data_reports_as_pyshacl_does(
    engine: str, shipped_graph: Graph, ontology_graph: Graph, shapes_graph: Graph,
    references: References, engines_used: dict[str, str],
) -> None:
    graph = shipped_graph
    assert_same(
        references.report(SHIPPED_DATA, graph),
        validate_graph(graph, ontology=ontology_graph, shapes=shapes_graph),
    )
    assert_engine(engines_used, engine, shapes_graph)
    focus = sorted({str(s) for s in graph.subjects(RDF.type, URIRef(OA + "SpecificResource"))})[:5]
    assert_same(
        references.report(SHIPPED_DATA, graph, focus=focus),
        validate_graph(graph, ontology=ontology_graph, shapes=shapes_graph, focus=focus),
    )


# --- a generated corpus with faults of every kind -------------------------------------------------


@pytest.fixture(scope="module")
def corpus(synthetic_corpus: Path) -> Graph:
    graph = Graph()
    for path in sorted(synthetic_corpus.rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _first(graph: Graph, predicate: str, nth: int = 0) -> tuple[URIRef, URIRef | Literal]:
    pairs = sorted(graph.subject_objects(URIRef(predicate)))
    s, o = pairs[nth]
    return s, o  # type: ignore[return-value]


def _replace(graph: Graph, s: object, p: str, o: object) -> None:
    graph.set((s, URIRef(p), o))  # type: ignore[arg-type]


def inject_faults(graph: Graph) -> None:
    """Two faults for each of the nine SPARQL constraints, on different nodes."""
    for nth in (0, 1):
        # NewsArticleBodyShape: a body span whose source is another article
        _, body = _first(graph, str(CF.body), nth)
        other = sorted(set(graph.subjects(RDF.type, URIRef("http://schema.org/NewsArticle"))))
        _replace(graph, body, OA + "hasSource", other[-1 - nth])
        # SpanIriShape: a position selector whose end disagrees with the span's IRI
        spans = sorted(graph.subjects(RDF.type, URIRef(OA + "SpecificResource")))
        quote = URIRef(f"{spans[10 + nth]}/quote")
        exact = graph.value(quote, URIRef(OA + "exact"))
        _replace(graph, quote, OA + "exact", Literal(f"{exact}x"))  # SpanLengthShape too
        position = URIRef(f"{spans[20 + nth]}/position")
        end = graph.value(position, URIRef(OA + "end"))
        assert isinstance(end, Literal)
        _replace(graph, position, OA + "end",
                 Literal(int(end) + 1, datatype=XSD.nonNegativeInteger))
        # SpanInBodyShape: a span starting before its article's body
        position = URIRef(f"{spans[30 + nth]}/position")
        _replace(graph, position, OA + "start", Literal(0, datatype=XSD.nonNegativeInteger))
        # PartialQuoteShape: a partial quote without its fragment
        partial = sorted(graph.subjects(CF.statementKind, CF.PartialQuote))[nth]
        fragment = graph.value(partial, CF.quotedFragment)
        graph.remove((partial, CF.quotedFragment, None))
        # QuotedFragmentShape: a fragment not in the text (with a backslash, which pySHACL's
        # message formatting reads as an escape)
        statement = sorted(graph.subjects(CF.quotedFragment, None))[nth]
        _replace(graph, statement, str(CF.quotedFragment), Literal(f"{fragment} \\n not said"))
        # ReportBacklinkShape: a statement that forgot its report
        statement, report = _first(graph, str(CF.hasReport), 5 + nth)
        graph.remove((statement, CF.hasReport, report))
        # ProperIntervalDatesShape and InstantDateShape: dates that disagree
        interval, _ = _first(graph, str(CF.startDate), nth)
        _replace(graph, interval, str(CF.startDate), Literal("1999-01-01", datatype=XSD.date))
        instant, _ = _first(graph, TIME + "inXSDDate", nth)
        _replace(graph, instant, TIME + "inXSDDate", Literal("1999-01-0" + str(nth + 1),
                                                              datatype=XSD.date))


@pytest.fixture(scope="module")
def broken_corpus(corpus: Graph) -> Graph:
    graph = Graph()
    graph += corpus
    inject_faults(graph)
    # The editorial rules' shapes: their failing examples (tests/shapes/invalid), each with the
    # world it extends and its project IRIs suffixed, so that examples cannot mask each other
    # (one's article date bound hiding another's missing one) and each fault fires here too.
    paths = [p for p in INVALID_FILES if p.name.split("--")[0] in EDITORIAL_SHAPES]
    for i, path in enumerate(paths):
        example = Graph().parse(WORLD, format="turtle").parse(path, format="turtle")
        for triple in example:
            graph.add(tuple(_suffixed(term, f"-e{i}") for term in triple))  # type: ignore[arg-type]
    return graph


def _suffixed(term: Node, suffix: str) -> Node:
    """A project IRI made the example's own: the suffix goes on its slug (``person/x-e3``,
    ``span/article-e3/0-75``), so that offsets and IRI patterns keep their form."""
    base = "https://w3id.org/cyberflag/id/"
    if isinstance(term, URIRef) and str(term).startswith(base):
        kind, _, rest = str(term)[len(base):].partition("/")
        slug, slash, tail = rest.partition("/")
        return URIRef(f"{base}{kind}/{slug}{suffix}{slash}{tail}")
    return term


@pytest.fixture(scope="module")
def broken_corpus_expected(broken_corpus: Graph, references: References) -> ShaclReport:
    return references.report("broken corpus", broken_corpus)


def test_the_faults_fire_every_sparql_shape(broken_corpus_expected: ShaclReport) -> None:
    assert broken_corpus_expected.shapes >= SPARQL_SHAPES
    assert not broken_corpus_expected.conforms


@pytest.mark.parametrize("engine", ["oxigraph", "auto"], indirect=True)  # rdflib: see below
def test_broken_corpus_reports_as_pyshacl_does(
    engine: str, broken_corpus: Graph, broken_corpus_expected: ShaclReport, ontology_graph: Graph,
    shapes_graph: Graph, engines_used: dict[str, str],
) -> None:
    actual = validate_graph(broken_corpus, ontology=ontology_graph, shapes=shapes_graph)
    assert_same(broken_corpus_expected, actual)
    assert_engine(engines_used, "oxigraph" if engine == "auto" else engine, shapes_graph)


@pytest.mark.parametrize("engine", ["auto"], indirect=True)
def test_broken_corpus_focus_run(
    engine: str, broken_corpus: Graph, broken_corpus_expected: ShaclReport, ontology_graph: Graph,
    shapes_graph: Graph, engines_used: dict[str, str],
) -> None:
    """A few nodes (as incremental validation asks for): rdflib, no store to load."""
    focus = sorted({f.focus for f in broken_corpus_expected.results})[:6] + sorted(
        str(s) for s in broken_corpus.subjects(RDF.type, CF.Statement)
    )[:20]
    assert_same(
        pyshacl_report(broken_corpus, ontology_graph, shapes_graph, focus=focus),
        validate_graph(broken_corpus, ontology=ontology_graph, shapes=shapes_graph, focus=focus),
    )
    assert set(engines_used.values()) == {"rdflib"}


@pytest.mark.slow(keep=1)
@pytest.mark.parametrize(
    ("engine", "literal"),
    [
        ("rdflib", None),
        ("oxigraph", Literal("x", lang="EN-GB")),
        ("oxigraph", Literal("1.50", datatype=XSD.decimal)),
    ],
    ids=["rdflib", "oxigraph-language-tag-case", "oxigraph-decimal-lexical-form"],
    indirect=["engine"],
)
def test_the_whole_corpus_on_rdflib_reports_as_pyshacl_does(
    engine: str, literal: Literal | None, broken_corpus: Graph,
    broken_corpus_expected: ShaclReport, ontology_graph: Graph, shapes_graph: Graph,
    engines_used: dict[str, str],
) -> None:
    """Every constraint on rdflib over the whole corpus: when asked for, or, on Oxigraph, when the
    graph holds a literal Oxigraph would change (a language tag's case, a decimal's lexical form).
    Each way costs a whole-corpus run on rdflib, the slowest in the module, for the same report:
    a default run takes one of the three."""
    graph = broken_corpus
    if literal is not None:
        graph = Graph()
        graph += broken_corpus
        graph.add((URIRef("https://w3id.org/cyberflag/id/x"), RDF.value, literal))
    actual = validate_graph(graph, ontology=ontology_graph, shapes=shapes_graph)
    assert_same(broken_corpus_expected, actual)
    assert set(engines_used.values()) == {"rdflib"}


def test_datatype_changes_send_only_datatype_queries_to_rdflib(
    broken_corpus: Graph, ontology_graph: Graph, monkeypatch: pytest.MonkeyPatch,
    engines_used: dict[str, str],
) -> None:
    """oa:start is an xsd:nonNegativeInteger, which Oxigraph stores as an xsd:integer: a query
    that reads datatypes, or joins an oa:start with an xsd:integer of the same value (the same
    term to Oxigraph, two to rdflib), must run on rdflib."""
    monkeypatch.setattr(sparql, "ENGINE", "oxigraph")
    graph = Graph()
    graph += broken_corpus
    _, start = _first(graph, OA + "start", 3)
    assert isinstance(start, Literal)
    assert start.datatype == XSD.nonNegativeInteger
    graph.add((URIRef("http://example.org/x"), URIRef("http://example.org/n"), Literal(int(start))))
    shapes = custom_shapes("d", QUERIES["datatype"][0])
    shapes += custom_shapes("j", QUERIES["literal-join"][0])
    shapes += custom_shapes("p", QUERIES["plain"][0])
    (j,) = (c for c in batching.batchable(shapes) if c.shape.endswith("/j"))
    assert j.joins_literals
    expected = pyshacl_report(graph, ontology_graph, shapes)
    assert {f.shape for f in expected.results} == {"http://example.org/d", "http://example.org/p"}
    assert_same(expected, validate_graph(graph, ontology=ontology_graph, shapes=shapes))
    assert engines_used == {
        "http://example.org/d-c": "rdflib", "http://example.org/j-c": "rdflib",
        "http://example.org/p-c": "oxigraph",
    }


# --- the caller's graph, and imports --------------------------------------------------------------


def test_the_data_graph_is_left_exactly_as_it_was(
    world: Graph, ontology_graph: Graph, shapes_graph: Graph
) -> None:
    """The ontology is added in place and taken out again; triples the data shares with the
    ontology stay."""
    graph = layered(world, EXAMPLES / "invalid" / "SpanLengthShape--short-exact.ttl")
    shared = sorted(ontology_graph)[:5]
    for triple in shared:
        graph.add(triple)
    before = set(graph)
    report = validate_graph(graph, ontology=ontology_graph, shapes=shapes_graph)
    assert not report.conforms
    assert set(graph) == before


def test_the_data_graph_is_restored_when_validation_fails(
    world: Graph, ontology_graph: Graph
) -> None:
    graph = layered(world, WORLD)
    before = set(graph)
    shapes = Graph().parse(data=SHAPES_HEAD + """
ex:S a sh:NodeShape ; sh:targetClass oa:SpecificResource ;
    sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o } VALUES ?o { 1 }" ] .
""", format="turtle")  # pySHACL refuses VALUES in a constraint
    with pytest.raises(TypeError, match="ValidationFailure"):  # as before batching
        validate_graph(graph, ontology=ontology_graph, shapes=shapes)
    assert set(graph) == before


def test_importing_shacl_sparql_loads_neither_rdflib_nor_pyoxigraph() -> None:
    code = (
        "import sys, cyberflag.checks.shacl.sparql\n"
        "sys.exit(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('rdflib', 'pyshacl', 'pyoxigraph')) or 0)"
    )
    cli = str(Path(__file__).resolve().parent.parent / "cli")
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": cli},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
