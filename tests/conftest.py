"""Shared fixtures and helpers for the cyberflag tests.

Others add fixtures here too: add, don't rewrite.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

# CI tests the installed package (`pip install '.[test]'`); a developer's checkout without an
# install falls back to the source under cli/.
if importlib.util.find_spec("cyberflag") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "cli"))

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from cyberflag.namespaces import XSD

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURE_DATA = TESTS / "fixtures" / "data"
SHIPPED_DATA = REPO / "data"


def shipped_data_present() -> bool:
    """True once the real articles are in ``data/articles/``."""
    return any((SHIPPED_DATA / "articles").glob("*.ttl"))


@pytest.fixture
def fixture_data() -> Path:
    """The small invented data set under tests/fixtures/data (read-only: copy before changing)."""
    return FIXTURE_DATA


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture data set, for tests that break or change it."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target


@pytest.fixture
def shipped_data() -> Path:
    """The project's real data directory; skips until the articles have landed in data/."""
    if not shipped_data_present():
        pytest.skip("data/articles/*.ttl not written yet")
    return SHIPPED_DATA


@pytest.fixture
def runner() -> CliRunner:
    """A click CliRunner with stdout and stderr kept apart."""
    return CliRunner()


def _normalise(graph: Graph) -> Graph:
    """RDF 1.1 sameness: "x" = "x"^^xsd:string, language tags compare case-insensitively."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal):
            if o.datatype == XSD.string:
                o = Literal(str(o))
            elif o.language:
                o = Literal(str(o), lang=o.language.lower())
        out.add((s, p, o))
    return out


def assert_isomorphic(expected: Graph, actual: Graph) -> None:
    """Fail with the triples only in one graph or the other (as rdflib's own test helpers do)."""
    a, b = _normalise(expected), _normalise(actual)
    if isomorphic(a, b):
        return
    _, only_expected, only_actual = graph_diff(to_isomorphic(a), to_isomorphic(b))

    def dump(g: Graph) -> str:
        return "\n".join(sorted(f"  {s.n3()} {p.n3()} {o.n3()}" for s, p, o in g)) or "  (none)"

    pytest.fail(
        f"graphs differ ({len(a)} vs {len(b)} triples)\n"
        f"only in expected:\n{dump(only_expected)}\nonly in actual:\n{dump(only_actual)}"
    )


# --- ontology and SHACL shapes (owner: tests/test_shapes.py) -------------------------------------

ONTOLOGY_FILE = REPO / "ontology" / "cyberflag.ttl"
SHAPES_FILE = REPO / "ontology" / "shapes.ttl"


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    """The ontology parsed from the checkout (``ontology/cyberflag.ttl``). Do not modify it."""
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    """The SHACL shapes parsed from the checkout (``ontology/shapes.ttl``). Do not modify it."""
    return Graph().parse(SHAPES_FILE, format="turtle")
