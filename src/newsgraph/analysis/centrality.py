"""Centrality measures over a :class:`~newsgraph.analysis.networks.Network`, as ranked rows.

The measures (:data:`newsgraph.analysis.MEASURES`) are NetworkX's, with these choices:

- ``degree``: the number of edges at the node (in + out on the directed provider network);
  ``weighted-degree``: the sum of their weights.
- ``pagerank``: weighted, damping 0.85, iterated to a tolerance of 1e-10 (so that it agrees with
  an exact solver to 1e-6); dangling nodes spread their rank evenly. NetworkX's SciPy power
  iteration, run on the network's edge lists (as are the degrees), without building the graph.
- ``betweenness``: normalised, over shortest paths by ``distance`` = 1 / weight (unweighted
  where every weight is 1). Exact up to :data:`EXACT_BETWEENNESS_NODES` nodes; above that,
  estimated from :data:`BETWEENNESS_SAMPLES` source nodes picked with the fixed seed
  :data:`SEED`, so that the same graph gives the same scores. The ranking's notes say which.
- ``closeness``: by ``distance``, Wasserman-Faust scaled (so it is comparable across the parts
  of a network in pieces); on the directed provider network, by the links coming in. NetworkX's
  definition, computed with SciPy's Dijkstra (a Python loop per node took minutes at 100k).
- ``eigenvector``: weighted; defined only on a connected network (strongly connected, when
  directed): elsewhere it is an :class:`~newsgraph.errors.AnalysisError` saying why and what to
  use instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import networkx as nx

from newsgraph.analysis import KINDS, MEASURES
from newsgraph.analysis.networks import Network
from newsgraph.analysis.tables import Rows
from newsgraph.errors import AnalysisError

if TYPE_CHECKING:
    pass

__all__ = [
    "BETWEENNESS_SAMPLES",
    "EXACT_BETWEENNESS_NODES",
    "SEED",
    "Ranking",
    "Row",
    "measure_name",
    "rank",
    "scores",
]

EXACT_BETWEENNESS_NODES: Final = 1000
"""Betweenness is exact on networks of up to this many nodes, sampled above."""
BETWEENNESS_SAMPLES: Final = 256
"""How many source nodes a sampled betweenness uses."""
SEED: Final = 0
"""The seed of every random choice (betweenness samples, Louvain), for repeatable results."""
PAGERANK_TOLERANCE: Final = 1e-10


def measure_name(name: str) -> str:
    """The canonical name of a measure (``weighted_degree`` -> ``weighted-degree``).

    Raises:
        AnalysisError: No such measure; the message lists them.
    """
    canonical = name.strip().lower().replace("_", "-").replace(" ", "-")
    if canonical not in MEASURES:
        raise AnalysisError(f"unknown measure {name!r}; choose from {', '.join(MEASURES)}")
    return canonical


@dataclass(frozen=True)
class Row:
    """One ranked node: its rank, id, label, scores and the figures that explain them.

    ``figures`` depend on the network and the kind of node: ``articles`` and ``providers`` (a
    topic), ``articles``, ``links_in``, ``links_out``, ``self_links`` (a provider on the link
    network), ``articles`` and ``topics`` (a provider in a focus subgraph), ``published``,
    ``provider``, ``topics``, ``links`` (an article).
    """

    rank: int
    node: str
    kind: str
    label: str
    scores: dict[str, float]
    figures: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """rank, label, the scores, the figures, kind and node id, as one flat mapping."""
        return {
            "rank": self.rank,
            "label": self.label,
            **self.scores,
            **self.figures,
            "kind": self.kind,
            "node": self.node,
        }


@dataclass(frozen=True)
class Ranking(Rows[Row]):
    """The rows of a centrality ranking, best first, and what they were computed on.

    A sequence of :class:`Row`; :meth:`records` gives plain dicts, :meth:`to_pandas` a
    ``pandas.DataFrame`` (pandas is optional).

    Attributes:
        rows: The rows, best first (ties share a rank and are in label order).
        measures: The measures, the first one ranking.
        of: ``topics``, ``providers`` or ``articles``.
        network: The network's name; ``network_description`` says what it is.
        selection: Which articles, in words.
        nodes, edges: The size of the network.
        total: How many nodes of kind ``of`` there were before ``top`` cut the list.
        notes: How the scores were computed where it matters (e.g. sampled betweenness).
    """

    rows: tuple[Row, ...]
    measures: tuple[str, ...]
    of: str
    network: str
    network_description: str
    selection: str
    nodes: int
    edges: int
    total: int
    notes: tuple[str, ...] = field(default=())

    def _rows(self) -> tuple[Row, ...]:
        return self.rows

    def labels(self) -> list[str]:
        """The labels, best first."""
        return [row.label for row in self.rows]

    def records(self) -> list[dict[str, Any]]:
        """The rows as flat dicts (see :meth:`Row.as_dict`)."""
        return [row.as_dict() for row in self.rows]

    def header(self) -> str:
        """One line saying what was ranked on what, for the top of a report."""
        return (
            f"{self.of} by {', '.join(self.measures)} on the {self.network} network of "
            f"{self.selection} ({self.nodes} nodes, {self.edges} edges)"
        )


def _degrees(network: Network, weighted: bool) -> dict[str, float]:
    import numpy as np

    size = network.number_of_nodes()
    weights = np.asarray(network.weights, dtype=float) if weighted else None
    counts = np.bincount(np.asarray(network.sources, dtype=np.int64), weights, minlength=size)
    counts = counts + np.bincount(
        np.asarray(network.targets, dtype=np.int64), weights, minlength=size
    )
    return dict(zip(network.nodes, counts.astype(float).tolist(), strict=True))


def _pagerank(network: Network, alpha: float = 0.85, max_iter: int = 1000) -> dict[str, float]:
    """NetworkX's ``pagerank`` (its SciPy power iteration, uniform teleport and dangling
    distribution), on the edge lists directly: the same numbers without building the graph."""
    import numpy as np
    import scipy.sparse as sparse

    size = network.number_of_nodes()
    if size == 0:
        return {}
    rows = np.asarray(network.sources, dtype=np.int64)
    cols = np.asarray(network.targets, dtype=np.int64)
    weights = np.asarray(network.weights, dtype=float)
    if not network.directed:
        rows, cols = np.concatenate([rows, cols]), np.concatenate([cols, rows])
        weights = np.concatenate([weights, weights])
    matrix = sparse.csr_array((weights, (rows, cols)), shape=(size, size))
    out = np.asarray(matrix.sum(axis=1)).ravel()
    inverse = np.zeros(size)
    inverse[out != 0] = 1.0 / out[out != 0]
    transition = sparse.csr_array(matrix.multiply(inverse[:, None]))
    x = np.full(size, 1.0 / size)
    teleport = np.full(size, 1.0 / size)
    dangling = np.flatnonzero(out == 0)
    for _ in range(max_iter):
        last = x
        x = alpha * (x @ transition + x[dangling].sum() * teleport) + (1 - alpha) * teleport
        if np.abs(x - last).sum() < size * PAGERANK_TOLERANCE:
            return dict(zip(network.nodes, x.tolist(), strict=True))
    raise AnalysisError(  # pragma: no cover - with damping 0.85 it converges in ~150 steps
        f"PageRank did not converge in {max_iter} iterations on the {network.name} network"
    )


def _closeness(network: Network, nodes: Sequence[str], chunk: int = 256) -> dict[str, float]:
    """NetworkX's ``closeness_centrality`` (distance 1/weight, Wasserman-Faust scaled, incoming
    distances when directed), with SciPy's Dijkstra: the same numbers, fast enough for the
    provider network of a 100,000-article build."""
    import numpy as np
    import scipy.sparse as sparse
    from scipy.sparse.csgraph import dijkstra

    size = network.number_of_nodes()
    if size < 2:
        return dict.fromkeys(nodes, 0.0)
    weights = np.asarray(network.weights, dtype=float)
    lengths = 1.0 / weights if network.weighted else np.ones_like(weights)
    # NetworkX measures a directed node's closeness by the paths coming in: reverse the edges
    rows, cols = network.targets, network.sources
    if not network.directed:
        rows, cols = network.sources, network.targets
    matrix = sparse.csr_array((lengths, (rows, cols)), shape=(size, size))
    result: dict[str, float] = {}
    wanted = [network.position[n] for n in nodes]
    for start in range(0, len(wanted), chunk):
        part = wanted[start : start + chunk]
        found = dijkstra(matrix, directed=network.directed, indices=part)
        reached = np.isfinite(found)
        count = reached.sum(axis=1) - 1
        total = np.where(reached, found, 0.0).sum(axis=1)
        values = np.where(total > 0, count / np.where(total > 0, total, 1), 0.0)
        values = values * count / (size - 1)
        result.update(zip((network.nodes[i] for i in part), values.tolist(), strict=True))
    return result


def _check_defined(network: Network, measure: str) -> None:
    if measure != "eigenvector":
        return
    graph = network.graph
    why = ""
    if graph.number_of_edges() == 0:
        why = "it has no edges"
    elif graph.is_directed() and not nx.is_strongly_connected(graph):
        parts = nx.number_strongly_connected_components(graph)
        why = (
            f"it is directed and not strongly connected ({parts} strongly connected parts): "
            "nodes that no path of links reaches get 0, and no positive eigenvector exists"
        )
    elif not graph.is_directed() and not nx.is_connected(graph):
        parts = sorted((len(c) for c in nx.connected_components(graph)), reverse=True)
        why = (
            f"it is in {len(parts)} disconnected parts (the largest has {parts[0]} of "
            f"{graph.number_of_nodes()} nodes): the scores outside one part are 0 or arbitrary"
        )
    if why:
        raise AnalysisError(
            f"eigenvector centrality is not defined on the {network.name} network of "
            f"{network.selection.description}: {why}. Use pagerank instead (its damping makes "
            "it defined on any network), or degree"
        )


def scores(
    network: Network, measure: str, nodes: Sequence[str] | None = None
) -> tuple[dict[str, float], str | None]:
    """One measure's scores on a network, and a note on how they were computed (or ``None``).

    Args:
        network: The network.
        measure: A name of :data:`newsgraph.analysis.MEASURES`.
        nodes: The nodes whose scores are needed (default: all); closeness is computed for
            these only.

    Raises:
        AnalysisError: Unknown measure, or eigenvector centrality where it is not defined.
    """
    measure = measure_name(measure)
    _check_defined(network, measure)
    note = None
    result: dict[str, float]
    if measure in ("degree", "weighted-degree"):
        return _degrees(network, weighted=measure == "weighted-degree"), None
    if measure == "pagerank":
        return _pagerank(network), None
    graph = network.graph
    distance = "distance" if network.weighted else None
    if measure == "betweenness":
        size = graph.number_of_nodes()
        if size <= EXACT_BETWEENNESS_NODES:
            result = nx.betweenness_centrality(graph, normalized=True, weight=distance)
            note = f"betweenness: exact ({size} nodes)"
        else:
            result = nx.betweenness_centrality(
                graph, k=BETWEENNESS_SAMPLES, normalized=True, weight=distance, seed=SEED
            )
            note = (
                f"betweenness: estimated from {BETWEENNESS_SAMPLES} of {size} source nodes "
                f"(seed {SEED}; exact up to {EXACT_BETWEENNESS_NODES} nodes)"
            )
    elif measure == "closeness":
        result = _closeness(network, network.nodes if nodes is None else nodes)
    else:
        try:
            result = nx.eigenvector_centrality(
                graph, weight="weight", max_iter=1000, tol=PAGERANK_TOLERANCE
            )
        except nx.PowerIterationFailedConvergence:
            raise AnalysisError(
                f"eigenvector centrality did not converge on the {network.name} network of "
                f"{network.selection.description}; use pagerank instead"
            ) from None
    return result, note


def _competition_ranks(values: Sequence[float]) -> list[int]:
    """1, 2, 2, 4: tied scores (to 12 significant digits) share the better rank."""
    ranks: list[int] = []
    for position, value in enumerate(values):
        if position and f"{value:.12g}" == f"{values[position - 1]:.12g}":
            ranks.append(ranks[-1])
        else:
            ranks.append(position + 1)
    return ranks


def rank(
    network: Network,
    measures: str | Sequence[str] = "pagerank",
    *,
    of: str = "topics",
    top: int | None = None,
) -> Ranking:
    """Rank the nodes of kind ``of`` by the first of ``measures``; report all of them.

    Args:
        network: The network (:func:`newsgraph.analysis.networks.build_network`).
        measures: A measure, or several: the first ranks, the others are shown beside it.
        of: ``topics`` (foci included), ``providers`` or ``articles``.
        top: Keep the best ``top`` rows (``None`` or 0: all).

    Returns:
        The ranking. Ties share a rank and are listed in label order.

    Raises:
        AnalysisError: Unknown measure or kind, or a measure that is not defined here.

    Example:
        >>> from newsgraph import build
        >>> from newsgraph.analysis.index import GraphIndex
        >>> from newsgraph.analysis.networks import select, subgraph_network
        >>> index = GraphIndex.from_graph(build(["seeds/"]).graph)
        >>> network = subgraph_network(index, select(index))
        >>> ranking = rank(network, ["degree", "pagerank"], of="providers")
        >>> for row in ranking:
        ...     print(row.rank, row.label, row.scores["degree"], row.figures)
        1 The Globe and Mail 2.0 {'articles': 2, 'topics': 2}
        2 The National Law Review 1.0 {'articles': 1, 'topics': 0}
    """
    if isinstance(measures, str):
        measures = [measures]
    names = tuple(dict.fromkeys(measure_name(m) for m in measures))
    if not names:
        raise AnalysisError(f"name a measure: {', '.join(MEASURES)}")
    if of not in KINDS:
        raise AnalysisError(f"cannot rank {of!r}; choose from {', '.join(KINDS)}")
    nodes = network.nodes_of(of)
    notes = []
    table: dict[str, dict[str, float]] = {}
    for measure in names:
        values, note = scores(network, measure, nodes)
        table[measure] = values
        if note:
            notes.append(note)
    first = table[names[0]]
    where = network.position
    labels = network.labels
    ordered = sorted(nodes, key=lambda n: (-first.get(n, 0.0), labels[where[n]], n))
    ranks = _competition_ranks([first.get(n, 0.0) for n in ordered])
    if top:
        ordered = ordered[:top]
    rows = tuple(
        Row(
            rank=position,
            node=node,
            kind=network.kinds[where[node]],
            label=labels[where[node]],
            scores={m: table[m].get(node, 0.0) for m in names},
            figures=dict(network.figures[where[node]]),
        )
        for position, node in zip(ranks, ordered, strict=False)
    )
    return Ranking(
        rows=rows,
        measures=names,
        of=of,
        network=network.name,
        network_description=network.description,
        selection=network.selection.description,
        nodes=network.number_of_nodes(),
        edges=network.number_of_edges(),
        total=len(nodes),
        notes=tuple(notes),
    )
