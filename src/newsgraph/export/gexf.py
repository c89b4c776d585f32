"""``graph.gexf``: GEXF 1.2 for Gephi.

Attributes are flattened as :mod:`newsgraph.export.flatten` describes. Each node's GEXF label is
what a person would read: an article's title, a provider's name, a topic's label.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import networkx as nx

from newsgraph.export.flatten import flat_copy

__all__ = ["write_gexf"]


def _label(attrs: Mapping[str, Any]) -> dict[str, Any]:
    label = attrs.get("label") or attrs.get("title") or attrs.get("name") or attrs.get("url")
    return {"label": label} if label else {}


def write_gexf(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as GEXF 1.2 (UTF-8)."""
    nx.write_gexf(flat_copy(graph, node_extra=_label), path, encoding="utf-8", version="1.2draft")
