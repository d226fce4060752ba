"""The canonical Turtle writer: exact layout, and round trips through rdflib and pyoxigraph."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from cyberflag.rdf import turtle
from cyberflag.rdf.graphs import parse_turtle
from cyberflag.rdf.namespaces import CF, CFD, PREFIXES, SCHEMA
from cyberflag.rdf.turtle import dump, dumps, dumps_trig, is_pn_local

from conftest import W3C_BASE, W3C_DIR, assert_isomorphic, w3c_cases

W3C = W3C_DIR


def reparse_both(text: str, tmp_path: Path) -> tuple[Graph, Graph]:
    """``text`` read back by rdflib and by pyoxigraph (strict)."""
    by_rdflib = Graph().parse(data=text, format="turtle")
    path = tmp_path / "out.ttl"
    path.write_text(text, encoding="utf-8")
    return by_rdflib, parse_turtle(path)


def assert_round_trip(graph: Graph, tmp_path: Path) -> str:
    text = dumps(graph)
    by_rdflib, by_oxigraph = reparse_both(text, tmp_path)
    assert_isomorphic(graph, by_rdflib)
    assert_isomorphic(graph, by_oxigraph)
    assert dumps(by_rdflib) == text, "writing the re-parsed graph must give the same text"
    return text


# --- layout ---------------------------------------------------------------------------------------


def test_layout_is_exact() -> None:
    g = Graph()
    s = CFD["person/alex"]
    g.add((s, SCHEMA.name, Literal("Alex")))
    g.add((s, RDF.type, SCHEMA.Person))
    g.add((s, CF.zeta, Literal(3)))
    g.add((s, CF.zeta, CFD["org/b"]))
    g.add((CFD["org/a"], RDF.type, CF.Thing))
    assert dumps(g) == (
        "@prefix cf: <https://w3id.org/cyberflag/ontology#> .\n"
        "@prefix schema: <http://schema.org/> .\n"
        "\n"
        "<https://w3id.org/cyberflag/id/org/a>\n"
        "    a cf:Thing .\n"
        "\n"
        "<https://w3id.org/cyberflag/id/person/alex>\n"
        "    a schema:Person ;\n"
        '    schema:name "Alex" ;\n'
        "    cf:zeta <https://w3id.org/cyberflag/id/org/b> ,\n"
        "        3 .\n"
    )


def test_prefix_block_has_only_used_prefixes_in_project_order() -> None:
    g = Graph()
    g.add((SCHEMA.x, RDFS.label, Literal("1", datatype=XSD.date)))
    g.add((CF.y, RDFS.label, Literal("y")))
    lines = [line for line in dumps(g).splitlines() if line.startswith("@prefix")]
    names = [line.split()[1].rstrip(":") for line in lines]
    assert names == [n for n in PREFIXES if n in {"cf", "rdfs", "schema", "xsd"}]


def test_empty_graph_is_empty_text() -> None:
    assert dumps(Graph()) == ""


def test_same_graph_same_text_whatever_the_insertion_order() -> None:
    triples = [(CFD[f"s{i % 7}"], CF[f"p{i % 3}"], Literal(f"v{i}")) for i in range(60)]
    texts = set()
    for seed in range(5):
        random.Random(seed).shuffle(triples)
        g = Graph()
        for t in triples:
            g.add(t)
        texts.add(dumps(g))
    assert len(texts) == 1


@pytest.mark.parametrize(
    ("literal", "written"),
    [
        (Literal(5), "5"),
        (Literal(-12), "-12"),
        (Literal(0), "0"),
        (Literal("007", datatype=XSD.integer, normalize=False), '"007"^^xsd:integer'),
        (Literal("+7", datatype=XSD.integer, normalize=False), '"+7"^^xsd:integer'),
        (Literal("-0", datatype=XSD.integer, normalize=False), '"-0"^^xsd:integer'),
        (Literal("1.5", datatype=XSD.decimal), "1.5"),
        (Literal("2.0", datatype=XSD.decimal), "2.0"),
        (Literal("1.50", datatype=XSD.decimal), '"1.50"^^xsd:decimal'),
        (Literal("5", datatype=XSD.decimal), '"5"^^xsd:decimal'),
        (Literal(True), "true"),
        (Literal("1", datatype=XSD.boolean, normalize=False), '"1"^^xsd:boolean'),
        (Literal("-0.0", datatype=XSD.decimal, normalize=False), '"-0.0"^^xsd:decimal'),
        (Literal(1.5), '"1.5"^^xsd:double'),
        (Literal("x", datatype=XSD.string), '"x"'),
        (Literal("x"), '"x"'),
        (Literal("colour", lang="en-GB"), '"colour"@en-GB'),
        (Literal("2017-03-12", datatype=XSD.date), '"2017-03-12"^^xsd:date'),
        (
            Literal("x", datatype=URIRef("http://example.org/dt#a b")),
            '"x"^^<http://example.org/dt#a\\u0020b>',
        ),
        (Literal('say "no" \\ now\nthen\r\tend'), r'"say \"no\" \\ now\nthen\r\tend"'),
        (Literal("\x00\x07\x1f\x7f"), r'"\u0000\u0007\u001F\u007F"'),
        (Literal("“curly” – é ✓ 𝄞"), '"“curly” – é ✓ 𝄞"'),
    ],
)
def test_literal_forms(literal: Literal, written: str) -> None:
    assert turtle.TermWriter().literal(literal) == written


@pytest.mark.parametrize(
    ("local", "valid"),
    [
        ("", True),
        ("abc", True),
        ("a.b", True),
        ("1abc", True),
        ("%20", True),
        ("_x", True),
        ("a:b", True),
        (":a", True),
        ("a-b", True),
        ("é", True),
        ("a·b", True),
        ("-x", False),
        ("a.", False),
        (".a", False),
        ("a/b", False),
        ("%2", False),
        ("%zz", False),
        ("a b", False),
        ("a#b", False),
        ("a~b", False),
        ("a?b", False),
        ("a(b)", False),
    ],
)
def test_pn_local(local: str, valid: bool) -> None:
    assert is_pn_local(local) is valid


@pytest.mark.parametrize(
    ("iri", "written"),
    [
        (CF["a.b"], "cf:a.b"),
        (CF["1abc"], "cf:1abc"),
        (CF["%20"], "cf:%20"),
        (CF[""], "cf:"),
        (CF["-x"], "<https://w3id.org/cyberflag/ontology#-x>"),
        (CFD["span/a/1-2"], "<https://w3id.org/cyberflag/id/span/a/1-2>"),
        (URIRef("http://example.org/a>b\\c"), "<http://example.org/a\\u003Eb\\u005Cc>"),
    ],
)
def test_iri_forms(iri: URIRef, written: str) -> None:
    assert turtle.TermWriter().iri(str(iri)) == written


# --- property-style round trips -------------------------------------------------------------------

TRICKY_STRINGS = [
    "",
    " ",
    "plain",
    'quote " inside',
    "back\\slash",
    "\\",
    '\\"',
    "new\nline",
    "cr\rlf\r\n",
    "tab\there",
    "“curly quotes” and ‘single’",
    "é à ü ß",
    "emoji 🙂 and 𝄞",
    "\u00a0nbsp",
    "\x00 nul",
    "\x08\x0c",
    "ends with backslash\\",
    '"""',
    "'''",
    "a'b",
    "#not a comment",
    "@prefix x: <y> .",
    "<http://not.an/iri>",
    "line\u2028separator",
    "zero-width\u200bspace",
]
TRICKY_LOCALS = [
    "a",
    "a.b",
    "-x",
    "1abc",
    "%20",
    "a%2Fb",
    "a/b",
    "_",
    "x-",
    "a..b",
    "é",
    "a:b",
    "a.",
    "",
    "ab_cd",
    "Z9",
    "x~y",
    "x'y",
    "x,y",
    "x;y",
    "x=y",
    "x!",
]
LANGS = ["en", "en-GB", "de-CH-1901", "fr"]
DATATYPES = [
    XSD.integer,
    XSD.decimal,
    XSD.boolean,
    XSD.date,
    XSD.double,
    XSD.gYearMonth,
    XSD.nonNegativeInteger,
    CF["custom-type"],
    URIRef("http://example.org/dt"),
]
LEXICALS = {
    XSD.integer: ["0", "1", "-5", "123456789012345678901234567890"],
    XSD.decimal: ["0.0", "1.5", "-2.25", "10.0", "0.001"],
    XSD.boolean: ["true", "false"],
    XSD.date: ["2016-06-21", "2020-01-01"],
    XSD.double: ["1.5E0", "-3.0E2"],
    XSD.gYearMonth: ["2017-02"],
    XSD.nonNegativeInteger: ["0", "42"],
}
NAMESPACES = [str(CF), str(CFD), "http://schema.org/", "http://example.org/ns#", "urn:x:"]


