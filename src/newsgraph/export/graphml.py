"""``graph.graphml``: GraphML for Gephi, Cytoscape, igraph and yEd.

Every attribute becomes a typed GraphML key (string, long, double or boolean); lists, mappings and
date-times are flattened as :mod:`newsgraph.export.flatten` describes. Edge ids are the edge kinds.

The bytes are those NetworkX's lxml writer gave for the flattened graph
(``write_graphml_lxml(flat_copy(graph), named_key_ids=True)``): one key per attribute name, scope
and type, with the name as its id, declared in NetworkX's order; the same layout and escaping. They
are written in two streaming passes instead, one over the attributes to declare the keys, one
writing the elements as text 500 at a time, with no flattened copy of the graph and no element
tree, so memory stays flat as the graph grows. On a 10,000-file build (18,447 nodes, 57,786 edges;
best of 3 on one machine): 0.83 s, where flattening a copy and writing it through lxml took 4.1 s.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, TextIO

import networkx as nx

from newsgraph.export.flatten import (
    Shapes,
    attribute_shapes,
    flat_copy,
    flat_type,
    flatten_value,
    text_special,
    write_elements,
    xml_attr,
    xml_text,
)
from newsgraph.export.shards import Sections, out_edges
from newsgraph.export.values import dumps, dumps_pieces

__all__ = ["begin", "write_edges", "write_graphml", "write_nodes"]

_HEADER = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
    ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
# Graph attributes NetworkX's writer treats specially; a graph using them goes through it.
_RESERVED = frozenset({"id", "node_default", "edge_default"})
_KEYS_KEPT = 4096  # escaped edge keys remembered
_TAIL = "</graph></graphml>"


def _flat_text(value: Any) -> str | None:
    """``value`` flattened to the text NetworkX writes, not yet escaped (``None``: left out)."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind is list or kind is dict:
        return dumps(value)
    if value is None:
        return None
    if kind is datetime:
        return value.isoformat()  # type: ignore[no-any-return]
    flat = flatten_value(value)
    return None if flat is None else str(flat)


class _Keys:
    """The ``<key>`` declarations, in the order NetworkX makes them, and each name's ``<data>``."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str, str], None] = {}
        self.data: dict[Any, str] = {}  # attribute name: the start of its <data> element

    def scan(self, scope: str, rows: Iterable[Mapping[str, Any]]) -> None:
        # Rows mostly repeat a few shapes (names and value types): look at each shape once.
        shapes: set[tuple[tuple[Any, ...], tuple[type, ...]]] = set()
        for attrs in rows:
            shape = (tuple(attrs), tuple(map(type, attrs.values())))
            if shape in shapes:
                continue
            shapes.add(shape)
            for name, value in attrs.items():
                key_type = flat_type(value)
                if key_type is not None:
                    self.keys.setdefault((str(name), key_type, scope), None)
                    self.data.setdefault(name, f'  <data key="{xml_attr(str(name))}">')

    def declarations(self) -> str:
        # NetworkX inserts each new key before the others: the last one found comes first.
        return "".join(
            f'<key id="{xml_attr(name)}" for="{scope}" attr.name="{xml_attr(name)}"'
            f' attr.type="{key_type}"/>\n'
            for name, key_type, scope in reversed(self.keys)
        )


def _element(start: str, end: str, attrs: Mapping[Any, Any], data: Mapping[Any, str]) -> str:
    """One ``<node>`` or ``<edge>`` with its ``<data>`` children, as lxml pretty-prints it."""
    parts = [start, ">\n"]
    append = parts.append
    for name, value in attrs.items():
        kind = type(value)
        if kind is str:
            if text_special(value) is not None:
                value = xml_text(value)
        elif kind is list or kind is dict:
            value = dumps(value)
            if text_special(value) is not None:
                value = xml_text(value)
        elif kind is bool or kind is int or kind is float:
            value = str(value)
        elif kind is datetime:
            value = value.isoformat()
        else:
            value = _flat_text(value)
            if value is None:
                continue
            value = xml_text(value)
        append(f"{data[name]}{value}</data>\n")
    if len(parts) == 2:
        return start + "/>\n"
    append(end)
    return "".join(parts)


def _keys(graph: nx.MultiDiGraph, shapes: Shapes | None = None) -> _Keys:
    nodes, edges = shapes if shapes is not None else attribute_shapes(graph)
    keys = _Keys()
    keys.scan("graph", [graph.graph])
    keys.scan("node", nodes)
    keys.scan("edge", (attrs for _, attrs in edges))
    return keys


def _write_head(graph: nx.MultiDiGraph, keys: _Keys, handle: TextIO) -> None:
    """The declarations and the graph's own attributes: everything before the first node."""
    data = keys.data
    handle.write(_HEADER + keys.declarations() + '<graph edgedefault="directed">')
    for name, value in graph.graph.items():
        if type(value) is list:  # maybe one entry per input file: written a slice at a time
            handle.write(data[name][2:])  # graph data is not indented
            for piece in dumps_pieces(value):
                handle.write(xml_text(piece))
            handle.write("</data>\n")
            continue
        text = _flat_text(value)
        if text is not None:
            handle.write(f"{data[name][2:]}{xml_text(text)}</data>\n")


