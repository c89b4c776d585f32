"""``graph.json``: NetworkX node-link data, lossless.

Layout: ``{"directed": true, "multigraph": true, "graph": {...}, "nodes": [{"id": ..., ...}],
"edges": [{"source": ..., "target": ..., "key": <kind>, ...}]}``. Date-times are written as ISO 8601
strings; :func:`read_json` turns the ``published_at`` values back into date-times, so the graph it
returns equals the one written.
"""

from __future__ import annotations

import json
import os

import networkx as nx

from newsgraph.export.values import json_default, restore_datetimes

__all__ = ["read_json", "write_json"]


def write_json(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as node-link JSON (UTF-8, one line)."""
    data = nx.node_link_data(graph, edges="edges")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, default=json_default, separators=(",", ":"))
        handle.write("\n")


def read_json(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a graph written by :func:`write_json`.

    Example:
        >>> import newsgraph, tempfile, pathlib
        >>> g = newsgraph.build_graph(newsgraph.load_articles(["seeds/"]).articles)
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "graph.json"
        >>> newsgraph.write_json(g, path)
        >>> h = read_json(path)
        >>> sorted(h.nodes(data=True)) == sorted(g.nodes(data=True))
        True
    """
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    graph = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    for _, attrs in graph.nodes(data=True):
        restore_datetimes(attrs)
    return graph