def random_term(rng: random.Random, kind: str, bnodes: list[BNode]) -> URIRef | BNode | Literal:
    if kind == "iri" or (kind == "object" and rng.random() < 0.35):
        return URIRef(rng.choice(NAMESPACES) + rng.choice(TRICKY_LOCALS))
    if kind == "bnode" or (kind == "object" and rng.random() < 0.1):
        return rng.choice(bnodes)
    roll = rng.random()
    if roll < 0.4:
        return Literal(rng.choice(TRICKY_STRINGS))
    if roll < 0.6:
        return Literal(rng.choice(TRICKY_STRINGS), lang=rng.choice(LANGS))
    datatype = rng.choice(DATATYPES)
    lexical = rng.choice(LEXICALS.get(datatype, TRICKY_STRINGS))
    return Literal(lexical, datatype=datatype)


def random_graph(seed: int) -> Graph:
    rng = random.Random(seed)
    bnodes = [BNode() for _ in range(rng.randint(0, 4))]
    g = Graph()
    for _ in range(rng.randint(1, 40)):
        subject_kind = "bnode" if bnodes and rng.random() < 0.25 else "iri"
        s = random_term(rng, subject_kind, bnodes)
        p = URIRef(rng.choice(NAMESPACES) + rng.choice([*TRICKY_LOCALS, "p"]))
        if rng.random() < 0.15:
            p = RDF.type
        o = random_term(rng, "object", bnodes) if bnodes else random_term(rng, "iri", bnodes)
        if not bnodes and rng.random() < 0.6:
            o = random_term(rng, "literal", bnodes)
        g.add((s, p, o))
    return g


