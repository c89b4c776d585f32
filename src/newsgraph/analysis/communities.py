"""Communities: groups of topics (or providers) more linked with each other than with the rest.

NetworkX's Louvain method (``louvain_communities``, weighted, fixed seed
:data:`~newsgraph.analysis.centrality.SEED`, so the same graph gives the same communities) over
the topic co-occurrence network (foci added as topics) or over the provider network of related
links taken as undirected (a link either way counts). Each community lists its members, most
central first (PageRank over the whole network), and how many articles it covers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from newsgraph.analysis.centrality import SEED, scores
from newsgraph.analysis.focus import Focus, focus_numbers
from newsgraph.analysis.index import GraphIndex
from newsgraph.analysis.networks import Network, Selection, build_network
from newsgraph.analysis.tables import Rows
from newsgraph.errors import AnalysisError

if TYPE_CHECKING:
    pass

__all__ = ["Communities", "Community", "find_communities"]


@dataclass(frozen=True)
class Community:
    """One community: its members (labels and node ids, most central first) and its articles.

    Attributes:
        number: 1 for the largest community, then by size.
        labels, nodes: The members, by PageRank over the whole network, best first.
        articles: How many selected articles have at least one member (a topic's or focus's
            article, a provider's article).
        weight: The total weight of the edges inside the community.
    """

    number: int
    labels: tuple[str, ...]
    nodes: tuple[str, ...]
    articles: int
    weight: float

    @property
    def size(self) -> int:
        """The number of members."""
        return len(self.nodes)

    def central(self, count: int = 3) -> tuple[str, ...]:
        """The labels of the ``count`` most central members."""
        return self.labels[:count]


@dataclass(frozen=True)
class Communities(Rows[Community]):
    """The communities of a network, largest first.

    Attributes:
        communities: The communities of two or more members.
        singletons: Members with no edge (each its own community), by label.
        modularity: The modularity of the whole partition (singletons included).
        of, network, selection: What was grouped, on which network, of which articles.
        resolution, seed: Louvain's parameters.
    """

    communities: tuple[Community, ...]
    singletons: tuple[str, ...]
    modularity: float
    of: str
    network: str
    selection: str
    resolution: float
    seed: int

    def _rows(self) -> tuple[Community, ...]:
        return self.communities

    def records(self) -> list[dict[str, Any]]:
        """One row per member: community, its size and articles, member rank, label, node."""
        return [
            {
                "community": c.number,
                "size": c.size,
                "articles": c.articles,
                "member_rank": position,
                "label": label,
                "node": node,
            }
            for c in self.communities
            for position, (label, node) in enumerate(zip(c.labels, c.nodes, strict=True), 1)
        ]


def _undirected(network: Network) -> nx.Graph:
    graph = network.graph
    if not graph.is_directed():
        return graph
    undirected = nx.Graph()
    undirected.add_nodes_from(graph.nodes(data=True))
    for a, b, weight in graph.edges(data="weight"):
        if undirected.has_edge(a, b):
            undirected[a][b]["weight"] += weight
        else:
            undirected.add_edge(a, b, weight=weight)
    return undirected


def _articles(
    index: GraphIndex, selection: Selection, nodes: Sequence[str], foci: Mapping[str, Focus]
) -> int:
    chosen = set(selection.articles)
    members: set[int] = set()
    topics = {node for node in nodes if node.startswith("topic:")}
    providers = {node for node in nodes if node.startswith("provider:")}
    for article in selection.articles:
        if any(index.topics[t] in topics for t in index.article_topics[article]) or any(
            index.providers[p] in providers for p in index.article_providers[article]
        ):
            members.add(article)
    for node in nodes:
        if node.startswith("focus:"):
            focus = foci[node.split(":", 1)[1]]
            members.update(n for n in focus_numbers(index, focus) if n in chosen)
    return len(members)


def find_communities(
    index: GraphIndex,
    selection: Selection,
    *,
    of: str = "topics",
    foci: Mapping[str, Focus] | None = None,
    resolution: float = 1.0,
    seed: int = SEED,
) -> Communities:
    """Louvain communities of the topic (or provider) network of the selected articles.

    Args:
        index: The graph's index.
        selection: The articles (:func:`newsgraph.analysis.networks.select`).
        of: ``topics`` (the co-occurrence network, foci added) or ``providers`` (the network of
            related links, as undirected).
        foci: Foci to add as topics.
        resolution: Louvain's resolution: above 1 favours smaller communities.
        seed: The random seed (default: fixed, so results repeat).

    Raises:
        AnalysisError: ``of`` is not topics or providers.

    Example:
        >>> from newsgraph import build
        >>> from newsgraph.analysis.networks import select
        >>> index = GraphIndex.from_graph(build(["seeds/"]).graph)
        >>> found = find_communities(index, select(index))
        >>> [(c.labels, c.articles) for c in found]
        [(('AI', 'Computer Vision'), 1)]
    """
    if of not in ("topics", "providers"):
        raise AnalysisError(f"communities are of topics or providers, not {of!r}")
    network = build_network(
        index, "cooccurrence" if of == "topics" else "links", selection, of=of, foci=foci
    )
    graph = _undirected(network)
    centrality, _ = scores(network, "pagerank")
    parts = nx.community.louvain_communities(
        graph, weight="weight", resolution=resolution, seed=seed
    )
    modularity = (
        nx.community.modularity(graph, parts, weight="weight", resolution=resolution)
        if graph.number_of_edges()
        else 0.0
    )

    def order(nodes: Sequence[str] | set[str]) -> list[str]:
        return sorted(nodes, key=lambda n: (-centrality.get(n, 0.0), graph.nodes[n]["label"]))

    groups = [order(part) for part in parts if len(part) > 1]
    singletons = order({n for part in parts if len(part) == 1 for n in part})
    groups.sort(key=lambda nodes: (-len(nodes), graph.nodes[nodes[0]]["label"]))
    communities = tuple(
        Community(
            number=number,
            labels=tuple(graph.nodes[n]["label"] for n in nodes),
            nodes=tuple(nodes),
            articles=_articles(index, selection, nodes, foci or {}),
            weight=float(graph.subgraph(nodes).size(weight="weight")),
        )
        for number, nodes in enumerate(groups, 1)
    )
    return Communities(
        communities=communities,
        singletons=tuple(graph.nodes[n]["label"] for n in singletons),
        modularity=modularity,
        of=of,
        network=network.name,
        selection=selection.description,
        resolution=resolution,
        seed=seed,
    )
