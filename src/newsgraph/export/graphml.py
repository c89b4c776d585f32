"""``graph.graphml``: GraphML for Gephi, Cytoscape, igraph and yEd.

Every attribute becomes a typed GraphML key (string, long, double or boolean); lists, mappings and
date-times are flattened as :mod:`newsgraph.export.flatten` describes. Edge ids are the edge kinds.
"""

from __future__ import annotations

import os

import networkx as nx

from newsgraph.export.flatten import flat_copy

__all__ = ["write_graphml"]


def write_graphml(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as GraphML (UTF-8)."""
    nx.write_graphml_xml(flat_copy(graph), path, encoding="utf-8", named_key_ids=True)