@pytest.mark.parametrize("seed", range(60))
def test_random_graph_round_trips(seed: int, tmp_path: Path) -> None:
    assert_round_trip(random_graph(seed), tmp_path)


@pytest.mark.parametrize("text", TRICKY_STRINGS)
def test_tricky_string_round_trips(text: str, tmp_path: Path) -> None:
    g = Graph()
    g.add((CFD["x"], SCHEMA.text, Literal(text)))
    g.add((CFD["x"], SCHEMA.text, Literal(text, lang="en-GB")))
    assert_round_trip(g, tmp_path)


@pytest.mark.parametrize("local", TRICKY_LOCALS)
def test_odd_local_names_round_trip(local: str, tmp_path: Path) -> None:
    g = Graph()
    g.add((CF[local], CF[local], CF[local]))
    assert_round_trip(g, tmp_path)


def test_non_ascii_is_written_as_utf8_not_escaped() -> None:
    g = Graph()
    g.add((CFD["x"], SCHEMA.text, Literal("“These figures are a warning”")))
    text = dumps(g)
    assert "“These figures are a warning”" in text
    assert "\\u" not in text


# --- blank nodes ----------------------------------------------------------------------------------


def test_blank_node_referenced_once_is_inlined(tmp_path: Path) -> None:
    g = Graph().parse(
        data="<http://a> <http://p> [ <http://q> [ <http://r> 1 ] ] , [] .", format="turtle"
    )
    text = assert_round_trip(g, tmp_path)
    assert "_:" not in text
    assert "[]" in text
    assert text.count("[\n") == 2


