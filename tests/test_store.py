"""Loading the data: one named graph per file, strict parsing, one-line syntax errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from cyberflag.errors import DataError, InputError
from cyberflag.rdf import resources
from cyberflag.rdf.graphs import GRAPH_BASE, data_files, graph_iri, load, parse_turtle
from cyberflag.rdf.namespaces import CFD, SCHEMA

from conftest import TESTS


def test_graph_iri_drops_ttl_and_keeps_folders() -> None:
    assert graph_iri("articles/x.ttl") == URIRef(GRAPH_BASE + "articles/x")
    assert graph_iri("entities.ttl") == URIRef("https://w3id.org/cyberflag/id/graph/entities")
    assert graph_iri("odd name.ttl") == URIRef(GRAPH_BASE + "odd%20name")


def test_one_named_graph_per_file_plus_ontology(fixture_data: Path) -> None:
    loaded = load(fixture_data)
    names = {str(g) for g in loaded.files}
    assert names == {
        GRAPH_BASE + "articles/example-article",
        GRAPH_BASE + "concepts",
        GRAPH_BASE + "entities",
        GRAPH_BASE + "ontology/cyberflag",
    }
    assert loaded.ontology_graphs == (URIRef(GRAPH_BASE + "ontology/cyberflag"),)
    for name, path in loaded.files.items():
        assert len(loaded.dataset.graph(name)) == len(parse_turtle(path)) > 0


def test_union_views(fixture_data: Path) -> None:
    loaded = load(fixture_data)
    data, everything = loaded.data_union(), loaded.union()
    assert 0 < len(data) < len(everything)
    assert (CFD["article/example-article"], None, None) in data
    # the dataset's default graph is the union too, so SPARQL sees every file
    rows = list(
        loaded.dataset.query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://schema.org/NewsArticle> }"
        )
    )
    assert int(rows[0][0]) == 1


def test_files_stating_a_node(fixture_data: Path) -> None:
    loaded = load(fixture_data)
    assert loaded.files_stating(CFD["org/example-charity"]) == [fixture_data / "entities.ttl"]
    # the campaign is described in entities.ttl and its evidence is given in the article
    assert loaded.files_stating(CFD["campaign/example-campaign"]) == [
        fixture_data / "articles" / "example-article.ttl",
        fixture_data / "entities.ttl",
    ]
    assert loaded.files_stating(CFD["nothing/here"]) == []


def test_sources_and_hidden_files_are_skipped(data_copy: Path) -> None:
    (data_copy / "sources" / "stray.ttl").write_text("not turtle at all", encoding="utf-8")
    (data_copy / ".hidden.ttl").write_text("not turtle either", encoding="utf-8")
    nested = data_copy / "articles" / "more"
    nested.mkdir()
    (nested / "extra.ttl").write_text(
        '<https://w3id.org/cyberflag/id/x> <http://schema.org/name> "x" .\n', encoding="utf-8"
    )
    files = [p.relative_to(data_copy).as_posix() for p in data_files(data_copy)]
    assert files == [
        "articles/example-article.ttl",
        "articles/more/extra.ttl",
        "concepts.ttl",
        "entities.ttl",
    ]
    assert URIRef(GRAPH_BASE + "articles/more/extra") in load(data_copy).files


def test_plain_literals_come_back_plain(fixture_data: Path) -> None:
    loaded = load(fixture_data)
    headline = loaded.union().value(CFD["article/example-article"], SCHEMA.headline)
    assert headline == Literal("Police recorded 1,234 online child sexual offences")
    assert headline.datatype is None


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("<http://a> <http://b> <http://c>\n<http://d> <http://e> <http://f> .\n", 2, 1),
        ('<http://a> <http://b> "unterminated .\n', 1, None),
        ("@prefix ex: <http://ex/> .\nex:a ex:b ex:c ;\n  nope:x ex:d .\n", 3, 3),
        ("<http://a b> <http://b> <http://c> .\n", 1, None),  # rdflib would accept this
    ],
)
def test_syntax_error_is_one_line_with_position(
    data_copy: Path, text: str, line: int, column: int | None
) -> None:
    bad = data_copy / "articles" / "broken.ttl"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load(data_copy)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{bad}:{line}:")
    if column is not None:
        assert message.startswith(f"{bad}:{line}:{column}: ")
    assert caught.value.line == line
    assert not message.split(": ", 1)[1].startswith("Parser error")


def test_rdflib_accepts_what_we_reject(tmp_path: Path) -> None:
    """Why the strict parser: rdflib reads this W3C negative-syntax test without complaint."""
    source = TESTS / "fixtures" / "bad" / "turtle-syntax-bad-uri-01.ttl"
    Graph().parse(source, format="turtle")
    with pytest.raises(DataError, match=r"turtle-syntax-bad-uri-01\.ttl:2:1: "):
        parse_turtle(source)


def test_invalid_utf8_is_a_data_error(data_copy: Path) -> None:
    (data_copy / "entities.ttl").write_bytes(b'<http://a> <http://b> "\xff" .\n')
    with pytest.raises(DataError, match=r"entities\.ttl"):
        load(data_copy)


def test_missing_or_empty_data_dir(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load(tmp_path / "missing")
    with pytest.raises(InputError, match="no Turtle files"):
        load(tmp_path)


def test_resources_point_at_shipped_files() -> None:
    assert resources.ontology_path().name == "cyberflag.ttl"
    assert resources.ontology_path().is_file()
    assert resources.shapes_path().parent == resources.ontology_dir()
    assert (resources.queries_dir() / "stats.rq").is_file()
    assert resources.sources_dir() == resources.data_dir() / "sources"
    assert resources.data_dir().is_dir()


def test_shipped_data_loads(shipped_data: Path) -> None:
    loaded = load(shipped_data)
    assert len(loaded.data_graphs) >= 3
    assert len(loaded.data_union()) > 0
