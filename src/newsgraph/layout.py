"""Positions for drawing a graph: a force-directed layout computed once, in Python.

The HTML views ship these positions with the browser's physics switched off, so that a page of
thousands of nodes is usable as soon as it is drawn (a browser simulating forces on a few thousand
nodes takes minutes to settle). The algorithm is Fruchterman-Reingold (edges pull by d^2, nodes
push apart by 1/d, the step bounded by a cooling temperature), made fast enough for thousands of
nodes with NumPy and SciPy:

- a node pushes harder the more links it has (m_i m_j / d with m = degree + 1, as in
  ForceAtlas2), so that a hub keeps room around it for its many neighbours;
- each node is pushed exactly by its :data:`NEIGHBOURS` nearest nodes closer than
  :data:`CUTOFF` (found with SciPy's k-d tree, every few steps) and by the nodes it links to;
  the push of the rest is taken from the 2-D shell theorem, as if the nodes of the component
  were spread evenly around its centre: a node at distance r from the centre is pushed
  outwards by the number of nodes closer to the centre, divided by r. A step costs
  O(n log n) instead of O(n^2);
- each connected component is laid out on its own, and the others are packed in rows beside or
  below the largest, so that isolated nodes do not fly off to the edges of the page.

NetworkX's ``spring_layout`` and ``forceatlas2_layout`` took 19 s and 22 s for 1,500 nodes on
the benchmark machine (and 100 s and 230 s for 5,000); this one takes about 2 s and 5 s
(``bench/html.py``). The random start has a fixed seed: the same graph gets the same positions.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Array = npt.NDArray[np.float64]
    Index = npt.NDArray[np.intp]

__all__ = ["CUTOFF", "NEIGHBOURS", "force_layout", "median_spacing"]

CUTOFF: Final = 3.0
"""Each node is pushed by the nodes closer than this (in ideal edge lengths), ..."""
NEIGHBOURS: Final = 24
"""... up to this many nearest ones, so that a step costs O(n log n) however dense the graph."""

_GAP: Final = 3.0  # between packed components
ASPECT: Final = 1.5
"""The width / height the packed components aim for: a screen's, roughly."""
_REUSE: Final = 4  # steps between searches for near nodes (they change slowly)


def _default_iterations(nodes: int) -> int:
    return 300 if nodes <= 2000 else 200


def force_layout(
    nodes: Sequence[Hashable],
    edges: Iterable[tuple[Hashable, Hashable]],
    *,
    seed: int = 0,
    iterations: int | None = None,
) -> dict[Hashable, tuple[float, float]]:
    """Positions for ``nodes`` in units of the ideal edge length, centred on 0.

    Args:
        nodes: The nodes, in a fixed order (the order and ``seed`` decide the random start).
        edges: Pairs of nodes that pull together; direction, repeats and self-loops do not count.
        seed: The seed of the random start.
        iterations: Steps of the simulation (default: 300, or 200 above 2,000 nodes).

    Returns:
        ``{node: (x, y)}``.

    Example:
        >>> pos = force_layout("abc", [("a", "b"), ("b", "c")])
        >>> sorted(pos) == ["a", "b", "c"] and pos == force_layout("abc", [("c", "b"), ("b", "a")])
        True
    """
    import numpy as np

    index = {node: i for i, node in enumerate(nodes)}
    count = len(index)
    if count == 0:
        return {}
    pairs = {(min(i, j), max(i, j)) for u, v in edges if (i := index[u]) != (j := index[v])}
    links: Index = np.array(sorted(pairs), dtype=np.intp).reshape(-1, 2)
    component, sizes = _components(count, links)
    mass: Array = np.bincount(links.ravel(), minlength=count).astype(np.float64) + 1
    rng = np.random.default_rng(seed)
    pos: Array = rng.uniform(-0.5, 0.5, size=(count, 2)) * np.sqrt(sizes[component])[:, None]
    steps = iterations if iterations is not None else _default_iterations(count)
    start = float(np.sqrt(count)) / 10 + 0.1
    for step in range(steps):
        if step % _REUSE == 0:
            near = _near_pairs(pos, component)
        moves = (
            _near_push(pos, near, mass, links)
            + _far_push(pos, component, sizes)
            + _pull(pos, links)
        )
        length = np.maximum(np.hypot(moves[:, 0], moves[:, 1]), 1e-9)
        temperature = start * (1 - step / steps) + 0.01
        pos += moves * (np.minimum(length, temperature) / length)[:, None]
    pos = _pack(pos, component, sizes)
    pos -= (pos.min(axis=0) + pos.max(axis=0)) / 2
    return {node: (float(pos[i, 0]), float(pos[i, 1])) for node, i in index.items()}


def median_spacing(points: Array) -> float:
    """The median distance from a point to the nearest other point (0 for fewer than two).

    Example:
        >>> import numpy as np
        >>> median_spacing(np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 5.0]]))
        1.0
    """
    import numpy as np

    if len(points) < 2:
        return 0.0
    distance, _ = _nearest(points, 2)
    return float(np.median(distance[:, 1]))


def _components(count: int, links: Index) -> tuple[Index, Index]:
    """Each node's connected component (numbered from 0 in node order) and each one's size."""
    import numpy as np

    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in links.tolist():
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    roots = [root(i) for i in range(count)]
    number = {r: n for n, r in enumerate(dict.fromkeys(roots))}
    component: Index = np.array([number[r] for r in roots], dtype=np.intp)
    return component, np.bincount(component).astype(np.intp)


def _nearest(points: Array, k: int, bound: float = math.inf) -> tuple[Array, Index]:
    """Each point's k nearest points (itself first) and their distances, ``inf`` where fewer are
    within ``bound`` (SciPy's k-d tree)."""
    from scipy.spatial import cKDTree

    count = len(points)
    distance, nearest = cKDTree(points).query(points, k=k, distance_upper_bound=bound)
    return distance.reshape(count, k), nearest.reshape(count, k)