def test_shared_and_cyclic_blank_nodes_get_stable_labels(tmp_path: Path) -> None:
    data = """
        <http://a> <http://p> _:shared . <http://b> <http://p> _:shared .
        _:shared <http://q> "s" .
        _:c1 <http://n> _:c2 . _:c2 <http://n> _:c1 .
        _:self <http://n> _:self .
    """
    first = assert_round_trip(Graph().parse(data=data, format="turtle"), tmp_path)
    second = dumps(Graph().parse(data=data, format="turtle"))
    assert first == second  # fresh blank-node ids on each parse, same text
    assert "_:b0" in first


# --- W3C Turtle evaluation tests ------------------------------------------------------------------

W3C_CASES = w3c_cases("TestTurtleEval")


@pytest.mark.parametrize(("name", "result"), W3C_CASES, ids=[n for n, _ in W3C_CASES])
def test_w3c_eval_case_round_trips(name: str, result: str, tmp_path: Path) -> None:
    """Every evaluation test: read as the suite expects, written, read back by both parsers."""
    expected = Graph().parse(W3C / result, format="nt")
    parsed = parse_turtle(W3C / name, base_iri=W3C_BASE + name)
    assert_isomorphic(expected, parsed)  # our reading of the input is right
    text = dumps(parsed)
    by_rdflib, by_oxigraph = reparse_both(text, tmp_path)
    assert_isomorphic(expected, by_oxigraph)
    assert_isomorphic(expected, by_rdflib)


def test_w3c_cases_are_present() -> None:
    assert len(W3C_CASES) == 145
    assert (W3C / "LICENSE").is_file()


# --- TriG and files -------------------------------------------------------------------------------


def test_trig_keeps_named_graphs(tmp_path: Path) -> None:
    ds = Dataset()
    ds.graph(CFD["graph/a"]).add((CFD["x"], SCHEMA.name, Literal("in a")))
    ds.graph(CFD["graph/b"]).add((CFD["x"], SCHEMA.name, Literal("in b")))
    ds.graph(CFD["graph/b"]).add((CFD["y"], CF.p, BNode()))
    text = dumps_trig(ds)
    assert text.index("graph/a> {") < text.index("graph/b> {")
    back = Dataset().parse(data=text, format="trig")
    for name in ("graph/a", "graph/b"):
        assert_isomorphic(ds.graph(CFD[name]), back.graph(CFD[name]))
    quads = list(ox.parse(text, format=ox.RdfFormat.TRIG))
    assert len(quads) == 3


def test_trig_writes_the_default_graph_first_outside_any_block() -> None:
    ds = Dataset()
    ds.add((CFD["d"], SCHEMA.name, Literal("default")))
    ds.graph(CFD["graph/a"]).add((CFD["x"], SCHEMA.name, Literal("in a")))
    text = dumps_trig(ds)
    assert text.index('"default"') < text.index("graph/a> {") < text.index('"in a"')
    quads = list(ox.parse(text, format=ox.RdfFormat.TRIG))
    assert {str(q.graph_name) for q in quads} == {"DEFAULT", f"<{CFD['graph/a']}>"}


def test_dump_writes_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.ttl"
    g = Graph()
    g.add((CFD["x"], SCHEMA.name, Literal("x")))
    dump(g, target)
    assert target.read_text(encoding="utf-8") == dumps(g)

    def broken_write(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", broken_write)
    with pytest.raises(OSError, match="disk full"):
        dump(Graph(), target)
    assert target.read_text(encoding="utf-8") == dumps(g), "old file must survive a failed write"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"], "no temporary file left behind"
