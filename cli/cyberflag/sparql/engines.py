"""SPARQL engines behind one interface, returning engine-neutral results.

Two engines hold the same named graphs (one per data file, plus the ontology, named as in
:mod:`cyberflag.rdf.graphs`) and answer queries over their union as the default graph:

* :class:`OxigraphEngine`, the default: pyoxigraph, over the Turtle files read into memory when
  they are small, else over the persistent on-disk index of :mod:`cyberflag.index.builds` (built
  on first use, reused while the files are unchanged). It does not import rdflib at all, because
  rdflib's import alone costs more than loading the data and running any saved query on Oxigraph
  (``tests/test_engines.py`` checks that the query path stays free of it).
* :class:`RdflibEngine`: rdflib's SPARQL over the Dataset :func:`cyberflag.rdf.graphs.load` builds;
  slower, kept as a second, independent implementation that the tests compare against.

Both return :class:`~cyberflag.sparql.results.SelectResult`,
:class:`~cyberflag.sparql.results.AskResult` or :class:`~cyberflag.sparql.results.GraphResult`
built from :class:`~cyberflag.sparql.results.Term`, so results from either (and a remote endpoint)
compare equal and render the same. SPARQL Update is refused
before any engine sees it: the graph is read-only through this interface.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pyoxigraph as ox

from cyberflag.errors import InputError
from cyberflag.index import builds, opening, watch
from cyberflag.index import sources as index_sources
from cyberflag.rdf.files import data_files
from cyberflag.rdf.files import graph_name as graph_iri
from cyberflag.sparql.results import AskResult, GraphResult, Result, Row, SelectResult, Term
from cyberflag.sparql.syntax import OX_POSITION, QuerySyntaxError, check_nesting, query_form

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rdflib.query import ResultRow

    from cyberflag.rdf.graphs import LoadedData

ENGINES = ("oxigraph", "rdflib")
"""Engine names :func:`default_engine` accepts."""



class UpdateRefusedError(InputError):
    """SPARQL Update (INSERT, DELETE, LOAD, DROP, ...) was given where only queries are allowed."""


class QueryFormError(InputError):
    """A query of the wrong form for the call (e.g. an ASK given to ``select``)."""


class QueryEvaluationError(InputError):
    """The engine could not evaluate the query (e.g. a type error the parser cannot see)."""


def _check_form(text: str, expected: set[str] | None = None) -> str:
    check_nesting(text)  # before any parser can overflow its stack
    form = query_form(text)
    if form == "UPDATE":
        raise UpdateRefusedError(
            "SPARQL Update is not allowed: the knowledge graph is read-only here "
            "(edit the Turtle files under data/ instead)"
        )
    if expected is not None and form not in expected:
        wanted = " or ".join(sorted(expected))
        raise QueryFormError(f"expected a {wanted} query, got {form.lower()}")
    return form


class Engine(ABC):
    """What every engine offers: run a query (never an update) and return neutral results."""

    name: str = "engine"

    @abstractmethod
    def _run(self, text: str) -> Result:
        """Evaluate ``text`` (already checked not to be an update)."""

    def query(self, text: str) -> Result:
        """Any query form; the result type follows the form."""
        _check_form(text)
        return self._run(text)

    def select(self, text: str) -> SelectResult:
        """A SELECT query's solutions, variables in projection order, rows in result order."""
        _check_form(text, {"SELECT"})
        return _expect(self._run(text), SelectResult, "solutions")

    def ask(self, text: str) -> AskResult:
        """An ASK query's answer."""
        _check_form(text, {"ASK"})
        return _expect(self._run(text), AskResult, "a boolean")

    def construct(self, text: str) -> GraphResult:
        """A CONSTRUCT or DESCRIBE query's triples."""
        _check_form(text, {"CONSTRUCT", "DESCRIBE"})
        return _expect(self._run(text), GraphResult, "a graph")


ResultT = TypeVar("ResultT", SelectResult, AskResult, GraphResult)


def _expect(result: Result, kind: type[ResultT], what: str) -> ResultT:
    """``result`` if it is of ``kind``; a server that answers a SELECT with a boolean (say) is
    reported as one, not as a crash further on."""
    if not isinstance(result, kind):
        raise QueryEvaluationError(f"expected {what} for this query, got {type(result).__name__}")
    return result


# --- Oxigraph -------------------------------------------------------------------------------------


class UnsupportedTermError(QueryEvaluationError, ValueError):
    """A result term the neutral model has no form for (an RDF-star triple term). A ValueError
    too, so that :mod:`cyberflag.sparql.remote`, reading what a server sent, reports it as bad
    results."""


def term_from_oxigraph(term: Any) -> Term:
    """A pyoxigraph term as a neutral :class:`~cyberflag.sparql.results.Term` (used by the embedded
    engine
    and for graphs a remote server returns)."""
    if isinstance(term, ox.NamedNode):
        return Term.uri(term.value)
    if isinstance(term, ox.BlankNode):
        return Term.bnode(term.value)
    if isinstance(term, ox.Literal):
        return Term.literal(term.value, term.datatype.value, term.language)
    raise UnsupportedTermError(f"unsupported term in results: {term!r}")