def _near_pairs(pos: Array, component: Index) -> Index:
    """Each node's NEIGHBOURS nearest nodes of its component within CUTOFF, as (node, other)."""
    import numpy as np

    count = len(pos)
    k = min(NEIGHBOURS + 1, count)
    distance, nearest = _nearest(pos, k, CUTOFF)
    row = np.repeat(np.arange(count), k - 1)
    other = nearest[:, 1:].ravel()  # the first is the node itself
    keep = np.isfinite(distance[:, 1:].ravel())
    row, other = row[keep], other[keep]
    keep = component[row] == component[other]
    pairs: Index = np.stack([row[keep], other[keep]], axis=1)
    return pairs


def _near_push(pos: Array, near: Index, mass: Array, links: Index) -> Array:
    """The push (m_i m_j / d, away) on each node from its near nodes, and between linked nodes
    farther apart (so that a hub keeps its many neighbours at bay)."""
    import numpy as np

    count = len(pos)
    row, other = near[:, 0], near[:, 1]
    factor = mass[row] * mass[other] / np.maximum(_squared(pos, near), 1e-4)
    force = (pos[row] - pos[other]) * factor[:, None]
    moves: Array = np.stack(
        [np.bincount(row, force[:, axis], minlength=count) for axis in (0, 1)], axis=1
    )
    if len(links):
        far = links[_squared(pos, links) > CUTOFF**2]
        moves += _spread(
            pos, far[:, 0], far[:, 1], mass[far[:, 0]] * mass[far[:, 1]] / _squared(pos, far)
        )
    return moves


def _far_push(pos: Array, component: Index, sizes: Index) -> Array:
    """The push of the rest of the component: the nodes nearer its centre, divided by distance."""
    import numpy as np

    count = len(pos)
    centres = np.stack([np.bincount(component, pos[:, axis]) / sizes for axis in (0, 1)], axis=1)
    offset = pos - centres[component]
    radius = np.maximum(np.hypot(offset[:, 0], offset[:, 1]), 1e-9)
    order = np.lexsort((radius, component))
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    inside = np.empty(count)
    inside[order] = np.arange(count) - first[component[order]]
    push: Array = offset * (inside / radius**2)[:, None]
    return push


def _pull(pos: Array, links: Index) -> Array:
    """The pull of the edges: d^2 along each edge (ideal length 1)."""
    import numpy as np

    if len(links) == 0:
        return np.zeros_like(pos)
    distance = np.sqrt(_squared(pos, links))
    return -_spread(pos, links[:, 0], links[:, 1], distance)


def _squared(pos: Array, pairs: Index) -> Array:
    import numpy as np

    delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
    squared: Array = np.einsum("ij,ij->i", delta, delta)
    return squared


def _spread(pos: Array, first: Index, second: Index, factor: Array) -> Array:
    """Per node, the sum of ``factor * (pos[first] - pos[second])`` (minus, for ``second``)."""
    import numpy as np

    count = len(pos)
    force = (pos[first] - pos[second]) * factor[:, None]
    moves: Array = np.stack(
        [
            np.bincount(first, force[:, axis], minlength=count)
            - np.bincount(second, force[:, axis], minlength=count)
            for axis in (0, 1)
        ],
        axis=1,
    )
    return moves


def _shelves(
    order: list[int], extent: Array, width: float
) -> tuple[dict[int, tuple[float, float]], float, float]:
    """Boxes in rows no wider than ``width`` (unless one box is): offsets, width, height."""
    offsets = {}
    x = y = row = used = 0.0
    for c in order:
        if x > 0 and x + extent[c, 0] > width:
            x, y, row = 0.0, y + row + _GAP, 0.0
        offsets[c] = (x, y)
        x += extent[c, 0] + _GAP
        used = max(used, x - _GAP)
        row = max(row, float(extent[c, 1]))
    return offsets, used, y + row


def _pack(pos: Array, component: Index, sizes: Index) -> Array:
    """The largest component, and the others in rows beside or below it, whichever makes the
    drawing closer to the shape of a screen (:data:`ASPECT`)."""
    import numpy as np

    count = len(sizes)
    low = np.full((count, 2), np.inf)
    high = np.full((count, 2), -np.inf)
    np.minimum.at(low, component, pos)
    np.maximum.at(high, component, pos)
    extent = high - low
    order = sorted(range(count), key=lambda c: -int(sizes[c]))  # stable: component order
    main, others = order[0], order[1:]
    main_width, main_height = float(extent[main, 0]), float(extent[main, 1])
    placements = {main: (0.0, 0.0)}
    if others:
        area = float(((extent[others] + _GAP).prod(axis=1)).sum())
        widest = float(extent[others, 0].max())
        beside, beside_width, beside_height = _shelves(
            others, extent, max(widest, area / max(main_height, 1.0))
        )
        below, below_width, below_height = _shelves(others, extent, max(widest, main_width))

        def misfit(width: float, height: float) -> float:
            return abs(math.log(max(width, 1e-9) / max(height, 1e-9) / ASPECT))

        if misfit(main_width + _GAP + beside_width, max(main_height, beside_height)) <= misfit(
            max(main_width, below_width), main_height + _GAP + below_height
        ):
            placements |= {c: (x + main_width + _GAP, y) for c, (x, y) in beside.items()}
        else:
            placements |= {c: (x, y + main_height + _GAP) for c, (x, y) in below.items()}
    shift = np.array([placements[c] for c in range(count)]) - low
    packed: Array = pos + shift[component]
    return packed