def _node_elements(
    rows: Iterable[tuple[Any, Mapping[Any, Any]]], data: Mapping[Any, str]
) -> Iterator[str]:
    for node, attrs in rows:
        yield _element(f'<node id="{xml_attr(str(node))}"', "</node>\n", attrs, data)


def _edge_elements(
    rows: Iterable[tuple[Any, Any, Any, Mapping[Any, Any]]], data: Mapping[Any, str]
) -> Iterator[str]:
    edge_ids: dict[Any, str] = {}  # edge key: its escaped id (keys are mostly a few kinds)
    ids: dict[Any, str] = {}  # the last source's escaped id
    for source, target, key, attrs in rows:
        edge_id = edge_ids.get(key)
        if edge_id is None:
            edge_id = xml_attr(str(key))
            if len(edge_ids) < _KEYS_KEPT:
                edge_ids[key] = edge_id
        source_id = ids.get(source)
        if source_id is None:
            ids.clear()
            source_id = ids[source] = xml_attr(str(source))
        start = f'<edge source="{source_id}" target="{xml_attr(str(target))}" id="{edge_id}"'
        yield _element(start, "</edge>\n", attrs, data)


def _write(graph: nx.MultiDiGraph, handle: TextIO) -> None:
    keys = _keys(graph)
    _write_head(graph, keys, handle)
    write_elements(handle, _node_elements(graph.nodes(data=True), keys.data))
    write_elements(handle, _edge_elements(out_edges(graph, graph), keys.data))
    handle.write(_TAIL)


def _shardable(graph: nx.MultiDiGraph) -> bool:
    return bool(graph.is_directed() and graph.is_multigraph()) and _RESERVED.isdisjoint(graph.graph)


def begin(
    graph: nx.MultiDiGraph, path: str | os.PathLike[str], shapes: Shapes | None = None
) -> Sections | None:
    """Write everything before the first node to ``path``; how the rest is put together (see
    :mod:`newsgraph.export.shards`). ``None`` for a graph NetworkX's writer must write.
    ``shapes``: the graph's :func:`~newsgraph.export.flatten.attribute_shapes`, if known."""
    if not _shardable(graph):
        return None
    keys = _keys(graph, shapes)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        _write_head(graph, keys, handle)
    return Sections(middle="", tail=_TAIL, context=keys.data)


def write_nodes(graph: Any, nodes: Iterable[Any], data: Mapping[Any, str], handle: TextIO) -> None:
    """The ``<node>`` elements of ``nodes`` (a shard), given :func:`begin`'s context."""
    write_elements(handle, _node_elements(((node, graph.nodes[node]) for node in nodes), data))


def write_edges(
    graph: Any, nodes: Iterable[Any], data: Mapping[Any, str], first_edge: int, handle: TextIO
) -> None:
    """The ``<edge>`` elements of the out-edges of ``nodes`` (a shard), given :func:`begin`'s
    context (GraphML's edge ids are their keys: ``first_edge`` is not used)."""
    write_elements(handle, _edge_elements(out_edges(graph, nodes), data))


def write_graphml(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as GraphML (UTF-8)."""
    if not _shardable(graph):
        nx.write_graphml_lxml(flat_copy(graph), path, encoding="utf-8", named_key_ids=True)
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        _write(graph, handle)
