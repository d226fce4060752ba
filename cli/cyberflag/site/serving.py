"""The site as ``cyberflag serve`` answers it: the built pages at their IRIs' paths, a live form
for every saved query, and a SPARQL console that knows the project.

Why here and not in ``server/``: the server's front knows HTTP and SPARQL, not pages; this module
is the front's local application (``server/routes.Local``), handed to it by the command. It
answers reads only, and only the paths it holds; everything else (the SPARQL protocol, the
console's script) goes on to the front's routes.

A form's query runs through the front's own SPARQL endpoint, as any client's would: it meets the
same checks, the same deadline and the same size bound, and a runaway query is stopped the same
way. Parameters are bound as RDF terms in a ``VALUES`` block (``queries/binding``), never spliced.

An IRI's path also answers in Turtle or JSON-LD when the request's ``Accept`` asks for it (the
files the site writes beside each page), so the IRIs dereference as linked data clients expect.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, unquote, urlencode

from cyberflag.errors import EndpointError, InputError
from cyberflag.queries.catalogue import all_queries
from cyberflag.queries.params import ParameterError
from cyberflag.rdf.prefixes import PREFIXES
from cyberflag.server.routes import Answer, Incoming
from cyberflag.server.serve import without_header
from cyberflag.site.forms import (
    answer_html,
    catalogue_page,
    failure_html,
    query_page,
    read_values,
)
from cyberflag.site.html import esc, frame, safe_segments
from cyberflag.sparql.results import AskResult, SelectResult
from cyberflag.text.render import render

if TYPE_CHECKING:
    from cyberflag.queries.header import Query
    from cyberflag.site.context import Context
    from cyberflag.sparql.engines import Engine

HTML = "text/html; charset=utf-8"
PLAIN = "text/plain; charset=utf-8"
TYPES = {".html": HTML, ".css": "text/css; charset=utf-8", ".ttl": "text/turtle; charset=utf-8",
         ".jsonld": "application/ld+json", ".svg": "image/svg+xml", ".txt": "text/plain"}
ALTERNATES = {"text/turtle": "index.ttl", "application/ld+json": "index.jsonld"}
"""What an IRI's path gives a client that asks for RDF rather than a page."""
DOWNLOADS = {"results.csv": ("csv", "text/csv; charset=utf-8"),
             "results.json": ("json", "application/sparql-results+json")}
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def wants_rdf(accept: str) -> str | None:
    """The RDF file a request's ``Accept`` prefers to HTML, if any (``q`` weights honoured; a
    tie, or a header naming neither, gets the page)."""
    weights: dict[str, float] = {}
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        weights[media] = max(q, weights.get(media, 0.0))
    page = max(weights.get("text/html", 0.0), weights.get("application/xhtml+xml", 0.0))
    best = max(ALTERNATES, key=lambda media: weights.get(media, 0.0))
    return ALTERNATES[best] if weights.get(best, 0.0) > page else None


def redirect(location: str) -> Answer:
    """A folder asked for without its slash: relative links need it."""
    return Answer(301, PLAIN, f"see {location}\n".encode(),
                  {"Location": location})


