"""Cross-source consistency: figures, quotes and roles that disagree between articles.

Different outlets report the same thing differently: one says "more than 3,000" offences for 2015/16
from 38 forces, another 3,903 for the 12 months to June 2016. Neither is wrong to keep, but a reader
comparing them must be told. This layer finds such pairs and shows them side by side with their
sources. A pair a curator has reviewed is recorded in the data as a ``cf:ExplainedConflict`` (the
nodes it ``cf:concerns`` and a ``cf:explanation``) and is then shown as explained, not as a warning.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS
from rdflib.term import Node

from cyberflag.checks.findings import EXPLAINED, INFO, WARNING, Finding
from cyberflag.rdf.namespaces import CF, OA, ORG, QB, SCHEMA

LAYER = "consistency"
OVERLAP = 0.5
"""Two periods describe "the same time" when they share at least half of the shorter one."""


def _label(graph: Graph, node: Node | None) -> str:
    if node is None:
        return "—"
    for prop in (SKOS.prefLabel, SCHEMA.name, DCTERMS.title):
        if (value := graph.value(node, prop)) is not None:
            return str(value)
    return str(node).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def explanations(graph: Graph) -> list[tuple[frozenset[Node], str]]:
    """The reviewed conflicts: the set of nodes each concerns, and its explanation."""
    found = []
    for node in graph.subjects(RDF.type, CF.ExplainedConflict):
        concerns = frozenset(graph.objects(node, CF.concerns))
        found.append((concerns, str(graph.value(node, CF.explanation) or "")))
    return found


def _typed(graph: Graph, kind: URIRef) -> list[URIRef]:
    """The IRIs of type ``kind``: the nodes compared (as :func:`group_keys` forms their groups)."""
    return [node for node in graph.subjects(RDF.type, kind) if isinstance(node, URIRef)]


def _period(graph: Graph, node: URIRef) -> tuple[dt.date, dt.date] | None:
    """The figure's period as dates; None when it has none (the shapes layer reports that)."""
    period = graph.value(node, CF.refPeriod)
    start = graph.value(period, CF.startDate) if period is not None else None
    end = graph.value(period, CF.endDate) if period is not None else None
    if not isinstance(start, Literal) or not isinstance(end, Literal):
        return None
    first, last = start.toPython(), end.toPython()
    if not isinstance(first, dt.date) or not isinstance(last, dt.date):
        return None
    return first, last


def _finding(graph: Graph, nodes: Iterable[URIRef], message: str, detail: list[str]) -> Finding:
    nodes = sorted(nodes)
    for concerns, why in explanations(graph):
        if set(nodes) <= concerns:
            return Finding(LAYER, EXPLAINED, str(nodes[0]), message, (*detail, f"explained: {why}"))
    return Finding(LAYER, WARNING, str(nodes[0]), message, tuple(detail))


def _reported_in(graph: Graph, node: URIRef) -> list[str]:
    """'headline (date)' for each article reporting ``node``."""
    out = set()
    for report in graph.objects(node, CF.hasReport):
        article = graph.value(graph.value(report, OA.hasTarget), OA.hasSource)
        date = graph.value(article, SCHEMA.datePublished)
        name = graph.value(article, SCHEMA.headline) or str(article).rsplit("/", 1)[-1]
        out.add(f"{name} ({date if date is not None else 'undated'})")
    return sorted(out)


def _observation_line(graph: Graph, node: URIRef) -> str:
    period = graph.value(node, CF.refPeriod)
    comparator = _label(graph, graph.value(node, CF.comparator))
    coverage = graph.value(node, CF.coverage)
    return (
        f"{str(node).rsplit('/', 1)[-1]}: {comparator} {graph.value(node, CF.value)} "
        f"for {graph.value(period, CF.startDate)} to {graph.value(period, CF.endDate)}"
        f"{f', coverage {coverage!s}' if coverage is not None else ''}"
        f"; source {_label(graph, graph.value(node, CF.statisticalSource))}"
        f"; reported in {'; '.join(_reported_in(graph, node))}"
    )


def observation_conflicts(graph: Graph) -> list[Finding]:
    """Same measure, area, category and victim group, overlapping periods, different figures."""
    groups: dict[tuple[Node | None, ...], list[URIRef]] = defaultdict(list)
    for node in _typed(graph, QB.Observation):
        key = tuple(
            graph.value(node, p)
            for p in (CF.measure, CF.refArea, CF.offenceCategory, CF.victimGroup)
        )
        groups[key].append(node)
    findings = []
    for nodes in groups.values():
        for a, b in itertools.combinations(sorted(nodes), 2):
            period_a, period_b = _period(graph, a), _period(graph, b)
            if period_a is None or period_b is None:
                continue  # a figure without a period (or not dates) cannot overlap another
            (sa, ea), (sb, eb) = period_a, period_b
            overlap = (min(ea, eb) - max(sa, sb)).days + 1
            shorter = min((ea - sa).days, (eb - sb).days) + 1
            if overlap < OVERLAP * shorter:
                continue
            same_value = graph.value(a, CF.value) == graph.value(b, CF.value) and graph.value(
                a, CF.comparator
            ) == graph.value(b, CF.comparator)
            same_coverage = graph.value(a, CF.coverage) == graph.value(b, CF.coverage)
            if same_value and same_coverage:
                continue
            what = "figures" if not same_value else "coverage"
            findings.append(
                _finding(
                    graph,
                    (a, b),
                    f"{what} differ for overlapping periods ({overlap} days in common) of "
                    f"{_label(graph, graph.value(a, CF.measure))}, "
                    f"{_label(graph, graph.value(a, CF.refArea))}",
                    [_observation_line(graph, a), _observation_line(graph, b)],
                )
            )
    return findings


