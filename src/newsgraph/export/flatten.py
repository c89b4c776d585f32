"""Attribute flattening for formats that only hold strings, numbers and booleans.

GraphML and GEXF cannot hold lists, mappings or date-times: lists and mappings become compact JSON
strings (``["AI", "Computer Vision"]``), date-times ISO 8601 strings, and missing values are left
out. Characters that XML 1.0 forbids (control characters other than tab, newline and carriage
return) are replaced by U+FFFD. graph.json keeps the original values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import networkx as nx

from newsgraph.export.values import dumps

__all__ = ["flat_copy", "flatten_value"]

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", value)


def flatten_value(value: Any) -> str | int | float | bool | None:
    """One attribute value in a form GraphML and GEXF can hold."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return _text(dumps(value))


def _flat(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ((k, flatten_value(v)) for k, v in attrs.items()) if v is not None}


def flat_copy(
    graph: nx.MultiDiGraph,
    node_extra: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None,
) -> nx.MultiDiGraph:
    """A copy of ``graph`` with every attribute flattened (node ids and edge keys unchanged)."""
    flat = nx.MultiDiGraph()
    flat.graph.update(_flat(graph.graph))
    for node, attrs in graph.nodes(data=True):
        values = _flat(attrs)
        if node_extra is not None:
            values.update(_flat(node_extra(attrs)))
        flat.add_node(_text(node), **values)
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        flat.add_edge(_text(source), _text(target), key=key, **_flat(attrs))
    return flat