class SiteApp:
    """The served site: ``root`` holds the built pages (``None``: forms and console only),
    ``ctx`` their build (names and pages for the forms' rows), ``engine`` the front's endpoint."""

    def __init__(self, root: Path | None, ctx: Context | None, queries: Sequence[Query],
                 engine: Engine) -> None:
        self.root = root.resolve() if root is not None else None
        self.ctx = ctx
        self.queries = {q.name: q for q in queries}
        self.engine = engine

    def __call__(self, incoming: Incoming) -> Answer | None:
        """The answer to a read of ``incoming.path``, or ``None`` when this app does not hold it."""
        path = unquote(incoming.path)
        if path == "/console/":
            return Answer(200, HTML, self.console().encode())
        if path in ("/console", "/queries"):
            return redirect(path + "/")
        if path.startswith("/queries/"):
            return self.query(path.removeprefix("/queries/"), incoming.query)
        return self.file(path, incoming.accept)

    def file(self, path: str, accept: str) -> Answer | None:
        """A built file, a folder's ``index.html`` (or its RDF, if asked for), or ``None``."""
        if self.root is None:
            return None
        segments = [s for s in path.split("/") if s]
        if not safe_segments(segments):
            return None
        target = self.root.joinpath(*segments)
        if target.is_dir():
            if not path.endswith("/"):
                return redirect(quote(path + "/"))
            alternate = wants_rdf(accept)
            target = target / (alternate or "index.html")
            headers = {"Vary": "Accept"}
        else:
            headers = {}
        if not target.is_file():
            return None
        kind = TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "text/plain"
        return Answer(200, kind, target.read_bytes(), headers)

    def query(self, rest: str, fields: str) -> Answer:
        """``/queries/``, a query's form (run when it was sent), or its rows as a download."""
        if rest in ("", "index.html"):  # the site's own links name the file
            return Answer(200, HTML, catalogue_page(list(self.queries.values()), True).encode())
        name, slash, tail = rest.partition("/")
        tail = tail.removesuffix("index.html")
        query = self.queries.get(name)
        if query is None:
            why = f"no saved query named {name!r}; known: {', '.join(sorted(self.queries))}"
            return Answer(404, HTML, frame("queries/x/index.html", "Not found",
                                           failure_html(why)).encode())
        if not slash:
            return redirect(f"/queries/{quote(name)}/")
        pairs = parse_qsl(fields, keep_blank_values=True)
        values = read_values(pairs)
        if tail in DOWNLOADS:
            return self.download(query, values, *DOWNLOADS[tail])
        if tail:
            return Answer(404, PLAIN, f"nothing at /queries/{rest}\n".encode())
        if not pairs:
            return Answer(200, HTML, query_page(query, values, True).encode())
        status, shown = 200, ""
        try:
            text = query.bind(values)
            result = self.engine.query(text)
            if not isinstance(result, (SelectResult, AskResult)):
                raise InputError(f"{query.name} is a {query.form} query: download it as Turtle")
            shown = answer_html(self.ctx, query, result, values, console_link(text))
        except (ParameterError, InputError) as error:
            status, shown = 400, failure_html(str(error))
        except EndpointError as error:
            status, shown = 502, failure_html(str(error))
        return Answer(status, HTML, query_page(query, values, True, shown).encode())

    def download(self, query: Query, values: dict[str, list[str]], fmt: str,
                 kind: str) -> Answer:
        """All the rows, in ``fmt``, as a file named after the query."""
        try:
            result = self.engine.query(query.bind(values))
            body = render(result, fmt)
        except (ParameterError, InputError, EndpointError) as error:
            status = 502 if isinstance(error, EndpointError) else 400
            return Answer(status, PLAIN, f"{error}\n".encode())
        disposition = f'attachment; filename="{query.name}.{fmt}"'
        return Answer(200, kind, body.encode(), {"Content-Disposition": disposition})

    def console(self) -> str:
        """The SPARQL console: Oxigraph's YASGUI (served by the engine, nothing fetched from
        elsewhere), aimed at this endpoint, with the project's prefixes and the saved queries."""
        saved = {name: without_header(q.bind({})) for name, q in self.queries.items()}
        data = json.dumps({"prologue": PROLOGUE, "queries": saved}).replace("<", "\\u003c")
        buttons = "".join(
            f'<option value="{esc(name)}">{esc(name)}</option>' for name in sorted(saved)
        )
        body = (
            "<h1>SPARQL console</h1>\n<p>Queries run on this server's endpoint (<code>/query"
            "</code>, read-only). New tabs start with the project's prefixes.</p>\n"
            '<p><label for="saved">Open a saved query</label> <select id="saved">'
            f'<option value="">(choose)</option>{buttons}</select></p>\n<div id="yasgui"></div>\n'
        )
        script = (
            f'<script type="application/json" id="console-data">{data}</script>\n'
            '<link href="/yasgui.min.css" rel="stylesheet">\n'
            '<script src="/yasgui.min.js"></script>\n'
            f"<script>\n{CONSOLE_SCRIPT}</script>\n"
        )
        return frame("console/index.html", "SPARQL console", body, script=script)


def prepare(data: Path | None, queries_dir: Path | None, *, site: bool,
            timeout: float) -> Callable[[Engine, str, Path], SiteApp]:
    """What ``serve`` calls once the data is loaded: builds the site from that store into a
    folder of its own (when ``site``) and returns the app, whose forms query ``url``'s endpoint
    within ``timeout`` seconds."""
    from cyberflag.site.build import context, publish, site_files
    from cyberflag.sparql.remote import RemoteEngine

    def make(store: Engine, url: str, workdir: Path) -> SiteApp:
        ctx, root, queries = None, None, all_queries(queries_dir)
        if site:
            ctx = context(store, data)
            root = workdir / "site"
            publish(root, site_files(ctx, store, data, queries))
        return SiteApp(root, ctx, queries, RemoteEngine(url + "/query", timeout=timeout))

    return make


def console_link(text: str) -> str:
    """The console, opened on ``text`` (YASGUI reads ``#query=``)."""
    return "/console/#" + urlencode({"query": without_header(text)}, quote_via=quote)


CONSOLE_SCRIPT = """\
(function () {
  var data = JSON.parse(document.getElementById("console-data").textContent);
  // No prefix.cc or LOV look-ups: nothing leaves this machine.
  Yasgui.Yasqe.defaults.autocompleters = [];
  Yasgui.Yasqe.defaults.value = data.prologue + "\\nSELECT * WHERE {\\n  ?s ?p ?o\\n} LIMIT 10\\n";
  var endpoint = window.location.origin + "/query";
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: "cyberflag-console",
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; },
                                keys: [] }
  });
  document.getElementById("saved").addEventListener("change", function (event) {
    var name = event.target.value;
    if (!name) { return; }
    var tab = yasgui.addTab(true, { name: name });
    tab.setQuery(data.queries[name]);
  });
})();
"""


__all__ = ["CONSOLE_SCRIPT", "SiteApp", "console_link", "prepare", "wants_rdf"]
