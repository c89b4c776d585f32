"""Choose what an HTML view of the graph shows: everything, a focus or a neighbourhood, capped.

A view is a plain value (:class:`View`): the subgraph to draw, each node's centrality and an
account of what was left out, so that the page can say what it shows. :mod:`newsgraph.export.html`
draws it. Nodes are ranked by a centrality measure computed on the selection (the whole graph,
the focus subgraph or the neighbourhood); above ``max_nodes`` only the most central are kept
(for a neighbourhood: the nearest, then the most central), ties broken by node id, so the same
graph always gives the same view.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

import networkx as nx

from newsgraph.errors import InputError, ViewError
from newsgraph.graph import (
    ARTICLE,
    HAS_TOPIC,
    NODE_KINDS,
    PROVIDER,
    PUBLISHED_BY,
    TOPIC,
    edge_count,
)
from newsgraph.identify import canonical_url, provider_key, topic_key

if TYPE_CHECKING:
    from newsgraph.analysis.focus import Focus

__all__ = [
    "DEFAULT_MAX_NODES",
    "SIZE_MEASURES",
    "View",
    "centrality",
    "find_node",
    "graph_file",
    "label_of",
    "read_graph",
    "run_viz",
    "select_view",
]

DEFAULT_MAX_NODES: Final = 1500
"""Views larger than this keep only their most central nodes (``--max-nodes``)."""

SIZE_MEASURES: Final = {
    "degree": "edges at the node, in and out (its articles, provider, topics and related links)",
    "pagerank": "PageRank with links followed both ways (damping 0.85): nodes linked to "
    "well-linked nodes rank high",
}
"""The centrality measures a view can rank and size nodes by (``--size-by``)."""


@dataclass(frozen=True)
class View:
    """What a page shows, and what it leaves out.

    Attributes:
        graph: The nodes and edges shown, with the attributes of the source graph.
        scores: The centrality (``size_by``) of each shown node, on the selection.
        size_by: The measure nodes are ranked and sized by (a key of :data:`SIZE_MEASURES`).
        title: What was selected, in words ("the whole graph", "focus ...", "around ...").
        corpus: The inputs of the build, in words ("seeds (1 file)").
        built_at: When the source graph was built (ISO 8601), if known.
        selected_nodes: Nodes in the selection, before the cap.
        selected_edges: Edges in the selection, before the cap.
        left_out: Nodes the cap left out, by kind (every kind listed).
        max_nodes: The cap.
        centre: The node a neighbourhood view starts from; ``None`` otherwise.
        article_counts: For each shown provider and topic, its articles in the source graph.
        memberships: For each shown article, its providers and topics in the source graph
            (shown or not), so that the page can filter by them.
        labels: The text of every provider and topic in ``memberships``.
    """

    graph: nx.MultiDiGraph
    scores: dict[str, float]
    size_by: str
    title: str
    corpus: str
    built_at: str | None
    selected_nodes: int
    selected_edges: int
    left_out: dict[str, int]
    max_nodes: int
    centre: str | None = None
    article_counts: dict[str, int] = field(default_factory=dict)
    memberships: dict[str, tuple[str, ...]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def left_out_nodes(self) -> int:
        """How many nodes of the selection the cap left out."""
        return sum(self.left_out.values())


def centrality(graph: nx.MultiDiGraph, measure: str = "degree") -> dict[str, float]:
    """Each node's centrality by ``measure`` (a key of :data:`SIZE_MEASURES`).

    Raises:
        ViewError: An unknown measure.

    Example:
        >>> g = nx.MultiDiGraph([("article:a", "topic:t"), ("article:b", "topic:t")])
        >>> centrality(g)
        {'article:a': 1.0, 'topic:t': 2.0, 'article:b': 1.0}
    """
    if measure == "degree":
        return {node: float(degree) for node, degree in graph.degree()}
    if measure == "pagerank":
        if graph.number_of_nodes() == 0:
            return {}
        # Both ways: taken along the edges' direction, every provider and topic is a sink and
        # outranks nearly every article, and a capped view keeps hubs without the articles that
        # link them.
        ranks: dict[str, float] = nx.pagerank(nx.Graph(graph), alpha=0.85, max_iter=500)
        return {node: ranks[node] for node in graph}
    raise ViewError(f"unknown measure {measure!r}; choose from {', '.join(SIZE_MEASURES)}")


def _describe_inputs(graph: nx.MultiDiGraph) -> str:
    files = [
        i["file"] for i in graph.graph.get("inputs", []) if isinstance(i, dict) and "file" in i
    ]
    if not files:
        return "unknown inputs"
    try:
        if len(files) == 1:
            common = str(Path(os.path.commonpath(files)).parent)
        else:
            # The common folder of the files' folders: the same as the files' common path, or
            # that path's parent where it is one of the files (tested), and a few folders to
            # compare, not a million paths (os.path.commonpath took 10-15 s of a 1M build).
            common = os.path.commonpath(list(dict.fromkeys(map(os.path.dirname, files))))
    except ValueError:  # absolute and relative paths mixed
        common = ""
    where = common or "."
    return f"{where} ({len(files)} file{'' if len(files) == 1 else 's'})"


def label_of(graph: nx.MultiDiGraph, node: str) -> str:
    """A node's text: an article's title (else URL), a provider's name (else domain), a topic's
    label; the node id when it has none."""
    data = graph.nodes[node]
    for name in ("title", "name", "label", "url", "domain"):
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return node


def find_node(graph: nx.MultiDiGraph, text: str) -> str:
    """The node ``text`` names: a node id, an article URL (any of its URLs, in any form newsgraph
    recognises), a topic label, a provider domain or a provider name, tried in that order.

    Raises:
        ViewError: Nothing matches; the message suggests topics and domains that do.

    Example:
        >>> from newsgraph import build
        >>> g = build(["seeds/"]).graph
        >>> find_node(g, "computer vision"), find_node(g, "https://www.theglobeandmail.com")
        ('topic:computer vision', 'provider:theglobeandmail.com')
    """
    text = text.strip()
    if text in graph:
        return text
    if "://" in text:
        url = canonical_url(text)
        if url is not None:
            if f"{ARTICLE}:{url}" in graph:
                return f"{ARTICLE}:{url}"
            for node, urls in graph.nodes(data="urls"):
                if urls and url in urls:
                    return str(node)
    if f"{TOPIC}:{topic_key(text)}" in graph:
        return f"{TOPIC}:{topic_key(text)}"
    domain = provider_key(text)
    if domain is not None and f"{PROVIDER}:{domain}" in graph:
        return f"{PROVIDER}:{domain}"
    folded = topic_key(text)
    for node, data in graph.nodes(data=True):
        names = data.get("names", []) if data.get("kind") == PROVIDER else []
        if any(topic_key(name) == folded for name in names):
            return str(node)
    return _not_found(graph, text)


def _not_found(graph: nx.MultiDiGraph, text: str) -> str:
    def busiest(kind: str, attr: str) -> str:
        nodes = [n for n, k in graph.nodes(data="kind") if k == kind]
        nodes.sort(key=lambda n: (-graph.in_degree(n), n))
        names = [str(graph.nodes[n].get(attr, n)) for n in nodes[:3]]
        return ", ".join(repr(n) for n in names) or "none in this graph"

    raise ViewError(
        f"{text!r} is not an article URL, topic or provider of the graph; give an article's URL, "
        f"a topic (e.g. {busiest(TOPIC, 'label')}) or a provider's domain "
        f"(e.g. {busiest(PROVIDER, 'domain')})"
    )


def _neighbourhood(graph: nx.MultiDiGraph, centre: str, depth: int) -> dict[str, int]:
    undirected = graph.to_undirected(as_view=True)
    distances: dict[str, int] = nx.single_source_shortest_path_length(undirected, centre, depth)
    return distances


def _focus_nodes(graph: nx.MultiDiGraph, articles: Iterable[str]) -> list[str]:
    """The focus articles, with their providers and topics."""
    nodes = dict.fromkeys(articles)
    for article in list(nodes):
        for _, target, kind in graph.out_edges(article, keys=True):
            if kind in (PUBLISHED_BY, HAS_TOPIC):
                nodes[target] = None
    return list(nodes)


def select_view(
    graph: nx.MultiDiGraph,
    *,
    focus: Focus | None = None,
    around: str | None = None,
    depth: int = 1,
    max_nodes: int = DEFAULT_MAX_NODES,
    size_by: str = "degree",
) -> View:
    """Select the view of ``graph`` to draw.

    Args:
        graph: A newsgraph graph (e.g. from :func:`newsgraph.read_json`).
        focus: Show the focus's articles with their providers, topics and the related links
            among them (:func:`newsgraph.analysis.focus.focus_articles` picks them).
        around: Show the neighbourhood of this node (an article URL, topic, provider domain or
            name, or a node id; see :func:`find_node`) up to ``depth`` steps, links followed
            in either direction.
        depth: How many steps ``around`` reaches.
        max_nodes: Keep at most this many nodes: the most central (by ``size_by``, computed on
            the selection); for ``around``, the nearest first.
        size_by: The centrality measure (:data:`SIZE_MEASURES`).

    Returns:
        A :class:`View`.

    Raises:
        ViewError: ``focus`` and ``around`` both given, nothing matching ``around``, a focus
            that matches no article, an unknown measure, a cap below 1 or a depth below 1.

    Example:
        >>> from newsgraph import build
        >>> view = select_view(build(["seeds/"]).graph, around="Computer Vision")
        >>> view.title, view.graph.number_of_nodes(), view.left_out_nodes
        ('around topic "Computer Vision" (depth 1)', 2, 0)
    """
    if focus is not None and around is not None:
        raise ViewError("choose a focus or a neighbourhood (around), not both")
    if max_nodes < 1:
        raise ViewError(f"max_nodes must be at least 1 (got {max_nodes})")
    if depth < 1:
        raise ViewError(f"depth must be at least 1 (got {depth})")
    if size_by not in SIZE_MEASURES:
        raise ViewError(f"unknown measure {size_by!r}; choose from {', '.join(SIZE_MEASURES)}")
    centre = None
    distances: dict[str, int] = {}
    if focus is not None:
        from newsgraph.analysis.focus import focus_articles

        articles = focus_articles(graph, focus)
        if not articles:
            raise ViewError(f"focus {focus.name!r} matches no article of the graph")
        selection = graph.subgraph(_focus_nodes(graph, articles))
        title = f'focus "{focus.name}" ({len(articles)} article{"" if len(articles) == 1 else "s"})'
    elif around is not None:
        centre = find_node(graph, around)
        distances = _neighbourhood(graph, centre, depth)
        selection = graph.subgraph(distances)
        kind = graph.nodes[centre].get("kind", "node")
        title = f'around {kind} "{label_of(graph, centre)}" (depth {depth})'
    else:
        selection = graph
        title = "the whole graph"
    scores = centrality(selection, size_by)
    if len(scores) > max_nodes:
        ranked = sorted(scores, key=lambda n: (distances.get(n, 0), -scores[n], n))
        shown = _induced(graph, ranked[:max_nodes])
        dropped = Counter(graph.nodes[n].get("kind") for n in ranked[max_nodes:])
    else:
        shown = _induced(graph, selection) if selection is not graph else graph
        dropped = Counter()
    memberships = _memberships(graph, shown)
    return View(
        graph=shown,
        scores={n: scores[n] for n in shown},
        size_by=size_by,
        title=title,
        corpus=_describe_inputs(graph),
        built_at=graph.graph.get("built_at"),
        selected_nodes=selection.number_of_nodes(),
        selected_edges=edge_count(selection),
        left_out={kind: dropped.get(kind, 0) for kind in NODE_KINDS},
        max_nodes=max_nodes,
        centre=centre,
        article_counts=_article_counts(graph, shown),
        memberships=memberships,
        labels={n: label_of(graph, n) for nodes in memberships.values() for n in nodes},
    )


def _induced(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> nx.MultiDiGraph:
    """A copy of the subgraph of ``nodes``, nodes and edges in ``graph``'s order.

    ``graph.subgraph(nodes).copy()`` lists a small subset in the order of a ``set``, which
    changes with ``PYTHONHASHSEED``, and so would the page (and its layout).
    """
    keep = set(nodes)
    shown = nx.MultiDiGraph()
    shown.graph.update(graph.graph)
    shown.add_nodes_from((n, graph.nodes[n]) for n in graph if n in keep)
    shown.add_edges_from(
        (u, v, k, d)
        for u in shown
        for _, v, k, d in graph.out_edges(u, keys=True, data=True)
        if v in keep
    )
    return shown


def _memberships(graph: nx.MultiDiGraph, shown: nx.MultiDiGraph) -> dict[str, tuple[str, ...]]:
    result = {}
    for node, kind in shown.nodes(data="kind"):
        if kind == ARTICLE:
            result[node] = tuple(
                target
                for _, target, k in graph.out_edges(node, keys=True)
                if k in (PUBLISHED_BY, HAS_TOPIC)
            )
    return result


def _article_counts(graph: nx.MultiDiGraph, shown: nx.MultiDiGraph) -> dict[str, int]:
    counts = {}
    for node, kind in shown.nodes(data="kind"):
        if kind in (PROVIDER, TOPIC):
            counts[node] = sum(
                1 for _, _, k in graph.in_edges(node, keys=True) if k in (PUBLISHED_BY, HAS_TOPIC)
            )
    return counts


def graph_file(path: str | os.PathLike[str]) -> Path:
    """The graph a build wrote: ``path`` itself, or ``graph.json`` in the folder ``path``, else
    the ``nodes.parquet`` that ``newsgraph build --engine dask`` writes there instead.

    Raises:
        InputError: There is no such file.
    """
    given = Path(path)
    file = given / "graph.json" if given.is_dir() or not given.suffix else given
    if not file.is_file() and given.is_dir() and (given / "nodes.parquet").is_file():
        file = given / "nodes.parquet"
    if not file.is_file():
        raise InputError(
            f"{file}: no such file; run `newsgraph build` first, or point --graph at the folder "
            "it wrote"
        )
    return file


def read_graph(file: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read the graph file a build wrote (see :func:`graph_file`): a ``graph.json``, or the
    ``nodes.parquet`` (with its ``edges.parquet``) of ``newsgraph build --engine dask``."""
    if Path(file).suffix == ".parquet":
        from newsgraph.export.tables import read_tables

        return read_tables(file)
    from newsgraph.export import read_json

    return read_json(file)


