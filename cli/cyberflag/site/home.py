"""The site's front page and its VoID description of the dataset.

The front page lists every page by the class of its resource (the classes' labels from the
ontology), so a new class of resource appears without code; articles come first, with their dates,
since everything else is read from them.
"""

from __future__ import annotations

from collections import defaultdict

from cyberflag.rdf.prefixes import BASE, PREFIXES
from cyberflag.site.context import Context
from cyberflag.site.describe import name_of, property_name
from cyberflag.site.graph import RDF_TYPE
from cyberflag.site.html import capital, esc, frame, link
from cyberflag.site.show import article_date
from cyberflag.sparql.results import GraphResult, Term
from cyberflag.text.render import render_graph

HERE = "index.html"
VOID = "void.ttl"
VOID_NS = "http://rdfs.org/ns/void#"
ARTICLE = PREFIXES["schema"] + "NewsArticle"
XSD_INTEGER = PREFIXES["xsd"] + "integer"
TITLE = "How UK news reported police-recorded online child sexual abuse"


def _by_class(ctx: Context) -> dict[str, list[str]]:
    """Pages grouped by their resource's first class (``Other`` when it has none)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for iri in ctx.pages:
        types = ctx.graph.types(iri)
        groups[types[0] if types else ""].append(iri)
    return groups


def home_page(ctx: Context) -> str:
    groups = _by_class(ctx)
    articles = sorted(groups.pop(ARTICLE, []), key=lambda a: (article_date(ctx.graph, a), a))
    items = "".join(
        f"<li>{link(HERE, ctx.pages[a], name_of(ctx.graph, a))} "
        f'<span class="note">({esc(article_date(ctx.graph, a))})</span></li>\n'
        for a in articles
    )
    sections = [
        f"<h1>{esc(TITLE)}</h1>\n",
        "<p>A knowledge graph of what UK news articles reported about police-recorded online "
        "child sexual abuse: who said what, in what role, and which figures were given. Every "
        "fact links to the words of the article it rests on.</p>\n",
        f'<ul>\n<li>{link(HERE, "who-said/index.html", "Who said what")}: every statement '
        "as each article reports it, with a filter.</li>\n"
        f'<li>{link(HERE, "timeline/index.html", "Figures, statements and events over time")}: '
        "the statements, policy events and figures' periods on one time axis, then every figure "
        "on a chart by reference period, with its comparator, area and sources.</li>\n"
        f'<li>{link(HERE, "conflicts/index.html", "Conflicts")}: where the articles disagree, '
        "side by side with their words.</li>\n"
        f'<li>{link(HERE, VOID, "VoID description of the dataset")} (Turtle).</li>\n</ul>\n',
        f"<h2>Articles ({len(articles)})</h2>\n<ul>\n{items}</ul>\n",
    ]
    named = sorted(groups.items(), key=lambda kv: (kv[0] == "", _class_name(ctx, kv[0]).lower()))
    for cls, iris in named:
        entries = sorted(iris, key=lambda i: (name_of(ctx.graph, i).lower(), i))
        items = "".join(
            f"<li>{link(HERE, ctx.pages[i], name_of(ctx.graph, i))}</li>\n" for i in entries
        )
        title = _class_name(ctx, cls)
        sections.append(
            f"<section>\n<h2>{esc(capital(title))} ({len(entries)})</h2>\n"
            f"<ul>\n{items}</ul>\n</section>\n"
        )
    return frame(HERE, "Index", "".join(sections), canonical=ctx.canonical(HERE))


def _class_name(ctx: Context, cls: str) -> str:
    return property_name(ctx.graph, cls) if cls else "other resources"


def void_turtle(ctx: Context) -> str:
    """The dataset described in VoID: size, IRI space, vocabularies, and a partition by class."""
    dataset = Term.uri(ctx.base_url + VOID + "#dataset")

    def uri(local: str) -> Term:
        return Term.uri(VOID_NS + local)

    def integer(n: int) -> Term:
        return Term.literal(str(n), XSD_INTEGER)

    graph = ctx.graph
    triples = [
        (dataset, Term.uri(RDF_TYPE), uri("Dataset")),
        (dataset, Term.uri(PREFIXES["dcterms"] + "title"), Term.literal(TITLE, lang="en")),
        (dataset, uri("triples"), integer(len(graph.triples))),
        (dataset, uri("entities"), integer(len(ctx.pages) + len(ctx.parts))),
        (dataset, uri("distinctSubjects"), integer(len(graph.out))),
        (dataset, uri("uriSpace"), Term.literal(BASE + "id/")),
        (dataset, Term.uri(PREFIXES["schema"] + "url"), Term.uri(ctx.base_url)),
    ]
    triples += [
        (dataset, uri("vocabulary"), Term.uri(namespace))
        for name, namespace in PREFIXES.items() if name != "cfd"
    ]
    groups = _by_class(ctx)
    for number, (cls, iris) in enumerate(sorted((c, i) for c, i in groups.items() if c), 1):
        part = Term.bnode(f"class{number}")
        triples += [
            (dataset, uri("classPartition"), part),
            (part, uri("class"), Term.uri(cls)),
            (part, uri("entities"), integer(len(iris))),
        ]
    prefixes = {**PREFIXES, "void": VOID_NS}
    return render_graph(GraphResult(triples), "turtle", prefixes)


__all__ = ["HERE", "VOID", "home_page", "void_turtle"]