def triple_from_oxigraph(triple: Any) -> tuple[Term, Term, Term]:
    """A pyoxigraph triple or quad's subject, predicate and object as neutral terms."""
    return (
        term_from_oxigraph(triple.subject),
        term_from_oxigraph(triple.predicate),
        term_from_oxigraph(triple.object),
    )


class OxigraphEngine(Engine):
    """pyoxigraph over the data directory and the ontology: in memory for small data, else the
    persistent index (:func:`cyberflag.index.builds.open_store`)."""

    name = "oxigraph"

    def __init__(
        self,
        data: Path | str | None = None,
        *,
        ontology: Path | str | None = None,
        include_ontology: bool = True,
        location: Path | str | None = None,
        store: Path | str | None = None,
        mode: str | None = None,
    ) -> None:
        """``store``: the index cache folder (``--store DIR``; default as
        :func:`cyberflag.index.builds.cache_root`); ``mode``: ``auto``, ``disk`` or ``memory``.

        ``location``: a new on-disk store directory to load into, writable (``cyberflag serve``
        hands it to the Oxigraph server), instead of the index.
        """
        self.opened: builds.Opened | None = None
        if location is None:
            self.opened = opening.open_store(
                data, ontology=ontology, include_ontology=include_ontology, store=store, mode=mode
            )
            self.store = self.opened.store
            return
        _, _, found = index_sources.of_data(data, ontology, include_ontology=include_ontology)
        self.store = ox.Store(str(location))
        index_sources.load_into(self.store, found, bulk=True)

    def _run(self, text: str) -> Result:
        try:
            with watch.watched(self.opened):  # memory bounded; a slow query's build checked
                return self._evaluate(text)
        except SyntaxError as error:
            message = error.msg or str(error)
            m = OX_POSITION.search(message)
            where = f"{m.group(1)}:{m.group(2)}: " if m else ""
            detail = " ".join(OX_POSITION.sub("", message).split())
            raise QuerySyntaxError(f"query does not parse: {where}{detail}") from None
        except (OSError, RuntimeError, ValueError) as error:  # pyoxigraph evaluation errors
            raise QueryEvaluationError(f"query failed: {error}") from None


    def _evaluate(self, text: str) -> Result:
        result = self.store.query(text, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return AskResult(bool(result))
        if isinstance(result, ox.QueryTriples):
            return GraphResult([triple_from_oxigraph(t) for t in result])
        variables = tuple(v.value for v in result.variables)
        rows: list[Row] = [
            tuple(None if value is None else term_from_oxigraph(value) for value in solution)
            for solution in result
        ]
        return SelectResult(variables, rows)


# --- rdflib ---------------------------------------------------------------------------------------


def _from_rdflib(term: Any) -> Term:
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return Term.uri(str(term))
    if isinstance(term, BNode):
        return Term.bnode(str(term))
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return Term.literal(str(term), datatype, term.language)
    raise QueryEvaluationError(f"unsupported term in results: {term!r}")


class RdflibEngine(Engine):
    """rdflib's SPARQL over the union of the named graphs :func:`cyberflag.rdf.graphs.load`
    reads."""

    name = "rdflib"

    def __init__(
        self,
        data: Path | str | None = None,
        *,
        ontology: Path | str | None = None,
        include_ontology: bool = True,
        loaded: LoadedData | None = None,
    ) -> None:
        from cyberflag.rdf import graphs

        self.loaded = loaded or graphs.load(
            data, ontology=ontology, include_ontology=include_ontology
        )

    def _run(self, text: str) -> Result:
        from pyparsing import ParseException

        try:
            with watch.watched(None):  # memory bounded
                return self._evaluate(text)
        except ParseException as error:
            raise QuerySyntaxError(
                f"query does not parse: {error.lineno}:{error.col}: {error.msg}"
            ) from None
        except Exception as error:  # rdflib raises bare Exceptions (e.g. unknown prefix)
            if isinstance(error, InputError):
                raise
            raise QueryEvaluationError(f"query failed: {error}") from None

    def _evaluate(self, text: str) -> Result:
        result = self.loaded.dataset.query(text)
        if result.type == "ASK":
            return AskResult(bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            graph = result.graph
            if graph is None:
                raise QueryEvaluationError(f"query failed: {result.type} gave no graph")
            return GraphResult(
                [(_from_rdflib(s), _from_rdflib(p), _from_rdflib(o)) for s, p, o in graph]
            )
        variables = tuple(str(v) for v in (result.vars or []))
        rows: list[Row] = [
            tuple(None if value is None else _from_rdflib(value) for value in row)
            for row in cast("Iterable[ResultRow]", result)  # a SELECT's rows
        ]
        return SelectResult(variables, rows)


def default_engine(
    data_dir: Path | str | None = None, name: str = "oxigraph", store: Path | str | None = None
) -> Engine:
    """An engine over ``data_dir`` (default: the shipped data) and the ontology.

    ``name`` is ``"oxigraph"`` (fast, the default) or ``"rdflib"``; ``store`` is Oxigraph's index
    cache folder (``--store DIR``).
    """
    if name == "oxigraph":
        return OxigraphEngine(data_dir, store=store)
    if name == "rdflib":
        return RdflibEngine(data_dir)
    raise InputError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")


__all__ = [
    "ENGINES", "Engine", "OxigraphEngine", "QueryEvaluationError", "QueryFormError",
    "RdflibEngine", "UpdateRefusedError", "data_files", "default_engine", "graph_iri",
]
