"""Analysis of a built graph: foci, networks, centrality, trends over time, communities.

The data flow is the file tree: ``index.py`` (the graph, or a build's graph.json, as compact
tables) → ``focus.py`` (researcher-defined foci, matched by SQLite FTS5) → ``networks.py`` (the
three networks ranked over) → ``centrality.py`` (the measures; one row per node with the figures
that explain it) → ``trends.py`` (ranks per time window, and the chart), ``communities.py``
(Louvain) and ``rdf.py`` (scores as RDF). :mod:`newsgraph.api` puts them behind
``newsgraph.open``.

This module stays light (no networkx), so that the command line can offer these choices cheaply.
"""

from __future__ import annotations

from typing import Final

__all__ = ["KINDS", "MEASURES", "NETWORKS", "WINDOWS"]

KINDS: Final = ("topics", "providers", "articles")
"""What a ranking lists (``--of``)."""

MEASURES: Final = {
    "degree": "edges at the node (co-occurring topics; providers linked to or from; neighbours)",
    "weighted-degree": "sum of the weights of the edges at the node (shared articles, links)",
    "pagerank": "PageRank over the weighted edges (damping 0.85)",
    "betweenness": "share of shortest paths through the node (distance 1/weight); exact up to "
    "1,000 nodes, estimated from 256 sources picked with a fixed seed above that",
    "closeness": "inverse mean distance from the other nodes it can reach (distance 1/weight; "
    "Wasserman-Faust scaling for networks in parts)",
    "eigenvector": "eigenvector centrality over the weighted edges; only on a connected network "
    "(strongly connected when directed)",
}
"""The centrality measures (``--measure``), with what each one counts."""

NETWORKS: Final = {
    "cooccurrence": "topics linked by the articles they share (weight: shared articles), with "
    "each focus added as a topic node; for --of topics",
    "subgraph": "the selected articles with their providers and topics and the related links "
    "among them (articles, providers and topics are all nodes); any --of",
    "links": "providers, A -> B when an A article lists a B article as related (weight: such "
    "links; a provider's links to itself left out); for --of providers",
}
"""The networks a ranking is computed on (``--network``)."""

WINDOWS: Final = ("month", "quarter", "year")
"""Time windows of a trend (``--window``)."""