def normal(text: str) -> str:
    """Text compared across outlets: curly and straight quotes alike, case and spacing ignored."""
    text = unicodedata.normalize("NFKC", text).translate(
        str.maketrans("‘’“”", "''\"\"")
    )
    return re.sub(r"[\s\"'.,]+", " ", text).strip().casefold()


def statement_conflicts(graph: Graph) -> list[Finding]:
    """Same words given to different speakers, and one statement reported on different dates."""
    findings = []
    by_text: dict[str, list[URIRef]] = defaultdict(list)
    for node in _typed(graph, CF.Statement):
        by_text[normal(str(graph.value(node, SCHEMA.text)))].append(node)
        dates = set()
        for report in graph.objects(node, CF.hasReport):
            article = graph.value(graph.value(report, OA.hasTarget), OA.hasSource)
            dates.add(graph.value(article, SCHEMA.datePublished))
        if len(dates) > 1:
            findings.append(
                _finding(
                    graph,
                    (node,),
                    "one statement reported on different dates",
                    _reported_in(graph, node),
                )
            )
    for nodes in by_text.values():
        speakers = {graph.value(n, CF.speaker) for n in nodes}
        if len(speakers) > 1:
            findings.append(
                _finding(
                    graph,
                    nodes,
                    "the same words are attributed to different speakers",
                    [
                        f"{str(n).rsplit('/', 1)[-1]}: "
                        f"{_label(graph, graph.value(n, CF.speaker))}; "
                        f"{'; '.join(_reported_in(graph, n))}"
                        for n in sorted(nodes)
                    ],
                )
            )
    return findings


def role_conflicts(graph: Graph) -> list[Finding]:
    """A person given different roles in the same organisation by different articles."""
    roles: dict[tuple[Node | None, Node | None], list[URIRef]] = defaultdict(list)
    for m in _typed(graph, ORG.Membership):
        roles[(graph.value(m, ORG.member), graph.value(m, ORG.organization))].append(m)
    findings = []
    for (person, org), memberships in roles.items():
        if len({graph.value(m, ORG.role) for m in memberships}) > 1:
            findings.append(
                _finding(
                    graph,
                    memberships,
                    f"{_label(graph, person)} is given different roles in {_label(graph, org)}",
                    [
                        f"{_label(graph, graph.value(m, ORG.role))}: "
                        + "; ".join(
                            sorted(
                                str(graph.value(sel, OA.exact))
                                for ev in graph.objects(m, CF.evidence)
                                for sel in graph.objects(ev, OA.hasSelector)
                                if graph.value(sel, OA.exact) is not None
                            )
                        )
                        for m in sorted(memberships)
                    ],
                )
            )
    return findings


def check(graph: Graph) -> list[Finding]:
    """Every conflict in ``graph``, explained or not (no line when there is none: the
    incremental check compares groups a few at a time, and adds :func:`summary` once)."""
    return observation_conflicts(graph) + statement_conflicts(graph) + role_conflicts(graph)


def summary() -> Finding:
    """The layer's line when nothing conflicts."""
    return Finding(LAYER, INFO, "data", "no conflicting figures, quotes or roles")


def group_keys(graph: Graph, nodes: Iterable[URIRef] | None = None) -> dict[str, list[str]]:
    """The groups each node is compared within, as the checks above form them (all typed nodes
    of ``graph``, or those among ``nodes``).

    A figure is compared with the figures of its measure, area, category and victim group; a
    statement with those of the same (normalised) words, and on its own for its dates; a
    membership with the person's other memberships in the same organisation. The incremental
    check recomputes a group whole when any member changes.
    """
    wanted = set(nodes) if nodes is not None else None
    keys: dict[str, list[str]] = {}

    def chosen(kind: URIRef) -> list[URIRef]:
        return [
            node for node in graph.subjects(RDF.type, kind)
            if isinstance(node, URIRef) and (wanted is None or node in wanted)
        ]

    for node in chosen(QB.Observation):
        values = (
            graph.value(node, p)
            for p in (CF.measure, CF.refArea, CF.offenceCategory, CF.victimGroup)
        )
        keys.setdefault(str(node), []).append(
            "obs\x1f" + "\x1f".join("" if v is None else str(v) for v in values)
        )
    for node in chosen(CF.Statement):
        text = normal(str(graph.value(node, SCHEMA.text)))
        keys.setdefault(str(node), []).extend([f"text\x1f{text}", f"dates\x1f{node}"])
    for node in chosen(ORG.Membership):
        member, org = graph.value(node, ORG.member), graph.value(node, ORG.organization)
        keys.setdefault(str(node), []).append(f"role\x1f{member}\x1f{org}")
    return keys


__all__ = [
    "LAYER",
    "check",
    "explanations",
    "group_keys",
    "normal",
    "observation_conflicts",
    "role_conflicts",
    "statement_conflicts",
    "summary",
]
