"""The routes of ``serve``'s front, without a server: what is forwarded (rebuilt from what was
checked) and what is refused, with which status. The same rules against the real Oxigraph server
are in tests/test_serve.py."""

from __future__ import annotations

import pytest

from cyberflag.server.front import MAX_BODY
from cyberflag.server.routes import (
    FORM,
    NO_SERVICE,
    READ_ONLY,
    ROUTES,
    Incoming,
    Refused,
    route,
)
from cyberflag.sparql.syntax import MAX_NESTING

CALL = "<http://127.0.0.1:9/sparql> { ?a ?b ?c }"


def incoming(
    method: str, path: str, query: str = "", kind: str = "", body: bytes = b""
) -> Incoming:
    return Incoming(method, path, query, kind, lambda: body)


def answer(request: Incoming) -> tuple[str, str, bytes | None, str | None]:
    out = route(request.method, request.path)(request)
    return out.method, out.target, out.body, out.content_type


def refusal(request: Incoming) -> tuple[int, str]:
    with pytest.raises(Refused) as caught:
        route(request.method, request.path)(request)
    return caught.value.status, caught.value.reason


def test_a_query_goes_on_as_a_form_rebuilt_from_what_was_checked() -> None:
    sent = "SELECT * WHERE { ?s ?p 'é' }"
    expected = ("POST", "/query", b"query=SELECT+%2A+WHERE+%7B+%3Fs+%3Fp+%27%C3%A9%27+%7D", FORM)
    assert answer(incoming("GET", "/query", "query=SELECT+*+WHERE+{+%3Fs+%3Fp+'%C3%A9'+}")) == (
        expected
    )
    assert answer(incoming("POST", "/query", "", "application/sparql-query", sent.encode())) == (
        expected
    )
    assert answer(incoming("POST", "/query", "", FORM, b"query=SELECT+*+WHERE+{+?s+?p+'%C3%A9'+}"))[
        2
    ] == expected[2]


def test_service_is_refused_however_the_query_comes() -> None:
    text = f"SELECT * WHERE {{ SERVICE {CALL} }}"
    for request in (
        incoming("GET", "/query", f"query={text}"),
        incoming("GET", "/sparql", f"query={text}"),
        incoming("POST", "/query", "", "application/sparql-query", text.encode()),
        incoming("POST", "/sparql", "", FORM, f"query={text}".encode()),
    ):
        assert refusal(request) == (403, NO_SERVICE)


def test_deep_nesting_is_refused_with_the_limit() -> None:
    deep = "SELECT * WHERE " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1)
    status, reason = refusal(incoming("POST", "/query", "", "application/sparql-query",
                                      deep.encode()))
    assert status == 400
    assert f"at most {MAX_NESTING} are allowed" in reason


def test_every_write_is_refused() -> None:
    for request in (
        incoming("POST", "/update", "", "application/sparql-update", b"DROP ALL"),
        incoming("POST", "/sparql", "", "application/sparql-update", b"DROP ALL"),
        incoming("POST", "/sparql", "", FORM, b"update=DROP+ALL"),
        incoming("GET", "/query", "update=DROP+ALL"),
        incoming("POST", "/query", "", "application/sparql-query", b"DROP ALL"),
        incoming("PUT", "/store", "default", "text/turtle", b"<a:a> <a:b> <a:c> ."),
        incoming("POST", "/store", "default", "text/turtle", b"<a:a> <a:b> <a:c> ."),
        incoming("DELETE", "/store", "default"),
    ):
        assert refusal(request) == (403, READ_ONLY), request


def test_reads_of_the_page_and_the_graph_store_pass_as_they_came() -> None:
    assert answer(incoming("GET", "/")) == ("GET", "/", None, None)
    assert answer(incoming("HEAD", "/yasgui.min.js")) == ("HEAD", "/yasgui.min.js", None, None)
    assert answer(incoming("GET", "/store", "default")) == ("GET", "/store?default", None, None)


def test_what_is_not_routed_is_404_or_405() -> None:
    assert refusal(incoming("GET", "/admin"))[0] == 404
    with pytest.raises(Refused) as caught:
        route("DELETE", "/query")
    assert caught.value.status == 405
    assert caught.value.headers == {"Allow": "GET, POST"}
    assert set(ROUTES["/query"]) == {"GET", "POST"}


def test_ambiguous_or_missing_queries_are_refused() -> None:
    assert refusal(incoming("GET", "/query", "query=ASK{}&query=ASK{}"))[0] == 400
    assert refusal(incoming("GET", "/query", ""))[0] == 400
    assert refusal(incoming("POST", "/query", "", "text/plain", b"ASK {}"))[0] == 415
    assert refusal(incoming("POST", "/query", "", "application/sparql-query", b"\xff"))[0] == 400
    assert MAX_BODY == 1 << 20