def run_viz(
    graph: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    focus: str | None = None,
    foci: str | os.PathLike[str] | None = None,
    around: str | None = None,
    depth: int = 1,
    max_nodes: int = DEFAULT_MAX_NODES,
    size_by: str = "degree",
) -> View:
    """What ``newsgraph viz`` does: read a build's graph, select a view, write its page.

    Args:
        graph: A build's ``graph.json`` (or ``nodes.parquet``), or the folder holding it (the
            graph is not rebuilt).
        out: The page to write.
        focus: The name of a focus (see :func:`newsgraph.analysis.focus.load_foci`).
        foci: The foci file to find ``focus`` in (default: ``foci.toml`` here, else the shipped
            ones).
        around, depth, max_nodes, size_by: As for :func:`select_view`.

    Returns:
        The :class:`View` written.

    Raises:
        InputError: No graph.json (nor nodes.parquet) where ``graph`` points.
        FocusError: No such focus, or a foci file that cannot be used.
        ViewError: The view cannot be selected as asked (see :func:`select_view`).
        ExportError: The page cannot be written.
    """
    from newsgraph.export.html import write_view

    chosen = None
    if focus is not None:
        from newsgraph.analysis.focus import get_focus, load_foci

        chosen = get_focus(load_foci(foci), focus)
    source = read_graph(graph_file(graph))
    view = select_view(
        source, focus=chosen, around=around, depth=depth, max_nodes=max_nodes, size_by=size_by
    )
    write_view(view, out)
    return view
