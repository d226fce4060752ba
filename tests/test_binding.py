"""Parameter binding: values become RDF terms in an inline VALUES block, never query text.

Also the ``#+`` header parser, the tokenizer that finds the WHERE brace, and the errors a user sees
for unknown queries, unknown or missing parameters, and badly typed values.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cyberflag.errors import DataError, InputError
from cyberflag.queries import binding, catalogue, header
from cyberflag.queries.catalogue import QueryNotFoundError
from cyberflag.queries.params import ParameterError
from cyberflag.sparql import engines, syntax
from cyberflag.sparql.syntax import QueryFileError

HOSTILE = [
    'x" } ; DROP ALL ; #',
    "x' } ; DROP ALL ; #",
    '"""',
    "'''",
    "line one\nline two",
    "carriage\rreturn",
    "tab\there",
    "<http://example.org/x>",
    "a > b < c",
    "back\\slash \\u0022 \\n",
    "esc \\u000A \\U0001F600 \\\\u0041",
    "\\u0022 } ; DROP ALL ; #",
    "?_person",
    "} } } VALUES",
    "# comment",
    "Ünïcödé – 日本語 – ‘curly’",
    "",
]

# A small query over a tiny data set, to see exactly what each engine matches.
PROBE = '''#+ summary: probe
#+ params:
#+   - name: text
#+     type: string
#+     multiple: true
#+     description: exact text
#+   - name: day
#+     type: date
#+     description: a date
#+   - name: count
#+     type: integer
#+     description: a count
#+   - name: amount
#+     type: decimal
#+     description: an amount
#+   - name: thing
#+     type: iri
#+     description: a thing
#+   - name: colour
#+     type: string
#+     enum: [red, green]
#+     description: a colour
PREFIX ex: <http://example.org/>
SELECT DISTINCT ?s ?label
WHERE {
  ?s ex:label ?label .
  FILTER (!BOUND(?_text) || ?label = ?_text)
  FILTER (!BOUND(?_day) || EXISTS { ?s ex:day ?_day })
  FILTER (!BOUND(?_count) || EXISTS { ?s ex:count ?c . FILTER (?c = ?_count) })
  FILTER (!BOUND(?_amount) || EXISTS { ?s ex:amount ?a . FILTER (?a = ?_amount) })
  FILTER (!BOUND(?_thing) || ?s = ?_thing)
  FILTER (!BOUND(?_colour) || EXISTS { ?s ex:colour ?_colour })
}
ORDER BY STR(?s)
'''

DATA = r'''@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:label "x\" } ; DROP ALL ; #" ; ex:day "2017-01-01"^^xsd:date ; ex:count 3 ; ex:amount 2.5 ;
    ex:colour "red" .
ex:b ex:label "line one\nline two" ; ex:count 4 .
ex:c ex:label "Ünïcödé – 日本語 – ‘curly’" .
ex:d ex:label "back\\slash \\u0022 \\n" .
ex:e ex:label "a > b < c" .
ex:g ex:label "esc \\u000A \\U0001F600 \\\\u0041" .
ex:f ex:label "plain" .
'''

EXPECTED_MATCH = {
    'x" } ; DROP ALL ; #': ["http://example.org/a"],
    "line one\nline two": ["http://example.org/b"],
    "Ünïcödé – 日本語 – ‘curly’": ["http://example.org/c"],
    "back\\slash \\u0022 \\n": ["http://example.org/d"],
    "a > b < c": ["http://example.org/e"],
    "esc \\u000A \\U0001F600 \\\\u0041": ["http://example.org/g"],
}


@pytest.fixture(scope="module")
def probe_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("probe")
    (root / "queries").mkdir()
    (root / "queries" / "probe.rq").write_text(PROBE, encoding="utf-8")
    (root / "data").mkdir()
    (root / "data" / "things.ttl").write_text(DATA, encoding="utf-8")
    (root / "onto.ttl").write_text("", encoding="utf-8")
    return root


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def engine(request: pytest.FixtureRequest, probe_dir: Path) -> engines.Engine:
    cls = engines.OxigraphEngine if request.param == "oxigraph" else engines.RdflibEngine
    return cls(probe_dir / "data", ontology=probe_dir / "onto.ttl")


@pytest.fixture(scope="module")
def probe(probe_dir: Path) -> header.Query:
    return catalogue.load("probe", probe_dir / "queries")


def _subjects(engine: engines.Engine, probe: header.Query, **params: list[str]) -> list[str]:
    result = engine.select(probe.bind(params))
    return [t.value for t in result.column("s") if t is not None]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_just_strings(
    engine: engines.Engine, probe: header.Query, value: str
) -> None:
    assert _subjects(engine, probe, text=[value]) == EXPECTED_MATCH.get(value, [])


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_shipped_query(value: str) -> None:
    """The bound text is the original plus one VALUES block after the brace of the group that
    filters on the parameters (who-said-what's sole sub-select), and parses."""
    query = catalogue.load("who-said-what")
    text = query.bind({"person": [value], "contains": [value]})
    syntax.check_syntax(text)
    brace = binding.binding_brace(query.text)
    assert brace > binding.where_brace(query.text)
    block = binding.values_block(query, {"person": [value], "contains": [value]})
    assert text == query.text[: brace + 1] + block + query.text[brace + 1 :]
    assert block.count("\n") == 4  # newlines in values are escaped, never raw


