"""Centrality scores as RDF, to query with SPARQL next to the graph.

Each row and measure of a :class:`~newsgraph.analysis.centrality.Ranking` becomes an
``ng:CentralityScore`` about the node, under the IRI the graph exports mint for it
(:class:`newsgraph.export.rdf.Minter`), so a query over ``exports/`` plus the scores file joins
them::

    SELECT ?label ?score WHERE {
      ?s ng:scoreOf ?topic ; ng:measure "pagerank" ; ng:score ?score .
      ?topic skos:prefLabel ?label }
    ORDER BY DESC(?score)

A focus ranked among the topics is a ``skos:Concept`` at ``<base>focus/<name>`` with its name as
``skos:prefLabel`` and its query as ``dcterms:description``. The terms are declared in
``ontology/newsgraph.ttl``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from newsgraph.analysis.centrality import Ranking
from newsgraph.analysis.focus import Focus
from newsgraph.export.rdf import Minter
from newsgraph.vocab import DCTERMS, DEFAULT_BASE_IRI, NG, PREFIXES, RDF, SKOS, XSD

__all__ = ["ranking_triples", "write_ranking_rdf"]


def ranking_triples(
    ranking: Ranking,
    *,
    base_iri: str | None = None,
    foci: Mapping[str, Focus] | None = None,
) -> Iterator[Triple]:
    """The triples of a ranking: one ``ng:CentralityScore`` per row and measure.

    Example:
        >>> from newsgraph import build
        >>> from newsgraph.analysis.index import GraphIndex
        >>> from newsgraph.analysis.networks import select, subgraph_network
        >>> from newsgraph.analysis.centrality import rank
        >>> index = GraphIndex.from_graph(build(["seeds/"]).graph)
        >>> ranking = rank(subgraph_network(index, select(index)), "degree", of="topics")
        >>> triples = list(ranking_triples(ranking))
        >>> terms = {t.predicate.value for t in triples}
        >>> sorted(t.split("#")[1] for t in terms if t.startswith(NG.iri))
        ['measure', 'network', 'score', 'scoreOf', 'scoreRank', 'selection']
    """
    mint = Minter(base_iri or DEFAULT_BASE_IRI)
    run = hashlib.sha256(
        "\n".join([ranking.network, ranking.of, ranking.selection]).encode()
    ).hexdigest()[:12]
    described: set[str] = set()
    for position, measure in enumerate(ranking.measures):
        notes = [n for n in ranking.notes if n.startswith(f"{measure}:")]
        for number, row in enumerate(ranking.rows, 1):
            subject = NamedNode(f"{mint.base}score/{run}/{measure}/{number}")
            node = mint.node(row.node)
            value = float(row.scores[measure])
            yield Triple(subject, RDF.type, NG.CentralityScore)
            yield Triple(subject, NG.scoreOf, node)
            yield Triple(subject, NG.measure, Literal(measure))
            yield Triple(subject, NG.network, Literal(ranking.network))
            yield Triple(subject, NG.selection, Literal(ranking.selection))
            yield Triple(subject, NG.score, Literal(repr(value), datatype=XSD.double))
            if position == 0:  # the rows are ranked by the first measure only
                yield Triple(subject, NG.scoreRank, Literal(str(row.rank), datatype=XSD.integer))
            for note in notes:
                yield Triple(subject, NG.scoreMethod, Literal(note.split(": ", 1)[1]))
            if row.kind == "focus" and row.node not in described:
                described.add(row.node)
                yield Triple(node, RDF.type, SKOS.Concept)
                yield Triple(node, SKOS.prefLabel, Literal(row.label))
                focus = (foci or {}).get(row.label)
                if focus is not None:
                    yield Triple(node, DCTERMS.description, Literal(focus.query))


def write_ranking_rdf(
    ranking: Ranking,
    path: str | os.PathLike[str],
    *,
    base_iri: str | None = None,
    foci: Mapping[str, Focus] | None = None,
) -> Path:
    """Write a ranking's scores as Turtle (see :func:`ranking_triples`); return the path."""
    out = Path(path)
    with out.open("wb") as handle:
        serialize(
            ranking_triples(ranking, base_iri=base_iri, foci=foci),
            handle,
            format=RdfFormat.TURTLE,
            prefixes=PREFIXES,
        )
    return out
