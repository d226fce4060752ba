"""Which queries call SERVICE, with Oxigraph's own parser as the judge of what is a call: the
rule ``serve``'s front refuses them by (``sparql/syntax.uses_service``), and the tokenizer reading
escaped names and IRIs whole, so that a '#' or a quote in them cannot hide what follows."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cyberflag.sparql.syntax import tokens, uses_service

PREFIX = "PREFIX ex: <http://example.org/> "
CALL = "<http://127.0.0.1:9/sparql> { ?a ?b ?c }"

# Each of these is a SERVICE call to Oxigraph: the keyword glued to what comes before it, or
# after a '#' or a quote that only escapes or an IRI's \u make harmless.
CALLS = [
    f"SELECT * WHERE {{ SERVICE {CALL} }}",
    f"select * where {{ sErViCe SILENT {CALL} }}",
    f"SELECT * WHERE {{ ?s ?p ?o.SERVICE {CALL} }}",
    f"SELECT * WHERE {{ ?s ?p 1SERVICE {CALL} }}",
    f"SELECT * WHERE {{ ?s ?p trueSERVICE {CALL} }}",
    f'SELECT * WHERE {{ ?s ?p "x"@en.SERVICE {CALL} }}',
    f"SELECT * WHERE {{ ?s ?p ex:.SERVICE {CALL} }}",
    f"SELECT * WHERE {{ ?s ?p ?o FILTER(1)SERVICE {CALL} }}",
    f"SELECT * WHERE {{ ?s ?p ex:a\\#x . SERVICE {CALL} }}",
    f"SELECT * WHERE {{ ?s ?p ex:a\\' . SERVICE {CALL} }}",
    f"SELECT * WHERE {{ ?s ?p <http://x\\u0041#> . SERVICE {CALL} }}",
    f"SELECT * WHERE {{ ?s ?p ?o.\n#c\nSERVICE{CALL} }}",
]

# Each of these mentions the word and calls nothing.
MENTIONS = [
    'SELECT * WHERE { ?s ?p "SERVICE" }',
    "SELECT * WHERE { ?s ?p '''a SERVICE\nb''' }",
    "SELECT * WHERE { ?s ?p <http://example.org/SERVICE> }",
    "SELECT ?service WHERE { ?service ?p ?o } # SERVICE <http://x/> {}",
    "SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'service')) }",
]


@pytest.mark.parametrize("text", CALLS)
def test_every_service_call_oxigraph_parses_is_found(text: str) -> None:
    ox.Store().query(PREFIX + text)  # the judge: Oxigraph parses it (so it would call out)
    assert uses_service(PREFIX + text)


@pytest.mark.parametrize("text", MENTIONS)
def test_the_word_in_a_string_iri_comment_or_variable_is_not_a_call(text: str) -> None:
    ox.Store().query(PREFIX + text)
    assert not uses_service(PREFIX + text)


def test_escaped_names_and_iris_are_read_whole() -> None:
    words = [t.text for t in tokens(r"?s ex:a\#b <http://x\u0041#> ex:c\'d ?o")]
    assert words == ["?s", "ex:a\\#b", "ex:c\\'d", "?o"]