def test_hostile_values_run_on_shipped_data() -> None:
    ox = engines.default_engine()
    for value in HOSTILE:
        if value in ("", "tab\there") or value.isspace():
            continue
        result = ox.select(catalogue.load("who-said-what").bind({"contains": [value]}))
        assert len(result) == 0, value


def test_typed_values(engine: engines.Engine, probe: header.Query) -> None:
    assert _subjects(engine, probe, day=["2017-01-01"]) == ["http://example.org/a"]
    assert _subjects(engine, probe, count=["3"]) == ["http://example.org/a"]
    assert _subjects(engine, probe, count=["+004"]) == ["http://example.org/b"]
    assert _subjects(engine, probe, amount=["2.50"]) == ["http://example.org/a"]
    assert _subjects(engine, probe, thing=["http://example.org/c"]) == ["http://example.org/c"]
    assert _subjects(engine, probe, colour=["red"]) == ["http://example.org/a"]


def test_multiple_values_are_alternatives(engine: engines.Engine, probe: header.Query) -> None:
    got = _subjects(engine, probe, text=["plain", "a > b < c", "plain", "nothing"])
    assert got == ["http://example.org/e", "http://example.org/f"]


def test_multiple_values_make_a_product(probe: header.Query) -> None:
    text = probe.bind({"text": ["a", "b"], "count": ["1"]})
    assert "VALUES (?_text ?_count)" in text
    assert text.count('^^<http://www.w3.org/2001/XMLSchema#integer>)') == 2


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("day", "2017-13-01", "not a valid date"),
        ("day", "yesterday", "not a date"),
        ("day", "2017-01-01T00:00", "not a date"),
        ("count", "3.5", "not an integer"),
        ("count", "three", "not an integer"),
        ("amount", "1e5", "not a decimal"),
        ("amount", "NaN", "not a decimal"),
        ("thing", "not an iri", "IRI"),
        ("thing", "http://example.org/a b", "IRI"),
        ("thing", "http://example.org/<x>", "IRI"),
        ("colour", "blue", "not one of red, green"),
    ],
)
def test_bad_values_name_the_parameter(
    probe: header.Query, param: str, value: str, message: str
) -> None:
    with pytest.raises(ParameterError, match=message) as caught:
        probe.bind({param: [value]})
    assert repr(param) in str(caught.value)
    assert caught.value.exit_code == 2


def test_unknown_parameter_lists_the_known_ones(probe: header.Query) -> None:
    with pytest.raises(ParameterError, match="no parameter 'colur'") as caught:
        probe.bind({"colur": ["red"]})
    assert "text (string, repeatable)" in str(caught.value)
    assert "colour (string, one of red|green)" in str(caught.value)


def test_single_valued_parameter_refuses_two(probe: header.Query) -> None:
    with pytest.raises(ParameterError, match="takes one value"):
        probe.bind({"day": ["2017-01-01", "2018-01-01"]})


def test_required_and_default(tmp_path: Path) -> None:
    (tmp_path / "q.rq").write_text(
        "#+ summary: s\n#+ params:\n#+   - name: need\n#+     required: true\n"
        "#+     description: d\n#+   - name: n\n#+     type: integer\n#+     default: 7\n"
        "#+     description: d\nSELECT * WHERE { ?s ?p ?o }\n",
        encoding="utf-8",
    )
    query = catalogue.load("q", tmp_path)
    with pytest.raises(ParameterError, match="needs parameter 'need'"):
        query.bind({})
    text = query.bind({"need": ["x"]})
    assert 'VALUES (?_need ?_n) {\n    ("x" "7"^^<http://www.w3.org/2001/XMLSchema#integer>)' in (
        text
    )


def test_no_values_leaves_the_query_alone(probe: header.Query) -> None:
    assert probe.bind({}) == probe.text


def test_unknown_query_suggests_close_names() -> None:
    with pytest.raises(QueryNotFoundError, match="did you mean who-said-what") as caught:
        catalogue.load("who-said-wat")
    assert caught.value.exit_code == 2
    with pytest.raises(QueryNotFoundError):
        catalogue.load("../data/entities")


def test_query_file_syntax_error_names_file_line_column(tmp_path: Path) -> None:
    (tmp_path / "broken.rq").write_text(
        "#+ summary: broken\nSELECT ?s\nWHERE { ?s ?p ?o }\nLIMIT ten\n", encoding="utf-8"
    )
    with pytest.raises(QueryFileError) as caught:
        catalogue.load("broken", tmp_path)
    error = caught.value
    assert isinstance(error, DataError)
    assert error.path.endswith("broken.rq")
    assert (error.line, error.column) == (4, 7)
    assert str(error).startswith(f"{error.path}:4:7: ")


