"""The networks the analysis ranks over, counted straight from a :class:`GraphIndex`.

1. ``cooccurrence``: the topic co-occurrence network. Nodes are the data's topics and the foci
   (a focus is a topic the researcher defines: its articles are "tagged" with it); two are linked
   when an article has both, weighted by the number of such articles. Undirected. Pairs are
   counted directly from each article's tags, not by projecting the bipartite graph.
2. ``subgraph``: the focus subgraph. Nodes are the selected articles, their providers and their
   topics; edges are article-provider, article-topic and the related links between two selected
   articles (weight 2 where both list each other, else 1). Undirected.
3. ``links``: the provider network of related links, for influence. Provider A -> provider B
   when an article of A lists an article of B as related (both articles selected), weighted by
   the number of such links; a provider's links to its own articles are counted (``self_links``)
   but not drawn. Directed.

Every node carries ``kind`` (topic, focus, provider, article), ``label`` and ``figures``: the
counts that explain its place (articles, providers, links...). Edges carry ``weight`` and
``distance`` (1 / weight, for shortest paths: a strong tie is a short one).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

import networkx as nx

from newsgraph.analysis import KINDS, NETWORKS
from newsgraph.analysis.focus import Focus, focus_numbers
from newsgraph.analysis.index import GraphIndex
from newsgraph.errors import AnalysisError

__all__ = [
    "Network",
    "Selection",
    "build_network",
    "cooccurrence_network",
    "default_network",
    "links_network",
    "select",
    "subgraph_network",
]


@dataclass(frozen=True)
class Selection:
    """The articles an analysis looks at, and how they were chosen.

    Attributes:
        articles: Sorted article numbers (positions in :attr:`GraphIndex.articles`).
        description: In words, e.g. ``focus 'facial recognition regulation', 2020-01-01 to ...``.
        focus: The focus, if the articles are a focus's.
        topic: The data topic's label, if the articles are a topic's.
        since, until: The date range the articles were narrowed to, if any.
    """

    articles: tuple[int, ...]
    description: str
    focus: Focus | None = None
    topic: str | None = None
    since: date | None = None
    until: date | None = None

    @property
    def narrowed(self) -> bool:
        """Whether the selection is a focus's or a topic's (not all articles)."""
        return self.focus is not None or self.topic is not None


def select(
    index: GraphIndex,
    *,
    focus: Focus | None = None,
    topic: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Selection:
    """The articles of a focus or a data topic (default: all), within a date range.

    Args:
        index: The graph's index.
        focus: Keep the articles that match this focus.
        topic: Keep the articles tagged with this data topic (any spelling).
        since, until: Keep the articles published on or between these days (inclusive); with
            either, articles without a date are left out.

    Raises:
        AnalysisError: Both a focus and a topic are given, the topic is unknown, or ``since``
            is after ``until``.
        FocusError: The focus's query is malformed.

    Example:
        >>> from newsgraph import build
        >>> index = GraphIndex.from_graph(build(["seeds/"]).graph)
        >>> select(index, topic="computer vision").description
        "topic 'Computer Vision'"
    """
    if focus is not None and topic is not None:
        raise AnalysisError("give a focus or a topic, not both")
    if since and until and since > until:
        raise AnalysisError(f"since ({since}) is after until ({until}); swap them")
    if focus is not None:
        numbers: Iterable[int] = focus_numbers(index, focus)
        description = f"focus {focus.name!r}"
    elif topic is not None:
        wanted = index.topic_number(topic)
        topic = index.topic_labels[wanted]
        numbers = (n for n, tags in enumerate(index.article_topics) if wanted in tags)
        description = f"topic {topic!r}"
    else:
        numbers = range(len(index.articles))
        description = "all articles"
    if since or until:
        days = index.days()
        numbers = [
            n
            for n in numbers
            if (day := days[n]) is not None
            and (since is None or day >= since)
            and (until is None or day <= until)
        ]
        description += f", {since or '...'} to {until or '...'}"
    return Selection(tuple(sorted(numbers)), description, focus, topic, since, until)


class Network:
    """A network to rank over: its nodes, edges, and how it was made.

    Nodes and edges are kept as lists (``nodes``, ``kinds``, ``labels``, ``figures``;
    ``sources``, ``targets``, ``weights`` as node positions), from which degree and PageRank are
    computed directly; :attr:`graph` is the same network as a NetworkX graph, made on first use
    for the measures that need it.

    Attributes:
        name: ``cooccurrence``, ``subgraph`` or ``links`` (see the module docstring).
        selection: The articles it was counted from.
        directed: Whether an edge goes one way (``links``).
    """

    def __init__(self, name: str, selection: Selection, *, directed: bool = False) -> None:
        self.name = name
        self.selection = selection
        self.directed = directed
        self.nodes: list[str] = []
        self.kinds: list[str] = []
        self.labels: list[str] = []
        self.figures: list[dict[str, Any]] = []
        self.position: dict[str, int] = {}
        self.sources: list[int] = []
        self.targets: list[int] = []
        self.weights: list[float] = []
        self._graph: nx.Graph | None = None

    @classmethod
    def from_graph(cls, name: str, graph: nx.Graph, selection: Selection) -> Network:
        """A network from a NetworkX graph whose nodes have ``kind``, ``label`` and
        ``figures`` and whose edges have ``weight`` (default 1)."""
        network = cls(name, selection, directed=graph.is_directed())
        for node, data in graph.nodes(data=True):
            network.add_node(node, data["kind"], data["label"], data.get("figures", {}))
        for a, b, weight in graph.edges(data="weight", default=1):
            network.add_edge(network.position[a], network.position[b], weight)
        return network

    def add_node(self, node: str, kind: str, label: str, figures: dict[str, Any]) -> int:
        """Add a node; return its position."""
        self.position[node] = len(self.nodes)
        self.nodes.append(node)
        self.kinds.append(kind)
        self.labels.append(label)
        self.figures.append(figures)
        return self.position[node]

    def add_edge(self, source: int, target: int, weight: float = 1) -> None:
        """Add an edge between two node positions (each pair once)."""
        self.sources.append(source)
        self.targets.append(target)
        self.weights.append(weight)

    @property
    def description(self) -> str:
        """What the nodes and edges are, in words."""
        return NETWORKS[self.name]

    @property
    def weighted(self) -> bool:
        """Whether any edge has a weight other than 1."""
        return any(w != 1 for w in self.weights)

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def number_of_edges(self) -> int:
        return len(self.sources)

    @property
    def graph(self) -> nx.Graph:
        """The network as ``nx.Graph`` (``nx.DiGraph`` for ``links``): nodes with ``kind``,
        ``label``, ``figures``; edges with ``weight`` and ``distance`` (1 / weight)."""
        if self._graph is None:
            graph = nx.DiGraph() if self.directed else nx.Graph()
            graph.add_nodes_from(
                (node, {"kind": kind, "label": label, "figures": figures})
                for node, kind, label, figures in zip(
                    self.nodes, self.kinds, self.labels, self.figures, strict=True
                )
            )
            nodes = self.nodes
            graph.add_edges_from(
                (nodes[a], nodes[b], {"weight": w, "distance": 1 / w})
                for a, b, w in zip(self.sources, self.targets, self.weights, strict=True)
            )
            self._graph = graph
        return self._graph

    def nodes_of(self, of: str) -> list[str]:
        """The nodes a ranking ``of`` topics, providers or articles lists."""
        kinds = _KIND_NODES[of]
        return [n for n, kind in zip(self.nodes, self.kinds, strict=True) if kind in kinds]


_KIND_NODES = {"topics": ("topic", "focus"), "providers": ("provider",), "articles": ("article",)}
_NETWORK_KINDS = {"cooccurrence": ("topics",), "links": ("providers",), "subgraph": KINDS}


def default_network(of: str, selection: Selection) -> str:
    """The network a ranking ``of`` uses unless told otherwise.

    The co-occurrence network for topics and the provider link network for providers, over all
    articles; the focus subgraph when the articles are a focus's or a topic's, and for articles.
    """
    if of == "articles" or selection.narrowed:
        return "subgraph"
    return "cooccurrence" if of == "topics" else "links"


def build_network(
    index: GraphIndex,
    name: str,
    selection: Selection,
    *,
    of: str | None = None,
    foci: Mapping[str, Focus] | None = None,
) -> Network:
    """Count the network ``name`` over the selected articles.

    Args:
        index: The graph's index.
        name: ``cooccurrence``, ``subgraph`` or ``links``.
        selection: The articles to count (:func:`select`).
        of: What will be ranked; checked against what the network holds.
        foci: Foci to add as topic nodes to the co-occurrence network.

    Raises:
        AnalysisError: An unknown network, or one that holds no nodes of kind ``of``.
    """
    if name not in NETWORKS:
        raise AnalysisError(f"unknown network {name!r}; choose from {', '.join(NETWORKS)}")
    if of is not None:
        if of not in KINDS:
            raise AnalysisError(f"cannot rank {of!r}; choose from {', '.join(KINDS)}")
        if of not in _NETWORK_KINDS[name]:
            fits = [n for n, kinds in _NETWORK_KINDS.items() if of in kinds]
            raise AnalysisError(
                f"the {name} network has no {of}; rank {of} on the {' or '.join(fits)} network"
            )
    if name == "cooccurrence":
        return cooccurrence_network(index, selection, foci or {})
    if name == "links":
        return links_network(index, selection)
    return subgraph_network(index, selection)


def _provider_counts(
    index: GraphIndex, tags: Mapping[Any, Sequence[int]]
) -> dict[Any, dict[str, int]]:
    figures = {}
    for tag, articles in tags.items():
        providers = {p for a in articles for p in index.article_providers[a]}
        figures[tag] = {"articles": len(articles), "providers": len(providers)}
    return figures


def cooccurrence_network(
    index: GraphIndex, selection: Selection, foci: Mapping[str, Focus] | None = None
) -> Network:
    """The topic co-occurrence network (see the module docstring), foci added as topics.

    Example:
        >>> from newsgraph import build
        >>> index = GraphIndex.from_graph(build(["seeds/"]).graph)
        >>> network = cooccurrence_network(index, select(index))
        >>> sorted(network.graph.edges(data="weight"))
        [('topic:ai', 'topic:computer vision', 1)]
        >>> network.graph.nodes["topic:ai"]["figures"]
        {'articles': 1, 'providers': 1}
    """
    topic_count = len(index.topics)
    ids = list(index.topics)
    labels = list(index.topic_labels)
    kinds = ["topic"] * topic_count
    tags: list[list[int]] = [list(index.article_topics[a]) for a in selection.articles]
    for offset, focus in enumerate((foci or {}).values()):
        tag = topic_count + offset
        ids.append(f"focus:{focus.name}")
        labels.append(focus.name)
        kinds.append("focus")
        members = set(focus_numbers(index, focus))
        for article_tags, article in zip(tags, selection.articles, strict=True):
            if article in members:
                article_tags.append(tag)
    pairs: Counter[tuple[int, int]] = Counter()
    members_of: dict[int, list[int]] = defaultdict(list)
    for article, article_tags in zip(selection.articles, tags, strict=True):
        for tag in article_tags:
            members_of[tag].append(article)
        if len(article_tags) > 1:
            pairs.update(combinations(article_tags, 2))
    network = Network("cooccurrence", selection)
    figures = _provider_counts(index, members_of)
    where = {
        tag: network.add_node(ids[tag], kinds[tag], labels[tag], figures[tag])
        for tag in sorted(members_of)
    }
    for (a, b), count in sorted(pairs.items()):
        network.add_edge(where[a], where[b], count)
    return network


def links_network(index: GraphIndex, selection: Selection) -> Network:
    """The provider network of related links (see the module docstring).

    Example:
        >>> from newsgraph import build
        >>> index = GraphIndex.from_graph(build(["seeds/"]).graph)
        >>> network = links_network(index, select(index))
        >>> list(network.graph.edges(data="weight"))
        [('provider:theglobeandmail.com', 'provider:natlawreview.com', 1)]
        >>> network.graph.nodes["provider:theglobeandmail.com"]["figures"]
        {'articles': 2, 'links_in': 0, 'links_out': 1, 'self_links': 1}
    """
    chosen = set(selection.articles)
    articles: Counter[int] = Counter()
    for article in selection.articles:
        articles.update(index.article_providers[article])
    links: Counter[tuple[int, int]] = Counter()
    self_links: Counter[int] = Counter()
    providers = index.article_providers
    for source, target in index.related:
        if source in chosen and target in chosen:
            for a in providers[source]:
                for b in providers[target]:
                    if a == b:
                        self_links[a] += 1
                    else:
                        links[(a, b)] += 1
    links_in: Counter[int] = Counter()
    links_out: Counter[int] = Counter()
    for (a, b), count in links.items():
        links_out[a] += count
        links_in[b] += count
    network = Network("links", selection, directed=True)
    where = {}
    for provider in sorted(articles):
        figures = {
            "articles": articles[provider],
            "links_in": links_in[provider],
            "links_out": links_out[provider],
            "self_links": self_links[provider],
        }
        where[provider] = network.add_node(
            index.providers[provider], "provider", index.provider_labels[provider], figures
        )
    for (a, b), count in sorted(links.items()):
        network.add_edge(where[a], where[b], count)
    return network


def subgraph_network(index: GraphIndex, selection: Selection) -> Network:
    """The focus subgraph (see the module docstring).

    Example:
        >>> from newsgraph import build
        >>> index = GraphIndex.from_graph(build(["seeds/"]).graph)
        >>> network = subgraph_network(index, select(index, topic="AI"))
        >>> sorted(kind for _, kind in network.graph.nodes(data="kind"))
        ['article', 'provider', 'topic', 'topic']
    """
    chosen = set(selection.articles)
    network = Network("subgraph", selection)
    provider_articles: dict[int, list[int]] = defaultdict(list)
    topic_articles: dict[int, list[int]] = defaultdict(list)
    provider_topics: dict[int, set[int]] = defaultdict(set)
    links: Counter[tuple[int, int]] = Counter()
    degree: Counter[int] = Counter()
    for source, target in index.related:
        if source in chosen and target in chosen and source != target:
            links[(min(source, target), max(source, target))] += 1
            degree[source] += 1
            degree[target] += 1
    where: dict[int, int] = {}
    for article in selection.articles:
        node = index.articles[article]
        providers = index.article_providers[article]
        topics = index.article_topics[article]
        published = index.published[article]
        where[article] = network.add_node(
            node,
            "article",
            index.titles[article] or node.split(":", 1)[1],
            {
                "published": published.date().isoformat() if published else "",
                "provider": "; ".join(index.provider_labels[p] for p in providers),
                "topics": len(topics),
                "links": degree[article],
            },
        )
        for provider in providers:
            provider_articles[provider].append(article)
            provider_topics[provider].update(topics)
        for topic in topics:
            topic_articles[topic].append(article)
    for provider, members in sorted(provider_articles.items()):
        at = network.add_node(
            index.providers[provider],
            "provider",
            index.provider_labels[provider],
            {"articles": len(members), "topics": len(provider_topics[provider])},
        )
        for article in members:
            network.add_edge(where[article], at)
    topic_figures = _provider_counts(index, topic_articles)
    for topic, members in sorted(topic_articles.items()):
        at = network.add_node(
            index.topics[topic], "topic", index.topic_labels[topic], topic_figures[topic]
        )
        for article in members:
            network.add_edge(where[article], at)
    for (a, b), count in sorted(links.items()):
        network.add_edge(where[a], where[b], count)
    return network