def test_header_yaml_error_names_line(tmp_path: Path) -> None:
    (tmp_path / "h.rq").write_text(
        "#+ summary: s\n#+ params:\n#+   - name: [x\nSELECT * WHERE { ?s ?p ?o }\n",
        encoding="utf-8",
    )
    with pytest.raises(QueryFileError, match="bad #\\+ header"):
        catalogue.load("h", tmp_path)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("#+ summary: s\n#+ colour: red\n", "unknown keys"),
        ("#+ description: no summary\n", "summary is required"),
        ("#+ summary: s\n#+ params: x\n", "params must be a list"),
        ("#+ summary: s\n#+ params:\n#+   - name: Bad-Name\n", "must match"),
        ("#+ summary: s\n#+ params:\n#+   - name: a\n#+     type: float\n", "type must be one of"),
        ("#+ summary: s\n#+ params:\n#+   - name: a\n#+     type: date\n#+     default: soon\n",
         "default"),
        ("#+ summary: s\n#+ params:\n#+   - name: a\n#+   - name: a\n", "declared twice"),
        ("#+ summary: s\n#+ params:\n#+   - name: a\n#+     required: maybe\n", "true or false"),
    ],
)
def test_bad_headers(tmp_path: Path, header: str, message: str) -> None:
    (tmp_path / "h.rq").write_text(header + "SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryFileError, match=message):
        catalogue.load("h", tmp_path)


def test_header_parse_full() -> None:
    query = catalogue.load("who-said-what")
    kind = query.param("kind")
    assert kind.enum == ("direct", "partial", "reported", "headline", "publication")
    assert kind.multiple
    assert not kind.required
    assert query.param("since").type == "date"
    assert query.param("min_articles" if False else "person").variable == "_person"
    assert catalogue.load("repeated-statements").param("min_articles").default == ("2",)


# --- the tokenizer --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * WHERE { ?s ?p "WHERE {" }',
        "# WHERE { in a comment\nSELECT * WHERE { ?s ?p ?o }",
        "PREFIX where: <http://x/where#{>\nSELECT ?where WHERE { ?where where:WHERE ?o }",
        "SELECT (EXISTS { ?a ?b ?c } AS ?e) WHERE { ?s ?p ?o }",
        'SELECT * WHERE { ?s ?p """long { "string" \n WHERE {""" }',
        "SELECT * WHERE { ?s ?p '''it''s { ''' }",
        'SELECT * WHERE { ?s ?p "x"@where }',
        "SELECT * FROM <http://x/#WHERE> WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o FILTER (?o<?s && ?s>?o) }",
        "select * where { ?s ?p ?o }",
    ],
)
def test_where_brace_skips_comments_strings_iris(text: str) -> None:
    brace = binding.where_brace(text)
    assert text[brace] == "{"
    # it is the brace of the outermost group: everything after it up to the end is the group
    assert text[:brace].rstrip().upper().endswith("WHERE")


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        # the WHERE group holds only a sub-select: its parameters are bound inside it
        ("SELECT ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?_x } } }", True),
        ("SELECT ?n { # why\n { SELECT ?s (1 AS ?n) { ?s ?p ?_x } GROUP BY ?s } }", True),
        # anything beside the sub-select keeps them at the top, where the rest can see them
        ("SELECT ?n WHERE { { SELECT ?s WHERE { ?s ?p ?o } } ?s ?q ?_x }", False),
        ("SELECT ?n WHERE { ?s ?q ?_x { SELECT ?s WHERE { ?s ?p ?o } } }", False),
        ("SELECT ?n WHERE { { ?s ?p ?_x } }", False),
    ],
)
def test_binding_brace_descends_into_a_sole_subselect(text: str, inner: bool) -> None:
    brace = binding.binding_brace(text)
    assert text[brace] == "{"
    top = binding.where_brace(text)
    if inner:
        assert brace > top
        assert "?_x" in text[brace:].split("}")[0]
    else:
        assert brace == top


def test_where_brace_without_where_keyword() -> None:
    assert binding.where_brace("ASK { ?s ?p ?o }") == 4
    assert binding.where_brace("SELECT * { ?s ?p ?o }") == 9
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert binding.where_brace(text) == text.index("WHERE") + 6
    with pytest.raises(ParameterError):
        binding.where_brace("CONSTRUCT WHERE { ?s ?p ?o }")
    with pytest.raises(ParameterError):
        binding.where_brace("DESCRIBE <http://x/>")


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("PREFIX a: <http://a/>\nBASE <http://b/>\nselect * {}", "SELECT"),
        ("# c\nASK {}", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <x:y>", "DESCRIBE"),
        ("PREFIX select: <http://a/>\nINSERT DATA { select:a select:b select:c }", "UPDATE"),
        ("DROP ALL", "UPDATE"),
        ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "UPDATE"),
        ("LOAD <http://example.org/>", "UPDATE"),
    ],
)
def test_query_form(text: str, form: str) -> None:
    assert syntax.query_form(text) == form


def test_check_syntax_refuses_update() -> None:
    with pytest.raises(InputError, match="not allowed"):
        syntax.check_syntax("DELETE WHERE { ?s ?p ?o }")
